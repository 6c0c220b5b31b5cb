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

from .arrays import keepdims_shape, scatter_add, unbroadcast
from .generic import broadcast_to, data_of, exp, scatter, select, sum_to
from .op import VARIADIC, primitive


def expand_to(g: Any, shape: tuple, axis: Any, keepdims: bool) -> Any:
    """Broadcast the gradient of a reduction over ``axis`` back to the input's ``shape``."""
    if not keepdims:
        g = g.reshape(keepdims_shape(shape, axis))
    return broadcast_to(g, shape)


# --- linear algebra -------------------------------------------------------------------------


def _insert_axis(g: Any, axis: int) -> Any:
    shape = g.shape
    axis = axis % (len(shape) + 1)
    return g.reshape(shape[:axis] + (1,) + shape[axis:])


def _matmul_grad_a(g: Any, y: Any, a: Any, b: Any) -> Any:
    if b.ndim == 1:  # y[..., i] = sum_k a[..., i, k] b[k]
        return _insert_axis(g, -1) * b if a.ndim > 1 else g * b
    if a.ndim == 1:  # y[..., j] = sum_k a[k] b[..., k, j]
        return (_insert_axis(g, -2) @ b.swapaxes(-1, -2)).reshape(
            g.shape[:-1] + (a.shape[0],)
        )
    return g @ b.swapaxes(-1, -2)


def _matmul_grad_b(g: Any, y: Any, a: Any, b: Any) -> Any:
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
    given = [t for t in ts if t is not None]
    out = given[0]
    for t in given[1:]:
        out = out + t
    return out


# --- reductions -----------------------------------------------------------------------------

primitive(
    "sum", 1, method=False, elementwise=False, params=("axis", "keepdims"),
    array=lambda x, axis, keepdims: x.sum(axis=axis, keepdims=keepdims),
    vjp=lambda g, y, x, axis, keepdims: expand_to(g, x.shape, axis, keepdims),
    jvp=lambda ts, y, x, axis, keepdims: ts[0].sum(axis=axis, keepdims=keepdims),
    deriv_docs=("g copied back over the summed axes of {x}",),
    doc="sum over axis",
)
primitive(
    "mean", 1, method=False, elementwise=False, params=("axis", "keepdims"),
    array=lambda x, axis, keepdims: x.mean(axis=axis, keepdims=keepdims),
    vjp=lambda g, y, x, axis, keepdims: expand_to(g, x.shape, axis, keepdims)
    * (y.size / x.size if x.size else 0.0),
    jvp=lambda ts, y, x, axis, keepdims: ts[0].mean(axis=axis, keepdims=keepdims),
    deriv_docs=("g copied back over the averaged axes of {x}, divided by their size",),
    doc="mean over axis; each input receives g / (number of elements averaged)",
)


def _tie_weights(x: Any, y: Any, axis: Any, keepdims: bool) -> np.ndarray:
    """1/k on the k elements equal to the extreme along axis, 0 elsewhere (an array)."""
    x, y = data_of(x), data_of(y)
    yk = y if keepdims else np.reshape(y, keepdims_shape(x.shape, axis))
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
    * exp(x - expand_to(y, x.shape, axis, keepdims)),
    jvp=lambda ts, y, x, axis, keepdims: (
        ts[0] * exp(x - expand_to(y, x.shape, axis, keepdims))
    ).sum(axis=axis, keepdims=keepdims),
    deriv_docs=("g·exp({x} - {y}), i.e. g·softmax({x}) along the axes",),
    doc="log(sum(exp(x))) over axis, computed as m + log(sum(exp(x - m))) with m = max(x)",
)


def _logsumexp(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    m = x.max(axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    out = m + np.log(np.exp(x - m).sum(axis=axis, keepdims=True))
    return out if keepdims else np.squeeze(out, axis=axis)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


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
    vjp=lambda g, y, x, axis: g - exp(y) * g.sum(axis=axis, keepdims=True),
    jvp=lambda ts, y, x, axis: ts[0] - (exp(y) * ts[0]).sum(axis=axis, keepdims=True),
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
    vjp=lambda g, y, x, shape: sum_to(g, x.shape),
    jvp=lambda ts, y, x, shape: broadcast_to(ts[0], shape),
    deriv_docs=("g summed over the broadcast axes",),
    doc="repeat along broadcast axes (numpy's broadcasting rule)",
)
primitive(
    "sum_to", 1, method=False, elementwise=False, params=("shape",),
    array=lambda x, shape: unbroadcast(x, tuple(shape)),
    vjp=lambda g, y, x, shape: broadcast_to(g, x.shape),
    jvp=lambda ts, y, x, shape: sum_to(ts[0], shape),
    deriv_docs=("g broadcast back to the shape of {x}",),
    doc="sum over the axes that broadcasting to x's shape would have added or stretched",
)


primitive(
    "getitem", 1, method=False, elementwise=False, params=("index",),
    array=lambda x, index: x[index],
    vjp=lambda g, y, x, index: scatter(g, index, x.shape),
    jvp=lambda ts, y, x, index: ts[0][index],
    deriv_docs=("zeros shaped like {x} with g added at index",),
    doc="x[index]: slices, integers, integer arrays, boolean masks",
)
primitive(
    "scatter", 1, method=False, elementwise=False, params=("index", "shape"),
    array=scatter_add,
    vjp=lambda g, y, x, index, shape: g[index],
    jvp=lambda ts, y, x, index, shape: scatter(ts[0], index, shape),
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
    vjp=(lambda g, y, a, b, cond: select(cond, g, 0.0 * g),
         lambda g, y, a, b, cond: select(cond, 0.0 * g, g)),
    deriv_docs=("1 where condition holds, else 0", "0 where condition holds, else 1"),
    doc="a where condition holds, else b",
)


def _concatenate(*arrays_and_axis: Any) -> np.ndarray:
    *arrays, axis = arrays_and_axis
    try:
        return np.concatenate(arrays, axis=axis)
    except ValueError as e:
        shapes = ", ".join(str(a.shape) for a in arrays)
        raise ValueError(f"concatenate along axis {axis} of shapes {shapes}: {e}") from None


def _concatenate_slice(g: Any, xs: tuple, i: int, axis: int) -> Any:
    """The part of ``g`` that input ``i`` of ``xs`` occupies along ``axis``."""
    start = sum(x.shape[axis] for x in xs[:i])
    index = [slice(None)] * len(xs[i].shape)
    index[axis] = slice(start, start + xs[i].shape[axis])
    return g[tuple(index)]


primitive(
    "concatenate", VARIADIC, method=False, elementwise=False, params=("axis",),
    array=_concatenate,
    vjp=lambda g, y, xs, i, axis: _concatenate_slice(g, xs, i, axis),
    jvp=lambda ts, y, *xs_and_axis: np.concatenate(ts, axis=xs_and_axis[-1]),
    deriv_docs=("the slice of g where this input sits along the axis",),
    doc="join arrays along an existing axis; each input receives its slice of the gradient",
)
