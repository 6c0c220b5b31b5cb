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
CONSTANT = "constant"  # the ``_ctx`` of a leaf made from a plain number or array in an expression


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
    def is_constant(self) -> bool:
        """True for leaves the engine made from plain numbers or arrays used in an expression
        (the ``2`` of ``2 * x``); they never require a gradient."""
        return self._ctx is CONSTANT

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants (nodes no op produced)."""
        return self._op is None

    # -- elementwise ops with parameters (the parameter-free ones come from the registry) ---
    def leaky_relu(self, negative_slope: float = 0.01) -> Any:
        """x for x > 0, negative_slope·x otherwise; derivative 1 or negative_slope."""
        return self._unary("leaky_relu", (float(negative_slope),))

    def elu(self, alpha: float = 1.0) -> Any:
        """x for x > 0, alpha·(e^x − 1) otherwise; derivative 1 or y + alpha."""
        return self._unary("elu", (float(alpha),))

    def softplus(self, beta: float = 1.0) -> Any:
        """log(1 + e^(beta·x)) / beta, computed without overflow; derivative sigmoid(beta·x)."""
        return self._unary("softplus", (_positive(beta, "softplus beta"),))

    def swish(self, beta: float = 1.0) -> Any:
        """x·sigmoid(beta·x): beta = 0 gives x/2, large beta approaches relu; not monotonic."""
        return self._unary("swish", (float(beta),))

    def silu(self) -> Any:
        """x·sigmoid(x), i.e. swish with beta = 1."""
        return self._unary("swish", (1.0,))

    def gelu(self, approximate: str = "none") -> Any:
        """x·Phi(x) with Phi the standard normal CDF (``approximate="none"``), or its
        approximations 0.5x(1 + tanh(sqrt(2/pi)(x + 0.044715x³))) (``"tanh"``) and
        x·sigmoid(1.702x) (``"sigmoid"``)."""
        return self._unary(gelu_op_name(approximate), None)

    def clip(self, lo: float, hi: float) -> Any:
        """max(min(x, hi), lo); the gradient passes where lo <= x <= hi."""
        lo, hi = float(lo), float(hi)
        if lo > hi:
            raise ValueError(f"clip needs lo <= hi, got lo={lo}, hi={hi}")
        return self._unary("clip", (lo, hi))

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
        self.grad = self._grad_zero

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


def _positive(x: Any, what: str) -> float:
    x = float(x)
    if not x > 0:
        raise ValueError(f"{what} must be positive, got {x}")
    return x


GELU_APPROXIMATIONS = {"none": "gelu_exact", "tanh": "gelu_tanh", "sigmoid": "gelu_sigmoid"}


def gelu_op_name(approximate: str) -> str:
    """The registered op for ``gelu(approximate=...)``, with a clear error for unknown names."""
    try:
        return GELU_APPROXIMATIONS[approximate]
    except (KeyError, TypeError):
        raise ValueError(
            f"unknown GELU approximation {approximate!r}; use one of "
            f"{', '.join(map(repr, GELU_APPROXIMATIONS))}"
        ) from None


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
