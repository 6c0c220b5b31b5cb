"""The `gradbook` command, run as a user runs it: in a subprocess."""

import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import version

import numpy as np
import pytest


def test_version_matches_installed_metadata():
    result = subprocess.run(
        [sys.executable, "-m", "gradbook", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    prog, _, shown = result.stdout.strip().partition(" ")
    assert prog == "gradbook"
    assert shown == version("gradbook")

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "gradbook", *args], capture_output=True,
                          text=True, timeout=300, check=False, cwd=cwd)


def test_graph_prints_gradients_and_writes_an_svg(tmp_path):
    out = tmp_path / "neuron.svg"
    r = run("graph", "tanh(x*w + b)", "x=2", "w=-3", "b=6.8813735870195432", "-o", str(out))
    assert r.returncode == 0, r.stderr
    # o = tanh(0.8813...) = 1/√2; do/dn = 1 - 1/2 = 1/2; dx = w/2, dw = x/2, db = 1/2
    assert "= 0.707107" in r.stdout
    assert "d/dx = -1.5" in r.stdout and "d/dw = 1\n" in r.stdout and "d/db = 0.5" in r.stdout
    texts = [t.text for t in ET.parse(out).iter() if t.text]
    assert any(t.strip() == "x" for t in texts) and any("tanh" in t for t in texts)


def test_graph_png_and_options(tmp_path):
    out = tmp_path / "g.png"
    r = run("graph", "x**2 * sin(y)", "x=1", "y=0.5", "--rankdir", "TB", "--no-grad",
            "--format", "png", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert out.read_bytes()[:8] == PNG_SIGNATURE


@pytest.mark.parametrize(
    "expression, assignment",
    [
        ("__import__('os').system('touch PWNED')", "x=1"),
        ("x.__class__", "x=1"),
        ("(lambda: 1)()", "x=1"),
        ("[a for a in (1, 2)]", "x=1"),
        ("foo(x)", "x=1"),
        ("tanh(x", "x=1"),
        ("x + 1", "x=abc"),
        ("x[0]", "x=1"),
        ("open('f')", "x=1"),
        ("y + 1", "x=1"),
    ],
)
def test_malicious_or_malformed_expressions_are_refused(expression, assignment, tmp_path):
    r = run("graph", expression, assignment, "-o", str(tmp_path / "g.svg"), cwd=tmp_path)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gradbook graph: "), r.stderr
    assert "Traceback" not in r.stderr
    assert not (tmp_path / "PWNED").exists() and not (tmp_path / "g.svg").exists()


def test_gradcheck_passes_and_prints_the_table():
    r = run("gradcheck", "x**3 * sin(y)", "x=1.3", "y=0.4")
    assert r.returncode == 0, r.stderr
    # d/dx = 3x² sin y, d/dy = x³ cos y
    assert f"{3 * 1.3**2 * math.sin(0.4):.6g}" in r.stdout
    assert f"{1.3**3 * math.cos(0.4):.6g}" in r.stdout
    assert "gradcheck passed" in r.stdout


def test_gradcheck_exits_nonzero_on_a_mismatch():
    # step has derivative 0 by convention; across its jump the finite difference is huge
    r = run("gradcheck", "step(x)", "x=0", "--eps", "1e-3")
    assert r.returncode == 1 and "FAILED" in r.stdout


def test_train_writes_every_output(tmp_path):
    r = run("train", "--data", "moons", "--epochs", "2", "--samples", "60", "--no-progress",
            "--out", str(tmp_path / "out"))
    assert r.returncode == 0, r.stderr
    out = tmp_path / "out"
    assert "epoch   2" in r.stdout
    for name in ("model.npz", "history.json", "history.csv", "loss.png",
                 "decision_boundary.png", "neuron.svg", "summary.json"):
        assert (out / name).exists(), name
    assert (out / "loss.png").read_bytes()[:8] == PNG_SIGNATURE
    ET.parse(out / "neuron.svg")
    hist = json.loads((out / "history.json").read_text())
    assert len(hist["loss"]) == 2
    import nn

    model = nn.MLP(2, [16, 16, 1], seed=123).load(out / "model.npz")  # reloads
    assert model.num_parameters() == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1


def test_train_on_a_csv_file_with_the_tensor_engine(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    path = tmp_path / "points.csv"
    rows = ["a,b,c,target"] + [",".join(f"{v:.6f}" for v in (*x, t)) for x, t in zip(X, y)]
    path.write_text("\n".join(rows) + "\n")
    r = run("train", "--data", f"csv:{path}", "--engine", "tensor", "--hidden", "8",
            "--epochs", "3", "--no-progress", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    assert "task regression" in r.stdout
    assert (tmp_path / "o" / "model.npz").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "is empty"),
        ("1,2,3\n4,5\n", "data row 2 has 2 cells but the first row has 3"),
        ("1,2,3\n4,five,6\n", "non-numeric cell 'five'"),
        ("x,y\n", "header but no data rows"),
    ],
)
def test_bad_csv_files_are_explained(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    r = run("train", "--data", f"csv:{path}", "--no-progress", "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert message in r.stderr and "Traceback" not in r.stderr


def test_unknown_data_set_is_explained(tmp_path):
    r = run("train", "--data", "imagenet", "--out", str(tmp_path / "o"))
    assert r.returncode == 2 and "unknown data set 'imagenet'" in r.stderr


def test_demo_runs_end_to_end(tmp_path):
    r = run("demo", "--steps", "3", "--out", str(tmp_path / "d"))
    assert r.returncode == 0, r.stderr
    for name in ("model.npz", "loss.png", "decision_boundary.png", "neuron.svg", "gradcheck.txt"):
        assert (tmp_path / "d" / name).exists(), name
    assert "gradcheck passed" in (tmp_path / "d" / "gradcheck.txt").read_text()
    assert "notebooks/README.md" in r.stdout
    # the neuron the demo points at is an active one: its weights' gradients da/dw = f′(z)·x
    # are not all zero (a dead ReLU on the drawn sample would show only zeros)
    texts = [t.text.strip() for t in ET.parse(tmp_path / "d" / "neuron.svg").iter() if t.text]
    grads = [float(t.split()[1].replace("\u2212", "-")) for t in texts if t.startswith("grad ")]
    assert "first layer on sample" in " ".join(texts)
    assert sum(g != 0.0 for g in grads) >= len(grads) - 1, grads


def test_help_has_examples():
    for cmd in ("graph", "gradcheck", "train", "demo"):
        r = run(cmd, "--help")
        assert r.returncode == 0 and "Example" in r.stdout, cmd




README_GRAPH = ["graph", "tanh(x1*w1 + x2*w2 + b)", "x1=2", "x2=0", "w1=-3", "w2=1",
                "b=6.8813735870195432"]


def _svg_texts(path):
    return sorted(t.text.strip() for t in ET.parse(path).iter() if t.text and t.text.strip())


def test_the_readme_picture_is_what_the_code_draws(tmp_path):
    """docs/neuron.svg (shown at the top of the README) is regenerated by
    `gradbook graph "tanh(x1*w1 + x2*w2 + b)" x1=2 x2=0 w1=-3 w2=1 b=6.8813735870195432
    -o docs/neuron.svg`; its numbers must be what the engine computes today."""
    import pathlib

    committed = pathlib.Path(__file__).resolve().parents[1] / "docs" / "neuron.svg"
    r = run(*README_GRAPH, "-o", str(tmp_path / "n.svg"))
    assert r.returncode == 0, r.stderr
    assert _svg_texts(committed) == _svg_texts(tmp_path / "n.svg")
    texts = _svg_texts(committed)
    assert "data 0.7071" in texts and "grad -1.5000" in texts  # o = 1/√2, do/dx1 = w1/2
