"""What every graph node has in common, whether it holds a float or an array.

A node is a leaf (an input, a parameter or a constant: ``op == ''``) or the output of a
primitive op applied to its ``parents``. This module holds the node's storage and its public
introspection (``op``, ``parents``, ``params``, ``is_leaf``: what viz reads), and
:func:`new_node`, the one function that records an op's output.

Storage, for speed and memory (a scalar network has one node per multiply and add):

- slots, not a ``__dict__``;
- the first two parents sit in the slots ``_a`` and ``_b`` rather than in a tuple (one object
  fewer per node for the allocator and the garbage collector); an op with more inputs keeps
  them all as a tuple in ``_a`` and sets ``_b`` to :data:`PARENTS_IN_TUPLE`;
- one meaning per slot: ``_op`` is the op that produced the node (None for a leaf given by
  the user, :data:`CONSTANT` for a leaf made from a number in an expression, the nullary
  op "constant"), ``_params`` the op's parameters (None when it has none);
- ``_pending`` is scratch space of the backward pass (see :mod:`autograd.backprop`).
"""

from __future__ import annotations

from typing import Any

#: The ``_b`` of a node with more than two parents, all kept as a tuple in ``_a``.
PARENTS_IN_TUPLE: Any = object()


class _Constant:
    """The ``_op`` of a constant: a leaf made from a number or an array in an expression."""

    name = "constant"
    params = ()

    def __repr__(self) -> str:
        return "CONSTANT"


#: The ``_op`` of a leaf made from a plain number or array used in an expression (the ``2``
#: of ``2 * x``): it never requires a gradient, and viz draws it as a number.
CONSTANT: Any = _Constant()


class Node:
    """Base class of :class:`~autograd.Value` and :class:`~autograd.Tensor`.

    Slots: ``data`` and ``grad`` (d root / d node), ``requires_grad``, ``label``; the op
    (``_op``), its inputs (``_a``, ``_b``), its parameters (``_params``: the tuple of values
    its rules receive after the inputs, or None; for a :class:`~autograd.Function`, the one
    value is the context its ``forward`` saved) and the backward pass's consumer count
    (``_pending``).
    """

    __slots__ = ("data", "grad", "requires_grad", "label", "_op", "_a", "_b", "_params",
                 "_pending")

    data: Any
    grad: Any
    requires_grad: bool
    label: str
    _op: Any
    _a: Any
    _b: Any
    _params: tuple[Any, ...] | None
    _pending: int

    #: The gradient a node has before a backward pass reaches it (0.0 for a Value).
    _grad_zero: Any = None
    _is_tensor: bool = False

    # -- introspection: the public face of the graph (viz uses only this) --------------------
    @property
    def op(self) -> str:
        """Name of the op that produced this node, ``''`` for a leaf."""
        op = self._op
        return "" if op is None or op is CONSTANT else op.name

    @property
    def parents(self) -> tuple[Node, ...]:
        """The op's inputs, in argument order (the same node twice for ``a + a``)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        if b is None:
            return (a,)
        if b is PARENTS_IN_TUPLE:
            return a
        return (a, b)

    @property
    def params(self) -> tuple[Any, ...]:
        """The op's non-differentiable parameters (an exponent, a slope), ``()`` if none."""
        params = self._params
        # a Function's op declares no parameters: its one value is its context, not shown
        return params if params is not None and self._op.params else ()

    @property
    def is_constant(self) -> bool:
        """True for leaves the engine made from plain numbers or arrays used in an expression
        (the ``2`` of ``2 * x``); they never require a gradient."""
        return self._op is CONSTANT

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants (nodes no op produced)."""
        op = self._op
        return op is None or op is CONSTANT

    # -- what a node class provides (Value, Tensor): the rules of autograd.generic and a
    # Function's backward apply ops through type(x), knowing only that x is a Node --------------
    @classmethod
    def apply(cls, op: Any, inputs: tuple, params: tuple | None = None) -> Any:
        """``op`` (an :class:`~autograd.op.Op`) applied to ``inputs`` (nodes of this class)
        with ``params``, recorded."""
        raise NotImplementedError

    @classmethod
    def lift(cls, x: Any, like: Any = None) -> Any:
        """``x`` itself if it is a node of this class, else a constant made from it."""
        raise NotImplementedError

    # -- gradients ---------------------------------------------------------------------------
    def zero_grad(self) -> None:
        """Reset this node's gradient (0.0 for a Value, None for a Tensor)."""
        self.grad = self._grad_zero

    def requires_grad_(self, requires_grad: bool = True) -> Node:
        """Set ``requires_grad`` in place (leaves only) and return self."""
        if not self.is_leaf:
            raise RuntimeError(
                f"requires_grad can only be changed on leaves; this node comes from op {self.op!r}"
            )
        if self._op is not None:  # a constant the user wants a gradient for: a plain leaf now
            self._op = None
        self.requires_grad = bool(requires_grad)
        return self


def new_node(cls: type[Node], data: Any, *, op: Any, parents: tuple, params: tuple | None = None
             ) -> Any:
    """Record ``data`` as the output of ``op`` applied to ``parents`` (with ``params``): a
    node of class ``cls`` that requires a gradient. The one place an op's output is made,
    except the float fast path (:mod:`autograd.fastpath`), which writes the same slots."""
    node = object.__new__(cls)
    node.data = data
    node.grad = cls._grad_zero
    node.requires_grad = True
    node.label = ""
    node._op = op
    node._params = params
    n = len(parents)
    if n == 1:
        node._a, node._b = parents[0], None
    elif n == 2:
        node._a, node._b = parents
    else:
        node._a, node._b = tuple(parents), PARENTS_IN_TUPLE
    node._pending = 0
    return node


def new_leaf(cls: type[Node], data: Any, *, requires_grad: bool = False, label: str = "",
             constant: bool = False) -> Any:
    """A leaf of class ``cls`` holding ``data`` as it is (already converted and checked)."""
    node = object.__new__(cls)
    node.data = data
    node.grad = cls._grad_zero
    node.requires_grad = requires_grad
    node.label = label
    node._op = CONSTANT if constant else None
    node._a = node._b = node._params = None
    node._pending = 0
    return node


def zero_grad(nodes: Any) -> None:
    """Reset the gradient of every node in an iterable (parameters, inputs)."""
    for node in nodes:
        node.zero_grad()
