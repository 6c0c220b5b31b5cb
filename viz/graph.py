"""Drawing computation graphs with their data and gradients (Graphviz).

``draw_graph(root)`` walks the graph that produced ``root`` through the engine's public
introspection (``op``, ``parents``, ``params``, ``data``, ``grad``, ``label``) and returns a
:class:`~viz.dot.GradbookDigraph`: it displays inline in Jupyter (SVG), ``.pipe("svg")`` gives
the bytes, :func:`render_graph` writes a file and :func:`to_svg` returns the SVG text.

Each graph node is a box ``label | data | grad`` (a Tensor shows its shape, dtype and a summary
of data and gradient instead of the numbers); the op that produced it is a small ellipse
in front of it, with one edge per use of each input (``a + a`` has two edges from ``a``).
Node ids are topological positions, so the same graph always gives byte-identical DOT source.
Labels are HTML-escaped, so ``<``, ``>``, ``"``, ``{``, ``|`` and newlines are drawn as typed.

Large graphs are collapsed to at most ``max_nodes`` boxes with a caption saying what was
collapsed (see :mod:`viz.collapse`).
"""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np

import autograd
from autograd import atomic_write_bytes, topological_order

from .collapse import Box, GraphInfo, plan, unwrap
from .dot import GradbookDigraph, estimate_layout
from .fonts import GRAPH_FONT

__all__ = ["GRAD_SCALE", "draw_graph", "grad_color", "render_graph", "to_svg"]

FONT = GRAPH_FONT
#: Longer node names are cut to this many characters, ending in "…" (dot is slow on, and
#: can fail with, labels of many kilobytes; nobody reads them in a picture).
MAX_LABEL_CHARS = 200
#: The ``max_nodes`` that :func:`render_graph` and :func:`to_svg` start from when the caller
#: gives none, and the smallest they go down to when dot could not lay the graph out quickly.
AUTO_MAX_NODES = (500, 16)
HIGHLIGHT = "#d62728"

#: Symbols for ops drawn as an operator rather than a name.
OP_SYMBOLS = {
    "add": "+", "add_n": "\u03a3", "sub": "-", "mul": "*", "div": "/", "pow": "**",
    "matmul": "@", "neg": "-x", "affine": "\u03a3wx+b",
}

#: ``color_by="grad"``: (upper bound of log10|grad|, fill colour, legend text), in order.
GRAD_SCALE: tuple[tuple[float, str, str], ...] = (
    (-6.0, "#4a3aa8", "|grad| < 1e-6  (vanished)"),
    (-4.0, "#4575b4", "1e-6 \u2264 |grad| < 1e-4"),
    (-2.0, "#91bfdb", "1e-4 \u2264 |grad| < 1e-2"),
    (0.0, "#e0f3f8", "1e-2 \u2264 |grad| < 1"),
    (2.0, "#fee090", "1 \u2264 |grad| < 1e2"),
    (4.0, "#fc8d59", "1e2 \u2264 |grad| < 1e4"),
    (math.inf, "#d73027", "|grad| \u2265 1e4  (exploding)"),
)
ZERO_COLOR = "#d9d9d9"  # exactly zero: no gradient flows here
NONFINITE_COLOR = "#222222"  # nan or inf
DARK_FILLS = {"#4a3aa8", "#4575b4", "#d73027", NONFINITE_COLOR}


# -- public functions ----------------------------------------------------------------------------


def draw_graph(
    root: Any,
    rankdir: str = "LR",
    show_grad: bool = True,
    names: Any = None,
    hide_constants: bool = False,
    color_by: str | None = None,
    highlight: Any = None,
    precision: int = 4,
    max_nodes: int | None = 500,
    group_by: Any = None,
    lang: str = "en",
) -> GradbookDigraph:
    """Draw the computation graph that produced ``root`` (a Value or Tensor, or a list of them).

    Args:
        rankdir: ``"LR"`` (inputs on the left, output on the right) or ``"TB"`` (top to bottom).
        show_grad: False draws the forward pass only (no gradients).
        names: labels for nodes: a model (anything with ``named_parameters()``), the pairs
            ``model.named_parameters()`` yields, or a mapping name -> node such as
            ``locals()``. A name overrides the node's own ``label``; unnamed, unlabelled nodes
            get ``v<i>`` (their topological position). Parameter names also drive
            ``group_by="module"``.
        hide_constants: do not draw the leaves made from plain numbers (the ``2`` of ``2*x``);
            the op shows the number instead (``2 * ·``).
        color_by: ``"grad"`` fills each node by log10|grad| (a Tensor: its gradient's norm),
            blue for vanishing, red for exploding, with a legend.
        highlight: a node, or an iterable of nodes (or of names), drawn with a red border;
            edges between consecutive highlighted nodes (a path) are red too.
        precision: digits after the decimal point.
        max_nodes: never draw more boxes than this (plus a caption and legend): a larger graph
            is collapsed into summary boxes, as the caption explains. None: no limit.
        group_by: ``"module"`` / ``"layer"`` (needs parameter names), ``"depth"``, a function
            mapping a parameter name to a group name, or None (collapse only when needed).
        lang: the language of the ``color_by="grad"`` legend, ``"en"`` or ``"zh"`` (node
            labels are yours and may be in any language).

    Returns:
        A :class:`~viz.dot.GradbookDigraph`; its ``.collapse`` attribute describes what was
        drawn (:class:`viz.collapse.Collapse`).
    """
    roots = list(root) if isinstance(root, (list, tuple)) else [root]
    if not roots:
        raise ValueError("draw_graph needs at least one node to draw")
    for r in roots:
        if not _is_node(r):
            raise TypeError(
                f"draw_graph expects a Value or Tensor (or a list of them), got {type(r).__name__}"
            )
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"rankdir must be 'LR' or 'TB' (or 'RL', 'BT'), got {rankdir!r}")
    lang = autograd.check_language(lang)
    if color_by not in (None, "grad"):
        raise ValueError(f"color_by must be None or 'grad', got {color_by!r}")
    precision = int(precision)
    if not 0 <= precision <= 17:
        raise ValueError(f"precision must be between 0 and 17, got {precision}")

    order = topological_order(roots)
    index = {node: i for i, node in enumerate(order)}
    parents = [tuple(index[p] for p in node.parents) for node in order]
    ops = [node.op for node in order]
    const = [_is_constant(node) for node in order]
    visible = [not (hide_constants and c) for c in const]
    name_of, param_names = _resolve_names(names, index)
    root_idx = list(dict.fromkeys(index[r] for r in roots))
    hl = _resolve_highlight(highlight, index, name_of, order)
    for r in root_idx:
        visible[r] = True

    def display(i: int) -> str:
        return _display_name(order[i], i, name_of, const[i])

    info = GraphInfo(
        nodes=order, parents=parents, ops=ops, const=const, visible=visible,
        roots=root_idx, pinned=list(dict.fromkeys(root_idx + sorted(hl))),
        names=name_of, params=param_names, display=display,
        module_types=_module_types(names),
    )
    collapse = plan(info, group_by, max_nodes)

    style = _Style(show_grad, color_by, precision, hl)
    g = GradbookDigraph(
        name="gradbook",
        graph_attr={"rankdir": rankdir, "nodesep": "0.2", "ranksep": "0.35", "fontname": FONT},
        node_attr={"fontname": FONT, "fontsize": "11"},
        edge_attr={"arrowsize": "0.6", "color": "#555555"},
    )
    g.collapse = collapse
    unit = [-1] * len(order)
    for b, box in enumerate(collapse.boxes):
        for i in box.members:
            unit[i] = b

    for i in collapse.individual:
        node = order[i]
        g.node(f"v{i}", _node_label(node, display(i), style, i in hl), shape="none", margin="0")
        if parents[i]:
            shown = [None if visible[p] else order[p] for p in parents[i]]
            attrs = {"color": HIGHLIGHT, "penwidth": "2"} if i in hl else {}
            g.node(f"v{i}_op", _html(_op_text(node, shown)), shape="ellipse", height="0.3",
                   margin="0.04,0.02", **attrs)
            g.edge(f"v{i}_op", f"v{i}", **_edge_style(i in hl))
    for b, box in enumerate(collapse.boxes):
        g.node(f"box{b}", _box_label(box, style), shape="none", margin="0")

    drawn = set(collapse.individual)
    bundled: dict[tuple[str, str], int] = {}
    for i in range(len(order)):
        if not visible[i] or not parents[i] or (i not in drawn and unit[i] == -1):
            continue
        for p in parents[i]:
            if not visible[p]:
                continue
            if unit[p] == -1 and unit[i] == -1:  # both individual: one edge per use
                g.edge(f"v{p}", f"v{i}_op", **_edge_style(p in hl and i in hl))
            elif unit[p] != unit[i]:
                src = f"v{p}" if unit[p] == -1 else f"box{unit[p]}"
                dst = f"v{i}_op" if unit[i] == -1 else f"box{unit[i]}"
                bundled[(src, dst)] = bundled.get((src, dst), 0) + 1
    for (src, dst), count in bundled.items():
        width = f"{1 + math.log10(count):.2f}"
        tip = f"{count} edge{'s' if count > 1 else ''}"
        g.edge(src, dst, penwidth=width, tooltip=tip)

    lines = collapse.caption_lines()
    if lines:
        text = '<BR ALIGN="LEFT"/>'.join(_esc(line) for line in lines) + '<BR ALIGN="LEFT"/>'
        g.node("caption", f"<{text}>", shape="note", fontsize="10", style="filled",
               fillcolor="#fffbe6")
    if color_by == "grad":
        g.node("legend", _legend(lang), shape="none", margin="0")
    return g


def render_graph(
    root: Any, path: str | os.PathLike, format: str | None = None, **options: Any
) -> Path:
    """Draw ``root``'s graph and write it to ``path`` (``format``: ``"svg"``, ``"png"``,
    ``"pdf"``, ...; by default taken from the path's extension, else SVG). ``options`` are
    those of :func:`draw_graph`. Returns the path written."""
    path = Path(path)
    if format is None:
        format = path.suffix.lstrip(".").lower() or "svg"
    data = _draw_to_fit(root, options).pipe(format=format)
    if path.parent and not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
    return path


def to_svg(root: Any, **options: Any) -> str:
    """The SVG text of ``root``'s graph (``options`` as for :func:`draw_graph`)."""
    return _draw_to_fit(root, options).pipe(format="svg", encoding="utf-8")


def _draw_to_fit(root: Any, options: dict[str, Any]) -> GradbookDigraph:
    """``draw_graph(root, **options)``; without an explicit ``max_nodes``, collapsed further
    (``max_nodes`` halved from 500 down to 16) while Graphviz could not lay it out quickly
    (:meth:`viz.dot.LayoutEstimate.too_large`: many long edges from a value used everywhere
    cost dot minutes even below 500 boxes). With ``max_nodes`` given, the graph is drawn as
    asked, and ``pipe`` refuses it when too large."""
    if "max_nodes" in options:
        return draw_graph(root, **options)
    max_nodes, smallest = AUTO_MAX_NODES
    while True:
        g = draw_graph(root, max_nodes=max_nodes, **options)
        if max_nodes <= smallest or not estimate_layout(g.source).too_large():
            return g
        max_nodes = max(max_nodes // 2, smallest)


def grad_color(g: float) -> str:
    """The ``color_by="grad"`` fill for a gradient of magnitude ``g``."""
    if not math.isfinite(g):
        return NONFINITE_COLOR
    g = abs(g)
    if g == 0.0:
        return ZERO_COLOR
    lg = math.log10(g)
    for bound, color, _ in GRAD_SCALE:
        if lg < bound:
            return color
    return GRAD_SCALE[-1][1]


# -- names ----------------------------------------------------------------------------------------


def _is_node(obj: Any) -> bool:
    if isinstance(obj, type):
        return False
    node_cls = getattr(autograd, "Node", None)
    if node_cls is not None and isinstance(obj, node_cls):
        return True
    return all(hasattr(obj, a) for a in ("parents", "data", "grad", "op"))


def _is_constant(node: Any) -> bool:
    """A leaf made from a plain number inside an expression (the 2 of ``2*x``)."""
    return bool(getattr(node, "is_constant", False))


def _resolve_names(names: Any, index: dict) -> tuple[dict[int, str], dict[int, str]]:
    """(index -> display name, index -> parameter name) for the nodes of this graph."""
    if names is None:
        return {}, {}
    from_model = hasattr(names, "named_parameters")
    if from_model:
        pairs: Iterable = names.named_parameters()
    elif isinstance(names, Mapping):
        pairs = names.items()
    else:
        pairs = names
    out: dict[int, str] = {}
    for pair in pairs:
        try:
            a, b = pair
        except (TypeError, ValueError):
            raise TypeError(
                "names must be a model, model.named_parameters(), or a mapping name -> node; "
                f"got an item {pair!r}"
            ) from None
        if _is_node(a) and isinstance(b, str):  # a mapping node -> name
            a, b = b, a
        if not _is_node(b):
            continue  # locals() holds much else
        i = index.get(b)
        if i is not None and i not in out:
            out[i] = str(a)
    return out, dict(out)


def _module_types(model: Any) -> dict[str, str]:
    """Module name -> class name, when ``names`` is a model with ``named_modules()``."""
    try:
        return {str(k): type(m).__name__ for k, m in model.named_modules() if k}
    except (AttributeError, TypeError):
        return {}


def _resolve_highlight(highlight: Any, index: dict, name_of: dict, order: list) -> set[int]:
    if highlight is None:
        return set()
    items = [highlight] if _is_node(highlight) or isinstance(highlight, str) else highlight
    by_name = {n: i for i, n in name_of.items()}
    out = set()
    for h in items:
        if isinstance(h, str):
            i = by_name.get(h)
            if i is None:
                i = next((k for k, node in enumerate(order) if node.label == h), None)
            if i is None:
                raise ValueError(f"highlight: no node named or labelled {h!r} in this graph")
        else:
            i = index.get(h)
            if i is None:
                raise ValueError(f"highlight: {h!r} is not part of this graph")
        out.add(i)
    return out


def _display_name(node: Any, i: int, name_of: dict, is_const: bool) -> str:
    name = name_of.get(i)
    if name is None:
        name = str(node.label) if node.label else ("const" if is_const else f"v{i}")
    if len(name) > MAX_LABEL_CHARS:
        name = name[: MAX_LABEL_CHARS - 1] + "\u2026"
    return name


# -- labels ---------------------------------------------------------------------------------------


class _Style:
    def __init__(self, show_grad: bool, color_by: str | None, precision: int, hl: set) -> None:
        self.show_grad = show_grad
        self.color_by = color_by
        self.precision = precision
        self.hl = hl

    def num(self, x: Any) -> str:
        return _fmt(x, self.precision)


def _esc(text: Any) -> str:
    """Text for a Graphviz HTML-like label: XML-escaped, newlines as line breaks, control
    characters shown as escapes (they are not allowed in the SVG's XML)."""
    s = str(text)
    s = s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    s = s.replace('"', "&quot;").replace("'", "&#39;")
    s = s.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    s = "".join(c if c == "\n" or ord(c) >= 32 else f"\\x{ord(c):02x}" for c in s)
    return s.replace("\n", "<BR/>")


def _html(text: str) -> str:
    return f"<{_esc(text)}>"


def _fmt(x: Any, p: int) -> str:
    x = unwrap(x)  # a gradient that is a graph node (create_graph=True)
    if isinstance(x, np.ndarray) and x.size == 1:
        x = x.reshape(()).item()
    try:
        x = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0.0:
        x = 0.0  # -0.0 (a zeroed gradient times a negative number) is shown as 0
    if x == 0.0 or 1e-3 <= abs(x) < 1e6:
        text = f"{x:.{p}f}"
        return text[1:] if text.startswith("-") and float(text) == 0 else text
    return f"{x:.{max(p - 1, 1)}e}"


def _grad_value(node: Any) -> Any:
    g = node.grad
    return unwrap(g) if g is not None else None


def _fill(node: Any, style: _Style) -> str | None:
    if style.color_by != "grad" or not getattr(node, "requires_grad", True):
        return None
    g = _grad_value(node)
    if g is None:
        return None
    if isinstance(g, np.ndarray):
        with np.errstate(all="ignore"):
            g = float(np.linalg.norm(g.astype(float).ravel())) if g.size else 0.0
    return grad_color(float(g))


def _table(
    rows: list[list[str]], fill: str | None, highlighted: bool, rounded: bool = False
) -> str:
    attrs = 'BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"'
    if highlighted:
        attrs = f'BORDER="2" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3" COLOR="{HIGHLIGHT}"'
    if rounded:
        attrs = 'BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3" STYLE="rounded"'
        if highlighted:
            attrs += f' COLOR="{HIGHLIGHT}"'
    if fill:
        attrs += f' BGCOLOR="{fill}"'
    font = '<FONT COLOR="white">{}</FONT>' if fill in DARK_FILLS else "{}"
    body = "".join(
        "<TR>" + "".join(f"<TD>{font.format(cell)}</TD>" for cell in row) + "</TR>"
        for row in rows
    )
    return f"<<TABLE {attrs}>{body}</TABLE>>"


def _node_label(node: Any, name: str, style: _Style, highlighted: bool) -> str:
    fill = _fill(node, style)
    title = f"<B>{_esc(name)}</B>"
    if hasattr(node, "shape") or isinstance(node.data, np.ndarray):
        data = np.asarray(node.data)
        dtype = getattr(node, "dtype", data.dtype)
        shape = "scalar" if data.shape == () else str(tuple(data.shape))
        rows = [[f"{title} {_esc(shape)} {_esc(dtype)}"],
                [_esc("data " + _summary(data, style))]]
        if style.show_grad:
            g = _grad_value(node)
            text = "None" if g is None else _summary(np.asarray(g), style)
            rows.append([_esc("grad " + text)])
        return _table(rows, fill, highlighted)
    cells = [title, _esc(f"data {style.num(node.data)}")]
    if style.show_grad:
        cells.append(_esc(f"grad {style.num(_grad_value(node))}"))
    return _table([cells], fill, highlighted)


def _summary(a: np.ndarray, style: _Style) -> str:
    """A short description of an array: its values when tiny, else norm, min and max."""
    if a.size == 0:
        return "(empty)"
    if a.size == 1:
        return style.num(a.reshape(()).item())
    if a.size <= 4:
        return "[" + ", ".join(style.num(x) for x in a.ravel().tolist()) + "]"
    with np.errstate(all="ignore"):
        f = a.astype(float, copy=False)
        norm = float(np.linalg.norm(f.ravel()))
        lo, hi = float(np.min(f)), float(np.max(f))
    return f"norm {style.num(norm)}, min {style.num(lo)}, max {style.num(hi)}"


def _short(x: Any) -> str:
    if isinstance(x, float):
        return f"{x:g}"
    s = repr(x)
    return s if len(s) <= 20 else s[:17] + "..."


def _op_text(node: Any, shown: list) -> str:
    """The op's name (or symbol) with its parameters; hidden constants appear inline."""
    op = node.op
    params = tuple(node.params)
    if op == "pow_const" and len(params) == 1:
        return f"**{_short(params[0])}"
    if op == "rpow_const" and len(params) == 1:
        return f"{_short(params[0])}**x"
    consts = [None if c is None else _short(float(unwrap(c))) for c in shown]
    if op in OP_SYMBOLS:
        text = OP_SYMBOLS[op]
        if any(c is not None for c in consts):
            operands = [c if c is not None else "\u00b7" for c in consts]
            if len(operands) == 2:
                return f"{operands[0]} {text} {operands[1]}"
            return f"{text}({', '.join(operands)})"
        return text
    args = [c for c in consts if c is not None] + _param_texts(op, params)
    return f"{op}({', '.join(args)})" if args else op


def _param_texts(op: str, params: tuple) -> list[str]:
    """An op's parameters: positional when it has one (``leaky_relu(0.01)``), else by name,
    leaving out the defaults None and False (``sum(axis=0)``, not ``sum(0, False)``)."""
    registry = getattr(autograd, "OPS", {})
    names = getattr(registry.get(op), "params", ()) or ()
    if len(params) == 1:
        return [] if params[0] is None else [_short(params[0])]
    out = []
    for k, value in enumerate(params):
        if value is None or value is False:
            continue
        name = names[k] if k < len(names) else None
        if value is True and name:
            out.append(name)
        else:
            out.append(f"{name}={_short(value)}" if name else _short(value))
    return out


def _box_label(box: Box, style: _Style) -> str:
    fill = None
    if style.color_by == "grad":
        g = box.param_grad_norm if box.param_grad_norm is not None else box.grad_norm
        fill = grad_color(g) if g is not None else None
    rows = [[f"<B>{_esc(box.title)}</B>"], [_esc(f"{box.count:,} nodes: {_top_ops(box.ops)}")]]
    if box.n_params:
        pg = "" if box.param_grad_norm is None else f", grad norm {style.num(box.param_grad_norm)}"
        rows.append([_esc(f"{box.n_params:,} parameters{pg}")])
    elif style.show_grad and box.grad_norm is not None:
        rows.append([_esc(f"grad norm {style.num(box.grad_norm)}")])
    return _table(rows, fill, False, rounded=True)


def _top_ops(ops: Counter, k: int = 3) -> str:
    items = sorted(ops.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{n:,} {op}" for op, n in items[:k])
    return text + (", ..." if len(items) > k else "")


#: The legend's words in Chinese (English is in :data:`GRAD_SCALE`).
LEGEND_ZH = {
    "color: |grad| (log scale)": "颜色：|梯度|（对数刻度）", "exactly 0": "恰好为 0",
    "nan or inf": "nan 或 inf", "(vanished)": "（梯度消失）", "(exploding)": "（梯度爆炸）",
}


def _legend(lang: str = "en") -> str:
    def say(text: str) -> str:
        if lang == "zh":
            for en, zh in LEGEND_ZH.items():
                text = text.replace(en, zh)
        return _esc(text)

    rows = [f'<TR><TD COLSPAN="2"><B>{say("color: |grad| (log scale)")}</B></TD></TR>']
    entries = [(ZERO_COLOR, "exactly 0")] + [(c, t) for _, c, t in GRAD_SCALE]
    entries.append((NONFINITE_COLOR, "nan or inf"))
    for color, text in entries:
        rows.append(f'<TR><TD BGCOLOR="{color}" WIDTH="16"> </TD><TD ALIGN="LEFT">'
                    f"{say(text)}</TD></TR>")
    return ('<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="2" CELLPADDING="2">'
            + "".join(rows) + "</TABLE>>")


def _edge_style(highlighted: bool) -> dict[str, str]:
    return {"color": HIGHLIGHT, "penwidth": "2.5"} if highlighted else {}

