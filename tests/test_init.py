"""Tests of nn.init: gains, fans, and the statistics of every initialiser."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Tensor
from nn import init

# ---------------------------------------------------------------------------------------------
# gains and fans
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "param", "expected"),
    [
        ("linear", None, 1.0),
        ("sigmoid", None, 1.0),
        ("conv2d", None, 1.0),
        ("tanh", None, 5.0 / 3.0),
        ("relu", None, 2.0**0.5),
        ("leaky_relu", None, (2.0 / (1.0 + 0.01**2)) ** 0.5),
        ("leaky_relu", 0.2, (2.0 / 1.04) ** 0.5),
        ("leaky_relu", 0, 2.0**0.5),
        ("leaky_relu", 1, 1.0),
        ("selu", None, 0.75),
    ],
)
def test_calculate_gain_table(name: str, param: float | None, expected: float) -> None:
    assert init.calculate_gain(name, param) == pytest.approx(expected, rel=1e-15)


def test_calculate_gain_errors() -> None:
    with pytest.raises(ValueError, match="unsupported nonlinearity 'swishy'.*tanh, relu"):
        init.calculate_gain("swishy")
    with pytest.raises(ValueError, match="negative_slope 'a' is not a valid number"):
        init.calculate_gain("leaky_relu", "a")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("shape", "fans"),
    [
        ((7,), (7, 7)),
        ((5, 3), (3, 5)),  # [out, in]: fan_in = in
        ((1, 784), (784, 1)),
        ((4, 3, 5), (15, 20)),  # receptive field 5
        ((8, 2, 3, 3), (18, 72)),
    ],
)
def test_fan_in_and_fan_out(shape: tuple[int, ...], fans: tuple[int, int]) -> None:
    assert init.fan_in_and_fan_out(shape) == fans
    assert init.fan_in_and_fan_out(np.zeros(shape)) == fans


def test_fan_of_scalar_is_an_error() -> None:
    with pytest.raises(ValueError, match="0-dimensional"):
        init.fan_in_and_fan_out(())


# ---------------------------------------------------------------------------------------------
# statistics of the random initialisers, on large samples
# ---------------------------------------------------------------------------------------------

FAN_OUT, FAN_IN = 300, 500  # weight shape [out, in]: 150 000 samples


def _weight() -> Tensor:
    return Tensor(np.empty((FAN_OUT, FAN_IN)), requires_grad=True)


def test_xavier_uniform_bound_and_std() -> None:
    w = _weight()
    data_before = w.data
    out = init.xavier_uniform_(w, gain=2.0, generator=np.random.default_rng(0))
    assert out is w and w.data is data_before  # filled in place
    bound = 2.0 * math.sqrt(6.0 / (FAN_IN + FAN_OUT))
    assert np.abs(w.data).max() <= bound
    assert np.abs(w.data).max() > 0.999 * bound
    assert w.data.std() == pytest.approx(bound / math.sqrt(3.0), rel=0.01)
    assert abs(w.data.mean()) < 0.01 * bound


def test_xavier_normal_std() -> None:
    w = init.xavier_normal_(_weight(), generator=np.random.default_rng(1))
    std = math.sqrt(2.0 / (FAN_IN + FAN_OUT))
    assert w.data.std() == pytest.approx(std, rel=0.01)
    assert abs(w.data.mean()) < 0.01 * std


def test_kaiming_normal_std_is_gain_over_sqrt_fan_in() -> None:
    w = init.kaiming_normal_(_weight(), nonlinearity="relu", generator=np.random.default_rng(2))
    assert w.data.std() == pytest.approx(math.sqrt(2.0) / math.sqrt(FAN_IN), rel=0.01)
    w = init.kaiming_normal_(
        _weight(), mode="fan_out", nonlinearity="tanh", generator=np.random.default_rng(3)
    )
    assert w.data.std() == pytest.approx((5.0 / 3.0) / math.sqrt(FAN_OUT), rel=0.01)


def test_kaiming_uniform_bound() -> None:
    w = init.kaiming_uniform_(_weight(), a=0.1, generator=np.random.default_rng(4))
    gain = math.sqrt(2.0 / (1.0 + 0.1**2))
    bound = gain * math.sqrt(3.0 / FAN_IN)
    assert np.abs(w.data).max() <= bound
    assert np.abs(w.data).max() > 0.999 * bound
    assert w.data.std() == pytest.approx(gain / math.sqrt(FAN_IN), rel=0.01)


def test_normal_and_uniform() -> None:
    arr = np.empty(200_000)
    assert init.normal_(arr, mean=3.0, std=0.5, generator=np.random.default_rng(5)) is arr
    assert arr.mean() == pytest.approx(3.0, abs=0.01)
    assert arr.std() == pytest.approx(0.5, rel=0.01)
    init.uniform_(arr, -2.0, 4.0, generator=np.random.default_rng(6))
    assert arr.min() >= -2.0 and arr.max() < 4.0
    assert arr.mean() == pytest.approx(1.0, abs=0.02)
    assert arr.std() == pytest.approx(6.0 / math.sqrt(12.0), rel=0.01)


def test_constant_zeros_ones() -> None:
    w = Tensor(np.empty((3, 2)), requires_grad=True)
    init.constant_(w, 0.25)
    np.testing.assert_array_equal(w.data, np.full((3, 2), 0.25))
    init.zeros_(w)
    np.testing.assert_array_equal(w.data, 0.0)
    init.ones_(w)
    np.testing.assert_array_equal(w.data, 1.0)


def test_float32_tensor_keeps_its_dtype() -> None:
    w = Tensor(np.zeros((4, 4), dtype=np.float32), requires_grad=True)
    init.xavier_uniform_(w, generator=np.random.default_rng(0))
    assert w.data.dtype == np.float32 and np.any(w.data != 0)


def test_manual_seed_makes_default_generator_reproducible() -> None:
    init.manual_seed(123)
    a = init.kaiming_uniform_(np.empty((5, 4)))
    b = init.normal_(np.empty(3))
    init.manual_seed(123)
    np.testing.assert_array_equal(init.kaiming_uniform_(np.empty((5, 4))), a)
    np.testing.assert_array_equal(init.normal_(np.empty(3)), b)


def test_same_generator_seed_same_weights() -> None:
    a = init.xavier_normal_(np.empty((3, 3)), generator=np.random.default_rng(9))
    b = init.xavier_normal_(np.empty((3, 3)), generator=np.random.default_rng(9))
    np.testing.assert_array_equal(a, b)


def test_bad_arguments() -> None:
    with pytest.raises(TypeError, match="floating-point.*int64"):
        init.normal_(np.zeros(3, dtype=np.int64))
    with pytest.raises(TypeError, match="Tensor or a numpy array.*list"):
        init.zeros_([1.0, 2.0])
    with pytest.raises(ValueError, match="mode must be 'fan_in' or 'fan_out'"):
        init.kaiming_normal_(np.empty((2, 2)), mode="fan_avg")
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        init.normal_(np.empty(2), generator=42)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="std must be >= 0"):
        init.normal_(np.empty(2), std=-1.0)


# ---------------------------------------------------------------------------------------------
# get_initializer
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fn"),
    [
        ("xavier_uniform", init.xavier_uniform_),
        ("xavier_normal", init.xavier_normal_),
        ("kaiming_uniform", init.kaiming_uniform_),
        ("kaiming_normal", init.kaiming_normal_),
        ("he", init.kaiming_normal_),
        ("normal", init.normal_),
        ("uniform", init.uniform_),
        ("zeros", init.zeros_),
        ("Xavier_Uniform_", init.xavier_uniform_),
    ],
)
def test_get_initializer_names(name: str, fn: object) -> None:
    assert init.get_initializer(name) is fn


def test_get_initializer_binds_keywords_and_passes_callables() -> None:
    fill = init.get_initializer("constant", val=0.5)
    np.testing.assert_array_equal(fill(np.zeros(3)), [0.5, 0.5, 0.5])
    small = init.get_initializer("normal", std=1e-3, generator=np.random.default_rng(0))
    assert np.abs(small(np.empty(1000))).max() < 0.01

    def mine(a: np.ndarray) -> np.ndarray:
        a[...] = 7.0
        return a

    assert init.get_initializer(mine) is mine


def test_get_initializer_errors_list_valid_names() -> None:
    with pytest.raises(ValueError, match="unknown initializer 'lecun'.*xavier_uniform.*he.*zeros"):
        init.get_initializer("lecun")
    with pytest.raises(ValueError, match="needs a value"):
        init.get_initializer("constant")
    with pytest.raises(TypeError, match="name or a callable"):
        init.get_initializer(3)  # type: ignore[arg-type]
