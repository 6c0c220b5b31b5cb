"""check_derivative: right answers pass, and each usual mistake is named (the derivatives below
are worked out by hand; the wrong ones are the slips a learner makes)."""

from __future__ import annotations

import math

import pytest

from autograd import DerivativeReport, check_derivative


def sig(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_right_derivatives_pass():
    assert check_derivative(lambda x: x.sigmoid(), lambda x: sig(x) * (1 - sig(x)))
    assert check_derivative(lambda x: x.tanh(), lambda x: 1 - math.tanh(x) ** 2)
    assert check_derivative(lambda x: x.softplus(), lambda x: sig(x))
    # GELU's tanh form, differentiated by hand: u = √(2/π)(x + 0.044715x³), t = tanh u
    c = math.sqrt(2 / math.pi)

    def gelu_tanh_slope(x: float) -> float:
        t = math.tanh(c * (x + 0.044715 * x**3))
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)

    assert check_derivative(lambda x: x.gelu("tanh"), gelu_tanh_slope)
    assert check_derivative(lambda x, y: x * y + y, lambda x, y: (y, x + 1))
    report = check_derivative(lambda x: x.relu(), lambda x: 1.0 if x > 0 else 0.0)
    assert report and str(report) == f"right at all {len(report.points)} points"
    assert any(p == (0.0,) for p, _, _ in report.points)  # the kink is always checked


def test_a_flipped_sign_is_named():
    report = check_derivative(lambda x: x.sigmoid(), lambda x: -sig(x) * (1 - sig(x)))
    assert not report
    assert "sign is flipped" in report.diagnosis


def test_a_forgotten_half_of_the_loss_is_named():
    # L = ½(x - 1)², dL/dx = x - 1; the slip: 2(x - 1)
    report = check_derivative(lambda x: 0.5 * (x - 1.0) ** 2, lambda x: 2 * (x - 1.0))
    assert "2× too large" in report.diagnosis and "½ of the loss" in report.diagnosis
    report = check_derivative(lambda x: (x - 1.0) ** 2, lambda x: x - 1.0)
    assert "2× too small" in report.diagnosis


def test_another_constant_factor_is_given():
    report = check_derivative(lambda x: x.exp(), lambda x: 3 * math.exp(x))
    assert report.diagnosis.startswith("off by a constant factor, 3× too large")


def test_the_convention_at_a_kink_is_named():
    report = check_derivative(lambda x: x.relu(), lambda x: 1.0 if x >= 0 else 0.0)
    assert not report
    assert "kink x = 0" in report.diagnosis


def test_right_on_part_of_the_domain_says_where():
    # |x|' = sign(x); the slip: 1 everywhere (right for x > 0 only)
    report = check_derivative(lambda x: abs(x), lambda x: 1.0)
    assert report.diagnosis == "right for x > 0 only: wrong for x ≤ 0"


def test_a_missing_chain_rule_factor_is_named():
    # d/dx tanh(x²) = (1 - tanh²(x²))·2x; the slip: leave out the inner derivative 2x
    report = check_derivative(lambda x: (x * x).tanh(), lambda x: 1 - math.tanh(x * x) ** 2)
    assert "chain-rule factor is missing" in report.diagnosis
    report = check_derivative(lambda x: (x**2).sin().exp(),
                              lambda x: math.exp(math.sin(x * x)) * math.cos(x * x))
    assert "chain-rule factor is missing" in report.diagnosis


def test_several_inputs_name_the_wrong_partial():
    report = check_derivative(lambda x, y: x * y, lambda x, y: (y, y))
    assert not report and report.diagnosis.endswith("input(s) #1")


def test_the_table_shows_the_worst_points():
    report = check_derivative(lambda x: x * x, lambda x: 2 * x + 0.1 * x * x * x)
    assert isinstance(report, DerivativeReport)
    text = str(report).splitlines()
    assert text[0].startswith(f"wrong at {len(report.points)} of {len(report.points)} points")
    worst = report.worst(1)[0]
    assert abs(worst[0][0]) == max(abs(p[0]) for p, _, _ in report.points)  # |0.1x³| grows


def test_bad_arguments_are_refused_clearly():
    with pytest.raises(ValueError, match="must return 2"):
        check_derivative(lambda x, y: x * y, lambda x, y: y)
    with pytest.raises(ValueError, match="lo < hi"):
        check_derivative(lambda x: x * x, lambda x: 2 * x, domain=(1, -1))
    with pytest.raises(ValueError, match="positive integer"):
        check_derivative(lambda x: x * x, lambda x: 2 * x, n=0)
    with pytest.raises(TypeError, match="must return numbers"):
        check_derivative(lambda x: x * x, lambda x: "2x")
