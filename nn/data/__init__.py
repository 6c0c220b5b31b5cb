"""Data sets, a mini-batch loader and splitting utilities, in pure numpy.

Every generator takes the number of samples and a ``seed`` (an int, ``None`` for fresh entropy,
or a ``numpy.random.Generator``) and returns ``(X, y)`` with ``X`` a float64 array of shape
``(n, features)``. Classification sets return integer (int64) labels ``0 .. classes-1``;
regression sets return float64 targets of shape ``(n,)``.

Contents, one module per job, all re-exported here (``nn.data.moons``):

* :mod:`nn.data.toy`: :func:`xor`, :func:`logic_gate`, :func:`moons`, :func:`circles`,
  :func:`spirals`, :func:`linear_regression`, :func:`sine`, :func:`house_prices` (the worked
  example's house) and :func:`house_price_network`;
* :mod:`nn.data.idx`: :func:`load_idx` / :func:`save_idx` (the MNIST IDX file format);
* :mod:`nn.data.images`: real data, :func:`digits` (scikit-learn's bundled 8x8 digits),
  :func:`fashion_mnist` and :func:`mnist`;
* :mod:`nn.data.loader`: :class:`DataLoader` (``ceil(N / B)`` mini-batches per epoch);
* :mod:`nn.data.splits`: :func:`train_test_split` and :func:`kfold`;
* :mod:`nn.data.preprocessing`: :func:`standardize` and :class:`Standardizer`.
"""

from __future__ import annotations

from ._arguments import SeedLike as SeedLike
from .idx import IDX_DTYPES, load_idx, save_idx
from .idx import MAX_IDX_BYTES as MAX_IDX_BYTES
from .images import FASHION_MNIST_CLASSES, digits, fashion_mnist, mnist
from .loader import DataLoader
from .preprocessing import Standardizer, standardize
from .splits import kfold, train_test_split
from .toy import (
    LOGIC_GATES,
    circles,
    house_price_network,
    house_prices,
    linear_regression,
    logic_gate,
    moons,
    sine,
    spirals,
    xor,
)

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
