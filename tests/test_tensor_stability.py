"""autograd.Tensor at extreme inputs (±1000): sigmoid, tanh, softplus and the softmax family
stay finite, warning-free and exact against hand-derived limits, in float64 and float32."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from autograd import Tensor

BIG = np.array([1000.0, -1000.0, 0.0, 999.0, -999.0, 30.0])


@pytest.fixture
def no_numpy_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an overflow warning would be a stability bug
        yield


@pytest.mark.usefixtures("no_numpy_warnings")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("name, f, value, slope", [
    ("sigmoid", lambda t: t.sigmoid(),
     lambda x: np.array([1.0, 0.0, 0.5, 1.0, 0.0, 1 / (1 + math.exp(-30))]),
     lambda x: np.array([0.0, 0.0, 0.25, 0.0, 0.0, math.exp(-30) / (1 + math.exp(-30)) ** 2])),
    ("tanh", lambda t: t.tanh(), lambda x: np.tanh(x), lambda x: 1 - np.tanh(x) ** 2),
    ("softplus", lambda t: t.softplus(),
     lambda x: np.array([1000.0, 0.0, math.log(2), 999.0, 0.0, 30 + math.log1p(math.exp(-30))]),
     lambda x: np.array([1.0, 0.0, 0.5, 1.0, 0.0, 1 / (1 + math.exp(-30))])),
])
def test_stable_elementwise_at_extremes(dtype, name, f, value, slope):
    t = Tensor(BIG, requires_grad=True, dtype=dtype)
    y = f(t)
    y.backward(gradient=np.ones(BIG.shape, dtype))
    assert np.all(np.isfinite(y.data)) and np.all(np.isfinite(t.grad))
    tol = 1e-12 if dtype == np.float64 else 1e-6
    np.testing.assert_allclose(y.data, value(BIG), rtol=tol, atol=tol)
    np.testing.assert_allclose(t.grad, slope(BIG), rtol=tol, atol=tol)


ROWS = np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -1000.0], [1000.0, 1000.0, 0.0],
                 [-1000.0, 1000.0, 0.5]])


def _shifted_softmax(x):
    """Closed form with the max subtracted by hand (the rows are chosen so exp never overflows)."""
    m = x.max(axis=1, keepdims=True)
    e = np.exp(x - m)
    return e / e.sum(axis=1, keepdims=True), m[:, 0] + np.log(e.sum(axis=1))


@pytest.mark.usefixtures("no_numpy_warnings")
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_softmax_family_at_extremes(dtype):
    s, lse = _shifted_softmax(ROWS)
    v = np.random.default_rng(11).standard_normal(ROWS.shape)
    tol = dict(rtol=1e-12, atol=1e-12) if dtype == np.float64 else dict(rtol=1e-5, atol=1e-4)

    t = Tensor(ROWS, requires_grad=True, dtype=dtype)
    y = t.softmax()
    y.backward(gradient=v.astype(dtype))
    np.testing.assert_allclose(y.data, s, **tol)
    np.testing.assert_allclose(t.grad, s * (v - (v * s).sum(axis=1, keepdims=True)), **tol)

    t = Tensor(ROWS, requires_grad=True, dtype=dtype)
    y = t.logsumexp(axis=1)
    y.backward(gradient=np.ones(4, dtype))
    assert lse[0] == pytest.approx(1000 + math.log1p(math.exp(-1)))
    assert lse[1] == pytest.approx(-1000 + math.log(3))
    np.testing.assert_allclose(y.data, lse, **tol)
    np.testing.assert_allclose(t.grad, s, **tol)

    t = Tensor(ROWS, requires_grad=True, dtype=dtype)
    y = t.log_softmax()
    y.backward(gradient=v.astype(dtype))
    assert np.all(np.isfinite(y.data))
    np.testing.assert_allclose(y.data, ROWS - lse[:, None], **tol)
    np.testing.assert_allclose(t.grad, v - s * v.sum(axis=1, keepdims=True), **tol)

    t = Tensor(ROWS, requires_grad=True, dtype=dtype)
    t.logsumexp().backward()  # float32: the result near 1000 is only good to an ulp, 6e-5
    rel = 1e-12 if dtype == np.float64 else 1e-4
    assert np.all(np.isfinite(t.grad)) and t.grad.sum() == pytest.approx(1.0, rel=rel)
