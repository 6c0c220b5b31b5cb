"""Tests of nn.data: toy sets, IDX files, the loader and the splitting utilities."""

from __future__ import annotations

import gzip
import math
import struct
from pathlib import Path

import numpy as np
import pytest
from helpers import peak_bytes

from nn import data

# ---------------------------------------------------------------------------------------------
# toy data sets
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("gate", "labels"),
    [
        ("and", [0, 0, 0, 1]),
        ("or", [0, 1, 1, 1]),
        ("nand", [1, 1, 1, 0]),
        ("nor", [1, 0, 0, 0]),
        ("xor", [0, 1, 1, 0]),
        ("XNOR", [1, 0, 0, 1]),
    ],
)
def test_logic_gate_truth_tables(gate: str, labels: list[int]) -> None:
    X, y = data.logic_gate(gate)
    assert X.dtype == np.float64 and X.shape == (4, 2)
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    assert y.dtype.kind == "i"
    np.testing.assert_array_equal(y, labels)


def test_logic_gate_unknown_name_lists_valid_gates() -> None:
    with pytest.raises(
        ValueError, match="unknown logic gate 'xand'.*and, nand, nor, or, xnor, xor"
    ):
        data.logic_gate("xand")


def test_xor_default_and_noisy_variant() -> None:
    X, y = data.xor()
    np.testing.assert_array_equal(y, [0, 1, 1, 0])
    np.testing.assert_array_equal(X, [[0, 0], [0, 1], [1, 0], [1, 1]])
    Xn, yn = data.xor(n=400, noise=0.1, seed=0)
    assert Xn.shape == (400, 2) and yn.shape == (400,)
    # every noisy point stays labelled by the corner it came from: XOR of the rounded inputs
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])[np.arange(400) % 4]
    np.testing.assert_array_equal(yn, corners[:, 0] ^ corners[:, 1])
    assert 0.05 < np.std(Xn - corners) < 0.15
    np.testing.assert_array_equal(data.xor(n=400, noise=0.1, seed=0)[0], Xn)


def test_moons_shapes_labels_determinism() -> None:
    X, y = data.moons(n=101, noise=0.1, seed=3)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert y.shape == (101,) and y.dtype.kind == "i"
    assert set(np.unique(y)) == {0, 1}
    assert (y == 0).sum() == 50 and (y == 1).sum() == 51
    X2, y2 = data.moons(n=101, noise=0.1, seed=3)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    X3, _ = data.moons(n=101, noise=0.1, seed=4)
    assert not np.allclose(X, X3)


def test_moons_geometry_matches_scikit_learn_construction() -> None:
    sk = pytest.importorskip("sklearn.datasets")
    X, y = data.moons(n=60, noise=0, shuffle=False)
    Xs, ys = sk.make_moons(n_samples=60, shuffle=False, noise=None)
    np.testing.assert_allclose(X, Xs, rtol=0, atol=1e-15)
    np.testing.assert_array_equal(y, ys)
    # the outer moon lies on the unit circle, the inner one on the circle around (1, 0.5)
    outer, inner = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(*outer.T), 1.0)
    np.testing.assert_allclose(np.hypot(inner[:, 0] - 1.0, inner[:, 1] - 0.5), 1.0)


def test_circles_radii() -> None:
    sk = pytest.importorskip("sklearn.datasets")
    X, y = data.circles(n=50, noise=0, factor=0.3, shuffle=False)
    Xs, ys = sk.make_circles(n_samples=50, shuffle=False, noise=None, factor=0.3)
    np.testing.assert_allclose(X, Xs, atol=1e-15)
    np.testing.assert_array_equal(y, ys)
    Xn, yn = data.circles(n=200, seed=1)
    r = np.hypot(*Xn.T)
    assert r[yn == 0].mean() > 0.9 and r[yn == 1].mean() < 0.6


def test_spirals() -> None:
    X, y = data.spirals(n_per_class=50, classes=4, seed=0)
    assert X.shape == (200, 2) and y.shape == (200,)
    np.testing.assert_array_equal(np.bincount(y), [50, 50, 50, 50])
    # radius grows linearly from 0 to 1 along each arm, whatever the angular noise
    np.testing.assert_allclose(np.hypot(*X[:50].T), np.linspace(0, 1, 50))
    np.testing.assert_array_equal(data.spirals(50, 4, seed=0)[0], X)


def test_linear_regression_recovers_coefficients() -> None:
    X, y = data.linear_regression(n=2000, w=[1.5, -2.0], b=0.5, noise=0.01, seed=0)
    assert X.shape == (2000, 2) and y.shape == (2000,) and y.dtype == np.float64
    A = np.column_stack([X, np.ones(len(X))])
    coef = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(coef, [1.5, -2.0, 0.5], atol=2e-3)
    X0, y0 = data.linear_regression(n=5, w=3.0, b=-1.0, noise=0.0, seed=1)
    np.testing.assert_allclose(y0, 3.0 * X0[:, 0] - 1.0)


def test_sine() -> None:
    X, y = data.sine(n=64, low=-2.0, high=2.0, seed=0)
    assert X.shape == (64, 1) and y.shape == (64,)
    assert np.all(np.diff(X[:, 0]) >= 0) and X.min() >= -2.0 and X.max() < 2.0
    np.testing.assert_allclose(y, np.sin(X[:, 0]))
    with pytest.raises(ValueError, match="low < high"):
        data.sine(low=1.0, high=1.0)


def test_house_prices_is_the_seed_000_sample() -> None:
    X, y = data.house_prices()
    np.testing.assert_array_equal(X, [[1200.0, 3.0, 10.0]])
    np.testing.assert_array_equal(y, [1.0])
    net = data.house_price_network()
    # the notes' hand-computed first layer: z1 = [12.241, 47.549]
    z1 = net["W1"] @ X[0] + net["b1"]
    np.testing.assert_allclose(z1, [12.241, 47.549])
    # the seed prints z2 = [-3.5308, 5.979], which is W2 a1 without the bias b2 = [0.01, 0.01]
    np.testing.assert_allclose(net["W2"] @ z1, [-3.5308, 5.979])
    a2 = np.maximum(net["W2"] @ z1 + net["b2"], 0)
    np.testing.assert_allclose(a2, [0.0, 5.989])
    np.testing.assert_allclose(net["W3"] @ a2 + net["b3"], [0.6089])


def test_digits_shape() -> None:
    pytest.importorskip("sklearn")
    X, y = data.digits()
    assert X.shape == (1797, 64) and X.dtype == np.float64
    assert y.shape == (1797,) and y.dtype == np.int64
    assert X.min() == 0.0 and X.max() == 1.0
    np.testing.assert_array_equal(np.unique(y), np.arange(10))


def test_digits_without_scikit_learn_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import builtins

    real_import = builtins.__import__

    def fake_import(name: str, *args: object, **kwargs: object) -> object:
        if name.startswith("sklearn"):
            raise ImportError("No module named 'sklearn'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(ImportError, match=r"pip install scikit-learn.*gradbook\[data\]"):
        data.digits()


@pytest.mark.parametrize("bad", [0, -3, 2.5, True])
def test_generators_reject_bad_sample_counts(bad: object) -> None:
    with pytest.raises((ValueError, TypeError), match="n"):
        data.moons(n=bad)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# IDX files (written by hand here, byte by byte, with struct)
# ---------------------------------------------------------------------------------------------


def _idx_bytes(code: int, dims: tuple[int, ...], payload: bytes) -> bytes:
    return bytes([0, 0, code, len(dims)]) + struct.pack(f">{len(dims)}I", *dims) + payload


@pytest.mark.parametrize("compressed", [False, True])
def test_load_idx_uint8_images(tmp_path: Path, compressed: bool) -> None:
    images = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4) * 10
    raw = _idx_bytes(0x08, (2, 3, 4), images.tobytes())
    # the name never ends in .gz: compression must be detected from the bytes
    path = tmp_path / "images-idx3-ubyte"
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    out = data.load_idx(path)
    assert out.dtype == np.uint8 and out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out, images)
    out[0, 0, 0] = 1  # writable


@pytest.mark.parametrize("compressed", [False, True])
def test_load_idx_float32_big_endian(tmp_path: Path, compressed: bool) -> None:
    values = [1.5, -2.25, 3.0e10, 0.0, -0.125, 7.0]
    raw = _idx_bytes(0x0D, (3, 2), struct.pack(">6f", *values))
    path = tmp_path / ("f.idx.gz" if compressed else "f.idx")
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    out = data.load_idx(path)
    assert out.dtype == np.float32 and out.dtype.isnative and out.shape == (3, 2)
    np.testing.assert_array_equal(out.ravel(), np.array(values, dtype=np.float32))


def test_load_idx_int32_labels(tmp_path: Path) -> None:
    path = tmp_path / "labels"
    path.write_bytes(_idx_bytes(0x0C, (3,), struct.pack(">3i", -1, 70000, 2)))
    np.testing.assert_array_equal(data.load_idx(path), [-1, 70000, 2])


@pytest.mark.parametrize(
    ("dtype", "code"),
    [(np.uint8, 0x08), (np.int8, 0x09), (np.int16, 0x0B), (np.int32, 0x0C), (np.float32, 0x0D)],
)
@pytest.mark.parametrize("name", ["a.idx", "a.idx.gz"])
def test_save_idx_round_trip_and_bytes(tmp_path: Path, dtype: type, code: int, name: str) -> None:
    arr = (np.arange(12).reshape(3, 4) - 3).astype(dtype)
    path = data.save_idx(tmp_path / name, arr)
    np.testing.assert_array_equal(data.load_idx(path), arr)
    raw = path.read_bytes()
    if name.endswith(".gz"):
        assert raw[:2] == b"\x1f\x8b"
        raw = gzip.decompress(raw)
    assert raw == _idx_bytes(code, (3, 4), arr.astype(np.dtype(dtype).newbyteorder(">")).tobytes())


def test_load_idx_truncated_names_path_and_byte_counts(tmp_path: Path) -> None:
    raw = _idx_bytes(0x08, (2, 28, 28), bytes(2 * 28 * 28 - 100))
    path = tmp_path / "short-idx3-ubyte"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=r"short-idx3-ubyte.*truncated.*1568 bytes.*1468"):
        data.load_idx(path)
    gz = tmp_path / "short.gz"
    gz.write_bytes(gzip.compress(raw))
    with pytest.raises(ValueError, match="truncated"):
        data.load_idx(gz)


def test_load_idx_truncated_gzip_stream(tmp_path: Path) -> None:
    full = gzip.compress(_idx_bytes(0x08, (100,), bytes(range(100))))
    path = tmp_path / "cut.gz"
    path.write_bytes(full[: len(full) // 2])
    with pytest.raises(ValueError, match="cut.gz: gzip data is corrupt or truncated"):
        data.load_idx(path)


def test_load_idx_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "hdr"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(ValueError, match="truncated IDX header: 3 dimensions need 16"):
        data.load_idx(path)


def test_load_idx_wrong_magic(tmp_path: Path) -> None:
    path = tmp_path / "notidx.bin"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    with pytest.raises(ValueError, match=r"notidx.bin: not an IDX file: magic number 0x89504e47"):
        data.load_idx(path)


def test_load_idx_unknown_dtype_code(tmp_path: Path) -> None:
    path = tmp_path / "weird"
    path.write_bytes(_idx_bytes(0x0A, (2,), bytes(2)))
    with pytest.raises(ValueError, match="unknown IDX data type code 0x0A"):
        data.load_idx(path)


def test_load_idx_trailing_bytes(tmp_path: Path) -> None:
    path = tmp_path / "long"
    path.write_bytes(_idx_bytes(0x08, (2,), bytes(5)))
    with pytest.raises(ValueError, match="2 bytes of data, but 5 bytes.*3 unexpected"):
        data.load_idx(path)


def _write_fake_mnist(folder: Path, prefix: str, n: int, gz: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, size=n, dtype=np.uint8)
    suffix = ".gz" if gz else ""
    for name, arr, code in (
        (f"{prefix}-images-idx3-ubyte", images, 0x08),
        (f"{prefix}-labels-idx1-ubyte", labels, 0x08),
    ):
        raw = _idx_bytes(code, arr.shape, arr.tobytes())
        (folder / (name + suffix)).write_bytes(gzip.compress(raw) if gz else raw)
    return images, labels


@pytest.mark.parametrize(
    ("kind", "prefix", "gz"), [("train", "train", True), ("test", "t10k", False)]
)
def test_fashion_mnist_reads_standard_files(
    tmp_path: Path, kind: str, prefix: str, gz: bool
) -> None:
    images, labels = _write_fake_mnist(tmp_path, prefix, 7, gz)
    X, y = data.fashion_mnist(tmp_path, kind=kind)
    assert X.shape == (7, 784) and X.dtype == np.float64
    assert y.dtype == np.int64
    np.testing.assert_allclose(X, images.reshape(7, 784) / 255.0)
    np.testing.assert_array_equal(y, labels)
    X3, _ = data.mnist(tmp_path, kind=kind, flatten=False, normalize=False)
    assert X3.shape == (7, 28, 28)
    np.testing.assert_array_equal(X3, images)


def test_fashion_mnist_missing_files_explain_where_to_get_them(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as err:
        data.fashion_mnist(tmp_path, kind="test")
    msg = str(err.value)
    assert "t10k-images-idx3-ubyte.gz" in msg and "t10k-labels-idx1-ubyte.gz" in msg
    assert "zalandoresearch/fashion-mnist" in msg and "data/fashion" in msg
    assert str(tmp_path) in msg
    with pytest.raises(ValueError, match="kind must be 'train' or 'test'"):
        data.fashion_mnist(tmp_path, kind="validation")


def test_fashion_mnist_mismatched_counts(tmp_path: Path) -> None:
    _write_fake_mnist(tmp_path, "train", 5, gz=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(_idx_bytes(0x08, (4,), bytes(4)))
    with pytest.raises(ValueError, match="holds 5 images but .* holds 4 labels"):
        data.fashion_mnist(tmp_path)


def test_load_idx_never_decompresses_past_the_declared_size(tmp_path: Path) -> None:
    # a header declaring 2 x 3 bytes, followed by 64 MiB of zeros: a few kB once gzipped
    path = tmp_path / "bomb.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(_idx_bytes(0x08, (2, 3), bytes(6)))
        for _ in range(64):
            fh.write(bytes(1 << 20))
    assert path.stat().st_size < 1 << 20
    errors = []

    def load():
        try:
            data.load_idx(path)
        except ValueError as exc:
            errors.append(str(exc))

    assert peak_bytes(load) < 4 << 20  # far below the 64 MiB the stream expands to
    assert len(errors) == 1 and "bomb.gz: malformed IDX file" in errors[0]
    assert "6 bytes of data, but more bytes follow the header" in errors[0]


def test_load_idx_refuses_a_declared_size_above_the_limit_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge-idx3-ubyte"
    path.write_bytes(_idx_bytes(0x08, (60000, 28, 28), b""))
    with pytest.raises(ValueError, match=r"huge-idx3-ubyte: .*47040000 bytes of data, more than "
                                         r"the limit of 1000000 bytes"):
        data.load_idx(path, max_bytes=1_000_000)
    # 2**16 x 2**16 x 2**16 float64 images: 2**51 bytes, refused at the default limit too
    path.write_bytes(_idx_bytes(0x0E, (1 << 16, 1 << 16, 1 << 16), b""))
    with pytest.raises(ValueError, match="more than the limit"):
        data.load_idx(path)


def test_load_idx_more_than_64_dimensions_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "deep.idx"
    path.write_bytes(_idx_bytes(0x08, (1,) * 65, b"\x07"))
    with pytest.raises(ValueError, match=r"deep.idx: the IDX header declares 65 dimensions"):
        data.load_idx(path)


def _write_pair(folder: Path, images: np.ndarray, labels: np.ndarray, codes=(0x08, 0x08)):
    for name, arr, code in (("train-images-idx3-ubyte", images, codes[0]),
                            ("train-labels-idx1-ubyte", labels, codes[1])):
        big = arr.astype(arr.dtype.newbyteorder(">"))
        (folder / name).write_bytes(_idx_bytes(code, arr.shape, big.tobytes()))


def test_fashion_mnist_refuses_nan_images_no_images_and_float_labels(tmp_path: Path) -> None:
    images = np.zeros((2, 2, 2), dtype=np.float32)
    images[1, 0, 1] = np.nan
    _write_pair(tmp_path, images, np.array([0, 1], dtype=np.uint8), codes=(0x0D, 0x08))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte contains nan or inf pixel "
                                         r"values \(the first at image 1, row 0, column 1"):
        data.fashion_mnist(tmp_path)

    _write_pair(tmp_path, np.zeros((0, 28, 28), np.uint8), np.zeros(0, np.uint8))
    with pytest.raises(ValueError, match=r"train-images-idx3-ubyte holds no images"):
        data.fashion_mnist(tmp_path)

    _write_pair(tmp_path, np.zeros((2, 2, 2), np.uint8), np.array([0.0, 1.5], np.float32),
                codes=(0x08, 0x0D))
    with pytest.raises(ValueError, match=r"train-labels-idx1-ubyte holds float32 labels; class "
                                         r"labels must be integers"):
        data.fashion_mnist(tmp_path)


def test_standardizer_handles_values_near_the_float64_limit() -> None:
    import warnings

    X = np.array([[1e308, 1.0], [-1e308, 2.0], [1.5e308, 3.0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning either
        scaler = data.Standardizer().fit(X)
        Z = scaler.transform(X)
    # column 0 in units of 1e308 is (1, -1, 1.5): mean 0.5, deviation sqrt(3.5 / 3)
    s = math.sqrt(3.5 / 3)
    np.testing.assert_allclose(scaler.mean_, [0.5e308, 2.0], rtol=1e-14)
    np.testing.assert_allclose(scaler.std_, [s * 1e308, math.sqrt(2 / 3)], rtol=1e-14)
    np.testing.assert_allclose(Z[:, 0], np.array([0.5, -1.5, 1.0]) / s, rtol=1e-12)
    np.testing.assert_allclose(Z[:, 1], np.array([-1.0, 0.0, 1.0]) / math.sqrt(2 / 3))
    with pytest.raises(ValueError, match="nan or inf"):
        data.Standardizer().fit(np.array([[1.0], [np.inf]]))
    tiny = data.Standardizer().fit(np.array([[0.0], [1e-300]]))  # deviation 5e-301
    with pytest.raises(ValueError, match="standardising column 0 overflows float64"):
        tiny.transform(np.array([[1e308]]))


# ---------------------------------------------------------------------------------------------
# DataLoader
# ---------------------------------------------------------------------------------------------


def test_dataloader_1050_samples_batch_100_gives_11_iterations() -> None:
    X = np.arange(1050.0).reshape(1050, 1)
    y = np.arange(1050)
    loader = data.DataLoader(X, y, batch_size=100)
    assert len(loader) == 11 == math.ceil(1050 / 100)
    batches = list(loader)
    assert len(batches) == 11
    assert [len(b[0]) for b in batches] == [100] * 10 + [50]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    dropped = data.DataLoader(X, y, batch_size=100, drop_last=True)
    assert len(dropped) == 10 == len(list(dropped))


def test_dataloader_reshuffles_every_epoch_reproducibly() -> None:
    X = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    loader = data.DataLoader(X, y, batch_size=4, shuffle=True, seed=7)
    epoch1 = np.concatenate([yb for _, yb in loader])
    epoch2 = np.concatenate([yb for _, yb in loader])
    assert sorted(epoch1) == list(range(10)) and sorted(epoch2) == list(range(10))
    assert not np.array_equal(epoch1, epoch2)
    for Xb, yb in loader:  # rows stay paired with their labels
        np.testing.assert_array_equal(Xb[:, 0], 2 * yb)
    again = data.DataLoader(X, y, batch_size=4, shuffle=True, seed=7)
    np.testing.assert_array_equal(np.concatenate([yb for _, yb in again]), epoch1)


def test_dataloader_without_labels_yields_arrays() -> None:
    batches = list(data.DataLoader([[1.0], [2.0], [3.0]], batch_size=2))
    assert len(batches) == 2 and isinstance(batches[0], np.ndarray)
    np.testing.assert_array_equal(batches[1], [[3.0]])


def test_dataloader_errors() -> None:
    with pytest.raises(ValueError, match=r"len\(X\) = 5, len\(y\) = 4"):
        data.DataLoader(np.zeros((5, 2)), np.zeros(4))
    with pytest.raises(ValueError, match="batch_size must be >= 1, got 0"):
        data.DataLoader(np.zeros((5, 2)), batch_size=0)
    with pytest.raises(TypeError, match="X must be numeric.*dtype <U"):
        data.DataLoader(np.array([["a", "b"]]))
    with pytest.raises(TypeError, match="X must be numeric.*object"):
        data.DataLoader([object(), object()])


# ---------------------------------------------------------------------------------------------
# splitting, k-fold, standardisation
# ---------------------------------------------------------------------------------------------


def test_train_test_split_sizes_and_pairing() -> None:
    X = np.arange(100.0).reshape(50, 2)
    y = np.arange(50)
    Xtr, Xte, ytr, yte = data.train_test_split(X, y, test_size=0.2, seed=0)
    assert len(Xtr) == 40 and len(Xte) == 10
    assert sorted(np.concatenate([ytr, yte])) == list(range(50))
    np.testing.assert_array_equal(Xtr[:, 0], 2 * ytr)
    again = data.train_test_split(X, y, test_size=0.2, seed=0)
    np.testing.assert_array_equal(again[3], yte)
    _, _, _, tail = data.train_test_split(X, y, test_size=3, shuffle=False)
    np.testing.assert_array_equal(tail, [47, 48, 49])
    with pytest.raises(ValueError, match="same number of samples"):
        data.train_test_split(X, y[:-1])
    with pytest.raises(ValueError, match="in \\(0, 1\\)"):
        data.train_test_split(X, y, test_size=1.5)


def test_train_test_split_stratified_keeps_class_proportions() -> None:
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    X = np.arange(100.0)[:, None]
    _, _, ytr, yte = data.train_test_split(X, y, test_size=0.2, seed=1, stratify=y)
    np.testing.assert_array_equal(np.bincount(yte), [12, 6, 2])
    np.testing.assert_array_equal(np.bincount(ytr), [48, 24, 8])


def test_kfold_covers_every_index_once() -> None:
    n, k = 23, 5
    folds = list(data.kfold(n, k, seed=0))
    assert len(folds) == k
    vals = np.concatenate([v for _, v in folds])
    assert sorted(vals) == list(range(n))
    assert [len(v) for _, v in folds] == [5, 5, 5, 4, 4]
    for tr, va in folds:
        assert len(np.intersect1d(tr, va)) == 0
        assert sorted(np.concatenate([tr, va])) == list(range(n))
    plain = list(data.kfold(6, 3, shuffle=False))
    np.testing.assert_array_equal(plain[1][1], [2, 3])
    np.testing.assert_array_equal(plain[1][0], [0, 1, 4, 5])


@pytest.mark.parametrize("k", [1, 0, -2, 11])
def test_kfold_rejects_bad_k_at_call_time(k: int) -> None:
    with pytest.raises(ValueError, match=f"k must be between 2 and n = 10.*got k = {k}"):
        data.kfold(10, k)


def test_standardize_uses_training_statistics_only() -> None:
    X_train = np.array([[1.0, 10.0, 5.0], [3.0, 30.0, 5.0], [5.0, 20.0, 5.0]])
    X_test = np.array([[7.0, 0.0, 6.0]])
    Ztr, Zte, (mean, std) = data.standardize(X_train, X_test)
    # by hand: column means 3, 20, 5; population stds sqrt(8/3), sqrt(200/3); constant -> 1
    np.testing.assert_allclose(mean, [3.0, 20.0, 5.0])
    np.testing.assert_allclose(std, [math.sqrt(8 / 3), math.sqrt(200 / 3), 1.0])
    np.testing.assert_allclose(Ztr.mean(axis=0), 0.0, atol=1e-15)
    np.testing.assert_allclose(Ztr[:, :2].std(axis=0), 1.0)
    np.testing.assert_array_equal(Ztr[:, 2], 0.0)
    np.testing.assert_allclose(Zte, [[4 / math.sqrt(8 / 3), -20 / math.sqrt(200 / 3), 1.0]])
    Z, none, _ = data.standardize(X_train)
    assert none is None
    np.testing.assert_allclose(Z, Ztr)


def test_standardizer_fit_transform_inverse() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(5.0, 3.0, size=(200, 4))
    scaler = data.Standardizer()
    with pytest.raises(RuntimeError, match="not fitted"):
        scaler.transform(X)
    Z = scaler.fit_transform(X)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X)
    np.testing.assert_allclose(scaler.mean_, X.mean(axis=0))
    with pytest.raises(ValueError, match=r"feature shape \(3,\)"):
        scaler.transform(X[:, :3])
    constant = np.full((4, 1), 0.1)
    np.testing.assert_array_equal(data.Standardizer().fit_transform(constant), 0.0)
