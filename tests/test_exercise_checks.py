"""gradbook.exercises: every diagnosis its checks make, provoked by a deliberately wrong answer,
and the promise that a check never raises and never prints the answer it compares with."""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Function
from gradbook import exercises as ex


def verdict(capsys, call):
    ok = call()
    out = capsys.readouterr().out
    return ok, out


def test_a_right_number_passes(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", 0.25, 1 / 4))
    assert ok is True and out == "✓ Task 1.1: dL/dw is right\n"


@pytest.mark.parametrize("stub", [..., None, lambda: ..., lambda: None])
def test_a_value_left_as_the_stub_is_not_done(capsys, stub):
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", stub, 0.25))
    assert ok is False and out.startswith("✗ Task 1.1: not done yet: dL/dw is ")


def test_a_function_that_still_raises_not_implemented_is_not_done(capsys):
    def stub():
        raise NotImplementedError

    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", stub, 0.25))
    assert not ok and "not done yet" in out and "NotImplementedError" in out


def test_an_error_in_the_learners_code_is_one_line_naming_it(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", lambda: 1 / 0, 0.25))
    assert not ok
    assert out == "✗ Task 1.1: dL/dw raised ZeroDivisionError: division by zero\n"


def test_non_numeric_answers_are_named(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", "0.25", 0.25))
    assert not ok and "dL/dw must be a number or an array of numbers, got '0.25'" in out


def test_a_flipped_sign(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", -0.25, 0.25))
    assert not ok and "right size but the wrong sign" in out


def test_a_small_whole_factor_is_named_with_its_hint(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close(
        "1.1", "dL/dW", np.full((2, 3), 8.0), np.full((2, 3), 2.0),
        factors={4: "did you sum over the batch instead of averaging?"}))
    assert not ok and "4× the right value: did you sum over the batch" in out
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", 0.5, 0.25))
    assert not ok and "2× too large" in out
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", 0.125, 0.25))
    assert not ok and "2× too small" in out


def test_a_single_number_off_by_an_odd_ratio_gives_no_ratio_away(capsys):
    # 0.3 / 0.25 = 1.2: naming the ratio would give the answer, so only the direction is said
    ok, out = verdict(capsys, lambda: ex.check_close("1.1", "dL/dw", 0.3, 0.25))
    assert not ok and out == "✗ Task 1.1: dL/dw = 0.3 is too large\n"
    assert "0.25" not in out and "1.2" not in out


def test_a_transposed_gradient_is_named_by_its_shape(capsys):
    right = np.arange(6.0).reshape(2, 3)
    ok, out = verdict(capsys, lambda: ex.check_close("4.1", "dL/dW2", right.T, right))
    assert not ok and "dL/dW2 is shape (3, 2), it should be shape (2, 3): is it transposed?" in out
    square = np.array([[1.0, 2.0], [3.0, 4.0]])
    ok, out = verdict(capsys, lambda: ex.check_close("4.1", "dL/dW2", square.T, square))
    assert not ok and "the transpose of the right one" in out


def test_a_known_slip_passed_by_the_task_is_recognised(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close(
        "2.1", "dL/dw1", 0.7, 0.25, mistakes={"you used the updated weights": 0.7}))
    assert not ok and out == "✗ Task 2.1: you used the updated weights\n"


def test_wrong_entries_of_an_array_are_located_without_values(capsys):
    right = np.arange(1.0, 7.0).reshape(2, 3)
    wrong = right.copy()
    wrong[1, 2] += 0.5
    ok, out = verdict(capsys, lambda: ex.check_close("4.2", "delta2", wrong, right))
    assert not ok and "wrong at 1 of 6 entries, the first at index (1, 2)" in out
    assert "6.5" not in out and "expected" not in out


def test_nan_is_named(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close("9.1", "p", [np.nan, 1.0], [0.5, 0.5]))
    assert not ok and "p contains nan" in out


def test_reveal_shows_both_values_for_intermediate_numbers(capsys):
    ok, out = verdict(capsys, lambda: ex.check_close("6.1", "v", 0.3, 0.25, reveal=True))
    assert not ok and out == "✗ Task 6.1: v is 0.3, expected 0.25\n"


def test_steps_name_the_first_step_that_parts(capsys):
    ok, out = verdict(capsys, lambda: ex.check_steps(
        "6.1", "momentum buffer", [[1.0, 2.0], [1.9, 3.8], [2.7, 5.0]],
        [[1.0, 2.0], [1.9, 3.8], [2.71, 5.42]]))
    assert not ok
    assert out == ("✗ Task 6.1: your momentum buffer after step 3 is [2.7, 5. ], "
                   "expected [2.71, 5.42]\n")
    ok, out = verdict(capsys, lambda: ex.check_steps("6.1", "w", [1.0, 2.0], [1.0, 2.0, 3.0]))
    assert not ok and "you gave 2 steps of w, expected 3" in out
    ok, out = verdict(capsys, lambda: ex.check_steps("6.1", "w", [1.0, 2.0], [1.0, 2.0]))
    assert ok and "matches at all 2 steps" in out


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_check_derivative_passes_a_right_formula(capsys):
    def sigmoid_prime(x):
        return _sigmoid(x) * (1.0 - _sigmoid(x))

    ok, out = verdict(capsys, lambda: ex.check_derivative(
        "1.1", lambda x: x.sigmoid(), sigmoid_prime))
    assert ok and out == "✓ Task 1.1: sigmoid_prime is right at all 50 points\n"


def test_check_derivative_reports_the_diagnosis_and_the_worst_points(capsys):
    def tanh_prime(x):
        return 1.0 + math.tanh(x) ** 2  # the sign inside is flipped

    ok, out = verdict(capsys, lambda: ex.check_derivative("1.2", lambda x: x.tanh(), tanh_prime))
    first, *table = out.splitlines()
    assert not ok and first.startswith("✗ Task 1.2: tanh_prime is wrong at ")
    assert table[0].split() == ["at", "yours", "engine"] and len(table) == 6


@pytest.mark.parametrize("body", ["raise", "pass", "ellipsis"])
def test_check_derivative_of_a_stub_is_not_done(capsys, body):
    def stub(x):
        if body == "raise":
            raise NotImplementedError
        return ... if body == "ellipsis" else None

    ok, out = verdict(capsys, lambda: ex.check_derivative("1.1", lambda x: x.sigmoid(), stub))
    assert not ok and out.startswith("✗ Task 1.1: not done yet: stub ")


def test_check_derivative_reports_the_learners_error_in_one_line(capsys):
    ok, out = verdict(capsys, lambda: ex.check_derivative(
        "1.1", lambda x: x.log(), lambda x: 1 / (x - x), domain=(0.5, 2.0)))
    assert not ok
    assert out == "✗ Task 1.1: <lambda> raised ZeroDivisionError: float division by zero\n"


class _Cube(Function):
    """x³ with a backward that is given as a parameter of the test."""

    slope = 3.0

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @classmethod
    def backward(cls, ctx, grad_output):
        (x,) = ctx.saved_tensors
        return cls.slope * x * x * grad_output


def test_check_function_passes_a_right_op_on_values_and_tensors(capsys):
    ok, out = verdict(capsys, lambda: ex.check_function(
        "3.4", _Cube.apply, [0.7], forward=lambda x: x ** 3))
    assert ok and "passes gradcheck" in out
    ok, _ = verdict(capsys, lambda: ex.check_function(
        "3.4", _Cube.apply, [np.array([0.5, -1.5])], forward=lambda x: x ** 3))
    assert ok


def test_check_function_shows_gradchecks_table_when_backward_is_wrong(capsys, monkeypatch):
    monkeypatch.setattr(_Cube, "slope", 2.0)
    ok, out = verdict(capsys, lambda: ex.check_function(
        "3.4", _Cube.apply, [0.7], forward=lambda x: x ** 3))
    assert not ok and "disagrees with numerical differentiation" in out
    assert "gradcheck FAILED" in out


def test_check_function_compares_the_forward_value(capsys):
    ok, out = verdict(capsys, lambda: ex.check_function(
        "3.4", _Cube.apply, [0.7], forward=lambda x: x ** 2))
    assert not ok and "output = 0.343 is too small" in out


def test_check_that(capsys):
    ok, out = verdict(capsys, lambda: ex.check_that("5.3", False, "converged", "never stops"))
    assert not ok and out == "✗ Task 5.3: never stops\n"
    ok, out = verdict(capsys, lambda: ex.check_that("5.3", lambda: True, "converged", "no"))
    assert ok and out == "✓ Task 5.3: converged\n"


class _Ignores(Function):
    """2x with a backward that forgets grad_output: right only when the gradient arriving is 1."""

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, grad_output):
        return 2 * grad_output / grad_output


@pytest.mark.parametrize("x", [0.7, np.array([0.5, -1.5, 2.0])])
def test_check_function_catches_a_backward_that_ignores_grad_output(capsys, x):
    ok, out = verdict(capsys, lambda: ex.check_function("3.5", _Ignores.apply, [x],
                                                        forward=lambda v: 2 * v))
    assert not ok and "disagrees with numerical differentiation" in out


def test_both_languages_have_every_verdict_with_the_same_fields():
    import string

    def fields(text):
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}

    assert ex.TEXT["zh"].keys() == ex.TEXT["en"].keys()
    for key, text in ex.TEXT["en"].items():
        assert fields(ex.TEXT["zh"][key]) == fields(text), key


@pytest.fixture
def chinese():
    ex.set_language("zh")
    yield
    ex.set_language("en")


def test_verdicts_in_chinese(capsys, chinese):
    ok, out = verdict(capsys, lambda: ex.check_close("2.1", "dL/dw", ..., 0.25))
    assert not ok and out == "✗ 任务 2.1：还没完成：dL/dw 还是 ...；请填入你的答案\n"
    ok, out = verdict(capsys, lambda: ex.check_close("2.1", "dL/dw", -0.25, 0.25))
    assert out == "✗ 任务 2.1：dL/dw 大小对了，但符号反了\n"
    ok, out = verdict(capsys, lambda: ex.check_steps("6.1", "v", [1.0, 2.5], [1.0, 2.0]))
    assert out == "✗ 任务 6.1：你的 v 在第 2 步之后是 2.5，应当是 2\n"

    def tanh_prime(x):
        return -(1.0 - math.tanh(x) ** 2)

    ok, out = verdict(capsys, lambda: ex.check_derivative("1.2", lambda x: x.tanh(), tanh_prime))
    assert out.startswith("✗ 任务 1.2：tanh_prime：在 50 个点中有 50 个不对：符号反了")


def test_an_unknown_language_is_refused():
    with pytest.raises(ValueError, match="lang must be one of 'en', 'zh', got 'fr'"):
        ex.set_language("fr")


@pytest.mark.parametrize(("yours", "right"), [(0.0, 1.5), ([0.0, 0.0], [1.5, 2.0])])
def test_an_answer_of_zeros_is_wrong_without_a_factor(capsys, yours, right):
    ok, out = verdict(capsys, lambda: ex.check_close("9.9", "x", yours, right))
    assert not ok and out.startswith("✗ Task 9.9: x ") and "factor" not in out
