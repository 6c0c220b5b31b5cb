"""Toy data sets generated in numpy: logic gates and XOR, moons, circles, spirals, a linear
model, a sine curve, and the single house of the worked house-price example with its network.

Every generator takes the number of samples and a ``seed`` (an int, ``None`` for fresh entropy,
or a ``numpy.random.Generator``) and returns ``(X, y)`` with ``X`` a float64 array of shape
``(n, features)``. Classification sets return integer (int64) labels ``0 .. classes-1``;
regression sets return float64 targets of shape ``(n,)``.
"""

from __future__ import annotations

import math

import numpy as np

from ._arguments import SeedLike, check_count, make_rng

__all__ = [
    "LOGIC_GATES",
    "circles",
    "house_price_network",
    "house_prices",
    "linear_regression",
    "logic_gate",
    "moons",
    "sine",
    "spirals",
    "xor",
]


def _check_noise(noise: float | None, name: str = "noise") -> float:
    """The standard deviation ``noise`` as a float (0 for None), raising unless it is >= 0."""
    if noise is None:
        return 0.0
    noise = float(noise)
    if not noise >= 0.0:  # also rejects NaN
        raise ValueError(f"{name} must be a standard deviation >= 0, got {noise}")
    return noise


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
    n = check_count(n, "n")
    noise = _check_noise(noise)
    corners = np.arange(n) % 4
    X = _GATE_INPUTS[corners].copy()
    y = np.asarray(LOGIC_GATES[key], dtype=np.int64)[corners]
    if noise > 0:
        X += make_rng(seed).normal(0.0, noise, size=X.shape)
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
    n = check_count(n, "n", minimum=2)
    noise = _check_noise(noise)
    rng = make_rng(seed)
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
    n = check_count(n, "n", minimum=2)
    noise = _check_noise(noise)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"factor (inner radius / outer radius) must be in [0, 1), got {factor}")
    rng = make_rng(seed)
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
    m = check_count(n_per_class, "n_per_class", minimum=2)
    k = check_count(classes, "classes", minimum=2)
    noise = _check_noise(noise)
    rng = make_rng(seed)
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
    n = check_count(n, "n")
    noise = _check_noise(noise)
    w_arr = np.atleast_1d(np.asarray(w, dtype=np.float64))
    if w_arr.ndim != 1:
        raise ValueError(f"w must be a number or a 1-D sequence, got shape {w_arr.shape}")
    rng = make_rng(seed)
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
    n = check_count(n, "n")
    noise = _check_noise(noise)
    if not high > low:
        raise ValueError(f"need low < high, got low={low}, high={high}")
    rng = make_rng(seed)
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
