"""What every graph node has in common, whether it holds a float or an array.

A node is a leaf (``op == ''``: an input, a parameter or a constant) or the output of a
primitive op applied to its ``parents``. Backpropagation, ``zero_grad`` and ``detach`` are
defined here once for both :class:`~autograd.Value` and :class:`~autograd.Tensor`.

Storage, for speed and memory: the first two parents sit in the slots ``_a`` and ``_b``
rather than in a tuple (one object fewer per node for the allocator and the garbage
collector); an op with more inputs keeps them all as a tuple in ``_a`` with ``_b`` set to
:data:`MANY`. ``_pending`` is scratch space of the backward pass (see :mod:`autograd.backprop`).
"""

from __future__ import annotations

from typing import Any

MANY = object()  # marks a node whose parents are all in the tuple ``_a``


class Node:
    """Base class of :class:`~autograd.Value` and :class:`~autograd.Tensor`."""

    __slots__ = ("data", "grad", "_op", "_a", "_b", "_ctx", "label", "requires_grad", "_pending")

    # -- introspection: the public face of the graph (viz uses only this) --------------------
    @property
    def op(self) -> str:
        """Name of the op that produced this node, ``''`` for a leaf."""
        op = self._op
        return "" if op is None else op.name

    @property
    def parents(self) -> tuple[Node, ...]:
        """The op's inputs, in argument order (the same node twice for ``a + a``)."""
        a, b = self._a, self._b
        if a is None:
            return ()
        if b is None:
            return (a,)
        if b is MANY:
            return a
        return (a, b)

    @property
    def params(self) -> tuple[Any, ...]:
        """The op's non-differentiable parameters (an exponent, a slope), ``()`` if none."""
        ctx = self._ctx
        return ctx if isinstance(ctx, tuple) else ()

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants (nodes no op produced)."""
        return self._op is None

    # -- backpropagation --------------------------------------------------------------------
    def backward(self, gradient: Any = None, create_graph: bool = False) -> None:
        """Backpropagate from this node: add ``d self / d leaf`` (times ``gradient``) to the
        ``.grad`` of every leaf that requires a gradient.

        Leaves *accumulate* across calls, as in PyTorch; interior nodes hold the gradient of
        the most recent pass. ``gradient`` defaults to 1 for a scalar output and must have the
        output's shape otherwise. With ``create_graph=True`` the gradients are themselves
        graph nodes, so they can be differentiated again.
        """
        from .backprop import backward

        backward(self, gradient, create_graph)

    def zero_grad(self) -> None:
        """Reset this node's gradient (0.0 for a Value, None for a Tensor)."""
        self.grad = self._zero_grad_value()

    def detach(self) -> Node:
        """A new leaf with the same data that does not require a gradient."""
        return self._leaf_like(self.data)

    def requires_grad_(self, requires_grad: bool = True) -> Node:
        """Set ``requires_grad`` in place (leaves only) and return self."""
        if not self.is_leaf:
            raise RuntimeError(
                f"requires_grad can only be changed on leaves; this node comes from op {self.op!r}"
            )
        self.requires_grad = bool(requires_grad)
        return self


def link(parents: tuple) -> tuple[Any, Any]:
    """The ``(_a, _b)`` slot values that store ``parents``."""
    n = len(parents)
    if n == 1:
        return parents[0], None
    if n == 2:
        return parents
    return tuple(parents), MANY


def zero_grad(nodes: Any) -> None:
    """Reset the gradient of every node in an iterable (parameters, inputs)."""
    for node in nodes:
        node.zero_grad()
