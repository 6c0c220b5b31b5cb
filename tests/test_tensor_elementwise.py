"""autograd.Tensor's elementwise ops, every one the registry declares as a method (with and
without parameters): the value against a numpy reference written here, the gradient against
central differences of that reference and gradcheck, forward mode, float32, and agreement with
Value element by element (at the kinks too); ties of maximum and max share the gradient."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import np_central, seed_of

from autograd import OPS, Tensor, Value, gradcheck, jvp, maximum, minimum

# --- independent references -------------------------------------------------------------------

_verf = np.vectorize(math.erf, otypes=[float])


def np_sigmoid(x):
    """σ(x) = 1 / (1 + e⁻ˣ)."""
    return 1.0 / (1.0 + np.exp(-x))


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
               "gelu"),
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
