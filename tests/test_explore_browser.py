"""The explore page in a real browser: Debian's headless Chromium, driven with the standard
library only (``--dump-dom`` and ``--screenshot``; the URL fragment ``#press=next*K`` makes the
page's own script press Next K times through the button's handler).

Each test loads a saved page, lets its script run, and checks the DOM's text and classes against
the engine's numbers. ``make test`` installs Chromium when it is missing (``make chromium``)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from autograd import Value, topological_order
from viz import explain_grad, explore

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make chromium)"),
    pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' not installed"),
]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--host-resolver-rules=MAP * ~NOTFOUND",  # the page must need no network at all
         "--virtual-time-budget=5000"]
B = 6.8813735870195432  # atanh(1/√2)


def chromium(tmp_path: Path, *args: str) -> str:
    """Run headless Chromium with a fresh profile; its stdout."""
    profile = tmp_path / f"profile{len(list(tmp_path.glob('profile*')))}"
    r = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *args],
                       capture_output=True, text=True, timeout=120, check=False)
    assert r.returncode == 0, r.stderr[-2000:]
    return r.stdout


class Dom(HTMLParser):
    """What the tests read from a dumped DOM: per graph node its classes and data/grad texts,
    the step panel's lines, the paths panel's lines and the root element's attributes."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.nodes: dict[str, dict] = {}
        self.main: dict = {}
        self.step: list[str] = []
        self.paths: list[str] = []
        self.info = ""
        self._in_info = False
        self._node = None
        self._field = None
        self._depth = 0
        self._panel: list[str] | None = None
        self._panel_depth = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "main":
            self.main = a
        self._in_info = a.get("id") == "gb-info"
        if self._panel is not None and tag == "div":
            self._panel_depth += 1
            self._panel.append("")
        elif a.get("id") in ("gb-step", "gb-paths"):
            self._panel = self.step if a["id"] == "gb-step" else self.paths
            self._panel_depth = 0
        if tag == "g" and "data-node" in a:
            self._node = a["data-node"]
            self.nodes[self._node] = {"class": set(a.get("class", "").split())}
            self._depth = 0
        elif tag == "g" and self._node:
            self._depth += 1
        if tag == "text" and self._node and a.get("class") in ("gb-data", "gb-grad"):
            self._field = a["class"][3:]

    def handle_endtag(self, tag):
        self._in_info = False
        if tag == "text":
            self._field = None
        if tag == "g" and self._node:
            if self._depth == 0:
                self._node = None
            else:
                self._depth -= 1
        if tag == "div" and self._panel is not None:
            if self._panel_depth == 0:
                self._panel = None
            else:
                self._panel_depth -= 1

    def handle_data(self, data):
        if self._in_info:
            self.info += data
        if self._field and self._node:
            self.nodes[self._node][self._field] = data
        if self._panel is not None and self._panel:
            self._panel[-1] += data


def number(text: str) -> float:
    return float(text.split()[-1])


@pytest.fixture
def page(tmp_path):
    """A diamond (x used by two ops, and a + a): the explorer and its saved page."""
    x, w = Value(2.0, label="x"), Value(-3.0, label="w")
    a = x * w
    a.label = "a"
    t = a + a
    t.label = "t"
    L = (t + Value(B, label="b")).tanh() * x
    L.label = "L"
    e = explore(L)
    return e, e.save(tmp_path / "page.html"), (L, x, w, a, t)


def load(tmp_path: Path, path: Path, fragment: str) -> Dom:
    return Dom(chromium(tmp_path, "--dump-dom", f"{path.as_uri()}#{fragment}"))


def test_next_until_the_end_matches_the_engine(page, tmp_path):
    e, path, (L, x, w, a, t) = page
    dom = load(tmp_path, path, "press=next*1000")
    last = len(e.steps) - 1
    assert dom.main["data-step"] == str(last) and dom.main["data-phase"] == "end"
    assert "gb-js" in dom.main["class"]
    for node in topological_order(L):
        L.grad = 0.0
        node.grad = 0.0
    L.backward()
    ids = {n: f"v{i}" for i, n in enumerate(topological_order(L))}
    for node in (x, w, a, t):
        shown = dom.nodes[ids[node]]
        assert "gb-final" in shown["class"]
        assert number(shown["grad"]) == pytest.approx(node.grad, abs=1e-4)
    # closed form: L = tanh(2xw + b)·x, dL/dw = 2x²(1 - tanh²(.)) with 2xw + b = -12 + b
    th = 1 - __import__("math").tanh(-12 + B) ** 2
    assert number(dom.nodes[ids[w]]["grad"]) == pytest.approx(2 * 4 * th, abs=1e-4)
    assert dom.step == list(e.steps[-1].lines)


def test_each_step_shows_its_text_and_states(page, tmp_path):
    e, path, (L, x, w, a, t) = page
    ids = {n: f"v{i}" for i, n in enumerate(topological_order(L))}
    # the step where t = a + a sends its gradient: a receives two terms, in one step
    k = next(i for i, s in enumerate(e.steps) if s.phase == "backward" and s.node is t)
    dom = load(tmp_path, path, f"press=next*{k}")
    assert dom.main["data-step"] == str(k) and dom.step == list(e.steps[k].lines)
    assert "gb-current" in dom.nodes[ids[t]]["class"]
    assert "gb-current" in dom.nodes[ids[t] + "_op"]["class"]
    a_total = e.steps[k].contributions[-1].total
    assert "gb-final" in dom.nodes[ids[a]]["class"]
    assert number(dom.nodes[ids[a]]["grad"]) == pytest.approx(a_total, abs=1e-4)
    # x is used by the product a = x·w and by L = (...)·x: one term arrived, one to come
    assert "gb-partial" in dom.nodes[ids[x]]["class"]
    assert "gb-wait" in dom.nodes[ids[w]]["class"] and dom.nodes[ids[w]]["grad"] == "grad ?"
    # a forward step: the node is computed, later ones still unknown
    dom = load(tmp_path, path, "step=1")
    assert dom.step == ["a = x·w = 2 · (-3) = -6"]
    assert "gb-known" in dom.nodes[ids[a]]["class"] and dom.nodes[ids[a]]["data"] == "data -6.0000"
    assert "gb-wait" in dom.nodes[ids[t]]["class"] and dom.nodes[ids[t]]["data"] == "data ?"


def test_clicking_a_leaf_lists_its_paths(page, tmp_path):
    e, path, (L, x, w, a, t) = page
    dom = load(tmp_path, path, "press=next*1000&leaf=x")  # a click on x's box
    expected = explain_grad(L, x).lines()
    assert dom.paths == expected
    assert len(explain_grad(L, x).paths) == 3  # via a (as both arguments of +) and directly


def test_keys_slider_play_and_hover_drive_the_same_steps(page, tmp_path):
    e, path, (L, x, w, a, t) = page
    # drag the slider to 5, press → twice and ← once: step 6
    dom = load(tmp_path, path, "slider=5&press=right*2&press=left&hover=x")
    assert dom.main["data-step"] == "6" and dom.step == list(e.steps[6].lines)
    # hovering x shows its op, data, shape and gradient (dL/dx from the engine)
    assert dom.info.startswith("x: leaf") and "data 2" in dom.info and "shape ()" in dom.info
    grad_line = next(line for line in dom.info.splitlines() if line.startswith("grad"))
    assert number(grad_line) == pytest.approx(e.grads[x], abs=1e-4)
    # Play advances on its own, one step per tick, and stops at the end
    dom = load(tmp_path, path, "press=play")
    assert 2 <= int(dom.main["data-step"]) <= len(e.steps) - 1
    dom = load(tmp_path, path, "press=prev*3")  # disabled at the start: nothing happens
    assert dom.main["data-step"] == "0"


def test_screenshot_of_a_backward_step(page, tmp_path):
    e, path, (L, x, w, a, t) = page
    k = next(i for i, s in enumerate(e.steps) if s.phase == "backward" and s.node is t)
    shot = tmp_path / "step.png"
    chromium(tmp_path, f"--screenshot={shot}", "--window-size=1200,800", "--hide-scrollbars",
             f"{path.as_uri()}#step={k}")
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1200, 800)


def test_without_scripts_the_static_graph_is_the_end_state(page, tmp_path):
    # Chromium's headless mode cannot dump a page with Blink scripting disabled
    # (--blink-settings=scriptEnabled=false gives no output), so the page's scripts are
    # blocked by a Content-Security-Policy instead: the same page, none of its script run.
    e, path, (L, x, w, a, t) = page
    blocked = path.with_name("blocked.html")
    csp = '<meta http-equiv="Content-Security-Policy" content="script-src \'none\'">'
    blocked.write_text(path.read_text(encoding="utf-8").replace(
        '<meta charset="utf-8">', '<meta charset="utf-8">' + csp, 1), encoding="utf-8")
    text = chromium(tmp_path, "--dump-dom", blocked.as_uri())
    dom = Dom(text)
    assert "gb-js" not in dom.main["class"]
    assert re.search(r'<div class="gb-controls" hidden', text)
    ids = {n: f"v{i}" for i, n in enumerate(topological_order(L))}
    assert dom.nodes[ids[w]]["grad"] == f"grad {e.grads[w]:.4f}"
    assert "?" not in "".join(v.get("grad", "") + v.get("data", "") for v in dom.nodes.values())
    assert re.search(r"<details class=\"gb-all\" open", text)  # every step, as text
