"""The mini-batch loader: :class:`DataLoader` yields ``ceil(N / B)`` batches per epoch, in a
fresh random order every epoch when asked to shuffle."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ._arguments import SeedLike, as_numeric_array, check_count, make_rng

__all__ = ["DataLoader"]


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
        self.X = as_numeric_array(X, "X")
        if self.X.ndim == 0:
            raise ValueError("X must have at least one dimension (the samples), got a scalar")
        self.y = None
        if y is not None:
            self.y = as_numeric_array(y, "y")
            if self.y.ndim == 0 or len(self.y) != len(self.X):
                ylen = "a scalar" if self.y.ndim == 0 else str(len(self.y))
                raise ValueError(
                    "X and y must have the same number of samples: "
                    f"len(X) = {len(self.X)}, len(y) = {ylen}"
                )
        self.batch_size = check_count(batch_size, "batch_size")
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        self._rng = make_rng(seed)

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
