"""autograd.Tensor's gradient semantics, as PyTorch's: when ``.grad`` is set, accumulated or
overwritten, no_grad, detect_anomaly, gradients of gradients, jvp through constants."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from autograd import AnomalyError, Tensor, detect_anomaly, grad, is_grad_enabled, jvp, no_grad


def test_grad_is_none_until_reached_and_assignable():
    x = Tensor([1.0, 2.0], requires_grad=True)
    unused = Tensor([5.0], requires_grad=True)
    const = Tensor([3.0, 4.0])
    assert x.grad is None
    loss = (x * const).sum()
    assert x.grad is None
    loss.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert unused.grad is None and const.grad is None
    x.grad = None
    loss.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    x.grad = np.array([10.0, 10.0])
    loss.backward()
    np.testing.assert_array_equal(x.grad, [13.0, 14.0])
    x.zero_grad()
    assert x.grad is None


def test_leaf_grads_accumulate_interior_grads_hold_the_last_pass():
    x = Tensor([1.0, -2.0], requires_grad=True)
    h = x * 3.0
    loss = (h * h).sum()
    loss.backward()
    loss.backward()
    np.testing.assert_allclose(x.grad, 2 * 18 * np.array([1.0, -2.0]))
    np.testing.assert_allclose(h.grad, 2 * 3 * np.array([1.0, -2.0]))


def test_a_tensor_used_twice_receives_both_contributions():
    x = Tensor([2.0, 3.0], requires_grad=True)
    (x * x + x).sum().backward()
    np.testing.assert_array_equal(x.grad, [5.0, 7.0])


def test_leaves_get_their_own_gradient_arrays():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([3.0, 4.0], requires_grad=True)
    (x + y).sum().backward()
    assert x.grad is not y.grad
    x.grad += 1.0
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])


def test_no_grad_records_nothing():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with no_grad():
        assert not is_grad_enabled()
        y = (x * 2).exp() @ x
        z = x[0] + x.sum()
    assert is_grad_enabled()
    for t in (y, z):
        assert t.requires_grad is False and t.op == "" and t.parents == ()
    assert (x * 2).requires_grad
    assert (Tensor([1.0]) * 2).requires_grad is False


def test_detect_anomaly_forward_and_backward():
    with detect_anomaly(), pytest.raises(AnomalyError, match="'log'"):
        Tensor([0.0]).log()
    with detect_anomaly(), pytest.raises(AnomalyError, match="'log'"):
        Tensor([1.0, -1.0], requires_grad=True).log()
    with detect_anomaly(), pytest.raises(AnomalyError, match="'div'"):
        Tensor([1.0, 2.0], requires_grad=True) / Tensor([1.0, 0.0])
    x = Tensor([4.0, 0.0], requires_grad=True)
    with detect_anomaly(), np.errstate(divide="ignore"):
        y = x.sqrt().sum()  # sqrt(0) = 0 is finite, its derivative is not
        with pytest.raises(AnomalyError, match="backward rule of op 'sqrt'"):
            y.backward()
    # without detect_anomaly: IEEE values (the forward pass without a warning)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Tensor([0.0]).log().item() == -math.inf
    x = Tensor([0.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        x.sqrt().sum().backward()
    assert x.grad[0] == math.inf


def test_hessian_vector_product_of_sum_of_cubes():
    rng = np.random.default_rng(13)
    xv, v = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    x = Tensor(xv, requires_grad=True)
    (g,) = grad((x**3).sum(), [x], create_graph=True)
    np.testing.assert_allclose(g.data, 3 * xv**2, rtol=1e-13)
    (hv,) = grad((g * v).sum(), [x])
    np.testing.assert_allclose(hv.data, 6 * xv * v, rtol=1e-13)
    # the same through backward(create_graph=True)
    x.grad = None
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor)
    (x.grad * v).sum().backward()
    assert x.grad.data.shape == (3, 4)

def test_jvp_through_a_broadcast_constant():
    c = Tensor(np.ones((1, 4)))
    _, tan = jvp(lambda a: (a + c).sum(axis=1), [np.ones((3, 1))], [np.arange(3.0)[:, None]])
    np.testing.assert_allclose(tan, 4 * np.arange(3.0))
