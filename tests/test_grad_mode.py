"""no_grad / enable_grad / set_grad_enabled, detach, and detect_anomaly."""

from __future__ import annotations

import pytest

from autograd import (
    AnomalyError,
    Tensor,
    Value,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)


def test_no_grad_records_nothing():
    x = Value(2.0)
    with no_grad():
        y = x * 3
        assert not is_grad_enabled()
    assert is_grad_enabled()
    assert y.is_leaf and y.parents == () and y.data == 6.0 and not y.requires_grad


def test_no_grad_as_a_decorator_and_nesting():
    @no_grad()
    def f(x):
        with enable_grad():
            inner = x * 2
        return x * 2, inner

    outer, inner = f(Value(1.0))
    assert outer.is_leaf and inner.op == "mul"
    with set_grad_enabled(False):
        assert (Value(1.0) + 1).is_leaf
    assert (Value(1.0) + 1).op == "add"


def test_detach_cuts_the_graph():
    x = Value(2.0)
    y = (x * x).detach() * x
    y.backward()
    assert x.grad == 4.0  # only the outer factor


def test_anomaly_names_the_op_and_its_inputs_in_forward():
    x = Value(0.0, label="x")
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"op 'log'.*'x'.*data=0.0"):
        x.log()
    assert x.log().data == float("-inf")  # outside, IEEE semantics as usual


def test_anomaly_catches_a_non_finite_gradient_in_backward():
    x = Value(0.0, label="x")
    y = x.sqrt()  # finite value 0, infinite derivative
    with detect_anomaly(), pytest.raises(AnomalyError, match=r"backward rule of op 'sqrt'.*'x'"):
        y.backward()


def test_anomaly_mode_keeps_results_right():
    with detect_anomaly():
        x = Value(0.5)
        y = x.tanh() * 2
        y.backward()
    assert x.grad == pytest.approx(2 * (1 - 0.5**2) if False else 2 * (1 - y.data**2 / 4))


def test_anomaly_on_tensors():
    t = Tensor([1.0, 0.0], requires_grad=True, label="t")
    with detect_anomaly(), pytest.raises(AnomalyError, match="op 'log'.*1 of 2 elements"):
        t.log()
