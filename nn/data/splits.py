"""Splitting data for evaluation: :func:`train_test_split` (optionally stratified) and
:func:`kfold` cross-validation indices."""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np

from ._arguments import SeedLike, check_count, make_rng

__all__ = ["kfold", "train_test_split"]


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
    rng = make_rng(seed)
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
    n = check_count(n, "n")
    if isinstance(k, bool) or not isinstance(k, int | np.integer):
        raise TypeError(f"k must be an integer, got {k!r} ({type(k).__name__})")
    if not 2 <= k <= n:
        raise ValueError(
            f"k must be between 2 and n = {n} (every fold needs at least one sample), got k = {k}"
        )
    order = make_rng(seed).permutation(n) if shuffle else np.arange(n)
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])

    def folds() -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for i in range(k):
            val = order[bounds[i] : bounds[i + 1]]
            train = np.concatenate([order[: bounds[i]], order[bounds[i + 1] :]])
            yield train, val

    return folds()
