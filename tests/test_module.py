"""Tests of nn.module.Module: discovery and naming of parameters, modes, gradients, state dicts,
saving and loading (.npz without pickle), parameter counts and reprs."""

from __future__ import annotations

import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers import kill_while_writing, peak_bytes

from autograd import Tensor, Value
from nn import (
    MLP,
    BatchNorm1d,
    Dropout,
    Linear,
    Module,
    ReLU,
    Sequential,
    StateDictError,
    mlp,
    optim,
)

# ---------------------------------------------------------------------------------------------
# discovery and names
# ---------------------------------------------------------------------------------------------


class Pair(Module):
    """Attributes assigned in a deliberate order, with lists, tuples and private state."""

    def __init__(self) -> None:
        super().__init__()
        self.z = Value(1.0)
        self.a = Value(2.0)
        self._hidden = Value(3.0)  # private: not a parameter
        self.frozen = Value(4.0, requires_grad=False)  # not trainable
        self.blocks = [Linear(2, 3, seed=0), Linear(3, 1, seed=1)]
        self.pair = (Value(5.0), Value(6.0))
        self.name = "pair"  # plain data is ignored

    def forward(self, x):
        return x


def test_names_follow_definition_order_and_skip_private_and_frozen():
    names = [n for n, _ in Pair().named_parameters()]
    assert names == [
        "z", "a",
        "blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias",
        "pair.0", "pair.1",
    ]


def test_scalar_mlp_names():
    model = MLP(2, [16, 16, 1], seed=0)
    names = [n for n, _ in model.named_parameters()]
    # per neuron: its weights then its bias; neurons in order; layers in order
    expected = []
    for li, (nin, nout) in enumerate([(2, 16), (16, 16), (16, 1)]):
        for j in range(nout):
            expected += [f"layers.{li}.neurons.{j}.w.{k}" for k in range(nin)]
            expected.append(f"layers.{li}.neurons.{j}.b")
    assert names == expected
    assert "layers.0.neurons.3.w.1" in names
    params = dict(model.named_parameters())
    assert params["layers.0.neurons.3.w.1"] is model.layers[0].neurons[3].w[1]


def test_sequential_names():
    model = Sequential(Linear(4, 3, seed=0), ReLU(), Linear(3, 2, seed=0))
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert model.parameters()[2] is model[2].weight


def test_shared_parameter_listed_once():
    class Tied(Module):
        def __init__(self):
            super().__init__()
            self.first = Linear(2, 2, seed=0)
            self.second = Linear(2, 2, seed=0)
            self.second.weight = self.first.weight

    m = Tied()
    names = [n for n, _ in m.named_parameters()]
    assert names == ["first.weight", "first.bias", "second.bias"]
    assert m.num_parameters() == 4 + 2 + 2


def test_interior_graph_nodes_are_not_parameters():
    class Cache(Module):
        def __init__(self):
            super().__init__()
            self.w = Value(2.0)
            self.last = self.w * 3  # an op's output, not a leaf

    assert [n for n, _ in Cache().named_parameters()] == ["w"]


def test_num_parameters_counts_scalars():
    # 2*16+16 + 16*16+16 + 16*1+1, counted by hand
    assert MLP(2, [16, 16, 1]).num_parameters() == 48 + 272 + 17 == 337
    # 784*256+256 + 256*256+256 + 256*10+10
    assert mlp([784, 256, 256, 10]).num_parameters() == 200960 + 65792 + 2570


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="forward"):
        Module()(1.0)


# ---------------------------------------------------------------------------------------------
# modes and gradients
# ---------------------------------------------------------------------------------------------


def test_train_eval_reaches_every_submodule():
    inner = Sequential(Linear(2, 2), Dropout(0.5))
    model = Sequential(inner, BatchNorm1d(2))
    assert all(m.training for m in model.modules())
    assert model.eval() is model
    assert not any(m.training for m in model.modules())
    model.train()
    assert all(m.training for m in model.modules())
    model.train(False)
    assert not inner[1].training


def test_zero_grad_for_values_and_tensors():
    scalar = MLP(2, [3, 1], seed=0)
    out = scalar([1.0, 2.0])
    out.backward()
    assert any(p.grad != 0.0 for p in scalar.parameters())
    scalar.zero_grad()
    assert all(p.grad == 0.0 for p in scalar.parameters())

    lin = Linear(2, 1, seed=0)
    lin(np.ones((3, 2))).sum().backward()
    assert lin.weight.grad is not None
    lin.zero_grad()
    assert lin.weight.grad is None and lin.bias.grad is None


# ---------------------------------------------------------------------------------------------
# state dicts
# ---------------------------------------------------------------------------------------------


def test_state_dict_is_a_copy():
    model = Linear(3, 2, seed=0)
    sd = model.state_dict()
    before = sd["weight"].copy()
    model.weight.data += 1.0
    np.testing.assert_array_equal(sd["weight"], before)

    scalar = MLP(2, [2, 1], seed=0)
    sd = scalar.state_dict()
    w = scalar.layers[0].neurons[0].w[0]
    assert sd["layers.0.neurons.0.w.0"].shape == ()
    assert float(sd["layers.0.neurons.0.w.0"]) == w.data
    w.data += 1.0
    assert float(sd["layers.0.neurons.0.w.0"]) == w.data - 1.0


def test_load_state_dict_round_trip_in_place():
    src, dst = Linear(3, 2, seed=0), Linear(3, 2, seed=1)
    weight_obj, weight_arr = dst.weight, dst.weight.data
    dst.load_state_dict(src.state_dict())
    np.testing.assert_array_equal(dst.weight.data, src.weight.data)
    assert dst.weight is weight_obj and dst.weight.data is weight_arr  # optimizers keep working


def test_load_state_dict_shape_mismatch_names_parameter_and_shapes():
    model = Linear(3, 2)
    sd = Linear(4, 2).state_dict()
    with pytest.raises(StateDictError) as err:
        model.load_state_dict(sd)
    msg = str(err.value)
    assert "'weight'" in msg and "(2, 4)" in msg and "(2, 3)" in msg


def test_load_state_dict_lists_missing_and_unexpected_keys_and_changes_nothing():
    model = Sequential(Linear(2, 2, seed=0), Linear(2, 2, seed=0))
    before = model.state_dict()
    sd = model.state_dict()
    del sd["1.bias"]
    sd["9.weight"] = np.zeros((2, 2))
    sd["0.weight"] = sd["0.weight"] + 5.0
    with pytest.raises(StateDictError) as err:
        model.load_state_dict(sd)
    assert "missing keys: '1.bias'" in str(err.value)
    assert "unexpected keys: '9.weight'" in str(err.value)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v, before[k])
    model.load_state_dict(sd, strict=False)  # loads what fits
    np.testing.assert_array_equal(model[0].weight.data, before["0.weight"] + 5.0)


def test_buffers_are_saved_and_restored():
    bn = BatchNorm1d(3)
    bn(Tensor(np.arange(12.0).reshape(4, 3)))
    sd = bn.state_dict()
    assert list(sd) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    fresh = BatchNorm1d(3)
    fresh.load_state_dict(sd)
    np.testing.assert_array_equal(fresh.running_mean, bn.running_mean)
    np.testing.assert_array_equal(fresh.running_var, bn.running_var)
    assert int(fresh.num_batches_tracked) == 1


# ---------------------------------------------------------------------------------------------
# save / load
# ---------------------------------------------------------------------------------------------


def test_save_load_scalar_mlp_bit_exact(tmp_path: Path):
    model = MLP(2, [4, 3, 1], seed=0)
    # awkward floats: not representable in decimal, subnormal, negative zero
    tricky = [0.1, 1 / 3, np.nextafter(1.0, 2.0), 5e-324, -0.0, -1e300]
    for p, v in zip(model.parameters(), tricky):
        p.data = float(v)
    path = model.save(tmp_path / "model.npz")
    assert path == tmp_path / "model.npz" and path.exists()
    other = MLP(2, [4, 3, 1], seed=1)
    assert other.load(path) is other
    for (n1, p1), (n2, p2) in zip(model.named_parameters(), other.named_parameters()):
        assert n1 == n2
        assert np.float64(p1.data).tobytes() == np.float64(p2.data).tobytes()


def test_save_load_tensor_model_bit_exact_any_suffix(tmp_path: Path):
    model = mlp([5, 7, 3], batchnorm=True, seed=0)
    model(np.random.default_rng(0).normal(size=(6, 5)))  # move BatchNorm's running stats
    path = model.save(tmp_path / "weights.bin")  # written exactly there, no suffix added
    assert path.exists() and not (tmp_path / "weights.bin.npz").exists()
    other = mlp([5, 7, 3], batchnorm=True, seed=1).load(path)
    a, b = model.state_dict(), other.state_dict()
    assert list(a) == list(b)
    for k in a:
        assert a[k].dtype == b[k].dtype and a[k].tobytes() == b[k].tobytes()


def test_loading_another_architecture_fails_clearly(tmp_path: Path):
    path = MLP(2, [16, 16, 1], seed=0).save(tmp_path / "m.npz")
    with pytest.raises(StateDictError) as err:
        MLP(2, [8, 1], seed=0).load(path)
    msg = str(err.value)
    assert "unexpected keys" in msg
    assert "MLP(2 -> 16 -> 16 -> 1" in msg and "MLP(2 -> 8 -> 1" in msg

    path = Linear(3, 2).save(tmp_path / "lin.npz")
    with pytest.raises(StateDictError, match=r"size mismatch for 'weight'.*\(2, 3\).*\(4, 3\)"):
        Linear(3, 4).load(path)


def test_crafted_pickle_is_never_executed(tmp_path: Path):
    marker = tmp_path / "pwned"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "evil.npz"
    with zipfile.ZipFile(path, "w") as zf:
        with zf.open("weight.npy", "w") as f:
            np.save(f, np.array([Payload()], dtype=object), allow_pickle=True)
        with zf.open("bias.npy", "w") as f:
            np.save(f, np.zeros(2))
    assert pickle.dumps(Payload())  # the payload would work if unpickled
    with pytest.raises(StateDictError, match="Python objects"):
        Linear(3, 2).load(path)
    assert not marker.exists()


def test_loading_garbage_fails_clearly(tmp_path: Path):
    path = tmp_path / "junk.npz"
    path.write_bytes(b"not a zip file at all")
    with pytest.raises(StateDictError, match="cannot read"):
        Linear(3, 2).load(path)


def _npy_entry(zf: zipfile.ZipFile, name: str, shape: tuple, dtype: str = "<f8",
               chunks: int = 0, chunk: bytes = b"") -> None:
    """Write an entry ``name`` holding a .npy header for ``shape`` and ``chunks`` copies of
    ``chunk`` as data, without ever holding the whole array in memory."""
    with zf.open(name, "w", force_zip64=True) as fp:
        np.lib.format.write_array_header_1_0(
            fp, {"descr": dtype, "fortran_order": False, "shape": shape})
        for _ in range(chunks):
            fp.write(chunk)


def _linear_archive(path: Path, extra=None, weight_shape=(2, 3)) -> None:
    """A saved Linear(3, 2), optionally with an oversized weight and an extra entry."""
    mib = bytes(1 << 20)
    n = int(np.prod(weight_shape)) * 8
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        if n <= 1 << 20:
            _npy_entry(zf, "weight.npy", weight_shape, chunks=1, chunk=bytes(n))
        else:
            _npy_entry(zf, "weight.npy", weight_shape, chunks=n >> 20, chunk=mib)
        _npy_entry(zf, "bias.npy", (2,), chunks=1, chunk=np.array([1.0, 2.0]).tobytes())
        if extra:
            _npy_entry(zf, "junk.npy", (extra << 17,), chunks=extra, chunk=mib)


def test_loading_reads_no_entry_the_model_does_not_need(tmp_path: Path):
    # a 64 MiB block of zeros, deflated to a few kB, under a key the model does not have
    path = tmp_path / "padded.npz"
    _linear_archive(path, extra=64)
    assert path.stat().st_size < 1 << 20
    model = Linear(3, 2)
    peak = peak_bytes(lambda: model.load(path, strict=False))
    assert peak < 4 << 20, peak  # far below the 64 MiB the entry would need
    np.testing.assert_array_equal(model.bias.data, [1.0, 2.0])
    np.testing.assert_array_equal(model.weight.data, np.zeros((2, 3)))
    with pytest.raises(StateDictError, match="unexpected keys: 'junk'"):
        peak_bytes(lambda: Linear(3, 2).load(path))


def test_an_oversized_entry_is_refused_from_its_header(tmp_path: Path):
    path = tmp_path / "big.npz"
    _linear_archive(path, weight_shape=(8192, 1024))  # 64 MiB declared and stored (deflated)
    model = Linear(3, 2)
    before = model.weight.data.copy()
    errors = []

    def load():
        try:
            model.load(path)
        except StateDictError as exc:
            errors.append(str(exc))

    assert peak_bytes(load) < 4 << 20
    assert len(errors) == 1 and "size mismatch for 'weight'" in errors[0]
    assert "(8192, 1024)" in errors[0] and str(path) in errors[0]
    np.testing.assert_array_equal(model.weight.data, before)  # nothing changed


def _corrupt(path: Path, how: str) -> None:
    raw = bytearray(path.read_bytes())
    if how == "truncated":
        path.write_bytes(bytes(raw[: len(raw) // 2]))
    elif how == "bad crc":
        # the first float of 'bias', whose stored (uncompressed) data ends right before
        # the local header of the next entry
        at = raw.index(np.array([7.0]).tobytes())
        raw[at] ^= 0xFF
        path.write_bytes(bytes(raw))


@pytest.mark.parametrize("how, message", [
    ("truncated", r"not a zip archive, or a truncated one"),
    ("bad crc", r"entry 'bias' is corrupt: Bad CRC-32"),
])
def test_damaged_files_raise_a_model_file_error_naming_file_and_entry(tmp_path, how, message):
    from nn.module import ModelFileError

    model = Linear(3, 2)
    model.bias.data[...] = [7.0, 8.0]
    path = model.save(tmp_path / "m.npz")
    _corrupt(path, how)
    with pytest.raises(ModelFileError, match=message) as err:
        Linear(3, 2).load(path)
    assert str(path) in str(err.value)


def test_malformed_archives_raise_a_model_file_error(tmp_path: Path):
    from nn.module import ModelFileError

    npy = tmp_path / "one.npy"
    np.save(npy, np.zeros((2, 3)))
    with pytest.raises(ModelFileError, match=r"one.npy holds a single array \(.npy\)"):
        Linear(3, 2).load(npy)

    arch = tmp_path / "arch.npz"  # the architecture must be one string
    np.savez(arch, weight=np.zeros((2, 3)), bias=np.zeros(2), __architecture__=np.array(["a", "b"]))
    with pytest.raises(ModelFileError, match=r"arch.npz: entry '__architecture__' should be one"):
        Linear(3, 2).load(arch)

    short = tmp_path / "short.npz"  # the header declares 6 floats, the entry stores 2
    with zipfile.ZipFile(short, "w") as zf:
        _npy_entry(zf, "weight.npy", (2, 3), chunks=1, chunk=bytes(16))
        _npy_entry(zf, "bias.npy", (2,), chunks=1, chunk=bytes(16))
    with pytest.raises(ModelFileError, match=r"short.npz: entry 'weight' declares shape \(2, 3\)"):
        Linear(3, 2).load(short)

    other = tmp_path / "other.npz"  # a zip holding something that is not an array
    with zipfile.ZipFile(other, "w") as zf:
        zf.writestr("weight.txt", "hello")
    with pytest.raises(ModelFileError, match=r"other.npz: entry 'weight.txt' is not a .npy"):
        Linear(3, 2).load(other)

    strings = tmp_path / "strings.npz"
    np.savez(strings, weight=np.full((2, 3), "x"), bias=np.zeros(2))
    with pytest.raises(ModelFileError, match=r"entry 'weight' holds non-numeric data"):
        Linear(3, 2).load(strings)


def test_big_endian_and_fortran_order_entries_load_as_stored(tmp_path: Path):
    w = np.arange(6.0).reshape(2, 3)
    path = tmp_path / "be.npz"
    np.savez(path, weight=np.asfortranarray(w.astype(">f8")), bias=np.array([1, 2], ">i4"))
    model = Linear(3, 2).load(path)
    np.testing.assert_array_equal(model.weight.data, w)
    np.testing.assert_array_equal(model.bias.data, [1.0, 2.0])


def test_save_is_atomic_and_replaces_a_symlink(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not yours")
    link = tmp_path / "model.npz"
    link.symlink_to(elsewhere)
    Linear(3, 2).save(link)
    assert elsewhere.read_text() == "not yours"  # not written through the link
    assert not link.is_symlink() and zipfile.is_zipfile(link)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.txt", "model.npz"]


def test_a_save_killed_midway_leaves_the_old_file_intact(tmp_path: Path):

    path = tmp_path / "model.npz"
    old = Linear(3, 2, seed=0)
    old.save(path)
    # The child saves another model, but numpy's writer stops halfway and waits to be killed.
    child = (
        "import sys, time, numpy as np\n"
        "from nn import Linear\n"
        "def half(f, **arrays):\n"
        "    f.write(b'PK' + bytes(1000)); f.flush()\n"
        "    print('writing', flush=True); time.sleep(120)\n"
        "np.savez = half\n"
        "Linear(3, 2, seed=1).save(sys.argv[1])\n"
    )
    kill_while_writing(child, path)
    back = Linear(3, 2, seed=5).load(path)
    np.testing.assert_array_equal(back.weight.data, old.weight.data)


def test_load_keeps_training_with_same_optimizer(tmp_path: Path):
    model = Linear(2, 1, seed=0)
    opt = optim.SGD(model.parameters(), lr=0.1)
    saved = model.state_dict()
    model.weight.data[...] = 7.0
    model.load_state_dict(saved)
    model(np.ones((1, 2))).sum().backward()
    opt.step()  # the optimizer still updates the model's (reloaded) parameters
    np.testing.assert_allclose(model.weight.data, saved["weight"] - 0.1 * np.ones((1, 2)))


# ---------------------------------------------------------------------------------------------
# repr
# ---------------------------------------------------------------------------------------------


def test_reprs_show_architecture_and_sizes():
    assert repr(MLP(2, [16, 16, 1])) == "MLP(2 -> 16 -> 16 -> 1, activation=relu, 337 parameters)"
    assert repr(MLP(3, [4, 2], activation="tanh", output_activation="sigmoid")) == (
        "MLP(3 -> 4 -> 2, activation=tanh, output_activation=sigmoid, 26 parameters)"
    )
    text = repr(mlp([784, 256, 10], dropout=0.2))
    assert text.splitlines()[0] == "Sequential(784 -> 256 -> 10; 203,530 parameters"
    assert "(0): Linear(in_features=784, out_features=256, bias=True)" in text
    assert "(2): Dropout(p=0.2)" in text
