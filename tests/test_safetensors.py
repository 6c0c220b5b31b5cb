"""Tests of safetensors saving and loading (Module.save / Module.load with a ``.safetensors``
path, nn.safetensors_io): PyTorch's names, shapes and dtypes; files written the way PyTorch
writes them (built here with safetensors.numpy: PyTorch is not used in the tests); hostile and
broken files refused early; atomic saves; the optional package missing; suffix handling."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import kill_while_writing, peak_bytes

safetensors_numpy = pytest.importorskip("safetensors.numpy")

from autograd import Tensor, Value  # noqa: E402
from nn import (  # noqa: E402
    MLP,
    BatchNorm1d,
    Dropout,
    DyT,
    Flatten,
    Linear,
    Maxout,
    Module,
    PReLU,
    ReLU,
    Residual,
    Sequential,
    Standardize,
    StateDictError,
    mlp,
)
from nn.module import ModelFileError  # noqa: E402
from nn.safetensors_io import MAX_HEADER_BYTES  # noqa: E402

F64, I64 = "F64", "I64"


def _header(path: Path) -> dict:
    """The JSON header of a safetensors file, read by hand (independently of the code tested)."""
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8:8 + n])


def _file(header: dict, data: bytes = b"") -> bytes:
    text = json.dumps(header).encode()
    return struct.pack("<Q", len(text)) + text + data


# ---------------------------------------------------------------------------------------------
# names, shapes and dtypes: PyTorch's state_dict conventions
# ---------------------------------------------------------------------------------------------

# PyTorch's documented state_dict of the equivalent module: key -> (shape, dtype). Parameters and
# float buffers are written in gradbook's float64; num_batches_tracked is a 0-d int64 tensor.
PYTORCH_STATE = {
    "Linear": (lambda: Linear(3, 2), {"weight": ([2, 3], F64), "bias": ([2], F64)}),
    "Linear(bias=False)": (lambda: Linear(3, 2, bias=False), {"weight": ([2, 3], F64)}),
    "BatchNorm1d": (lambda: BatchNorm1d(4), {
        "weight": ([4], F64), "bias": ([4], F64), "running_mean": ([4], F64),
        "running_var": ([4], F64), "num_batches_tracked": ([], I64)}),
    "BatchNorm1d(affine=False)": (lambda: BatchNorm1d(4, affine=False), {
        "running_mean": ([4], F64), "running_var": ([4], F64),
        "num_batches_tracked": ([], I64)}),
    "PReLU": (lambda: PReLU(), {"weight": ([1], F64)}),  # (num_parameters,), not a scalar
    "PReLU(5)": (lambda: PReLU(5), {"weight": ([5], F64)}),
    # the reference DynamicTanh: alpha = Parameter(ones(1) * alpha_init), weight, bias
    "DyT": (lambda: DyT(4), {"alpha": ([1], F64), "weight": ([4], F64), "bias": ([4], F64)}),
    # a torch module holding `self.linear = nn.Linear(3, 2 * 3)`
    "Maxout": (lambda: Maxout(3, 2, pieces=3), {
        "linear.weight": ([6, 3], F64), "linear.bias": ([6], F64)}),
    # a torch module holding `self.fn = nn.Linear(4, 4)`
    "Residual": (lambda: Residual(Linear(4, 4)), {"fn.weight": ([4, 4], F64),
                                                   "fn.bias": ([4], F64)}),
    # Sequential numbers its children by position, parameter-free ones included
    "Sequential": (lambda: Sequential(Linear(4, 8), ReLU(), Dropout(0.1), Linear(8, 2)), {
        "0.weight": ([8, 4], F64), "0.bias": ([8], F64),
        "3.weight": ([2, 8], F64), "3.bias": ([2], F64)}),
    "mlp(batchnorm, dropout)": (lambda: mlp([4, 8, 2], batchnorm=True, dropout=0.1), {
        "0.weight": ([8, 4], F64), "0.bias": ([8], F64), "1.weight": ([8], F64),
        "1.bias": ([8], F64), "1.running_mean": ([8], F64), "1.running_var": ([8], F64),
        "1.num_batches_tracked": ([], I64), "4.weight": ([2, 8], F64), "4.bias": ([2], F64)}),
    "Flatten": (lambda: Flatten(), {}),
    # gradbook's own preprocessing layer (no torch module): two buffers, named as a torch
    # module holding them with register_buffer would name them
    "Standardize": (lambda: Standardize([1.0, 2.0, 3.0], [0.5, 1.0, 2.0]), {
        "mean": ([3], F64), "std": ([3], F64)}),
}


@pytest.mark.parametrize("name", list(PYTORCH_STATE))
def test_keys_shapes_and_dtypes_are_pytorchs(tmp_path: Path, name: str):
    make, expected = PYTORCH_STATE[name]
    path = make().save(tmp_path / "m.safetensors")
    header = _header(path)
    assert header["__metadata__"]["format"] == "pt"  # Hugging Face's loaders require it
    tensors = {k: (v["shape"], v["dtype"]) for k, v in header.items() if k != "__metadata__"}
    assert tensors == expected
    # the package's own reader agrees, and 0-d stays 0-d (PyTorch's num_batches_tracked)
    loaded = safetensors_numpy.load_file(path)
    assert {k: (list(v.shape), v.dtype.str) for k, v in loaded.items()} == {
        k: (shape, {"F64": "<f8", "I64": "<i8"}[dtype]) for k, (shape, dtype) in expected.items()}


def test_every_nn_module_with_state_is_covered():
    import nn

    covered = {type(make()) for make, _ in PYTORCH_STATE.values()}
    scalar = {nn.MLP, nn.Layer, nn.Neuron}  # Value parameters: no PyTorch counterpart
    for name in nn.__all__:
        cls = getattr(nn, name)
        if not (isinstance(cls, type) and issubclass(cls, Module)) or cls in covered | scalar:
            continue
        try:
            module = cls()
        except TypeError:  # needs arguments (Lambda): a parameter-free wrapper
            module = cls(lambda x: x)
        assert module.state_dict() == {}, f"{name} has state but no PyTorch-convention test"


def test_float32_parameters_are_written_as_f32(tmp_path: Path):
    lin = Linear(3, 2, seed=0)
    lin.weight = Tensor(lin.weight.data.astype(np.float32), requires_grad=True)
    header = _header(lin.save(tmp_path / "m.safetensors"))
    assert header["weight"]["dtype"] == "F32" and header["bias"]["dtype"] == "F64"


def test_round_trip_is_bit_exact_and_records_the_architecture(tmp_path: Path):
    model = mlp([5, 7, 3], batchnorm=True, seed=0)
    model(np.random.default_rng(0).normal(size=(6, 5)))  # moves the running statistics
    path = model.save(tmp_path / "Model.SafeTensors")  # the suffix in any case
    assert path == tmp_path / "Model.SafeTensors" and path.read_bytes()[8:9] == b"{"
    assert "Sequential(5 -> 7 -> 3" in _header(path)["__metadata__"]["gradbook.architecture"]
    other = mlp([5, 7, 3], batchnorm=True, seed=1).load(path)
    a, b = model.state_dict(), other.state_dict()
    assert list(a) == list(b)
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].shape == b[k].shape
        assert a[k].tobytes() == b[k].tobytes()
    assert int(other[1].num_batches_tracked) == 1


def test_scalar_mlp_round_trips_with_0d_tensors(tmp_path: Path):
    model = MLP(2, [3, 1], seed=0)
    path = model.save(tmp_path / "m.safetensors")
    assert all(v["shape"] == [] and v["dtype"] == F64
               for k, v in _header(path).items() if k != "__metadata__")
    other = MLP(2, [3, 1], seed=1).load(path)
    for (n1, p1), (n2, p2) in zip(model.named_parameters(), other.named_parameters()):
        assert n1 == n2 and isinstance(p2, Value) and p1.data == p2.data


# ---------------------------------------------------------------------------------------------
# files as PyTorch writes them: float32, int64 num_batches_tracked
# ---------------------------------------------------------------------------------------------


def _pytorch_like_state(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """What ``safetensors.torch.save_file(model.state_dict(), path)`` stores for the PyTorch
    model ``Sequential(Linear(4, 6), BatchNorm1d(6), PReLU(6), Linear(6, 3))``."""
    f32 = np.float32
    return {
        "0.weight": rng.normal(size=(6, 4)).astype(f32), "0.bias": rng.normal(size=6).astype(f32),
        "1.weight": rng.uniform(0.5, 2, 6).astype(f32), "1.bias": rng.normal(size=6).astype(f32),
        "1.running_mean": rng.normal(size=6).astype(f32),
        "1.running_var": rng.uniform(0.5, 2, 6).astype(f32),
        "1.num_batches_tracked": np.array(17, dtype=np.int64),
        "2.weight": rng.uniform(0, 0.5, 6).astype(f32),
        "3.weight": rng.normal(size=(3, 6)).astype(f32), "3.bias": rng.normal(size=3).astype(f32),
    }


def _numpy_forward(s: dict[str, np.ndarray], x: np.ndarray) -> np.ndarray:
    """The same network in numpy, float64, evaluation mode."""
    w = {k: v.astype(np.float64) for k, v in s.items()}
    h = x @ w["0.weight"].T + w["0.bias"]
    h = (h - w["1.running_mean"]) / np.sqrt(w["1.running_var"] + 1e-5) * w["1.weight"] \
        + w["1.bias"]
    h = np.where(h > 0, h, w["2.weight"] * h)
    return h @ w["3.weight"].T + w["3.bias"]


def _gradbook_model() -> Sequential:
    return Sequential(Linear(4, 6), BatchNorm1d(6), PReLU(6), Linear(6, 3))


@pytest.mark.parametrize("name", ["model.safetensors", "model.bin", "model"])
def test_a_pytorch_file_loads_and_computes_the_same(tmp_path: Path, name: str):
    rng = np.random.default_rng(0)
    state = _pytorch_like_state(rng)
    path = tmp_path / name
    safetensors_numpy.save_file(state, path, metadata={"format": "pt"})
    model = _gradbook_model().load(path)  # strict: exactly PyTorch's keys
    for key, value in model.state_dict().items():
        assert value.dtype == (np.int64 if key.endswith("num_batches_tracked") else np.float64)
        np.testing.assert_array_equal(value, state[key])  # float32 -> float64 is exact
    x = rng.normal(size=(5, 4))
    model.eval()
    np.testing.assert_allclose(model(x).data, _numpy_forward(state, x), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("dtype", ["F16", "BF16", "F32", "I32", "I64"])
def test_other_numeric_dtypes_convert_exactly(tmp_path: Path, dtype: str):
    values = np.array([1.5, -2.0, 0.25])  # exact in every float dtype here
    if dtype == "BF16":  # numpy has no bfloat16: the upper 16 bits of float32
        raw = (values.astype("<f4").view("<u4") >> 16).astype("<u2").tobytes()
    else:
        np_dtype = {"F16": "<f2", "F32": "<f4", "I32": "<i4", "I64": "<i8"}[dtype]
        values = values.astype(np_dtype).astype(np.float64)  # ints: 1, -2, 0
        raw = values.astype(np_dtype).tobytes()
    path = tmp_path / "p.safetensors"
    path.write_bytes(_file({"weight": {"dtype": dtype, "shape": [3],
                                       "data_offsets": [0, len(raw)]}}, raw))
    model = PReLU(3).load(path)
    assert model.weight.data.dtype == np.float64
    np.testing.assert_array_equal(model.weight.data, values)


def test_a_float_tensor_is_refused_for_an_integer_buffer(tmp_path: Path):
    state = {k: np.asarray(v) for k, v in BatchNorm1d(2).state_dict().items()}
    state["num_batches_tracked"] = np.array(3.5, dtype=np.float32)
    path = tmp_path / "bn.safetensors"
    safetensors_numpy.save_file(state, path)
    with pytest.raises(StateDictError, match="'num_batches_tracked' is an integer buffer.*F32"):
        BatchNorm1d(2).load(path)


# ---------------------------------------------------------------------------------------------
# another architecture
# ---------------------------------------------------------------------------------------------


def test_another_architecture_names_the_keys_and_shapes(tmp_path: Path):
    path = Sequential(Linear(4, 8), ReLU(), Linear(8, 2)).save(tmp_path / "a.safetensors")
    model = Sequential(Linear(4, 5), ReLU())
    before = model.state_dict()
    with pytest.raises(StateDictError) as err:
        model.load(path)
    msg = str(err.value)
    assert str(path) in msg
    assert re.search(r"unexpected keys: '2\.(bias|weight)', '2\.(bias|weight)'", msg)
    assert "size mismatch for '0.weight'" in msg and "(8, 4)" in msg and "(5, 4)" in msg
    assert "the file was saved from: Sequential(4 -> 8 -> 2" in msg
    assert "this model is:           Sequential(4 -> 5" in msg
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])  # nothing changed

    with pytest.raises(StateDictError, match=r"missing keys: '2\.weight', '2\.bias'"):
        Sequential(Linear(4, 8), ReLU(), Linear(8, 2), ReLU(), Linear(2, 2)).load(
            Sequential(Linear(4, 8)).save(tmp_path / "b.safetensors"))


def test_strict_false_loads_the_common_keys(tmp_path: Path):
    big = Sequential(Linear(4, 8, seed=0), ReLU(), Linear(8, 2, seed=1))
    path = big.save(tmp_path / "big.safetensors")
    small = Sequential(Linear(4, 8, seed=2)).load(path, strict=False)
    np.testing.assert_array_equal(small[0].weight.data, big[0].weight.data)
    # a shape mismatch is an error even without strict
    with pytest.raises(StateDictError, match="size mismatch for '0.weight'"):
        Sequential(Linear(4, 3)).load(path, strict=False)


# ---------------------------------------------------------------------------------------------
# hostile and broken files: refused from the header, fast, without allocating
# ---------------------------------------------------------------------------------------------


def _linear_file() -> bytes:
    return safetensors_numpy.save({"weight": np.zeros((2, 3)), "bias": np.zeros(2)})


def _sparse(path: Path, head: bytes, size: int) -> None:
    with open(path, "wb") as f:
        f.write(head)
        f.truncate(size)  # a hole: a file this large costs no disk


T = {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}
_DUP = b'{"weight": {"dtype": "F64", "shape": [2], "data_offsets": [0, 16]}, "weight": {}}'

HOSTILE = {
    "empty": (b"", r"the file is empty \(0 bytes\)"),
    "shorter than 8 bytes": (b"\x10\x00\x00", r"truncated: 3 bytes, fewer than the 8"),
    "header length larger than the file": (
        struct.pack("<Q", 1000) + b"{}", r"header length .* is 1000 bytes but only 2 bytes follow"),
    "header length 2**63": (
        struct.pack("<Q", 2**63) + b"{}", r"header length .* is 9223372036854775808 bytes"),
    "header length all ones": (b"\xff" * 8 + b"{}", r"is 18446744073709551615 bytes"),
    "a zip archive (an .npz)": (b"PK\x03\x04" + bytes(60), r"starts like a zip archive"),
    "header not JSON": (struct.pack("<Q", 10) + b"{not json}", r"not a JSON object"),
    "header not UTF-8": (struct.pack("<Q", 4) + b"{\xff\xfe}", r"not a JSON object"),
    "header a JSON list": (struct.pack("<Q", 2) + b"[]", r"does not start with '\{'"),
    "deeply nested header": (
        struct.pack("<Q", 200_006) + b'{"a":' + b"[" * 200_000 + b"}", r"not a JSON object"),
    "a key twice": (struct.pack("<Q", len(_DUP)) + _DUP + bytes(16),
                    r"the key 'weight' appears twice"),
    "truncated data": (_linear_file()[:-20], r"more than the 44 bytes .*\(truncated\?\)"),
    "the last bytes cut": (_linear_file()[:-4], r"beyond the 60 bytes .*\(truncated\?\)"),
    "10**12 elements": (_file({"weight": {"dtype": "F32", "shape": [10**6, 10**6],
                                          "data_offsets": [0, 4 * 10**12]}}),
                        r"'weight' declares shape \(1000000, 1000000\) of F32, more than the 0"),
    "a shape of a million dimensions": (
        _file({"weight": {"dtype": "F64", "shape": [2] * 10**6, "data_offsets": [0, 16]}},
              bytes(16)),
        r"'weight' has shape \[2, 2, 2, 2, 2, 2, 2, 2, \.\.\.\], not a list of at most 64"),
    "offsets beyond the file": (_file({"weight": {**T, "data_offsets": [8, 24]}}, bytes(16)),
                                r"data_offsets \[8, 24\] beyond the 16 bytes"),
    "size differs from the offsets": (_file({"weight": {**T, "data_offsets": [0, 8]}}, bytes(16)),
                                      r"\(16 bytes\) but its data_offsets \[0, 8\] span 8"),
    "offsets backwards": (_file({"weight": {**T, "data_offsets": [16, 0]}}, bytes(16)),
                          r"data_offsets \[16, 0\] that go backwards"),
    "offsets overlap": (_file({"weight": T, "bias": {**T, "data_offsets": [8, 24]}}, bytes(24)),
                        r"tensors 'weight' and 'bias' overlap"),
    "a gap between tensors": (_file({"weight": {**T, "data_offsets": [8, 24]}}, bytes(24)),
                              r"bytes 0 to 8 of the tensor data belong to no tensor"),
    "bytes after the last tensor": (_file({"weight": T}, bytes(24)), r"extra bytes at the end"),
    "dtype F8_E4M3": (_file({"weight": {**T, "dtype": "F8_E4M3"}}, bytes(16)),
                      r"'weight' has dtype 'F8_E4M3', which gradbook does not load"),
    "dtype C64": (_file({"weight": {**T, "dtype": "C64"}}, bytes(16)), r"dtype 'C64'"),
    "an unknown dtype": (_file({"weight": {**T, "dtype": "PICKLE"}}, bytes(16)),
                         r"dtype 'PICKLE'"),
    "a negative dimension": (_file({"weight": {**T, "shape": [-2]}}, bytes(16)),
                             r"shape \[-2\], not a list of at most 64 non-negative integers"),
    "a boolean dimension": (_file({"weight": {**T, "shape": [True, 2]}}, bytes(16)),
                            r"shape \[True, 2\], not a list of at most 64 non-negative"),
    "an entry without offsets": (_file({"weight": {"dtype": "F64", "shape": [2]}}, bytes(16)),
                                 r"should be an object with 'dtype', 'shape' and 'data_offsets'"),
    "metadata not strings": (_file({"__metadata__": {"a": 1}}), r"must map strings to strings"),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_hostile_files_are_refused_early_with_one_clear_error(tmp_path: Path, case: str):
    content, message = HOSTILE[case]
    path = tmp_path / "bad.safetensors"
    path.write_bytes(content)
    model = Linear(3, 2, seed=0)
    before = model.state_dict()
    errors: list[str] = []

    def load() -> None:
        try:
            model.load(path)
        except ModelFileError as exc:
            errors.append(str(exc))

    start = time.perf_counter()
    load()
    assert time.perf_counter() - start < 1.0
    peak = peak_bytes(load)  # measured apart: tracemalloc slows allocation down
    assert len(errors) == 2, f"{case}: not refused"
    assert errors[0] == errors[1]
    assert f"cannot read {path} as safetensors" in errors[0]
    assert len(errors[0]) < 1000  # one clear line, not a dump of the header
    assert re.search(message, errors[0]), errors[0]
    assert peak < 64 << 20  # never a tensor's declared size (a deep or long header: tens of MB)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])


def test_a_header_over_100_mb_is_refused_without_reading_it(tmp_path: Path):
    path = tmp_path / "huge.safetensors"
    n = MAX_HEADER_BYTES + 1
    _sparse(path, struct.pack("<Q", n) + b"{", 8 + n)
    start = time.perf_counter()
    peak = peak_bytes(lambda: pytest.raises(ModelFileError, Linear(3, 2).load, path))
    assert time.perf_counter() - start < 1.0 and peak < 1 << 20
    with pytest.raises(ModelFileError, match=rf"{n} bytes, more than the 100000000 bytes"):
        Linear(3, 2).load(path)


def test_a_huge_declared_tensor_in_a_huge_file_is_refused_by_shape(tmp_path: Path):
    # a 16 GiB (sparse) file whose tensor really spans it: the shape check refuses it before a
    # byte of data is read
    n_float = 2 * 1024**3
    header = json.dumps({"weight": {"dtype": "F64", "shape": [n_float],
                                    "data_offsets": [0, 8 * n_float]}}).encode()
    path = tmp_path / "big.safetensors"
    _sparse(path, struct.pack("<Q", len(header)) + header, 8 + len(header) + 8 * n_float)
    model = Linear(3, 2)
    peak = peak_bytes(lambda: pytest.raises(StateDictError, model.load, path))
    assert peak < 1 << 20
    with pytest.raises(StateDictError, match=r"size mismatch for 'weight'.*\(2147483648,\)"):
        model.load(path)


def test_npz_suffix_keeps_todays_reader(tmp_path: Path):
    path = tmp_path / "really_safetensors.npz"
    path.write_bytes(_linear_file())
    with pytest.raises(ModelFileError, match=r"\.npz\): not a zip archive"):
        Linear(3, 2).load(path)


def test_unknown_suffixes_are_sniffed(tmp_path: Path):
    model = Linear(3, 2, seed=0)
    as_npz = model.save(tmp_path / "weights.bin")  # not .safetensors: .npz, as before
    assert zipfile.is_zipfile(as_npz)
    np.testing.assert_array_equal(Linear(3, 2).load(as_npz).weight.data, model.weight.data)
    as_st = tmp_path / "weights.pt"
    as_st.write_bytes(model.save(tmp_path / "w.safetensors").read_bytes())
    np.testing.assert_array_equal(Linear(3, 2).load(as_st).weight.data, model.weight.data)
    junk = tmp_path / "junk"
    junk.write_bytes(b"neither format")
    with pytest.raises(ModelFileError, match=r"cannot read .*junk as a saved model \(\.npz\)"):
        Linear(3, 2).load(junk)
    with pytest.raises(FileNotFoundError):
        Linear(3, 2).load(tmp_path / "missing.safetensors")
    with pytest.raises(FileNotFoundError):
        Linear(3, 2).load(tmp_path / "missing.bin")


# ---------------------------------------------------------------------------------------------
# atomic saves
# ---------------------------------------------------------------------------------------------


def test_a_failed_save_leaves_the_old_file_and_no_partial_file(tmp_path: Path, monkeypatch):
    path = Linear(3, 2, seed=0).save(tmp_path / "m.safetensors")
    old = path.read_bytes()

    class Unsavable(Module):
        def __init__(self) -> None:
            super().__init__()
            self.register_buffer("names", np.array(["a", "b"]))

    with pytest.raises(ValueError, match=r"cannot save 'names' as safetensors: dtype <U1"):
        Unsavable().save(path)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    from autograd import atomic

    real_fsync = atomic.os.fsync
    monkeypatch.setattr(atomic.os, "fsync", fail)  # fails after the bytes went to the temp file
    with pytest.raises(OSError, match="disk full"):
        Linear(3, 2, seed=1).save(path)
    monkeypatch.setattr(atomic.os, "fsync", real_fsync)
    assert path.read_bytes() == old
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.safetensors"]
    with pytest.raises(ValueError):
        Unsavable().save(tmp_path / "new.safetensors")
    assert not (tmp_path / "new.safetensors").exists()


def test_a_save_killed_midway_leaves_the_old_file_intact(tmp_path: Path):
    path = tmp_path / "model.safetensors"
    old = Linear(3, 2, seed=0)
    old.save(path)
    # The child saves another model and is killed after writing its temporary file, before the
    # rename.
    child = (
        "import os, sys, time\n"
        "from nn import Linear\n"
        "def stop(fd):\n"
        "    print('writing', flush=True); time.sleep(120)\n"
        "os.fsync = stop\n"
        "Linear(3, 2, seed=1).save(sys.argv[1])\n"
    )
    kill_while_writing(child, path)
    back = Linear(3, 2, seed=5).load(path)
    np.testing.assert_array_equal(back.weight.data, old.weight.data)


def test_a_symlink_is_replaced_not_written_through(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours")
    link = tmp_path / "model.safetensors"
    link.symlink_to(elsewhere)
    Linear(3, 2).save(link)
    assert elsewhere.read_text() == "not yours" and not link.is_symlink()
    Linear(3, 2).load(link)


# ---------------------------------------------------------------------------------------------
# the optional package
# ---------------------------------------------------------------------------------------------


def test_without_the_package_save_and_load_say_how_to_install_it(tmp_path: Path, monkeypatch):
    path = Linear(3, 2).save(tmp_path / "m.safetensors")
    for name in [m for m in sys.modules if m == "safetensors" or m.startswith("safetensors.")]:
        monkeypatch.setitem(sys.modules, name, None)  # `import safetensors...` now fails
    monkeypatch.setitem(sys.modules, "safetensors", None)
    hint = r'pip install "gradbook\[export\]"'
    with pytest.raises(ImportError, match=hint):
        Linear(3, 2).save(tmp_path / "new.safetensors")
    assert not (tmp_path / "new.safetensors").exists()
    with pytest.raises(ImportError, match=hint):
        Linear(3, 2).load(path)
    sniffed = tmp_path / "m.bin"
    sniffed.write_bytes(path.read_bytes())
    with pytest.raises(ImportError, match=hint):
        Linear(3, 2).load(sniffed)
    Linear(3, 2).load(Linear(3, 2).save(tmp_path / "m.npz"))  # .npz needs nothing


def test_importing_nn_does_not_import_safetensors():
    code = ("import sys, nn, nn.module, nn.safetensors_io\n"
            "assert not any(m.split('.')[0] == 'safetensors' for m in sys.modules)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parents[1])
