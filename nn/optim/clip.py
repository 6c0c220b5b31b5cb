"""Gradient clipping, a remedy for exploding gradients, with PyTorch's semantics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from autograd import Tensor, Value

__all__ = ["clip_grad_norm_", "clip_grad_value_"]


def _params(parameters: Any) -> list[Value | Tensor]:
    if isinstance(parameters, Value | Tensor):
        return [parameters]
    params = list(parameters)
    for i, p in enumerate(params):
        if not isinstance(p, Value | Tensor):
            raise TypeError(
                f"parameter {i} is a {type(p).__name__}, not an autograd.Value or autograd.Tensor"
            )
    return params


def _grad_array(p: Value | Tensor) -> np.ndarray | None:
    g = p.grad
    if g is None:
        return None
    if isinstance(g, Value | Tensor):
        g = g.data
    return np.asarray(g, dtype=np.float64)


def _set_grad(p: Value | Tensor, transform: Any) -> None:
    """Replace ``p.grad`` by ``transform(grad)``, in place when it is an ndarray."""
    g = p.grad
    if isinstance(p, Value):
        p.grad = float(transform(np.float64(g.data if isinstance(g, Value) else g)))
    elif isinstance(g, np.ndarray):
        g[...] = transform(g)
    else:  # a graph node after backward(create_graph=True)
        p.grad = np.asarray(transform(np.asarray(g.data)))


def clip_grad_norm_(
    parameters: Any,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> float:
    """Rescale gradients so that their joint norm is at most ``max_norm``; return the norm.

    The total norm is the ``norm_type``-norm of all gradients taken together as one vector,
    ``N = (sum_i |g_i|^p)^(1/p)`` (``N = max_i |g_i|`` for ``norm_type=inf``). If
    ``N > max_norm`` every gradient is multiplied by ``max_norm / (N + 1e-6)``, which keeps the
    direction of the update and only shortens it. Parameters without a gradient are ignored.

    Returns:
        the total norm *before* clipping, as a float (0.0 when no parameter has a gradient).

    Raises:
        RuntimeError: if ``error_if_nonfinite`` and the norm is nan or inf.
    """
    params = _params(parameters)
    max_norm = float(max_norm)
    norm_type = float(norm_type)
    if not max_norm >= 0:
        raise ValueError(f"max_norm must be >= 0, got {max_norm}")
    if not norm_type > 0:
        raise ValueError(f"norm_type must be > 0 (or inf), got {norm_type}")
    grads = [(p, g) for p in params if (g := _grad_array(p)) is not None]
    if not grads:
        return 0.0
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for _, g in grads)
    else:
        norms = np.array([np.linalg.norm(g.ravel(), ord=norm_type) for _, g in grads])
        total = float(np.linalg.norm(norms, ord=norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(
            f"the total norm of order {norm_type} of the gradients is {total}; "
            "set error_if_nonfinite=False to clip anyway"
        )
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for p, _ in grads:
            _set_grad(p, lambda g: g * coef)
    return total


def clip_grad_value_(parameters: Any, clip_value: float) -> None:
    """Clamp every gradient component into ``[-clip_value, clip_value]``, in place.

    Unlike :func:`clip_grad_norm_` this can change the direction of the update.
    """
    params = _params(parameters)
    c = float(clip_value)
    if not c >= 0:
        raise ValueError(f"clip_value must be >= 0, got {clip_value}")
    for p in params:
        if p.grad is not None:
            _set_grad(p, lambda g: np.clip(g, -c, c))
