"""Feature standardisation ``z = (x - mean) / std`` with statistics fitted on the training set:
the :class:`Standardizer` object and the one-call :func:`standardize`."""

from __future__ import annotations

from typing import Any

import numpy as np

from ._arguments import as_numeric_array

__all__ = ["Standardizer", "standardize"]


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
        X = as_numeric_array(X, "X").astype(np.float64)
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

    def _check_fitted(self, X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``X`` as float64, checked against the fitted feature shape, and ``(mean, std)``."""
        mean, std = self.mean_, self.std_
        if mean is None or std is None:
            raise RuntimeError("this Standardizer is not fitted yet: call fit(X_train) first")
        X = as_numeric_array(X, "X").astype(np.float64)
        if X.shape[1:] != np.shape(mean):
            raise ValueError(
                f"X has feature shape {X.shape[1:]}, but the Standardizer was fitted on "
                f"feature shape {np.shape(mean)}"
            )
        return X, mean, std

    def transform(self, X: Any) -> np.ndarray:
        """Return ``(X - mean) / std`` as a new float64 array."""
        X, mean, std = self._check_fitted(X)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            Z = (X - mean) / std
        overflow = ~np.isfinite(Z) & np.isfinite(X)
        if np.any(overflow):
            # x - mean overflowed (values near 1.8e308): the same quotient in units of
            # s = max(|mean|, std), where numerator and denominator are both of order 1
            s = np.maximum(np.abs(mean), std)
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                scaled = (X / s - mean / s) / (std / s)
            Z = np.where(overflow, scaled, Z)
            if not np.all(np.isfinite(Z[overflow])):
                col = int(np.argwhere(overflow & ~np.isfinite(Z))[0][-1])
                raise ValueError(
                    f"standardising column {col} overflows float64: its values lie too far "
                    f"from the training mean {mean.flat[col]:.6g} in units of the "
                    f"deviation {std.flat[col]:.6g}"
                )
        return Z

    def fit_transform(self, X: Any) -> np.ndarray:
        """``fit(X)`` then ``transform(X)``."""
        return self.fit(X).transform(X)

    def inverse_transform(self, Z: Any) -> np.ndarray:
        """Undo the transform: ``Z * std + mean``."""
        Z, mean, std = self._check_fitted(Z)
        return Z * std + mean

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
