"""numpy functions and ufuncs applied to a Tensor (numpy's NEP 13 and NEP 18 protocols).

``np.sum(t)``, ``np.reshape(t, (2, 3))``, ``np.exp(t)``, ``array + t``: numpy hands the call to
the Tensor (``Tensor.__array_function__`` / ``Tensor.__array_ufunc__``, which this module
gives the class at the end: everything here is written with Tensor's own functions, so
tensor.py cannot import it), which runs the matching Tensor op, so the result is a Tensor in
the graph and the gradient flows back. Functions whose result carries no gradient
(comparisons, ``np.argmax``, ``np.allclose``, ``np.shape``) run on the data. Any other numpy
function or argument raises a TypeError naming it and what to write instead: computed on the
numbers, its result would be an array cut off from the graph, and the gradient would be lost
without a word.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from .functional import maximum, minimum
from .node import Node
from .tensor import Tensor, as_tensor, concatenate, stack, where

_DEFAULT_HINT = (
    "use the Tensor's operators and methods (t.sum(), t.reshape(...), t.exp(), ...), or call "
    "numpy on t.data for a result without gradient"
)


def _raw(x: Any) -> Any:
    """``x`` with every Tensor (also inside lists and tuples) replaced by its data."""
    if isinstance(x, Node):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_raw(v) for v in x)
    return x


def _order_c(order: str, name: str) -> None:
    if order != "C":
        raise TypeError(f"numpy.{name} of a Tensor supports only order='C', got order={order!r}")


def _reduction(method: str) -> Callable[..., Any]:
    def run(a: Any, axis: Any = None, keepdims: Any = False) -> Tensor:
        return getattr(as_tensor(a), method)(axis=axis, keepdims=bool(keepdims))

    return run


def _var(a: Any, axis: Any = None, ddof: int = 0, keepdims: Any = False) -> Tensor:
    return as_tensor(a).var(axis=axis, keepdims=bool(keepdims), ddof=ddof)


def _reshape(a: Any, shape: Any = None, order: str = "C", newshape: Any = None) -> Tensor:
    _order_c(order, "reshape")  # newshape: numpy 1's name of the argument
    return as_tensor(a).reshape(newshape if shape is None else shape)


def _ravel(a: Any, order: str = "C") -> Tensor:
    _order_c(order, "ravel")
    return as_tensor(a).reshape(-1)


def _squeeze(a: Any, axis: Any = None) -> Tensor:
    t = as_tensor(a)
    return t.reshape(np.squeeze(t.data, axis=axis).shape)  # numpy checks the axes


def _expand_dims(a: Any, axis: Any) -> Tensor:
    t = as_tensor(a)
    return t.reshape(np.expand_dims(t.data, axis).shape)


def _bound(x: Any, name: str, default: float) -> float:
    if x is None:
        return default
    if isinstance(x, Node) or np.ndim(x) != 0:
        raise TypeError(
            f"numpy.clip of a Tensor takes numbers as bounds, got {name}={x!r}; for array "
            "bounds use autograd.maximum(t, lo) and autograd.minimum(t, hi)"
        )
    return float(x)


def _clip(a: Any, a_min: Any = None, a_max: Any = None, min: Any = None,  # noqa: A002
          max: Any = None) -> Tensor:  # noqa: A002 - numpy's keyword names
    lo = _bound(min if a_min is None else a_min, "a_min", -math.inf)
    hi = _bound(max if a_max is None else a_max, "a_max", math.inf)
    return as_tensor(a).clip(lo, hi)


def _where(condition: Any, x: Any = None, y: Any = None) -> Any:
    if x is None and y is None:  # where(condition): indices, no gradient
        return np.where(_raw(condition))
    return where(condition, x, y)


def _dot(a: Any, b: Any) -> Tensor:
    ta, tb = as_tensor(a), as_tensor(b)
    if ta.ndim == 0 or tb.ndim == 0:
        return ta * tb
    if ta.ndim > 2 or tb.ndim > 2:
        raise TypeError(
            "numpy.dot of Tensors with more than 2 dimensions sums over other axes than "
            "matmul does and is not supported; use a @ b (numpy's matmul rule)"
        )
    return ta @ tb


# numpy function -> (the parameters it may receive, the Tensor implementation)
_FUNCTIONS: dict[Any, tuple[tuple[str, ...], Callable[..., Any]]] = {
    np.sum: (("a", "axis", "keepdims"), _reduction("sum")),
    np.mean: (("a", "axis", "keepdims"), _reduction("mean")),
    np.max: (("a", "axis", "keepdims"), _reduction("max")),
    np.amax: (("a", "axis", "keepdims"), _reduction("max")),
    np.min: (("a", "axis", "keepdims"), _reduction("min")),
    np.amin: (("a", "axis", "keepdims"), _reduction("min")),
    np.var: (("a", "axis", "ddof", "keepdims"), _var),
    np.reshape: (("a", "shape", "order", "newshape"), _reshape),
    np.ravel: (("a", "order"), _ravel),
    np.squeeze: (("a", "axis"), _squeeze),
    np.expand_dims: (("a", "axis"), _expand_dims),
    np.transpose: (("a", "axes"), lambda a, axes=None: as_tensor(a).transpose(axes)),
    np.swapaxes: (("a", "axis1", "axis2"), lambda a, axis1, axis2: as_tensor(a).swapaxes(
        axis1, axis2)),
    np.broadcast_to: (("array", "shape"), lambda array, shape: as_tensor(array).broadcast_to(
        shape)),
    np.clip: (("a", "a_min", "a_max", "min", "max"), _clip),
    np.where: (("condition", "x", "y"), _where),
    np.concatenate: (("arrays", "axis"), lambda arrays, axis=0: concatenate(arrays, axis)),
    np.stack: (("arrays", "axis"), lambda arrays, axis=0: stack(arrays, axis)),
    np.dot: (("a", "b"), _dot),
}

# functions whose result carries no gradient (shapes, indices, truth values): on the data
_DATA_ONLY = {
    np.shape, np.ndim, np.size, np.argmax, np.argmin, np.argsort, np.allclose, np.isclose,
    np.array_equal, np.count_nonzero, np.nonzero, np.any, np.all,
}

_FUNCTION_HINTS = {
    np.std: "use t.var() ** 0.5",
    np.average: "use t.mean(), or (t * w).sum() / w.sum() for weights w",
    np.linalg.norm: "use (t * t).sum() ** 0.5",
    np.matmul: "use a @ b",
}


def array_function(func: Any, types: tuple, args: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_function__``: run numpy's ``func`` as Tensor ops (see the module
    docstring); NotImplemented when another array type takes part."""
    if not all(issubclass(t, (Tensor, np.ndarray)) for t in types):
        return NotImplemented
    if func in _DATA_ONLY:
        return func(*_raw(args), **_raw(kwargs))
    name = _name(func)
    if func not in _FUNCTIONS:
        hint = _FUNCTION_HINTS.get(func, _DEFAULT_HINT)
        raise TypeError(
            f"{name} does not take a Tensor (on its data it would return an array without the "
            f"gradient): {hint}"
        )
    supported, impl = _FUNCTIONS[func]
    try:
        given = inspect.signature(func).bind(*args, **kwargs).arguments
    except TypeError as e:
        raise TypeError(f"{name}: {e}") from None
    extra = [k for k in given if k not in supported and k != "kwargs"] + list(
        given.get("kwargs", {})
    )
    if extra:
        raise TypeError(
            f"{name} of a Tensor does not support the argument(s) {', '.join(extra)}; "
            f"it takes {', '.join(supported)}"
        )
    return impl(**given)


_UNARY = {
    np.negative: "__neg__", np.absolute: "__abs__", np.positive: "__pos__", np.exp: "exp",
    np.log: "log", np.sqrt: "sqrt", np.sin: "sin", np.cos: "cos", np.tanh: "tanh",
    np.sign: "sign",
}
_BINARY = {
    np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"), np.divide: ("__truediv__", "__rtruediv__"),
    np.power: ("__pow__", "__rpow__"), np.matmul: ("__matmul__", "__rmatmul__"),
}
# comparisons and predicates: boolean arrays, as Tensor's own comparison operators return
_UFUNC_DATA_ONLY = {
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.isfinite, np.isnan, np.isinf, np.signbit,
}
_UFUNC_HINTS = {
    np.square: "write t * t", np.log1p: "write (1 + t).log()", np.expm1: "write t.exp() - 1",
    np.reciprocal: "write 1 / t", np.float_power: "write t ** p",
}
_REDUCE_HINTS = {np.add: "use t.sum(axis)", np.maximum: "use t.max(axis)",
                 np.minimum: "use t.min(axis)"}


def array_ufunc(ufunc: Any, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``Tensor.__array_ufunc__``: run a numpy ufunc as the Tensor op of the same name (see
    the module docstring)."""
    name = f"numpy.{ufunc.__name__}"
    if method != "__call__":
        hint = _REDUCE_HINTS.get(ufunc, _DEFAULT_HINT) if method == "reduce" else _DEFAULT_HINT
        raise TypeError(f"{name}.{method} does not take a Tensor: {hint}")
    if kwargs:
        if "out" in kwargs:
            raise TypeError(
                f"{name}(..., out=...) cannot store a Tensor's result in an array (it would "
                "lose the gradient): write x = x + t, not the in-place x += t"
            )
        raise TypeError(f"{name} of a Tensor does not support {', '.join(kwargs)}=")
    if ufunc in _UFUNC_DATA_ONLY:
        return ufunc(*_raw(inputs))
    if ufunc in _UNARY:
        return getattr(inputs[0], _UNARY[ufunc])()
    if ufunc in _BINARY:
        forward, reflected = _BINARY[ufunc]
        a, b = inputs
        return getattr(a, forward)(b) if isinstance(a, Tensor) else getattr(b, reflected)(a)
    if ufunc is np.maximum:
        return maximum(*inputs)
    if ufunc is np.minimum:
        return minimum(*inputs)
    hint = _UFUNC_HINTS.get(ufunc, _DEFAULT_HINT)
    raise TypeError(
        f"{name} does not take a Tensor (on its data it would return an array without the "
        f"gradient): {hint}"
    )


def _name(func: Any) -> str:
    module = getattr(func, "__module__", "numpy") or "numpy"
    return f"{module}.{func.__name__}"


def _tensor_array_function(self: Tensor, func: Any, types: tuple, args: tuple,
                           kwargs: dict) -> Any:
    """``np.sum(t)``, ``np.reshape(t, s)``, ...: the Tensor op, or a TypeError naming the
    function when none exists (never an array cut off from the graph)."""
    return array_function(func, types, args, kwargs)


def _tensor_array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any,
                        **kwargs: Any) -> Any:
    """``np.exp(t)``, ``array + t``, ``array < t``: the Tensor op (a comparison gives a
    boolean array), or a TypeError naming the ufunc when none exists."""
    return array_ufunc(ufunc, method, inputs, kwargs)


Tensor.__array_function__ = _tensor_array_function  # type: ignore[attr-defined]
Tensor.__array_ufunc__ = _tensor_array_ufunc  # type: ignore[attr-defined]
