"""Functions of several nodes that work on Values and Tensors alike: ``sum_values``,
``affine``, ``maximum``, ``minimum``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from . import fastpath
from .op import OPS
from .tensor import Tensor, as_tensor
from .value import Value, as_float


def sum_values(values: Iterable[Any]) -> Any:
    """x1 + x2 + ... + xn recorded as one node (op ``add_n``) instead of a chain of n − 1
    additions: the same value (added left to right) and every input receives the gradient
    unchanged. Plain numbers become constants. For Tensors of one shape it adds them
    elementwise. A neuron's weighted sum z = Σ wᵢxᵢ + b uses it."""
    nodes = tuple(values)
    if not nodes:
        raise ValueError("sum_values needs at least one value")
    op = OPS["add_n"]
    if not any(isinstance(v, Value) for v in nodes):
        return Tensor.apply(op, tuple(as_tensor(v) for v in nodes))
    nodes = tuple(v if type(v) is Value else Value.constant(as_float(v)) for v in nodes)
    return Value.record(sum([v.data for v in nodes]), op, nodes, None)


def affine(w: Sequence[Any], x: Sequence[Any], b: Any) -> Any:
    """z = w1·x1 + ... + wn·xn + b recorded as one node (op ``affine``: inputs b, w1..wn,
    x1..xn, parameter n) whose rule gives ∂z/∂wᵢ = xᵢ, ∂z/∂xᵢ = wᵢ and ∂z/∂b = 1: a neuron's
    net input, one node instead of n products and a sum (the same value: the products added
    left to right, then b). Plain numbers become constants; Values and Tensors (of shapes
    that broadcast) are accepted."""
    n = len(w)
    if len(x) != n:
        raise ValueError(f"affine needs as many weights as inputs, got {n} and {len(x)}")
    if type(b) is Value and set(map(type, w)) == set(map(type, x)) == {Value}:  # nn: fast
        return fastpath.affine(Value, w, x, b)
    inputs = (b, *w, *x)
    if any(isinstance(v, Value) for v in inputs):
        return Value.apply(OPS["affine"], tuple(Value.lift(v) for v in inputs), (n,))
    return Tensor.apply(OPS["affine"], tuple(as_tensor(v) for v in inputs), (n,))


def maximum(a: Any, b: Any) -> Any:
    """Elementwise max(a, b) of Values, Tensors or numbers; equal inputs share the gradient."""
    return _binary_function("maximum", a, b)


def minimum(a: Any, b: Any) -> Any:
    """Elementwise min(a, b) of Values, Tensors or numbers; equal inputs share the gradient."""
    return _binary_function("minimum", a, b)


def _binary_function(name: str, a: Any, b: Any) -> Any:
    if isinstance(a, Value) or isinstance(b, Value):
        return Value.apply(OPS[name], (Value.lift(a), Value.lift(b)))
    ta = as_tensor(a, like=b if isinstance(b, Tensor) else None)  # float32 stays float32
    tb = as_tensor(b, like=ta)
    return Tensor.apply(OPS[name], (ta, tb))
