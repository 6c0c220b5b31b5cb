"""`gradbook export` and `gradbook predict`, run as a user runs them (in a subprocess), on a
model `gradbook train` wrote from a CSV file whose features are around 1000: the ONNX graph
takes the raw rows (the standardisation train applied is part of it), the safetensors weights
have PyTorch's names, and predict prints what the model decides; nn.Standardize itself."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from helpers import one_line_error

import nn
from gradbook import cli
from gradbook.jobs import load_dataset, load_trained
from nn.data import Standardizer

ort = pytest.importorskip("onnxruntime")
pytest.importorskip("onnx")
safetensors_numpy = pytest.importorskip("safetensors.numpy")

#: The original class labels of the CSV file (not 0 and 1: predict prints these).
LABELS = (3, 7)


@pytest.fixture(autouse=True)
def english_locale(monkeypatch):
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gradbook", *args], capture_output=True,
                          text=True, timeout=300, check=False, cwd=cwd)


def predictions(stdout: str) -> list[str]:
    rows = list(csv.reader(io.StringIO(stdout)))
    assert rows[0] == ["prediction"]
    assert all(len(r) == 1 for r in rows[1:])
    return [r[0] for r in rows[1:]]


def write_csv(path: Path, X: np.ndarray, y: np.ndarray | None = None,
              header: list[str] | None = None) -> Path:
    with path.open("w", newline="") as fh:
        w = csv.writer(fh)
        if header:
            w.writerow(header)
        for i, row in enumerate(X):
            w.writerow([f"{v:.6f}" for v in row] + ([] if y is None else [int(y[i])]))
    return path


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> tuple[Path, np.ndarray, np.ndarray]:
    """200 rows, two features around 1000 (two separable clusters), labels 3 and 7."""
    rng = np.random.default_rng(0)
    n = 200
    cls = rng.integers(0, 2, n)
    X = 1000 + rng.normal(size=(n, 2)) + np.where(cls[:, None] == 1, 4.0, -4.0) * [1.0, 0.5]
    y = np.array(LABELS)[cls]
    path = write_csv(tmp_path_factory.mktemp("data") / "points.csv", X, y, ["a", "b", "label"])
    return path, X, y


@pytest.fixture(scope="module", params=["tensor", "value"])
def trained(request, data, tmp_path_factory) -> tuple[Path, str]:
    """The --out folder of `gradbook train` on the points, with each engine."""
    path = data[0]
    folder = tmp_path_factory.mktemp(f"run-{request.param}")
    hidden = "16,16" if request.param == "tensor" else "8"
    r = run("train", "--data", f"csv:{path}", "--engine", request.param, "--hidden", hidden,
            "--epochs", "4", "--no-progress", "--out", str(folder / "run"))
    assert r.returncode == 0, r.stderr
    return folder / "run", request.param


# -- the record train writes ---------------------------------------------------------------


def test_train_writes_the_record_beside_the_weights(trained, data):
    out, engine = trained
    record = json.loads((out / "model.json").read_text())
    hidden = [16, 16] if engine == "tensor" else [8]
    assert record == {
        "format": "gradbook-model", "version": 1, "engine": engine, "sizes": [2, *hidden, 1],
        "activation": "relu", "dropout": 0.0, "task": "binary", "loss": "hinge",
        "classes": list(LABELS), "features": 2, "standardize": record["standardize"],
        "weights": "model.npz",
    }
    # the statistics of the training rows (the split train makes), exactly
    ds = load_dataset(f"csv:{data[0]}", seed=0)
    std = Standardizer().fit(ds.X_train)
    assert record["standardize"] == {"mean": std.mean_.tolist(), "std": std.std_.tolist()}
    assert "model.json" in json.loads((out / "summary.json").read_text())["files"]


# -- ONNX: raw rows in, scores out ---------------------------------------------------------


def onnx_scores(path: Path, X: np.ndarray, dtype: type) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"input": X.astype(dtype)})
    assert out.dtype == dtype
    return out


def test_the_onnx_graph_takes_the_raw_rows(trained, data, tmp_path):
    out, engine = trained
    path, X, y = data
    r = run("export", str(out), "-o", str(tmp_path / "m.onnx"))
    assert r.returncode == 0, r.stderr
    assert "ONNX graph written to" in r.stdout and "float32" in r.stdout
    r = run("export", str(out / "model.npz"), "-o", str(tmp_path / "m64.onnx"), "--dtype",
            "float64")
    assert r.returncode == 0, r.stderr

    # gradbook's own scores: its forward on the standardized rows
    model = load_trained(out)
    ref = nn.train.predict(model.model, model.standardizer.transform(X)).reshape(len(X), -1)
    s64 = onnx_scores(tmp_path / "m64.onnx", X, np.float64)
    s32 = onnx_scores(tmp_path / "m.onnx", X, np.float32)
    assert s64.shape == s32.shape == (len(X), 1)
    np.testing.assert_allclose(s64, ref, rtol=0, atol=1e-5)
    # float32 rounds a raw feature near 1000 by up to 3e-5 before the graph even starts,
    # which the standardisation and the network carry into the scores
    np.testing.assert_allclose(s32, ref, rtol=0, atol=5e-4)

    # the decisions: hinge scores above 0 are the second class, for every row
    r = run("predict", str(out), "--data", f"csv:{path}")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    printed = predictions(r.stdout)
    for scores in (s32, s64):
        decided = [str(LABELS[int(s > 0)]) for s in scores[:, 0]]
        assert decided == printed
    assert np.mean(np.array(printed, dtype=int) == y) > 0.95  # it learned the clusters


def test_predict_accuracy_is_what_train_reported(trained, data, tmp_path):
    out, _ = trained
    final = json.loads((out / "summary.json").read_text())["final"]
    ds = load_dataset(f"csv:{data[0]}", seed=0)  # the split train made
    truth = np.array(ds.labels)[ds.y_test]
    test_rows = write_csv(tmp_path / "test.csv", ds.X_test)
    r = run("predict", str(out), "--data", f"csv:{test_rows}")
    assert r.returncode == 0, r.stderr
    printed = np.array(predictions(r.stdout), dtype=int)
    assert np.mean(printed == truth) == pytest.approx(final["val_accuracy"], abs=1e-12)
    run("export", str(out), "-o", str(tmp_path / "m.onnx"))
    scores = onnx_scores(tmp_path / "m.onnx", ds.X_test, np.float32)[:, 0]
    onnx_labels = np.array(LABELS)[(scores > 0).astype(int)]
    assert np.mean(onnx_labels == truth) == pytest.approx(final["val_accuracy"], abs=1e-12)


# -- safetensors: PyTorch's names, and the record beside them --------------------------------


def test_safetensors_export_has_pytorchs_names_and_its_record(trained, data, tmp_path):
    out, engine = trained
    target = tmp_path / "weights" / "m.safetensors"
    r = run("export", str(out), "-o", str(target))
    assert r.returncode == 0, r.stderr
    tensors = safetensors_numpy.load_file(str(target))
    hidden = [16, 16] if engine == "tensor" else [8]
    sizes = [2, *hidden, 1]
    expected = {}
    for i, (n_in, n_out) in enumerate(zip(sizes, sizes[1:])):
        expected[f"{2 * i}.weight"] = (n_out, n_in)  # Linear, activation, Linear, ...
        expected[f"{2 * i}.bias"] = (n_out,)
    assert {k: v.shape for k, v in tensors.items()} == expected
    record = json.loads(target.with_suffix(".json").read_text())
    original = json.loads((out / "model.json").read_text())
    assert record == {**original, "weights": "m.safetensors"}
    # the weights are the model's, and predict reads them with their record
    model = load_trained(out)
    first = model.model[0] if engine == "tensor" else model.model.to_sequential()[0]
    np.testing.assert_array_equal(tensors["0.weight"], first.weight.data)
    a = run("predict", str(target), "--data", f"csv:{data[0]}")
    b = run("predict", str(out / "model.npz"), "--data", f"csv:{data[0]}")
    assert a.returncode == b.returncode == 0, (a.stderr, b.stderr)
    assert a.stdout == b.stdout and len(predictions(a.stdout)) == 200
    # the .json alone names its weights
    assert run("predict", str(target.with_suffix(".json")), "--data",
               f"csv:{data[0]}").stdout == a.stdout


# -- predict: the data it takes and what it writes -------------------------------------------


@pytest.fixture(scope="module")
def tensor_run(data, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("run")
    r = run("train", "--data", f"csv:{data[0]}", "--engine", "tensor", "--epochs", "3",
            "--no-progress", "--out", str(folder / "run"))
    assert r.returncode == 0, r.stderr
    return folder / "run"


def test_predict_reads_rows_with_or_without_the_target(tensor_run, data, tmp_path):
    _, X, y = data
    with_target = run("predict", str(tensor_run), "--data", f"csv:{data[0]}")
    features_only = write_csv(tmp_path / "features.csv", X)  # no header, no target
    without = run("predict", str(tensor_run), "--data", f"csv:{features_only}")
    assert with_target.returncode == without.returncode == 0, without.stderr
    assert with_target.stdout == without.stdout
    # stdout is exactly the CSV: the header and one label per row
    assert with_target.stdout.splitlines()[0] == "prediction"
    assert len(with_target.stdout.splitlines()) == len(X) + 1
    assert set(predictions(with_target.stdout)) <= {str(v) for v in LABELS}
    assert with_target.stderr == ""


def test_predict_writes_a_file_with_o(tensor_run, data, tmp_path):
    target = tmp_path / "out" / "p.csv"
    r = run("predict", str(tensor_run), "--data", f"csv:{data[0]}", "-o", str(target))
    assert r.returncode == 0, r.stderr
    assert r.stdout == ""
    assert r.stderr.strip() == f"200 predictions written to {target}"
    expected = run("predict", str(tensor_run), "--data", f"csv:{data[0]}").stdout
    assert target.read_text() == expected
    r = run("predict", str(tensor_run), "--data", f"csv:{data[0]}", "-o", str(target))
    assert r.returncode == 2
    assert "exists; use --force to replace it" in one_line_error(r, "predict")
    target.write_text("old")
    r = run("predict", str(tensor_run), "--data", f"csv:{data[0]}", "-o", str(target),
            "--force")
    assert r.returncode == 0 and target.read_text() == expected


def test_predict_on_a_built_in_set_checks_the_feature_count(tensor_run, tmp_path):
    r = run("predict", str(tensor_run), "--data", "moons", "--samples", "30")
    assert r.returncode == 0, r.stderr
    assert len(predictions(r.stdout)) == 30
    r = run("predict", str(tensor_run), "--data", "digits")
    assert r.returncode == 2
    assert "the data set digits has 64 features, but the model takes 2" in \
        one_line_error(r, "predict")


def test_rows_of_the_wrong_width_are_one_line(tensor_run, tmp_path):
    wide = tmp_path / "wide.csv"
    wide.write_text("1,2,3,4\n5,6,7,8\n")
    r = run("predict", str(tensor_run), "--data", f"csv:{wide}")
    assert r.returncode == 2 and r.stdout == ""
    assert (f"{wide}: data row 1 has 4 columns, but the model takes 2 features (or 3 "
            "columns, the last one a target)") in one_line_error(r, "predict")
    narrow = tmp_path / "narrow.csv"
    narrow.write_text("1000\n1001\n")
    r = run("predict", str(tensor_run), "--data", f"csv:{narrow}")
    assert r.returncode == 2 and "data row 1 has 1 columns" in one_line_error(r, "predict")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("1,2\n3,4,5\n")
    r = run("predict", str(tensor_run), "--data", f"csv:{ragged}")
    assert r.returncode == 2
    assert "data row 2 has 3 cells but the first row has 2" in one_line_error(r, "predict")
    r = run("predict", str(tensor_run), "--data", f"csv:{tmp_path / 'missing.csv'}")
    assert r.returncode == 2 and "no CSV file at" in one_line_error(r, "predict")


# -- models that cannot be loaded ------------------------------------------------------------


def test_missing_models_and_files_that_are_not_models(tensor_run, data, tmp_path):
    spec = f"csv:{data[0]}"
    r = run("predict", str(tmp_path / "nothing"), "--data", spec)
    assert r.returncode == 2 and "no model at" in one_line_error(r, "predict")
    r = run("predict", str(data[0]), "--data", spec)  # a CSV file is not a model
    assert r.returncode == 2
    assert "is not a model gradbook can rebuild: there is no record points.json beside it" in \
        one_line_error(r, "predict")
    empty = tmp_path / "empty"
    empty.mkdir()
    r = run("export", str(empty), "-o", str(tmp_path / "m.onnx"))
    assert r.returncode == 2 and "holds no model.json" in one_line_error(r, "export")
    # a model.npz that is not a saved model, with a good record beside it
    fake = tmp_path / "fake"
    fake.mkdir()
    (fake / "model.json").write_text((tensor_run / "model.json").read_text())
    (fake / "model.npz").write_text("not a zip archive")
    r = run("predict", str(fake), "--data", spec)
    assert r.returncode == 2
    line = one_line_error(r, "predict")
    assert "does not hold the weights of the model" in line and "cannot read" in line
    # weights of another model
    other = tmp_path / "other"
    other.mkdir()
    record = json.loads((tensor_run / "model.json").read_text())
    record["sizes"] = [2, 8, 1]
    (other / "model.json").write_text(json.dumps(record))
    (other / "model.npz").write_bytes((tensor_run / "model.npz").read_bytes())
    r = run("predict", str(other), "--data", spec)
    assert r.returncode == 2
    assert "size mismatch for '0.weight'" in one_line_error(r, "predict")
    assert not (tmp_path / "m.onnx").exists()


def _mutate(record: dict, change: dict) -> dict:
    record = json.loads(json.dumps(record))
    for key, value in change.items():
        if value is _DELETE:
            del record[key]
        else:
            record[key] = value
    return record


_DELETE = object()

BAD_RECORDS = [
    ({"format": "onnx"}, "not a model record: its format is 'onnx', not 'gradbook-model'"),
    ({"version": 2}, "model record version 2 is not supported (this gradbook reads version 1)"),
    ({"version": "1"}, "model record version '1' is not supported"),
    ({"sizes": _DELETE}, "the model record lacks sizes"),
    ({"extra": 1}, "the model record has unknown keys: 'extra'"),
    ({"sizes": [2, 16, 0, 1]}, "sizes must be a list of two or more positive integers"),
    ({"sizes": [2, 16, True, 1]}, "sizes must be a list of two or more positive integers"),
    ({"sizes": [3, 16, 16, 1]}, "features is 2 but sizes starts with 3"),
    ({"sizes": [2, 16, 16, 3]}, "a binary model with the hinge loss and 2 classes has 1 "
                                "outputs, but sizes ends with 3"),
    ({"standardize": {"mean": [1.0], "std": [1.0]}},
     "standardize has 1 means and 1 deviations for 2 features"),
    ({"standardize": {"mean": [1.0, 2.0], "std": [1.0, 0.0]}},
     "the deviations in standardize must be positive"),
    ({"standardize": {"mean": [1.0, "HUGE"], "std": [1.0, 1.0]}},
     "standardize must be an object of two lists of finite numbers"),
    ({"classes": [3, 3]}, "classes must be a list of distinct finite numbers"),
    ({"classes": [3, 7, 9]}, "a binary model with the hinge loss and 3 classes is not one "
                             "gradbook train makes"),
    ({"engine": "torch"}, "engine must be one of value, tensor, got 'torch'"),
    ({"dropout": 1.5}, "dropout must be a number in [0, 1)"),
    ({"activation": "no-such-thing"}, "cannot build the model it describes: unknown activation"),
    ({"weights": "../model.npz"}, "weights must be the name of a file in the record's folder"),
    ({"weights": "gone.npz"}, "its weights file"),
    ({"sizes": [2, 100000, 100000, 1]}, "GiB to train"),
    ({"engine": "value", "sizes": [2, 1000, 1000, 1]}, "too many for the scalar engine"),
]


@pytest.mark.parametrize("change, message", BAD_RECORDS,
                         # the deletion marker as a word: an object's repr differs between
                         # pytest-xdist's workers, which must collect the same ids
                         ids=[json.dumps(c, default=lambda v: "<delete>")[:40]
                              for c, _ in BAD_RECORDS])
def test_bad_records_are_one_line_naming_the_file(change, message, tensor_run, tmp_path):
    folder = tmp_path / "m"
    folder.mkdir()
    (folder / "model.npz").write_bytes((tensor_run / "model.npz").read_bytes())
    record = _mutate(json.loads((tensor_run / "model.json").read_text()), change)
    # "HUGE": a number JSON reads as inf
    (folder / "model.json").write_text(json.dumps(record).replace('"HUGE"', "1e999"))
    r = run("predict", str(folder), "--data", "moons")
    assert r.returncode == 2, r.stderr
    line = one_line_error(r, "predict")
    assert message in line and str(folder / "model.json") in line
    assert r.stdout == ""


@pytest.mark.parametrize("text, message", [
    ("{", "not a model record: not JSON"),
    ("[1, 2]", "not a model record: its format is [1, 2]"),
    ('{"format": "gradbook-model", "version": 1, "features": NaN}',
     "the model record holds a non-finite number (NaN)"),
    ("[" * 100_000 + "]" * 100_000, "not a model record: not JSON"),
])
def test_malformed_records_are_one_line(text, message, tensor_run, tmp_path):
    (tmp_path / "model.json").write_text(text)
    (tmp_path / "model.npz").write_bytes((tensor_run / "model.npz").read_bytes())
    for command in ("predict", "export"):
        extra = ["--data", "moons"] if command == "predict" else ["-o", str(tmp_path / "x.onnx")]
        r = run(command, str(tmp_path / "model.npz"), *extra)
        assert r.returncode == 2, r.stderr
        assert message in one_line_error(r, command)
    assert not (tmp_path / "x.onnx").exists()


# -- export: suffixes, existing files, unexportable models -----------------------------------


def test_export_refuses_unknown_suffixes_and_existing_files(tensor_run, tmp_path):
    for name in ("m.txt", "m", "m.npz"):
        r = run("export", str(tensor_run), "-o", str(tmp_path / name))
        assert r.returncode == 2
        assert "use .onnx (the graph) or .safetensors (the weights)" in \
            one_line_error(r, "export")
    assert list(tmp_path.iterdir()) == []
    target = tmp_path / "m.safetensors"
    (tmp_path / "m.json").write_text("mine")
    r = run("export", str(tensor_run), "-o", str(target))
    assert r.returncode == 2
    assert f"{tmp_path / 'm.json'} exists; use --force" in one_line_error(r, "export")
    assert not target.exists() and (tmp_path / "m.json").read_text() == "mine"
    r = run("export", str(tensor_run), "-o", str(target), "--force")
    assert r.returncode == 0, r.stderr
    assert json.loads((tmp_path / "m.json").read_text())["weights"] == "m.safetensors"
    r = run("export", str(tensor_run), "-o", str(tmp_path))
    assert r.returncode == 2


def test_an_unexportable_model_is_one_line(tensor_run, tmp_path, monkeypatch, capsys):
    # every model train makes can be exported; without the Standardize converter the graph
    # cannot be built, which export reports as bad input and leaves no file behind
    monkeypatch.delitem(nn.onnx._CONVERTERS, nn.Standardize)
    target = tmp_path / "m.onnx"
    assert cli.main(["export", str(tensor_run), "-o", str(target)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith(f"gradbook export: cannot export {tensor_run}: cannot export "
                             "module 0 (Standardize)")
    assert "no ONNX translation for Standardize" in err[0]
    assert not target.exists()


def test_help_has_examples():
    for command in ("export", "predict"):
        r = run(command, "--help")
        assert r.returncode == 0 and "Examples:" in r.stdout, command
    r = run("--help")
    assert "export" in r.stdout and "predict" in r.stdout


# -- nn.Standardize ---------------------------------------------------------------------------


def test_standardize_computes_the_standardizers_transform():
    rng = np.random.default_rng(1)
    X = 1000 + rng.normal(size=(50, 3)) * [1.0, 20.0, 0.01]
    s = Standardizer().fit(X)
    layer = nn.Standardize.from_standardizer(s)
    out = layer(X)
    np.testing.assert_array_equal(out.data, (X - s.mean_) / s.std_)
    np.testing.assert_allclose(out.data, s.transform(X), rtol=0, atol=1e-15)
    assert sorted(layer.state_dict()) == ["mean", "std"]
    assert layer.parameters() == []  # buffers, not trained
    copy = nn.Standardize(np.zeros(3), np.ones(3))
    copy.load_state_dict(layer.state_dict())
    np.testing.assert_array_equal(copy(X).data, out.data)
    assert repr(layer) == "Standardize(3)"
    with pytest.raises(ValueError, match="last axis has 3 features"):
        layer(X[:, :2])
    with pytest.raises(ValueError, match="fitted Standardizer"):
        nn.Standardize.from_standardizer(Standardizer())
    with pytest.raises(ValueError, match="std must be positive"):
        nn.Standardize([0.0, 1.0], [1.0, 0.0])
    with pytest.raises(ValueError, match="mean has 2 features but std has 1"):
        nn.Standardize([0.0, 1.0], [1.0])
    with pytest.raises(ValueError, match="must be finite"):
        nn.Standardize([np.nan], [1.0])


@pytest.mark.parametrize("dtype, atol", [(np.float64, 1e-12), (np.float32, 1e-4)])
def test_standardize_exports_to_sub_and_div(dtype, atol):
    rng = np.random.default_rng(2)
    X = 1000 + rng.normal(size=(20, 2)) * 3
    s = Standardizer().fit(X)
    model = nn.Sequential(nn.Standardize.from_standardizer(s), nn.mlp([2, 4, 1], seed=0))
    proto = nn.onnx.to_onnx(model, X[:1], dtype)
    ops = [n.op_type for n in proto.graph.node]
    assert ops[:2] == ["Sub", "Div"]
    inits = {t.name: t for t in proto.graph.initializer}
    assert {"0.mean", "0.std"} <= set(inits)
    from onnx import numpy_helper

    assert numpy_helper.to_array(inits["0.mean"]).dtype == dtype
    np.testing.assert_allclose(numpy_helper.to_array(inits["0.std"]), s.std_.astype(dtype))
    session = ort.InferenceSession(proto.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    (out,) = session.run(None, {"input": X.astype(dtype)})
    np.testing.assert_allclose(out, model(X).data, rtol=0, atol=atol)
    standardize_only = nn.onnx.to_onnx(nn.Sequential(model[0]), X[:1], dtype)
    session = ort.InferenceSession(standardize_only.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    (z,) = session.run(None, {"input": X.astype(dtype)})
    np.testing.assert_allclose(z, s.transform(X), rtol=0, atol=atol)


def test_multiclass_with_dropout_and_regression(tmp_path):
    # spirals: three classes, cross_entropy, Dropout (the identity in predict and in ONNX)
    r = run("train", "--data", "spirals", "--engine", "tensor", "--dropout", "0.2", "--epochs",
            "2", "--no-progress", "--out", str(tmp_path / "sp"))
    assert r.returncode == 0, r.stderr
    r = run("export", str(tmp_path / "sp"), "-o", str(tmp_path / "sp.onnx"), "--dtype",
            "float64")
    assert r.returncode == 0, r.stderr
    printed = run("predict", str(tmp_path / "sp"), "--data", "spirals")
    assert printed.returncode == 0, printed.stderr
    from gradbook.jobs import load_rows

    X, _ = load_rows("spirals", 2)
    scores = onnx_scores(tmp_path / "sp.onnx", X, np.float64)
    assert scores.shape == (len(X), 3)
    assert predictions(printed.stdout) == [str(k) for k in scores.argmax(axis=1)]
    # regression: the values, exactly as gradbook computes them
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    path = write_csv(tmp_path / "reg.csv", X)
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.3
    path.write_text("".join(f"{line},{float(t)!r}\n" for line, t in
                            zip(path.read_text().splitlines(), y)))
    r = run("train", "--data", f"csv:{path}", "--engine", "tensor", "--hidden", "8",
            "--epochs", "2", "--no-progress", "--out", str(tmp_path / "reg"))
    assert r.returncode == 0 and "task regression" in r.stdout, r.stderr
    r = run("predict", str(tmp_path / "reg"), "--data", f"csv:{path}")
    assert r.returncode == 0, r.stderr
    rows = np.loadtxt(path, delimiter=",")[:, :3]
    values = load_trained(tmp_path / "reg").scores(rows)[:, 0]
    assert [float(v) for v in predictions(r.stdout)] == values.tolist()
