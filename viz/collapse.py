"""Deciding what to draw when a graph is too large: an explicit, explained collapse.

:func:`viz.draw_graph` never draws more than ``max_nodes`` boxes. When a graph is larger, this
module decides which nodes stay *individual* boxes and which are gathered into *summary boxes*
(each showing how many nodes it stands for, their ops, parameter count and gradient norm), and
writes the caption that says what was collapsed. Every node of the graph is accounted for:
``individual + collapsed + hidden constants == total``.

Strategies, tried in this order when ``group_by`` is left to ``None``:

``"module"``
    With parameter names (``names=model`` or ``model.named_parameters()``), each module that
    owns parameters (a neuron ``layers.0.neurons.3``, a layer ``0`` of a ``Sequential``)
    becomes one box holding the ops that compute it, summed over every sample of the batch.
    A node joins a module when it is computed from that module's parameters alone (``W.T``,
    ``p*p``), when it consumes one of them directly (``w*x``, ``x@W``), when it adds or
    subtracts nodes of that module only (the neuron's sum and its bias, constants allowed, as
    Python's ``sum`` starts at 0), or when it is the one activation applied to that sum (an
    ``affine`` node, ``nn.Neuron``'s z = Σ wᵢxᵢ + b, is the whole sum at once).
    Everything else (inputs, the loss, a regulariser summing over all modules) is drawn
    individually when it fits, otherwise gathered per connected piece (the output node
    excluded, so the data loss and the regulariser stay apart) and the input leaves per the
    modules they feed.
``"layer"``
    The same, one level up (all neurons of ``layers.0`` together).
``"depth"``
    Without names: the nodes closest to the output stay individual (the last steps of the
    computation, usually the interesting ones); the rest are gathered into bands of equal
    depth (longest distance from an input), so the picture reads inputs-to-output.

The output node(s) and highlighted nodes always stay individual.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Box", "Collapse", "layer_key", "module_key", "plan", "unwrap"]

#: Individual nodes kept near the output in depth mode (at most half of ``max_nodes``).
DETAIL_NODES = 100
#: Depth bands in depth mode.
MAX_BANDS = 24
#: Ops that accumulate a module's terms (a neuron's sum) and stay in the module.
COMBINE_OPS = frozenset({"add", "add_n", "sub", "sum"})
#: Ops that compute a module's whole sum in one node from its parameters (z = Σ wᵢxᵢ + b).
WHOLE_SUM_OPS = frozenset({"affine"})

_INDEX = re.compile(r"^\d+$")


def unwrap(x: Any) -> Any:
    """The number or array a graph node holds (``x.data``); anything else unchanged. (A
    numpy array has a ``.data`` attribute too, its raw buffer: never unwrap that.)"""
    if isinstance(x, np.ndarray | float | int | np.number) or not hasattr(x, "parents"):
        return x
    return x.data


def module_key(name: str) -> str | None:
    """The module that owns a parameter: ``layers.0.neurons.3.w.1`` -> ``layers.0.neurons.3``,
    ``0.weight`` -> ``0``; None for a bare name (``w``)."""
    parts = name.split(".")
    while parts and _INDEX.match(parts[-1]):
        parts.pop()
    if parts:
        parts.pop()  # the attribute holding the parameter (w, b, weight)
    return ".".join(parts) or None


def layer_key(name: str) -> str | None:
    """One level above :func:`module_key`: ``layers.0.neurons.3.w.1`` -> ``layers.0``; a
    module that is not an item of a list inside something else stays as it is (``0``)."""
    key = module_key(name)
    if key is None:
        return None
    parts = key.split(".")
    if len(parts) > 2 and _INDEX.match(parts[-1]) and not _INDEX.match(parts[-2]):
        parts = parts[:-2]
    return ".".join(parts)


@dataclass
class Box:
    """A summary box standing for ``members`` (topological indices of the graph's nodes)."""

    title: str
    kind: str  # "module" | "layer" | "ops" | "inputs" | "depth"
    members: list[int] = field(default_factory=list)
    n_params: int = 0  # parameter scalars among the members (a Tensor counts its size)
    param_grad_norm: float | None = None  # gradient norm of those parameters
    grad_norm: float | None = None  # gradient norm over every member that has a gradient
    ops: Counter = field(default_factory=Counter)

    @property
    def count(self) -> int:
        return len(self.members)


@dataclass
class Collapse:
    """What :func:`viz.draw_graph` drew, and what it collapsed (``Digraph.collapse``)."""

    strategy: str
    total: int  # nodes in the graph
    hidden: int  # constants hidden by hide_constants
    individual: list[int]  # topological indices drawn as their own box
    boxes: list[Box]
    max_nodes: int | None
    notes: list[str] = field(default_factory=list)
    hint: str = "draw_graph(..., max_nodes=None) draws every node (slow for big graphs)"

    @property
    def collapsed(self) -> int:
        """Nodes drawn inside summary boxes."""
        return sum(b.count for b in self.boxes)

    @property
    def n_boxes(self) -> int:
        """Boxes drawn: individual nodes plus summary boxes (legend and caption excluded)."""
        return len(self.individual) + len(self.boxes)

    def caption_lines(self) -> list[str]:
        """The note drawn in the picture, one line per item."""
        lines = []
        if self.boxes:
            lines.append(
                f"{self.total:,} nodes: {len(self.individual):,} drawn individually, "
                f"{self.collapsed:,} collapsed into {len(self.boxes):,} summary boxes"
                + (f", {self.hidden:,} constants hidden" if self.hidden else "")
            )
            limit = f"max_nodes={self.max_nodes}" if self.max_nodes is not None else "group_by"
            lines.append(f"strategy: {self.strategy} ({limit})")
            by_kind: dict[str, list[Box]] = {}
            for b in self.boxes:
                by_kind.setdefault(b.kind, []).append(b)
            for kind, boxes in by_kind.items():
                n = sum(b.count for b in boxes)
                lines.append(f"  {len(boxes):,} {_KIND_TEXT[kind]} box(es): {n:,} nodes")
        elif self.hidden:
            lines.append(f"{self.total:,} nodes, {self.hidden:,} constants hidden")
        lines.extend(self.notes)
        if self.boxes:
            lines.append(self.hint)
        return lines


_KIND_TEXT = {
    "module": "module",
    "layer": "layer",
    "custom": "group_by",
    "ops": "connected-ops",
    "inputs": "input-leaves",
    "depth": "depth-band",
}


@dataclass
class GraphInfo:
    """What the planner needs to know about each node, by topological index."""

    nodes: Sequence[Any]
    parents: Sequence[tuple[int, ...]]
    ops: Sequence[str]
    const: Sequence[bool]
    visible: Sequence[bool]
    roots: Sequence[int]
    pinned: Sequence[int]  # roots and highlighted nodes: always individual
    names: dict[int, str]  # index -> display name given by the user
    params: dict[int, str]  # index -> parameter name (dotted), for module grouping
    display: Callable[[int], str]  # index -> the name drawn for that node
    module_types: dict[str, str] = field(default_factory=dict)  # module name -> class name


def plan(info: GraphInfo, group_by: Any, max_nodes: int | None) -> Collapse:
    """Decide what to draw. Explicit ``group_by`` always groups; otherwise collapse only when
    the visible nodes exceed ``max_nodes``."""
    visible = [i for i, v in enumerate(info.visible) if v]
    hidden = len(info.visible) - len(visible)
    total = len(info.visible)
    if group_by is None and (max_nodes is None or len(visible) <= max_nodes):
        return Collapse("none", total, hidden, visible, [], max_nodes)
    if max_nodes is not None and max_nodes < 2:
        raise ValueError(f"max_nodes must be at least 2 (or None for no limit), got {max_nodes}")
    budget = max_nodes if max_nodes is not None else math.inf

    notes: list[str] = []
    if group_by in (None, "module", "layer") or callable(group_by):
        if group_by is not None and not info.params:
            raise ValueError(
                f"group_by={group_by!r} needs parameter names: pass names=model or "
                "names=model.named_parameters() (dotted names like layers.0.neurons.3.w.1)"
            )
        if group_by is None:
            attempts = [("module", module_key), ("layer", layer_key)] if _dotted(info) else []
        elif group_by == "module":
            attempts = [("module", module_key), ("layer", layer_key)]
        elif group_by == "layer":
            attempts = [("layer", layer_key)]
        else:
            attempts = [("custom", group_by)]
        for level, keyfunc in attempts:
            result = _by_module(info, keyfunc, level, budget)
            if result is not None:
                individual, boxes = result
                strategy = (
                    "grouped by the group_by function" if level == "custom"
                    else f"grouped by {level} (from parameter names)"
                )
                result = Collapse(strategy, total, hidden, individual, boxes, max_nodes, notes)
                if max_nodes is None or len(visible) <= max_nodes:
                    result.hint = "draw_graph(..., group_by=None) draws every node"
                return result
            notes.append(f"grouping by {level} would need more than {max_nodes} boxes")
    elif group_by != "depth":
        raise ValueError(
            f"unknown group_by={group_by!r}; use None, 'module', 'layer', 'depth' or a "
            "function mapping a parameter name to a group name"
        )
    if max_nodes is None:
        max_nodes = DETAIL_NODES + MAX_BANDS
    individual, boxes = _by_depth(info, max_nodes)
    return Collapse("depth bands", total, hidden, individual, boxes, max_nodes, notes)


def _dotted(info: GraphInfo) -> bool:
    return any(module_key(n) is not None for n in info.params.values())


# -- module grouping -----------------------------------------------------------------------------

_PARAM, _DERIVED, _TERM, _SUM, _ACT = 1, 2, 3, 4, 5  # how a node belongs to its module


def _by_module(
    info: GraphInfo, keyfunc: Callable[[str], str | None], level: str, budget: float
) -> tuple[list[int], list[Box]] | None:
    n = len(info.parents)
    key: list[str | None] = [None] * n
    state = [0] * n
    for i, name in info.params.items():
        k = keyfunc(name)
        if k is not None:
            key[i], state[i] = str(k), _PARAM
    parents, const, ops = info.parents, info.const, info.ops
    for i in range(n):
        ps = parents[i]
        if not ps or state[i] == _PARAM:
            continue
        live = [p for p in ps if not const[p]]
        if not live:
            continue
        keys = {key[p] for p in live}
        if len(keys) == 1 and None not in keys and all(state[p] <= _DERIVED for p in live):
            key[i], state[i] = keys.pop(), _DERIVED  # W.T, p*p: from the module's params only
            continue
        if ops[i] in COMBINE_OPS:
            # the module's sum of terms and its bias; a constant only as the start of the sum
            # (Python's sum() starts at 0), not added to a finished sum (`out - 1.0`)
            if len(keys) == 1 and None not in keys and (
                len(live) == len(ps) or (len(live) == 1 and state[live[0]] == _TERM)
            ):
                key[i], state[i] = keys.pop(), _SUM
            continue
        direct = {key[p] for p in live if state[p] in (_PARAM, _DERIVED)}
        if direct:
            if len(direct) == 1:  # w*x, x@W, affine: consumes the module's parameters
                key[i], state[i] = direct.pop(), _SUM if ops[i] in WHOLE_SUM_OPS else _TERM
            continue
        if len(ps) == 1 and state[ps[0]] in (_TERM, _SUM):  # the activation of the sum
            key[i], state[i] = key[ps[0]], _ACT

    pinned = set(info.pinned)
    visible = info.visible
    first_consumer = _first_consumers(info)
    # constants belong to the unit of the op that uses them
    for i in range(n):
        if const[i] and key[i] is None and i not in pinned:
            c = first_consumer[i]
            if c is not None and c not in pinned:
                key[i] = key[c]

    group_ids: dict[str, int] = {}
    boxes: list[Box] = []
    for i in info.params:  # boxes in the order of the parameter names (the model's order)
        k = key[i]
        if k is not None and k not in group_ids:
            group_ids[k] = len(boxes)
            boxes.append(Box(_module_title(k, info), level))
    unit: list[int] = [-1] * n  # -1: individual; otherwise index into boxes
    for i in range(n):
        k = key[i]
        if k is None or i in pinned or not visible[i]:
            continue
        g = group_ids.get(k)
        if g is None:
            g = group_ids[k] = len(boxes)
            boxes.append(Box(_module_title(k, info), level))
        unit[i] = g
    used = sorted(set(unit) - {-1})  # drop boxes left empty (a highlighted lone parameter)
    if len(used) < len(boxes):
        remap = {g: k for k, g in enumerate(used)}
        boxes = [boxes[g] for g in used]
        unit = [remap.get(u, -1) for u in unit]
    rest = [i for i in range(n) if visible[i] and unit[i] == -1]
    if len(boxes) > budget:
        return None
    if len(boxes) + len(rest) > budget:
        _collapse_rest(info, rest, unit, boxes, pinned, first_consumer)
    individual = [i for i in range(n) if visible[i] and unit[i] == -1]
    if len(individual) + len(boxes) > budget:
        return None
    _fill(info, unit, boxes)
    return individual, boxes


def _module_title(key: str, info: GraphInfo) -> str:
    kind = info.module_types.get(key)
    return f"{key} ({kind})" if kind else key


def _first_consumers(info: GraphInfo) -> list[int | None]:
    first: list[int | None] = [None] * len(info.parents)
    for i, ps in enumerate(info.parents):
        for p in ps:
            if first[p] is None:
                first[p] = i
    return first


def _collapse_rest(
    info: GraphInfo,
    rest: list[int],
    unit: list[int],
    boxes: list[Box],
    pinned: set[int],
    first_consumer: list[int | None],
) -> None:
    """Gather the nodes no module owns: connected pieces of ops (the output node excluded, so
    the data loss and a regulariser stay apart) and input leaves grouped by what they feed."""
    parents = info.parents
    movable = [i for i in rest if i not in pinned]
    interior = {i for i in movable if parents[i]}
    root = {i: i for i in interior}

    def find(x: int) -> int:
        while root[x] != x:
            root[x] = root[root[x]]
            x = root[x]
        return x

    for i in sorted(interior):
        for p in parents[i]:
            if p in interior:
                a, b = find(i), find(p)
                if a != b:
                    root[max(a, b)] = min(a, b)
    comp_box: dict[int, int] = {}
    for i in sorted(interior):
        r = find(i)
        g = comp_box.get(r)
        if g is None:
            g = comp_box[r] = len(boxes)
            boxes.append(Box("", "ops"))
        unit[i] = g
    # constants go with their consumer
    for i in movable:
        if info.const[i] and i not in interior:
            c = first_consumer[i]
            if c is not None and unit[c] != -1:
                unit[i] = unit[c]
    # the remaining leaves (inputs): one box per set of units they feed
    consumers: dict[int, list[int]] = {}
    leaves = [i for i in movable if unit[i] == -1 and not parents[i]]
    leafset = set(leaves)
    for i, ps in enumerate(parents):
        for p in ps:
            if p in leafset:
                consumers.setdefault(p, []).append(i)
    leaf_box: dict[tuple, int] = {}
    for i in leaves:
        fed = tuple(sorted({("u", unit[c]) if unit[c] != -1 else ("n", c)
                            for c in consumers.get(i, ())}))
        g = leaf_box.get(fed)
        if g is None:
            g = leaf_box[fed] = len(boxes)
            boxes.append(Box("", "inputs"))
        unit[i] = g
    # titles
    last: dict[int, int] = {}
    for i in interior:
        g = unit[i]
        last[g] = max(last.get(g, -1), i)
    for g, i in last.items():
        boxes[g].title = f"ops ending in {info.display(i)}"
    for fed, g in leaf_box.items():
        targets = [boxes[u].title if kind == "u" else info.display(u) for kind, u in fed][:3]
        more = "" if len(fed) <= 3 else f" and {len(fed) - 3} more"
        boxes[g].title = "inputs to " + ", ".join(targets) + more if fed else "unused leaves"


# -- depth bands -----------------------------------------------------------------------------


def _by_depth(info: GraphInfo, max_nodes: int) -> tuple[list[int], list[Box]]:
    n = len(info.parents)
    visible = info.visible
    n_detail = min(max_nodes // 2, DETAIL_NODES)
    detail: dict[int, None] = {}
    for i in info.pinned:
        if visible[i] and len(detail) < max(n_detail, 1):
            detail[i] = None
    # breadth first from the output(s): the nodes closest to it stay individual
    frontier = [i for i in info.roots if visible[i]]
    seen = set(frontier)
    while frontier and len(detail) < n_detail:
        nxt = []
        for i in frontier:
            if len(detail) >= n_detail:
                break
            detail[i] = None
            for p in info.parents[i]:
                if p not in seen and visible[p]:
                    seen.add(p)
                    nxt.append(p)
        frontier = nxt
    depth = [0] * n
    for i, ps in enumerate(info.parents):
        if ps:
            depth[i] = 1 + max(depth[p] for p in ps)
    rest = [i for i in range(n) if visible[i] and i not in detail]
    n_bands = max(1, min(MAX_BANDS, max_nodes - len(detail)))
    by_depth: dict[int, list[int]] = {}
    for i in rest:
        by_depth.setdefault(depth[i], []).append(i)
    levels = sorted(by_depth)
    boxes: list[Box] = []
    unit = [-1] * n
    target = math.ceil(len(rest) / n_bands) if rest else 1
    current: list[int] = []
    lo = None
    for k, d in enumerate(levels):
        lo = d if lo is None else lo
        current.extend(by_depth[d])
        last = k == len(levels) - 1
        # close the band once it is full, unless it is the last one allowed
        if last or (len(current) >= target and len(boxes) + 1 < n_bands):
            title = f"depth {lo}" if lo == d else f"depth {lo}\u2013{d}"
            for i in current:
                unit[i] = len(boxes)
            boxes.append(Box(title, "depth"))
            current, lo = [], None
    _fill(info, unit, boxes)
    return sorted(detail), boxes


# -- box statistics ----------------------------------------------------------------------------


def _fill(info: GraphInfo, unit: list[int], boxes: list[Box]) -> None:
    for b in boxes:
        b.members = []
    for i, u in enumerate(unit):
        if u != -1:
            boxes[u].members.append(i)
    params = info.params
    for b in boxes:
        sq_p = sq_all = 0.0
        has_p = has_all = False
        for i in b.members:
            node = info.nodes[i]
            leaf = "param" if i in params else "const" if info.const[i] else "leaf"
            b.ops[info.ops[i] or leaf] += 1
            g = _grad_sq(node)
            if g is not None:
                sq_all += g
                has_all = True
            if i in params:
                b.n_params += _size(node)
                if g is not None:
                    sq_p += g
                    has_p = True
        b.param_grad_norm = math.sqrt(sq_p) if has_p else None
        b.grad_norm = math.sqrt(sq_all) if has_all else None


def _size(node: Any) -> int:
    data = node.data
    return int(getattr(data, "size", 1))


def _grad_sq(node: Any) -> float | None:
    """Sum of squared gradient entries, None when the node has no gradient."""
    if not getattr(node, "requires_grad", True):
        return None
    g = node.grad
    if g is None:
        return None
    g = unwrap(g)  # a gradient that is itself a graph node (create_graph=True)
    if isinstance(g, float | int):
        return float(g) * float(g)
    try:
        a = np.asarray(g, dtype=float)
        return float(np.sum(a * a))
    except (TypeError, ValueError):
        return None
