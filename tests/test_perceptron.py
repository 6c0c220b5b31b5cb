"""Tests of nn.Perceptron: the classic rule worked by hand, convergence on the linearly
separable gates AND / OR / NAND, and non-convergence on XOR."""

from __future__ import annotations

import numpy as np
import pytest

from nn import Perceptron, data


def test_first_two_epochs_on_and_by_hand():
    X, y = data.logic_gate("and")  # inputs (0,0) (0,1) (1,0) (1,1), labels 0 0 0 1
    p = Perceptron(2)  # w = 0, b = 0
    p.fit(X, y, epochs=1)
    # epoch 1: the first three have w·x + b = 0, so ŷ = 0 = y; (1,1) has ŷ = 0 ≠ 1:
    # w += 1·(1 − 0)·(1, 1), b += 1
    assert p.w.tolist() == [1.0, 1.0] and p.b == 1.0 and p.errors_ == [1]
    p2 = Perceptron(2)
    p2.fit(X, y, epochs=2)
    # epoch 2: (0,0): 1 > 0 → ŷ = 1 ≠ 0: w = (1,1), b = 0
    #          (0,1): 1 > 0 → ŷ = 1 ≠ 0: w = (1,0), b = −1
    #          (1,0): 0 → ŷ = 0 = y
    #          (1,1): 0 → ŷ = 0 ≠ 1: w = (2,1), b = 0
    assert p2.w.tolist() == [2.0, 1.0] and p2.b == 0.0 and p2.errors_ == [1, 3]


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_converges_on_separable_gates(gate):
    X, y = data.logic_gate(gate)
    p = Perceptron(2, lr=0.1)
    assert p.fit(X, y, epochs=100) is True
    assert p.converged_ and p.errors_[-1] == 0 and len(p.errors_) < 100
    np.testing.assert_array_equal(p.predict(X), y)
    assert p.score(X, y) == 1.0


def test_does_not_converge_on_xor():
    X, y = data.xor()
    p = Perceptron(2)
    assert p.fit(X, y, epochs=200) is False
    assert len(p.errors_) == 200 and min(p.errors_) >= 1  # a mistake in every epoch
    assert p.score(X, y) < 1.0  # no line separates XOR: at most 3 of 4 right


def test_shuffled_and_seeded_runs_converge_and_repeat():
    X, y = data.logic_gate("or", n=40, noise=0.05, seed=0)
    a = Perceptron(2, seed=1, shuffle=True)
    b = Perceptron(2, seed=1, shuffle=True)
    assert a.fit(X, y, epochs=200) and b.fit(X, y, epochs=200)
    assert a.errors_ == b.errors_ and np.array_equal(a.w, b.w)


def test_input_validation():
    p = Perceptron(2)
    with pytest.raises(ValueError, match="0 or 1, got -1"):
        p.fit(np.zeros((2, 2)), np.array([1, -1]))
    with pytest.raises(ValueError, match=r"\(N, 2\), got \(3, 3\)"):
        p.predict(np.zeros((3, 3)))
    with pytest.raises(ValueError, match="one label per sample"):
        p.fit(np.zeros((3, 2)), np.array([0, 1]))
    with pytest.raises(ValueError, match="n_inputs"):
        Perceptron(0)
