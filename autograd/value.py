"""``Value``: a scalar node of the computation graph, micrograd's teaching engine made exact.

Every arithmetic operator and method creates a new ``Value`` that remembers the op and its
inputs; ``backward()`` then applies the chain rule in reverse topological order. The methods
are generated from the op registry (:mod:`autograd.primitives`) so that each op's forward and
derivative stay declared in one place. Values compute on Python floats with ``math``: a scalar
op costs one float operation and one small object, never a numpy call.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from contextlib import suppress
from typing import Any

import numpy as np

from . import primitives as _primitives  # noqa: F401 - registers the ops
from .grad_mode import ALL_THREADS, MODE
from .node import CONSTANT, MANY, Node, link
from .op import OPS, Op
from .record import finish_slow

_new = object.__new__
_NUMBER_TYPES = (int, float, numbers.Real)  # the concrete types first: faster isinstance


def _as_float(x: Any, what: str = "Value") -> float:
    if not isinstance(x, numbers.Real):
        if isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "biuf":
            return float(x.reshape(()))
        raise TypeError(f"{what} expects a real number, got {x!r} ({type(x).__name__})")
    return float(x)


class Value(Node):
    """A scalar in the computation graph.

    ``Value(2.0, label="x")`` holds ``data`` (a float) and ``grad`` (d root / d self, a float,
    0.0 until a backward pass reaches it). ``op`` names the op that produced it (``''`` for a
    leaf) and ``parents`` are that op's inputs, in argument order.

    ``==``, ``<``, ``<=``, ``>``, ``>=`` compare ``data`` and return plain bools; they record
    nothing. Values hash by identity, so they can be dict keys and set members.
    """

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to Value's reflected operators

    def __init__(
        self,
        data: Any,
        label: str = "",
        requires_grad: bool = True,
        _a: Any = None,
        _b: Any = None,
        _op: Op | None = None,
        _ctx: Any = None,
    ) -> None:
        self.data = data if type(data) is float else _as_float(data)
        self.grad = 0.0
        self._op = _op
        self._a = _a
        self._b = _b
        self._ctx = _ctx
        self.label = label
        self.requires_grad = requires_grad
        self._pending = 0

    # -- construction helpers used by the engine -------------------------------------------
    @classmethod
    def constant(cls, x: Any) -> Value:
        """A leaf for a Python number used in an expression (``2 * x``): no gradient."""
        v = cls(x, "", False)
        v._ctx = CONSTANT
        return v

    @classmethod
    def _recorded(cls, y: float, parents: tuple, op: Op, params: Any) -> Value:
        return cls(y, "", True, *link(parents), op, params)

    @classmethod
    def _leaf(cls, y: float) -> Value:
        return cls(y, "", False)

    def _leaf_like(self, data: Any) -> Value:
        return Value(data, self.label, False)

    _is_tensor = False
    _grad_zero = 0.0  # the gradient before any backward pass reaches the node

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        if isinstance(gradient, Value):
            return gradient if create_graph else gradient.data
        g = 1.0 if gradient is None else _as_float(gradient, "backward's gradient")
        return Value.constant(g) if create_graph else g

    def _unary(self, name: str, params: tuple | None) -> Value:
        return _apply1(OPS[name], self, params)

    def item(self) -> float:
        """The float held (``data``), as ``Tensor.item()``."""
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={_fmt(self.grad)}{label})"

    # -- comparisons: plain bools, nothing recorded ------------------------------------------
    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return self.data == (other.data if isinstance(other, Value) else other)

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    __hash__ = Node.__hash__

    def __lt__(self, other: Any) -> bool:
        return self.data < (other.data if isinstance(other, Value) else other)

    def __le__(self, other: Any) -> bool:
        return self.data <= (other.data if isinstance(other, Value) else other)

    def __gt__(self, other: Any) -> bool:
        return self.data > (other.data if isinstance(other, Value) else other)

    def __ge__(self, other: Any) -> bool:
        return self.data >= (other.data if isinstance(other, Value) else other)

    def __bool__(self) -> bool:
        return self.data != 0.0

    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return _apply2(OPS["pow"], self, other)
        if isinstance(other, _NUMBER_TYPES):
            return _apply1(OPS["pow_const"], self, (_as_float(other, "exponent"),))
        return NotImplemented

    def __rpow__(self, other: Any) -> Value:
        if isinstance(other, _NUMBER_TYPES):
            return _apply1(OPS["rpow_const"], self, (_as_float(other, "base"),))
        return NotImplemented

    def __neg__(self) -> Value:
        return _apply1(OPS["neg"], self, None)

    def __abs__(self) -> Value:
        return _apply1(OPS["abs"], self, None)

    def __pos__(self) -> Value:
        return self


def _fmt(g: Any) -> str:
    return f"{g:.6g}" if isinstance(g, float) else repr(g)


# -- the fast path: applying a registered op to Values ------------------------------------------


def _apply1(op: Op, x: Value, params: tuple | None) -> Value:
    """y = op(x, *params), recorded when gradients are on."""
    try:
        y = op.scalar(x.data, *params) if params else op.scalar(x.data)
    except (ArithmeticError, ValueError):
        y = op.scalar_ieee(x.data, *(params or ()))
    if ALL_THREADS.record or MODE.record:
        return Value(y, "", True, x, None, op, params)
    return finish_slow(Value, y, op, (x,), params)


def _apply2(op: Op, a: Value, b: Value) -> Value:
    """y = op(a, b), recorded when gradients are on."""
    try:
        y = op.scalar(a.data, b.data)
    except (ArithmeticError, ValueError):
        y = op.scalar_ieee(a.data, b.data)
    if ALL_THREADS.record or MODE.record:
        return Value(y, "", True, a, b, op)
    return finish_slow(Value, y, op, (a, b), None)


def _unary_method(op: Op):
    f = op.scalar

    def method(self: Value) -> Value:
        try:
            y = f(self.data)
        except (ArithmeticError, ValueError):
            y = op.scalar_ieee(self.data)
        if ALL_THREADS.record or MODE.record:
            # the fields of Value.__init__, set directly: this line runs once per node
            out = _new(Value)
            out.data = y
            out.grad = 0.0
            out._op = op
            out._a = self
            out._b = None
            out._ctx = None
            out.label = ""
            out.requires_grad = True
            out._pending = 0
            return out
        return finish_slow(Value, y, op, (self,), None)

    method.__name__ = op.name
    method.__doc__ = op.doc
    return method


def _binary_methods(op: Op):
    f = op.scalar
    const = Value.constant

    def forward(self: Value, other: Any) -> Value:
        if type(other) is not Value:
            if not isinstance(other, _NUMBER_TYPES):
                return NotImplemented
            other = const(other)
        try:
            y = f(self.data, other.data)
        except (ArithmeticError, ValueError):
            y = op.scalar_ieee(self.data, other.data)
        if ALL_THREADS.record or MODE.record:
            out = _new(Value)  # as in the unary method
            out.data = y
            out.grad = 0.0
            out._op = op
            out._a = self
            out._b = other
            out._ctx = None
            out.label = ""
            out.requires_grad = True
            out._pending = 0
            return out
        return finish_slow(Value, y, op, (self, other), None)

    def reflected(self: Value, other: Any) -> Value:
        if not isinstance(other, _NUMBER_TYPES):
            return NotImplemented
        return forward(const(other), self)

    forward.__doc__ = reflected.__doc__ = op.doc
    return forward, reflected


for _op in OPS.values():
    if _op.method and _op.nargs == 1 and not _op.params:
        setattr(Value, _op.name, _unary_method(_op))

for _name, _dunder in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("div", "truediv")):
    _fwd, _refl = _binary_methods(OPS[_name])
    setattr(Value, f"__{_dunder}__", _fwd)
    setattr(Value, f"__r{_dunder}__", _refl)


def sum_values(values: Iterable[Any]) -> Any:
    """x1 + x2 + ... + xn recorded as one node (op ``add_n``) instead of a chain of n − 1
    additions: the same value (added left to right) and every input receives the gradient
    unchanged. Plain numbers become constants. For Tensors of one shape it adds them
    elementwise. A neuron's weighted sum z = Σ wᵢxᵢ + b uses it."""
    nodes = tuple(values)
    op = OPS["add_n"]
    y = None
    if nodes and type(nodes[0]) is Value:
        with suppress(AttributeError):  # all Values, the common case; else a number is there
            y = sum([v.data for v in nodes])
    if type(y) is not float:
        if not nodes:
            raise ValueError("sum_values needs at least one value")
        if not any(isinstance(v, Value) for v in nodes):
            from .tensor import apply_op, as_tensor

            return apply_op(op, tuple(as_tensor(v) for v in nodes))
        nodes = tuple(v if type(v) is Value else Value.constant(_as_float(v)) for v in nodes)
        y = op.scalar(*[v.data for v in nodes])
    if ALL_THREADS.record or MODE.record:
        return Value(y, "", True, nodes, MANY, op)
    return finish_slow(Value, y, op, nodes, None)


def maximum(a: Any, b: Any) -> Any:
    """Elementwise max(a, b) of Values, Tensors or numbers; equal inputs share the gradient."""
    return _binary_function("maximum", a, b)


def minimum(a: Any, b: Any) -> Any:
    """Elementwise min(a, b) of Values, Tensors or numbers; equal inputs share the gradient."""
    return _binary_function("minimum", a, b)


def _binary_function(name: str, a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        a = a if isinstance(a, Value) else Value.constant(_as_float(a))
        b = b if isinstance(b, Value) else Value.constant(_as_float(b))
        return _apply2(OPS[name], a, b)
    from .tensor import Tensor, apply_op, as_tensor

    ta = as_tensor(a, like=b if isinstance(b, Tensor) else None)  # float32 stays float32
    tb = as_tensor(b, like=ta)
    return apply_op(OPS[name], (ta, tb))


del _op, _name, _dunder, _fwd, _refl
