"""numpy functions and ufuncs applied to a Tensor: they run the Tensor op (the gradient flows),
compute on the data when the result carries no gradient, or raise a TypeError naming the
function; they never return an array cut off from the graph."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor

X = np.array([[1.0, -2.0], [3.0, 0.5]])


def _leaf() -> Tensor:
    return Tensor(X.copy(), requires_grad=True)


# (numpy call on t, d sum(result) / d t by hand)
KEPT = {
    "np.reshape": (lambda t: np.reshape(t, (4,)), np.ones((2, 2))),
    "np.reshape newshape=-1": (lambda t: np.reshape(t, -1), np.ones((2, 2))),
    "np.ravel": (lambda t: np.ravel(t), np.ones((2, 2))),
    "np.squeeze": (lambda t: np.squeeze(np.expand_dims(t, 0)), np.ones((2, 2))),
    "np.transpose": (lambda t: np.transpose(t), np.ones((2, 2))),
    "np.swapaxes": (lambda t: np.swapaxes(t, 0, 1), np.ones((2, 2))),
    "np.broadcast_to": (lambda t: np.broadcast_to(t, (3, 2, 2)), np.full((2, 2), 3.0)),
    # the gradient passes where lo <= x <= hi: 1, -2 (below 0: no), 3 (above 2: no), 0.5
    "np.clip": (lambda t: np.clip(t, 0.0, 2.0), np.array([[1.0, 0.0], [0.0, 1.0]])),
    "np.clip without a lower bound": (lambda t: np.clip(t, None, 2.0),
                                      np.array([[1.0, 1.0], [0.0, 1.0]])),
    "np.sum": (lambda t: np.sum(t), np.ones((2, 2))),
    "np.sum axis keepdims": (lambda t: np.sum(t, axis=0, keepdims=True), np.ones((2, 2))),
    "np.mean": (lambda t: np.mean(t), np.full((2, 2), 0.25)),
    "np.max": (lambda t: np.max(t), np.array([[0.0, 0.0], [1.0, 0.0]])),
    "np.min axis": (lambda t: np.min(t, axis=1), np.array([[0.0, 1.0], [0.0, 1.0]])),
    # d/dx_i Σ_j (x_j − m)² / n = 2 (x_i − m) / n (the terms through m sum to 0), n = 4
    "np.var": (lambda t: np.var(t), (X - X.mean()) / 2),
    "np.where": (lambda t: np.where(X > 0, t, 0.0), np.array([[1.0, 0.0], [1.0, 1.0]])),
    "np.concatenate": (lambda t: np.concatenate([t, 2 * t]), np.full((2, 2), 3.0)),
    "np.stack": (lambda t: np.stack([t, t], axis=1), np.full((2, 2), 2.0)),
    # d/dt_ij Σ_i (t @ 1)_i = 1 everywhere
    "np.dot": (lambda t: np.dot(t, np.ones(2)), np.ones((2, 2))),
    "np.exp": (lambda t: np.exp(t), np.exp(X)),
    "np.tanh": (lambda t: np.tanh(t), 1 - np.tanh(X) ** 2),
    "np.abs": (lambda t: np.abs(t), np.sign(X)),
    "np.negative": (lambda t: -t + np.negative(t), np.full((2, 2), -2.0)),
    "np.maximum": (lambda t: np.maximum(t, 1.0), np.array([[0.5, 0.0], [1.0, 0.0]])),
    "np.power": (lambda t: np.power(t, 2.0), 2 * X),
    "array + t": (lambda t: np.ones((2, 2)) + t, np.ones((2, 2))),
    "array - t": (lambda t: np.ones((2, 2)) - t, -np.ones((2, 2))),
    "array * t": (lambda t: np.full((2, 2), 3.0) * t, np.full((2, 2), 3.0)),
    "array / t": (lambda t: np.ones((2, 2)) / t, -1 / X**2),
    "array @ t": (lambda t: np.ones((1, 2)) @ t, np.ones((2, 2))),
    "numpy scalar * t": (lambda t: np.float64(3.0) * t, np.full((2, 2), 3.0)),
}


@pytest.mark.parametrize("name", list(KEPT))
def test_numpy_functions_with_a_tensor_op_keep_the_gradient(name):
    call, expected = KEPT[name]
    t = _leaf()
    out = call(t)
    assert isinstance(out, Tensor) and out.requires_grad, f"{name} returned {type(out)}"
    out.sum().backward()
    np.testing.assert_allclose(t.grad, expected, rtol=1e-12, atol=1e-15)


def test_numpy_results_equal_the_tensor_methods():
    t = _leaf()
    np.testing.assert_array_equal(np.reshape(t, (4,)).data, X.reshape(4))
    np.testing.assert_array_equal(np.clip(t, 0.0, 2.0).data, np.clip(X, 0.0, 2.0))
    np.testing.assert_allclose(np.mean(t, axis=0).data, X.mean(axis=0), rtol=1e-15)
    np.testing.assert_allclose(np.var(t, ddof=1).data, X.var(ddof=1), rtol=1e-12)


def test_functions_without_gradient_run_on_the_data():
    t = _leaf()
    assert np.shape(t) == (2, 2) and np.ndim(t) == 2 and np.size(t) == 4
    assert np.argmax(t) == 2 and np.argmin(t) == 1
    assert np.allclose(t, X) and np.array_equal(t, X)
    np.testing.assert_array_equal(np.ones((2, 2)) < t, X > 1)
    np.testing.assert_array_equal(np.ones((2, 2)) == t, X == 1)
    np.testing.assert_array_equal(np.isfinite(t), np.ones((2, 2), dtype=bool))
    np.testing.assert_array_equal(np.where(t > 0)[0], [0, 1, 1])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda t: np.cumsum(t), r"numpy\.cumsum does not take a Tensor"),
        (lambda t: np.square(t), r"numpy\.square does not take a Tensor.*t \* t"),
        (lambda t: np.std(t), r"numpy\.std does not take a Tensor.*t\.var\(\) \*\* 0\.5"),
        (lambda t: np.linalg.norm(t), r"numpy\.linalg\.norm does not take a Tensor"),
        (lambda t: np.sum(t, dtype=np.float32), r"numpy\.sum .*argument\(s\) dtype"),
        (lambda t: np.mean(t, out=np.empty(())), r"numpy\.mean .*argument\(s\) out"),
        (lambda t: np.reshape(t, 4, order="F"), r"numpy\.reshape .*order='C'"),
        (lambda t: np.clip(t, np.zeros(2), 1.0), r"numpy\.clip .*numbers as bounds"),
        (lambda t: np.add.reduce(t), r"numpy\.add\.reduce does not take a Tensor: .*t\.sum"),
        (lambda t: np.exp(t, out=np.empty((2, 2))), r"numpy\.exp\(\.\.\., out=\.\.\.\)"),
        (lambda t: np.log1p(t), r"numpy\.log1p does not take a Tensor.*\(1 \+ t\)\.log\(\)"),
        (lambda t: np.dot(np.ones((2, 2, 2)), t), r"numpy\.dot .*more than 2 dimensions"),
    ],
)
def test_numpy_functions_without_a_tensor_op_raise_a_clear_type_error(call, message):
    with pytest.raises(TypeError, match=message):
        call(_leaf())


def test_in_place_update_of_an_array_by_a_tensor_is_refused():
    # arr += t would have to store the Tensor's numbers in arr, losing the gradient
    arr = np.ones((2, 2))
    with pytest.raises(TypeError, match=r"write x = x \+ t"):
        arr += _leaf()
    np.testing.assert_array_equal(arr, np.ones((2, 2)))


def test_asarray_refuses_to_cut_a_tensor_that_requires_grad_off_its_graph():
    t = Tensor(np.array([1.0, 2.0]), requires_grad=True)
    with pytest.raises(TypeError, match=r"requires grad .*t\.detach\(\)\.numpy\(\)"):
        np.asarray(t)
    # without gradients it is just its numbers, as in PyTorch
    plain = t.detach()
    out = np.asarray(plain)
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]
    assert np.asarray(plain, dtype=np.float32).dtype == np.float32
    copied = np.array(plain, copy=True)
    copied[0] = 9.0
    assert plain.data[0] == 1.0                      # a requested copy is a copy
