"""autograd.Tensor's softmax family against closed forms: the softmax Jacobian
diag(s) − s sᵀ (backward and forward mode), log_softmax, logsumexp's gradient softmax and its
Hessian diag(s) − s sᵀ, and cross-entropy's gradient softmax − onehot."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import np_softmax

from autograd import Tensor, grad, jvp


@pytest.mark.parametrize("shape, axis", [((6,), -1), ((4, 5), -1), ((4, 5), 0), ((2, 3, 4), 1)])
def test_softmax_jacobian_closed_form(shape, axis):
    rng = np.random.default_rng(7)
    x = rng.normal(0, 2, shape)
    v = rng.standard_normal(shape)
    s = np_softmax(x, axis)
    t = Tensor(x, requires_grad=True)
    y = t.softmax(axis=axis)
    np.testing.assert_allclose(y.data, s, rtol=1e-13)
    y.backward(gradient=v)
    # vᵀ J with J = diag(s) − s sᵀ, one independent slice at a time
    xs, vs, ss = (np.moveaxis(a, axis, -1).reshape(-1, shape[axis]) for a in (x, v, s))
    expected = np.array([vi @ (np.diag(si) - np.outer(si, si)) for vi, si in zip(vs, ss)])
    got = np.moveaxis(t.grad, axis, -1).reshape(-1, shape[axis])
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-14)
    # forward mode: J v (J is symmetric here)
    _, tan = jvp(lambda a: a.softmax(axis=axis), [x], [v])
    np.testing.assert_allclose(np.moveaxis(tan, axis, -1).reshape(-1, shape[axis]), expected,
                               rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("axis", [-1, 0])
def test_log_softmax_closed_form(axis):
    rng = np.random.default_rng(8)
    x = rng.normal(0, 3, (4, 6))
    v = rng.standard_normal(x.shape)
    t = Tensor(x, requires_grad=True)
    y = t.log_softmax(axis=axis)
    lse = np.log(np.sum(np.exp(x), axis=axis, keepdims=True))
    np.testing.assert_allclose(y.data, x - lse, rtol=1e-12)
    y.backward(gradient=v)
    s = np.exp(x - lse)
    np.testing.assert_allclose(t.grad, v - s * v.sum(axis=axis, keepdims=True), rtol=1e-10)


def test_logsumexp_gradient_is_softmax():
    x = np.random.default_rng(9).normal(0, 3, (3, 5))
    t = Tensor(x, requires_grad=True)
    out = t.logsumexp(axis=1)
    np.testing.assert_allclose(out.data, np.log(np.exp(x).sum(axis=1)), rtol=1e-12)
    out.sum().backward()
    np.testing.assert_allclose(t.grad, np.exp(x) / np.exp(x).sum(axis=1, keepdims=True),
                               rtol=1e-12)


@pytest.mark.parametrize("scale", [1.0, 1000.0])
def test_cross_entropy_gradient_is_softmax_minus_onehot(scale):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((6, 4)) * scale
    labels = rng.integers(0, 4, 6)
    onehot = np.eye(4)[labels]
    t = Tensor(x, requires_grad=True)
    loss = -(onehot * t.log_softmax()).sum()
    loss.backward()
    s = np_softmax(x)
    assert np.isfinite(loss.item())
    np.testing.assert_allclose(t.grad, s - onehot, rtol=1e-10, atol=1e-14)
    if scale == 1.0:
        expected = -np.sum(onehot * (x - np.log(np.exp(x).sum(axis=1, keepdims=True))))
        assert loss.item() == pytest.approx(expected, rel=1e-12)
    # the mean over the batch, with the labels picked by integer indexing
    t.grad = None
    (-t.log_softmax()[np.arange(6), labels].mean()).backward()
    np.testing.assert_allclose(t.grad, (s - onehot) / 6, rtol=1e-10, atol=1e-14)

def test_full_hessian_of_logsumexp_is_diag_s_minus_ssT():
    xv = np.random.default_rng(14).standard_normal(5)
    x = Tensor(xv, requires_grad=True)
    (g,) = grad(x.logsumexp(), [x], create_graph=True)
    rows = [grad(g[i], [x])[0].data for i in range(5)]
    s = np.exp(xv) / np.exp(xv).sum()
    np.testing.assert_allclose(np.array(rows), np.diag(s) - np.outer(s, s), rtol=1e-10,
                               atol=1e-14)
