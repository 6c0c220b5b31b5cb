"""Forward-mode differentiation: Jacobian-vector products with dual numbers.

A dual number ``x + ẋ ε`` (with ε² = 0) carries a value and a tangent; evaluating ``f`` on
dual numbers gives ``f(x) + (J ẋ) ε``: the directional derivative comes out in one forward
sweep, for every output, at the cost of one extra pass per input *direction*. Reverse mode
(backprop) is the mirror image: one backward pass per *output*. Networks have millions of
inputs (parameters) and one output (the loss), which is why they train in reverse mode.

Here the tangents ride along the recorded graph: after ``f`` runs, each op's tangent
``ẏ = Σ_i (∂y/∂x_i) ẋ_i`` is computed in topological order (inputs first) from the same
derivative rules backprop uses; for an elementwise op the rule applied to ``ẋ_i`` is exactly
that product, and the other array ops declare their own forward rule.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .backprop import topological_order
from .function import FunctionOp
from .node import Node
from .numerical import node_for, raw_input, split_inputs
from .op import rules_for


def jvp(f: Callable[..., Any], inputs: Any, tangents: Any) -> tuple[Any, Any]:
    """Evaluate ``f`` at ``inputs`` and its directional derivative along ``tangents``.

    Returns ``(f(inputs), J·tangents)`` as plain numbers or arrays. ``inputs`` and
    ``tangents`` are matched one to one (numbers for scalar inputs, arrays of the input's
    shape for array inputs).
    """
    items, single = split_inputs(inputs)
    tans, _ = split_inputs(tangents)
    if len(tans) != len(items):
        raise ValueError(f"jvp got {len(items)} inputs but {len(tans)} tangents")
    raws = [raw_input(x, i) for i, x in enumerate(items)]
    nodes = [node_for(v, t, True) for v, t in zip(raws, items)]
    tangent: dict = {}
    for i, (n, t) in enumerate(zip(nodes, tans)):
        t = raw_input(t, i)
        if np.shape(t) != np.shape(n.data):
            raise ValueError(
                f"tangent #{i} has shape {np.shape(t)} but its input has shape {np.shape(n.data)}"
            )
        tangent[n] = t
    out = f(*nodes)
    if not isinstance(out, Node):
        raise TypeError(f"jvp: f must return a Value or a Tensor, got {out!r}")
    for node in topological_order(out):
        if node.is_leaf:
            continue
        ts = [tangent.get(p) for p in node.parents]
        if all(t is None for t in ts):
            continue
        tangent[node] = _push(node, ts)
    t_out = tangent.get(out)
    if t_out is None:
        t_out = np.zeros_like(out.data) if isinstance(out.data, np.ndarray) else 0.0
    elif isinstance(out.data, np.ndarray):
        t_out = np.broadcast_to(t_out, out.data.shape).copy()
    return out.data, t_out


def _push(node: Node, ts: list) -> Any:
    """The tangent of one op's output from its inputs' tangents."""
    op = node._op
    parents = node.parents
    args = [p.data for p in parents]
    y = node.data
    params = node.params
    if isinstance(op, FunctionOp):
        if isinstance(y, float):  # a scalar output: backward(1) gives every partial
            partials = op.input_grads(node, 1.0, False)
            pairs = zip(partials, ts)
            return sum(float(p) * t for p, t in pairs if t is not None and p is not None)
        assert node._params is not None  # a Function's node always holds its record
        ctx = node._params[0].ctx
        try:
            return op.cls.jvp(ctx, *ts)
        except NotImplementedError:
            raise NotImplementedError(
                f"forward mode through {op.name}: define {op.name}.jvp(ctx, *tangents)"
            ) from None
    with np.errstate(all="ignore"):
        if not op.elementwise:
            zeros = [np.zeros_like(a) if t is None else t for a, t in zip(args, ts)]
            return op.jvp(zeros, y, *args, *params)
        total = None
        for rule, t in zip(rules_for(op, len(ts)), ts):
            if t is None:
                continue
            if isinstance(t, float):
                t = np.float64(t)  # IEEE arithmetic inside the rule
            term = rule(t, y, *args, *params)
            total = term if total is None else total + term
    assert total is not None  # jvp() pushes only through nodes with an input tangent
    if isinstance(y, float):
        return float(total)
    # an input broadcast against a constant: its tangent must have the output's shape too
    return total if np.shape(total) == y.shape else np.broadcast_to(total, y.shape)
