"""Every registered primitive, checked automatically: its derivative against central
differences of its own forward, on a grid over the domain the op declares (kinks excluded),
and its value and derivative against closed forms written out independently here."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import public_call

from autograd import OPS, Tensor, Value, grad

SCALAR_OPS = [op for op in OPS.values() if op.scalar is not None]


def _params(op):
    if op.test_params is not None:
        return op.test_params
    defaults = {"negative_slope": 0.1, "alpha": 1.3, "beta": 1.7, "exponent": 2.5, "base": 1.8}
    return tuple(defaults[p] for p in op.params)


def _grid(op, n=9):
    pts = [np.linspace(lo + 1e-3, hi - 1e-3, n) for lo, hi in op.domain]
    return [
        tuple(p) for p in np.array(np.meshgrid(*pts)).reshape(len(op.domain), -1).T
        if all(min(abs(x - k) for k in op.kinks) > 1e-3 if op.kinks else True for x in p)
    ]


def _apply(op, xs, params):
    """Apply a registered op through the public node API."""
    return public_call(op, xs, params)


@pytest.mark.parametrize("op", SCALAR_OPS, ids=lambda op: op.name)
def test_every_op_matches_central_differences(op):
    params = _params(op)
    h = 1e-6
    for point in _grid(op):
        xs = [Value(float(v)) for v in point]
        y = _apply(op, xs, params)
        y.backward()
        for i, x in enumerate(xs):
            up = [float(v) + (h if j == i else 0.0) for j, v in enumerate(point)]
            dn = [float(v) - (h if j == i else 0.0) for j, v in enumerate(point)]
            numeric = (op.scalar(*up, *params) - op.scalar(*dn, *params)) / (2 * h)
            assert x.grad == pytest.approx(numeric, rel=1e-5, abs=1e-6), (op.name, point, i)


@pytest.mark.parametrize("op", SCALAR_OPS, ids=lambda op: op.name)
def test_every_op_agrees_between_value_and_tensor(op):
    params = _params(op)
    pts = _grid(op, 5)
    arrays = [np.array([p[i] for p in pts]) for i in range(len(op.domain))]
    ts = [Tensor(a, requires_grad=True) for a in arrays]
    out = _apply(op, ts, params)
    out.sum().backward()
    for k, point in enumerate(pts):
        xs = [Value(float(v)) for v in point]
        y = _apply(op, xs, params)
        y.backward()
        assert out.data[k] == pytest.approx(y.data, rel=1e-12, abs=1e-12)
        for x, t in zip(xs, ts):
            assert t.grad[k] == pytest.approx(x.grad, rel=1e-12, abs=1e-12)


def sig(x):
    return 1 / (1 + math.exp(-x))


def Phi(x):  # noqa: N802
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


# (method call, f(x), f'(x)) written from the textbook formulas
CLOSED_FORMS = {
    "exp": (lambda v: v.exp(), math.exp, math.exp),
    "log": (lambda v: v.log(), math.log, lambda x: 1 / x),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x)),
    "sin": (lambda v: v.sin(), math.sin, math.cos),
    "cos": (lambda v: v.cos(), math.cos, lambda x: -math.sin(x)),
    "tanh": (lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2),
    "tanh = 2 sigmoid(2x) - 1": (lambda v: v.tanh(), lambda x: 2 * sig(2 * x) - 1,
                                 lambda x: 4 * sig(2 * x) * (1 - sig(2 * x))),
    "sigmoid": (lambda v: v.sigmoid(), sig, lambda x: sig(x) * (1 - sig(x))),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0), lambda x: 1.0 if x > 0 else 0.0),
    "leaky_relu": (lambda v: v.leaky_relu(0.2), lambda x: x if x > 0 else 0.2 * x,
                   lambda x: 1.0 if x > 0 else 0.2),
    "elu": (lambda v: v.elu(0.7), lambda x: x if x > 0 else 0.7 * (math.exp(x) - 1),
            lambda x: 1.0 if x > 0 else 0.7 * math.exp(x)),
    "softplus": (lambda v: v.softplus(), lambda x: math.log(1 + math.exp(x)), sig),
    "softplus beta": (lambda v: v.softplus(2.0), lambda x: math.log(1 + math.exp(2 * x)) / 2,
                      lambda x: sig(2 * x)),
    "silu": (lambda v: v.silu(), lambda x: x * sig(x),
             lambda x: sig(x) + x * sig(x) * (1 - sig(x))),
    "swish": (lambda v: v.swish(3.0), lambda x: x * sig(3 * x),
              lambda x: sig(3 * x) + 3 * x * sig(3 * x) * (1 - sig(3 * x))),
    "swish beta=0 is x/2": (lambda v: v.swish(0.0), lambda x: x / 2, lambda x: 0.5),
    "gelu": (lambda v: v.gelu(), lambda x: x * Phi(x),
             lambda x: Phi(x) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi)),
    "gelu tanh": (
        lambda v: v.gelu("tanh"),
        lambda x: 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
        None,
    ),
    "gelu sigmoid": (lambda v: v.gelu("sigmoid"), lambda x: x * sig(1.702 * x),
                     lambda x: sig(1.702 * x) + 1.702 * x * sig(1.702 * x) * (1 - sig(1.702 * x))),
    "hard_sigmoid": (lambda v: v.hard_sigmoid(), lambda x: max(min(0.25 * x + 0.5, 1), 0),
                     lambda x: 0.25 if -2 < x < 2 else 0.0),
    "hard_tanh": (lambda v: v.hard_tanh(), lambda x: max(min(x, 1), -1),
                  lambda x: 1.0 if -1 < x < 1 else 0.0),
    "step": (lambda v: v.step(), lambda x: 1.0 if x > 0 else 0.0, lambda x: 0.0),
    "abs": (lambda v: abs(v), abs, lambda x: math.copysign(1.0, x) if x else 0.0),
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0),
    "pow 3": (lambda v: v**3, lambda x: x**3, lambda x: 3 * x * x),
    "pow -1.5": (lambda v: v**-1.5, lambda x: x**-1.5, lambda x: -1.5 * x**-2.5),
    "rpow": (lambda v: 2**v, lambda x: 2**x, lambda x: 2**x * math.log(2)),
    "reciprocal": (lambda v: 1 / v, lambda x: 1 / x, lambda x: -1 / x**2),
    "clip": (lambda v: v.clip(-0.5, 0.8), lambda x: min(max(x, -0.5), 0.8),
             lambda x: 1.0 if -0.5 <= x <= 0.8 else 0.0),
    "erf": (lambda v: v.erf(), math.erf, lambda x: 2 / math.sqrt(math.pi) * math.exp(-x * x)),
}
POINTS = [-2.7, -1.1, -0.3, 0.25, 0.9, 1.6, 3.2]


@pytest.mark.parametrize("name", list(CLOSED_FORMS))
def test_value_and_derivative_match_closed_forms(name):
    method, f, df = CLOSED_FORMS[name]
    for x0 in POINTS:
        if name in ("log", "sqrt", "pow -1.5") and x0 <= 0:
            continue
        x = Value(x0)
        y = method(x)
        y.backward()
        assert y.data == pytest.approx(f(x0), rel=1e-12, abs=1e-14)
        if df is not None:
            assert x.grad == pytest.approx(df(x0), rel=1e-10, abs=1e-14), x0
        else:  # the tanh-GELU derivative: check against a central difference of the formula
            h = 1e-6
            assert x.grad == pytest.approx((f(x0 + h) - f(x0 - h)) / (2 * h), rel=1e-6)


def test_sigmoid_derivative_is_at_most_a_quarter_at_zero():
    xs = [Value(x) for x in np.linspace(-6, 6, 241)]
    for x in xs:
        x.sigmoid().backward()
    grads = [x.grad for x in xs]
    assert max(grads) == pytest.approx(0.25)
    assert xs[int(np.argmax(grads))].data == pytest.approx(0.0)


@pytest.mark.parametrize(
    "method, expected",
    [
        (lambda v: v.relu(), 0.0),
        (lambda v: v.leaky_relu(0.1), 0.1),
        (lambda v: v.elu(0.5), 0.5),
        (lambda v: abs(v), 0.0),
        (lambda v: v.step(), 0.0),
    ],
    ids=["relu", "leaky_relu", "elu", "abs", "step"],
)
def test_kink_conventions_at_zero_follow_pytorch(method, expected):
    x = Value(0.0)
    method(x).backward()
    assert x.grad == expected


def test_hard_functions_have_zero_derivative_at_their_corners():
    for x0, method in [(2.0, "hard_sigmoid"), (-2.0, "hard_sigmoid"), (1.0, "hard_tanh")]:
        x = Value(x0)
        getattr(x, method)().backward()
        assert x.grad == 0.0


def test_maximum_and_minimum_share_the_gradient_of_a_tie():
    from autograd import maximum, minimum

    a, b = Value(1.5), Value(1.5)
    maximum(a, b).backward()
    assert (a.grad, b.grad) == (0.5, 0.5)
    a, b = Value(1.0), Value(3.0)
    minimum(a, b).backward()
    assert (a.grad, b.grad) == (1.0, 0.0)
    c = maximum(a, 2.0)
    assert c.data == 2.0


def test_pow_with_a_value_exponent_has_both_partials():
    x, y = Value(1.7), Value(-0.6)
    z = x**y
    gx, gy = grad(z, [x, y])
    assert gx == pytest.approx(-0.6 * 1.7**-1.6)
    assert gy == pytest.approx(1.7**-0.6 * math.log(1.7))


def test_unknown_gelu_approximation_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown GELU approximation 'erf'.*'none', 'tanh'"):
        Value(1.0).gelu("erf")
