"""Activation functions as modules, for ``Value``s, lists of ``Value``s and ``Tensor``s.

An activation declared in the op registry (:mod:`autograd.primitives`, ``activation=True``) is a
module here with no code of its own: :class:`Activation` applies a registered activation by name
(``Activation("leaky_relu", 0.2)`` calls ``x.leaky_relu(0.2)``, so its derivative is the
engine's), and an op that declares its PyTorch class name (``module="LeakyReLU"``) gets a
subclass of that name, generated from the registry on first use, whose constructor takes the
op's parameters (``LeakyReLU(negative_slope=0.01)``). These elementwise modules accept a single
``Value``, a list or tuple of ``Value``s (applied to each) or a ``Tensor``. Written out here are
only the modules that hold learnable ``Tensor`` parameters (``PReLU``, ``DyT``, ``Maxout``) or
do more than apply one op (``Identity``, ``Softmax``, ``GELU``'s choice of approximation,
``SiLU``, a preset of Swish with a class name of its own).

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

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import numpy as np

import autograd
from autograd import GELU_APPROXIMATIONS, Op, Value

from .module import Module

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "DyT",
    "GELU",
    "Identity",
    "Lambda",
    "Maxout",
    "PReLU",
    "SiLU",
    "Softmax",
    "activation_constructors",
    "activation_name",
    "get_activation",
    "module_class",
]  # and the generated classes, added below


def _map(fn: Callable[[Any], Any], x: Any) -> Any:
    """Apply ``fn`` to a Value or Tensor, or to every item of a list/tuple of them."""
    if isinstance(x, (list, tuple)):
        return [_map(fn, xi) for xi in x]
    if isinstance(x, (int, float)):
        x = Value.constant(x)
    return fn(x)


class _Elementwise(Module):
    """An activation applied to each number: ``forward`` applies :attr:`fn`, the function
    x ↦ f(x) of one Value or Tensor (a scalar ``Neuron`` takes it to apply to its output)."""

    name = ""

    @property
    def fn(self) -> Callable[[Any], Any]:
        raise NotImplementedError

    def forward(self, x: Any) -> Any:
        return _map(self.fn, x)


def _identity(x: Any) -> Any:
    return x


class Identity(_Elementwise):
    """f(x) = x: no activation (a linear output layer)."""

    name = "linear"

    @property
    def fn(self) -> Callable[[Any], Any]:
        return _identity

    def forward(self, x: Any) -> Any:
        return x


class Activation(_Elementwise):
    """The registered activation ``name`` as a module: ``Activation("leaky_relu", 0.2)``
    computes ``x.leaky_relu(0.2)``; ``name`` may be an alias (``"logistic"``) or a preset
    (``"silu"``). The op's parameters are checked by the registry and become attributes
    (``.negative_slope``), read when the module is called, so setting one changes the function.

    Raises:
        ValueError: for a name that is not a registered activation, or a bad parameter.
        TypeError: for a parameter the op does not take.
    """

    def __init__(self, name: str, *args: Any, **params: Any) -> None:
        super().__init__()
        table = autograd.activation_table()
        if name not in table:
            raise ValueError(f"unknown activation {name!r}; valid names: {', '.join(table)}")
        op, fixed = table[name]
        self._free = tuple(p for p in op.params if p not in fixed)
        if len(args) > len(self._free):
            raise TypeError(f"{name}() takes {len(self._free)} parameter(s) "
                            f"({', '.join(self._free) or 'none'}), got {len(args)}")
        given = dict(zip(self._free, args))
        for param in params:
            if param in fixed:
                raise TypeError(f"{name} fixes {param}={fixed[param]!r}; use {op.public_name!r} "
                                f"to choose {param}")
            if param in given:
                raise TypeError(f"{name}() got parameter {param!r} twice")
        values = op.bind(**fixed, **given, **params)
        if name != type(self).name:  # a generated class's name is its class attribute
            self.name = name
        first_default = len(op.params) - len(op.defaults)
        self._defaults = dict(zip(op.params[first_default:], op.defaults))
        for param, value in zip(op.params, values):
            if param in self._free:
                setattr(self, param, value)
        self._bound: tuple[Any, ...] | None = None
        self._fn: Callable[[Any], Any] = _identity

    @property
    def params(self) -> dict[str, Any]:
        """The op's parameters this module sets (those a preset fixes excluded)."""
        return {param: getattr(self, param) for param in self._free}

    @property
    def fn(self) -> Callable[[Any], Any]:
        # bound once per set of parameters (autograd.activation checks them), not per call
        values = tuple(self.params.values())
        if values != self._bound:
            self._fn = autograd.activation(self.name, **self.params)
            self._bound = values
        return self._fn

    def short_name(self) -> str:
        """The name, with the parameters up to the last one that differs from its default
        (``leaky_relu``, ``leaky_relu(0.2)``, ``elu(0.5)``)."""
        values = list(self.params.items())
        while values and values[-1][0] in self._defaults and (
                values[-1][1] == self._defaults[values[-1][0]]):
            values.pop()
        if not values:
            return self.name
        return f"{self.name}({', '.join(_short(value) for _, value in values)})"

    def extra_repr(self) -> str:
        named = [] if type(self).__dict__.get("name") == self.name else [repr(self.name)]
        return ", ".join(named + [f"{param}={value!r}" for param, value in self.params.items()])


def _short(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else repr(value)


class _NamedActivation(Activation):
    """An :class:`Activation` whose class fixes the name (``ReLU``, ``LeakyReLU``, ...): its
    constructor takes only the op's parameters."""

    def __init__(self, *args: Any, **params: Any) -> None:
        super().__init__(type(self).name, *args, **params)


class SiLU(_NamedActivation):
    """x·σ(x) (Swish with β = 1)."""

    name = "silu"


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

    @property
    def fn(self) -> Callable[[Any], Any]:
        return autograd.activation(GELU_APPROXIMATIONS[self.approximate])

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


# -- the classes the registry names (ReLU, LeakyReLU, ...) ------------------------------------

_GENERATED: dict[str, tuple[Op, type[Activation]]] = {}


def module_class(op: Op) -> type[Activation]:
    """The module class named ``op.module`` for a registered activation op: a subclass of
    :class:`Activation` whose constructor has the op's parameters and defaults
    (``LeakyReLU(negative_slope=0.01)``), made on first use and the same class afterwards."""
    if op.module is None:
        raise ValueError(f"op {op.name!r} declares no module class name")
    made = _GENERATED.get(op.module)
    if made is not None and made[0] is op:
        return made[1]
    first_default = len(op.params) - len(op.defaults)
    Parameter = inspect.Parameter
    signature = inspect.Signature([
        Parameter(param, Parameter.POSITIONAL_OR_KEYWORD,
                  default=op.defaults[i - first_default] if i >= first_default else Parameter.empty)
        for i, param in enumerate(op.params)
    ])
    cls = type(op.module, (_NamedActivation,), {
        "name": op.public_name,
        "__doc__": f"{op.module}{signature}: {op.doc} (the op {op.name!r} as a module).",
        "__module__": __name__,
        "__qualname__": op.module,
        "__signature__": signature,
    })
    _GENERATED[op.module] = (op, cls)
    return cls


def _module_names() -> dict[str, Op]:
    """Each module class name the registry's activations declare -> its op."""
    return {op.module: op for op in autograd.OPS.values() if op.activation and op.module}


def __getattr__(name: str) -> type[Activation]:
    """``ReLU``, ``LeakyReLU``, ...: the module class of the registered activation that
    declares ``module=name`` (see :func:`module_class`), looked up in the registry at each
    access, so an op registered later has its class too."""
    op = _module_names().get(name)
    if op is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return module_class(op)


def __dir__() -> list[str]:
    return sorted({*globals(), *_module_names()})


__all__ += sorted(_module_names())


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

    # PyTorch's attribute: an int that, on a PReLU, hides the method Module.num_parameters().
    num_parameters: int  # type: ignore[assignment]

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

#: The names of no activation (a linear layer).
_NO_ACTIVATION = ("linear", "identity", "none")

#: Registered activation names with a class written here: SiLU (a preset of swish) and GELU,
#: whose ``approximate`` chooses among three ops.
_OWN_CLASSES: dict[str, Callable[..., Module]] = {
    "silu": SiLU,
    **{
        op_name: GELU if approximate == "none" else functools.partial(GELU, approximate)
        for approximate, op_name in GELU_APPROXIMATIONS.items()
    },
}


def activation_constructors() -> dict[str, Callable[..., Module]]:
    """Every activation name -> what builds its module (called with the name's keyword
    arguments), read from the op registry now: the names of no activation (:class:`Identity`),
    each registered activation name (a class written here, else the op's module class for its
    name or an alias, else ``Activation(name)``), and ``softmax``."""
    out: dict[str, Callable[..., Module]] = dict.fromkeys(_NO_ACTIVATION, Identity)
    for name, (op, fixed) in autograd.activation_table().items():
        if name in _OWN_CLASSES:
            out[name] = _OWN_CLASSES[name]
        elif op.module is not None and not fixed:
            out[name] = module_class(op)
        else:
            out[name] = functools.partial(Activation, name)
    out["softmax"] = Softmax
    return out


class _Names(Mapping[str, Callable[..., Module]]):
    """A read-only view of :func:`activation_constructors`, computed at each lookup."""

    def __getitem__(self, name: str) -> Callable[..., Module]:
        return activation_constructors()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(activation_constructors())

    def __len__(self) -> int:
        return len(activation_constructors())

    def __repr__(self) -> str:
        return f"ACTIVATIONS({', '.join(self)})"


#: Activation names accepted by :func:`get_activation` (and by layers' ``activation=``), each
#: with what builds its module: a live view of the op registry (:func:`activation_constructors`).
ACTIVATIONS: Mapping[str, Callable[..., Module]] = _Names()


def get_activation(name: Any = None, **kwargs: Any) -> Module:
    """The activation module for a name (case-insensitive, ``-`` or ``_``: ``"relu"``,
    ``"leaky_relu"``, ``"hard-tanh"``, ...); ``None`` or ``"linear"`` gives :class:`Identity`.
    The names are those of the op registry's activations (see :data:`ACTIVATIONS`), so an
    activation registered later is found too.

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
        constructors = activation_constructors()
        if key not in constructors:
            raise ValueError(
                f"unknown activation {name!r}; valid names: {', '.join(constructors)} (or None)"
            )
        return constructors[key](**kwargs)
    if isinstance(name, type) and issubclass(name, Module):
        return name(**kwargs)
    if callable(name):
        return Lambda(name)
    raise TypeError(f"activation must be a name, a Module or a callable, got {name!r}")


def activation_name(act: Module) -> str:
    """A short name for an activation module, for ``repr``s (``relu``, ``leaky_relu(0.2)``)."""
    if isinstance(act, Activation):
        return act.short_name()
    if isinstance(act, GELU) and act.approximate != "none":
        return f"gelu({act.approximate})"
    if isinstance(act, Lambda):
        return getattr(act.fn, "__name__", "function")
    return getattr(act, "name", "") or type(act).__name__


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

