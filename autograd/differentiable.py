"""What ``Value`` and ``Tensor`` share above the graph: ``backward()``, ``detach()``, recording
an op's output, and the methods the op registry declares.

A registered op with a ``method`` becomes a method of both classes here, with the signature
its declaration gives (``x.leaky_relu(negative_slope=0.01)``): adding an op to the registry is
all it takes. ``Value`` replaces the parameter-free ones by the faster methods of
:mod:`autograd.fastpath`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Self

from . import array_ops as _array_ops  # noqa: F401 - registers the array ops
from . import backprop
from .anomaly import check_forward
from .grad_mode import MODE
from .node import Node, new_leaf, new_node
from .op import OPS, Op, activation_table, real_number, watch
from .primitives import GELU_APPROXIMATIONS


class Differentiable(Node):
    """Base class of :class:`~autograd.Value` and :class:`~autograd.Tensor` (see the module
    docstring). Subclasses define :meth:`~autograd.node.Node.apply` (run an op forward, then
    :meth:`record`) and :meth:`~autograd.node.Node.lift` (make a constant), which
    :class:`~autograd.node.Node` declares."""

    __slots__ = ()

    # -- the subclass's side ------------------------------------------------------------------
    @classmethod
    def _records(cls, parents: tuple) -> bool:
        """Whether an op on ``parents`` is recorded when gradients are enabled."""
        return True

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        """The gradient ``backward(gradient)`` starts from, checked against this node."""
        raise NotImplementedError

    # -- shared --------------------------------------------------------------------------------
    @classmethod
    def record(cls, y: Any, op: Any, parents: tuple, params: tuple | None) -> Any:
        """``y`` as the output of ``op`` applied to ``parents``: checked under
        ``detect_anomaly()``, recorded when gradients are enabled, a plain leaf otherwise."""
        if MODE.anomaly:
            check_forward(y, op, parents, params)
        if MODE.grad_enabled and cls._records(parents):
            return new_node(cls, y, op=op, parents=parents, params=params)
        return new_leaf(cls, y)

    def backward(self, gradient: Any = None, create_graph: bool = False) -> None:
        """Backpropagate from this node: add ``d self / d leaf`` (times ``gradient``) to the
        ``.grad`` of every leaf that requires a gradient.

        Leaves *accumulate* across calls, as in PyTorch; interior nodes hold the gradient of
        the most recent pass. ``gradient`` defaults to 1 for a scalar output and must have the
        output's shape otherwise. With ``create_graph=True`` the gradients are themselves
        graph nodes, so they can be differentiated again.
        """
        backprop.backward(self, gradient, create_graph)

    def detach(self) -> Any:
        """A new leaf with the same data that does not require a gradient."""
        return new_leaf(type(self), self.data, label=self.label)

    def gelu(self, approximate: str = "none") -> Any:
        """x·Phi(x) with Phi the standard normal CDF (``approximate="none"``), or its
        approximations 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x³))) (``"tanh"``) and
        x·sigmoid(1.702x) (``"sigmoid"``)."""
        return self.apply(OPS[gelu_op_name(approximate)], (self,))

    if TYPE_CHECKING:
        # The methods the registry gives both classes at import (add_op_methods, below), which
        # a type checker cannot see: one line per name of method_names(op), in the generated
        # signature. tests/test_typing_stubs.py checks this list against the registry.
        def exp(self) -> Self: ...
        def log(self) -> Self: ...
        def sqrt(self) -> Self: ...
        def sin(self) -> Self: ...
        def cos(self) -> Self: ...
        def erf(self) -> Self: ...
        def sign(self) -> Self: ...
        def tanh(self) -> Self: ...
        def sigmoid(self) -> Self: ...
        def relu(self) -> Self: ...
        def leaky_relu(self, negative_slope: float = 0.01) -> Self: ...
        def elu(self, alpha: float = 1.0) -> Self: ...
        def softplus(self, beta: float = 1.0) -> Self: ...
        def swish(self, beta: float = 1.0) -> Self: ...
        def silu(self) -> Self: ...
        def hard_sigmoid(self) -> Self: ...
        def hard_tanh(self) -> Self: ...
        def step(self) -> Self: ...
        def clip(self, lo: float, hi: float) -> Self: ...


def gelu_op_name(approximate: str) -> str:
    """The registered op for ``gelu(approximate=...)``, with a clear error for unknown names."""
    try:
        return GELU_APPROXIMATIONS[approximate]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown GELU approximation {approximate!r}; use one of "
            f"{', '.join(map(repr, GELU_APPROXIMATIONS))}"
        ) from None


def activation(name: str, *args: Any, **kwargs: Any) -> Callable[[Any], Any]:
    """The function x ↦ f(x) for an activation name of the registry (``"relu"``,
    ``"leaky_relu"``, an alias such as ``"logistic"`` or a preset such as ``"silu"``), with the
    parameters ``args``/``kwargs`` bound and checked once (``activation("elu", 0.5)``). It
    takes a Value or a Tensor. nn's activation modules, viz's plots and the CLI use it.

    Raises:
        ValueError: for an unknown name (listing the valid ones) or a bad parameter.
        TypeError: for parameters the op does not take.
    """
    table = activation_table()
    if name not in table:
        raise ValueError(f"unknown activation {name!r}; valid names: {', '.join(table)}")
    op, fixed = table[name]
    free = [p for p in op.params if p not in fixed]  # a preset's own parameters are not free
    if len(args) > len(free):
        raise TypeError(f"{name}() takes {len(free)} parameter(s) ({', '.join(free) or 'none'})"
                        f", got {len(args)}")
    given = dict(zip(free, args))
    for key in kwargs:
        if key in fixed:
            raise TypeError(f"{name} fixes {key}={fixed[key]!r}; use {op.public_name} to set it")
        if key in given:
            raise TypeError(f"{name}() got parameter {key!r} twice")
    params = op.bind(**fixed, **given, **kwargs)
    if op.method is not None and not op.params:
        return operator.methodcaller(op.method)  # the fast method of a Value
    if op.method is not None:
        return operator.methodcaller(op.method, *params)
    return lambda x: x.apply(op, (x,), params or None)


# -- the methods the registry declares --------------------------------------------------------

_METHOD = """\
def method(self{signature}):
    return self.apply(op, (self,), {params})
"""


def op_method(op: Op, name: str, fixed: dict[str, Any]) -> Callable[..., Any]:
    """The method ``name`` applying ``op`` (with the parameters ``fixed`` by a preset): its
    signature lists the op's other parameters with their defaults."""
    free = [p for p in op.params if p not in fixed]
    first_default = len(op.params) - len(op.defaults)
    defaults = dict(zip(op.params[first_default:], op.defaults))
    signature = "".join(
        f", {p}={defaults[p]!r}" if p in defaults else f", {p}" for p in free
    )
    if not op.params:
        params = "None"
    elif op.check:  # the declared check converts and validates
        params = "check(" + ", ".join(p if p in free else repr(fixed[p]) for p in op.params) + ")"
    else:
        params = "(" + ", ".join(
            f"real({p}, {f'{name}() parameter {p}'!r})" if p in free else repr(float(fixed[p]))
            for p in op.params
        ) + ",)"
    namespace: dict[str, Any] = {"op": op, "check": op.check, "real": real_number}
    exec(_METHOD.format(signature=signature, params=params), namespace)  # noqa: S102
    method = namespace["method"]
    method.__name__ = method.__qualname__ = name
    method.__doc__ = op.doc if not fixed else (
        f"{op.public_name} with {', '.join(f'{k}={v!r}' for k, v in fixed.items())}: {op.doc}"
    )
    method.op = op  # what _remove_op_methods recognises a generated method by
    return method


def method_names(op: Op) -> dict[str, dict[str, Any]]:
    """The methods an op gives the node classes: its method name and its presets (each with
    the parameters it fixes); none for an op without ``method`` or with several inputs."""
    if op.method is None or op.nargs != 1:
        return {}
    return {name: fixed for name, fixed in op.names.items() if name not in op.aliases}


def add_op_methods(cls: type, ops: Any = None) -> None:
    """Give ``cls`` the methods of every op in the registry (or in ``ops``), unless ``cls``
    defines that name itself."""
    for op in (OPS.values() if ops is None else ops):
        for name, fixed in method_names(op).items():
            if name not in cls.__dict__:
                setattr(cls, name, op_method(op, name, fixed))


def _remove_op_methods(op: Op) -> None:
    """Remove the methods :func:`add_op_methods` made for ``op`` (never a hand-written one)."""
    for name in method_names(op):
        if getattr(Differentiable.__dict__.get(name), "op", None) is op:
            delattr(Differentiable, name)


add_op_methods(Differentiable)
watch(lambda op: add_op_methods(Differentiable, [op]), _remove_op_methods)
