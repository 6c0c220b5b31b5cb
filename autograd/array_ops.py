"""Primitives that exist only for arrays: linear algebra, reductions, shape and indexing.

Same one-place declarations as :mod:`autograd.primitives`. Their rules use only methods that
numpy arrays and Tensors share (``@``, ``.T``, ``.reshape``, ``.sum``, ``.swapaxes``), plus
:func:`expand_to`, so they too run on arrays normally and on Tensors under
``create_graph=True``. These ops are not elementwise, so each declares its ``jvp`` (the
forward-mode rule); for a linear op that is the op itself applied to the tangent.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import generic as G
from .op import primitive


def _keepdims_shape(shape: tuple, axis: Any) -> tuple:
    if axis is None:
        return (1,) * len(shape)
    axes = {a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))}
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


def expand_to(g: Any, shape: tuple, axis: Any, keepdims: bool) -> Any:
    """Broadcast the gradient of a reduction over ``axis`` back to the input's ``shape``."""
    if not keepdims:
        g = g.reshape(_keepdims_shape(shape, axis))
    return G.broadcast_to(g, shape)


# --- linear algebra -------------------------------------------------------------------------


def _insert_axis(g: Any, axis: int) -> Any:
    shape = g.shape
    axis = axis % (len(shape) + 1)
    return g.reshape(shape[:axis] + (1,) + shape[axis:])


def _matmul_grad_a(g, y, a, b):
    if b.ndim == 1:  # y[..., i] = sum_k a[..., i, k] b[k]
        return _insert_axis(g, -1) * b if a.ndim > 1 else g * b
    if a.ndim == 1:  # y[..., j] = sum_k a[k] b[..., k, j]
        return (_insert_axis(g, -2) @ b.swapaxes(-1, -2)).reshape(
            g.shape[:-1] + (a.shape[0],)
        )
    return g @ b.swapaxes(-1, -2)


def _matmul_grad_b(g, y, a, b):
    if a.ndim == 1:
        return _insert_axis(g, -2) * _insert_axis(a, -1) if b.ndim > 1 else g * a
    if b.ndim == 1:  # g has a's shape minus its last axis; the engine sums the batch axes
        return (a.swapaxes(-1, -2) @ _insert_axis(g, -1)).reshape(g.shape[:-1] + (b.shape[0],))
    return a.swapaxes(-1, -2) @ g


primitive(
    "matmul", 2, method=False, elementwise=False, array=np.matmul,
    vjp=(_matmul_grad_a, _matmul_grad_b),
    jvp=lambda ts, y, a, b: _sum_tangents(
        None if ts[0] is None else ts[0] @ b, None if ts[1] is None else a @ ts[1]
    ),
    deriv_docs=("g @ {b}ᵀ", "{a}ᵀ @ g"),
    doc="a @ b with numpy's rules for 1-D, 2-D and batched operands",
)


def _sum_tangents(*ts: Any) -> Any:
    ts = [t for t in ts if t is not None]
    out = ts[0]
    for t in ts[1:]:
        out = out + t
    return out


# --- reductions -----------------------------------------------------------------------------

primitive(
    "sum", 1, method=False, elementwise=False, params=("axis", "keepdims"),
    array=lambda x, axis, keepdims: np.sum(x, axis=axis, keepdims=keepdims),
    vjp=lambda g, y, x, axis, keepdims: expand_to(g, x.shape, axis, keepdims),
    jvp=lambda ts, y, x, axis, keepdims: ts[0].sum(axis=axis, keepdims=keepdims),
    deriv_docs=("g copied back over the summed axes of {x}",),
    doc="sum over axis",
)
primitive(
    "mean", 1, method=False, elementwise=False, params=("axis", "keepdims"),
    array=lambda x, axis, keepdims: np.mean(x, axis=axis, keepdims=keepdims),
    vjp=lambda g, y, x, axis, keepdims: expand_to(g, x.shape, axis, keepdims)
    * (y.size / x.size if x.size else 0.0),
    jvp=lambda ts, y, x, axis, keepdims: ts[0].mean(axis=axis, keepdims=keepdims),
    deriv_docs=("g copied back over the averaged axes of {x}, divided by their size",),
    doc="mean over axis; each input receives g / (number of elements averaged)",
)


def _tie_weights(x: Any, y: Any, axis: Any, keepdims: bool) -> np.ndarray:
    """1/k on the k elements equal to the extreme along axis, 0 elsewhere (an array)."""
    x, y = G.data_of(x), G.data_of(y)
    yk = y if keepdims else np.reshape(y, _keepdims_shape(x.shape, axis))
    mask = x == yk
    return mask / mask.sum(axis=axis, keepdims=True)


for _name, _fn in (("max", np.max), ("min", np.min)):
    primitive(
        _name, 1, method=False, elementwise=False, params=("axis", "keepdims"),
        array=lambda x, axis, keepdims, _fn=_fn: _fn(x, axis=axis, keepdims=keepdims),
        vjp=lambda g, y, x, axis, keepdims: expand_to(g, x.shape, axis, keepdims)
        * _tie_weights(x, y, axis, keepdims),
        jvp=lambda ts, y, x, axis, keepdims: (ts[0] * _tie_weights(x, y, axis, keepdims)).sum(
            axis=axis, keepdims=keepdims
        ),
        deriv_docs=("g sent to the extreme elements of {x} along the axes (ties share it)",),
        doc=f"{_name} over axis; ties share the gradient equally",
    )

primitive(
    "logsumexp", 1, method=False, elementwise=False, params=("axis", "keepdims"),
    array=lambda x, axis, keepdims: _logsumexp(x, axis, keepdims),
    vjp=lambda g, y, x, axis, keepdims: expand_to(g, x.shape, axis, keepdims)
    * G.exp(x - expand_to(y, x.shape, axis, keepdims)),
    jvp=lambda ts, y, x, axis, keepdims: (
        ts[0] * G.exp(x - expand_to(y, x.shape, axis, keepdims))
    ).sum(axis=axis, keepdims=keepdims),
    deriv_docs=("g·exp({x} - {y}), i.e. g·softmax({x}) along the axes",),
    doc="log(sum(exp(x))) over axis, computed as m + log(sum(exp(x - m))) with m = max(x)",
)


def _logsumexp(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = m + np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


primitive(
    "softmax", 1, method=False, elementwise=False, params=("axis",),
    array=_softmax,
    vjp=lambda g, y, x, axis: y * (g - (g * y).sum(axis=axis, keepdims=True)),
    jvp=lambda ts, y, x, axis: y * (ts[0] - (ts[0] * y).sum(axis=axis, keepdims=True)),
    deriv_docs=("{y} ⊙ (g - Σ(g ⊙ {y}) along the axis)",),
    doc="e^x / sum(e^x) along axis (shifted by the max: no overflow); "
    "Jacobian diag(y) - y yᵀ",
)
primitive(
    "log_softmax", 1, method=False, elementwise=False, params=("axis",),
    array=lambda x, axis: x - _logsumexp(x, axis, True),
    vjp=lambda g, y, x, axis: g - G.exp(y) * g.sum(axis=axis, keepdims=True),
    jvp=lambda ts, y, x, axis: ts[0] - (G.exp(y) * ts[0]).sum(axis=axis, keepdims=True),
    deriv_docs=("g - exp({y})·Σg along the axis",),
    doc="x - logsumexp(x) along axis",
)

# --- shape and indexing ---------------------------------------------------------------------

primitive(
    "reshape", 1, method=False, elementwise=False, params=("shape",),
    array=lambda x, shape: np.reshape(x, shape),
    vjp=lambda g, y, x, shape: g.reshape(x.shape),
    jvp=lambda ts, y, x, shape: ts[0].reshape(shape),
    deriv_docs=("g reshaped to the shape of {x}",),
    doc="the same elements in another shape",
)
primitive(
    "transpose", 1, method=False, elementwise=False, params=("axes",),
    array=lambda x, axes: np.transpose(x, axes),
    vjp=lambda g, y, x, axes: g.transpose(
        None if axes is None else tuple(int(i) for i in np.argsort(axes))
    ),
    jvp=lambda ts, y, x, axes: ts[0].transpose(axes),
    deriv_docs=("g with the axes permuted back",),
    doc="permute the axes (reverse them when axes is None)",
)
primitive(
    "broadcast_to", 1, method=False, elementwise=False, params=("shape",),
    array=lambda x, shape: np.broadcast_to(x, shape),
    vjp=lambda g, y, x, shape: G.sum_to(g, x.shape),
    jvp=lambda ts, y, x, shape: G.broadcast_to(ts[0], shape),
    deriv_docs=("g summed over the broadcast axes",),
    doc="repeat along broadcast axes (numpy's broadcasting rule)",
)
primitive(
    "sum_to", 1, method=False, elementwise=False, params=("shape",),
    array=lambda x, shape: _sum_to(x, shape),
    vjp=lambda g, y, x, shape: G.broadcast_to(g, x.shape),
    jvp=lambda ts, y, x, shape: G.sum_to(ts[0], shape),
    deriv_docs=("g broadcast back to the shape of {x}",),
    doc="sum over the axes that broadcasting to x's shape would have added or stretched",
)


def _sum_to(x: np.ndarray, shape: tuple) -> np.ndarray:
    from .backprop import unbroadcast

    return unbroadcast(x, tuple(shape))


def _is_basic_index(index: Any) -> bool:
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts
    )


def _scatter(g: np.ndarray, index: Any, shape: tuple) -> np.ndarray:
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic_index(index):
        out[index] = g
    else:  # repeated integer indices must add up
        np.add.at(out, index, g)
    return out


primitive(
    "getitem", 1, method=False, elementwise=False, params=("index",),
    array=lambda x, index: x[index],
    vjp=lambda g, y, x, index: G.scatter(g, index, x.shape),
    jvp=lambda ts, y, x, index: ts[0][index],
    deriv_docs=("zeros shaped like {x} with g added at index",),
    doc="x[index]: slices, integers, integer arrays, boolean masks",
)
primitive(
    "scatter", 1, method=False, elementwise=False, params=("index", "shape"),
    array=_scatter,
    vjp=lambda g, y, x, index, shape: g[index],
    jvp=lambda ts, y, x, index, shape: G.scatter(ts[0], index, shape),
    deriv_docs=("g[index]",),
    doc="zeros of `shape` with x added at index (the gradient of getitem)",
)
primitive(
    "astype", 1, method=False, elementwise=False, params=("dtype",),
    array=lambda x, dtype: x.astype(dtype),
    vjp=lambda g, y, x, dtype: g.astype(x.dtype),
    jvp=lambda ts, y, x, dtype: ts[0].astype(dtype),
    deriv_docs=("g cast to the dtype of {x}",),
    doc="the same numbers in another float dtype",
)
primitive(
    "where", 2, method=False, params=("condition",),
    array=lambda a, b, cond: np.where(cond, a, b),
    vjp=(lambda g, y, a, b, cond: G.select(cond, g, 0.0 * g),
         lambda g, y, a, b, cond: G.select(cond, 0.0 * g, g)),
    deriv_docs=("1 where condition holds, else 0", "0 where condition holds, else 1"),
    doc="a where condition holds, else b",
)
