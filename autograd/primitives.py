"""Every elementwise primitive: forward on floats and arrays, and its derivative, in one place.

Reading guide: ``vjp="..."`` is "the gradient reaching ``x`` when ``g`` reaches the output
``y = f(x)``", i.e. ``g * f'(x)``, written as the text of one expression (see
:mod:`autograd.op`); a rule that needs statements is a function with the same arguments.
Where ``f'`` is cheaper in terms of the output (``exp' = y``, ``tanh' = 1 - y²``,
``sigmoid' = y(1 - y)``) the rule uses ``y``.

Conventions at kinks follow PyTorch: relu'(0) = 0, step'(x) = 0, abs'(0) = 0,
leaky_relu'(0) = negative_slope, elu'(0) = alpha, hard_tanh and hard_sigmoid have derivative 0
at their corners, clip passes the gradient on the closed interval [lo, hi], and
maximum/minimum split it half-half between equal inputs.

To add an op: declare it here with ``primitive(...)``, give its ``domain`` (where a central
difference is a fair check) and any ``kinks``; ``Value`` and ``Tensor`` grow the method, and
``tests/test_primitives.py`` checks its derivative against numerical differentiation.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import numerics
from .generic import log, select, tanh
from .generic import sigmoid as sigmoid_of
from .op import VARIADIC, primitive


def positive(x: float, what: str) -> float:
    """``x`` as a float, refused unless it is > 0 (a scale such as softplus's beta)."""
    x = float(x)
    if not x > 0:
        raise ValueError(f"{what} must be positive, got {x}")
    return x


def _clip_bounds(lo: float, hi: float) -> tuple[float, float]:
    lo, hi = float(lo), float(hi)
    if lo > hi:
        raise ValueError(f"clip needs lo <= hi, got lo={lo}, hi={hi}")
    return lo, hi


# --- arithmetic ---------------------------------------------------------------------------

primitive(
    "add", 2, method=False,
    scalar="a + b", array=np.add,
    vjp=("g", "g"),
    deriv_docs=("1", "1"),
    domain=((-3, 3), (-3, 3)), doc="a + b",
)
primitive(
    "sub", 2, method=False,
    scalar="a - b", array=np.subtract,
    vjp=("g", "-g"),
    deriv_docs=("1", "-1"),
    domain=((-3, 3), (-3, 3)), doc="a - b",
)
primitive(
    "mul", 2, method=False,
    scalar="a * b", array=np.multiply,
    vjp=("g * b", "g * a"),
    deriv_docs=("{b}", "{a}"),
    domain=((-3, 3), (-3, 3)), doc="a * b (the Hadamard product for arrays)",
)
primitive(
    "div", 2, method=False,
    scalar="a / b", array=np.divide,
    vjp=("g / b", "-g * y / b"),
    deriv_docs=("1/{b}", "-{a}/{b}²"),
    domain=((-3, 3), (0.5, 3)), doc="a / b",
)


def _pow_exponent_rule(g: Any, y: Any, a: Any, b: Any) -> Any:
    # d(a^b)/db = a^b log a; PyTorch's convention: 0 where a == 0 and b >= 0 (0^b is flat there)
    return g * select((a == 0) & (b >= 0), 0.0, y * log(a))


primitive(
    "pow", 2, method=False,
    scalar=math.pow, array=np.power,
    vjp=("g * b * pow(a, b - 1)", _pow_exponent_rule),
    deriv_docs=("{b}·{a}^({b} - 1)", "{a}^{b}·log({a})"),
    domain=((0.5, 3), (-2, 2)), doc="a ** b with both sides differentiable",
)
primitive(
    "pow_const", 1, method=False, params=("exponent",),
    scalar=math.pow, array=np.power,
    vjp="0.0 * g if exponent == 0 else g * exponent * pow(x, exponent - 1)",
    deriv_docs=("{exponent}·{x}^({exponent} - 1)",),
    domain=((0.5, 3),), doc="x ** c for a constant c",
)


def _rpow_rule(g: Any, y: Any, x: Any, c: float) -> Any:
    # d(c^x)/dx = c^x log c; for c == 0, PyTorch's convention: 0 where x >= 0
    if c == 0:
        return g * select(x >= 0, 0.0, math.nan)
    return g * y * (math.log(c) if c > 0 else math.nan)


primitive(
    "rpow_const", 1, method=False, params=("base",),
    scalar=lambda x, c: math.pow(c, x), array=lambda x, c: np.power(c, x),
    deriv_docs=("{base}^{x}·log({base})",),
    vjp=_rpow_rule, domain=((-2, 2),), doc="c ** x for a constant base c",
)
primitive(
    "add_n", VARIADIC, method=False,
    scalar=lambda *xs: sum(xs), array=lambda *xs: sum(xs),
    vjp="g",
    domain=((-3, 3), (-3, 3), (-3, 3)),
    deriv_docs=("1",),
    doc="x1 + x2 + ... + xn as one node (a neuron's weighted sum z = Σ wᵢxᵢ + b)",
)
primitive(
    "affine", VARIADIC, method=False, params=("n",),
    scalar=lambda *bwx_n: _affine(bwx_n), array=lambda *bwx_n: _affine(bwx_n),
    # inputs b, w1..wn, x1..xn: b's factor is 1, w_k's is x_k (n inputs further), x_k's w_k
    vjp="g * xs[i + n] if 0 < i <= n else g * xs[i - n] if i else g",
    domain=((-3, 3), (-3, 3), (-3, 3)), test_params=(1,),
    deriv_docs=("the input it is multiplied with (1 for the bias)",),
    doc="z = w1·x1 + ... + wn·xn + b as one node, from the inputs b, w1..wn, x1..xn and n: "
        "a neuron's net input, with one rule (∂z/∂wᵢ = xᵢ, ∂z/∂xᵢ = wᵢ, ∂z/∂b = 1)",
)


def _affine(bwx_n: tuple) -> Any:
    # the products added left to right, then the bias: the order of sum(w*x) + b
    *bwx, n = bwx_n
    return sum([w * x for w, x in zip(bwx[1:n + 1], bwx[n + 1:])]) + bwx[0]


primitive(
    "neg", 1, method=False,
    scalar="-x", array=np.negative,
    deriv_docs=("-1",),
    vjp="-g", domain=((-3, 3),), doc="-x",
)
primitive(
    "abs", 1, method=False,
    scalar=abs, array=np.abs,
    deriv_docs=("sign({x})",),
    vjp="g * sign(x)", domain=((-3, 3),), kinks=(0.0,), doc="|x|, abs'(0) = 0",
)

# --- elementary functions -----------------------------------------------------------------

primitive("exp", scalar=math.exp, array=np.exp, vjp="g * y",
          deriv_docs=("exp({x})",),
          domain=((-3, 3),), doc="e^x; derivative e^x")
primitive("log", scalar=math.log, array=np.log, vjp="g / x",
          deriv_docs=("1/{x}",),
          domain=((0.2, 5),), doc="natural log; derivative 1/x; log(0) = -inf, log(-1) = nan")
primitive("sqrt", scalar=math.sqrt, array=np.sqrt, vjp="g * 0.5 / y",
          deriv_docs=("1/(2·sqrt({x}))",),
          domain=((0.2, 5),), doc="square root; derivative 1/(2 sqrt x)")
primitive("sin", scalar=math.sin, array=np.sin, vjp="g * cos(x)",
          deriv_docs=("cos({x})",),
          domain=((-4, 4),), doc="sine; derivative cos x")
primitive("cos", scalar=math.cos, array=np.cos, vjp="-g * sin(x)",
          deriv_docs=("-sin({x})",),
          domain=((-4, 4),), doc="cosine; derivative -sin x")
primitive("erf", scalar=math.erf, array=numerics.array_erf,
          vjp="g * (2.0 / math.sqrt(math.pi)) * exp(-x * x)",
          deriv_docs=("2/√π·exp(-{x}²)",),
          domain=((-3, 3),), doc="error function; derivative 2/sqrt(pi) e^(-x²)")
primitive("sign", scalar=numerics.float_sign, array=np.sign, vjp="0.0 * g",
          deriv_docs=("0",),
          domain=((0.1, 3),), doc="sign of x (-1, 0, 1); derivative 0")

# --- activation functions -----------------------------------------------------------------

primitive("tanh", activation=True, module="Tanh", scalar=math.tanh, array=np.tanh,
          vjp="g * (1.0 - y * y)",
          deriv_docs=("1 - tanh²({x})",),
          domain=((-4, 4),), doc="tanh x = 2 sigmoid(2x) - 1; derivative 1 - tanh² x")
primitive("sigmoid", activation=True, module="Sigmoid", aliases=("logistic",),
          scalar=numerics.float_sigmoid, array=numerics.array_sigmoid,
          vjp="g * y * (1.0 - y)",
          deriv_docs=("σ({x})(1 - σ({x}))",),
          domain=((-6, 6),), doc="1 / (1 + e^-x); derivative s(1 - s), at most 1/4 (at 0)")
primitive("relu", activation=True, module="ReLU", scalar="0.0 if x <= 0.0 else x",
          array=lambda x: np.maximum(x, 0),
          vjp="g * (x > 0)", kinks=(0.0,),
          deriv_docs=("1 if {x} > 0, else 0",),
          domain=((-3, 3),), doc="max(x, 0); derivative step(x) with relu'(0) = 0")
primitive("leaky_relu", activation=True, module="LeakyReLU",
          params=("negative_slope",), defaults=(0.01,),
          scalar=lambda x, s: x if x > 0.0 else s * x,
          array=lambda x, s: np.where(x > 0, x, s * x),
          vjp="g * select(x > 0, 1.0, negative_slope)", kinks=(0.0,),
          deriv_docs=("1 if {x} > 0, else {negative_slope}",),
          domain=((-3, 3),), doc="x for x > 0, negative_slope * x otherwise")
primitive("elu", activation=True, module="ELU", params=("alpha",), defaults=(1.0,),
          scalar=lambda x, a: x if x > 0.0 else a * math.expm1(x),
          array=lambda x, a: np.where(x > 0, x, a * np.expm1(np.minimum(x, 0))),
          vjp="g * select(x > 0, 1.0, y + alpha)", kinks=(0.0,),
          deriv_docs=("1 if {x} > 0, else {y} + {alpha}",),
          domain=((-3, 3),), doc="x for x > 0, alpha (e^x - 1) otherwise")
primitive("softplus", activation=True, module="Softplus", params=("beta",), defaults=(1.0,),
          check=lambda beta: (positive(beta, "softplus beta"),),
          scalar=lambda x, b: numerics.float_softplus(b * x) / b,
          array=lambda x, b: numerics.array_softplus(b * x) / b,
          vjp="g * sigmoid(beta * x)",
          deriv_docs=("σ({beta}·{x})",),
          domain=((-4, 4),), doc="log(1 + e^(beta x)) / beta; derivative sigmoid(beta x)")
primitive("swish", activation=True, module="Swish", params=("beta",), defaults=(1.0,),
          presets={"silu": {"beta": 1.0}},
          scalar=lambda x, b: x * numerics.float_sigmoid(b * x),
          array=lambda x, b: x * numerics.array_sigmoid(b * x),
          vjp=lambda g, y, x, b: g * _swish_slope(x, b),
          domain=((-4, 4),),
          deriv_docs=("s + {beta}·{x}·s(1 - s), s = σ({beta}·{x})",),
          doc="x sigmoid(beta x); beta = 0 gives x/2, beta -> inf approaches relu; "
              "derivative s + beta x s (1 - s) with s = sigmoid(beta x)")


def _swish_slope(x: Any, b: Any) -> Any:
    s = sigmoid_of(b * x)
    return s + b * x * s * (1.0 - s)


def _gelu_tanh_slope(x: Any) -> Any:
    t = tanh(numerics.SQRT_2_OVER_PI * (x + numerics.GELU_TANH_C * x * x * x))
    return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * numerics.SQRT_2_OVER_PI * (
        1.0 + 3.0 * numerics.GELU_TANH_C * x * x
    )


#: ``x.gelu(approximate=...)``: the op computing each form of GELU.
GELU_APPROXIMATIONS = {"none": "gelu", "tanh": "gelu_tanh", "sigmoid": "gelu_sigmoid"}

primitive("gelu", method=False, activation=True, module="GELU",
          scalar=lambda x: x * numerics.float_Phi(x),
          array=lambda x: x * numerics.array_Phi(x),
          vjp="g * (Phi(x) + x * phi(x))",
          deriv_docs=("Φ({x}) + {x}·φ({x})",),
          domain=((-4, 4),), doc="x Phi(x), Phi the normal CDF; derivative Phi(x) + x phi(x)")
primitive("gelu_tanh", method=False, activation=True,
          scalar=lambda x: 0.5 * x * (1.0 + math.tanh(
              numerics.SQRT_2_OVER_PI * (x + numerics.GELU_TANH_C * x * x * x))),
          array=lambda x: 0.5 * x * (1.0 + np.tanh(
              numerics.SQRT_2_OVER_PI * (x + numerics.GELU_TANH_C * x * x * x))),
          vjp=lambda g, y, x: g * _gelu_tanh_slope(x),
          deriv_docs=("(1 + t)/2 + {x}(1 - t²)u′/2, t = tanh(u), u = √(2/π)({x} + 0.044715{x}³)",),
          domain=((-4, 4),), doc="0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³)))")
primitive("gelu_sigmoid", method=False, activation=True,
          scalar=lambda x: x * numerics.float_sigmoid(numerics.GELU_SIGMOID_C * x),
          array=lambda x: x * numerics.array_sigmoid(numerics.GELU_SIGMOID_C * x),
          vjp=lambda g, y, x: g * _swish_slope(x, numerics.GELU_SIGMOID_C),
          deriv_docs=("s + 1.702·{x}·s(1 - s), s = σ(1.702·{x})",),
          domain=((-4, 4),), doc="x sigmoid(1.702 x)")
primitive("hard_sigmoid", activation=True, module="HardSigmoid", aliases=("hard_logistic",),
          scalar=lambda x: max(min(0.25 * x + 0.5, 1.0), 0.0),
          array=lambda x: np.clip(0.25 * x + 0.5, 0.0, 1.0),
          vjp="g * 0.25 * ((x > -2.0) & (x < 2.0))", kinks=(-2.0, 2.0),
          deriv_docs=("0.25 if -2 < {x} < 2, else 0",),
          domain=((-4, 4),), doc="max(min(0.25x + 0.5, 1), 0) (the notes' Hard-Logistic)")
primitive("hard_tanh", activation=True, module="HardTanh", scalar=lambda x: max(min(x, 1.0), -1.0),
          array=lambda x: np.clip(x, -1.0, 1.0),
          vjp="g * ((x > -1.0) & (x < 1.0))", kinks=(-1.0, 1.0),
          deriv_docs=("1 if -1 < {x} < 1, else 0",),
          domain=((-3, 3),), doc="max(min(x, 1), -1)")
primitive("step", activation=True, module="Step", scalar=lambda x: 1.0 if x > 0.0 else 0.0,
          array=lambda x: (x > 0).astype(x.dtype if x.dtype.kind == "f" else np.float64),
          vjp="0.0 * g", kinks=(0.0,),
          deriv_docs=("0",),
          domain=((-3, 3),), doc="1 for x > 0, else 0 (the MP neuron); derivative 0")

# --- two-argument elementwise functions ----------------------------------------------------

# a != a: NaN propagates from either side, as np.maximum and PyTorch do
primitive("maximum", 2, method=False, scalar=lambda a, b: a if a >= b or a != a else b,
          array=np.maximum,
          vjp=("g * select(a == b, 0.5, a > b)", "g * select(a == b, 0.5, b > a)"),
          deriv_docs=("1 if {a} > {b}, 1/2 if {a} = {b}, else 0",
                      "1 if {b} > {a}, 1/2 if {a} = {b}, else 0"),
          domain=((-3, 3), (-3, 3)), doc="elementwise max; equal inputs share the gradient")
# a != a: NaN propagates from either side, as np.minimum and PyTorch do
primitive("minimum", 2, method=False, scalar=lambda a, b: a if a <= b or a != a else b,
          array=np.minimum,
          vjp=("g * select(a == b, 0.5, a < b)", "g * select(a == b, 0.5, b < a)"),
          deriv_docs=("1 if {a} < {b}, 1/2 if {a} = {b}, else 0",
                      "1 if {b} < {a}, 1/2 if {a} = {b}, else 0"),
          domain=((-3, 3), (-3, 3)), doc="elementwise min; equal inputs share the gradient")
primitive("clip", params=("lo", "hi"), check=_clip_bounds,
          scalar=lambda x, lo, hi: max(min(x, hi), lo),
          array=lambda x, lo, hi: np.clip(x, lo, hi),
          vjp="g * ((x >= lo) & (x <= hi))", kinks=(-1.0, 1.0),
          domain=((-3, 3),), test_params=(-1.0, 1.0),
          deriv_docs=("1 if {lo} ≤ {x} ≤ {hi}, else 0",),
          doc="x limited to [lo, hi]; the gradient passes on the closed interval")
