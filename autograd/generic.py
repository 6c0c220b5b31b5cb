"""Math functions that accept a float, a numpy array or a graph node alike.

Derivative rules call these, so one rule serves the fast path (numbers) and
``create_graph=True`` (nodes, where the call becomes a recorded op). On a node each function
applies the registered op through the node's own class (``type(x).apply``), so this module
needs no node class of its own: it sits below Value and Tensor.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from . import numerics
from .arrays import scatter_add, unbroadcast
from .node import Node
from .op import OPS, TEXT_SCOPE

_NUMPY = (np.ndarray, np.generic)  # arrays and numpy scalars (np.float64): IEEE arithmetic
# What takes the operators' path rather than math's. Typed Any so that a type checker does not
# narrow x to Node: the operators are Value's and Tensor's, which this module cannot import.
_NODE_OR_NUMPY: Any = (Node, *_NUMPY)


def _unary(name: str, on_float: Any, on_array: Any) -> Any:
    def fn(x: Any) -> Any:
        if type(x) is float:  # the backward pass of a Value: the most frequent call
            return on_float(x)
        if isinstance(x, Node):
            return type(x).apply(OPS[name], (x,))
        if isinstance(x, _NUMPY):
            # numpy, not math, for a numpy scalar too: the IEEE retry of a rule passes
            # np.float64s and expects inf/nan where math raises (math.cos(inf))
            return on_array(x)
        return on_float(x)

    fn.__name__ = name
    fn.__doc__ = f"{name}(x) on a float, an array or a node."
    return fn


exp = _unary("exp", math.exp, np.exp)
log = _unary("log", math.log, np.log)
sin = _unary("sin", math.sin, np.sin)
cos = _unary("cos", math.cos, np.cos)
tanh = _unary("tanh", math.tanh, np.tanh)
sigmoid = _unary("sigmoid", numerics.float_sigmoid, numerics.array_sigmoid)
erf = _unary("erf", math.erf, numerics.array_erf)
sign = _unary("sign", numerics.float_sign, np.sign)


def pow(x: Any, e: Any) -> Any:  # noqa: A001 - the name of the operation
    """x ** e: math.pow on floats (never a complex number; it raises where IEEE gives inf or
    nan, and the engine then retries with numpy scalars), ``**`` on arrays, numpy scalars and
    nodes (numpy's IEEE results: 0 ** -1 = inf, (-8) ** (1/3) = nan)."""
    if type(x) is float and type(e) is float:
        return math.pow(x, e)
    if isinstance(x, _NODE_OR_NUMPY) or isinstance(e, _NODE_OR_NUMPY):
        return x**e
    return math.pow(x, e)


def phi(x: Any) -> Any:
    """Standard normal density e^(-x²/2)/sqrt(2 pi) of a float, array or node."""
    if isinstance(x, _NODE_OR_NUMPY):
        return numerics.INV_SQRT_2PI * exp(-0.5 * x * x)
    return numerics.float_phi(x)


def Phi(x: Any) -> Any:  # noqa: N802
    """Standard normal CDF (1 + erf(x/sqrt 2))/2 of a float, array or node."""
    if isinstance(x, _NODE_OR_NUMPY):
        return 0.5 * (1.0 + erf(x * numerics.INV_SQRT_2))
    return numerics.float_Phi(x)


def select(cond: Any, a: Any, b: Any) -> Any:
    """``a`` where ``cond`` holds, else ``b``: a Python conditional for a scalar condition,
    an elementwise (and differentiable, for Tensors) where for an array condition."""
    if isinstance(cond, np.ndarray) and cond.ndim:
        node = a if isinstance(a, Node) else b if isinstance(b, Node) else None
        if node is not None:
            cls = type(node)
            a, b = cls.lift(a, like=node), cls.lift(b, like=node)
            return cls.apply(OPS["where"], (a, b), (cond,))
        return np.where(cond, a, b)
    return a if cond else b


def data_of(x: Any) -> Any:
    """The raw float or array of a node; other values unchanged."""
    return x.data if isinstance(x, Node) else x


def broadcast_to(x: Any, shape: tuple) -> Any:
    """numpy's broadcast_to, recorded for a Tensor."""
    if isinstance(x, Node):
        return type(x).apply(OPS["broadcast_to"], (x,), (tuple(shape),))
    return np.broadcast_to(x, shape)


def sum_to(x: Any, shape: tuple) -> Any:
    """Sum x down to ``shape`` (undo a broadcast), recorded for a Tensor."""
    if isinstance(x, Node):
        return type(x).apply(OPS["sum_to"], (x,), (tuple(shape),))
    return unbroadcast(np.asarray(x), tuple(shape))


def scatter(g: Any, index: Any, shape: tuple) -> Any:
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up)."""
    if isinstance(g, Node):
        return type(g).apply(OPS["scatter"], (g,), (index, tuple(shape)))
    return scatter_add(np.asarray(g), index, tuple(shape))


TEXT_SCOPE.update(
    exp=exp, log=log, sin=sin, cos=cos, tanh=tanh, sigmoid=sigmoid, erf=erf, sign=sign,
    pow=pow, phi=phi, Phi=Phi, select=select, data_of=data_of, broadcast_to=broadcast_to,
    sum_to=sum_to, scatter=scatter,
)
