"""viz: computation graphs rendered with Graphviz (SVG parsed as XML), collapse of large
graphs, determinism, escaping, and the message when Graphviz's `dot` is missing."""

from __future__ import annotations

import ast
import math
import random
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import graphviz
import numpy as np
import pytest

import autograd
from autograd import Value, topological_order
from viz import (
    GRAD_SCALE,
    GradbookDigraph,
    GraphvizNotFoundError,
    draw_graph,
    grad_color,
    layer_key,
    module_key,
    render_graph,
    to_svg,
)

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed")


# -- helpers ------------------------------------------------------------------------------------


def parse_svg(svg: str) -> dict[str, list[str]]:
    """Graphviz node id (the <title>) -> the text lines drawn in that node."""
    root = ET.fromstring(svg.encode("utf-8"))
    nodes = {}
    for g in root.iter(f"{SVG}g"):
        if g.get("class") != "node":
            continue
        title = g.find(f"{SVG}title").text
        nodes[title] = ["".join(t.itertext()) for t in g.iter(f"{SVG}text")]
    return nodes


def svg_edges(svg: str) -> list[str]:
    root = ET.fromstring(svg.encode("utf-8"))
    return [g.find(f"{SVG}title").text for g in root.iter(f"{SVG}g") if g.get("class") == "edge"]


def field(lines: list[str], name: str) -> float:
    """The number after ``name`` in a node's text, e.g. field(lines, 'grad')."""
    for line in lines:
        m = re.match(rf"^{name} (\S+)$", line.strip())
        if m:
            return float(m.group(1))
    raise AssertionError(f"no {name!r} in {lines}")


def node_named(nodes: dict[str, list[str]], label: str) -> list[str]:
    hits = [lines for lines in nodes.values() if lines and lines[0] == label]
    assert len(hits) == 1, (label, nodes)
    return hits[0]


def neuron():
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    b = Value(6.8813735870195432, label="b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return x, w, b, n, o


def micrograd_loss(n_samples=100, seed=0):
    """micrograd's demo: MLP(2, [16, 16, 1]) on 2-D points, SVM max-margin loss plus L2
    regularisation, forward and backward (about 65k nodes for 100 samples)."""
    from nn import MLP

    random.seed(seed)
    model = MLP(2, [16, 16, 1])
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_samples, 2))
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
    inputs = [list(map(Value, row)) for row in X.tolist()]
    scores = [model(x) for x in inputs]
    losses = [(1 + -yi * si).relu() for yi, si in zip(y.tolist(), scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    data_loss.label = "data_loss"
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())
    reg_loss.label = "reg_loss"
    total = data_loss + reg_loss
    total.label = "loss"
    total.backward()
    return model, total


# -- the neuron: labels, data and gradients ----------------------------------------------------


def test_neuron_labels_data_and_grads_in_svg():
    # independent values: n = 2*(-3) + 6.8813735870195432 = atanh(1/sqrt 2), so o = 1/sqrt 2,
    # do/dn = 1 - o^2 = 0.5, dx = w*0.5 = -1.5, dw = x*0.5 = 1.0, db = 0.5
    x, w, b, n, o = neuron()
    nodes = parse_svg(to_svg(o))
    expected = {"x": (2.0, -1.5), "w": (-3.0, 1.0), "b": (6.8814, 0.5),
                "n": (0.8814, 0.5), "o": (1 / math.sqrt(2), 1.0)}
    for label, (data, grad) in expected.items():
        lines = node_named(nodes, label)
        assert field(lines, "data") == pytest.approx(data, abs=5e-5)
        assert field(lines, "grad") == pytest.approx(grad, abs=5e-5)
    assert "data 0.7071" in node_named(nodes, "o")
    # op nodes are separate ellipses named by the op
    op_texts = sorted(lines[0] for key, lines in nodes.items() if key.endswith("_op"))
    assert op_texts == ["*", "+", "tanh"]


def test_edges_follow_the_graph():
    x, w, b, n, o = neuron()
    edges = svg_edges(to_svg(o))
    # 3 ops: each has an edge to its output box; inputs: x, w -> *, (x*w), b -> +, n -> tanh
    assert len(edges) == 3 + 5


def test_a_plus_a_has_two_edges():
    a = Value(3.0, label="a")
    c = a + a
    c.backward()
    edges = svg_edges(to_svg(c))
    assert edges.count("v0->v1_op") == 2
    assert c.parents == (a, a)
    assert field(node_named(parse_svg(to_svg(c)), "a"), "grad") == 2.0


def test_pow_const_shows_the_exponent():
    x = Value(3.0, label="x")
    y = x**2
    y.backward()
    assert "**2" in draw_graph(y).source


def test_show_grad_false_is_a_forward_view():
    *_, o = neuron()
    text = to_svg(o, show_grad=False)
    lines = [ln for node in parse_svg(text).values() for ln in node]
    assert any(ln.startswith("data ") for ln in lines)
    assert not any(ln.startswith("grad") for ln in lines)


def test_hide_constants_folds_numbers_into_the_op():
    x = Value(2.0, label="x")
    y = 2 * x + 1
    y.backward()
    full = parse_svg(to_svg(y))
    hidden = parse_svg(to_svg(y, hide_constants=True))
    boxes = lambda nodes: [k for k in nodes if re.fullmatch(r"v\d+", k)]  # noqa: E731
    assert len(boxes(full)) == 5  # x, 2, 2*x, 1, 2*x+1
    assert len(boxes(hidden)) == 3
    ops = sorted(lines[0] for k, lines in hidden.items() if k.endswith("_op"))
    assert ops == ["2 * \u00b7", "\u00b7 + 1"]
    assert any("2 constants hidden" in " ".join(lines) for lines in hidden.values())


def test_names_label_nodes():
    x = Value(1.5)
    w = Value(-2.0)
    y = (x * w).relu()
    y.backward()
    nodes = parse_svg(to_svg(y, names={"x": x, "w": w, "unrelated": 3, "y": y}))
    assert node_named(nodes, "x") and node_named(nodes, "w") and node_named(nodes, "y")
    # unnamed, unlabelled nodes get their topological position
    assert node_named(nodes, "v2")


def test_escaping_special_characters():
    label = 'a<b>"c"{d}|e\nf & \'g\' \\n'
    x = Value(1.0, label=label)
    y = x * 2
    y.backward()
    svg = to_svg(y)
    texts = [t for lines in parse_svg(svg).values() for t in lines]  # the SVG is valid XML
    assert 'a<b>"c"{d}|e' in texts
    assert "f & 'g' \\n" in texts


def test_control_characters_do_not_break_the_svg():
    x = Value(1.0, label="bell\x07tab\tend")
    y = x + 1
    y.backward()
    texts = [t for lines in parse_svg(to_svg(y)).values() for t in lines]
    assert any("bell" in t and "end" in t for t in texts)


# -- determinism ----------------------------------------------------------------------------------


def test_dot_source_is_deterministic():
    def build():
        a = Value(1.0, label="a")
        b = Value(2.0, label="b")
        c = (a * b + a).tanh() * b
        c.backward()
        return c

    c1, c2 = build(), build()
    s1 = draw_graph(c1).source
    assert s1 == draw_graph(c1).source  # the same graph twice
    assert s1 == draw_graph(c2).source  # two identical graphs built separately
    assert "0x" not in s1  # no memory addresses
    assert to_svg(c1) == to_svg(c2)


# -- options -------------------------------------------------------------------------------------


def test_color_by_grad_and_legend():
    x = Value(1.0, label="x")
    tiny = x * 1e-8
    tiny.label = "tiny"
    tiny.backward()
    src = draw_graph(tiny, color_by="grad").source
    assert "legend" in src
    # x.grad = 1e-8 -> the "vanished" colour; tiny.grad = 1 -> the 1..1e2 colour
    vanished = GRAD_SCALE[0][1]
    assert re.search(rf'v0 \[label=<<TABLE [^>]*BGCOLOR="{vanished}"', src)
    nodes = parse_svg(to_svg(tiny, color_by="grad"))
    assert any("vanished" in " ".join(lines) for lines in nodes.values())


def test_grad_color_scale():
    assert grad_color(0.0) == "#d9d9d9"
    assert grad_color(1e-9) == GRAD_SCALE[0][1]
    assert grad_color(-1e-9) == GRAD_SCALE[0][1]
    assert grad_color(0.5) == GRAD_SCALE[3][1]
    assert grad_color(1e9) == GRAD_SCALE[-1][1]
    assert grad_color(math.nan) == grad_color(math.inf) != GRAD_SCALE[-1][1]


def test_highlight_a_path():
    x, w, b, n, o = neuron()
    src = draw_graph(o, highlight=[x, n, o]).source
    assert re.search(r'v0 \[label=<<TABLE BORDER="2"[^>]*COLOR="#d62728"', src)
    assert not re.search(r'v1 \[label=<<TABLE BORDER="2"', src)  # w is not highlighted
    assert re.search(r'v4 -> v5_op \[color="#d62728"', src)  # n -> tanh, on the path
    assert draw_graph(o, highlight="w").source.count('COLOR="#d62728"') == 1
    with pytest.raises(ValueError, match="not part of this graph"):
        draw_graph(o, highlight=Value(0.0))


def test_rankdir_precision_and_argument_checks():
    *_, o = neuron()
    assert "rankdir=TB" in draw_graph(o, rankdir="TB").source
    assert "data 0.71<" in draw_graph(o, precision=2).source
    with pytest.raises(ValueError, match="rankdir"):
        draw_graph(o, rankdir="XY")
    with pytest.raises(ValueError, match="color_by"):
        draw_graph(o, color_by="data")
    with pytest.raises(TypeError, match="Value or Tensor"):
        draw_graph(3.0)
    with pytest.raises(ValueError, match="group_by"):
        draw_graph(o, group_by="module")  # needs names


def test_small_numbers_use_scientific_notation():
    x = Value(1e-9, label="x")
    y = x * 3
    y.backward()
    assert "data 1.000e-09" in draw_graph(y).source


def test_several_outputs():
    a = Value(1.0, label="a")
    y1, y2 = a * 2, a + 1
    nodes = parse_svg(to_svg([y1, y2]))
    assert len([k for k in nodes if re.fullmatch(r"v\d+", k)]) == 5


def test_gradient_that_is_a_graph_node():
    x = Value(3.0, label="x")
    y = x**3
    (gx,) = autograd.grad(y, [x], create_graph=True)
    assert "data 27.0000" in draw_graph(gx).source


# -- tensors -------------------------------------------------------------------------------------


def _tensor_cls():
    T = getattr(autograd, "Tensor", None)
    if T is None:
        pytest.skip("autograd.Tensor is not available")
    return T


def test_tensor_nodes_show_shape_dtype_and_summaries():
    T = _tensor_cls()
    x = T(np.arange(1000.0).reshape(10, 100), requires_grad=True, label="x")
    W = T(np.ones((100, 3)) * 0.01, requires_grad=True, label="W")
    y = (x @ W).relu().sum()
    y.backward()
    src = draw_graph(y).source
    assert len(src) < 6000  # summaries, never the numbers
    nodes = parse_svg(to_svg(y))
    xlines = " ".join(node_named(nodes, "x"))
    assert "(10, 100) float64" in xlines
    assert "data norm 18243.7249, min 0.0000, max 999.0000" in xlines
    assert "grad norm 0.9487, min 0.0300, max 0.0300" in xlines
    assert "scalar float64" in " ".join(node_named(nodes, "v4"))
    ops = sorted(lines[0] for k, lines in nodes.items() if k.endswith("_op"))
    assert ops == ["@", "relu", "sum"]  # sum's default parameters are not shown


# -- large graphs ---------------------------------------------------------------------------------


def box_ids(nodes: dict) -> tuple[list[str], list[str]]:
    individual = [k for k in nodes if re.fullmatch(r"v\d+", k)]
    boxes = [k for k in nodes if re.fullmatch(r"box\d+", k)]
    return individual, boxes


def box_count(lines: list[str]) -> int:
    m = re.match(r"^([\d,]+) nodes:", lines[1])
    assert m, lines
    return int(m.group(1).replace(",", ""))


def check_accounting(nodes: dict, total: int, max_nodes: int) -> tuple[list, list]:
    individual, boxes = box_ids(nodes)
    assert len(individual) + len(boxes) <= max_nodes
    assert set(nodes) - set(individual) - set(boxes) - {f"{k}_op" for k in individual} <= {
        "caption", "legend"}
    caption = " ".join(nodes["caption"])
    m = re.search(r"([\d,]+) nodes: ([\d,]+) drawn individually, ([\d,]+) collapsed into "
                  r"([\d,]+) summary boxes(?:, ([\d,]+) constants hidden)?", caption)
    assert m, caption
    n_total, n_ind, n_coll, n_boxes, n_hidden = (int((g or "0").replace(",", ""))
                                                  for g in m.groups())
    assert n_total == total
    assert n_ind == len(individual) and n_boxes == len(boxes)
    assert sum(box_count(nodes[b]) for b in boxes) == n_coll  # nothing silently lost
    assert n_ind + n_coll + n_hidden == total
    return individual, boxes


@pytest.fixture(scope="module")
def demo_graph():
    return micrograd_loss()


@needs_dot
def test_micrograd_demo_graph_grouped_by_module(demo_graph):
    import time

    model, loss = demo_graph
    total = len(topological_order(loss))
    # per sample: 2 inputs, 33 neurons of one affine node each, 32 ReLUs, and the hinge
    # (constant -y, its product with the score, constant 1, the sum, the ReLU): 72; then the
    # mean (100 additions from Python's sum, starting at the constant 0, a constant and a
    # product), the regulariser (337 squares, 337 additions, 0, 1e-4, a product), the total
    # and the 337 parameters
    assert total == 100 * 72 + (100 + 1 + 2) + (337 + 337 + 1 + 2) + 1 + 337
    t0 = time.perf_counter()
    g = draw_graph(loss, names=model, color_by="grad")
    svg = g.pipe(format="svg", encoding="utf-8")
    assert time.perf_counter() - t0 < 15
    nodes = parse_svg(svg)
    individual, boxes = check_accounting(nodes, total, 500)
    titles = [nodes[b][0] for b in boxes]
    # one box per neuron: 16 + 16 + 1, each with its parameter count and gradient norm
    neurons = [t for t in titles if t.startswith("layers.")]
    assert len(neurons) == 33
    n0 = nodes[boxes[titles.index("layers.0.neurons.0 (Neuron)")]]
    assert re.match(r"3 parameters, grad norm \d", n0[2])
    assert any(t.startswith("ops ending in data_loss") for t in titles)
    assert any(t.startswith("ops ending in reg_loss") for t in titles)
    assert any(t.startswith("inputs to layers.0") for t in titles)
    assert len(boxes) < 40  # readable
    assert g.collapse.collapsed + len(g.collapse.individual) == total


def test_micrograd_demo_graph_other_strategies(demo_graph):
    model, loss = demo_graph
    total = len(topological_order(loss))
    for options, max_nodes in [
        ({}, 500),  # no names: depth bands
        ({"names": model, "group_by": "layer"}, 500),
        ({"names": model, "hide_constants": True}, 500),
        ({"names": model}, 20),  # too many neurons for 20 boxes: coarser
        ({}, 7),
    ]:
        g = draw_graph(loss, max_nodes=max_nodes, **options)
        c = g.collapse
        assert c.n_boxes <= max_nodes, (options, max_nodes)
        assert len(c.individual) + c.collapsed + c.hidden == total
        # the source holds exactly those boxes, plus op ellipses, the caption
        ids = set(re.findall(r"^\t(v\d+|box\d+) \[", g.source, flags=re.M))
        assert len(ids) == c.n_boxes
        assert "\tcaption [" in g.source
    assert "layer" in draw_graph(loss, names=model, max_nodes=20).collapse.strategy


@needs_dot
def test_long_chain_collapses_into_depth_bands():
    x = Value(0.5, label="x")
    y = x
    for _ in range(20_000):
        y = y * 1.0001 + 0.0001
    y.backward()
    total = len(topological_order(y))
    nodes = parse_svg(to_svg(y, max_nodes=60))
    check_accounting(nodes, total, 60)


def test_group_by_module_on_a_small_model():
    from nn import MLP

    random.seed(1)
    model = MLP(2, [3, 1])
    out = model([Value(0.5, label="x0"), Value(-1.0, label="x1")])
    loss = (out - 1.0) ** 2
    loss.backward()
    g = draw_graph(loss, names=model, group_by="module")
    titles = [b.title for b in g.collapse.boxes]
    assert titles == ["layers.0.neurons.0 (Neuron)", "layers.0.neurons.1 (Neuron)",
                      "layers.0.neurons.2 (Neuron)", "layers.1.neurons.0 (Neuron)"]
    assert [b.n_params for b in g.collapse.boxes] == [3, 3, 3, 4]
    # the loss (out - 1.0) ** 2 is not part of the output neuron
    assert all("sub" not in b.ops and "pow_const" not in b.ops for b in g.collapse.boxes)
    assert "\u00b7 - 1" in g.source or "**2" in g.source
    # the loss ops and the inputs stay individual: they fit
    assert {"x0", "x1"} <= {b for b in re.findall(r"<B>([^<]+)</B>", g.source)}
    by_layer = draw_graph(loss, names=model.named_parameters(), group_by="layer").collapse
    assert [b.title for b in by_layer.boxes] == ["layers.0", "layers.1"]  # class unknown
    assert "draw_graph(..., group_by=None) draws every node" in g.source
    custom = draw_graph(loss, names=model, group_by=lambda name: name.split(".")[1]).collapse
    assert [b.title for b in custom.boxes] == ["0", "1"]


def test_parameter_name_keys():
    assert module_key("layers.0.neurons.3.w.1") == "layers.0.neurons.3"
    assert module_key("layers.0.neurons.3.b") == "layers.0.neurons.3"
    assert module_key("0.weight") == "0"
    assert module_key("w") is None
    assert layer_key("layers.0.neurons.3.w.1") == "layers.0"
    assert layer_key("0.weight") == "0"
    assert layer_key("layers.2.bias") == "layers.2"


# -- output and a missing Graphviz ------------------------------------------------------------


@needs_dot
def test_render_graph_and_to_svg(tmp_path):
    *_, o = neuron()
    svg = to_svg(o)
    assert svg.lstrip().startswith("<?xml") and "</svg>" in svg
    out = render_graph(o, tmp_path / "sub" / "neuron.svg")
    assert out == tmp_path / "sub" / "neuron.svg"
    ET.fromstring(out.read_bytes())
    png = render_graph(o, tmp_path / "neuron.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pdf = render_graph(o, tmp_path / "graph.out", format="pdf")
    assert pdf.read_bytes()[:4] == b"%PDF"
    bundle = draw_graph(o)._repr_mimebundle_()
    assert "image/svg+xml" in bundle


def test_missing_dot_says_what_to_install(monkeypatch, tmp_path):
    *_, o = neuron()
    g = draw_graph(o)
    assert isinstance(g, GradbookDigraph) and isinstance(g, graphviz.Digraph)
    monkeypatch.setenv("PATH", str(tmp_path))  # no `dot` anywhere on PATH
    calls = [
        lambda: g.pipe(format="svg"),
        lambda: g.render(outfile=tmp_path / "x.svg"),
        lambda: g._repr_mimebundle_(),
        lambda: g._repr_image_svg_xml(),
        lambda: to_svg(o),
        lambda: render_graph(o, tmp_path / "y.png"),
    ]
    for call in calls:
        with pytest.raises(GraphvizNotFoundError) as info:
            call()
        msg = str(info.value)
        assert isinstance(info.value, graphviz.ExecutableNotFound)  # old handlers still work
        for hint in ("sudo apt-get install graphviz", "brew install graphviz",
                     "conda install -c conda-forge graphviz", "winget install graphviz", "PATH"):
            assert hint in msg
    assert "digraph" in g.source  # the DOT text needs no Graphviz


def test_missing_dot_via_the_backend(monkeypatch, tmp_path):
    # render() runs dot through the graphviz package's backend (pipe() runs it itself)
    import graphviz.backend.execute as execute

    def missing(cmd, **kwargs):
        raise graphviz.ExecutableNotFound(cmd)

    monkeypatch.setattr(execute, "run_check", missing)
    *_, o = neuron()
    with pytest.raises(GraphvizNotFoundError, match="brew install graphviz"):
        draw_graph(o).render(outfile=tmp_path / "x.svg")


# -- layouts dot cannot finish, timeouts, no orphaned dot ------------------------------------------


def _shared_sum(n):
    """x + x + ... + x (n terms): x feeds every add, so dot must route n long edges."""
    x = Value(1.0, label="x")
    y = x
    for _ in range(n - 1):
        y = y + x
    y.backward()
    return y


SLOW_GRAPH = (  # a layout dot 2.43 did not finish in 10 minutes (or crashed on)
    "from autograd import Value\n"
    "from viz import draw_graph\n"
    "a, b = Value(1.0, label='a'), Value(2.0, label='b')\n"
    "z = a\n"
    "for _ in range(80):\n"
    "    z = z * b + a\n"
    "g = draw_graph(z, max_nodes=None)\n"
)


def test_estimate_layout_counts_virtual_nodes_and_crowding():
    from viz.dot import estimate_layout

    g = GradbookDigraph()
    for name in "xab":
        g.node(name)
    g.edge("x", "a")
    g.edge("a", "b")
    g.edge("x", "b")  # ranks x 0, a 1, b 2: this edge spans two ranks, one virtual node
    est = estimate_layout(g.source)
    # segments between ranks 0-1: x->a and x->b's first half; 1-2: a->b and its second half
    assert (est.nodes, est.edges, est.virtual_nodes, est.crowding) == (3, 3, 1, 2**2 + 2**2)
    # a leaf is placed next to its first use: c -> b alone spans one rank, no virtual node
    g.edge("c", "b")
    assert estimate_layout(g.source).virtual_nodes == 1


def test_a_layout_dot_cannot_finish_is_refused_before_dot_runs(monkeypatch):
    import viz.dot

    def never(*args, **kwargs):
        raise AssertionError("dot was started")

    monkeypatch.setattr(viz.dot, "run_dot", never)
    g = draw_graph(_shared_sum(200), max_nodes=None)
    with pytest.raises(viz.dot.GraphTooLargeError, match=r"too large for Graphviz's dot to lay "
                                                         r"out quickly \(399 nodes"):
        g.pipe(format="svg")
    with pytest.raises(viz.dot.GraphTooLargeError, match="max_nodes=60"):
        to_svg(_shared_sum(200), max_nodes=None)  # an explicit max_nodes is obeyed


@needs_dot
def test_render_graph_collapses_further_until_dot_can_lay_it_out(tmp_path):
    from viz.dot import estimate_layout

    y = _shared_sum(990)  # 1,979 characters typed; dot ran over 580 s on it
    assert estimate_layout(draw_graph(y).source).too_large()  # the default 500 boxes
    path = render_graph(y, tmp_path / "sum.svg")
    texts = " ".join(t.text for t in ET.parse(path).iter() if t.text)
    assert "990 nodes" in texts and "collapsed" in texts
    drawn = int(re.search(r"max_nodes=(\d+)", texts).group(1))
    assert drawn < 500


def _children_named(pid: int, name: str) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            comm = stat[stat.index("(") + 1: stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            if comm == name and int(fields[1]) == pid and fields[0] != "Z":
                out.append(int(entry.name))
    return out


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"  # a zombie has finished


def _wait_for(condition, seconds: float = 60.0) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


linux_and_dot = pytest.mark.skipif(
    shutil.which("dot") is None or not Path("/proc/self/stat").exists(),
    reason="needs Graphviz's dot and Linux's /proc")


@linux_and_dot
def test_dot_past_its_timeout_is_killed():
    import os

    from viz.dot import GraphvizError

    namespace: dict = {}
    exec(SLOW_GRAPH, namespace)
    with pytest.raises(GraphvizError, match=r"did not finish within 0.5 s and was stopped"):
        namespace["g"].pipe(format="svg", check_size=False, timeout=0.5)
    assert _children_named(os.getpid(), "dot") == []


@linux_and_dot
@pytest.mark.parametrize("how", ["SIGINT", "SIGKILL"])
def test_no_dot_is_left_running_when_the_drawing_process_stops(how):
    import signal
    import subprocess
    import sys

    script = SLOW_GRAPH + "print('drawing', flush=True)\ng.pipe(format='svg', check_size=False)\n"
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "drawing"
        assert _wait_for(lambda: _children_named(proc.pid, "dot"))
        (dot,) = _children_named(proc.pid, "dot")
        proc.send_signal(getattr(signal, how))
        proc.wait(timeout=60)
        assert _wait_for(lambda: not _alive(dot)), f"dot {dot} still running after {how}"
        if how == "SIGINT":
            assert proc.returncode != 0 and "KeyboardInterrupt" in proc.stderr.read()
    finally:
        proc.kill()
        proc.wait(timeout=60)
        proc.stdout.close()
        proc.stderr.close()


@needs_dot
def test_a_huge_label_is_shortened_not_a_broken_pipe():
    x = Value(2.0, label="L" * 100_000)
    y = x * 3.0
    y.backward()
    texts = [t for lines in parse_svg(to_svg(y)).values() for t in lines]
    shown = [t for t in texts if t.startswith("L")]
    assert shown == ["L" * 199 + "\u2026"]


@needs_dot
def test_dot_failing_is_one_clear_error():
    from viz.dot import GraphvizError

    g = GradbookDigraph()
    g.node("a", label="<" + "L" * 20_000 + ">")  # dot's HTML labels stop at 16,384 characters
    with pytest.raises(GraphvizError, match=r"Graphviz's dot failed \(exit code 1\): Error"):
        g.pipe(format="svg")


@needs_dot
def test_render_graph_replaces_a_symlink_atomically(tmp_path):
    *_, o = neuron()
    target = tmp_path / "elsewhere.svg"
    target.write_text("not yours")
    link = tmp_path / "graph.svg"
    link.symlink_to(target)
    render_graph(o, link)
    assert target.read_text() == "not yours" and not link.is_symlink()
    ET.parse(link)


# -- layering -------------------------------------------------------------------------------------


def test_viz_uses_only_the_public_autograd_api():
    public = set(autograd.__all__) | {"Tensor"}
    for path in Path(__file__).resolve().parents[1].joinpath("viz").glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and (
                node.module.split(".")[0] == "autograd"
            ):
                assert node.module == "autograd", (path.name, node.module)
                assert all(a.name in public for a in node.names), (path.name, node.names)
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                    and node.value.id == "autograd"):
                assert not node.attr.startswith("_"), (path.name, node.attr)
