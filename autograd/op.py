"""The registry of primitive operations: the one place each op is declared.

A primitive is declared once, with everything the engine and the tools built on it need to know
side by side: its forward computation on Python floats (``scalar``, for :class:`~autograd.Value`)
and on numpy arrays (``array``, for :class:`~autograd.Tensor`), one derivative rule per argument
(``vjps``, vector-Jacobian products in the style of HIPS autograd), and its public face: the
method name, the names and defaults of its parameters, other names it answers to. ``Value`` and
``Tensor`` grow their methods from here, and so do nn's activation table, viz's plotting table
and the CLI's function table.

A derivative rule has the signature ``rule(g, y, *inputs, *params)``: ``g`` is the gradient
arriving at the output, ``y`` the output, ``inputs`` the op's inputs and ``params`` its
non-differentiable parameters (an exponent, a slope). Rules are written with ordinary
arithmetic and the dispatching helpers of :mod:`autograd.generic`, so the same rule runs on
plain floats and arrays (the fast, usual case) and on graph nodes when
``create_graph=True``, which is what makes higher-order derivatives work.

A rule that is one expression is best written as its text, ``vjp="g * (1.0 - y * y)"``: it
is compiled once into a function of ``g, y``, the inputs (``x`` for one input, ``a, b`` for
two, ``xs, i`` for input ``i`` of a variadic op) and the parameters by name, with the helpers
of :mod:`autograd.generic` and ``math`` in scope; and the scalar engine's backward loop
(:mod:`autograd.fastpath`) inlines the expression instead of calling a function for every
node. A forward on floats may be text too (``scalar="0.0 if x <= 0.0 else x"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

Rule = Callable[..., Any]

#: ``nargs`` of an op taking any number of inputs, all with the same rule.
VARIADIC = -1


@dataclass(eq=False, slots=True)
class Op:
    """One primitive operation (see the module docstring for the rule signature).

    The public face:

    - ``method``: the name of the ``Value``/``Tensor`` method that applies the op
      (``x.leaky_relu(0.2)``), or None for an op reached through an operator (``a * b``) or a
      function (``maximum(a, b)``);
    - ``params`` and ``defaults``: the names of the op's non-differentiable parameters and the
      defaults of the last ``len(defaults)`` of them, as in a ``def`` (the method's signature);
      ``check`` turns the arguments a user passed into the parameters the rules receive
      (floats, validated), raising ValueError for a bad one;
    - ``aliases``: other names for the op itself (``logistic`` for ``sigmoid``), and ``presets``:
      names for the op with some parameters fixed (``silu`` is ``swish`` with ``beta=1``), which
      also become methods;
    - ``activation``: listed among the activation functions (nn, viz); ``module``: the PyTorch
      name of nn's module class for it (``"LeakyReLU"``).

    For checking and teaching: ``domain`` gives, per argument, an interval on which the op is
    smooth enough for a central-difference check, ``kinks`` points where the derivative is a
    convention, and ``test_params`` parameters to test it with when its defaults are not fit
    (``clip`` has none); the test suite reads them to check every registered op automatically.
    ``elementwise`` ops get forward-mode rules from their ``vjps`` (a diagonal Jacobian is its
    own transpose); others declare ``jvp(tangents, y, *inputs, *params)``.

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
    vjps: Sequence[Rule] = ()
    jvp: Rule | None = None
    params: tuple[str, ...] = ()
    defaults: tuple[Any, ...] = ()
    check: Callable[..., tuple[Any, ...]] | None = None
    method: str | None = None
    aliases: tuple[str, ...] = ()
    presets: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    activation: bool = False
    module: str | None = None
    elementwise: bool = True
    domain: tuple[tuple[float, float], ...] = ()
    kinks: tuple[float, ...] = ()
    test_params: tuple[Any, ...] | None = None
    doc: str = ""
    deriv_docs: tuple[str, ...] = ()
    vjp_texts: tuple[str | None, ...] = ()
    scalar_text: str | None = None
    #: ``array`` run under ``np.errstate(all="ignore")``: IEEE's inf and nan, no warnings (set
    #: by :func:`register`; the decorator form costs half the ``with`` statement per call)
    array_ieee: Callable[..., np.ndarray] | None = field(default=None, repr=False)

    @property
    def input_names(self) -> tuple[str, ...]:
        """The names a rule's text gives the inputs: ``x``; ``a, b``; ``xs, i`` (variadic)."""
        return {1: ("x",), 2: ("a", "b")}.get(self.nargs, ("xs", "i"))

    def bind(self, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        """The parameters for a call ``method(*args, **kwargs)``: defaults filled in, then
        checked by ``check`` (or converted to float when the op declares no check)."""
        names = self.params
        if len(args) > len(names):
            raise TypeError(
                f"{self.public_name}() takes {len(names)} parameter(s) "
                f"({', '.join(names) or 'none'}), got {len(args)}"
            )
        values = dict(zip(names, args))
        for key, value in kwargs.items():
            if key not in names:
                raise TypeError(
                    f"{self.public_name}() got an unexpected parameter {key!r}; its parameters: "
                    f"{', '.join(names) or 'none'}"
                )
            if key in values:
                raise TypeError(f"{self.public_name}() got parameter {key!r} twice")
            values[key] = value
        first_default = len(names) - len(self.defaults)
        for i, key in enumerate(names):
            if key not in values:
                if i < first_default:
                    raise TypeError(f"{self.public_name}() needs the parameter {key!r}")
                values[key] = self.defaults[i - first_default]
        ordered = tuple(values[key] for key in names)
        if self.check is not None:
            return self.check(*ordered)
        return tuple(real_number(v, f"{self.public_name}() parameter {key}")
                     for key, v in zip(names, ordered))

    @property
    def public_name(self) -> str:
        """The name users write: the method's, else the op's."""
        return self.method or self.name

    @property
    def names(self) -> dict[str, dict[str, Any]]:
        """Every name the op answers to, with the parameters that name fixes: its own (the
        method's) name, its aliases and its presets (``{"swish": {}, "silu": {"beta": 1.0}}``)."""
        out: dict[str, dict[str, Any]] = {self.public_name: {}}
        out.update({alias: {} for alias in self.aliases})
        out.update({name: dict(fixed) for name, fixed in self.presets.items()})
        return out

    def scalar_ieee(self, *args: Any) -> float:
        """Evaluate the scalar forward with IEEE semantics (``1/0 = inf``, ``log(-1) = nan``)
        after Python's float functions raised; numpy computes the same formula."""
        assert self.array is not None, f"op {self.name!r} has no array form"
        with np.errstate(all="ignore"):
            return float(self.array(*[np.asarray(a, dtype=np.float64) for a in args]))

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


def real_number(x: Any, what: str) -> float:
    """``x`` as a float, or a TypeError saying that ``what`` must be a real number."""
    try:
        return float(x)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be a real number, got {x!r}") from None


OPS: dict[str, Op] = {}

# Called with each op registered or removed after the node classes were built, so that an op
# declared later (a user's, a test's) gets its methods too: (on_register, on_unregister) pairs.
_WATCHERS: list[tuple[Callable[[Op], None], Callable[[Op], None]]] = []


def watch(on_register: Callable[[Op], None], on_unregister: Callable[[Op], None]) -> None:
    """Call ``on_register(op)`` for every op registered from now on, and
    ``on_unregister(op)`` for every op removed (the node classes grow and drop methods)."""
    _WATCHERS.append((on_register, on_unregister))


def rules_for(op: Op, n: int) -> Sequence[Rule]:
    """The derivative rule of each of an op's ``n`` inputs, in the usual signature.

    A variadic op declares one rule ``rule(g, y, xs, i, *params)`` for input ``i`` of the
    tuple ``xs`` (passing the inputs as one tuple keeps an n-input node O(n), not O(n²))."""
    if op.nargs != VARIADIC:
        return op.vjps
    rule = op.vjps[0]
    return [
        lambda g, y, *rest, _i=i: rule(g, y, rest[:n], _i, *rest[n:]) for i in range(n)
    ]


def register(op: Op) -> Op:
    """Add ``op`` to the registry; the node classes read it to grow their methods."""
    taken = {name for other in OPS.values() for name in (other.name, *other.names)}
    for name in {op.name, *op.names}:
        if name in taken:
            raise ValueError(f"an op named {name!r} is already registered")
    if op.nargs == VARIADIC:
        if len(op.vjps) != 1:
            raise ValueError(f"variadic op {op.name!r} needs one rule, used for every input")
    elif len(op.vjps) != op.nargs:
        raise ValueError(f"op {op.name!r} takes {op.nargs} inputs but has {len(op.vjps)} rules")
    if len(op.defaults) > len(op.params):
        raise ValueError(f"op {op.name!r} has more defaults than parameters")
    for name, fixed in op.presets.items():
        unknown = set(fixed) - set(op.params)
        if unknown:
            raise ValueError(f"preset {name!r} of op {op.name!r} fixes unknown {sorted(unknown)}")
    op.vjps = tuple(
        _no_derivative(op.name, i) if rule is None else rule for i, rule in enumerate(op.vjps)
    )
    if op.array is not None:
        op.array_ieee = np.errstate(all="ignore")(op.array)
    OPS[op.name] = op
    for on_register, _ in _WATCHERS:
        on_register(op)
    return op


def unregister(name: str) -> None:
    """Remove an op from the registry, and its methods (for a temporary op in a test)."""
    op = OPS.pop(name)
    for _, on_unregister in _WATCHERS:
        on_unregister(op)


def _no_derivative(name: str, i: int) -> Rule:
    """The rule of an input an op is not differentiable in (declared as ``None``)."""

    def rule(*args: Any) -> Any:
        raise RuntimeError(
            f"op {name!r} has no derivative with respect to its input #{i}; a gradient was "
            "needed there (compute that input under no_grad(), or detach() it)"
        )

    return rule


#: What a rule or forward written as text may use besides its arguments: ``math`` and the
#: helpers of :mod:`autograd.generic` (which adds them when it is imported).
TEXT_SCOPE: dict[str, Any] = {"math": math}


def compile_text(text: str, args: Sequence[str], what: str) -> Callable[..., Any]:
    """The function ``lambda *args: text`` (``text`` is one expression of the library's own
    op declarations, never user input)."""
    source = f"lambda {', '.join(args)}: ({text})"
    return eval(compile(source, f"<{what}>", "eval"), TEXT_SCOPE)  # noqa: S307


def primitive(name: str, nargs: int = 1, *, vjp: Any = (), scalar: Any = None,
              method: str | None | bool = True, **fields: Any) -> Op:
    """Declare and register a primitive; see :class:`Op` for the fields. ``vjp`` is the rule,
    or a tuple of one rule per input, each a function or the text of one expression (see the
    module docstring); ``scalar`` likewise. ``method=True`` (the default) names the method
    after the op, ``method=False`` gives it none."""
    rules = tuple(vjp) if isinstance(vjp, (tuple, list)) else (vjp,)
    public = name if method is True else (method or None)
    op = Op(name, nargs, method=public, **fields)
    args = ("g", "y", *op.input_names, *op.params)
    op.vjp_texts = tuple(r if isinstance(r, str) else None for r in rules)
    op.vjps = tuple(
        compile_text(r, args, f"rule of {name}") if isinstance(r, str) else r for r in rules
    )
    if isinstance(scalar, str):
        op.scalar_text = scalar
        scalar = compile_text(scalar, (*op.input_names, *op.params), f"forward of {name}")
    op.scalar = scalar
    return register(op)


def activation_table() -> dict[str, tuple[Op, dict[str, Any]]]:
    """Every activation function's names (method names, aliases, presets), each with its op and
    the parameters the name fixes (``{"relu": (OPS["relu"], {}), "silu": (OPS["swish"],
    {"beta": 1.0}), ...}``): read it at lookup time, so an op registered later is in it too."""
    return {
        name: (op, fixed)
        for op in OPS.values() if op.activation
        for name, fixed in op.names.items()
    }
