"""Reverse-mode differentiation: the chain rule applied over the graph in topological order.

One implementation serves ``Value`` and ``Tensor`` graphs, ``backward()`` and the functional
:func:`grad`, first and higher-order derivatives. It is Kahn's algorithm, in two iterative
passes (no recursion, so a chain of a million nodes works):

1. walk the graph from the output(s) and count, for each node made by an op, how many ops
   consumed it (kept in the node's ``_pending`` slot), resetting its gradient; a leaf is
   never visited, so it needs no count: it only collects its gradient;
2. starting from the output, visit a node only once every consumer has sent its gradient
   (its count dropped to zero), ask the op's derivative rules for the gradient of each input
   and add it (``+``, so a node used twice — ``a + a``, a diamond — receives both).

A node is visited after all of its consumers: that is a reverse topological order, and it is
deterministic (parents are visited in argument order). Only nodes that require a gradient are
walked. The counts return to zero by the end of the pass, so nothing is rebuilt or kept.

This file is the algorithm as written above, for every kind of graph. A graph of Values
differentiated without ``create_graph`` or ``detect_anomaly`` (the scalar engine's everyday
case, where Python's cost per node is everything) takes the same two passes specialised for
floats, in :mod:`autograd.fastpath`; ``tests/test_backprop_paths.py`` checks on random graphs
that both give the same gradients.

:func:`topological_order` lists the graph inputs first, for drawing; :func:`backward_order`
lists the nodes in the exact order in which pass 2 visits them, for teaching. Both are reverse
topological orders, but they can differ (a stack visits the input that became ready last first).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from . import fastpath
from .anomaly import check_backward, describe
from .arrays import unbroadcast
from .function import FunctionOp
from .grad_mode import MODE, enable_grad, no_grad
from .op import rules_for


def topological_order(roots: Any) -> list:
    """Every node the root(s) depend on, each listed after all of its parents (inputs first,
    the root last); deterministic: parents are explored in argument order."""
    if not isinstance(roots, (list, tuple)):
        roots = [roots]
    order: list = []
    state: dict = {}  # node -> 1 while its parents are being explored, 2 once placed
    stack = list(reversed(roots))
    while stack:
        node = stack.pop()
        s = state.get(node)
        if s is None:
            state[node] = 1
            stack.append(node)
            stack.extend(p for p in reversed(node.parents) if p not in state)
        elif s == 1:
            state[node] = 2
            order.append(node)
    return order


def backward_order(root: Any) -> list:
    """The nodes produced by an op that ``root.backward()`` visits, in the order it visits
    them, each after all of its consumers (the root first).

    The same algorithm as the two passes below: count each node's consumers (one per use:
    ``a + a`` counts 2) among the nodes that require a gradient, then pop nodes from a stack,
    pushing an input, in argument order, when its last consumer is done. The counts live in
    a dict instead of the nodes' ``_pending`` slots, so the graph is left untouched.
    """
    count: dict = {root: 0}
    stack = [root]
    while stack:  # pass 1
        for p in stack.pop().parents:
            if p.requires_grad:
                if p not in count:
                    count[p] = 0
                    stack.append(p)
                count[p] += 1
    order = []
    ready = [root] if root.requires_grad else []
    while ready:  # pass 2, without the rules
        node = ready.pop()
        if node.is_leaf:
            continue
        order.append(node)
        for p in node.parents:
            if p.requires_grad:
                count[p] -= 1
                if not count[p]:
                    ready.append(p)
    return order


def input_grads(node: Any, g: Any) -> list:
    """What pass 2 adds to the gradient of each input of ``node`` when ``g`` = d root / d node
    reached it: the op's rules called as the engine calls them (``g · ∂node/∂input`` for a
    Value), each brought to its input's shape; None for an input that needs no gradient. The
    graph is left as it was. An input used twice (``a + a``) gets one entry per use."""
    with no_grad(), np.errstate(all="ignore"):
        out = _input_grads(node, node.parents, g, False)
    return [
        None if t is None else _fit(t, p, node, False) if p._is_tensor else t
        for t, p in zip(out, node.parents)
    ]


# -- the two passes --------------------------------------------------------------------------


def _count_consumers(roots: Sequence, zero: Any) -> None:
    """Pass 1: set each reachable node made by an op to its number of consumers (in
    ``_pending``) and its gradient to ``zero``. Leaves and nodes that require no gradient are
    not counted."""
    for r in roots:
        r._pending = 1  # so that a root met again as a parent is not walked twice
    stack = list(roots)
    while True:  # not `while stack:`, which CPython 3.11 does not specialise (fastpath.py)
        if not stack:
            break
        for p in stack.pop().parents:
            if not p.requires_grad or p._op is None:  # a leaf is never visited: no count
                continue
            if not p._pending:  # met for the first time
                stack.append(p)
                p.grad = zero
            p._pending += 1
    for r in roots:
        r._pending -= 1


def _propagate(roots: Sequence, create_graph: bool) -> None:
    """Pass 2: send gradients from the roots (whose ``.grad`` holds the seed) to every walked
    node, each node's rules running once all of its consumers are done. Every ``_pending``
    count is back to zero at the end."""
    anomaly = MODE.anomaly  # a thread-local read: once per pass, not once per node
    ready = [r for r in roots if not r._pending]
    push = ready.append
    while True:  # not `while ready:`, which CPython 3.11 does not specialise (fastpath.py)
        if not ready:
            break
        node = ready.pop()
        if node._op is not None:  # not a leaf
            _visit(node, push, create_graph, anomaly)


def _visit(node: Any, push: Any, create_graph: bool = False, anomaly: bool = False) -> None:
    """One step of pass 2: add what the op's rules give to each input's gradient, and
    ``push`` an input once its last consumer is done."""
    parents = node.parents
    for i, (p, gp) in enumerate(zip(parents, _input_grads(node, parents, node.grad,
                                                          create_graph))):
        if not p.requires_grad:
            continue
        if gp is not None:
            _accumulate(p, gp, node, i, create_graph, anomaly)
        if p._op is not None:  # a leaf only collects its gradient
            p._pending -= 1
            if not p._pending:
                push(p)


def _input_grads(node: Any, parents: tuple, g: Any, create_graph: bool) -> list:
    """The gradient each input (``parents``) of ``node`` receives when ``g`` reached it (None
    where it needs none): the op's derivative rules, on the numbers, or on the nodes
    themselves when ``create_graph`` (so that the result is a graph in turn)."""
    op = node._op
    if type(op) is FunctionOp:  # one call of the user's backward gives every input's
        return op.input_grads(node, g, create_graph)
    rules = rules_for(op, len(parents))
    params = node._params or ()
    args: Sequence[Any]
    if create_graph:
        y, args = node, parents
    else:
        y, args = node.data, [p.data for p in parents]
        if type(g) is float:  # a Value off the fast path (detect_anomaly): IEEE on error
            return [_float_rule(rule, g, y, args, params) if p.requires_grad else None
                    for rule, p in zip(rules, parents)]
    return [rule(g, y, *args, *params) if p.requires_grad else None
            for rule, p in zip(rules, parents)]


def _float_rule(rule: Any, g: float, y: float, args: Sequence[Any], params: tuple) -> float:
    try:
        return rule(g, y, *args, *params)
    except (ArithmeticError, ValueError):
        return fastpath.ieee_rule(rule, g, y, args, params)


def _accumulate(p: Any, gp: Any, node: Any, i: int, create_graph: bool, anomaly: bool) -> None:
    """Add ``gp``, what ``node``'s rule gave its input ``i``, to the gradient of that input
    ``p`` (brought to its shape and dtype first, for a Tensor)."""
    if p._is_tensor:
        data = p.data
        if create_graph or type(gp) is not np.ndarray or gp.shape != data.shape \
                or gp.dtype != data.dtype:
            gp = _fit(gp, p, node, create_graph)
    if anomaly:
        check_backward(gp, node, i)
    old = p.grad
    if old is None:
        # A leaf must own its gradient: an optimizer or clip_grad_norm_ modifies it in place.
        # A rule's result is a new array unless the rule passed the arriving gradient through
        # (a + b gives g to both), returned a view (reshape, transpose) or is the user's own
        # backward: copy those only (a 784x256 copy per step is what small batches pay for).
        if p._op is None and type(gp) is np.ndarray and (
            gp is node.grad or gp.base is not None or type(node._op) is FunctionOp
        ):
            gp = gp.copy()
        p.grad = gp
    else:
        p.grad = old + gp


def _fit(gp: Any, p: Any, node: Any, create_graph: bool) -> Any:
    """Bring a Tensor input's gradient to the input's shape (summing over broadcast axes)
    and dtype."""
    shape = p.data.shape
    if create_graph:
        gp = type(p).lift(gp)
        return gp if gp.shape == shape else gp.sum_to(shape)
    if not isinstance(gp, np.ndarray):
        gp = np.asarray(gp.data if hasattr(gp, "_is_tensor") else gp, dtype=p.data.dtype)
    if gp.shape != shape:
        try:
            gp = unbroadcast(gp, shape)
        except ValueError:
            raise RuntimeError(
                f"op {node.op!r} gave a gradient of shape {gp.shape} for its input "
                f"{describe(p)}, which has shape {shape}"
            ) from None
        if gp.shape != shape:  # a gradient of a broadcast size-1 axis
            gp = np.broadcast_to(gp, shape).copy()
    if gp.dtype != p.data.dtype:
        gp = gp.astype(p.data.dtype)
    return gp


def _run(roots: list, seeds: list, create_graph: bool, specialise: bool = True) -> None:
    """Seed the roots and run both passes: the float passes of :mod:`autograd.fastpath` for a
    graph of Values without create_graph or anomaly detection (unless ``specialise`` is
    False), the general ones otherwise."""
    roots = list(dict.fromkeys(roots))
    floats = (specialise and not create_graph and not MODE.anomaly
              and all(not r._is_tensor for r in roots))
    if floats:
        fastpath.count_consumers(roots, roots[0]._grad_zero)
    else:
        _count_consumers(roots, None if create_graph else roots[0]._grad_zero)
    try:
        # IEEE results (inf, nan) without numpy warnings, as in the forward ops
        with enable_grad() if create_graph else no_grad(), np.errstate(all="ignore"):
            for root, seed in zip(roots, seeds):
                if not root.is_leaf:
                    root.grad = None if create_graph else root._grad_zero
                old = root.grad
                root.grad = seed if old is None else old + seed
            if floats:
                fastpath.propagate(roots, _visit, roots[0]._grad_zero)
            else:
                _propagate(roots, create_graph)
    except BaseException:
        _reset_pending(roots)  # an error stopped pass 2 midway: leave the graph reusable
        raise


def _reset_pending(roots: list) -> None:
    stack = list(roots)
    while stack:
        node = stack.pop()
        node._pending = 0
        stack.extend(p for p in node.parents if p._pending)


def _merge_seeds(outputs: list, seeds: list) -> tuple[list, list]:
    merged: dict = {}
    for o, s in zip(outputs, seeds):
        merged[o] = s if o not in merged else merged[o] + s
    return list(merged), list(merged.values())


def backward(root: Any, gradient: Any = None, create_graph: bool = False, *,
             specialise: bool = True) -> None:
    """``root.backward()``: add d root / d leaf to the ``.grad`` of every leaf that requires
    a gradient; each interior node's ``.grad`` holds its gradient from this pass.
    ``specialise=False`` takes the general passes even for a graph of floats (for tests)."""
    if not root.requires_grad:
        raise RuntimeError(
            f"backward from {describe(root)}, which does not require a gradient: nothing it "
            "depends on requires one (was it computed under no_grad, or from constants only?)"
        )
    _run([root], [root._seed(gradient, create_graph)], create_graph, specialise)


def grad(
    outputs: Any,
    inputs: Any,
    grad_outputs: Any = None,
    create_graph: bool = False,
    allow_unused: bool = False,
) -> tuple:
    """Gradients of ``outputs`` with respect to ``inputs``, returned as a tuple, leaving every
    ``.grad`` untouched (PyTorch's ``torch.autograd.grad``).

    With ``create_graph=True`` the gradients are nodes of a new graph, so they can be
    differentiated again: second derivatives, Hessians, Hessian-vector products. An input
    the outputs do not depend on is an error unless ``allow_unused=True`` (then None).
    """
    outputs = list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif not isinstance(grad_outputs, (list, tuple)):
        grad_outputs = [grad_outputs]
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad got {len(outputs)} outputs but {len(grad_outputs)} grad_outputs")
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    for o in outputs:
        if not o.requires_grad:
            raise RuntimeError(f"output {describe(o)} does not require a gradient")
    seeds = [o._seed(g, create_graph) for o, g in zip(outputs, grad_outputs)]
    roots, seeds = _merge_seeds(outputs, seeds)
    # run the shared passes on the graph's own .grad slots, then put every slot back
    reached = set(topological_order(roots))
    saved = [(n, n.grad) for n in {**dict.fromkeys(reached), **dict.fromkeys(inputs)}]
    try:
        for x in inputs:
            x.grad = None if (x._is_tensor or create_graph) else 0.0
        _run(roots, seeds, create_graph)
        result: list[Any] = []
        for i, x in enumerate(inputs):
            if x not in reached or x.grad is None:
                if not allow_unused:
                    raise RuntimeError(
                        f"input #{i} {describe(x)} was not used to compute the outputs (or "
                        "does not require a gradient); pass allow_unused=True to get None"
                    )
                result.append(None)
            else:
                result.append(x.grad)
    finally:
        for node, g in saved:
            node.grad = g
    return tuple(result)
