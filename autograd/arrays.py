"""numpy helpers of the array rules: undoing a broadcast, scattering into zeros, and the shape a
reduction keeps. Plain numpy, no graph: the bottom of the engine."""

from __future__ import annotations

from typing import Any

import numpy as np


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum a gradient back to the shape of a broadcast operand (numpy's broadcasting rule:
    leading axes were added, axes of length 1 were stretched)."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    if lead < 0:
        raise ValueError(f"cannot sum a gradient of shape {g.shape} down to shape {shape}")
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape) if lead else g


def keepdims_shape(shape: tuple, axis: Any) -> tuple:
    """The shape a reduction of an array of ``shape`` over ``axis`` has with keepdims=True."""
    if axis is None:
        return (1,) * len(shape)
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def is_basic_index(index: Any) -> bool:
    """True for an index of integers, slices, None and Ellipsis only (no repeated elements)."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts
    )


def scatter_add(g: np.ndarray, index: Any, shape: tuple) -> np.ndarray:
    """Zeros of ``shape`` with ``g`` added at ``index``; repeated integer indices add up."""
    out = np.zeros(shape, dtype=g.dtype)
    if is_basic_index(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out
