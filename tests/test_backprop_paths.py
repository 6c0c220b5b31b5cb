"""The same gradients through every backward path, on random graphs.

A graph of Values differentiated with ``backward()`` takes the float specialisation of
:mod:`autograd.fastpath` (a generated loop with the rules' texts inlined); the general passes of
:mod:`autograd.backprop` serve everything else. Hypothesis draws random programs (ops applied
to earlier results, so nodes are reused: diamonds, ``a + a``, shared weights) and checks that
four computations of d out / d leaf agree:

1. ``out.backward()`` on Values (the specialised passes);
2. the general passes on the same Values (``backprop.backward(out, specialise=False)``);
3. ``grad(out, leaves, create_graph=True)``: the rules applied to nodes, building a new graph;
4. the Tensor engine on 0-d Tensors (numpy's arithmetic).

Paths 1 and 2 run the same float arithmetic, so they must agree exactly; 3 and 4 compute the
same formulas on other types, so they are compared within a relative 1e-9.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import Square

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from autograd import Tensor, Value, affine, backprop, grad, maximum, sum_values  # noqa: E402

UNARY = {
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "sigmoid": lambda x: x.sigmoid(),
    "neg": lambda x: -x,
    "leaky_relu": lambda x: x.leaky_relu(0.1),
    "square": lambda x: x**2,
    "sin": lambda x: x.sin(),  # not inlined: the loop's general branch
    "softplus": lambda x: x.softplus(2.0),  # a parameter, not inlined
    "function": lambda x: Square.apply(x),  # a user Function: backprop's general step
}
BINARY = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "add_constant": lambda a, b: 0.5 + a,
    "scale": lambda a, b: a * -1.5,
    "maximum": lambda a, b: maximum(a, b),
}
MANY = {
    "add_n": lambda xs: sum_values(xs),
    # b, then n weights and n inputs (a trailing odd input is left out)
    "affine": lambda xs: affine(xs[1:1 + (len(xs) - 1) // 2],
                                xs[1 + (len(xs) - 1) // 2:1 + 2 * ((len(xs) - 1) // 2)], xs[0]),
}

N_LEAVES = 4


@st.composite
def programs(draw: st.DrawFn) -> tuple[list[float], list[tuple]]:
    """Leaf values and a list of steps; each step applies an op to earlier results."""
    leaves = draw(st.lists(st.floats(-2, 2), min_size=N_LEAVES, max_size=N_LEAVES))
    steps = []
    for k in range(draw(st.integers(1, 14))):
        available = N_LEAVES + k
        kind = draw(st.sampled_from(["unary", "binary", "many"]))
        pick = st.integers(0, available - 1)
        if kind == "unary":
            steps.append(("unary", draw(st.sampled_from(sorted(UNARY))), (draw(pick),)))
        elif kind == "binary":
            steps.append(("binary", draw(st.sampled_from(sorted(BINARY))),
                          (draw(pick), draw(pick))))
        else:
            args = tuple(draw(st.lists(pick, min_size=3, max_size=7)))
            steps.append(("many", draw(st.sampled_from(sorted(MANY))), args))
    return leaves, steps


def run(program: tuple[list[float], list[tuple]], make: type) -> tuple[list, object]:
    """Build the program's graph on leaves of class ``make``; return (leaves, output)."""
    values, steps = program
    nodes = [make(v, requires_grad=True) if make is Tensor else make(v) for v in values]
    for kind, name, args in steps:
        xs = [nodes[i] for i in args]
        table = {"unary": UNARY, "binary": BINARY, "many": MANY}[kind]
        nodes.append(table[name](xs) if kind == "many" else table[name](*xs))
    # the output uses every result, so that no step is left out of the graph
    return nodes[:N_LEAVES], sum_values(nodes[N_LEAVES:]) * 1.0


def leaf_grads(leaves: list) -> np.ndarray:
    return np.array([0.0 if x.grad is None else float(np.asarray(x.grad)) for x in leaves])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs())
def test_every_backward_path_gives_the_same_gradients(program):
    leaves, out = run(program, Value)
    if not all(math.isfinite(v.data) for v in backprop.topological_order(out)):
        return  # a program that overflowed proves nothing here
    out.backward()
    specialised = leaf_grads(leaves)

    leaves2, out2 = run(program, Value)
    backprop.backward(out2, specialise=False)
    general = leaf_grads(leaves2)
    np.testing.assert_array_equal(specialised, general)  # the same float arithmetic

    leaves3, out3 = run(program, Value)
    higher = grad(out3, leaves3, create_graph=True, allow_unused=True)
    as_graph = np.array([0.0 if g is None else g.data for g in higher])
    np.testing.assert_allclose(as_graph, specialised, rtol=1e-9, atol=1e-12)

    leaves4, out4 = run(program, Tensor)
    out4.backward()
    np.testing.assert_allclose(leaf_grads(leaves4), specialised, rtol=1e-9, atol=1e-12)


def test_the_generated_loop_inlines_the_hot_rules():
    """The loop holds the rules' texts (not calls) for the ops a scalar network runs most."""
    from autograd import fastpath

    source = fastpath.PROPAGATE_SOURCE
    assert "d = (g * b)" in source and "d = (g * a)" in source  # mul
    assert "d = (g * (1.0 - y * y))" in source  # tanh
    assert "d = (rules[0](g, y, a))" in source  # and the general branch calls the rest
