"""Reverse-mode differentiation: the chain rule applied over the graph in topological order.

One implementation serves ``Value`` and ``Tensor`` graphs, ``backward()`` and the functional
:func:`grad`, first and higher-order derivatives. It is Kahn's algorithm, in two iterative
passes (no recursion, so a chain of a million nodes works):

1. walk the graph from the output(s) and count, for each node, how many ops consumed it
   (kept in the node's ``_pending`` slot), resetting interior nodes' gradients;
2. starting from the output, visit a node only once every consumer has sent its gradient
   (its count dropped to zero), ask the op's derivative rules for the gradient of each input
   and add it (``+``, so a node used twice — ``a + a``, a diamond — receives both).

A node is visited after all of its consumers: that is a reverse topological order, and it is
deterministic (parents are visited in argument order). Only nodes that require a gradient are
walked. The counts return to zero by the end of the pass, so nothing is rebuilt or kept.

:func:`topological_order` lists the graph inputs first, for drawing; :func:`backward_order`
lists the nodes in the exact order in which pass 2 visits them, for teaching. Both are reverse
topological orders, but they can differ (a stack visits the input that became ready last first).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .grad_mode import MODE, enable_grad, no_grad
from .node import MANY
from .op import VARIADIC, rules_for
from .record import check_backward, describe


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
        if node._op is None:
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
    saved = node.grad
    node.grad = g  # _input_grads reads the arriving gradient from the node, as pass 2 does
    try:
        with no_grad(), np.errstate(all="ignore"):
            parents = node.parents
            out = _input_grads(node, parents, False)
    finally:
        node.grad = saved
    return [
        None if t is None else _fit(t, p, node, False) if p._is_tensor else t
        for t, p in zip(out, parents)
    ]


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient back to the shape of a broadcast operand (numpy's broadcasting rule:
    leading axes were added, axes of length 1 were stretched)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead < 0:
        raise ValueError(f"cannot sum a gradient of shape {g.shape} down to shape {shape}")
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape) if lead else g


# -- the two passes --------------------------------------------------------------------------


def _count_consumers(roots: Sequence, zero: Any) -> None:
    """Pass 1: set each reachable node's ``_pending`` to its number of consumers and reset the
    gradient of interior nodes to ``zero``. Nodes that require no gradient are not walked."""
    for r in roots:
        r._pending = 1  # so that a root met again as a parent is not walked twice
    stack = list(roots)
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        a = node._a
        if a is None:
            continue
        b = node._b
        if b is MANY:
            for p in a:
                if p.requires_grad:
                    c = p._pending
                    if not c:
                        push(p)
                        if p._op is not None:
                            p.grad = zero
                    p._pending = c + 1
            continue
        # one or two inputs: written out, as this loop runs once per node of the graph
        if a.requires_grad:
            c = a._pending
            if not c:
                push(a)
                if a._op is not None:
                    a.grad = zero
            a._pending = c + 1
        if b is not None and b.requires_grad:
            c = b._pending
            if not c:
                push(b)
                if b._op is not None:
                    b.grad = zero
            b._pending = c + 1
    for r in roots:
        r._pending -= 1


def _propagate(roots: Sequence, create_graph: bool) -> None:
    """Pass 2: send gradients from the roots (whose ``.grad`` holds the seed) to every walked
    node, each node's rules running once all of its consumers are done. Every ``_pending``
    count is back to zero at the end."""
    ready = [r for r in roots if not r._pending]
    anomaly = MODE.anomaly  # a thread-local read: once per pass, not once per node
    if not create_graph and not anomaly and not roots[0]._is_tensor:
        _propagate_floats(ready)
        return
    pop, push = ready.pop, ready.append
    while ready:
        node = pop()
        if node._op is None:
            continue
        parents = node.parents
        for i, (p, gp) in enumerate(zip(parents, _input_grads(node, parents, create_graph))):
            if not p.requires_grad:
                continue
            if gp is not None:
                _accumulate(p, gp, node, i, create_graph, anomaly)
            c = p._pending - 1
            p._pending = c
            if not c:
                push(p)


def _propagate_floats(ready: list) -> None:
    """Pass 2 for a graph of Values: the same algorithm as :func:`_propagate`, with the rules
    called on floats and their results added in place (the scalar engine's hot loop)."""
    pop, push = ready.pop, ready.append
    while ready:
        node = pop()
        op = node._op
        if op is None:
            continue
        rules = op.vjps
        a = node._a
        b = node._b
        if b is MANY and op.nargs == VARIADIC:  # add_n: every input has the same rule
            g = node.grad
            y = node.data
            args = tuple([p.data for p in a])
            rule = rules[0]
            for i, p in enumerate(a):
                if p.requires_grad:
                    p.grad += rule(g, y, args, i)  # add_n's rule is g: nothing can raise
                    c = p._pending - 1
                    p._pending = c
                    if not c:
                        push(p)
            continue
        if not rules or b is MANY:  # a Function, or many inputs: the general step
            parents = node.parents
            for i, (p, gp) in enumerate(zip(parents, _input_grads(node, parents, False))):
                if p.requires_grad:
                    if gp is not None:
                        _accumulate(p, gp, node, i, False, False)
                    c = p._pending - 1
                    p._pending = c
                    if not c:
                        push(p)
            continue
        g = node.grad
        y = node.data
        if b is None:
            if a.requires_grad:
                ctx = node._ctx
                try:
                    a.grad += rules[0](g, y, a.data, *ctx) if ctx else rules[0](g, y, a.data)
                except (ArithmeticError, ValueError):
                    a.grad += _ieee_rule(rules[0], g, y, (a.data,), ctx or ())
                c = a._pending - 1
                a._pending = c
                if not c:
                    push(a)
            continue
        ad = a.data
        bd = b.data
        if a.requires_grad:
            try:
                a.grad += rules[0](g, y, ad, bd)
            except (ArithmeticError, ValueError):
                a.grad += _ieee_rule(rules[0], g, y, (ad, bd), ())
            c = a._pending - 1
            a._pending = c
            if not c:
                push(a)
        if b.requires_grad:
            try:
                b.grad += rules[1](g, y, ad, bd)
            except (ArithmeticError, ValueError):
                b.grad += _ieee_rule(rules[1], g, y, (ad, bd), ())
            c = b._pending - 1
            b._pending = c
            if not c:
                push(b)


def _input_grads(node: Any, parents: tuple, create_graph: bool) -> list:
    """The gradient each input of ``node`` receives (None where it needs none)."""
    op = node._op
    g = node.grad
    if not op.vjps:  # a user-defined Function: one call gives every input's gradient
        return op.backward_all(node, g, create_graph)
    params = node._ctx or ()
    if create_graph:
        y, args = node, parents
    else:
        y, args = node.data, [p.data for p in parents]
    out = []
    for rule, p in zip(rules_for(op, len(parents)), parents):
        if not p.requires_grad:
            out.append(None)
        elif create_graph or not isinstance(g, float):
            out.append(rule(g, y, *args, *params))
        else:
            try:
                out.append(rule(g, y, *args, *params))
            except (ArithmeticError, ValueError):
                out.append(_ieee_rule(rule, g, y, args, params))
    return out


def _ieee_rule(rule: Any, g: float, y: float, args: Sequence, params: Sequence) -> float:
    """Re-run a rule whose Python float arithmetic raised (``1/0``, ``math.pow(0, -1.5)``,
    ``math.cos(inf)``) on numpy float64 scalars, which give IEEE's inf and nan instead: the
    helpers of :mod:`autograd.generic` send numpy scalars to numpy, never back to ``math``, so
    the result is the one the Tensor engine computes for the same numbers."""
    f64 = np.float64
    with np.errstate(all="ignore"):
        return float(rule(f64(g), f64(y), *[f64(x) for x in args], *params))


def _accumulate(p: Any, gp: Any, node: Any, i: int, create_graph: bool, anomaly: bool) -> None:
    if p._is_tensor:
        gp = _fit(gp, p, node, create_graph)
    if anomaly:
        check_backward(gp, node, i)
    old = p.grad
    if old is None:
        # a leaf keeps its own copy: an optimizer may modify it in place
        p.grad = gp.copy() if p._op is None and isinstance(gp, np.ndarray) else gp
    else:
        p.grad = old + gp


def _fit(gp: Any, p: Any, node: Any, create_graph: bool) -> Any:
    """Bring a Tensor input's gradient to the input's shape (summing over broadcast axes)
    and dtype."""
    shape = p.data.shape
    if create_graph:
        from .tensor import as_tensor

        gp = as_tensor(gp)
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


def _run(roots: list, seeds: list, create_graph: bool) -> None:
    """Seed the roots and run both passes."""
    roots = list(dict.fromkeys(roots))
    _count_consumers(roots, None if create_graph else roots[0]._grad_zero)
    try:
        # IEEE results (inf, nan) without numpy warnings, as in the forward ops
        with enable_grad() if create_graph else no_grad(), np.errstate(all="ignore"):
            for root, seed in zip(roots, seeds):
                if root._op is not None:
                    root.grad = None if create_graph else root._grad_zero
                old = root.grad
                root.grad = seed if old is None else old + seed
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


def backward(root: Any, gradient: Any = None, create_graph: bool = False) -> None:
    """``root.backward()``: add d root / d leaf to the ``.grad`` of every leaf that requires
    a gradient; each interior node's ``.grad`` holds its gradient from this pass."""
    if not root.requires_grad:
        raise RuntimeError(
            f"backward from {describe(root)}, which does not require a gradient: nothing it "
            "depends on requires one (was it computed under no_grad, or from constants only?)"
        )
    _run([root], [root._seed(gradient, create_graph)], create_graph)


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
        result = []
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
