"""autograd.Tensor: every op's gradient, the closed forms, stability, dtypes and semantics.

Expected numbers never come from the engine itself: each op case carries an independent numpy
implementation, and gradients are checked against central differences of *that* numpy
function (:func:`np_central`, written here) as well as with ``autograd.gradcheck``; softmax,
log_softmax, logsumexp and cross-entropy are checked against their closed forms.
"""

from __future__ import annotations

import math
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from autograd import (
    OPS,
    AnomalyError,
    Function,
    GradcheckError,
    Tensor,
    Value,
    concatenate,
    detect_anomaly,
    grad,
    gradcheck,
    is_grad_enabled,
    jvp,
    maximum,
    minimum,
    no_grad,
    numerical_grad,
    stack,
    topological_order,
    where,
)

# --- independent references -------------------------------------------------------------------


def np_central(f: Callable[..., Any], arrays: list, eps: float = 1e-6) -> list:
    """d f / d arrays[i] by central differences of a numpy function returning one number."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    grads = []
    for a in arrays:
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + eps
            fp = float(f(*arrays))
            a[idx] = old - eps
            fm = float(f(*arrays))
            a[idx] = old
            g[idx] = (fp - fm) / (2 * eps)
        grads.append(g)
    return grads


def np_second(f: Callable[..., Any], arrays: list, u: list, v: list, e: float = 1e-4) -> float:
    """uᵀ H v of a numpy function by the four-point central difference."""

    def at(su: float, sv: float) -> float:
        return float(f(*[a + su * ui + sv * vi for a, ui, vi in zip(arrays, u, v)]))

    return (at(e, e) - at(e, -e) - at(-e, e) + at(-e, -e)) / (4 * e * e)


_verf = np.vectorize(math.erf, otypes=[float])


def np_sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def np_softmax(x, axis=-1):
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_logsumexp(x, axis=None, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def seed_of(name: str) -> int:
    return zlib.crc32(name.encode())


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
    float32_bug: str = ""  # a known engine bug: the float32 check is expected to fail

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
# autograd/value.py _binary_function makes a Python-number operand a float64 Tensor
# (as_tensor without like=), so maximum(float32 x, 0.3) is float64
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


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id, marks=[pytest.mark.xfail(reason=c.float32_bug, strict=True)]
                 if c.float32_bug else [])
    for c in CASES if c.float32_ok
])
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


# --- every registered elementwise op -----------------------------------------------------------

NUMPY_REFERENCE = {
    "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin, "cos": np.cos, "erf": _verf,
    "sign": np.sign, "tanh": np.tanh, "sigmoid": np_sigmoid,
    "relu": lambda x: np.where(x > 0, x, 0.0),
    "hard_sigmoid": lambda x: np.maximum(np.minimum(0.25 * x + 0.5, 1.0), 0.0),
    "hard_tanh": lambda x: np.maximum(np.minimum(x, 1.0), -1.0),
    "step": lambda x: (x > 0).astype(float),
}
METHOD_OPS = [name for name, op in OPS.items() if op.method and op.nargs == 1 and not op.params]
# (method call, numpy reference, registered op whose domain and kinks apply)
PARAM_METHODS = {
    "leaky_relu()": (lambda t: t.leaky_relu(), lambda x: np.where(x > 0, x, 0.01 * x),
                     "leaky_relu"),
    "leaky_relu(0.2)": (lambda t: t.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x),
                        "leaky_relu"),
    "elu(1.5)": (lambda t: t.elu(1.5), lambda x: np.where(x > 0, x, 1.5 * np.expm1(x)), "elu"),
    "softplus()": (lambda t: t.softplus(), lambda x: np.log1p(np.exp(x)), "softplus"),
    "softplus(2)": (lambda t: t.softplus(2.0), lambda x: np.log1p(np.exp(2 * x)) / 2,
                    "softplus"),
    "swish(1.5)": (lambda t: t.swish(1.5), lambda x: x * np_sigmoid(1.5 * x), "swish"),
    "silu()": (lambda t: t.silu(), lambda x: x * np_sigmoid(x), "swish"),
    "gelu()": (lambda t: t.gelu(), lambda x: 0.5 * x * (1 + _verf(x / math.sqrt(2))),
               "gelu_exact"),
    "gelu(tanh)": (lambda t: t.gelu("tanh"),
                   lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                                    * (x + 0.044715 * x**3))), "gelu_tanh"),
    "gelu(sigmoid)": (lambda t: t.gelu("sigmoid"), lambda x: x * np_sigmoid(1.702 * x),
                      "gelu_sigmoid"),
    "clip(-1, 1)": (lambda t: t.clip(-1.0, 1.0), lambda x: np.minimum(np.maximum(x, -1), 1),
                    "clip"),
}
ELEMENTWISE = {
    **{n: (lambda t, n=n: getattr(t, n)(), NUMPY_REFERENCE.get(n), n) for n in METHOD_OPS},
    **PARAM_METHODS,
}


def _elementwise_inputs(name: str, opname: str, shape=(4, 5)) -> np.ndarray:
    """Random points of the op's declared domain, at least 0.05 away from its kinks."""
    op = OPS[opname]
    lo, hi = op.domain[0] if op.domain else (-3.0, 3.0)
    x = np.random.default_rng(seed_of(name)).uniform(lo, hi, shape)
    for k in op.kinks:
        near = np.abs(x - k) < 0.05
        x[near] = k + np.where(x[near] >= k, 0.05, -0.05)
    return x


def test_every_method_op_is_covered():
    assert set(METHOD_OPS) <= set(ELEMENTWISE)
    with_params = {n for n, op in OPS.items() if op.method and op.nargs == 1 and op.params}
    assert with_params <= {opname for _, _, opname in PARAM_METHODS.values()}
    assert {"exp", "log", "tanh", "sigmoid", "relu", "step"} <= set(METHOD_OPS)


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_gradient(name):
    method, reference, opname = ELEMENTWISE[name]
    if reference is None:  # an op added after this file: Value's float formula is the reference
        reference = np.vectorize(OPS[opname].scalar, otypes=[float])
    x = _elementwise_inputs(name, opname)
    t = Tensor(x, requires_grad=True)
    y = method(t)
    np.testing.assert_allclose(y.data, reference(x), rtol=1e-12, atol=1e-14)
    w = np.random.default_rng(seed_of(name) + 1).standard_normal(x.shape)
    (y * w).sum().backward()
    (expected,) = np_central(lambda a: np.sum(reference(a) * w), [x])
    np.testing.assert_allclose(t.grad, expected, rtol=1e-6, atol=1e-7)
    assert gradcheck(lambda a: (method(a) * w).sum(), [x])
    # forward mode: the Jacobian is diagonal, so J v = f'(x) v
    v = np.random.default_rng(seed_of(name) + 2).standard_normal(x.shape)
    _, tan = jvp(method, [x], [v])
    np.testing.assert_allclose(tan, (reference(x + 1e-6 * v) - reference(x - 1e-6 * v)) / 2e-6,
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_elementwise_float32(name):
    method, _, opname = ELEMENTWISE[name]
    x = Tensor(_elementwise_inputs(name, opname), requires_grad=True, dtype=np.float32)
    y = method(x)
    assert y.dtype == np.float32
    (y * 2.0).sum().backward()
    assert x.grad.dtype == np.float32


def _value_and_tensor_points(opname: str) -> np.ndarray:
    """Random points of the domain plus the op's kinks, where conventions must agree too."""
    x = _elementwise_inputs("value-vs-tensor " + opname, opname, (12,))
    return np.concatenate([x, np.array(OPS[opname].kinks, dtype=float)])


@pytest.mark.parametrize("name", list(ELEMENTWISE))
def test_value_and_tensor_agree(name):
    method, _, opname = ELEMENTWISE[name]
    x = _value_and_tensor_points(opname)
    t = Tensor(x, requires_grad=True)
    y = method(t)
    y.backward(gradient=np.ones_like(x))
    for i, xi in enumerate(x):
        v = Value(float(xi))
        out = method(v)
        out.backward()
        assert out.data == pytest.approx(y.data[i], rel=1e-13, abs=1e-15), (xi, "forward")
        assert v.grad == pytest.approx(t.grad[i], rel=1e-13, abs=1e-15), (xi, "gradient")


BINARY = {
    "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
    "/": lambda a, b: a / b, "**": lambda a, b: a**b, "maximum": maximum, "minimum": minimum,
    "expr": lambda a, b: (a * 2.0 - b / 3.0).tanh() * a + (b**2).sigmoid(),
}


@pytest.mark.parametrize("name", list(BINARY))
def test_value_and_tensor_agree_binary(name):
    f = BINARY[name]
    rng = np.random.default_rng(seed_of(name))
    a = rng.uniform(0.5, 2.0, 10)
    b = rng.uniform(0.5, 2.0, 10)
    b[:3] = a[:3]  # ties: maximum/minimum split the gradient
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    y = f(ta, tb)
    y.backward(gradient=np.ones(10))
    for i in range(10):
        va, vb = Value(float(a[i])), Value(float(b[i]))
        out = f(va, vb)
        out.backward()
        assert out.data == pytest.approx(y.data[i], rel=1e-13)
        assert va.grad == pytest.approx(ta.grad[i], rel=1e-13, abs=1e-15)
        assert vb.grad == pytest.approx(tb.grad[i], rel=1e-13, abs=1e-15)


def test_maximum_ties_split_the_gradient():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    b = Tensor([1.0, 5.0, 0.0], requires_grad=True)
    maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad, [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(b.grad, [0.5, 1.0, 0.0])


def test_max_reduction_ties_share_the_gradient():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).backward(gradient=np.array([1.0, 3.0]))
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1, 1, 1]])


# --- closed forms ------------------------------------------------------------------------------


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


# --- extreme inputs ----------------------------------------------------------------------------

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


# --- float32 end to end ------------------------------------------------------------------------


def test_float32_training_step_end_to_end():
    rng = np.random.default_rng(12)
    x = Tensor(rng.standard_normal((8, 5)).astype(np.float32))
    w1 = Tensor(rng.standard_normal((5, 6)), requires_grad=True, dtype=np.float32)
    b1 = Tensor(np.zeros(6), requires_grad=True, dtype=np.float32)
    w2 = Tensor(rng.standard_normal((6, 3)), requires_grad=True).float32()
    onehot = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]
    h = (x @ w1 + b1).relu() * 0.5 + 1
    logits = concatenate([h, h.gelu()], axis=1)[:, :6] @ w2
    loss = -(onehot * logits.log_softmax()).sum(axis=1).mean() + 1e-3 * (w1**2).sum()
    loss.backward()
    assert loss.dtype == np.float32
    # the float64 leaf behind .float32() receives a float64 gradient; everything else is float32
    w2_source = w2.parents[0]
    assert w2_source.dtype == np.float64 and w2_source.grad.dtype == np.float64
    nodes = [n for n in topological_order(loss) if n is not w2_source]
    assert len(nodes) > 20
    assert all(n.dtype == np.float32 for n in nodes)
    assert all(n.grad.dtype == np.float32 for n in nodes if n.grad is not None)
    assert w1.grad.dtype == b1.grad.dtype == np.float32
    # an optimizer step in place keeps the dtype
    w1.data -= 0.1 * w1.grad
    assert w1.dtype == np.float32


def test_float32_constructors():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor(np.ones(2, np.float32)).dtype == np.float32
    assert Tensor([1.0], dtype=np.float32).dtype == np.float32
    assert Tensor(np.ones(2)).float32().dtype == np.float32
    assert Tensor(np.ones(2, np.int64)).dtype == np.float64
    x = Tensor(np.ones(3, np.float32))
    assert (x + 1).dtype == (2.5 * x).dtype == (x**2).dtype == (2**x).dtype == np.float32
    assert (x @ x).dtype == np.float32
    # numpy's promotion with a float64 array
    assert (x + np.ones(3)).dtype == np.float64
    assert (x @ Tensor(np.ones(3))).dtype == np.float64


# --- errors ------------------------------------------------------------------------------------


def test_backward_on_non_scalar_needs_gradient():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*gradient="):
        y.backward()
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        y.backward(gradient=np.ones(3))
    y.backward(gradient=np.full((2, 3), 0.5))
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))
    # a one-element tensor of any rank seeds 1
    z = Tensor([[3.0]], requires_grad=True)
    (z * 4).backward()
    assert z.grad.shape == (1, 1) and z.grad[0, 0] == 4.0


def test_matmul_shape_error_names_both_shapes():
    a, b = Tensor(np.ones((3, 2))), Tensor(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"matmul.*\(3, 2\) @ \(3, 2\)"):
        a @ b
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(5, 6\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 6)))
    with pytest.raises(ValueError, match="1-D"):
        Tensor(2.0) @ a


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"'add'.*\(3, 2\).*\(4,\)"):
        Tensor(np.ones((3, 2))) + Tensor(np.ones(4))
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\)"):
        Tensor(np.ones((2, 3))).reshape(4, 2)
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        Tensor(np.ones((2, 3)))[5]


@pytest.mark.parametrize("data", ["abc", ["a", 1.0], [[1.0, 2.0], [3.0]], None, {"a": 1},
                                  object(), [1.0, None]])
def test_non_numeric_data_is_rejected(data):
    with pytest.raises(TypeError, match="Tensor expects"):
        Tensor(data)


def test_integer_dtype_is_rejected():
    with pytest.raises(TypeError, match="float"):
        Tensor([1, 2], dtype=np.int32)


def test_backward_without_any_gradient_is_an_error():
    with pytest.raises(RuntimeError, match="does not require a gradient"):
        (Tensor([1.0]) * 2).backward()


def test_function_without_backward():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x.data * 2

    x = Tensor([1.0, 2.0], requires_grad=True)
    y = NoBackward.apply(x)
    with pytest.raises(RuntimeError, match="NoBackward defines no backward"):
        y.sum().backward()


# --- gradient semantics ------------------------------------------------------------------------


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


def test_full_hessian_of_logsumexp_is_diag_s_minus_ssT():
    xv = np.random.default_rng(14).standard_normal(5)
    x = Tensor(xv, requires_grad=True)
    (g,) = grad(x.logsumexp(), [x], create_graph=True)
    rows = [grad(g[i], [x])[0].data for i in range(5)]
    s = np.exp(xv) / np.exp(xv).sum()
    np.testing.assert_allclose(np.array(rows), np.diag(s) - np.outer(s, s), rtol=1e-10,
                               atol=1e-14)


def test_jvp_through_a_broadcast_constant():
    c = Tensor(np.ones((1, 4)))
    _, tan = jvp(lambda a: (a + c).sum(axis=1), [np.ones((3, 1))], [np.arange(3.0)[:, None]])
    np.testing.assert_allclose(tan, 4 * np.arange(3.0))


# --- gradcheck and numerical_grad on tensors ---------------------------------------------------


class Square(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


class WrongSquare(Function):
    """2x everywhere except element [1, 2], where it is 3x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        bump = np.zeros(x.shape)
        bump[1, 2] = 1.0
        return (2 + Tensor(bump)) * x * g


def test_gradcheck_with_tensor_inputs():
    xv = np.random.default_rng(15).uniform(1, 2, (3, 4))
    report = gradcheck(lambda x: Square.apply(x).sum(), [Tensor(xv)])
    assert report.ok and report.rows[0]["bad_elements"] == 0
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: WrongSquare.apply(x).sum(), [Tensor(xv, label="x")])
    row = info.value.report.rows[0]
    assert row["input"] == "x[1, 2]" and row["bad_elements"] == 1 and not row["ok"]
    assert row["analytic"] == pytest.approx(3 * xv[1, 2])
    assert row["numeric"] == pytest.approx(2 * xv[1, 2], rel=1e-6)
    assert "x[1, 2]" in str(info.value) and "FAILED" in str(info.value)
    report = gradcheck(lambda x: WrongSquare.apply(x).sum(), [xv], raise_exception=False)
    assert not report.ok and report.rows[0]["input"] == "#0[1, 2]"


def test_numerical_grad_with_tensor_inputs():
    rng = np.random.default_rng(16)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3,))
    got = numerical_grad(lambda x, y: ((x * y).tanh()).sum(), [Tensor(a), Tensor(b)])
    expected = np_central(lambda x, y: np.tanh(x * y).sum(), [a, b])
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-7, atol=1e-9)
    single = numerical_grad(lambda x: (x**2).sum(), Tensor(a), method="forward", eps=1e-7)
    np.testing.assert_allclose(single, 2 * a, atol=1e-5)
    # float32 inputs are differentiated in float64 (a float32 difference quotient is noise)
    f32 = numerical_grad(lambda x: (x * x).sum(), [Tensor(a, dtype=np.float32)])[0]
    np.testing.assert_allclose(f32, 2 * a.astype(np.float32).astype(np.float64), rtol=1e-7)


# --- attributes --------------------------------------------------------------------------------


def test_array_like_attributes():
    data = np.arange(6.0).reshape(2, 3)
    t = Tensor(data, requires_grad=True, label="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.dtype == np.float64
    assert len(t) == 2 and t.T.shape == (3, 2)
    assert t.numpy() is t.data
    assert Tensor([[2.5]]).item() == 2.5
    with pytest.raises(ValueError, match="one-element"):
        t.item()
    with pytest.raises(TypeError):
        len(Tensor(1.0))
    r = repr(t)
    assert r.startswith("Tensor(") and "requires_grad=True" in r and "'w'" in r
    assert "float32" in repr(Tensor([1.0], dtype=np.float32))
    assert "op='mul'" in repr(t * 2)
    np.testing.assert_array_equal(t > 2, data > 2)
    y = t * 2
    assert t.op == "" and t.is_leaf and y.op == "mul" and y.parents[0] is t


def test_tensor_copies_its_data_but_as_tensor_shares_it():
    from autograd import as_tensor

    arr = np.array([1.0, 2.0])
    t = Tensor(arr, requires_grad=True)
    arr[0] = 99.0
    assert t.data[0] == 1.0  # Tensor(...) owns a copy, as torch.tensor does
    c = as_tensor(arr)
    assert c.data is arr and c.is_constant and not c.requires_grad  # as torch.as_tensor
