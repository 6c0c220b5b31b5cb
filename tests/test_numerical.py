"""numerical_grad: methods and their error orders; gradcheck's report."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Tensor, Value, gradcheck, numerical_grad


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
