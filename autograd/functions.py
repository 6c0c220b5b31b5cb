"""Engine ops written with :class:`~autograd.function.Function`: those taking any number of
inputs, which a per-argument rule table cannot describe."""

from __future__ import annotations

from typing import Any

import numpy as np

from .function import Context, Function


class Concatenate(Function):
    """Join arrays along ``axis``; input i receives its slice of the gradient."""

    @staticmethod
    def forward(ctx: Context, *tensors: Any, axis: int = 0) -> np.ndarray:
        arrays = [t.data for t in tensors]
        if not arrays:
            raise ValueError("concatenate needs at least one tensor")
        try:
            out = np.concatenate(arrays, axis=axis)
        except ValueError as e:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(f"concatenate along axis {axis} of shapes {shapes}: {e}") from None
        ctx.axis = axis % out.ndim
        ctx.bounds = np.cumsum([0] + [a.shape[ctx.axis] for a in arrays])
        ctx.shapes = [a.shape for a in arrays]
        return out

    @staticmethod
    def backward(ctx: Context, g: Any) -> tuple:
        index = [slice(None)] * g.ndim
        grads = []
        for lo, hi in zip(ctx.bounds[:-1], ctx.bounds[1:]):
            index[ctx.axis] = slice(int(lo), int(hi))
            grads.append(g[tuple(index)])
        return tuple(grads)

    @staticmethod
    def jvp(ctx: Context, *tangents: Any) -> np.ndarray:
        """Forward mode: the tangents joined the same way (zeros for inputs without one)."""
        parts = [np.zeros(s) if t is None else t for t, s in zip(tangents, ctx.shapes)]
        return np.concatenate(parts, axis=ctx.axis)
