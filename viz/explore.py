"""Step through backpropagation node by node: :func:`explore` and :func:`explain_grad`.

``explore(loss)`` replays one backward pass from ``loss`` as a sequence of steps, first the
forward pass in topological order (each node's value from its inputs: ``a = x·w = 2 · (-3) =
-6``), then the backward pass in the engine's own order (:func:`autograd.backward_order`):
each step takes the gradient that reached a node and, for each input, applies the chain rule
``∂L/∂x += ∂L/∂a · ∂a/∂x``, the term being what the engine adds (:func:`autograd.input_grads`)
and the local derivative's formula the op registry's (``Op.deriv_docs``). The result is a
self-contained web page (the graph drawn by :func:`viz.draw_graph`, rendered once to SVG, plus a
small script that only changes classes and text): it displays inline in Jupyter and
``.save("page.html")`` writes it for any browser, offline. Without scripts the page still shows
the graph after the backward pass and every step as text.

The gradients drawn are computed by the engine itself (:func:`autograd.grad`, which leaves
every ``.grad`` as it was) and the steps replay its rules in its order, so the numbers shown
are the ones ``loss.backward()`` produces.

``explain_grad(loss, x)`` lists every path from ``loss`` down to ``x`` with the product of the
local derivatives along it: their sum is ``∂loss/∂x`` (the multivariable chain rule).
"""

from __future__ import annotations

import html
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

import autograd
from autograd import (
    OPS,
    Tensor,
    atomic_write_text,
    backward_order,
    input_grads,
    topological_order,
)

from .graph import (
    _display_name,
    _fmt,
    _is_constant,
    _is_node,
    _param_texts,
    _resolve_names,
    _short,
    _Style,
    _summary,
    draw_graph,
)

__all__ = ["EXPLORE_MAX_NODES", "Contribution", "Explorer", "GradExplanation", "GradPath",
           "Step", "explain_grad", "explore"]

#: Graphs with more nodes than this are refused by :func:`explore` (one step per node).
EXPLORE_MAX_NODES = 300
#: Paths listed per leaf on the page (the count and the sum always cover all of them).
PAGE_PATHS = 20

SVG_NS = "http://www.w3.org/2000/svg"
_INFIX = {"add": "+", "sub": "-", "mul": "·", "div": "/", "pow": "^", "matmul": "@"}


# -- what explore computes ------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One term of the chain rule: ``∂L/∂input += ∂L/∂node · ∂node/∂input``.

    ``term`` is what the engine adds to the input's gradient (the op's rule applied to
    ``upstream``); ``local`` is ``∂node/∂input`` as a number (Values only; a Tensor's rule is a
    vector-Jacobian product, never a matrix); ``total`` is the input's gradient after the
    addition, ``final`` whether this was its last use (its gradient is then complete)."""

    node: Any
    index: int
    input: Any
    upstream: Any
    local: float | None
    term: Any
    total: Any
    use: int
    uses: int

    @property
    def final(self) -> bool:
        """True when this term completes the input's gradient."""
        return self.use == self.uses


@dataclass(frozen=True)
class Step:
    """One step of the page: ``phase`` is ``"start"``, ``"forward"`` (``node`` computed from
    its inputs), ``"seed"``, ``"backward"`` (``node`` passes its gradient to its inputs, one
    :class:`Contribution` each) or ``"end"``; ``lines`` is the text shown."""

    phase: str
    node: Any
    lines: tuple[str, ...]
    contributions: tuple[Contribution, ...] = ()


@dataclass(frozen=True)
class GradPath:
    """A path ``root → ... → leaf`` through the graph: ``nodes`` from the root down, ``indices``
    the argument position taken at each step (``a + a`` has two paths through its two
    arguments), ``factors`` the local derivatives ``∂nodes[k]/∂nodes[k+1]`` and ``product``
    their product."""

    nodes: tuple[Any, ...]
    indices: tuple[int, ...]
    factors: tuple[float, ...]
    product: float


@dataclass(frozen=True)
class GradExplanation:
    """Every path from ``root`` to ``leaf``; ``total`` is the sum of their products and ``grad``
    the engine's ``∂root/∂leaf``: the chain rule says they are equal."""

    root: Any
    leaf: Any
    paths: tuple[GradPath, ...]
    total: float
    grad: float
    names: dict = field(default_factory=dict, repr=False)

    def lines(self, precision: int = 4) -> list[str]:
        """The explanation as text lines (see :meth:`__str__`)."""
        return _explanation_lines(self, len(self.paths), precision)

    def __str__(self) -> str:
        return "\n".join(self.lines())


class Explorer:
    """The steps of one forward and backward pass through ``root``'s graph, as a web page.

    ``steps`` lists the :class:`Step` objects; ``forward_order`` the op nodes in the order the
    forward pass computes them; ``backward_order`` the nodes in the order the engine's backward
    pass visits them; ``grads`` maps every node that requires a gradient to ``∂root/∂node`` as
    the engine computes it. ``html()`` is the page, ``save(path)`` writes it, and Jupyter
    displays it inline (``_repr_html_``)."""

    def __init__(self, root: Any, steps: list[Step], forward_order: list, backward_order: list,
                 grads: dict, page: dict, svg: str, title: str) -> None:
        self.root = root
        self.steps = steps
        self.forward_order = forward_order
        self.backward_order = backward_order
        self.grads = grads
        self._page = page
        self._svg = svg
        self.title = title

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        return (f"Explorer({self.title!r}: {len(self.forward_order)} forward and "
                f"{len(self.backward_order)} backward steps)")

    def html(self) -> str:
        """The whole page: one HTML document with its SVG, styles, data and script inline."""
        return _page_html(self.title, self._svg, self._page, self.steps)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path. The file appears whole or not
        at all (written to a temporary file beside it, then renamed)."""
        path = Path(path)
        if path.parent and not path.parent.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, self.html())
        return path

    def _repr_html_(self) -> str:
        # an iframe keeps the page's ids, styles and keyboard handling apart from the notebook's
        height = min(max(self._page["height"] + 420, 520), 1000)
        return (f'<iframe srcdoc="{html.escape(self.html(), quote=True)}" '
                f'style="width:100%;height:{height}px;border:1px solid #ddd" '
                'sandbox="allow-scripts" title="gradbook explore"></iframe>')


# -- public functions -----------------------------------------------------------------------


def explore(
    root: Any,
    names: Any = None,
    title: str | None = None,
    rankdir: str = "LR",
    precision: int = 4,
    max_nodes: int = EXPLORE_MAX_NODES,
) -> Explorer:
    """Replay the forward and backward pass through ``root``'s graph one node at a time.

    Args:
        root: a Value, or a Tensor with one element (a loss).
        names: node names, as for :func:`viz.draw_graph` (a model, its named parameters or a
            mapping name -> node such as ``locals()``).
        title: the page's heading (default: "Backpropagation from <root's name>, ...").
        rankdir: ``"LR"`` or ``"TB"``, as for :func:`viz.draw_graph`.
        precision: digits after the decimal point in the graph (the text uses as many
            significant digits, without trailing zeros).
        max_nodes: refuse larger graphs (a step per node would be too many to follow).

    Returns:
        An :class:`Explorer`; every ``.grad`` in the graph is left as it was.
    """
    if not _is_node(root):
        raise TypeError(f"explore expects a Value or Tensor, got {type(root).__name__}")
    if _tensor(root) and root.data.size != 1:
        raise ValueError(f"explore needs a one-element root (a loss); got shape {root.shape}")
    if not root.requires_grad:
        raise ValueError("explore: the root does not require a gradient (it was computed from "
                         "constants only, or under no_grad): there is no backward pass to show")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(
            f"explore: this graph has {len(order)} nodes, more than max_nodes={max_nodes} (one "
            "step per node is too many to follow); draw it with draw_graph(root, max_nodes=...) "
            "or explore a smaller piece, such as one neuron or the loss of one sample"
        )
    ctx = _Context(root, order, names, precision)
    grads = ctx.engine_grads()
    hover = _hover(ctx, grads)
    svg, info = _svg(ctx, grads, rankdir, hover)
    steps, page = _steps(ctx, grads, info)
    page["paths"] = {} if _tensor(root) else _page_paths(ctx, grads)
    page["tensor"] = bool(_tensor(root))
    page["info"] = hover
    page["height"] = info["height"]
    title = title or f"Backpropagation from {ctx.name[root]}, one node at a time"
    forward = [n for n in order if not n.is_leaf]
    return Explorer(root, steps, forward, ctx.backward, grads, page, svg, title)


def explain_grad(root: Any, leaf: Any, names: Any = None, max_paths: int = 1000
                 ) -> GradExplanation:
    """Every path from ``root`` down to ``leaf`` with the product of the local derivatives
    along it; by the multivariable chain rule their sum is ``∂root/∂leaf``.

    ``leaf`` is any node of the graph that requires a gradient (usually an input or a
    parameter); ``names`` as for :func:`viz.draw_graph`. Value graphs only: for Tensors each
    factor would be a Jacobian matrix. More than ``max_paths`` paths is an error (their number
    can grow exponentially with depth). ``str()`` of the result is a text rendering."""
    for what, node in (("root", root), ("leaf", leaf)):
        if not _is_node(node):
            raise TypeError(f"explain_grad expects a Value as {what}, got {type(node).__name__}")
        if _tensor(node):
            raise TypeError("explain_grad works on Value graphs: with Tensors each local "
                            "derivative is a Jacobian matrix (explore() shows their "
                            "vector-Jacobian products instead)")
    order = topological_order(root)
    if leaf not in set(order):
        raise ValueError(f"explain_grad: {leaf!r} is not part of the graph of {root!r}")
    if not leaf.requires_grad or not root.requires_grad:
        raise ValueError(f"explain_grad: {leaf!r} does not require a gradient")
    ctx = _Context(root, order, names, 4)
    paths, count = _paths(ctx, leaf, max_paths)
    if count > max_paths:
        raise ValueError(f"explain_grad: {count} paths lead from the root to the leaf, more than "
                         f"max_paths={max_paths}; pass a larger max_paths")
    total = 0.0
    for p in paths:
        total += p.product
    (g,) = autograd.grad(root, [leaf])
    return GradExplanation(root, leaf, tuple(paths), total, float(g), dict(ctx.name))


# -- the graph and its names ----------------------------------------------------------------


class _Context:
    """The graph in topological order with draw_graph's ids (``v<i>``) and display names."""

    def __init__(self, root: Any, order: list, names: Any, precision: int) -> None:
        self.root = root
        self.order = order
        self.index = {n: i for i, n in enumerate(order)}
        self.precision = int(precision)
        name_of, _ = _resolve_names(names, self.index)
        self.names = names
        self.name = {n: _display_name(n, i, name_of, _is_constant(n)) for i, n in
                     enumerate(order)}
        self.backward = backward_order(root)
        self._local: dict = {}

    def id(self, node: Any) -> str:
        return f"v{self.index[node]}"

    def term_name(self, node: Any) -> str:
        """How a node appears inside a formula: its name, or its value for a constant."""
        if _is_constant(node) and np.size(node.data) == 1:
            return _paren(_num(np.asarray(node.data).item(), self.precision))
        name = self.name[node]
        return name if re.fullmatch(r"[\w.\[\]]+", name) else f"({name})"

    def num(self, x: Any) -> str:
        return _num(x, self.precision)

    def engine_grads(self) -> dict:
        """∂root/∂node for every node that requires a gradient, from autograd.grad."""
        nodes = [n for n in self.order if n.requires_grad]
        values = autograd.grad(self.root, nodes, allow_unused=True)
        return {n: g for n, g in zip(nodes, values) if g is not None}

    def local(self, node: Any, i: int) -> float:
        """∂node/∂parents[i] at this point (Values): what the engine sends to that input when
        a gradient of 1 reaches the node (every rule is linear in the gradient it receives)."""
        if node not in self._local:
            self._local[node] = input_grads(node, 1.0)
        return float(self._local[node][i])


def _tensor(node: Any) -> bool:
    return isinstance(node, Tensor)


# -- the steps ------------------------------------------------------------------------------


def _steps(ctx: _Context, grads: dict, info: dict) -> tuple[list[Step], dict]:
    """The steps and, per step, what the page changes: node classes, data and grad texts."""
    order, name, root = ctx.order, ctx.name, ctx.root
    L = name[root]
    leaves = [n for n in order if n.is_leaf]
    steps: list[Step] = []
    page_steps: list[dict] = []
    init = {}
    for n in order:
        data0 = info["data"].get(ctx.id(n), "") if n.is_leaf else "data ?"
        init[ctx.id(n)] = ["gb-known" if n.is_leaf else "gb-wait", data0, "grad ?"]

    def add(step: Step, changes: dict, edges: list) -> None:
        steps.append(step)
        page_steps.append({"phase": step.phase, "node": None if step.node is None
                           else ctx.id(step.node), "lines": list(step.lines),
                           "set": changes, "edges": edges})

    shown = [f"{name[n]} = {_value_text(ctx, n)}" for n in leaves if not _is_constant(n)]
    consts = [ctx.term_name(n) for n in leaves if _is_constant(n)]
    parts = ([f"the inputs hold their values: {', '.join(shown)}"] if shown else []) + (
        [f"constants: {', '.join(consts)}"] if consts else [])
    add(Step("start", None, (
        f"Start: {'; '.join(parts)}.",
        "Next computes the forward pass, one node at a time, each after its inputs.")), {}, [])

    for n in order:
        if n.is_leaf:
            continue
        sym = _forward_expr(n, [ctx.term_name(p) for p in n.parents], ctx, False)
        if _tensor(n):
            lines = (f"{name[n]} = {sym}", f"= {_value_text(ctx, n)}")
        else:
            numeric = _forward_expr(n, [ctx.num(p.data) for p in n.parents], ctx, True)
            eq = "" if numeric == sym else f" = {numeric}"
            lines = (f"{name[n]} = {sym}{eq} = {ctx.num(n.data)}",)
        add(Step("forward", n, lines), {ctx.id(n): ["gb-known", info["data"].get(ctx.id(n)),
                                                   None]}, _edges_into(ctx, n))

    # the backward pass, replayed with the engine's rules in the engine's order
    uses = {n: 0 for n in order}
    for n in ctx.backward:
        for p in n.parents:
            if p.requires_grad:
                uses[p] += 1
    seed = np.ones_like(root.data) if _tensor(root) else 1.0  # what backward() seeds
    total: dict = {root: seed}
    done = {n: 0 for n in order}
    changes = {}
    for n in order:
        if n is root:
            changes[ctx.id(n)] = ["gb-final", None, _grad_text(ctx, seed)]
        elif n.requires_grad:
            changes[ctx.id(n)] = ["gb-wait", None, "grad ?"]
        else:
            changes[ctx.id(n)] = ["gb-nograd", None, info["grad"].get(ctx.id(n), "grad")]
    add(Step("seed", root, (
        f"Backward pass: ∂{L}/∂{L} = 1, the seed ({L} changes one-for-one with itself).",
        "Next sends each node's gradient to its inputs, in the order the engine visits them: "
        "a node once all of its uses have sent theirs.")), changes, [])

    for n in ctx.backward:
        g = total[n]
        contributions = []
        lines = [f"∂{L}/∂{name[n]} = {_grad_value_text(ctx, g)} is final: {name[n]} = "
                 f"{_forward_expr(n, [ctx.term_name(p) for p in n.parents], ctx, False)} "
                 "passes it to its inputs."]
        changes = {}
        for i, (p, t) in enumerate(zip(n.parents, input_grads(n, g))):
            if not p.requires_grad:
                lines.append(f"  {ctx.term_name(p)} is a constant: it needs no gradient.")
                continue
            if t is None:  # a Function's backward may return None for an input
                done[p] += 1
                lines.append(f"  {n.op}.backward returned no gradient for {name[p]}.")
                continue
            prev = total.get(p)
            if _tensor(p):
                new = t.copy() if prev is None else prev + t
            else:
                new = (0.0 if prev is None else prev) + t
            total[p] = new
            done[p] += 1
            c = Contribution(n, i, p, g, None if _tensor(n) else ctx.local(n, i), t, new,
                             done[p], uses[p])
            contributions.append(c)
            lines += _contribution_lines(ctx, c, prev)
            changes[ctx.id(p)] = ["gb-final" if c.final else "gb-partial", None,
                                  _grad_text(ctx, new)]
        add(Step("backward", n, tuple(lines), tuple(contributions)), changes,
            _edges_into(ctx, n, grad_only=True))

    finals = [n for n in leaves if n.requires_grad]
    add(Step("end", None, (
        "Done: every gradient is final. " + (", ".join(
            f"∂{L}/∂{name[n]} = {_grad_value_text(ctx, total.get(n, 0.0))}" for n in finals)
            + " (what each leaf's .grad holds after backward())." if finals else
            "No input requires a gradient."),
        "Hover over a node for its values." if _tensor(root) else
        "Click an input or a parameter to see the paths its gradient flowed along.")), {}, [])
    page = {"init": init, "steps": page_steps, "root": ctx.id(root),
            "leaves": [ctx.id(n) for n in finals], "names": {ctx.id(n): name[n] for n in order}}
    return steps, page


def _contribution_lines(ctx: _Context, c: Contribution, prev: Any) -> list[str]:
    L, N = ctx.name[ctx.root], ctx.name[c.node]
    P = ctx.name[c.input]
    if _tensor(c.node):
        lines = [f"  chain: ∂{L}/∂{P} += {_vjp_text(ctx, c.node, c.index)} = "
                 f"{_grad_value_text(ctx, c.term)}"]
    else:
        doc = _deriv_text(ctx, c.node, c.index)
        local = ctx.num(c.local)
        which = ""
        if sum(q is c.input for q in c.node.parents) > 1:
            which = f"  ({P} as argument {c.index + 1} of {c.node.op})"
        lines = [f"  local: ∂{N}/∂{P} = {doc}" + ("" if doc == local else f" = {local}") + which,
                 f"  chain: ∂{L}/∂{P} += ∂{L}/∂{N} · ∂{N}/∂{P} = {_paren(ctx.num(c.upstream))} · "
                 f"{_paren(local)} = {ctx.num(c.term)}"]
    if c.uses > 1 and _tensor(c.node):
        state = "final" if c.final else "so far"
        lines.append(f"  sum:   ∂{L}/∂{P} = {_grad_value_text(ctx, c.total)}, {state} "
                     f"(use {c.use} of {c.uses} of {P})")
    elif c.uses > 1:
        if c.use == 1:
            lines.append(f"  sum:   ∂{L}/∂{P} = {_grad_value_text(ctx, c.total)} so far "
                         f"(use 1 of {c.uses} of {P})")
        else:
            before = _grad_value_text(ctx, prev)
            state = "final" if c.final else "so far"
            lines.append(f"  sum:   ∂{L}/∂{P} = {before} + {_paren(_grad_value_text(ctx, c.term))}"
                         f" = {_grad_value_text(ctx, c.total)}, {state} (use {c.use} of "
                         f"{c.uses} of {P})")
    return lines


def _edges_into(ctx: _Context, n: Any, grad_only: bool = False) -> list[list[str]]:
    """The drawn edges of node n's op: each input to the op's ellipse, the ellipse to n."""
    i = ctx.id(n)
    edges = [[ctx.id(p), f"{i}_op"] for p in n.parents if p.requires_grad or not grad_only]
    return edges + [[f"{i}_op", i]]


# -- formulas -------------------------------------------------------------------------------


def _forward_expr(n: Any, args: list[str], ctx: _Context, numeric: bool) -> str:
    """``n``'s op applied to ``args`` (names, or numbers when ``numeric``) as text."""
    op, params = n.op, tuple(n.params)
    sep = " " if numeric else ""
    if numeric:  # -3 reads as an operand in 2 · (-3), and in tanh(-3) as it is
        infix = (op in _INFIX and len(args) == 2) or op in ("add_n", "pow_const", "affine")
        args = [a if k == 0 and op != "pow_const" or not infix else _paren(a)
                for k, a in enumerate(args)]
    if op in _INFIX and len(args) == 2:
        sym = "*" if op == "mul" and _tensor(n) else _INFIX[op]
        return f"{args[0]}{sep}{sym}{sep}{args[1]}" if sym == "·" else \
            f"{args[0]} {sym} {args[1]}"
    if op == "add_n":
        return " + ".join(args)
    if op == "affine":  # inputs b, w1..wn, x1..xn
        n = (len(args) - 1) // 2
        products = [f"{args[1 + k]}{sep}·{sep}{args[1 + n + k]}" for k in range(n)]
        return " + ".join(products + [args[0]])
    if op == "neg":
        return f"-{args[0]}"
    if op == "pow_const":
        return f"{args[0]}^{_short(params[0])}"
    if op == "rpow_const":
        return f"{_short(params[0])}^{args[0]}"
    return f"{op}({', '.join(args + _param_texts(op, params))})"


def _placeholders(ctx: _Context, n: Any) -> dict[str, str]:
    """The names the registry's ``deriv_docs`` use: inputs {x} or {a}, {b}; output {y};
    parameters by their declared names."""
    parents = n.parents
    names = [ctx.term_name(p) for p in parents]
    out = {"y": ctx.term_name(n)}
    if len(parents) == 1:
        out["x"] = names[0]
    elif len(parents) == 2:
        out["a"], out["b"] = names
    for k, v in zip(getattr(OPS.get(n.op), "params", ()) or (), n.params):
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            out[k] = _paren(_short(float(v)))
    return out


def _doc_for(n: Any, i: int) -> str | None:
    docs = getattr(OPS.get(n.op), "deriv_docs", ()) or ()
    if not docs:
        return None
    return docs[0] if len(docs) == 1 else docs[i]


def _fill(template: str, mapping: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: mapping.get(m.group(1), m.group(0)), template)


def _deriv_text(ctx: _Context, n: Any, i: int) -> str:
    """The local derivative ∂n/∂(input i) as the registry writes it, with this graph's names."""
    doc = _doc_for(n, i)
    if doc is None:
        return f"from {n.op}.backward"
    return _fill(doc, _placeholders(ctx, n))


def _vjp_text(ctx: _Context, n: Any, i: int) -> str:
    """A Tensor op's vector-Jacobian product for input i, with g written ∂L/∂n."""
    g = f"∂{ctx.name[ctx.root]}/∂{ctx.name[n]}"
    doc = _doc_for(n, i)
    if doc is None:
        return f"{n.op}.backward({g})"
    text = _fill(doc, _placeholders(ctx, n))
    if getattr(OPS.get(n.op), "elementwise", False):
        factor = text if re.fullmatch(r"[\w.\[\]()]+", text) else f"({text})"
        text = {"1": g, "-1": f"-{g}", "0": "0"}.get(text, f"{g} ⊙ {factor}")
        p = n.parents[i]
        if np.shape(p.data) != np.shape(n.data):
            text += " summed over the broadcast axes"
        return text
    return re.sub(r"\bg\b", g, text)


# -- numbers --------------------------------------------------------------------------------


def _num(x: Any, precision: int) -> str:
    """A number as the graph prints it (``precision`` decimals), without trailing zeros."""
    s = _fmt(x, precision)
    mant, e, exp = s.partition("e")
    if "." in mant:
        mant = mant.rstrip("0").rstrip(".")
    if mant in ("-0", ""):
        mant = "0"
    return mant + e + exp


def _paren(s: str) -> str:
    return f"({s})" if s.startswith("-") else s


def _few(a: Any, precision: int) -> str:
    a = np.asarray(a)
    if a.ndim == 0:
        return _num(a.item(), precision)
    flat = a.ravel()
    vals = ", ".join(_num(v, precision) for v in flat[:4].tolist())
    more = ", …" if flat.size > 4 else ""
    return f"shape {tuple(a.shape)}: [{vals}{more}]"


def _value_text(ctx: _Context, n: Any) -> str:
    return _few(n.data, ctx.precision) if _tensor(n) else ctx.num(n.data)


def _grad_value_text(ctx: _Context, g: Any) -> str:
    if isinstance(g, np.ndarray):
        return _few(g, ctx.precision)
    return ctx.num(g)


def _grad_text(ctx: _Context, g: Any) -> str:
    """The grad cell of a node's box, as draw_graph writes it."""
    if isinstance(g, np.ndarray):
        return "grad " + _summary(g, _Style(True, None, ctx.precision, set()))
    return "grad " + _fmt(g, ctx.precision)


# -- paths ----------------------------------------------------------------------------------


def _paths(ctx: _Context, leaf: Any, limit: int) -> tuple[list[GradPath], int]:
    """Up to ``limit`` paths root -> leaf (arguments in order), and how many there are."""
    count: dict = {}
    for n in ctx.order:  # inputs first
        if n is leaf:
            count[n] = 1
        else:
            count[n] = sum(count[p] for p in n.parents if p.requires_grad)
    total = count[ctx.root]
    paths: list[GradPath] = []
    stack: list[tuple[Any, tuple, tuple]] = [(ctx.root, (ctx.root,), ())]
    while stack and len(paths) < limit:
        node, nodes, idx = stack.pop()
        if node is leaf:
            factors = tuple(ctx.local(nodes[k], idx[k]) for k in range(len(idx)))
            product = 1.0
            for f in factors:
                product *= f
            paths.append(GradPath(nodes, idx, factors, product))
            continue
        for i in reversed(range(len(node.parents))):
            p = node.parents[i]
            if p.requires_grad and count[p]:
                stack.append((p, nodes + (p,), idx + (i,)))
    return paths, total


def _explanation_lines(e: GradExplanation, count: int, precision: int) -> list[str]:
    """Header, one line per listed path, and the sum (``count`` paths in all)."""
    r, x = e.names.get(e.root, "L"), e.names.get(e.leaf, "x")
    out = [f"∂{r}/∂{x} = the sum over the {count} path{'s' if count != 1 else ''} from {r} "
           f"to {x} of the product of the local derivatives along each path:"]
    out += [_path_line(p, e.names, precision) for p in e.paths]
    if count > len(e.paths):
        out.append(f"  … and {count - len(e.paths)} more paths, not listed")
        out.append(f"sum of all {count} = ∂{r}/∂{x} = {_num(e.grad, precision)} "
                   "(the engine's gradient)")
    else:
        out.append(f"sum = {_num(e.total, precision)} = ∂{r}/∂{x} "
                   f"(the engine's gradient: {_num(e.grad, precision)})")
    return out


def _path_line(p: GradPath, names: dict, precision: int) -> str:
    route = names.get(p.nodes[0], "?")
    for node, child, i in zip(p.nodes, p.nodes[1:], p.indices):
        route += f" → {names.get(child, '?')}"
        if sum(q is child for q in node.parents) > 1:  # a + a: say which use
            route += f" (argument {i + 1} of {names.get(node, '?')})"
    if not p.factors:
        return f"  {route}: 1 (the root itself)"
    if len(p.factors) == 1:
        return f"  {route}: {_num(p.product, precision)}"
    factors = " · ".join(_paren(_num(f, precision)) for f in p.factors)
    return f"  {route}: {factors} = {_num(p.product, precision)}"


def _page_paths(ctx: _Context, grads: dict) -> dict:
    """Per leaf: the lines of its path explanation and each listed path's drawn edges."""
    out = {}
    for leaf in ctx.order:
        if not (leaf.is_leaf and leaf.requires_grad):
            continue
        paths, count = _paths(ctx, leaf, PAGE_PATHS)
        total = 0.0
        for p in paths:
            total += p.product
        expl = GradExplanation(ctx.root, leaf, tuple(paths), total,
                               float(grads.get(leaf, 0.0)), ctx.name)
        lines = _explanation_lines(expl, count, ctx.precision)
        edges = []
        for p in paths:
            e = []
            for a, b in zip(p.nodes, p.nodes[1:]):
                e += [[ctx.id(a) + "_op", ctx.id(a)], [ctx.id(b), ctx.id(a) + "_op"]]
            edges.append(e)
        out[ctx.id(leaf)] = {"lines": lines, "edges": edges}
    return out


# -- hover texts ----------------------------------------------------------------------------


def _hover(ctx: _Context, grads: dict) -> dict[str, str]:
    """Per drawn node (boxes and op ellipses): op, data, grad and shape, as text lines."""
    L = ctx.name[ctx.root]
    out = {}
    for n in ctx.order:
        i, nm = ctx.id(n), ctx.name[n]
        if n.is_leaf:
            kind = "constant" if _is_constant(n) else "leaf (an input or a parameter)"
        else:
            kind = f"computed by op {n.op}"
        lines = [f"{nm}: {kind}"]
        if _tensor(n):
            lines.append(f"dtype {n.data.dtype}, {_few(n.data, ctx.precision)}")
        else:
            lines.append(f"shape () (a scalar), data {ctx.num(n.data)}")
        g = grads.get(n)
        if g is None:
            lines.append("grad: none (needs no gradient)")
        else:
            lines.append(f"grad ∂{L}/∂{nm} = {_grad_value_text(ctx, g)}")
        out[i] = "\n".join(lines)
        if not n.is_leaf:
            expr = _forward_expr(n, [ctx.term_name(p) for p in n.parents], ctx, False)
            op_lines = [f"op {n.op}: {nm} = {expr}"]
            for k, p in enumerate(n.parents):
                if _tensor(n):
                    op_lines.append(f"∂{L}/∂{ctx.name[p]} += {_vjp_text(ctx, n, k)}")
                else:
                    op_lines.append(f"∂{nm}/∂{ctx.name[p]} = {_deriv_text(ctx, n, k)}")
            out[f"{i}_op"] = "\n".join(op_lines)
    return out


# -- the SVG and the page -------------------------------------------------------------------


def _svg(ctx: _Context, grads: dict, rankdir: str, hover: dict) -> tuple[str, dict]:
    """draw_graph's drawing with the engine's gradients, rendered to SVG once, with ids and
    classes the page's script addresses: ``data-node`` on node groups, ``data-src`` /
    ``data-dst`` on edges, ``gb-data`` / ``gb-grad`` on the texts that change."""
    saved = [(n, n.grad) for n in ctx.order]
    try:  # draw the gradients of this pass, whatever .grad held before (restored below)
        for n, g in grads.items():
            n.grad = g
        graph = draw_graph(ctx.root, rankdir=rankdir, names=ctx.names,
                           precision=ctx.precision, max_nodes=None)
        text = graph.pipe(format="svg", encoding="utf-8")
    finally:
        for n, g in saved:
            n.grad = g
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")
    svg = ET.fromstring(text.encode("utf-8"))
    info: dict = {"data": {}, "grad": {}, "height": _points(svg.get("height", "400pt"))}
    q = f"{{{SVG_NS}}}"
    for g in svg.iter(f"{q}g"):
        kind = g.get("class")
        t = g.find(f"{q}title")
        if t is None:
            continue
        if kind == "graph":
            g.remove(t)
        elif kind == "node":
            node_id = t.text or ""
            g.set("data-node", node_id)
            g.set("id", f"gb-{node_id}")
            t.text = hover.get(node_id, node_id)
            for el in g.iter(f"{q}text"):
                s = "".join(el.itertext())
                for field_name in ("data", "grad"):
                    if s.startswith(field_name + " ") and el.get("font-weight") != "bold":
                        el.set("class", f"gb-{field_name}")
                        info[field_name][node_id] = s
        elif kind == "edge":
            src, _, dst = (t.text or "").partition("->")
            g.set("data-src", src)
            g.set("data-dst", dst)
            t.text = f"{_edge_name(ctx, src)} → {_edge_name(ctx, dst)}"
    return ET.tostring(svg, encoding="unicode"), info


def _edge_name(ctx: _Context, node_id: str) -> str:
    base = node_id.removesuffix("_op")
    k = int(base[1:]) if base[1:].isdigit() else -1
    if not 0 <= k < len(ctx.order):
        return node_id
    n = ctx.order[k]
    return f"op {n.op} of {ctx.name[n]}" if node_id.endswith("_op") else ctx.name[n]


def _points(length: str) -> float:
    """An SVG length in pt as CSS pixels."""
    m = re.match(r"([\d.]+)", length)
    return float(m.group(1)) * 4 / 3 if m else 400.0


def _asset(name: str) -> str:
    return resources.files("viz").joinpath(name).read_text(encoding="utf-8")


def _page_html(title: str, svg: str, page: dict, steps: list[Step]) -> str:
    """The self-contained page: styles, SVG, data and script inline; no network access."""
    esc = html.escape
    data = json.dumps(page, ensure_ascii=False, allow_nan=False, default=str)
    data = data.replace("</", "<\\/")  # a name containing "</script>" cannot end the block
    listing = "\n".join(
        f'<li class="gb-phase-{s.phase}">' + "<br>".join(esc(line) for line in s.lines)
        + "</li>" for s in steps)
    last = len(steps) - 1
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>
{_asset("explore_page.css")}
</style>
</head>
<body>
<main id="gb-explore" class="gb-explore" data-step="">
<h1>{esc(title)}</h1>
<noscript><p class="gb-note">Scripts are off: the graph shows the state after the backward
pass (every value and gradient final), and every step is listed as text below.</p></noscript>
<div class="gb-controls" hidden>
<button type="button" id="gb-prev" aria-label="previous step">&#9664; Previous</button>
<button type="button" id="gb-play" aria-label="play">&#9654; Play</button>
<button type="button" id="gb-next" aria-label="next step">Next &#9654;</button>
<input type="range" id="gb-slider" min="0" max="{last}" value="0" aria-label="step">
<span id="gb-counter"></span>
</div>
<div id="gb-step" class="gb-step" aria-live="polite" hidden></div>
<p class="gb-legend" hidden><span class="gb-key gb-key-wait">not reached yet</span>
<span class="gb-key gb-key-partial">gradient so far</span>
<span class="gb-key gb-key-final">final</span>
<span class="gb-key gb-key-current">this step</span>
&#8592; / &#8594; keys step; hover a node for its values; click an input for its paths.</p>
<div class="gb-graph">
{svg}
</div>
<div class="gb-panels" hidden>
<section><h2>Node</h2><pre id="gb-info">Hover over a node.</pre></section>
<section><h2>Paths</h2><div id="gb-paths">Click an input or a parameter (a box on the left
of the graph) to see every path from the output down to it.</div></section>
</div>
<details class="gb-all" open><summary>All {len(steps)} steps as text</summary>
<ol start="0">
{listing}
</ol>
</details>
</main>
<script type="application/json" id="gb-data">{data}</script>
<script>
{_asset("explore_page.js")}
</script>
</body>
</html>
"""
