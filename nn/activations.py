"""Activation functions as modules, for ``Value``s, lists of ``Value``s and ``Tensor``s.

Each module calls the engine's op of the same name (``ReLU()(x)`` is ``x.relu()``), so its
derivative is the engine's. The parameter-free ones accept a single ``Value``, a list or tuple
of ``Value``s (applied to each) or a ``Tensor``. ``PReLU``, ``DyT`` and ``Maxout`` hold learnable
``Tensor`` parameters and work on ``Tensor``s.

================  ==========================================================================
module            f(x)
================  ==========================================================================
``Identity``      x (a linear output layer)
``Step``          1 if x > 0 else 0 (the perceptron's activation; derivative 0)
``Sigmoid``       σ(x) = 1 / (1 + e^−x); σ′ = σ(1 − σ), at most 1/4 (at 0)
``Tanh``          tanh x = 2σ(2x) − 1; tanh′ = 1 − tanh², zero-centred
``ReLU``          max(x, 0)
``LeakyReLU``     x if x > 0 else γ·x (``negative_slope`` γ = 0.01)
``PReLU``         x if x > 0 else a·x with a learnable slope a (one, or one per feature)
``ELU``           x if x > 0 else γ·(e^x − 1) (``alpha`` γ = 1)
``Softplus``      log(1 + e^{βx}) / β
``SiLU``          x·σ(x)
``Swish``         x·σ(βx): β = 0 gives x/2, β → ∞ approaches ReLU; not monotonic
``GELU``          x·Φ(x) exactly, or its ``"tanh"`` / ``"sigmoid"`` (x·σ(1.702x)) approximations
``HardSigmoid``   max(min(0.25x + 0.5, 1), 0) (the notes' hard logistic)
``HardTanh``      max(min(x, 1), −1)
``Softmax``       e^{x_i} / Σ_j e^{x_j} along ``axis`` (one distribution over the classes)
``DyT``           γ·tanh(αx) + β, learnable scalar α and per-feature γ, β
``Maxout``        max over k affine pieces: max_j (W_j x + b_j)
================  ==========================================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

import autograd
from autograd import GELU_APPROXIMATIONS, Value

from .module import Module

__all__ = [
    "ACTIVATIONS",
    "DyT",
    "ELU",
    "GELU",
    "HardSigmoid",
    "HardTanh",
    "Identity",
    "LeakyReLU",
    "Maxout",
    "PReLU",
    "ReLU",
    "SiLU",
    "Sigmoid",
    "Softmax",
    "Softplus",
    "Step",
    "Swish",
    "Tanh",
    "get_activation",
]


def _map(fn: Callable[[Any], Any], x: Any) -> Any:
    """Apply ``fn`` to a Value or Tensor, or to every item of a list/tuple of them."""
    if isinstance(x, (list, tuple)):
        return [_map(fn, xi) for xi in x]
    if isinstance(x, (int, float)):
        x = Value.constant(x)
    return fn(x)


class _Elementwise(Module):
    """A parameter-free elementwise activation: ``forward`` applies :meth:`fn`."""

    name = ""

    def fn(self, x: Any) -> Any:
        raise NotImplementedError

    def forward(self, x: Any) -> Any:
        return _map(self.fn, x)


class Identity(_Elementwise):
    """f(x) = x: no activation (a linear output layer)."""

    name = "linear"

    def forward(self, x: Any) -> Any:
        return x


class Step(_Elementwise):
    """The step (Heaviside) activation of the MP neuron and the perceptron: 1 if x > 0 else 0.
    Its derivative is 0 wherever it exists, which is why gradient descent cannot train it."""

    name = "step"

    def fn(self, x: Any) -> Any:
        return x.step()


class ReLU(_Elementwise):
    """max(x, 0); derivative 1 for x > 0 and 0 otherwise (a unit stuck below 0 is 'dead')."""

    name = "relu"

    def fn(self, x: Any) -> Any:
        return x.relu()


class Sigmoid(_Elementwise):
    """The logistic function σ(x) = 1 / (1 + e^−x), computed without overflow."""

    name = "sigmoid"

    def fn(self, x: Any) -> Any:
        return x.sigmoid()


class Tanh(_Elementwise):
    """tanh(x) = 2σ(2x) − 1."""

    name = "tanh"

    def fn(self, x: Any) -> Any:
        return x.tanh()


class LeakyReLU(_Elementwise):
    """x for x > 0, ``negative_slope``·x otherwise."""

    name = "leaky_relu"

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = float(negative_slope)

    def fn(self, x: Any) -> Any:
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(_Elementwise):
    """x for x > 0, ``alpha``·(e^x − 1) otherwise."""

    name = "elu"

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = float(alpha)

    def fn(self, x: Any) -> Any:
        return x.elu(self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softplus(_Elementwise):
    """log(1 + e^{βx}) / β, a smooth ReLU; its derivative is σ(βx)."""

    name = "softplus"

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        self.beta = float(beta)

    def fn(self, x: Any) -> Any:
        return x.softplus(self.beta)

    def extra_repr(self) -> str:
        return f"beta={self.beta}"


class Swish(_Elementwise):
    """x·σ(βx) with a fixed β (β = 1 is SiLU)."""

    name = "swish"

    def __init__(self, beta: float = 1.0) -> None:
        super().__init__()
        self.beta = float(beta)

    def fn(self, x: Any) -> Any:
        return x.swish(self.beta)

    def extra_repr(self) -> str:
        return f"beta={self.beta}"


class SiLU(_Elementwise):
    """x·σ(x) (Swish with β = 1)."""

    name = "silu"

    def fn(self, x: Any) -> Any:
        return x.silu()


class GELU(_Elementwise):
    """x·Φ(x), Φ the standard normal CDF; ``approximate="tanh"`` gives
    0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) and ``"sigmoid"`` gives x·σ(1.702x)."""

    name = "gelu"

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        if approximate not in GELU_APPROXIMATIONS:
            raise ValueError(
                f"unknown GELU approximation {approximate!r}; use one of "
                + ", ".join(map(repr, GELU_APPROXIMATIONS))
            )
        self.approximate = approximate

    def fn(self, x: Any) -> Any:
        return x.gelu(self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class HardSigmoid(_Elementwise):
    """The hard logistic max(min(0.25x + 0.5, 1), 0) (the notes' definition; PyTorch's
    ``Hardsigmoid`` uses x/6 + 1/2 instead)."""

    name = "hard_sigmoid"

    def fn(self, x: Any) -> Any:
        return x.hard_sigmoid()


class HardTanh(_Elementwise):
    """max(min(x, 1), −1)."""

    name = "hard_tanh"

    def fn(self, x: Any) -> Any:
        return x.hard_tanh()


class Softmax(Module):
    """softmax(x)_i = e^{x_i} / Σ_j e^{x_j} along ``axis`` (default: the last, the classes).

    On a Tensor it uses the engine's stable ``softmax``; on a list of Values (one sample's
    scores) it returns a list of Values summing to 1, computed as e^{x_i − m} / Σ e^{x_j − m}
    with m the largest score, so nothing overflows.
    """

    name = "softmax"

    def __init__(self, axis: int = -1) -> None:
        super().__init__()
        self.axis = int(axis)

    def forward(self, x: Any) -> Any:
        if isinstance(x, (list, tuple)):
            return softmax_values(x)
        return x.softmax(axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


def softmax_values(xs: Any) -> list[Value]:
    """Softmax of a list of Values (or numbers), shifted by the largest so nothing overflows."""
    xs = [x if isinstance(x, Value) else Value.constant(x) for x in xs]
    if not xs:
        raise ValueError("softmax of an empty list")
    m = max(x.data for x in xs)
    exps = [(x - m).exp() for x in xs]
    total = sum(exps[1:], exps[0])
    return [e / total for e in exps]


# -- activations with learnable parameters (Tensor) ------------------------------------------


def _tensor(data: Any) -> Any:
    return autograd.Tensor(np.asarray(data, dtype=np.float64), requires_grad=True)


class PReLU(Module):
    """Parametric ReLU: x for x > 0, a·x otherwise, with the slope ``a`` learned.

    ``num_parameters=1`` shares one slope; ``num_parameters=C`` learns one per feature (the
    last axis of an input of shape ``(N, C)``). Slopes start at ``init`` (0.25, as PyTorch).
    Computed as relu(x) + a·min(x, 0) with min(x, 0) = x − relu(x), so that at x = 0 the
    derivative is the slope a (relu'(0) = 0), as for ``leaky_relu`` and PyTorch's PReLU.
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25) -> None:
        super().__init__()
        if int(num_parameters) < 1:
            raise ValueError(f"num_parameters must be >= 1, got {num_parameters}")
        self.num_parameters = int(num_parameters)
        self.weight = _tensor(np.full(self.num_parameters, float(init)))

    def forward(self, x: Any) -> Any:
        if self.num_parameters > 1:
            _check_features(x, self.num_parameters, "PReLU")
        positive = x.relu()
        return positive + self.weight * (x - positive)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class DyT(Module):
    """Dynamic tanh: γ·tanh(αx) + β, with a learnable scalar α (starting at ``alpha_init``)
    and per-feature γ (ones) and β (zeros) over the last axis."""

    def __init__(self, num_features: int, alpha_init: float = 0.5) -> None:
        super().__init__()
        if int(num_features) < 1:
            raise ValueError(f"num_features must be >= 1, got {num_features}")
        self.num_features = int(num_features)
        self.alpha = _tensor(np.full(1, float(alpha_init)))
        self.weight = _tensor(np.ones(self.num_features))
        self.bias = _tensor(np.zeros(self.num_features))

    def forward(self, x: Any) -> Any:
        _check_features(x, self.num_features, "DyT")
        return self.weight * (self.alpha * x).tanh() + self.bias

    def extra_repr(self) -> str:
        return f"num_features={self.num_features}, alpha_init={float(self.alpha.data[0])}"


class Maxout(Module):
    """Maxout unit: ``out_features`` outputs, each the maximum of ``pieces`` affine functions of
    the input, y_i = max_j (W_ij · x + b_ij). Its weights are a ``Linear(in_features,
    out_features * pieces)`` (output ``i * pieces + j`` is piece ``j`` of unit ``i``)."""

    def __init__(
        self, in_features: int, out_features: int, pieces: int = 2, init: Any = None,
        seed: Any = None,
    ) -> None:
        super().__init__()
        from .layers import Linear

        if int(pieces) < 1:
            raise ValueError(f"pieces must be >= 1, got {pieces}")
        self.in_features, self.out_features, self.pieces = (
            int(in_features), int(out_features), int(pieces))
        self.linear = Linear(self.in_features, self.out_features * self.pieces, init=init,
                             seed=seed)

    def forward(self, x: Any) -> Any:
        z = self.linear(x)
        lead = tuple(z.shape[:-1])
        return z.reshape(lead + (self.out_features, self.pieces)).max(axis=-1)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"pieces={self.pieces}")


def _check_features(x: Any, n: int, who: str) -> None:
    shape = getattr(x, "shape", None)
    if shape is None or len(shape) == 0 or shape[-1] != n:
        raise ValueError(
            f"{who} has {n} features, so its input's last axis must have length {n}; got an "
            f"input of shape {shape if shape is not None else type(x).__name__}"
        )


# -- names ------------------------------------------------------------------------------------

#: Activation names accepted by :func:`get_activation` (and by layers' ``activation=``).
ACTIVATIONS: dict[str, Callable[..., Module]] = {
    "linear": Identity,
    "identity": Identity,
    "none": Identity,
    "relu": ReLU,
    "tanh": Tanh,
    "sigmoid": Sigmoid,
    "logistic": Sigmoid,
    "leaky_relu": LeakyReLU,
    "elu": ELU,
    "softplus": Softplus,
    "silu": SiLU,
    "swish": Swish,
    "gelu": GELU,
    "gelu_tanh": lambda: GELU("tanh"),
    "gelu_sigmoid": lambda: GELU("sigmoid"),
    "hard_sigmoid": HardSigmoid,
    "hard_logistic": HardSigmoid,
    "hard_tanh": HardTanh,
    "step": Step,
    "softmax": Softmax,
}


def get_activation(name: Any = None, **kwargs: Any) -> Module:
    """The activation module for a name (case-insensitive, ``-`` or ``_``: ``"relu"``,
    ``"leaky_relu"``, ``"hard-tanh"``, ...); ``None`` or ``"linear"`` gives :class:`Identity`.

    A Module is returned as is; any other callable is wrapped in a module that calls it.
    Keyword arguments go to the constructor (``get_activation("leaky_relu",
    negative_slope=0.2)``).

    Raises:
        ValueError: for an unknown name, listing the valid ones.
    """
    if name is None:
        return Identity()
    if isinstance(name, Module):
        return name
    if isinstance(name, str):
        key = name.strip().lower().replace("-", "_")
        if key not in ACTIVATIONS:
            raise ValueError(
                f"unknown activation {name!r}; valid names: {', '.join(ACTIVATIONS)} (or None)"
            )
        return ACTIVATIONS[key](**kwargs)
    if isinstance(name, type) and issubclass(name, Module):
        return name(**kwargs)
    if callable(name):
        return Lambda(name)
    raise TypeError(f"activation must be a name, a Module or a callable, got {name!r}")


def activation_name(act: Module) -> str:
    """A short name for an activation module, for ``repr``s (``relu``, ``leaky_relu(0.2)``)."""
    base = getattr(act, "name", "") or type(act).__name__
    if isinstance(act, LeakyReLU) and act.negative_slope != 0.01:
        return f"{base}({act.negative_slope:g})"
    if isinstance(act, (ELU, Softplus, Swish)):
        p = act.alpha if isinstance(act, ELU) else act.beta
        return base if p == 1.0 else f"{base}({p:g})"
    if isinstance(act, GELU) and act.approximate != "none":
        return f"gelu({act.approximate})"
    if isinstance(act, Lambda):
        return getattr(act.fn, "__name__", "function")
    return base


class Lambda(Module):
    """Wrap a function of one argument as a module (``Lambda(lambda x: x * 2)``)."""

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        super().__init__()
        self._fn = fn

    @property
    def fn(self) -> Callable[[Any], Any]:
        return self._fn

    def forward(self, x: Any) -> Any:
        return self._fn(x)

    def extra_repr(self) -> str:
        return getattr(self._fn, "__name__", "function")

