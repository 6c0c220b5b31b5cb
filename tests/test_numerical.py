"""numerical_grad: methods and their error orders; gradcheck's report."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from autograd import GradcheckError, Tensor, Value, gradcheck, numerical_grad


def test_central_difference_of_a_known_function():
    g = numerical_grad(lambda x, y: (x * y).tanh(), [0.3, -0.7])
    t = math.tanh(0.3 * -0.7)
    assert g == pytest.approx([-0.7 * (1 - t * t), 0.3 * (1 - t * t)], rel=1e-8)


def test_error_orders_forward_is_o_h_central_is_o_h_squared():
    f = lambda x: x.exp()  # noqa: E731 - f' = f'' = e^x
    x0 = 0.5
    exact = math.exp(x0)
    for h in (1e-2, 1e-3):
        fwd = numerical_grad(f, x0, eps=h, method="forward")
        bwd = numerical_grad(f, x0, eps=h, method="backward")
        cen = numerical_grad(f, x0, eps=h, method="central")
        # leading error terms: ±h/2·f'' and h²/6·f'''
        assert fwd - exact == pytest.approx(h / 2 * exact, rel=0.02)
        assert bwd - exact == pytest.approx(-h / 2 * exact, rel=0.02)
        assert cen - exact == pytest.approx(h * h / 6 * exact, rel=0.02)


def test_array_inputs_give_array_gradients():
    x = np.array([[0.5, -1.0], [2.0, 0.1]])
    g = numerical_grad(lambda t: (t * t).sum(), x)
    np.testing.assert_allclose(g, 2 * x, rtol=1e-7)
    g2 = numerical_grad(lambda t: (t * t).sum(), Tensor(x))
    np.testing.assert_allclose(g2, 2 * x, rtol=1e-7)


def test_value_inputs_are_accepted_and_unchanged():
    v = Value(1.5, label="v")
    assert numerical_grad(lambda x: x**2, v) == pytest.approx(3.0)
    assert v.data == 1.5 and v.grad == 0.0


def test_bad_arguments_are_explained():
    with pytest.raises(ValueError, match="unknown method 'sideways'"):
        numerical_grad(lambda x: x, 1.0, method="sideways")
    with pytest.raises(TypeError, match="input #0 must be a number"):
        numerical_grad(lambda x: x, "1.0")
    with pytest.raises(ValueError, match="single number.*shape \\(2,\\)"):
        numerical_grad(lambda x: x * 2, np.array([1.0, 2.0]))


def test_gradcheck_report_uses_labels_and_is_truthy():
    report = gradcheck(lambda a, b: a * b.sin(), [Value(0.3, label="a"), Value(1.1, label="b")])
    assert report and "a " in str(report) and "gradcheck passed" in str(report)


# -- non-finite gradients and invalid settings (issue 11, item 3) -------------------------------


def test_a_nan_numerical_gradient_fails_with_its_own_message():
    # log(-1) is nan, so central differences give nan; d/dx log x = 1/x = -1 is finite.
    # A NaN compares false with every tolerance: this used to print "gradcheck passed"
    report = gradcheck(lambda x: x.log(), [Value(-1.0, label="x")], raise_exception=False)
    assert not report and not report.rows[0]["ok"]
    assert report.rows[0]["analytic"] == pytest.approx(-1.0)
    assert math.isnan(report.rows[0]["numeric"])
    text = str(report)
    assert "x: not finite: the numerical gradient is nan" in text
    assert "f = nan at these inputs" in text and "gradcheck FAILED" in text
    with pytest.raises(GradcheckError, match="numerical gradient is nan"):
        gradcheck(lambda x: x.log(), [Value(-1.0, label="x")])


def test_an_infinite_analytic_gradient_fails():
    # d/dx sqrt x = 1 / (2 sqrt x) = inf at 0; sqrt(-eps) is nan, so the numeric side is nan
    report = gradcheck(lambda x: x.sqrt(), [Value(0.0, label="x")], raise_exception=False)
    assert not report
    assert report.rows[0]["analytic"] == math.inf
    assert "the engine's gradient is inf" in str(report)


def test_an_overflowing_function_fails_instead_of_passing():
    # (1e308)² overflows: f = inf, f' = 2e308 = inf, and inf - inf = nan in the difference
    report = gradcheck(lambda x: x * x, [Value(1e308, label="x")], raise_exception=False)
    assert not report and "f = inf at these inputs" in str(report)


def test_non_finite_elements_of_an_array_input_are_counted_and_located():
    x = np.array([[1.0, 2.0], [4.0, 0.0]])
    # f = Σ sqrt(x): finite everywhere but its derivative 1/(2 sqrt x) is inf at [1, 1]
    report = gradcheck(lambda t: t.sqrt().sum(), [x], raise_exception=False)
    row = report.rows[0]
    assert not report and row["input"] == "#0[1, 1]" and row["bad_elements"] == 1
    assert "#0: not finite in 1 of 4 elements: the engine's gradient is inf at [1, 1]" in (
        row["problem"]
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"eps": math.inf}, "eps must be a finite number > 0, got inf"),
        ({"eps": math.nan}, "eps must be a finite number > 0, got nan"),
        ({"eps": 0.0}, "eps must be a finite number > 0, got 0.0"),
        ({"eps": -1e-6}, "eps must be a finite number > 0, got -1e-06"),
        ({"atol": math.nan}, "atol must be a finite number >= 0, got nan"),
        ({"atol": math.inf}, "atol must be a finite number >= 0, got inf"),
        ({"atol": -1.0}, "atol must be a finite number >= 0, got -1.0"),
        ({"rtol": math.nan}, "rtol must be a finite number >= 0, got nan"),
        ({"rtol": -0.5}, "rtol must be a finite number >= 0, got -0.5"),
        ({"eps": "small"}, "eps must be a number, got 'small'"),
        ({"atol": True}, "atol must be a number, got True"),
    ],
)
def test_invalid_eps_and_tolerances_are_refused_naming_the_value(kwargs, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        gradcheck(lambda x: x * x, [Value(1.0)], **kwargs)
    if set(kwargs) == {"eps"}:
        with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
            numerical_grad(lambda x: x * x, 1.0, **kwargs)


def test_zero_tolerances_are_allowed():
    # atol = rtol = 0 asks for exact agreement: x + x has the exact derivative 2 on both sides
    # (the central difference of a linear function at a power of two is exact)
    assert gradcheck(lambda x: x + x, [Value(1.0)], eps=2.0**-10, atol=0.0, rtol=0.0)
