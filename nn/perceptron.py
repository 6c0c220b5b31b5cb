"""The perceptron (Rosenblatt, 1958): an MP neuron with a step activation and the classic
learning rule, in plain numpy.

For each sample ``x`` with label ``y`` in {0, 1}: predict ``ŷ = 1 if w·x + b > 0 else 0``
and update ``w += lr·(y − ŷ)·x``, ``b += lr·(y − ŷ)``. Nothing changes when the prediction is
right; a wrong one moves the decision boundary towards classifying ``x`` correctly. This is
SGD with batch size 1 on the perceptron criterion. On linearly separable data (AND, OR, NAND)
it stops making mistakes after finitely many updates (Novikoff's theorem); on XOR no line
separates the classes, so some sample is misclassified in every epoch, forever.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["Perceptron"]


class Perceptron:
    """A single threshold unit trained with the perceptron rule.

    Args:
        n_inputs: number of input features.
        lr: learning rate (for data through the origin any lr > 0 gives the same mistakes;
            with a bias it only scales the weights).
        seed: None starts from w = 0, b = 0 (the classic choice); an int draws small random
            initial weights (N(0, 0.01²)) from ``numpy.random.default_rng(seed)``.
        shuffle: visit the samples in a new random order every epoch (needs ``seed`` for
            reproducibility); by default they are visited in order.

    Attributes:
        w, b: weights (shape ``(n_inputs,)``) and bias.
        errors_: number of misclassified samples (= updates) in each epoch of :meth:`fit`.
        converged_: whether the last :meth:`fit` ended with an epoch without mistakes.
    """

    def __init__(
        self, n_inputs: int, lr: float = 1.0, seed: Any = None, shuffle: bool = False,
    ) -> None:
        if isinstance(n_inputs, bool) or not isinstance(n_inputs, (int, np.integer)) or (
            n_inputs < 1
        ):
            raise ValueError(f"n_inputs must be a positive integer, got {n_inputs!r}")
        if not lr > 0:
            raise ValueError(f"lr must be positive, got {lr}")
        self.n_inputs = int(n_inputs)
        self.lr = float(lr)
        self.shuffle = bool(shuffle)
        self._rng = np.random.default_rng(seed)
        if seed is None:
            self.w = np.zeros(self.n_inputs)
            self.b = 0.0
        else:
            self.w = self._rng.normal(0.0, 0.01, self.n_inputs)
            self.b = 0.0
        self.errors_: list[int] = []
        self.converged_ = False

    def _check_X(self, X: Any) -> np.ndarray:
        X = np.asarray(X, dtype=np.float64)
        if X.ndim == 1 and self.n_inputs == X.shape[0]:
            X = X[None, :]
        if X.ndim != 2 or X.shape[1] != self.n_inputs:
            raise ValueError(f"Perceptron({self.n_inputs}) expects X of shape (N, "
                             f"{self.n_inputs}), got {X.shape}")
        return X

    def net_input(self, X: Any) -> np.ndarray:
        """w·x + b for each row of ``X``."""
        return self._check_X(X) @ self.w + self.b

    def predict(self, X: Any) -> np.ndarray:
        """Step activation: 1 where w·x + b > 0, else 0 (int array)."""
        return (self.net_input(X) > 0).astype(np.int64)

    def fit(self, X: Any, y: Any, epochs: int = 100) -> bool:
        """Run the perceptron rule for up to ``epochs`` passes over the data; stop after the
        first epoch without a mistake. Returns whether it converged (all samples right).

        Training continues from the current weights, so ``fit(X, y, epochs=1)`` called
        repeatedly steps through the learning one epoch at a time."""
        X = self._check_X(X)
        y = np.asarray(y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have one label per sample: X has {X.shape[0]} rows, "
                             f"y has shape {y.shape}")
        if y.dtype.kind == "b":
            y = y.astype(np.int64)
        if not np.all((y == 0) | (y == 1)):
            bad = y[(y != 0) & (y != 1)].flat[0].item()
            raise ValueError(f"Perceptron labels must be 0 or 1, got {bad!r} "
                             "(for -1/+1 labels use (y + 1) // 2)")
        if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        y = y.astype(np.float64)
        self.errors_ = []
        self.converged_ = False
        for _ in range(int(epochs)):
            order = self._rng.permutation(len(X)) if self.shuffle else range(len(X))
            mistakes = 0
            for i in order:
                y_hat = 1.0 if float(X[i] @ self.w) + self.b > 0.0 else 0.0
                delta = self.lr * (y[i] - y_hat)
                if delta != 0.0:
                    self.w = self.w + delta * X[i]
                    self.b = self.b + delta
                    mistakes += 1
            self.errors_.append(mistakes)
            if mistakes == 0:
                self.converged_ = True
                break
        return self.converged_

    def score(self, X: Any, y: Any) -> float:
        """Fraction of samples classified correctly."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def __repr__(self) -> str:
        return f"Perceptron(n_inputs={self.n_inputs}, lr={self.lr})"
