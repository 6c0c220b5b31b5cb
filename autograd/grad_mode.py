"""The engine's switches: gradient recording and anomaly detection, one pair per thread.

``no_grad``/``enable_grad``/``set_grad_enabled`` mirror PyTorch's names. The state lives in
one small object, read by every op: ``MODE.record`` is True exactly when ops must record the
graph *and* may take the fast path (recording on, anomaly detection off), so the hot path of a
scalar op pays for a single attribute test.

The state is per thread, as PyTorch's is: ``MODE`` is a :class:`threading.local`, so
``with no_grad():`` in one thread, or a backward pass (which turns recording off while it
runs), never changes what another thread records. A new thread starts with recording on and
anomaly detection off, whatever the thread that started it had.

Reading a ``threading.local`` attribute costs about four times a plain one, so ops test
``ALL_THREADS.record or MODE.record``: ``ALL_THREADS.record`` is True while no thread has
recording off or anomaly detection on (the usual state), and only otherwise is the calling
thread's own ``MODE`` consulted.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mode(threading.local):
    # threading.local runs __init__ again in each thread that first touches MODE, so every
    # thread gets its own fields with these defaults (no __slots__: slots would be shared)

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.record = True


class _AllThreads:
    __slots__ = ("record", "departed")

    def __init__(self) -> None:
        self.record = True  # True exactly when departed == 0
        self.departed = 0  # how many threads have MODE.record False


MODE = _Mode()
ALL_THREADS = _AllThreads()
_LOCK = threading.Lock()


def _update() -> None:
    """Recompute the calling thread's ``MODE.record`` after a switch changed, and keep
    ``ALL_THREADS`` counting the threads whose ``record`` is False."""
    record = MODE.grad_enabled and not MODE.anomaly
    if record == MODE.record:
        return
    MODE.record = record
    # the count changes under a lock; this thread's own later ops run after the update, and
    # other threads may read a stale True only while their own MODE.record is True anyway
    with _LOCK:
        ALL_THREADS.departed += -1 if record else 1
        ALL_THREADS.record = ALL_THREADS.departed == 0


def is_grad_enabled() -> bool:
    """Return True when operations record the computation graph (in the calling thread)."""
    return MODE.grad_enabled


def _set_grad(enabled: bool) -> None:
    MODE.grad_enabled = bool(enabled)
    _update()


class _GradSwitch:
    """Context manager and decorator setting gradient recording to ``self._target``."""

    _target = True

    def __enter__(self) -> None:
        self._prev = MODE.grad_enabled
        _set_grad(self._target)

    def __exit__(self, *exc: object) -> None:
        _set_grad(self._prev)

    def __call__(self, func: F) -> F:
        switch = type(self)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with switch():
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(_GradSwitch):  # noqa: N801 - PyTorch's name
    """Inside ``with no_grad():`` (or a function decorated ``@no_grad()``) ops record nothing:
    results are plain leaves, which saves the memory of the graph (use it for evaluation and for
    parameter updates)."""

    _target = False


class enable_grad(_GradSwitch):  # noqa: N801 - PyTorch's name
    """Turn recording back on inside a ``no_grad`` block."""

    _target = True


class set_grad_enabled(_GradSwitch):  # noqa: N801 - PyTorch's name
    """``with set_grad_enabled(flag):`` records the graph when ``flag`` is true."""

    def __init__(self, mode: bool) -> None:
        self._target = bool(mode)
        self._prev = MODE.grad_enabled

    def __call__(self, func: F) -> F:
        target = self._target

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(target):
                return func(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class AnomalyError(FloatingPointError):
    """Raised inside ``detect_anomaly()`` when an op produces NaN or infinity."""


class detect_anomaly:  # noqa: N801 - PyTorch's name
    """Inside ``with detect_anomaly():`` the first NaN or infinity produced by an op, in the
    forward pass or in a gradient of the backward pass, raises :class:`AnomalyError` naming
    the op, its inputs and the node's label, instead of spreading silently through training."""

    def __init__(self, enabled: bool = True) -> None:
        self._target = bool(enabled)

    def __enter__(self) -> None:
        self._prev = MODE.anomaly
        MODE.anomaly = self._target
        _update()

    def __exit__(self, *exc: object) -> None:
        MODE.anomaly = self._prev
        _update()


def is_anomaly_enabled() -> bool:
    """Return True inside ``detect_anomaly()`` (in the calling thread)."""
    return MODE.anomaly
