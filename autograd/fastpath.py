"""The scalar engine's hot paths: recording an op on Values, and backprop over floats.

This is the same algorithm as :mod:`autograd.backprop` (Kahn's two passes) and the same node
construction as :func:`autograd.node.new_node`, specialised for the one case where Python's
cost per node is everything: a graph of ``Value``s (each node holds one float, so the
arithmetic costs nothing next to the bookkeeping), gradients recorded, no ``create_graph``,
no ``detect_anomaly``. A network of a few hundred weights builds tens of thousands of such
nodes per step, and the general code spends more time deciding what to do than doing it.

What is specialised, and why it is still the same algorithm:

- **Recording.** Value's operators and parameter-free methods write the node's slots
  directly instead of calling ``new_node`` (a call and a tuple of parents per node), and
  compute the op's forward text inline when the registry gives one (``a * b``).
- **Pass 1** reads the parents from the slots ``_a``/``_b`` instead of building the
  ``parents`` tuple, with the one- and two-input cases written out.
- **Pass 2** applies the rules to floats and adds their results in place; for the ops a
  scalar network runs most (:data:`INLINED`) it contains the rule's own text (``g * b``)
  instead of a call, and it retries a rule whose float arithmetic raised (``1/0``) on numpy
  scalars, to get IEEE's inf and nan (:func:`ieee_rule`).

None of this is written out by hand: the methods and both passes are generated at import time
from the templates below and from the registry's declarations (the forward and rule texts), so
each op is still declared once, in :mod:`autograd.primitives`. The generated source of the
passes is kept in :data:`COUNT_CONSUMERS_SOURCE` and :data:`PROPAGATE_SOURCE`, and tracebacks
show its lines. Nodes the specialisation does not cover (a :class:`~autograd.Function`, an op
with parameters or many inputs that is not inlined) take the general step of
:mod:`autograd.backprop` from inside the loop. ``tests/test_backprop_paths.py`` checks on
random graphs that both paths give the same gradients.
"""

from __future__ import annotations

import ast
import linecache
import numbers
from collections.abc import Callable, Sequence
from operator import attrgetter, mul
from typing import Any

import numpy as np

from . import array_ops as _array_ops  # noqa: F401 - the ops the loops below specialise
from . import primitives as _primitives  # noqa: F401
from .grad_mode import ALL_THREADS, MODE
from .node import PARENTS_IN_TUPLE, new_node
from .op import OPS, TEXT_SCOPE, VARIADIC, Op

_DATA = attrgetter("data")
_AFFINE = OPS["affine"]

#: The types a Value accepts as the other operand of an operator; concrete ones first, as
#: isinstance tries them in order.
NUMBER_TYPES = (int, float, numbers.Real)


def ieee_rule(rule: Any, g: float, y: float, args: Sequence, params: Sequence) -> float:
    """Re-run a rule whose Python float arithmetic raised (``1/0``, ``math.pow(0, -1.5)``,
    ``math.cos(inf)``) on numpy float64 scalars, which give IEEE's inf and nan instead: the
    helpers of :mod:`autograd.generic` send numpy scalars to numpy, never back to ``math``, so
    the result is the one the Tensor engine computes for the same numbers."""
    f64 = np.float64
    with np.errstate(all="ignore"):
        return float(rule(f64(g), f64(y), *[f64(x) for x in args], *params))


# -- recording: the methods of Value, one template per arity ---------------------------------

# The slots of an op's output, as new_node writes them (see autograd.node).
_RECORD = """\
        out = new(cls)
        out.data = y
        out.grad = 0.0
        out.requires_grad = True
        out.label = ""
        out._op = op
        out._a = {a}
        out._b = {b}
        out._params = None
        out._pending = 0
        return out"""

_UNARY = """\
def method(self):
    try:
        {compute}
    except (ArithmeticError, ValueError):
        y = op.scalar_ieee(self.data)
    if ALL_THREADS.record or MODE.record:
{record}
    return cls.record(y, op, (self,), None)
"""

# ``left op right``: ``other`` is a Value or a number, which becomes a constant; the
# reflected method (``2 * x``) has the two sides swapped
_BINARY = """\
def method(self, other):
    if type(other) is not cls:
        if not isinstance(other, NUMBER_TYPES):
            return NotImplemented
        other = constant(other)
    try:
        {compute}
    except (ArithmeticError, ValueError):
        y = op.scalar_ieee({left}.data, {right}.data)
    if ALL_THREADS.record or MODE.record:
{record}
    return cls.record(y, op, ({left}, {right}), None)
"""


def _generate(template: str, cls: type, op: Op, name: str, inputs: tuple[str, ...]
              ) -> Callable[..., Any]:
    """A method of ``cls`` from ``template``: the op's forward on the ``inputs``' floats (its
    text inlined, when it has one), the output recorded as :data:`_RECORD` writes it."""
    data = [f"{x}.data" for x in inputs]
    if op.scalar_text is not None:
        compute = "; ".join(f"{n} = {d}" for n, d in zip(op.input_names, data))
        compute += f"; y = ({op.scalar_text})"
    else:
        compute = f"y = forward({', '.join(data)})"
    parents = (*inputs, "None")[:2]
    source = template.format(
        compute=compute, left=inputs[0], right=inputs[-1],
        record=_RECORD.format(a=parents[0], b=parents[1]),
    )
    namespace = {
        **TEXT_SCOPE, "cls": cls, "op": op, "forward": op.scalar, "new": object.__new__,
        "constant": cls.constant, "ALL_THREADS": ALL_THREADS, "MODE": MODE,  # type: ignore[attr-defined]
        "NUMBER_TYPES": NUMBER_TYPES,
    }
    exec(source, namespace)  # noqa: S102 - our template and the registry's forward text
    method = namespace["method"]
    method.__name__ = method.__qualname__ = name
    method.__doc__ = op.doc
    method.op = op  # how the node classes recognise a generated method
    return method


def unary_method(cls: type, op: Op) -> Callable[[Any], Any]:
    """``x.op()`` for a Value ``x``: the op's float forward, recorded."""
    return _generate(_UNARY, cls, op, op.public_name, ("self",))


def binary_methods(cls: type, op: Op, dunder: str) -> tuple[Callable, Callable]:
    """``__op__`` and ``__rop__`` for a Value (``x * 2`` and ``2 * x``)."""
    return (_generate(_BINARY, cls, op, f"__{dunder}__", ("self", "other")),
            _generate(_BINARY, cls, op, f"__r{dunder}__", ("other", "self")))


def affine(cls: type, w: Sequence[Any], x: Sequence[Any], b: Any) -> Any:
    """z = Σ wᵢxᵢ + b (op ``affine``) of Values ``w``, ``x`` and ``b``: the same value as
    the op's float forward (products added left to right from 0, then b), computed in C loops,
    and the node recorded with ``new_node`` (inputs b, w1..wn, x1..xn; parameter n)."""
    y = sum(map(mul, map(_DATA, w), map(_DATA, x))) + b.data
    parents = (b, *w, *x)
    if ALL_THREADS.record or MODE.record:
        return new_node(cls, y, op=_AFFINE, parents=parents, params=(len(w),))
    return cls.record(y, _AFFINE, parents, (len(w),))  # type: ignore[attr-defined]


# -- backprop over floats --------------------------------------------------------------------


# Pass 1, one input ``p`` made by an op (leaves are not counted: they are never visited): met
# for the first time, it goes on the stack and its gradient from an earlier pass is reset;
# either way it has one consumer more.
_COUNT = """\
{pad}if {p}.requires_grad and {p}._op is not None:
{pad}    c = {p}._pending
{pad}    if not c:
{pad}        push({p})
{pad}        {p}.grad = zero
{pad}    {p}._pending = c + 1"""

_COUNT_CONSUMERS = """\
def count_consumers(roots, zero):
    for r in roots:
        r._pending = 1  # so that a root met again as a parent is not walked twice
    stack = list(roots)
    pop, push = stack.pop, stack.append
    while True:  # not `while stack:`, see _PROPAGATE
        if not stack:
            break
        node = pop()
        a = node._a
        if a is None:
            continue
        b = node._b
        if b is PARENTS_IN_TUPLE:
            for p in a:
{count_p}
            continue
{count_a}
        if b is not None:
{count_b}
    for r in roots:
        r._pending -= 1
"""


def _compile(source: str, name: str, namespace: dict[str, Any]) -> Any:
    """Run the generated ``source`` defining ``name``; tracebacks show its lines."""
    filename = f"<autograd.fastpath.{name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)  # noqa: S102 - our own templates
    return namespace[name]


#: Pass 1 of :mod:`autograd.backprop` on the slots: ``count_consumers(roots, zero)`` sets each
#: reachable node's ``_pending`` to its number of consumers and interior nodes' gradients to
#: ``zero``; the one- and two-input cases are written out (:data:`_COUNT` for each input), as
#: this loop runs once per node of the graph.
COUNT_CONSUMERS_SOURCE = _COUNT_CONSUMERS.format(
    count_p=_COUNT.format(pad=" " * 16, p="p"), count_a=_COUNT.format(pad=" " * 8, p="a"),
    count_b=_COUNT.format(pad=" " * 12, p="b"),
)
count_consumers = _compile(COUNT_CONSUMERS_SOURCE, "count_consumers",
                           {"PARENTS_IN_TUPLE": PARENTS_IN_TUPLE})


#: The ops whose rules pass 2 inlines, tested in this order (the ops a scalar network runs
#: most come first: every test costs a node of a later op a comparison). Any other op calls
#: its rules, which gives the same numbers.
INLINED = ("mul", "add", "affine", "add_n", "relu", "tanh", "sub", "sigmoid", "exp", "div",
           "neg", "pow_const", "log", "leaky_relu")

# The pass-2 loop. {branches} tests the inlined ops; the last branch serves every other op.
# Both loops are `while True:`, not `while ready:`: CPython 3.11 specialises a function's
# bytecode (attribute reads become slot reads) only after it has run a few times or taken an
# unconditional backward jump, and `while ready:` jumps back conditionally: called once per
# backward pass, the loop would run unspecialised, about twice as slow, until its eighth call.
_PROPAGATE = """\
def propagate(roots, visit, zero):
    ready = [r for r in roots if not r._pending]
    pop, push = ready.pop, ready.append
    while True:  # not `while ready:`: see the comment above the template
        if not ready:
            break
        node = pop()
        op = node._op
        if op is None:
            continue
        g = node.grad
{branches}
        elif (node._b is PARENTS_IN_TUPLE or type(op) is not Op or op.nargs == VARIADIC
              or node._params):
            visit(node, push)  # a Function, an op with many inputs or with parameters
        else:  # an op with one or two inputs: its rules, called
            rules = op.vjps
            pa = node._a
            pb = node._b
            y = node.data
            a = pa.data
            if pb is None:
{call_rule_of_one}
                continue
            b = pb.data
{call_rules_of_two}
"""

# An input made by an op whose last consumer is done is ready (the same as backprop's pass 2;
# a leaf only collects its gradient).
_RELEASE = """\
{pad}if {p}._op is not None:
{pad}    c = {p}._pending - 1
{pad}    {p}._pending = c
{pad}    if not c:
{pad}        push({p})"""

# One input's gradient d, the rule's text inlined (on a float error, IEEE's result instead),
# added to the input's .grad. The first contribution to a gradient reset by pass 1 is stored
# as it is, not as 0.0 + d: the same number, and where a rule passes g through unchanged
# (a + b) one float object serves every node it reaches (24 bytes a node fewer; not for
# d = ±0.0, whose sign 0.0 + d normalises, as the general pass does).
_ADD_GRADIENT = """\
{pad}if {p}.requires_grad:
{pad}    try:
{pad}        d = ({text})
{pad}    except (ArithmeticError, ValueError):
{pad}        d = {ieee}
{pad}    old = {p}.grad
{pad}    {p}.grad = d if d and old is zero else old + d
{release}"""

# Names the loop uses itself, which a rule's text must not use for something else.
_LOOP_NAMES = {"roots", "visit", "zero", "ready", "pop", "push", "node", "op", "pa", "pb",
               "ps", "p", "c", "d", "old", "rules"}


def _names(text: str) -> set[str]:
    return {n.id for n in ast.walk(ast.parse(text, mode="eval")) if isinstance(n, ast.Name)}


def _branch(op: Op, k: int) -> str | None:
    """The loop's branch for ``op`` (the ``k``-th inlined), or None if it cannot inline it."""
    texts = op.vjp_texts
    if not texts or any(t is None for t in texts) or op.nargs not in (1, 2, VARIADIC):
        return None
    used = set().union(*(_names(t) for t in texts))  # type: ignore[arg-type]
    if used & _LOOP_NAMES:
        return None
    lines = [f"        elif op is OP_{op.name}:" if k else f"        if op is OP_{op.name}:"]
    if "y" in used:
        lines.append("            y = node.data")
    if op.params:
        lines.append(f"            ({', '.join(op.params)},) = node._params")
    params = f"({', '.join(op.params)},)" if op.params else "()"
    if op.nargs == VARIADIC:
        lines.append("            ps = node._a if node._b is PARENTS_IN_TUPLE else node.parents")
        if "xs" in used:
            lines.append("            xs = [p.data for p in ps]")
        lines.append("            for i, p in enumerate(ps):")
        ieee = f"ieee_variadic(RULES_{op.name}[0], g, node.data, ps, i, {params})"
        lines.append(_ADD_GRADIENT.format(pad=" " * 16, p="p", text=texts[0], ieee=ieee,
                                          release=_RELEASE.format(pad=" " * 20, p="p")))
        return "\n".join(lines)
    parents = ("pa",) if op.nargs == 1 else ("pa", "pb")
    lines.append("            pa = node._a")
    if op.nargs == 2:
        lines.append("            pb = node._b")
    for name, parent in zip(op.input_names, parents):
        if name in used:
            lines.append(f"            {name} = {parent}.data")
    args = "(" + "".join(f"{p}.data, " for p in parents) + ")"
    for i, (parent, text) in enumerate(zip(parents, texts)):
        ieee = f"ieee_rule(RULES_{op.name}[{i}], g, node.data, {args}, {params})"
        lines.append(_ADD_GRADIENT.format(pad=" " * 12, p=parent, text=text, ieee=ieee,
                                          release=_RELEASE.format(pad=" " * 16, p=parent)))
    return "\n".join(lines)


def ieee_variadic(rule: Any, g: float, y: float, parents: Sequence, i: int,
                  params: tuple) -> float:
    """:func:`ieee_rule` for input ``i`` of a variadic op with inputs ``parents``."""
    f64 = np.float64
    with np.errstate(all="ignore"):
        return float(rule(f64(g), f64(y), [f64(p.data) for p in parents], i, *params))


def _generate_propagate() -> tuple[Callable[..., None], str]:
    namespace: dict[str, Any] = {
        "PARENTS_IN_TUPLE": PARENTS_IN_TUPLE, "Op": Op, "VARIADIC": VARIADIC,
        "ieee_rule": ieee_rule, "ieee_variadic": ieee_variadic, **TEXT_SCOPE,
    }
    branches: list[str] = []
    for name in INLINED:
        op = OPS[name]
        branch = _branch(op, len(branches))
        if branch is not None:
            namespace[f"OP_{name}"] = op
            namespace[f"RULES_{name}"] = op.vjps
            branches.append(branch)
    def call(p: str, i: int, args: str, pad: int) -> str:  # the general branch's rule call
        return _ADD_GRADIENT.format(
            pad=" " * pad, p=p, text=f"rules[{i}](g, y, {args})",
            ieee=f"ieee_rule(rules[{i}], g, y, ({args},), ())",
            release=_RELEASE.format(pad=" " * (pad + 4), p=p))

    source = _PROPAGATE.format(
        branches="\n".join(branches),
        call_rule_of_one=call("pa", 0, "a", 16),
        call_rules_of_two=call("pa", 0, "a, b", 12) + "\n" + call("pb", 1, "a, b", 12),
    )
    return _compile(source, "propagate", namespace), source


#: Pass 2 of :mod:`autograd.backprop` with the rules applied to floats and their results
#: added in place: ``propagate(roots, visit, zero)``, where ``visit(node, push)`` is
#: backprop's general step, for the nodes this loop does not specialise, and ``zero`` the
#: gradient pass 1 reset interior nodes to. Generated at import from
#: :data:`_PROPAGATE` and the rule texts of the :data:`INLINED` ops; its source is
#: :data:`PROPAGATE_SOURCE` (tracebacks show its lines).
propagate, PROPAGATE_SOURCE = _generate_propagate()
