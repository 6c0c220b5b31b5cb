"""``Value``: a scalar node of the computation graph, micrograd's teaching engine made exact.

Every arithmetic operator and method creates a new ``Value`` that remembers the op and its
inputs; ``backward()`` then applies the chain rule in reverse topological order. The methods
are generated from the op registry (:mod:`autograd.primitives`) so that each op's forward and
derivative stay declared in one place. Values compute on Python floats with ``math``: a scalar
op costs one float operation and one small object, never a numpy call.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from . import fastpath
from .differentiable import Differentiable
from .node import new_leaf
from .op import OPS, Op, watch


def as_float(x: Any, what: str = "Value") -> float:
    """``x`` as a float: a real number or a one-element numeric array; else a TypeError
    naming ``what`` expected it."""
    if not isinstance(x, numbers.Real):
        if isinstance(x, np.ndarray) and x.size == 1 and x.dtype.kind in "biuf":
            return float(x.reshape(()))
        raise TypeError(f"{what} expects a real number, got {x!r} ({type(x).__name__})")
    return float(x)


class Value(Differentiable):
    """A scalar in the computation graph.

    ``Value(2.0, label="x")`` holds ``data`` (a float) and ``grad`` (d root / d self, a float,
    0.0 until a backward pass reaches it). ``op`` names the op that produced it (``''`` for a
    leaf) and ``parents`` are that op's inputs, in argument order.

    ``==``, ``<``, ``<=``, ``>``, ``>=`` compare ``data`` and return plain bools; they record
    nothing. Values hash by identity, so they can be dict keys and set members.
    """

    __slots__ = ()
    __array_ufunc__ = None  # numpy defers to Value's reflected operators
    _is_tensor = False
    _grad_zero = 0.0

    def __init__(self, data: Any, label: str = "", requires_grad: bool = True) -> None:
        self.data = data if type(data) is float else as_float(data)
        self.grad = 0.0
        self.requires_grad = requires_grad
        self.label = label
        self._op = self._a = self._b = self._params = None
        self._pending = 0

    # -- what backprop and the registry's methods ask of a node class --------------------------
    @classmethod
    def constant(cls, x: Any) -> Value:
        """A leaf for a Python number used in an expression (``2 * x``): no gradient."""
        return new_leaf(cls, x if type(x) is float else as_float(x), constant=True)

    @classmethod
    def lift(cls, x: Any, like: Any = None) -> Value:
        """``x`` if it is a Value, else a constant made from the number ``x``."""
        return x if isinstance(x, Value) else cls.constant(as_float(x))

    @classmethod
    def apply(cls, op: Op, inputs: tuple, params: tuple | None = None) -> Value:
        """y = op(*inputs, *params) on the inputs' floats, recorded."""
        args = [x.data for x in inputs]
        try:
            y = op.scalar(*args, *params) if params else op.scalar(*args)  # type: ignore[misc]
        except (ArithmeticError, ValueError):
            y = op.scalar_ieee(*args, *(params or ()))
        return cls.record(y, op, inputs, params)

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        if isinstance(gradient, Value):
            return gradient if create_graph else gradient.data
        g = 1.0 if gradient is None else as_float(gradient, "backward's gradient")
        return Value.constant(g) if create_graph else g

    def item(self) -> float:
        """The float held (``data``), as ``Tensor.item()``."""
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        return f"Value(data={self.data:.6g}, grad={_fmt(self.grad)}{label})"

    # -- comparisons: plain bools, nothing recorded ------------------------------------------
    def __eq__(self, other: object) -> bool:
        return self.data == (other.data if isinstance(other, Value) else other)

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = Differentiable.__hash__

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

    # -- operators the registry's templates do not cover ---------------------------------------
    def __pow__(self, other: Any) -> Value:
        if isinstance(other, Value):
            return self.apply(OPS["pow"], (self, other))
        if isinstance(other, fastpath.NUMBER_TYPES):
            return self.apply(OPS["pow_const"], (self,), (as_float(other, "exponent"),))
        return NotImplemented

    def __rpow__(self, other: Any) -> Value:
        if isinstance(other, fastpath.NUMBER_TYPES):
            return self.apply(OPS["rpow_const"], (self,), (as_float(other, "base"),))
        return NotImplemented

    def __neg__(self) -> Value:
        return self.apply(OPS["neg"], (self,))

    def __abs__(self) -> Value:
        return self.apply(OPS["abs"], (self,))

    def __pos__(self) -> Value:
        return self

    if TYPE_CHECKING:  # made below from the registry; declared here for type checkers
        def __add__(self, other: Any) -> Value: ...
        def __radd__(self, other: Any) -> Value: ...
        def __sub__(self, other: Any) -> Value: ...
        def __rsub__(self, other: Any) -> Value: ...
        def __mul__(self, other: Any) -> Value: ...
        def __rmul__(self, other: Any) -> Value: ...
        def __truediv__(self, other: Any) -> Value: ...
        def __rtruediv__(self, other: Any) -> Value: ...


def _fmt(g: Any) -> str:
    return f"{g:.6g}" if isinstance(g, float) else repr(g)


def _add_fast_method(op: Op) -> None:
    """Value's fast method for a parameter-free one-input op (see :mod:`autograd.fastpath`)."""
    if op.method is not None and op.nargs == 1 and not op.params:
        setattr(Value, op.method, fastpath.unary_method(Value, op))


def _remove_fast_method(op: Op) -> None:
    if op.method is not None and getattr(Value.__dict__.get(op.method), "op", None) is op:
        delattr(Value, op.method)


# The fast methods: every parameter-free one-input op, and the four arithmetic operators.
for _op in OPS.values():
    _add_fast_method(_op)
watch(_add_fast_method, _remove_fast_method)
for _name, _dunder in (("add", "add"), ("sub", "sub"), ("mul", "mul"), ("div", "truediv")):
    _forward, _reflected = fastpath.binary_methods(Value, OPS[_name], _dunder)
    setattr(Value, f"__{_dunder}__", _forward)
    setattr(Value, f"__r{_dunder}__", _reflected)
del _op, _name, _dunder, _forward, _reflected
