"""Tests of nn.onnx.export: every module's graph passes the ONNX checker, and onnxruntime's outputs
equal gradbook's forward pass (in evaluation mode) at batch sizes 1 and 7 from one file.

The reference is always gradbook itself (``model.eval()``, under ``autograd.no_grad()``) on the
same numbers onnxruntime gets (the float32 input, read back as float64). Tolerances: float32,
rtol 1e-5 and atol 1e-6 (a few roundings of float32's 6e-8); float64, rtol 1e-10 and atol 1e-12.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import autograd
import nn

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

TOL = {np.float32: {"rtol": 1e-5, "atol": 1e-6}, np.float64: {"rtol": 1e-10, "atol": 1e-12}}
DTYPES = [np.float32, np.float64]


def randomize(model: nn.Module, seed: int = 0) -> nn.Module:
    """Give every parameter and BatchNorm statistic non-default values (ones and zeros would
    hide a swapped γ/β or a missing running mean)."""
    rng = np.random.default_rng(seed)
    for p in model.parameters():
        p.data[...] = rng.uniform(-1.0, 1.0, p.data.shape)
    for m in model.modules():
        if isinstance(m, nn.BatchNorm1d):
            m.running_mean = rng.normal(0.0, 1.0, m.num_features)
            m.running_var = rng.uniform(0.3, 3.0, m.num_features)
    return model


def bn(**kwargs) -> nn.Module:
    return randomize(nn.BatchNorm1d(5, **kwargs))


# id -> (model factory, input shape without the batch axis)
CASES: dict[str, tuple[Callable[[], nn.Module], tuple[int, ...]]] = {
    "Linear": (lambda: nn.Linear(5, 3, seed=0), (5,)),
    "Linear-no-bias": (lambda: nn.Linear(5, 3, bias=False, seed=0), (5,)),
    "Linear-3d-input": (lambda: nn.Linear(5, 3, seed=0), (2, 5)),
    "Sequential": (lambda: nn.Sequential(nn.Linear(5, 8, seed=0), nn.Tanh(),
                                         nn.Linear(8, 3, seed=1)), (5,)),
    "Sequential-nested": (lambda: nn.Sequential(nn.Sequential(nn.Linear(5, 4, seed=0),
                                                               nn.ReLU()), nn.Linear(4, 2)), (5,)),
    "mlp": (lambda: nn.mlp([5, 8, 8, 3], seed=0), (5,)),
    "mlp-dropout-batchnorm-softmax": (
        lambda: randomize(nn.mlp([5, 8, 8, 3], activation="gelu", dropout=[0.2, 0.5],
                                 batchnorm=True, output_activation="softmax", seed=0)), (5,)),
    "BatchNorm1d": (bn, (5,)),
    "BatchNorm1d-eps": (lambda: bn(eps=0.3), (5,)),
    "BatchNorm1d-no-affine": (lambda: bn(affine=False), (5,)),
    "Dropout": (lambda: nn.Dropout(0.5, seed=0), (5,)),
    "Identity": (nn.Identity, (5,)),
    "Flatten": (nn.Flatten, (2, 3)),
    "Flatten-Linear": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(6, 2, seed=0)), (2, 3)),
    "Residual": (lambda: nn.Residual(nn.Sequential(nn.Linear(5, 5, seed=0), nn.Tanh())), (5,)),
    "Maxout": (lambda: nn.Maxout(5, 3, pieces=3, seed=0), (5,)),
    "Maxout-one-piece": (lambda: nn.Maxout(5, 2, pieces=1, seed=0), (5,)),
    "DyT": (lambda: randomize(nn.DyT(5)), (5,)),
    "PReLU": (lambda: randomize(nn.PReLU()), (5,)),
    "PReLU-per-feature": (lambda: randomize(nn.PReLU(5)), (5,)),
    "Softmax": (nn.Softmax, (5,)),
    "Softmax-axis0": (lambda: nn.Softmax(axis=0), (5,)),
    "Softmax-axis1-of-3": (lambda: nn.Softmax(axis=1), (3, 4)),
    "ReLU": (nn.ReLU, (5,)),
    "Sigmoid": (nn.Sigmoid, (5,)),
    "Tanh": (nn.Tanh, (5,)),
    "Step": (nn.Step, (5,)),
    "LeakyReLU": (nn.LeakyReLU, (5,)),
    "LeakyReLU-0.2": (lambda: nn.LeakyReLU(0.2), (5,)),
    "ELU": (nn.ELU, (5,)),
    "ELU-0.7": (lambda: nn.ELU(alpha=0.7), (5,)),
    "Softplus": (nn.Softplus, (5,)),
    "Softplus-beta-2.5": (lambda: nn.Softplus(beta=2.5), (5,)),
    "Swish-1.5": (lambda: nn.Swish(1.5), (5,)),
    "SiLU": (nn.SiLU, (5,)),
    "GELU": (nn.GELU, (5,)),
    "GELU-tanh": (lambda: nn.GELU("tanh"), (5,)),
    "GELU-sigmoid": (lambda: nn.GELU("sigmoid"), (5,)),
    "HardSigmoid": (nn.HardSigmoid, (5,)),
    "HardTanh": (nn.HardTanh, (5,)),
    "logistic-alias": (lambda: nn.get_activation("logistic"), (5,)),
}


def gradbook_forward(model: nn.Module, x: np.ndarray) -> np.ndarray:
    model.eval()
    with autograd.no_grad(), np.errstate(over="ignore", under="ignore"):
        return np.asarray(model(autograd.Tensor(x)).data)


def session(path_or_proto) -> ort.InferenceSession:
    source = str(path_or_proto) if isinstance(path_or_proto, Path) else (
        path_or_proto.SerializeToString())
    return ort.InferenceSession(source, providers=["CPUExecutionProvider"])


def check_against_gradbook(model: nn.Module, features: tuple[int, ...], dtype, path: Path,
                           scale: float = 3.0, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    # the numbers onnxruntime gets, in float64 for gradbook
    x = (rng.standard_normal((7, *features)) * scale).astype(dtype).astype(np.float64)
    nn.onnx.export(model, x, path, dtype=dtype)
    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    sess = session(path)
    for n in (1, 7):  # one file, two batch sizes: the batch dimension is dynamic
        (got,) = sess.run(None, {"input": x[:n].astype(dtype)})
        assert got.dtype == dtype
        np.testing.assert_allclose(got, gradbook_forward(model, x[:n]), **TOL[dtype])


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("case", list(CASES))
def test_module_matches_gradbook(case, dtype, tmp_path):
    make, features = CASES[case]
    check_against_gradbook(make(), features, dtype, tmp_path / "model.onnx")


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(nn.activations.ACTIVATIONS))
def test_every_registered_activation_name_exports(name, dtype, tmp_path):
    check_against_gradbook(nn.get_activation(name), (5,), dtype, tmp_path / "act.onnx")


EXTREMES = np.array([-1e4, -800.0, -50.0, -20.0, -8.5, -6.0, -1e-3, -1e-30, 0.0, 1e-30, 1e-3,
                     0.5, 6.0, 8.5, 20.0, 50.0, 800.0, 1e4])


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("name", list(nn.activations.ACTIVATIONS))
def test_activations_at_extreme_inputs(name, dtype):
    """Overflow, kinks and tails: the float64 replacements (softplus, ELU, erf) included."""
    act = nn.get_activation(name)
    x = EXTREMES[None].astype(dtype).astype(np.float64)
    (got,) = session(nn.onnx.to_onnx(act, x, dtype)).run(None, {"input": x.astype(dtype)})
    np.testing.assert_allclose(got, gradbook_forward(act, x), **TOL[dtype])


def test_float64_gelu_erf_on_a_dense_grid():
    """The float64 GELU's erf (a table of polynomials): gradbook's x·Φ(x) to ~1e-14, and
    exactly 0 far left (where erf is −1)."""
    x = np.linspace(-12.0, 12.0, 4801)[:, None]
    (got,) = session(nn.onnx.to_onnx(nn.GELU(), x, np.float64)).run(None, {"input": x})
    np.testing.assert_allclose(got, gradbook_forward(nn.GELU(), x), rtol=1e-13, atol=5e-14)
    assert np.all(got[x < -8.4] == 0.0)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
def test_scalar_mlp_exports_through_to_sequential(dtype, tmp_path):
    model = nn.MLP(4, [8, 8, 2], activation="tanh", output_activation="sigmoid", seed=0)
    X = np.random.default_rng(0).standard_normal((7, 4)).astype(dtype).astype(np.float64)
    path = nn.onnx.export(model, X, tmp_path / "mlp.onnx", dtype=dtype)
    sess = session(path)
    for n in (1, 7):
        (got,) = sess.run(None, {"input": X[:n].astype(dtype)})
        expected = np.array([[v.data for v in out] for out in model(X[:n])])
        np.testing.assert_allclose(got, expected, **TOL[dtype])
    ops = [node.op_type for node in onnx.load(str(path)).graph.node]
    assert ops == ["Gemm", "Tanh", "Gemm", "Tanh", "Gemm", "Sigmoid"]


# -- the file -------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype, elem", [(np.float32, 1), (np.float64, 11)])
def test_graph_interface_opset_and_initializers(dtype, elem, tmp_path):
    model = nn.mlp([5, 8, 3], batchnorm=True, seed=0)
    path = nn.onnx.export(model, np.zeros((2, 5)), tmp_path / "m.onnx", dtype=dtype)
    assert path == tmp_path / "m.onnx"
    proto = onnx.load(str(path))
    assert proto.ir_version == nn.onnx.IR_VERSION == 9
    assert [(o.domain, o.version) for o in proto.opset_import] == [("", nn.onnx.OPSET)]
    (inp,), (out,) = proto.graph.input, proto.graph.output
    assert (inp.name, out.name) == ("input", "output")
    for value, size in ((inp, 5), (out, 3)):
        assert value.type.tensor_type.elem_type == elem
        dims = value.type.tensor_type.shape.dim
        assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [size]
    names = {init.name: onnx.numpy_helper.to_array(init) for init in proto.graph.initializer}
    state = model.state_dict()
    if dtype == np.float64:  # BatchNorm1d's float64 ops: √(running_var + eps), worked out
        state["1.running_std"] = np.sqrt(state.pop("1.running_var") + model[1].eps)
    assert set(names) == set(state) - {"1.num_batches_tracked"}
    for name, array in names.items():
        assert array.dtype == dtype
        np.testing.assert_array_equal(array, state[name].astype(dtype))
    assert "evaluation mode" in proto.doc_string


def test_export_is_in_evaluation_mode_and_leaves_the_mode_alone(tmp_path):
    model = randomize(nn.mlp([5, 8, 3], dropout=0.5, batchnorm=True, seed=0))
    assert model.training
    x = np.random.default_rng(0).standard_normal((7, 5))
    sess = session(nn.onnx.export(model, x, tmp_path / "m.onnx", dtype=np.float64))
    assert model.training and all(m.training for m in model.modules())
    (got,) = sess.run(None, {"input": x})
    np.testing.assert_allclose(got, gradbook_forward(model, x), **TOL[np.float64])
    assert "evaluation mode" in " ".join(nn.onnx.export.__doc__.split())


def test_to_onnx_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    proto = nn.onnx.to_onnx(nn.Linear(3, 2), np.zeros((1, 3)))
    assert isinstance(proto, onnx.ModelProto)
    assert list(tmp_path.iterdir()) == []


def test_example_input_may_be_a_tensor_or_a_list(tmp_path):
    for example in (autograd.Tensor(np.zeros((2, 3))), [[0.0, 1.0, 2.0]]):
        proto = nn.onnx.to_onnx(nn.Linear(3, 2), example)
        assert proto.graph.input[0].type.tensor_type.shape.dim[1].dim_value == 3


def test_rewriting_a_file_replaces_it(tmp_path):
    path = tmp_path / "m.onnx"
    nn.onnx.export(nn.Linear(3, 2), np.zeros((1, 3)), path)
    nn.onnx.export(nn.Linear(4, 2), np.zeros((1, 4)), path)
    assert session(path).get_inputs()[0].shape == ["batch", 4]
    assert [p.name for p in tmp_path.iterdir()] == ["m.onnx"]


# -- refusals --------------------------------------------------------------------------------


def test_lambda_is_refused_naming_it_and_no_file_is_left(tmp_path):
    model = nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Lambda(lambda x: x * 2), nn.Linear(4, 1))
    path = tmp_path / "m.onnx"
    with pytest.raises(nn.onnx.ExportError, match=(
            r"cannot export module 2 \(Lambda\) of the Sequential: a Lambda holds arbitrary "
            r"Python")):
        nn.onnx.export(model, np.zeros((1, 4)), path)
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file


def test_a_refused_export_leaves_an_existing_file_as_it_was(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"old")
    with pytest.raises(ValueError, match="Lambda"):
        nn.onnx.export(nn.Lambda(lambda x: x), np.zeros((1, 4)), path)
    assert path.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["m.onnx"]


def test_nested_refusal_names_the_path():
    model = nn.Sequential(nn.Linear(4, 4), nn.Residual(nn.Sequential(nn.Lambda(abs))))
    with pytest.raises(nn.onnx.ExportError, match=r"module 1\.fn\.0 \(Lambda\) of the Sequential"):
        nn.onnx.to_onnx(model, np.zeros((1, 4)))
    with pytest.raises(nn.onnx.ExportError, match=r"the model \(Lambda\)"):
        nn.onnx.to_onnx(nn.Lambda(abs), np.zeros((1, 4)))


def test_mlp_with_a_function_activation_is_refused():
    model = nn.MLP(3, [4, 1], activation=lambda z: z.tanh(), seed=0)
    with pytest.raises(nn.onnx.ExportError, match=r"module 1 \(Lambda\) of the Sequential made "
                                                  r"by MLP\.to_sequential\(\)"):
        nn.onnx.to_onnx(model, np.zeros((1, 3)))


class Doubled(nn.Linear):
    def forward(self, x):
        return super().forward(x) * 2


class Custom(nn.Module):
    def forward(self, x):
        return x


@pytest.mark.parametrize("module, reason", [
    (Doubled(3, 3), r"module 0 \(Doubled\) .*overrides Linear\.forward"),
    (Custom(), r"module 0 \(Custom\) .*no ONNX translation for Custom"),
    (nn.Layer(3, 3), r"module 0 \(Layer\) .*scalar module"),
])
def test_unknown_or_changed_modules_are_refused(module, reason):
    with pytest.raises(nn.onnx.ExportError, match=reason):
        nn.onnx.to_onnx(nn.Sequential(module, nn.Linear(3, 1)), np.zeros((1, 3)))


def test_wrong_example_input_shape_names_both_shapes(tmp_path):
    path = tmp_path / "m.onnx"
    with pytest.raises(nn.onnx.ExportError, match=(
            r"module 0 \(Linear\) of the Sequential expects inputs of shape \(batch, \.\.\., 4\)"
            r", but gets \(batch, 5\) \(example_input has shape \(7, 5\)\)")):
        nn.onnx.export(nn.mlp([4, 8, 2]), np.zeros((7, 5)), path)
    with pytest.raises(nn.onnx.ExportError, match=r"the model \(BatchNorm1d\) expects inputs of "
                                                  r"shape \(batch, 3\), but gets \(batch, 2, 3\)"):
        nn.onnx.to_onnx(nn.BatchNorm1d(3), np.zeros((1, 2, 3)))
    with pytest.raises(nn.onnx.ExportError, match=r"needs f\(x\) to keep the shape"):
        nn.onnx.to_onnx(nn.Residual(nn.Linear(4, 2)), np.zeros((1, 4)))
    with pytest.raises(nn.onnx.ExportError, match="scalar"):
        nn.onnx.to_onnx(nn.Linear(4, 2), np.float64(1.0))
    assert list(tmp_path.iterdir()) == []


def test_missing_folder_and_bad_dtype(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.onnx.export(nn.Linear(3, 2), np.zeros((1, 3)), tmp_path / "nowhere" / "m.onnx")
    with pytest.raises(IsADirectoryError):
        nn.onnx.export(nn.Linear(3, 2), np.zeros((1, 3)), tmp_path)
    for dtype in (np.float16, np.int64, "double precision", None):
        with pytest.raises(ValueError, match="dtype"):
            nn.onnx.to_onnx(nn.Linear(3, 2), np.zeros((1, 3)), dtype=dtype)
    assert nn.onnx.to_onnx(nn.Linear(3, 2), np.zeros((1, 3)), dtype="float64") is not None


# -- the optional dependency ---------------------------------------------------------------------


def test_without_onnx_export_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)  # `import onnx` now raises ImportError
    with pytest.raises(ImportError, match=r'pip install "gradbook\[export\]"'):
        nn.onnx.export(nn.Linear(3, 2), np.zeros((1, 3)), tmp_path / "m.onnx")
    with pytest.raises(ImportError, match=r'pip install "gradbook\[export\]"'):
        nn.onnx.to_onnx(nn.Linear(3, 2), np.zeros((1, 3)))
    assert list(tmp_path.iterdir()) == []


def test_importing_nn_does_not_import_onnx():
    code = "import sys, nn, nn.onnx; assert 'onnx' not in sys.modules, 'onnx imported'"
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(__file__).resolve().parents[1])
