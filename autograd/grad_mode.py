"""Global switches of the engine: gradient recording and anomaly detection.

``no_grad``/``enable_grad``/``set_grad_enabled`` mirror PyTorch's names. The state lives in
one small object, read by every op: ``MODE.record`` is True exactly when ops must record the
graph *and* may take the fast path (recording on, anomaly detection off), so the hot path of a
scalar op pays for a single attribute test. The state is process-wide, not per thread.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class _Mode:
    __slots__ = ("grad_enabled", "anomaly", "record")

    def __init__(self) -> None:
        self.grad_enabled = True
        self.anomaly = False
        self.record = True

    def _update(self) -> None:
        self.record = self.grad_enabled and not self.anomaly


MODE = _Mode()


def is_grad_enabled() -> bool:
    """Return True when operations record the computation graph."""
    return MODE.grad_enabled


def _set_grad(enabled: bool) -> None:
    MODE.grad_enabled = bool(enabled)
    MODE._update()


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
        MODE._update()

    def __exit__(self, *exc: object) -> None:
        MODE.anomaly = self._prev
        MODE._update()


def is_anomaly_enabled() -> bool:
    """Return True inside ``detect_anomaly()``."""
    return MODE.anomaly
