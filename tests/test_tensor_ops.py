"""autograd.Tensor, op by op: each case (broadcasting arithmetic, scalars and arrays on either
side, matmul, reductions, shapes, indexing, joining, a small network) against an independent
numpy implementation of the same function, for the forward value, the gradient, gradcheck, a
second-order product through ``create_graph=True``, forward mode (jvp) and float32.

Expected numbers never come from the engine itself: gradients are checked against central
differences of the case's *numpy* function (``helpers.np_central``) as well as with
``autograd.gradcheck``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest
from helpers import np_central, np_softmax, seed_of

from autograd import (
    Tensor,
    concatenate,
    grad,
    gradcheck,
    jvp,
    maximum,
    minimum,
    stack,
    topological_order,
    where,
)

# --- independent references -------------------------------------------------------------------


def np_second(f: Callable[..., Any], arrays: list, u: list, v: list, e: float = 1e-4) -> float:
    """uᵀ H v of a numpy function by the four-point central difference."""

    def at(su: float, sv: float) -> float:
        return float(f(*[a + su * ui + sv * vi for a, ui, vi in zip(arrays, u, v)]))

    return (at(e, e) - at(e, -e) - at(-e, e) + at(-e, -e)) / (4 * e * e)


def np_logsumexp(x, axis=None, keepdims=False):
    """log Σ exp(x) along ``axis``, as m + log Σ exp(x − m) with m = max x."""
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


# --- the op cases ------------------------------------------------------------------------------


def away_from_zero(rng, shape):
    return rng.uniform(0.3, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


@dataclass
class Case:
    """``tensor_fn`` on Tensors and ``numpy_fn`` on arrays compute the same thing."""

    id: str
    tensor_fn: Callable[..., Any]
    numpy_fn: Callable[..., Any]
    shapes: tuple
    ranges: Any = (-2.0, 2.0)  # (lo, hi), or a sampler(rng, shape), or one per input
    float32_ok: bool = True  # False when a float64 numpy constant is part of the function

    def inputs(self) -> list:
        rng = np.random.default_rng(seed_of(self.id))
        ranges = self.ranges
        if not (isinstance(ranges, list)):
            ranges = [ranges] * len(self.shapes)
        out = []
        for shape, r in zip(self.shapes, ranges):
            out.append(r(rng, shape) if callable(r) else rng.uniform(r[0], r[1], shape))
        return [np.asarray(a, dtype=np.float64) for a in out]

    def weights(self, out_shape: tuple) -> np.ndarray:
        return np.random.default_rng(seed_of(self.id) + 1).standard_normal(out_shape)


POS = (0.5, 2.0)
C23 = np.array([0.5, -1.5, 2.0])
MASK34 = np.array([[1, 0, 0, 1], [0, 1, 1, 1], [0, 0, 0, 1]], dtype=bool)
COND34 = np.array([[1, 0, 1, 1], [0, 0, 1, 0], [1, 1, 0, 1]], dtype=bool)

CASES = [
    # broadcasting arithmetic
    Case("add (3,1)+(1,4)", lambda a, b: a + b, lambda a, b: a + b, ((3, 1), (1, 4))),
    Case("sub (3,4)-(4,)", lambda a, b: a - b, lambda a, b: a - b, ((3, 4), (4,))),
    Case("sub (4,)-(3,4)", lambda a, b: a - b, lambda a, b: a - b, ((4,), (3, 4))),
    Case("mul (5,)*(2,5)", lambda a, b: a * b, lambda a, b: a * b, ((5,), (2, 5))),
    Case("mul (2,1,3)*(4,1)", lambda a, b: a * b, lambda a, b: a * b, ((2, 1, 3), (4, 1))),
    Case("div (2,5)/(5,)", lambda a, b: a / b, lambda a, b: a / b, ((2, 5), (5,)),
         [(-2, 2), POS]),
    Case("div (3,1)/(1,4)", lambda a, b: a / b, lambda a, b: a / b, ((3, 1), (1, 4)),
         [(-2, 2), POS]),
    Case("pow (3,1)**(1,4)", lambda a, b: a**b, lambda a, b: a**b, ((3, 1), (1, 4)),
         [POS, (-2, 2)]),
    Case("neg", lambda x: -x, lambda x: -x, ((3, 4),)),
    Case("abs", lambda x: abs(x), np.abs, ((3, 4),), away_from_zero),
    # a Python scalar on either side
    Case("2.5 + x", lambda x: 2.5 + x, lambda x: 2.5 + x, ((3, 4),)),
    Case("x + 2.5", lambda x: x + 2.5, lambda x: x + 2.5, ((3, 4),)),
    Case("2.5 - x", lambda x: 2.5 - x, lambda x: 2.5 - x, ((3, 4),)),
    Case("x - 2.5", lambda x: x - 2.5, lambda x: x - 2.5, ((3, 4),)),
    Case("2.5 * x", lambda x: 2.5 * x, lambda x: 2.5 * x, ((3, 4),)),
    Case("x * 2.5", lambda x: x * 2.5, lambda x: x * 2.5, ((3, 4),)),
    Case("2.5 / x", lambda x: 2.5 / x, lambda x: 2.5 / x, ((3, 4),), POS),
    Case("x / 2.5", lambda x: x / 2.5, lambda x: x / 2.5, ((3, 4),)),
    Case("x ** 3", lambda x: x**3, lambda x: x**3, ((3, 4),)),
    Case("x ** 0.5", lambda x: x**0.5, np.sqrt, ((3, 4),), POS),
    Case("x ** -1.5", lambda x: x**-1.5, lambda x: x**-1.5, ((3, 4),), POS),
    Case("2 ** x", lambda x: 2**x, lambda x: 2.0**x, ((3, 4),)),
    Case("0.5 ** x", lambda x: 0.5**x, lambda x: 0.5**x, ((3, 4),)),
    # a 0-d Tensor on either side
    Case("0-d + (3,4)", lambda a, b: a + b, lambda a, b: a + b, ((), (3, 4))),
    Case("(3,4) - 0-d", lambda a, b: b - a, lambda a, b: b - a, ((), (3, 4))),
    Case("0-d * (3,4)", lambda a, b: a * b, lambda a, b: a * b, ((), (3, 4))),
    Case("(3,4) / 0-d", lambda a, b: b / a, lambda a, b: b / a, ((), (3, 4)), [POS, (-2, 2)]),
    Case("0-d / (3,4)", lambda a, b: a / b, lambda a, b: a / b, ((), (3, 4)), [(-2, 2), POS]),
    # a numpy array on either side (numpy defers to the Tensor)
    Case("ndarray * x", lambda x: C23 * x, lambda x: C23 * x, ((2, 3),), float32_ok=False),
    Case("x - ndarray", lambda x: x - C23, lambda x: x - C23, ((2, 3),), float32_ok=False),
    Case("ndarray / x", lambda x: C23 / x, lambda x: C23 / x, ((2, 3),), POS, float32_ok=False),
    # two-argument elementwise functions and clip
    Case("maximum (3,1),(1,4)", maximum, np.maximum, ((3, 1), (1, 4))),
    Case("minimum (3,4),(4,)", minimum, np.minimum, ((3, 4), (4,))),
    Case("maximum(x, 0.3)", lambda x: maximum(x, 0.3), lambda x: np.maximum(x, 0.3), ((3, 4),)),
    Case("minimum(0.3, x)", lambda x: minimum(0.3, x), lambda x: np.minimum(0.3, x), ((3, 4),)),
    Case("clip(-0.5, 0.7)", lambda x: x.clip(-0.5, 0.7),
         lambda x: np.minimum(np.maximum(x, -0.5), 0.7), ((4, 5),)),
    Case("where (3,4),(3,1),(4,)", lambda a, b: where(COND34, a, b),
         lambda a, b: np.where(COND34, a, b), ((3, 1), (4,))),
    Case("where(cond, x, 0.0)", lambda x: where(COND34, x, 0.0),
         lambda x: np.where(COND34, x, 0.0), ((3, 4),)),
    Case("where(cond, 1.5, x)", lambda x: where(COND34, 1.5, x),
         lambda x: np.where(COND34, 1.5, x), ((3, 4),)),
    # matmul, as numpy does it
    Case("matmul (3,)@(3,)", lambda a, b: a @ b, np.matmul, ((3,), (3,))),
    Case("matmul (3,)@(3,4)", lambda a, b: a @ b, np.matmul, ((3,), (3, 4))),
    Case("matmul (2,3)@(3,)", lambda a, b: a @ b, np.matmul, ((2, 3), (3,))),
    Case("matmul (2,3)@(3,4)", lambda a, b: a @ b, np.matmul, ((2, 3), (3, 4))),
    Case("matmul (2,3,4)@(4,5)", lambda a, b: a @ b, np.matmul, ((2, 3, 4), (4, 5))),
    Case("matmul (2,3,4)@(2,4,5)", lambda a, b: a @ b, np.matmul, ((2, 3, 4), (2, 4, 5))),
    Case("matmul (1,3,4)@(2,4,2)", lambda a, b: a @ b, np.matmul, ((1, 3, 4), (2, 4, 2))),
    Case("matmul (4,)@(2,4,3)", lambda a, b: a @ b, np.matmul, ((4,), (2, 4, 3))),
    Case("matmul (2,3,4)@(4,)", lambda a, b: a @ b, np.matmul, ((2, 3, 4), (4,))),
    Case("matmul ndarray@x", lambda x: np.ones((2, 3)) @ x, lambda x: np.ones((2, 3)) @ x,
         ((3, 4),), float32_ok=False),
    # reductions
    *[
        Case(f"{name}(axis={axis}, keepdims={kd})",
             lambda x, n=name, a=axis, k=kd: getattr(x, n)(axis=a, keepdims=k),
             lambda x, n=name, a=axis, k=kd: getattr(np, n)(x, axis=a, keepdims=k),
             ((2, 3, 4),))
        for name in ("sum", "mean", "max", "min", "var")
        for axis, kd in ((None, False), (None, True), (1, False), (-1, True), ((0, 2), False),
                         ((0, 2), True))
    ],
    Case("var(axis=1, ddof=1)", lambda x: x.var(axis=1, ddof=1),
         lambda x: np.var(x, axis=1, ddof=1), ((3, 4),)),
    Case("var(ddof=1)", lambda x: x.var(ddof=1), lambda x: np.var(x, ddof=1), ((3, 4),)),
    *[
        Case(f"logsumexp(axis={axis}, keepdims={kd})",
             lambda x, a=axis, k=kd: x.logsumexp(axis=a, keepdims=k),
             lambda x, a=axis, k=kd: np_logsumexp(x, axis=a, keepdims=k), ((2, 3, 4),))
        for axis, kd in ((None, False), (1, False), (-1, True), ((0, 2), True))
    ],
    Case("softmax(-1)", lambda x: x.softmax(), np_softmax, ((3, 4),)),
    Case("softmax(0)", lambda x: x.softmax(axis=0), lambda x: np_softmax(x, 0), ((3, 4),)),
    Case("softmax 1-D", lambda x: x.softmax(), np_softmax, ((5,),)),
    Case("log_softmax(-1)", lambda x: x.log_softmax(),
         lambda x: x - np_logsumexp(x, -1, True), ((3, 4),)),
    Case("log_softmax(1) 3-D", lambda x: x.log_softmax(axis=1),
         lambda x: x - np_logsumexp(x, 1, True), ((2, 3, 2),)),
    # shape
    Case("reshape (6,4)", lambda x: x.reshape(6, 4), lambda x: x.reshape(6, 4), ((2, 3, 4),)),
    Case("reshape (-1,)", lambda x: x.reshape(-1), lambda x: x.reshape(-1), ((2, 3, 4),)),
    Case("reshape (4,-1,2)", lambda x: x.reshape((4, -1, 2)), lambda x: x.reshape(4, -1, 2),
         ((2, 3, 4),)),
    Case("flatten", lambda x: x.flatten(), lambda x: x.ravel(), ((3, 4),)),
    Case("transpose()", lambda x: x.transpose(), lambda x: x.transpose(), ((2, 3, 4),)),
    Case("transpose(2,0,1)", lambda x: x.transpose(2, 0, 1), lambda x: x.transpose(2, 0, 1),
         ((2, 3, 4),)),
    Case("transpose((1,-1,0))", lambda x: x.transpose((1, -1, 0)),
         lambda x: x.transpose(1, 2, 0), ((2, 3, 4),)),
    Case(".T", lambda x: x.T, lambda x: x.T, ((3, 4),)),
    Case("swapaxes(0,2)", lambda x: x.swapaxes(0, 2), lambda x: x.swapaxes(0, 2), ((2, 3, 4),)),
    Case("broadcast_to", lambda x: x.broadcast_to((2, 3, 4)),
         lambda x: np.broadcast_to(x, (2, 3, 4)), ((3, 1),)),
    Case("sum_to", lambda x: x.sum_to((3, 1)), lambda x: x.sum(axis=(0, 2))[:, None],
         ((2, 3, 4),)),
    # indexing
    Case("x[1]", lambda x: x[1], lambda x: x[1], ((3, 4),)),
    Case("x[1:3]", lambda x: x[1:3], lambda x: x[1:3], ((4, 3),)),
    Case("x[::-1, 1::2]", lambda x: x[::-1, 1::2], lambda x: x[::-1, 1::2], ((3, 5),)),
    Case("x[-1, ::2]", lambda x: x[-1, ::2], lambda x: x[-1, ::2], ((3, 5),)),
    Case("x[..., None, 1]", lambda x: x[..., None, 1], lambda x: x[..., None, 1], ((2, 3, 4),)),
    Case("x[[0,0,2]] repeated", lambda x: x[[0, 0, 2]], lambda x: x[[0, 0, 2]], ((3, 4),)),
    Case("x[:, [1,3,1,1]] repeated", lambda x: x[:, [1, 3, 1, 1]],
         lambda x: x[:, [1, 3, 1, 1]], ((3, 4),)),
    Case("x[[0,0,1],[2,2,0]]", lambda x: x[[0, 0, 1], [2, 2, 0]],
         lambda x: x[[0, 0, 1], [2, 2, 0]], ((3, 4),)),
    Case("x[int array 2-D]", lambda x: x[np.array([[0, 1], [1, 1]])],
         lambda x: x[np.array([[0, 1], [1, 1]])], ((3, 4),)),
    Case("x[bool mask]", lambda x: x[MASK34], lambda x: x[MASK34], ((3, 4),)),
    Case("x[bool list]", lambda x: x[[True, False, True]], lambda x: x[[True, False, True]],
         ((3, 4),)),
    # joining
    Case("concatenate axis 0", lambda a, b: concatenate([a, b]),
         lambda a, b: np.concatenate([a, b]), ((2, 3), (4, 3))),
    Case("concatenate axis -1 x3", lambda a, b, c: concatenate([a, b, c], axis=-1),
         lambda a, b, c: np.concatenate([a, b, c], axis=-1), ((2, 1), (2, 3), (2, 2))),
    Case("concatenate with itself", lambda a: concatenate([a, a * 2.0], axis=0),
         lambda a: np.concatenate([a, a * 2.0], axis=0), ((2, 3),)),
    Case("stack axis 0", lambda a, b: stack([a, b]), lambda a, b: np.stack([a, b]),
         ((2, 3), (2, 3))),
    Case("stack axis -1", lambda a, b: stack([a, b], axis=-1),
         lambda a, b: np.stack([a, b], axis=-1), ((2, 3), (2, 3))),
    # a small composite: a two-layer network with a cross-entropy loss
    Case("mlp composite",
         lambda x, w1, w2: ((x @ w1).tanh() @ w2).log_softmax()[[0, 1, 2], [1, 0, 1]],
         lambda x, w1, w2: (np.tanh(x @ w1) @ w2 - np_logsumexp(np.tanh(x @ w1) @ w2, -1, True)
                            )[[0, 1, 2], [1, 0, 1]],
         ((3, 4), (4, 5), (5, 2))),
]
CASE_IDS = [c.id for c in CASES]
FLOAT32_CASES = [c for c in CASES if c.float32_ok]


def _tensors(arrays, requires_grad=True, dtype=None):
    return [Tensor(a.copy(), requires_grad=requires_grad, dtype=dtype) for a in arrays]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_forward_matches_numpy(case):
    arrays = case.inputs()
    out = case.tensor_fn(*_tensors(arrays))
    expected = case.numpy_fn(*arrays)
    assert isinstance(out, Tensor)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradient_matches_numpy_central_differences(case):
    arrays = case.inputs()
    w = case.weights(np.shape(case.numpy_fn(*arrays)))
    ts = _tensors(arrays)
    (case.tensor_fn(*ts) * w).sum().backward()
    expected = np_central(lambda *a: np.sum(case.numpy_fn(*a) * w), arrays)
    for t, e in zip(ts, expected):
        assert t.grad is not None and t.grad.shape == t.shape and t.grad.dtype == np.float64
        np.testing.assert_allclose(t.grad, e, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_gradcheck(case):
    arrays = case.inputs()
    w = case.weights(np.shape(case.numpy_fn(*arrays)))
    report = gradcheck(lambda *ts: (case.tensor_fn(*ts) * w).sum(), arrays, atol=1e-6)
    assert report.ok and len(report.rows) == len(arrays)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_second_order_create_graph(case):
    """uᵀ H v of sum(w · f(x)²) through create_graph=True, against a four-point difference."""
    arrays = case.inputs()
    w = case.weights(np.shape(case.numpy_fn(*arrays)))
    rng = np.random.default_rng(seed_of(case.id) + 2)
    u = [rng.standard_normal(a.shape) for a in arrays]
    v = [rng.standard_normal(a.shape) for a in arrays]
    ts = _tensors(arrays)
    loss = (case.tensor_fn(*ts) ** 2 * w).sum()
    gs = grad(loss, ts, create_graph=True)
    assert all(isinstance(g, Tensor) for g in gs)
    s = sum((g * vi).sum() for g, vi in zip(gs, v))
    hv = grad(s, ts, allow_unused=True)
    got = sum(0.0 if h is None else float(np.sum(h.data * ui)) for h, ui in zip(hv, u))
    expected = np_second(lambda *a: np.sum(case.numpy_fn(*a) ** 2 * w), arrays, u, v)
    assert got == pytest.approx(expected, rel=1e-4, abs=1e-5)


def _jacobian_by_backward(f, arrays):
    """The full Jacobian d out / d inputs (flattened), one backward pass per output element."""
    ts = _tensors(arrays)
    out = f(*ts)
    rows = []
    for k in range(out.size):
        seed = np.zeros(out.size)
        seed[k] = 1.0
        for t in ts:
            t.grad = None
        out.backward(gradient=seed.reshape(out.shape))
        rows.append(np.concatenate([
            (np.zeros(t.size) if t.grad is None else t.grad.ravel()) for t in ts
        ]))
    return np.array(rows)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_jvp_equals_reverse_mode_jacobian(case):
    arrays = case.inputs()
    rng = np.random.default_rng(seed_of(case.id) + 3)
    tangents = [rng.standard_normal(a.shape) for a in arrays]
    out, tangent = jvp(case.tensor_fn, arrays, tangents)
    expected_out = case.numpy_fn(*arrays)
    np.testing.assert_allclose(out, expected_out, rtol=1e-12, atol=1e-12)
    assert np.shape(tangent) == np.shape(expected_out)
    jac = _jacobian_by_backward(case.tensor_fn, arrays)
    jv = jac @ np.concatenate([t.ravel() for t in tangents])
    np.testing.assert_allclose(np.ravel(tangent), jv, rtol=1e-10, atol=1e-12)
    # and against a numpy central difference along the tangent
    e = 1e-6
    fp = case.numpy_fn(*[a + e * t for a, t in zip(arrays, tangents)])
    fm = case.numpy_fn(*[a - e * t for a, t in zip(arrays, tangents)])
    np.testing.assert_allclose(tangent, (fp - fm) / (2 * e), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", FLOAT32_CASES, ids=[c.id for c in FLOAT32_CASES])
def test_float32_stays_float32(case):
    arrays = case.inputs()
    ts = _tensors(arrays, dtype=np.float32)
    out = case.tensor_fn(*ts)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.data, case.numpy_fn(*arrays), rtol=1e-5, atol=1e-5)
    w = case.weights(out.shape).astype(np.float32)
    loss = (out * w).sum()
    loss.backward()
    for node in topological_order(loss):
        assert node.dtype == np.float32, node
        if node.grad is not None:
            assert node.grad.dtype == np.float32, node
    assert all(t.grad.dtype == np.float32 for t in ts)
