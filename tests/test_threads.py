"""Grad mode and anomaly mode are per thread, as PyTorch's are; backward never changes what
another thread records. Every test runs real threads; events and barriers force the
interleavings that used to go wrong, so the outcome does not depend on the scheduler's luck."""

from __future__ import annotations

import math
import sys
import threading
from collections.abc import Callable, Iterator

import pytest

from autograd import (
    Function,
    Value,
    detect_anomaly,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
)
from autograd.grad_mode import ALL_THREADS

TIMEOUT = 30.0  # seconds; a thread still alive after this is a failure, never a hang


@pytest.fixture(autouse=True)
def _switch_often() -> Iterator[None]:
    """Let the interpreter switch threads every microsecond (default 5 ms), so threads
    interleave inside each other's forward and backward passes."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _run_threads(targets: list[Callable[[], None]]) -> list[BaseException]:
    """Run each target in its own thread, join them all, and return what they raised."""
    errors: list[BaseException] = []

    def wrap(target: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as e:  # noqa: BLE001 - reported to the test, not swallowed
                errors.append(e)
        return run

    threads = [threading.Thread(target=wrap(t)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(TIMEOUT)
        assert not t.is_alive(), "a thread did not finish"
    return errors


def _expected_grad(x: float) -> float:
    """d/dx [3 tanh(x²) + x²] = 3 (1 - tanh²(x²)) 2x + 2x, by hand."""
    t = math.tanh(x * x)
    return 3.0 * (1.0 - t * t) * 2.0 * x + 2.0 * x


def test_four_threads_building_and_backpropagating_get_every_gradient_right():
    # the reproduction: backward used to switch recording off for the whole process,
    # so another thread's graph was half unrecorded (RuntimeError or a wrong gradient)
    wrong: list[tuple[float, float]] = []

    def work() -> None:
        for _ in range(1500):
            x = Value(0.5)
            y = (x * x).tanh() * 3 + x * x
            y.backward()
            if not math.isclose(x.grad, _expected_grad(0.5), rel_tol=1e-12):
                wrong.append((x.grad, _expected_grad(0.5)))

    errors = _run_threads([work] * 4)
    assert errors == [] and wrong == []


def _overlapping_no_grads() -> dict[str, bool]:
    """Thread A enters no_grad, B enters, A exits, B exits; what B saw inside and after."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        with no_grad():
            a_in.set()
            assert b_in.wait(TIMEOUT)
        a_out.set()

    def b() -> None:
        assert a_in.wait(TIMEOUT)
        with no_grad():
            b_in.set()
            assert a_out.wait(TIMEOUT)
            seen["b inside"] = is_grad_enabled()
        seen["b after"] = is_grad_enabled()

    assert _run_threads([a, b]) == []
    return seen


def test_two_threads_in_no_grad_at_once_leave_recording_on():
    # with one process-wide flag, B restored on exit the False it had found on entry, and
    # recording stayed off for good
    for _ in range(5):
        assert _overlapping_no_grads() == {"b inside": False, "b after": True}
        assert is_grad_enabled()
        assert (Value(2.0) * Value(3.0)).op == "mul"
    assert ALL_THREADS.record and ALL_THREADS.departed == 0  # the ops' fast path is back


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    entered, done = threading.Event(), threading.Event()
    inside: list[bool] = []

    def quiet() -> None:
        with no_grad():
            entered.set()
            assert done.wait(TIMEOUT)
            inside.append((Value(1.0) * Value(2.0)).is_leaf)

    def main() -> None:
        assert entered.wait(TIMEOUT)
        x = Value(3.0)
        y = x * x
        done.set()
        y.backward()
        assert y.op == "mul" and x.grad == pytest.approx(6.0)

    assert _run_threads([quiet, main]) == []
    assert inside == [True]


class _Paused(Function):
    """y = 2x, whose backward waits until another thread has built a graph."""

    in_backward = threading.Event()
    resume = threading.Event()

    @staticmethod
    def forward(ctx, x):
        return 2 * x

    @staticmethod
    def backward(ctx, g):
        _Paused.in_backward.set()
        assert _Paused.resume.wait(TIMEOUT)
        return 2 * g


def test_a_backward_pass_in_progress_leaves_other_threads_recording():
    _Paused.in_backward.clear()
    _Paused.resume.clear()
    built: dict[str, object] = {}

    def backprop() -> None:
        x = Value(1.5)
        _Paused.apply(x).backward()
        built["x.grad"] = x.grad

    def build() -> None:
        assert _Paused.in_backward.wait(TIMEOUT)  # the other thread is inside backward now
        a = Value(2.0)
        b = a.exp() * a
        built["grad enabled"] = is_grad_enabled()
        b.backward()
        built["a.grad"] = a.grad
        _Paused.resume.set()

    assert _run_threads([backprop, build]) == []
    # d/da (a e^a) = e^a (1 + a)
    assert built["grad enabled"] is True
    assert built["a.grad"] == pytest.approx(math.exp(2.0) * 3.0, rel=1e-12)
    assert built["x.grad"] == pytest.approx(2.0)


def test_a_thread_started_inside_no_grad_records_as_in_pytorch():
    # PyTorch's grad mode is thread-local and a new thread starts with it enabled
    seen: dict[str, object] = {}

    def child() -> None:
        x = Value(2.0)
        seen["enabled"] = is_grad_enabled()
        seen["op"] = (x * x).op

    with no_grad():
        assert _run_threads([child]) == []
        assert not is_grad_enabled()
    assert seen == {"enabled": True, "op": "mul"}


def test_anomaly_detection_is_per_thread():
    entered, done = threading.Event(), threading.Event()
    seen: dict[str, object] = {}

    def strict() -> None:
        with detect_anomaly():
            entered.set()
            assert done.wait(TIMEOUT)
            seen["strict enabled"] = is_anomaly_enabled()

    def relaxed() -> None:
        assert entered.wait(TIMEOUT)
        seen["relaxed enabled"] = is_anomaly_enabled()
        seen["log 0"] = Value(0.0).log().data  # IEEE -inf, no AnomalyError here
        done.set()

    assert _run_threads([strict, relaxed]) == []
    assert seen == {"strict enabled": True, "relaxed enabled": False, "log 0": -math.inf}

    with detect_anomaly():  # and a thread started inside detect_anomaly starts without it
        child: list[bool] = []
        assert _run_threads([lambda: child.append(is_anomaly_enabled())]) == []
        assert is_anomaly_enabled()
    assert child == [False]
