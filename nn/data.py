"""Data sets, a mini-batch loader and splitting utilities, in pure numpy.

Every generator takes the number of samples and a ``seed`` (an int, ``None`` for fresh entropy,
or a ``numpy.random.Generator``) and returns ``(X, y)`` with ``X`` a float64 array of shape
``(n, features)``. Classification sets return integer (int64) labels ``0 .. classes-1``;
regression sets return float64 targets of shape ``(n,)``.

Contents
--------
* toy sets: :func:`xor`, :func:`logic_gate`, :func:`moons`, :func:`circles`, :func:`spirals`,
  :func:`linear_regression`, :func:`sine`, :func:`house_prices` (the worked example's house);
* real data: :func:`digits` (scikit-learn's bundled 8x8 digits), :func:`load_idx` /
  :func:`save_idx` (the MNIST IDX format), :func:`fashion_mnist` and :func:`mnist`;
* training utilities: :class:`DataLoader` (``ceil(N / B)`` mini-batches per epoch),
  :func:`train_test_split`, :func:`kfold`, :func:`standardize` and :class:`Standardizer`.
"""

from __future__ import annotations

import gzip
import math
import os
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from autograd import atomic_write_bytes

__all__ = [
    "FASHION_MNIST_CLASSES",
    "IDX_DTYPES",
    "LOGIC_GATES",
    "DataLoader",
    "Standardizer",
    "circles",
    "digits",
    "fashion_mnist",
    "house_price_network",
    "house_prices",
    "kfold",
    "linear_regression",
    "load_idx",
    "logic_gate",
    "mnist",
    "moons",
    "save_idx",
    "sine",
    "spirals",
    "standardize",
    "train_test_split",
    "xor",
]

SeedLike = int | np.random.Generator | None

# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _rng(seed: SeedLike) -> np.random.Generator:
    """A numpy Generator from an int seed, ``None`` or an existing Generator (used as is)."""
    return np.random.default_rng(seed)


def _check_count(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def _check_noise(noise: float | None, name: str = "noise") -> float:
    if noise is None:
        return 0.0
    noise = float(noise)
    if not noise >= 0.0:  # also rejects NaN
        raise ValueError(f"{name} must be a standard deviation >= 0, got {noise}")
    return noise


def _as_numeric_array(values: Any, name: str) -> np.ndarray:
    """``np.asarray(values)``, insisting on a bool/int/float dtype with a clear error."""
    try:
        arr = np.asarray(values)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(f"{name} cannot be turned into a rectangular numeric array: {exc}") from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be numeric (bool, int or float), got an array of dtype {arr.dtype}"
        )
    return arr


# --------------------------------------------------------------------------------------------
# toy data sets
# --------------------------------------------------------------------------------------------

#: Truth tables of the logic gates, as labels of the inputs (0,0), (0,1), (1,0), (1,1).
LOGIC_GATES: dict[str, tuple[int, int, int, int]] = {
    "and": (0, 0, 0, 1),
    "or": (0, 1, 1, 1),
    "nand": (1, 1, 1, 0),
    "nor": (1, 0, 0, 0),
    "xor": (0, 1, 1, 0),
    "xnor": (1, 0, 0, 1),
}

_GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def logic_gate(
    name: str, n: int = 4, noise: float = 0.0, seed: SeedLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of a two-input logic gate as a classification set.

    Sample ``i`` is the corner ``i % 4`` of the list (0,0), (0,1), (1,0), (1,1), plus Gaussian
    noise of standard deviation ``noise``; its label (0 or 1) is the gate's output on that corner.
    With the defaults ``n=4, noise=0`` this is exactly the truth table. AND, OR and NAND are
    linearly separable (a perceptron learns them); XOR and XNOR are not.

    Args:
        name: one of ``"and" "or" "nand" "nor" "xor" "xnor"`` (case-insensitive).
        n: number of samples.
        noise: standard deviation of the Gaussian noise added to the inputs.
        seed: seed of the noise.

    Returns:
        ``X`` float64 of shape ``(n, 2)`` and ``y`` int64 of shape ``(n,)``.
    """
    key = str(name).lower()
    if key not in LOGIC_GATES:
        raise ValueError(
            f"unknown logic gate {name!r}; valid gates are {', '.join(sorted(LOGIC_GATES))}"
        )
    n = _check_count(n, "n")
    noise = _check_noise(noise)
    corners = np.arange(n) % 4
    X = _GATE_INPUTS[corners].copy()
    y = np.asarray(LOGIC_GATES[key], dtype=np.int64)[corners]
    if noise > 0:
        X += _rng(seed).normal(0.0, noise, size=X.shape)
    return X, y


def xor(n: int = 4, noise: float = 0.0, seed: SeedLike = None) -> tuple[np.ndarray, np.ndarray]:
    """The XOR problem: ``logic_gate("xor", n, noise, seed)``.

    With the defaults it is the 4-point truth table ``X = [[0,0],[0,1],[1,0],[1,1]]``,
    ``y = [0, 1, 1, 0]``; with ``n > 4`` and ``noise > 0`` it is a noisy cloud around each corner.
    No single linear unit fits it; one hidden layer does.
    """
    return logic_gate("xor", n=n, noise=noise, seed=seed)


def moons(
    n: int = 100, noise: float | None = 0.1, seed: SeedLike = None, shuffle: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, built as scikit-learn's ``make_moons``.

    With ``n_out = n // 2`` and ``n_in = n - n_out``, the outer moon (label 0) is
    ``(cos t, sin t)`` for ``t = linspace(0, pi, n_out)`` and the inner moon (label 1) is
    ``(1 - cos t, 0.5 - sin t)`` for ``t = linspace(0, pi, n_in)``. The samples are then shuffled
    (if ``shuffle``) and Gaussian noise of standard deviation ``noise`` is added. Without noise and
    shuffling the points equal ``sklearn.datasets.make_moons(n, shuffle=False)``; the random
    numbers come from numpy's ``default_rng(seed)``, so noisy sets differ from scikit-learn's.

    Returns:
        ``X`` float64 of shape ``(n, 2)`` and ``y`` int64 in {0, 1} of shape ``(n,)``.
    """
    n = _check_count(n, "n", minimum=2)
    noise = _check_noise(noise)
    rng = _rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    X = np.vstack(
        [
            np.append(np.cos(t_out), 1.0 - np.cos(t_in)),
            np.append(np.sin(t_out), 1.0 - np.sin(t_in) - 0.5),
        ]
    ).T
    return _two_classes(X, n_out, rng, shuffle, noise)


def _two_classes(
    X: np.ndarray, n_first: int, rng: np.random.Generator, shuffle: bool, noise: float
) -> tuple[np.ndarray, np.ndarray]:
    """Label the first ``n_first`` rows 0 and the rest 1, shuffle, then add Gaussian noise
    (scikit-learn's order of operations for make_moons / make_circles)."""
    n = len(X)
    y = np.hstack([np.zeros(n_first, dtype=np.int64), np.ones(n - n_first, dtype=np.int64)])
    if shuffle:
        order = rng.permutation(n)
        X, y = X[order], y[order]
    if noise > 0:
        X = X + rng.normal(0.0, noise, size=X.shape)
    return X, y


def circles(
    n: int = 100,
    noise: float | None = 0.05,
    factor: float = 0.5,
    seed: SeedLike = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray]:
    """A small circle inside a large one, built as scikit-learn's ``make_circles``.

    The outer circle (label 0) has ``n // 2`` points ``(cos t, sin t)`` and the inner circle
    (label 1) the other points ``factor * (cos t, sin t)``, with ``t`` evenly spaced on
    ``[0, 2 pi)``; then shuffling and Gaussian noise of standard deviation ``noise``.
    (scikit-learn's default ``factor`` is 0.8; 0.5 leaves a clearer gap for teaching.)

    Returns:
        ``X`` float64 of shape ``(n, 2)`` and ``y`` int64 in {0, 1} of shape ``(n,)``.
    """
    n = _check_count(n, "n", minimum=2)
    noise = _check_noise(noise)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"factor (inner radius / outer radius) must be in [0, 1), got {factor}")
    rng = _rng(seed)
    n_out = n // 2
    n_in = n - n_out
    t_out = np.linspace(0.0, 2.0 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2.0 * np.pi, n_in, endpoint=False)
    X = np.vstack(
        [
            np.append(np.cos(t_out), factor * np.cos(t_in)),
            np.append(np.sin(t_out), factor * np.sin(t_in)),
        ]
    ).T
    return _two_classes(X, n_out, rng, shuffle, noise)


def spirals(
    n_per_class: int = 100, classes: int = 3, noise: float = 0.2, seed: SeedLike = None
) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms, one per class (the CS231n construction).

    For class ``k`` and ``i = 0 .. m-1`` (``m = n_per_class``): radius ``r_i = i / (m - 1)``,
    angle ``t_i = 4k + 4 i / (m - 1) + noise * N(0, 1)`` and point ``(r_i sin t_i, r_i cos t_i)``.
    Samples are grouped by class (not shuffled).

    Returns:
        ``X`` float64 of shape ``(n_per_class * classes, 2)`` and ``y`` int64 of the same length.
    """
    m = _check_count(n_per_class, "n_per_class", minimum=2)
    k = _check_count(classes, "classes", minimum=2)
    noise = _check_noise(noise)
    rng = _rng(seed)
    X = np.empty((m * k, 2))
    y = np.empty(m * k, dtype=np.int64)
    r = np.linspace(0.0, 1.0, m)
    for c in range(k):
        t = np.linspace(4.0 * c, 4.0 * (c + 1), m) + rng.normal(0.0, 1.0, size=m) * noise
        rows = slice(c * m, (c + 1) * m)
        X[rows, 0] = r * np.sin(t)
        X[rows, 1] = r * np.cos(t)
        y[rows] = c
    return X, y


def linear_regression(
    n: int = 100,
    w: float | np.ndarray | list[float] = 2.0,
    b: float = 1.0,
    noise: float = 0.1,
    seed: SeedLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Samples of a linear model ``y = X w + b + noise * eps``.

    ``X`` is standard normal with as many columns as ``w`` has entries (one for a scalar ``w``)
    and ``eps ~ N(0, 1)``.

    Returns:
        ``X`` float64 of shape ``(n, d)`` and ``y`` float64 of shape ``(n,)``.
    """
    n = _check_count(n, "n")
    noise = _check_noise(noise)
    w_arr = np.atleast_1d(np.asarray(w, dtype=np.float64))
    if w_arr.ndim != 1:
        raise ValueError(f"w must be a number or a 1-D sequence, got shape {w_arr.shape}")
    rng = _rng(seed)
    X = rng.normal(0.0, 1.0, size=(n, w_arr.size))
    y = X @ w_arr + float(b)
    if noise > 0:
        y = y + rng.normal(0.0, noise, size=n)
    return X, y


def sine(
    n: int = 100,
    low: float = -math.pi,
    high: float = math.pi,
    noise: float = 0.0,
    seed: SeedLike = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Samples of ``y = sin(x) + noise * eps`` for the universal-approximation demo.

    ``x`` is drawn uniformly from ``[low, high)`` and sorted (so the curve plots as a line).

    Returns:
        ``X`` float64 of shape ``(n, 1)`` and ``y`` float64 of shape ``(n,)``.
    """
    n = _check_count(n, "n")
    noise = _check_noise(noise)
    if not high > low:
        raise ValueError(f"need low < high, got low={low}, high={high}")
    rng = _rng(seed)
    x = np.sort(rng.uniform(low, high, size=n))
    y = np.sin(x)
    if noise > 0:
        y = y + rng.normal(0.0, noise, size=n)
    return x.reshape(n, 1), y


def house_prices() -> tuple[np.ndarray, np.ndarray]:
    """The single house of the worked house-price example ("房价预测的神经网络示例").

    The input vector is ``a[0] = [1200, 3, 10]`` (size, number of bedrooms, age of the house)
    and the true value is ``y = 1``; the worked example runs it through a 3 -> 2 -> 2 -> 1
    ReLU network (weights in :func:`house_price_network`), takes the loss
    ``L = 1/2 (y - a[3])^2`` and does one SGD step with learning rate 0.1.

    Returns:
        ``X = [[1200., 3., 10.]]`` (float64, shape ``(1, 3)``) and ``y = [1.]`` (shape ``(1,)``).
    """
    return np.array([[1200.0, 3.0, 10.0]]), np.array([1.0])


def house_price_network() -> dict[str, np.ndarray]:
    """The given weights of the worked house-price network (3 -> 2 -> 2 -> 1, ReLU everywhere).

    ``W`` has shape ``[n_out, n_in]`` as the worked example writes it. Exact forward pass on
    :func:`house_prices`: ``z1 = W1 a0 + b1 = [12.241, 47.549]``, ``z2 = W2 a1 + b2 =
    [-3.5208, 5.989]``, ``a2 = [0, 5.989]``, ``a3 = W3 a2 + b3 = 0.6089``. The worked example
    prints ``z2 = [-3.5308, 5.979]`` and ``a3 = 0.6079``: its second layer leaves out ``b2``, so an
    engine reproducing the example disagrees with it from the fourth decimal on.

    Returns:
        a new dict with float64 arrays ``W1 (2,3) b1 (2,) W2 (2,2) b2 (2,) W3 (1,2) b3 (1,)``.
    """
    return {
        "W1": np.array([[0.01, -0.02, 0.03], [0.04, 0.05, -0.06]]),
        "b1": np.array([0.001, -0.001]),
        "W2": np.array([[0.1, -0.1], [0.1, 0.1]]),
        "b2": np.array([0.01, 0.01]),
        "W3": np.array([[0.1, 0.1]]),
        "b3": np.array([0.01]),
    }


def digits() -> tuple[np.ndarray, np.ndarray]:
    """scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes).

    A small real data set that ships inside an installable package, standing in for
    Fashion-MNIST where that cannot be downloaded.

    Returns:
        ``X = images / 16.0`` float64 of shape ``(1797, 64)`` with values in [0, 1], and
        ``y`` int64 of shape ``(1797,)``.

    Raises:
        ImportError: if scikit-learn is not installed.
    """
    try:
        from sklearn.datasets import load_digits
    except ImportError as exc:
        raise ImportError(
            "nn.data.digits() needs scikit-learn, which ships the 8x8 digits data set; "
            "install it with `pip install scikit-learn` (or `pip install gradbook[data]`)"
        ) from exc
    bunch = load_digits()
    X = np.asarray(bunch.data, dtype=np.float64) / 16.0
    y = np.asarray(bunch.target, dtype=np.int64)
    return X, y


# --------------------------------------------------------------------------------------------
# IDX files (MNIST, Fashion-MNIST)
# --------------------------------------------------------------------------------------------

#: IDX data-type codes (third byte of the magic number) and their big-endian numpy dtypes.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IDX_NAMES = "0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64"
_GZIP_MAGIC = b"\x1f\x8b"


#: The most data bytes :func:`load_idx` reads unless told otherwise (2 GiB; the 60,000
#: training images of MNIST take 47 MB).
MAX_IDX_BYTES = 1 << 31


def _read_exactly(stream: BinaryIO, n: int) -> bytes:
    """Up to ``n`` bytes of ``stream`` (fewer only at its end)."""
    parts, left = [], n
    while left > 0:
        chunk = stream.read(min(left, 1 << 24))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _read_idx(stream: BinaryIO, where: str, size: int | None, max_bytes: int) -> np.ndarray:
    """Parse an IDX stream, checking the header against the data before reading the data.

    ``size`` is the stream's total length when known (an uncompressed file): a header that
    declares more or less data than the file holds is refused before any data is read. For a
    gzip stream (``size=None``) exactly the declared number of bytes is decompressed, plus one
    to detect trailing data, so a small file cannot expand past what its header declares.
    """
    raw = _read_exactly(stream, 4)
    if len(raw) < 4:
        raise ValueError(
            f"{where}: not an IDX file: {len(raw)} bytes, shorter than the 4-byte magic number"
        )
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(
            f"{where}: not an IDX file: magic number 0x{raw[:4].hex()} does not start with two "
            "zero bytes (expected 0x0000TTDD: TT the data type, DD the number of dimensions, "
            "e.g. 0x00000803 for MNIST images)"
        )
    code, ndim = raw[2], raw[3]
    if code not in IDX_DTYPES:
        raise ValueError(
            f"{where}: unknown IDX data type code 0x{code:02X} in magic number "
            f"0x{raw[:4].hex()}; valid codes are {_IDX_NAMES}"
        )
    if ndim > 64:
        raise ValueError(
            f"{where}: the IDX header declares {ndim} dimensions; numpy arrays have at most 64"
        )
    header = 4 + 4 * ndim
    dim_bytes = _read_exactly(stream, 4 * ndim)
    if len(dim_bytes) < 4 * ndim:
        raise ValueError(
            f"{where}: truncated IDX header: {ndim} dimensions need {header} header bytes, "
            f"found {4 + len(dim_bytes)}"
        )
    dims = struct.unpack(f">{ndim}I", dim_bytes)
    dtype = IDX_DTYPES[code]
    count = math.prod(dims)
    expected = count * dtype.itemsize
    declares = (f"the header declares shape {dims} of {dtype.newbyteorder('=').name}, i.e. "
                f"{expected} bytes of data")
    if expected > max_bytes:
        raise ValueError(
            f"{where}: {declares}, more than the limit of {max_bytes} bytes "
            "(pass max_bytes to load_idx to allow more)"
        )
    if size is not None:
        found = size - header
    else:
        payload = _read_exactly(stream, expected)
        found = len(payload) + len(stream.read(1))  # one more byte: is there trailing data?
    if found < expected:
        raise ValueError(
            f"{where}: truncated IDX file: {declares}, but only {found} bytes follow the header"
        )
    if found > expected:
        extra = f"{found - expected}" if size is not None else "at least 1"
        raise ValueError(
            f"{where}: malformed IDX file: {declares}, but "
            f"{found if size is not None else 'more'} bytes follow the header "
            f"({extra} unexpected trailing bytes)"
        )
    if size is not None:
        payload = _read_exactly(stream, expected)
        if len(payload) != expected:  # the file shrank while being read
            raise ValueError(f"{where}: truncated IDX file: {declares}, but only "
                             f"{len(payload)} bytes could be read")
    arr = np.frombuffer(payload, dtype=dtype, count=count)
    return arr.astype(dtype.newbyteorder("="), copy=True).reshape(dims)


def load_idx(path: str | Path, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read an IDX file (the MNIST / Fashion-MNIST format), gzipped or not.

    Layout: a 4-byte magic number ``0x00 0x00 TT DD`` (``TT`` the data type, see
    :data:`IDX_DTYPES`; ``DD`` the number of dimensions), then ``DD`` big-endian uint32
    dimension sizes, then the data in big-endian C order. Gzip compression is detected from the
    content (the bytes ``1f 8b``), not from the file name.

    Reading is bounded: the header is read first, and the data size it declares,
    ``prod(dims) * itemsize``, is checked against ``max_bytes`` and against the file's length
    (an uncompressed file) before any data is read; a gzipped file is decompressed only up to
    the declared size plus one byte.

    Returns:
        a writable numpy array in native byte order with the declared shape and dtype
        (e.g. uint8 of shape ``(60000, 28, 28)`` for training images).

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: naming the path, for a wrong magic number, an unknown data type code, more
            than 64 dimensions, a truncated or oversized file (with the expected and found byte
            counts), a declared size above ``max_bytes``, or corrupt gzip data.
    """
    path = Path(path)
    with path.open("rb") as fh:
        if fh.read(2) == _GZIP_MAGIC:
            fh.seek(0)
            try:
                with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
                    return _read_idx(gz, str(path), None, max_bytes)
            except (OSError, EOFError, zlib.error) as exc:
                raise ValueError(f"{path}: gzip data is corrupt or truncated ({exc})") from exc
        fh.seek(0)
        return _read_idx(fh, str(path), os.fstat(fh.fileno()).st_size, max_bytes)


def save_idx(path: str | Path, array: Any, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file that :func:`load_idx` (or any MNIST reader) can read.

    The dtype must be one of uint8, int8, int16, int32, float32, float64. ``compress=None``
    gzips when the file name ends in ``.gz``.

    Returns:
        the path written.
    """
    path = Path(path)
    arr = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in IDX_DTYPES.items()}
    native = arr.dtype.newbyteorder("=")
    if native not in codes:
        raise TypeError(f"IDX cannot store dtype {arr.dtype}; valid dtypes: {_IDX_NAMES}")
    if arr.ndim > 255:
        raise ValueError(f"IDX stores at most 255 dimensions, got {arr.ndim}")
    code = codes[native]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    if compress is None:
        compress = path.name.endswith(".gz")
    if compress:
        payload = gzip.compress(payload)
    return atomic_write_bytes(path, payload)


#: Class names of Fashion-MNIST, by label.
FASHION_MNIST_CLASSES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)


def _find_file(dirs: list[Path], stems: list[str]) -> Path | None:
    for d in dirs:
        for stem in stems:
            for name in (stem, stem + ".gz"):
                candidate = d / name
                if candidate.is_file():
                    return candidate
    return None


def _load_mnist_like(
    root: str | Path,
    kind: str,
    flatten: bool,
    normalize: bool,
    dataset: str,
    subdir: str,
    source: str,
) -> tuple[np.ndarray, np.ndarray]:
    kinds = {"train": "train", "test": "t10k", "t10k": "t10k"}
    if kind not in kinds:
        raise ValueError(f"kind must be 'train' or 'test', got {kind!r}")
    prefix = kinds[kind]
    root = Path(root)
    dirs = [root, root / subdir / "raw", root / subdir]
    images_path = _find_file(dirs, [f"{prefix}-images-idx3-ubyte", f"{prefix}-images.idx3-ubyte"])
    labels_path = _find_file(dirs, [f"{prefix}-labels-idx1-ubyte", f"{prefix}-labels.idx1-ubyte"])
    if images_path is None or labels_path is None:
        missing = [
            name
            for name, found in (
                (f"{prefix}-images-idx3-ubyte.gz", images_path),
                (f"{prefix}-labels-idx1-ubyte.gz", labels_path),
            )
            if found is None
        ]
        where = "does not exist" if not root.is_dir() else "does not contain them"
        raise FileNotFoundError(
            f"{dataset} {kind} files not found: {', '.join(missing)} (gzipped or not) must be "
            f"in the folder {str(root)!r}, which {where}. gradbook does not download data: "
            f"get the four files train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, "
            f"t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz from {source} and put "
            f"them in that folder (or in {subdir}/raw/ under it, torchvision's layout)."
        )
    images = load_idx(images_path)
    labels = load_idx(labels_path)
    if images.ndim != 3:
        raise ValueError(f"{images_path}: expected 3-D images (N, rows, cols), got {images.shape}")
    if labels.ndim != 1:
        raise ValueError(f"{labels_path}: expected 1-D labels (N,), got shape {labels.shape}")
    if len(images) != len(labels):
        raise ValueError(
            f"{images_path} holds {len(images)} images but {labels_path} holds {len(labels)} labels"
        )
    if len(images) == 0:
        raise ValueError(f"{images_path} holds no images (its header declares shape "
                         f"{images.shape})")
    if images.dtype.kind == "f" and not np.all(np.isfinite(images)):
        bad = np.argwhere(~np.isfinite(images))[0]
        raise ValueError(f"{images_path} contains nan or inf pixel values (the first at image "
                         f"{bad[0]}, row {bad[1]}, column {bad[2]}: {images[tuple(bad)]})")
    if labels.dtype.kind == "f":
        raise ValueError(f"{labels_path} holds {labels.dtype} labels; class labels must be "
                         "integers (IDX type 0x08 uint8, 0x09 int8, 0x0B int16 or 0x0C int32)")
    X = images.astype(np.float64)
    if normalize:
        X /= 255.0
    if flatten:
        X = X.reshape(len(X), -1)
    return X, labels.astype(np.int64)


def fashion_mnist(
    root: str | Path, kind: str = "train", flatten: bool = True, normalize: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Fashion-MNIST read from its standard IDX files in the folder ``root``.

    Looks for ``train-images-idx3-ubyte`` and ``train-labels-idx1-ubyte`` (``kind="train"``,
    60000 images) or ``t10k-images-idx3-ubyte`` and ``t10k-labels-idx1-ubyte``
    (``kind="test"``, 10000 images), each with or without ``.gz``, in ``root`` or in
    ``root/FashionMNIST/raw`` (torchvision's layout). The files come from the Fashion-MNIST
    GitHub repository, zalandoresearch/fashion-mnist, folder ``data/fashion``. Class names are
    in :data:`FASHION_MNIST_CLASSES`.

    Returns:
        ``X`` float64: pixel / 255 in [0, 1] if ``normalize`` (else the raw 0..255 values),
        of shape ``(N, 784)`` if ``flatten`` (else ``(N, 28, 28)``); ``y`` int64 of shape
        ``(N,)``.

    Raises:
        FileNotFoundError: when the files are absent, saying which files to put where.
    """
    return _load_mnist_like(
        root,
        kind,
        flatten,
        normalize,
        dataset="Fashion-MNIST",
        subdir="FashionMNIST",
        source="the Fashion-MNIST GitHub repository (zalandoresearch/fashion-mnist, "
        "folder data/fashion)",
    )


def mnist(
    root: str | Path, kind: str = "train", flatten: bool = True, normalize: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """MNIST handwritten digits read from the standard IDX files in ``root``.

    Same file names, layout and return values as :func:`fashion_mnist` (torchvision's folder is
    ``root/MNIST/raw``).
    """
    return _load_mnist_like(
        root,
        kind,
        flatten,
        normalize,
        dataset="MNIST",
        subdir="MNIST",
        source="an MNIST mirror (the files of Yann LeCun's MNIST page)",
    )


# --------------------------------------------------------------------------------------------
# loading in mini-batches
# --------------------------------------------------------------------------------------------


class DataLoader:
    """Iterate over ``(X, y)`` in mini-batches, one pass per epoch.

    An epoch yields ``ceil(N / B)`` batches (``floor(N / B)`` with ``drop_last=True``), the
    last one smaller when ``B`` does not divide ``N``: 1050 samples with ``batch_size=100`` give
    11 iterations per epoch. With ``shuffle=True`` the order is a fresh permutation
    at every epoch (every ``iter()``), drawn from the loader's own generator seeded with
    ``seed``, so two loaders with the same seed give the same sequence of epochs.

    Each batch is a pair of numpy arrays ``(Xb, yb)`` (just ``Xb`` when ``y`` is None), taken
    along the first axis.
    """

    def __init__(
        self,
        X: Any,
        y: Any = None,
        batch_size: int = 32,
        shuffle: bool = False,
        seed: SeedLike = None,
        drop_last: bool = False,
    ) -> None:
        self.X = _as_numeric_array(X, "X")
        if self.X.ndim == 0:
            raise ValueError("X must have at least one dimension (the samples), got a scalar")
        self.y = None
        if y is not None:
            self.y = _as_numeric_array(y, "y")
            if self.y.ndim == 0 or len(self.y) != len(self.X):
                ylen = "a scalar" if self.y.ndim == 0 else str(len(self.y))
                raise ValueError(
                    "X and y must have the same number of samples: "
                    f"len(X) = {len(self.X)}, len(y) = {ylen}"
                )
        self.batch_size = _check_count(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self._rng = _rng(seed)

    @property
    def n_samples(self) -> int:
        """Number of samples ``N``."""
        return len(self.X)

    def __len__(self) -> int:
        """Iterations per epoch: ``ceil(N / B)``, or ``floor(N / B)`` with ``drop_last``."""
        n, b = len(self.X), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[Any]:
        n, b = len(self.X), self.batch_size
        order = self._rng.permutation(n) if self.shuffle else None
        for i in range(len(self)):
            if order is None:
                idx: Any = slice(i * b, min((i + 1) * b, n))
            else:
                idx = order[i * b : (i + 1) * b]
            if self.y is None:
                yield self.X[idx]
            else:
                yield self.X[idx], self.y[idx]

    def __repr__(self) -> str:
        return (
            f"DataLoader(n_samples={len(self.X)}, batch_size={self.batch_size}, "
            f"shuffle={self.shuffle}, drop_last={self.drop_last}, batches={len(self)})"
        )


# --------------------------------------------------------------------------------------------
# splitting and cross-validation
# --------------------------------------------------------------------------------------------


def _n_test(test_size: float | int, n: int) -> int:
    if isinstance(test_size, bool):
        raise TypeError(f"test_size must be a fraction or a count, got {test_size!r}")
    if isinstance(test_size, int | np.integer):
        n_test = int(test_size)
    elif isinstance(test_size, float | np.floating):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"a fractional test_size must be in (0, 1), got {test_size}")
        n_test = math.ceil(float(test_size) * n)
    else:
        raise TypeError(f"test_size must be a float or an int, got {type(test_size).__name__}")
    if not 1 <= n_test <= n - 1:
        raise ValueError(
            f"test_size={test_size} gives {n_test} test samples out of {n}; both the training "
            "and the test set need at least one sample"
        )
    return n_test


def _stratified_test_indices(
    labels: np.ndarray, n_test: int, rng: np.random.Generator
) -> np.ndarray:
    """Test indices with each class's share as close as possible to its share of the data.

    Class ``c`` with ``n_c`` samples gets ``floor(n_test * n_c / n)`` test samples, and the
    remaining test slots go to the classes with the largest fractional parts.
    """
    classes, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
    quota = n_test * counts / len(labels)
    take = np.floor(quota).astype(int)
    remaining = n_test - int(take.sum())
    if remaining > 0:
        order = np.argsort(-(quota - take), kind="stable")
        take[order[:remaining]] += 1
    chosen = []
    for c in range(len(classes)):
        members = np.flatnonzero(inverse == c)
        chosen.append(rng.permutation(members)[: take[c]])
    return np.concatenate(chosen)


def train_test_split(
    X: Any,
    y: Any,
    test_size: float | int = 0.2,
    seed: SeedLike = None,
    stratify: Any = None,
    shuffle: bool = True,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split ``X`` and ``y`` into a training and a test part, as scikit-learn does.

    A fractional ``test_size`` takes ``ceil(test_size * N)`` test samples, an int takes that
    many. With ``stratify`` (an array of class labels, usually ``y``) every class keeps its
    proportion in the test set up to rounding. Without shuffling the test set is the tail.

    Returns:
        ``X_train, X_test, y_train, y_test``.
    """
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or len(X) != len(y):
        raise ValueError(
            "X and y must have the same number of samples: "
            f"len(X) = {len(X) if X.ndim else 'scalar'}, len(y) = {len(y) if y.ndim else 'scalar'}"
        )
    n = len(X)
    n_test = _n_test(test_size, n)
    rng = _rng(seed)
    if stratify is not None:
        if not shuffle:
            raise ValueError("stratify needs shuffle=True")
        labels = np.asarray(stratify)
        if labels.shape[:1] != (n,):
            raise ValueError(f"stratify must have one label per sample ({n}), got {labels.shape}")
        test_idx = rng.permutation(_stratified_test_indices(labels, n_test, rng))
        mask = np.ones(n, dtype=bool)
        mask[test_idx] = False
        train_idx = rng.permutation(np.flatnonzero(mask))
    elif shuffle:
        order = rng.permutation(n)
        train_idx, test_idx = order[: n - n_test], order[n - n_test :]
    else:
        train_idx, test_idx = np.arange(n - n_test), np.arange(n - n_test, n)
    return X[train_idx], X[test_idx], y[train_idx], y[test_idx]


def kfold(
    n: int, k: int = 5, shuffle: bool = True, seed: SeedLike = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """K-fold cross-validation indices (K = 5 or 10 are the usual choices).

    The indices ``0 .. n-1`` (shuffled if ``shuffle``) are cut into ``k`` consecutive folds,
    the first ``n % k`` of size ``n // k + 1`` and the others of size ``n // k``. Fold ``i`` is
    the validation set of round ``i`` and the other folds are its training set, so every index
    is used for validation exactly once.

    Yields:
        ``(train_idx, val_idx)`` int arrays, ``k`` times.

    Raises:
        ValueError: if ``k < 2`` or ``k > n`` (raised at the call, not at the first iteration).
    """
    n = _check_count(n, "n")
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"k must be an integer, got {k!r} ({type(k).__name__})")
    if not 2 <= k <= n:
        raise ValueError(
            f"k must be between 2 and n = {n} (every fold needs at least one sample), got k = {k}"
        )
    order = _rng(seed).permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])

    def folds() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for i in range(k):
            val = order[bounds[i] : bounds[i + 1]]
            train = np.concatenate([order[: bounds[i]], order[bounds[i + 1] :]])
            yield train, val

    return folds()


# --------------------------------------------------------------------------------------------
# feature standardisation
# --------------------------------------------------------------------------------------------


class Standardizer:
    """Feature standardisation ``z = (x - mean) / std`` with statistics fitted on training data.

    ``mean`` and ``std`` (population standard deviation, ``ddof=0``) are computed per column
    (along axis 0) by :meth:`fit`. A constant column gets ``std = 1`` (and its mean is its
    value), so it maps to exactly 0 instead of dividing by zero. Fit on the training set only
    and apply the same transform to validation and test data: statistics of the test set must
    not leak into training.
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.std_: np.ndarray | None = None

    def fit(self, X: Any) -> Standardizer:
        """Compute the per-column mean and standard deviation of ``X``; returns ``self``."""
        X = _as_numeric_array(X, "X").astype(np.float64)
        if X.ndim == 0 or len(X) == 0:
            raise ValueError("cannot fit a Standardizer on an empty array")
        if not np.all(np.isfinite(X)):
            raise ValueError("cannot fit a Standardizer on data containing nan or inf")
        with np.errstate(over="ignore", invalid="ignore"):
            mean = X.mean(axis=0)
            std = X.std(axis=0)
        constant = np.all(X[0] == X, axis=0)
        # Values near the float64 limit (1.8e308) overflow the sums of squares, values near
        # its smallest (1e-300) underflow them to 0; in units of the column's largest
        # magnitude s every value is in [-1, 1], and mean = s * mean(x/s), std = s * std(x/s).
        rescale = ~(np.isfinite(mean) & np.isfinite(std)) | ((std == 0) & ~constant)
        if np.any(rescale):
            s = np.max(np.abs(X), axis=0)
            s = np.where(s > 0, s, 1.0)
            mean = np.where(rescale, (X / s).mean(axis=0) * s, mean)
            std = np.where(rescale, (X / s).std(axis=0) * s, std)
        mean = np.where(constant, X[0], mean)
        std = np.where(constant, 1.0, std)
        self.mean_, self.std_ = mean, std
        return self

    def _check_fitted(self, X: Any) -> np.ndarray:
        if self.mean_ is None or self.std_ is None:
            raise RuntimeError("this Standardizer is not fitted yet: call fit(X_train) first")
        X = _as_numeric_array(X, "X").astype(np.float64)
        if X.shape[1:] != np.shape(self.mean_):
            raise ValueError(
                f"X has feature shape {X.shape[1:]}, but the Standardizer was fitted on "
                f"feature shape {np.shape(self.mean_)}"
            )
        return X

    def transform(self, X: Any) -> np.ndarray:
        """Return ``(X - mean) / std`` as a new float64 array."""
        X = self._check_fitted(X)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            Z = (X - self.mean_) / self.std_
        overflow = ~np.isfinite(Z) & np.isfinite(X)
        if np.any(overflow):
            # x - mean overflowed (values near 1.8e308): the same quotient in units of
            # s = max(|mean|, std), where numerator and denominator are both of order 1
            s = np.maximum(np.abs(self.mean_), self.std_)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                scaled = (X / s - self.mean_ / s) / (self.std_ / s)
            Z = np.where(overflow, scaled, Z)
            if not np.all(np.isfinite(Z[overflow])):
                col = int(np.argwhere(overflow & ~np.isfinite(Z))[0][-1])
                raise ValueError(
                    f"standardising column {col} overflows float64: its values lie too far "
                    f"from the training mean {self.mean_.flat[col]:.6g} in units of the "
                    f"deviation {self.std_.flat[col]:.6g}"
                )
        return Z

    def fit_transform(self, X: Any) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Undo the transform: ``Z * std + mean``."""
        Z = self._check_fitted(Z)
        return Z * self.std_ + self.mean_

    def __repr__(self) -> str:
        fitted = "unfitted" if self.mean_ is None else f"features={np.size(self.mean_)}"
        return f"Standardizer({fitted})"


def standardize(
    X_train: Any, X_test: Any = None
) -> tuple[np.ndarray, np.ndarray | None, tuple[np.ndarray, np.ndarray]]:
    """Standardise features with statistics of the training set only.

    ``mean`` and ``std`` are fitted on ``X_train`` as in :class:`Standardizer`, then
    ``(X - mean) / std`` is applied to ``X_train`` and, if given, ``X_test``.

    Returns:
        ``(X_train_std, X_test_std, (mean, std))``, with ``X_test_std`` None when ``X_test``
        is None.
    """
    scaler = Standardizer().fit(X_train)
    train = scaler.transform(X_train)
    test = None if X_test is None else scaler.transform(X_test)
    assert scaler.mean_ is not None and scaler.std_ is not None
    return train, test, (scaler.mean_, scaler.std_)
