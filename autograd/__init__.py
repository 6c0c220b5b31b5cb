"""gradbook's automatic-differentiation engine.

``Value`` (a float) and ``Tensor`` (a numpy array) are nodes of one kind of dynamic
computation graph; ``backward()`` applies the chain rule over it in reverse topological order.
Primitive ops are declared once, with their derivative rules, in :mod:`autograd.primitives`
and :mod:`autograd.array_ops`; :class:`Function` lets you add your own.

Reading order, from the bottom up (each module imports only those before it):
``grad_mode``, ``language``, ``numerics``, ``arrays``, ``node`` (storage), ``op`` (the registry),
``generic`` (math on floats, arrays and nodes), ``primitives`` and ``array_ops`` (the ops and
their derivative rules), ``anomaly``, ``function``, ``fastpath`` (the float specialisation),
``backprop`` (the chain rule), ``differentiable``, ``value``, ``tensor``, ``functional``,
``interop``, ``numerical``, ``forward_mode`` and ``derivative_check`` (a derivative worked out by
hand, checked against the engine's). Apart from the engine, ``atomic`` writes files atomically
for nn and viz.
"""

from .arrays import unbroadcast
from .atomic import atomic_write, atomic_write_bytes, atomic_write_text
from .backprop import backward, backward_order, grad, input_grads, topological_order
from .derivative_check import DerivativeReport, check_derivative
from .differentiable import activation
from .forward_mode import jvp
from .function import Context, Function
from .functional import affine, maximum, minimum, sum_values
from .grad_mode import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .interop import array_function as _array_function  # noqa: F401 - numpy's protocols
from .language import LANGUAGES, check_language, default_language
from .node import Node, zero_grad
from .numerical import GradcheckError, GradcheckReport, gradcheck, numerical_grad
from .op import OPS, Op, activation_table, primitive
from .primitives import GELU_APPROXIMATIONS
from .tensor import Tensor, as_tensor, concatenate, stack, where
from .value import Value

__all__ = [
    "AnomalyError", "Context", "DerivativeReport", "Function", "GELU_APPROXIMATIONS",
    "GradcheckError", "GradcheckReport", "LANGUAGES", "Node", "OPS", "Op", "Tensor", "Value",
    "activation", "activation_table", "affine", "as_tensor", "atomic_write", "atomic_write_bytes",
    "atomic_write_text", "backward", "backward_order", "check_derivative", "check_language",
    "concatenate", "default_language", "detect_anomaly", "enable_grad", "grad", "gradcheck",
    "input_grads", "is_anomaly_enabled", "is_grad_enabled", "jvp", "maximum", "minimum", "no_grad",
    "numerical_grad", "primitive", "set_grad_enabled", "stack", "sum_values", "topological_order",
    "unbroadcast", "where", "zero_grad",
]
