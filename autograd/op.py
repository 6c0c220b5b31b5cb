"""The registry of primitive operations.

A primitive is declared once, with everything the engine needs to know about it side by side:
its forward computation on Python floats (``scalar``, for :class:`~autograd.Value`) and on
numpy arrays (``array``, for :class:`~autograd.Tensor`), and one derivative rule per argument
(``vjps``, vector-Jacobian products in the style of HIPS autograd).

A derivative rule has the signature ``rule(g, y, *inputs, *params)``: ``g`` is the gradient
arriving at the output, ``y`` the output, ``inputs`` the op's inputs and ``params`` its
non-differentiable parameters (an exponent, a slope). Rules are written with ordinary
arithmetic and the dispatching helpers of :mod:`autograd.generic`, so the same rule runs on
plain floats and arrays (the fast, usual case) and on graph nodes when
``create_graph=True``, which is what makes higher-order derivatives work.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Rule = Callable[..., Any]


@dataclass(eq=False, slots=True)
class Op:
    """One primitive operation (see the module docstring for the rule signature).

    ``domain`` gives, per argument, an interval on which the op is smooth enough for a
    central-difference check, and ``kinks`` points where the derivative is a convention; the
    test suite reads both to check every registered op automatically. ``elementwise`` ops get
    forward-mode rules from their ``vjps`` (a diagonal Jacobian is its own transpose); others
    declare ``jvp(tangents, y, *inputs, *params)``.

    ``deriv_docs`` says in words what each input's rule computes, for teaching tools
    (:func:`viz.explore` shows it next to the numbers): for an elementwise op, the local
    derivative ∂y/∂input (the rule multiplies the arriving gradient by it); for any other op,
    the vector-Jacobian product with ``g`` standing for the arriving gradient. Placeholders
    name the inputs as the rules do (``{x}`` for a one-input op, ``{a}`` and ``{b}`` for two),
    ``{y}`` the output and ``{<param>}`` a parameter; a variadic op gives one text for all.
    """

    name: str
    nargs: int
    scalar: Callable[..., float] | None = None
    array: Callable[..., np.ndarray] | None = None
    vjps: Sequence[Rule | None] = ()
    jvp: Rule | None = None
    params: tuple[str, ...] = ()
    elementwise: bool = True
    domain: tuple[tuple[float, float], ...] = ()
    kinks: tuple[float, ...] = ()
    doc: str = ""
    deriv_docs: tuple[str, ...] = ()
    method: bool = True
    extra: dict[str, Any] = field(default_factory=dict)

    def scalar_ieee(self, *args: Any) -> float:
        """Evaluate the scalar forward with IEEE semantics (``1/0 = inf``, ``log(-1) = nan``)
        after Python's float functions raised; numpy computes the same formula."""
        with np.errstate(all="ignore"):
            return float(self.array(*[np.asarray(a, dtype=np.float64) for a in args]))

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


OPS: dict[str, Op] = {}
VARIADIC = -1  # ``nargs`` of an op taking any number of inputs, all with the same rule


def rules_for(op: Op, n: int) -> Sequence[Rule]:
    """The derivative rule of each of an op's ``n`` inputs, in the usual signature.

    A variadic op declares one rule ``rule(g, y, xs, i)`` for input ``i`` of the tuple ``xs``
    (passing the inputs as one tuple keeps an n-input node O(n), not O(n²))."""
    if op.nargs != VARIADIC:
        return op.vjps
    rule = op.vjps[0]
    return [lambda g, y, *xs, _i=i: rule(g, y, xs, _i) for i in range(n)]


def register(op: Op) -> Op:
    """Add ``op`` to the registry; the node classes read it to grow their methods."""
    if op.name in OPS:
        raise ValueError(f"an op named {op.name!r} is already registered")
    if op.nargs == VARIADIC:
        if len(op.vjps) != 1:
            raise ValueError(f"variadic op {op.name!r} needs one rule, used for every input")
    elif len(op.vjps) != op.nargs:
        raise ValueError(f"op {op.name!r} takes {op.nargs} inputs but has {len(op.vjps)} rules")
    op.vjps = tuple(
        _no_derivative(op.name, i) if rule is None else rule for i, rule in enumerate(op.vjps)
    )
    OPS[op.name] = op
    return op


def _no_derivative(name: str, i: int) -> Rule:
    """The rule of an input an op is not differentiable in (declared as ``None``)."""

    def rule(*args: Any) -> Any:
        raise RuntimeError(
            f"op {name!r} has no derivative with respect to its input #{i}; a gradient was "
            "needed there (compute that input under no_grad(), or detach() it)"
        )

    return rule


def primitive(name: str, nargs: int = 1, **kwargs: Any) -> Op:
    """Declare and register a primitive; see :class:`Op` for the fields."""
    vjps = kwargs.pop("vjp", None)
    if vjps is not None and not isinstance(vjps, (tuple, list)):
        vjps = (vjps,)
    return register(Op(name, nargs, vjps=tuple(vjps or ()), **kwargs))

