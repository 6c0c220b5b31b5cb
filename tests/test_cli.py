"""The `gradbook` command, run as a user runs it: in a subprocess."""

import json
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from importlib.metadata import version

import numpy as np
import pytest


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    """The messages these tests check are the English ones, whatever the locale of the machine
    running them (a Chinese one makes gradbook speak Chinese: see tests/test_cli_zh.py)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


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


def test_an_expression_may_start_with_a_minus(tmp_path):
    # argparse would take "-x*2" for an unknown option; d/dx (-x*2) = -2, d/dx -sin(x) = -cos(x)
    r = run("graph", "-x*2", "x=1.5", "-o", str(tmp_path / "g.svg"))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[:2] == ["-x*2 = -3", "  d/dx = -2"]
    r = run("gradcheck", "--eps", "1e-6", "-sin(x)", "x=0.5")
    assert r.returncode == 0 and "gradcheck passed" in r.stdout, r.stderr
    r = run("graph", "x", "x=-1", "-o", str(tmp_path / "h.svg"))     # a negative value stays one
    assert r.returncode == 0 and "x = -1" in r.stdout, r.stderr
    # a malformed one is reported by the subcommand, at the column of the text as typed
    r = run("graph", "-:", "x=1", "-o", str(tmp_path / "i.svg"))
    assert r.returncode == 2 and r.stderr.startswith("gradbook graph: "), r.stderr
    assert "column 2 of '-:'" in r.stderr


def test_unknown_option_is_named_by_the_subcommand():
    r = run("graph", "x", "x=1", "--rankdri", "TB")
    assert r.returncode == 2
    assert r.stderr.splitlines() == [
        "gradbook graph: unrecognized arguments: --rankdri TB (see gradbook graph --help)"]


def test_demo_runs_end_to_end(tmp_path):
    r = run("demo", "--steps", "3", "--out", str(tmp_path / "d"))
    assert r.returncode == 0, r.stderr
    for name in ("model.npz", "loss.png", "decision_boundary.png", "neuron.svg", "neuron.html",
                 "gradcheck.txt"):
        assert (tmp_path / "d" / name).exists(), name
    assert "<svg" in (tmp_path / "d" / "neuron.html").read_text(encoding="utf-8")
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


# -- errors: one line, the right exit code ---------------------------------------------------


def _one_line_error(r, command):
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"gradbook {command}: "), r.stderr
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr
    return lines[0]


def _csv(path, rows):
    path.write_text("\n".join(",".join(str(v) for v in row) for row in rows) + "\n")
    return path


BAD_INPUT = [
    (["graph", "tanh + x", "x=1"], "tanh is a function: call it"),
    (["graph", "clip(x,2,1)", "x=1"], "clip needs lo <= hi"),
    (["graph", "softplus(x,0)", "x=1"], "softplus beta must be positive"),
    (["graph", "1" + "0" * 400 + " + x", "x=1"], "too large for a float"),
    (["graph", "1if x else 2", "x=1"], "a number runs into a name"),
    (["graph", "x", "x=1e999"], "too large for a float"),
    (["gradcheck", "2", "x=1"], "'2' does not depend on x"),
    (["gradcheck", "x", "x=1", "--eps", "0"], "--eps: must be a finite number > 0, got 0"),
    (["gradcheck", "x", "x=1", "--eps", "inf"], "--eps: must be a finite number > 0, got inf"),
    (["gradcheck", "x", "x=1", "--atol", "nan"], "--atol: must be a finite number >= 0"),
    (["demo", "--steps", "0"], "--steps: must be an integer >= 1, got 0"),
    (["train", "--lr", "inf"], "--lr: must be a finite number > 0, got inf"),
    (["train", "--weight-decay", "inf"], "--weight-decay: must be a finite number >= 0"),
    (["train", "--dropout", "1"], "--dropout: must be a finite number >= 0 and < 1"),
    (["train", "--epochs", "0"], "--epochs: must be an integer >= 1"),
    (["train", "--hidden", "100000,100000", "--engine", "tensor"], "GiB to train"),
    (["train", "--hidden", "100000,100000"], "too many for the scalar engine"),
]


@pytest.mark.parametrize("args, message", BAD_INPUT, ids=[" ".join(a)[:40] for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_code_2(tmp_path, args, message):
    r = run(*args, *(["--out", str(tmp_path / "o")] if args[0] == "train" else []), cwd=tmp_path)
    assert r.returncode == 2, r.stderr
    assert message in _one_line_error(r, args[0])
    assert not (tmp_path / "o").exists()


def test_bad_output_paths_are_one_line_errors(tmp_path):
    r = run("graph", "x", "x=1", "-o", str(tmp_path))
    assert r.returncode == 2 and "-o names a folder, not a file" in _one_line_error(r, "graph")
    a_file = tmp_path / "f.txt"
    a_file.write_text("x")
    r = run("train", "--out", str(a_file))
    assert r.returncode == 2 and "--out names a file" in _one_line_error(r, "train")
    r = run("graph", "x", "x=1", "-o", str(a_file / "g.svg"))
    assert r.returncode == 2 and "is not a folder" in _one_line_error(r, "graph")
    assert a_file.read_text() == "x"


def test_data_file_errors_name_the_file(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("caf\xe9,1\n2,3\n".encode("latin-1"))
    r = run("train", "--data", f"csv:{latin}", "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert f"{latin} is not UTF-8 text (byte 0xe9" in _one_line_error(r, "train")
    wide = _csv(tmp_path / "wide.csv", [["1", "2"], ["3", "9" * (200 * 1024)]])
    r = run("train", "--data", f"csv:{wide}", "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert f"{wide}, line 2: field larger than field limit" in _one_line_error(r, "train")


def test_a_diverging_run_exits_1_and_writes_nothing(tmp_path):
    r = run("train", "--lr", "1e300", "--epochs", "3", "--samples", "60", "--no-progress",
            "--out", str(tmp_path / "o"))
    assert r.returncode == 1
    line = _one_line_error(r, "train")
    assert "the loss is nan at epoch 1, step 2 of 2" in line and "nothing was written" in line
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_classes_are_the_distinct_labels_recorded_with_the_model(tmp_path):
    # targets 0, 1000, ..., 19000: 20 classes (not a 19,001-output network)
    rng = np.random.default_rng(0)
    rows = [[f"{a:.4f}", f"{b:.4f}", 1000 * (i % 20)]
            for i, (a, b) in enumerate(rng.normal(size=(100, 2)))]
    path = _csv(tmp_path / "codes.csv", [["a", "b", "code"], *rows])
    r = run("train", "--data", f"csv:{path}", "--engine", "tensor", "--epochs", "1",
            "--no-progress", "--out", str(tmp_path / "o"))
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["task"] == "multiclass"
    assert summary["classes"] == [1000 * k for k in range(20)]
    assert "Linear(in_features=16, out_features=20" in summary["model"]

    r = run("train", "--data", f"csv:{path}", "--task", "regress", "--engine", "tensor",
            "--epochs", "1", "--no-progress", "--out", str(tmp_path / "r"))
    assert r.returncode == 0, r.stderr
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert summary["task"] == "regression" and summary["classes"] == []

    floats = _csv(tmp_path / "floats.csv", [[1, 2, 0.5], [3, 4, 1.5], [5, 6, 0.5]])
    r = run("train", "--data", f"csv:{floats}", "--task", "classify", "--out",
            str(tmp_path / "f"))
    assert r.returncode == 2
    assert "--task classify needs integer class labels" in _one_line_error(r, "train")
    many = _csv(tmp_path / "many.csv", [[i, i] for i in range(1500)])
    r = run("train", "--data", f"csv:{many}", "--task", "classify", "--out", str(tmp_path / "m"))
    assert r.returncode == 2
    assert "1,500 distinct values; a classifier takes at most 1,000" in _one_line_error(r, "train")


def test_output_folders_are_never_mixed(tmp_path):
    out = tmp_path / "o"
    r = run("train", "--data", "moons", "--epochs", "1", "--samples", "60", "--no-progress",
            "--out", str(out))
    assert r.returncode == 0 and (out / "decision_boundary.png").exists()
    rng = np.random.default_rng(1)
    path = _csv(tmp_path / "three.csv", rng.normal(size=(40, 4)).round(4).tolist())
    args = ["train", "--data", f"csv:{path}", "--epochs", "1", "--no-progress", "--out", str(out)]
    r = run(*args)
    assert r.returncode == 2 and "is not empty; use --force" in _one_line_error(r, "train")
    assert (out / "decision_boundary.png").exists()  # untouched
    r = run(*args, "--force")
    assert r.returncode == 0, r.stderr
    # the moons picture is gone: the folder holds this run's files only
    assert not (out / "decision_boundary.png").exists()
    assert json.loads((out / "summary.json").read_text())["data"] == f"csv:{path}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o", "three.csv"]  # nothing staged


def test_ctrl_c_exits_130_with_one_line_and_leaves_nothing(tmp_path):
    import signal

    proc = subprocess.Popen(
        [sys.executable, "-m", "gradbook", "train", "--epochs", "100000", "--samples", "60",
         "--no-progress", "--out", str(tmp_path / "o")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("epoch"):
                break
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode == 130
    assert err.strip() == "gradbook train: interrupted"
    assert list(tmp_path.iterdir()) == []


def test_demo_can_rerun_into_its_own_folder_but_not_into_others(tmp_path):
    out = tmp_path / "d"
    for _ in range(2):
        r = run("demo", "--steps", "1", "--out", str(out))
        assert r.returncode == 0, r.stderr
    other = tmp_path / "mine"
    other.mkdir()
    (other / "thesis.tex").write_text("important")
    r = run("demo", "--steps", "1", "--out", str(other))
    assert r.returncode == 2 and "is not empty" in _one_line_error(r, "demo")
    assert (other / "thesis.tex").read_text() == "important"


def test_a_sum_of_990_terms_is_drawn_collapsed(tmp_path):
    expr = "+".join(["x"] * 990)  # dot ran over 580 s on it; the flat sum once was "too deep"
    r = run("graph", expr, "x=1", "-o", str(tmp_path / "g.svg"))
    assert r.returncode == 0, r.stderr
    assert "d/dx = 990" in r.stdout
    texts = " ".join(t.text for t in ET.parse(tmp_path / "g.svg").iter() if t.text)
    assert "990 nodes" in texts and "collapsed" in texts


def test_idx_folder_with_a_tilde(tmp_path):
    import gzip
    import struct

    home = tmp_path / "home"
    (home / "fashion").mkdir(parents=True)
    rng = np.random.default_rng(0)
    for prefix, n in (("train", 30), ("t10k", 10)):
        images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
        labels = (np.arange(n) % 3).astype(np.uint8)
        for kind, arr, dims in (("images-idx3", images, (n, 28, 28)),
                                ("labels-idx1", labels, (n,))):
            raw = bytes([0, 0, 8, len(dims)]) + struct.pack(f">{len(dims)}I", *dims)
            path = home / "fashion" / f"{prefix}-{kind}-ubyte.gz"
            path.write_bytes(gzip.compress(raw + arr.tobytes()))
    env = {**__import__("os").environ, "HOME": str(home)}
    r = subprocess.run([sys.executable, "-m", "gradbook", "train", "--data", "idx:~/fashion",
                        "--hidden", "8", "--epochs", "1", "--no-progress", "--out",
                        str(tmp_path / "o")], capture_output=True, text=True, timeout=300,
                       env=env, check=False)
    assert r.returncode == 0, r.stderr
    assert "30 training and 10 test samples, 784 features, task multiclass (3 classes" in r.stdout


def test_an_output_symlink_is_replaced_not_written_through(tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep")
    link = tmp_path / "g.svg"
    link.symlink_to(target)
    r = run("graph", "x*2", "x=1", "-o", str(link))
    assert r.returncode == 0, r.stderr
    assert target.read_text() == "keep" and not link.is_symlink()
