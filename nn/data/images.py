"""Real image data sets: scikit-learn's bundled 8x8 digits, and MNIST and Fashion-MNIST read
from their standard IDX files in a folder (gradbook does not download data)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .idx import load_idx

__all__ = ["FASHION_MNIST_CLASSES", "digits", "fashion_mnist", "mnist"]


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
    try:  # scikit-learn is optional (gradbook[data]), so it is imported only when asked for
        from sklearn.datasets import load_digits  # type: ignore[import-untyped]
    except ImportError as exc:
        raise ImportError(
            "nn.data.digits() needs scikit-learn, which ships the 8x8 digits data set; "
            "install it with `pip install scikit-learn` (or `pip install gradbook[data]`)"
        ) from exc
    bunch = load_digits()
    X = np.asarray(bunch.data, dtype=np.float64) / 16.0
    y = np.asarray(bunch.target, dtype=np.int64)
    return X, y


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
