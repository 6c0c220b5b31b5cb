"""Value: construction, operators, comparisons, IEEE semantics and numerical stability."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value


def test_fields_of_a_leaf():
    x = Value(2, label="x")
    assert (x.data, x.grad, x.label, x.op, x.parents) == (2.0, 0.0, "x", "", ())
    assert type(x.data) is float and x.is_leaf


@pytest.mark.parametrize("bad", ["abc", [1.0], None, 1 + 2j, np.array([1.0, 2.0])])
def test_non_numeric_data_is_refused_naming_the_value(bad):
    with pytest.raises(TypeError, match="Value expects a real number"):
        Value(bad)


def test_operators_with_numbers_on_either_side():
    x = Value(3.0)
    cases = {
        "x + 2": (x + 2, 5.0, 1.0), "2 + x": (2 + x, 5.0, 1.0), "x - 2": (x - 2, 1.0, 1.0),
        "2 - x": (2 - x, -1.0, -1.0), "x * 2": (x * 2, 6.0, 2.0), "2 * x": (2 * x, 6.0, 2.0),
        "x / 2": (x / 2, 1.5, 0.5), "2 / x": (2 / x, 2 / 3, -2 / 9), "x ** 2": (x**2, 9.0, 6.0),
        "2 ** x": (2**x, 8.0, 8 * math.log(2)), "-x": (-x, -3.0, -1.0),
        "abs(-x)": (abs(-x), 3.0, 1.0),
    }
    for name, (y, value, slope) in cases.items():
        x.grad = 0.0
        y.backward()
        assert y.data == pytest.approx(value), name
        assert x.grad == pytest.approx(slope), name


def test_parents_are_kept_in_argument_order():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    assert (a - b).parents == (a, b)
    assert (b - a).parents == (b, a)
    assert (a + a).parents == (a, a)
    assert (2 - a).parents[1] is a and (2 - a).parents[0].is_constant


def test_builtin_sum_over_values():
    xs = [Value(float(i)) for i in range(5)]
    s = sum(xs)
    s.backward()
    assert s.data == 10.0 and [x.grad for x in xs] == [1.0] * 5


def test_comparisons_return_plain_bools_and_record_nothing():
    a, b = Value(1.0), Value(2.0)
    assert (a < b) is True and (a >= b) is False and (a == 1.0) is True and (a != b) is True
    assert {a: 1, b: 2}[a] == 1  # hashable by identity


def test_numpy_scalars_combine_with_values():
    x = Value(2.0)
    y = np.float64(3.0) * x + np.int64(1)
    assert isinstance(y, Value) and y.data == 7.0


def test_ieee_semantics_never_raise():
    assert (Value(1.0) / 0).data == math.inf
    assert (Value(-1.0) / 0).data == -math.inf
    assert math.isnan((Value(0.0) / 0).data)
    assert Value(0.0).log().data == -math.inf
    assert math.isnan(Value(-1.0).log().data)
    assert math.isnan(Value(-1.0).sqrt().data)
    assert Value(1000.0).exp().data == math.inf
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)  # never a complex number
    assert (Value(0.0) ** -1).data == math.inf


def test_gradients_at_singular_points_follow_ieee():
    x = Value(0.0)
    x.log().backward()
    assert x.grad == math.inf
    x = Value(0.0)
    x.sqrt().backward()
    assert x.grad == math.inf


@pytest.mark.parametrize("x0", [1000.0, -1000.0])
def test_saturating_functions_stay_finite_at_extremes(x0):
    for method in ("tanh", "sigmoid", "softplus", "silu", "gelu", "elu"):
        x = Value(x0)
        y = getattr(x, method)()
        y.backward()
        assert math.isfinite(y.data) and math.isfinite(x.grad), (method, x0)
    x = Value(x0)
    assert x.sigmoid().data == (1.0 if x0 > 0 else 0.0)
    assert Value(x0).softplus().data == (x0 if x0 > 0 else 0.0)


def test_repr_shows_data_grad_and_label():
    assert repr(Value(0.5, label="w")) == "Value(data=0.5, grad=0, label='w')"


def test_clip_rejects_an_empty_interval():
    with pytest.raises(ValueError, match="lo <= hi"):
        Value(0.0).clip(1.0, -1.0)


def test_softplus_beta_must_be_positive():
    with pytest.raises(ValueError, match="softplus beta must be positive, got 0.0"):
        Value(1.0).softplus(0.0)
