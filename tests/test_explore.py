"""viz.explore and viz.explain_grad: the step sequence follows the engine's own backward order,
the numbers are the engine's gradients (checked against closed forms and a fresh backward()),
path products sum to each leaf's gradient, and the page is one self-contained file."""

from __future__ import annotations

import html
import json
import math
import random
import re
import shutil
import subprocess
import sys

import numpy as np
import pytest
from helpers import Cube

import autograd.backprop as bp
from autograd import (
    OPS,
    Tensor,
    Value,
    backward_order,
    detect_anomaly,
    input_grads,
    sum_values,
    topological_order,
)
from autograd.op import VARIADIC
from viz import EXPLORE_MAX_NODES, explain_grad, explore

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")
B = 6.8813735870195432  # atanh(1/√2): tanh(x·w + b) = 1/√2 at x = 2, w = -3


def neuron():
    x, w, b = Value(2.0, label="x"), Value(-3.0, label="w"), Value(B, label="b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o, x, w, b


def random_graph(rng: random.Random) -> Value:
    """A random DAG over a few leaves with reuse: a + a, diamonds, add_n, constants."""
    nodes = [Value(rng.uniform(-1.5, 1.5), label=f"x{i}") for i in range(rng.randint(1, 4))]
    for _ in range(rng.randint(1, 14)):
        a, b = rng.choice(nodes), rng.choice(nodes)
        kind = rng.choice(["add", "mul", "sub", "tanh", "twice", "add_n", "const", "sigmoid"])
        if kind == "add":
            y = a + b
        elif kind == "mul":
            y = a * b
        elif kind == "sub":
            y = a - b
        elif kind == "tanh":
            y = a.tanh()
        elif kind == "twice":
            y = a + a
        elif kind == "add_n":
            y = sum_values([a, b, rng.choice(nodes)])
        elif kind == "const":
            y = 0.5 * a
        else:
            y = a.sigmoid()
        nodes.append(y)
    root = nodes[-1]
    for n in nodes[-3:-1]:  # make earlier nodes matter too
        root = root + n
    return root


def engine_grads(root: Value) -> dict:
    """Every node's gradient from a plain root.backward() on the graph itself."""
    order = topological_order(root)
    for n in order:
        n.grad = 0.0
    root.backward()
    return {n: n.grad for n in order}


# -- the step sequence ------------------------------------------------------------------------


@needs_dot
def test_neuron_steps_read_as_worked_by_hand():
    o, x, w, b = neuron()
    e = explore(o)
    text = {s.phase: [] for s in e.steps}
    for s in e.steps:
        text[s.phase].append("\n".join(s.lines))
    # forward: a = x·w = 2 · (-3) = -6, then n = -6 + b, then o = tanh(n) = 1/√2
    assert text["forward"][0] == "v2 = x·w = 2 · (-3) = -6"
    assert text["forward"][2] == "o = tanh(n) = tanh(0.8814) = 0.7071"
    back = "\n".join(text["backward"])
    # do/dn = 1 - tanh²(n) = 1 - 1/2; dx = w·1/2, dw = x·1/2, db = 1/2
    assert "local: ∂o/∂n = 1 - tanh²(n) = 0.5" in back
    assert "∂o/∂x += ∂o/∂v2 · ∂v2/∂x = 0.5 · (-3) = -1.5" in back
    assert "local: ∂v2/∂x = w = -3" in back
    assert "∂o/∂w += ∂o/∂v2 · ∂v2/∂w = 0.5 · 2 = 1" in back
    assert e.grads[x] == pytest.approx(-1.5) and e.grads[w] == pytest.approx(1.0)
    assert e.grads[b] == pytest.approx(0.5) and e.grads[o] == 1.0
    assert [s.phase for s in e.steps] == ["start", "forward", "forward", "forward", "seed",
                                          "backward", "backward", "backward", "end"]


@needs_dot
def test_symbolic_derivatives_come_from_the_registry():
    z = Value(0.3, label="z")
    s = z.sigmoid()
    s.label = "s"
    (step,) = [st for st in explore(s).steps if st.phase == "backward"]
    assert "local: ∂s/∂z = σ(z)(1 - σ(z))" in step.lines[1]
    sig = 1 / (1 + math.exp(-0.3))
    assert step.contributions[0].local == pytest.approx(sig * (1 - sig), rel=1e-12)


def test_every_op_documents_each_inputs_derivative():
    for name, op in OPS.items():
        want = 1 if op.nargs == VARIADIC else op.nargs
        assert len(op.deriv_docs) == want, name
        inputs = {"x"} if op.nargs == 1 else {"a", "b"} if op.nargs == 2 else set()
        allowed = inputs | {"y"} | set(op.params)
        for doc in op.deriv_docs:
            used = set(re.findall(r"\{(\w+)\}", doc))
            assert used <= allowed, (name, doc)


def engine_visit_order(root: Value) -> list:
    """The nodes that send gradients, in the order the engine's backward pass sends them,
    recorded through its anomaly check (called once per gradient it adds)."""
    seen: list = []
    original = bp.check_backward

    def record(g, node, i):
        if not seen or seen[-1] is not node:
            seen.append(node)

    bp.check_backward = record
    try:
        with detect_anomaly():
            root.backward()
    finally:
        bp.check_backward = original
    return seen


def stack_order_graph() -> Value:
    """A graph where the engine's order is not reversed(topological_order): v2 becomes ready
    after v4 (both when v5 is done), so the engine's stack visits v2 first."""
    x = Value(0.7, label="x")
    v1 = x - x
    v2 = sum_values([v1, v1, v1])
    v4 = 2.0 * x
    v5 = v4 * v2
    v9 = (v2 - v5) + v2 * 3.0
    return (v9 + v4 * 5.0) + v5 * 7.0


def test_backward_order_is_the_engines_even_where_topological_order_differs():
    root = stack_order_graph()
    engine = engine_visit_order(root)
    mine = [n for n in backward_order(root) if any(p.requires_grad for p in n.parents)]
    assert [id(n) for n in mine] == [id(n) for n in engine]
    rev = [n for n in reversed(topological_order(root)) if n in set(mine)]
    assert [id(n) for n in rev] != [id(n) for n in engine]


def test_input_grads_are_the_rules_terms_at_each_inputs_shape():
    a, b = Value(2.0), Value(-3.0)
    y = a * b
    y.grad = 7.0
    assert input_grads(y, 0.5) == [0.5 * -3.0, 0.5 * 2.0] and y.grad == 7.0
    t = a + a
    assert input_grads(t, 0.25) == [0.25, 0.25]  # one term per use
    m = Tensor(np.ones((2, 3)), requires_grad=True)
    r = Tensor(np.arange(3.0), requires_grad=True)
    z = m * r  # r is broadcast over the rows: its term is summed over them
    gm, gr = input_grads(z, np.full((2, 3), 2.0))
    np.testing.assert_array_equal(gm, np.tile(2.0 * np.arange(3.0), (2, 1)))
    np.testing.assert_array_equal(gr, np.array([4.0, 4.0, 4.0]))


@needs_dot
@pytest.mark.parametrize("seed", [*range(40), None])
def test_steps_follow_the_engine_and_show_its_gradients(seed):
    root = stack_order_graph() if seed is None else random_graph(random.Random(seed))
    e = explore(root)
    sending = [s.node for s in e.steps if s.phase == "backward" and s.contributions]
    assert [id(n) for n in sending] == [id(n) for n in engine_visit_order(root)]
    grads = engine_grads(root)
    last_total = {}
    for s in e.steps:
        for c in s.contributions:
            last_total[c.input] = c
    for node, c in last_total.items():
        assert c.final, "the last use of a node completes its gradient"
        assert c.total == pytest.approx(grads[node], rel=1e-12, abs=1e-15)
        assert e.grads[node] == pytest.approx(grads[node], rel=1e-12, abs=1e-15)
    # every use of an input is one term: a + a gives two, a diamond one per branch
    uses = {}
    for n in backward_order(root):
        for p in n.parents:
            if p.requires_grad:
                uses[p] = uses.get(p, 0) + 1
    terms = {}
    for s in e.steps:
        for c in s.contributions:
            terms[c.input] = terms.get(c.input, 0) + 1
    assert terms == uses


@needs_dot
def test_a_node_used_twice_shows_both_terms_and_the_running_sum():
    a = Value(3.0, label="a")
    t = a + a
    t.label = "t"
    L = t * Value(0.25, label="c")
    L.label = "L"
    e = explore(L)
    (step,) = [s for s in e.steps if s.node is t and s.phase == "backward"]
    text = "\n".join(step.lines)
    # dL/da = 2·c = 0.5: two terms of 0.25
    assert "sum:   ∂L/∂a = 0.25 so far (use 1 of 2 of a)" in text
    assert "sum:   ∂L/∂a = 0.25 + 0.25 = 0.5, final (use 2 of 2 of a)" in text
    assert "(a as argument 1 of add)" in text and "(a as argument 2 of add)" in text
    assert [c.total for c in step.contributions] == [0.25, 0.5]


@needs_dot
def test_explore_leaves_every_grad_as_it_was():
    o, x, w, b = neuron()
    for n in topological_order(o):
        n.grad = 123.0
    explore(o)
    assert all(n.grad == 123.0 for n in topological_order(o))


@needs_dot
def test_tensor_steps_use_vector_jacobian_products():
    W = Tensor(np.array([[1.0, 2.0], [3.0, -1.0]]), label="W", requires_grad=True)
    x = Tensor(np.array([0.5, -1.0]), label="x", requires_grad=True)
    y = W @ x
    y.label = "y"
    L = (y.tanh() ** 2).sum()
    L.label = "L"
    e = explore(L)
    text = "\n".join("\n".join(s.lines) for s in e.steps)
    assert "∂L/∂W += ∂L/∂y @ xᵀ" in text and "∂L/∂x += Wᵀ @ ∂L/∂y" in text
    # closed form: dL/dy = 2 tanh(y)(1 - tanh²(y)), dL/dW = outer(dL/dy, x), dL/dx = Wᵀ dL/dy
    t = np.tanh(W.data @ x.data)
    gy = 2 * t * (1 - t * t)
    np.testing.assert_allclose(e.grads[W], np.outer(gy, x.data), rtol=1e-12)
    np.testing.assert_allclose(e.grads[x], W.data.T @ gy, rtol=1e-12)
    (step,) = [s for s in e.steps if s.node is y and s.phase == "backward"]
    np.testing.assert_allclose(step.contributions[0].total, np.outer(gy, x.data), rtol=1e-12)
    assert step.contributions[0].local is None  # a Jacobian is never formed


@needs_dot
def test_a_user_defined_function_is_explained_by_its_backward():
    x = Value(2.0, label="x")
    y = Cube.apply(x)
    y.label = "y"
    e = explore(y)
    (step,) = [s for s in e.steps if s.phase == "backward"]
    assert "local: ∂y/∂x = from Cube.backward = 12" in step.lines[1]
    assert e.grads[x] == pytest.approx(12.0)


# -- refusals and bad input -------------------------------------------------------------------


def test_large_graphs_are_refused_with_what_to_do_instead():
    x = Value(1.0, label="x")
    y = x
    for _ in range(EXPLORE_MAX_NODES):
        y = y * 1.0
    with pytest.raises(ValueError, match=r"draw_graph\(root, max_nodes=\.\.\.\)") as info:
        explore(y)
    n = len(topological_order(y))
    assert f"has {n} nodes" in str(info.value) and "smaller piece" in str(info.value)


def test_bad_roots_are_refused():
    with pytest.raises(TypeError, match="Value or Tensor, got float"):
        explore(3.0)
    t = Tensor(np.ones(3), requires_grad=True) * 2.0
    with pytest.raises(ValueError, match=r"one-element root.*\(3,\)"):
        explore(t)
    with pytest.raises(ValueError, match="does not require a gradient"):
        explore(Tensor(np.ones(1)).sum())


# -- paths ------------------------------------------------------------------------------------


def test_paths_of_a_diamond_worked_by_hand():
    x = Value(3.0, label="x")
    a = x * x
    a.label = "a"
    L = a + x
    L.label = "L"
    e = explain_grad(L, x)
    # L = x² + x: paths L→a→x (twice: x is both arguments of *) and L→x; 1·x + 1·x + 1 = 2x + 1
    assert [p.product for p in e.paths] == [3.0, 3.0, 1.0]
    assert [p.indices for p in e.paths] == [(0, 0), (0, 1), (1,)]
    assert e.total == pytest.approx(7.0) and e.grad == pytest.approx(7.0)
    assert str(e).splitlines()[1:4] == ["  L → a → x (argument 1 of a): 1 · 3 = 3",
                                        "  L → a → x (argument 2 of a): 1 · 3 = 3",
                                        "  L → x: 1"]
    assert str(e).splitlines()[-1] == "sum = 7 = ∂L/∂x (the engine's gradient: 7)"


@pytest.mark.parametrize("seed", range(60))
def test_path_products_sum_to_the_gradient(seed):
    root = random_graph(random.Random(seed))
    grads = engine_grads(root)
    for leaf in [n for n in topological_order(root) if n.requires_grad]:
        e = explain_grad(root, leaf)
        assert e.total == pytest.approx(grads[leaf], rel=1e-9, abs=1e-12)
        assert e.grad == pytest.approx(grads[leaf], rel=1e-12, abs=1e-15)


def test_explain_grad_refusals():
    x = Value(1.0, label="x")
    y = x
    for _ in range(12):  # each level doubles the paths: 2**12 = 4096
        y = y * y
    with pytest.raises(ValueError, match="4096 paths.*max_paths=1000"):
        explain_grad(y, x)
    assert len(explain_grad(y, x, max_paths=5000).paths) == 4096
    with pytest.raises(ValueError, match="not part of the graph"):
        explain_grad(y, Value(2.0))
    with pytest.raises(TypeError, match="Value graphs"):
        explain_grad(Tensor(np.ones(1), requires_grad=True).sum(), x)


# -- the page ---------------------------------------------------------------------------------


def page_data(page: str) -> dict:
    m = re.search(r'<script type="application/json" id="gb-data">(.*?)</script>', page, re.S)
    return json.loads(m.group(1))


@needs_dot
def test_page_is_one_self_contained_file(tmp_path):
    o, x, w, b = neuron()
    e = explore(o)
    path = e.save(tmp_path / "sub" / "page.html")
    assert list(path.parent.iterdir()) == [path]      # written atomically: no temporary left
    page = path.read_text(encoding="utf-8")
    # nothing is fetched: no src/href attributes, no URLs except the SVG's XML namespaces
    assert not re.search(r"(?<![\w-])(src|href)\s*=", page)
    urls = set(re.findall(r"https?://[^\s\"'<>)]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert "<svg" in page and "<style>" in page and page.count("<script") == 2
    data = page_data(page)
    assert len(data["steps"]) == len(e.steps)
    # replaying every step's changes ends in the drawn (static) state: same grad texts
    state = {k: list(v) for k, v in data["init"].items()}
    for s in data["steps"]:
        for k, v in s["set"].items():
            state[k] = [new if new is not None else old for old, new in zip(state[k], v)]
    static = dict(re.findall(r'data-node="(v\d+)".*?class="gb-grad"[^>]*>([^<]*)<', page, re.S))
    assert {k: v[2] for k, v in state.items()} == static
    assert static["v0"] == "grad -1.5000"  # x's box, drawn with the engine's gradient


@needs_dot
def test_repr_html_is_the_page_in_an_iframe():
    o, *_ = neuron()
    e = explore(o)
    frame = e._repr_html_()
    m = re.fullmatch(r'<iframe srcdoc="([^"]*)" .*</iframe>', frame, re.S)
    assert m and html.unescape(m.group(1)) == e.html()


def test_cli_explore_writes_a_page(tmp_path):
    out = tmp_path / "neuron.html"
    r = subprocess.run([sys.executable, "-m", "gradbook", "explore", "tanh(x*w + b)", "x=2",
                        "w=-3", f"b={B!r}", "-o", str(out)], capture_output=True, text=True,
                       timeout=120, check=False)
    if shutil.which("dot") is None:
        assert r.returncode == 1 and "dot" in r.stderr
        return
    assert r.returncode == 0, r.stderr
    assert "d/dx = -1.5" in r.stdout and f"page written to {out}" in r.stdout
    steps = page_data(out.read_text(encoding="utf-8"))["steps"]
    text = "\n".join(line for s in steps for line in s["lines"])
    assert "∂out/∂x += ∂out/∂v2 · ∂v2/∂x = 0.5 · (-3) = -1.5" in text


def test_cli_explore_refuses_a_huge_expression(tmp_path):
    expr = "+".join(["x"] * (EXPLORE_MAX_NODES + 5))
    r = subprocess.run([sys.executable, "-m", "gradbook", "explore", expr, "x=1", "-o",
                        str(tmp_path / "p.html")], capture_output=True, text=True, timeout=120,
                       check=False)
    assert r.returncode == 2
    assert r.stderr.count("\n") == 1 and "draw_graph(root, max_nodes=...)" in r.stderr


@needs_dot
def test_demo_neuron_page(tmp_path):
    import nn
    from gradbook.jobs import neuron_graph

    model = nn.MLP(2, [3, 1], activation="relu", seed=0)
    X = np.array([[1.0, -2.0], [0.5, 0.25], [-1.0, 1.0]])
    neuron_graph(model, X, "value", tmp_path / "neuron.svg", page=tmp_path / "neuron.html")
    data = page_data((tmp_path / "neuron.html").read_text(encoding="utf-8"))
    names = set(data["names"].values())
    assert {"w.0", "w.1", "b", "x0", "x1", "a"} <= names  # the model's parameter names
    assert data["steps"][-1]["phase"] == "end"
