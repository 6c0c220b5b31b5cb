"""gradbook's automatic-differentiation engine.

``Value`` (a float) and ``Tensor`` (a numpy array) are nodes of one kind of dynamic
computation graph; ``backward()`` applies the chain rule over it in reverse topological order.
Primitive ops are declared once, with their derivative rules, in :mod:`autograd.primitives`
and :mod:`autograd.array_ops`; :class:`Function` lets you add your own.
"""

from .atomic import atomic_write, atomic_write_bytes, atomic_write_text
from .backprop import backward, backward_order, grad, input_grads, topological_order, unbroadcast
from .forward_mode import jvp
from .function import Context, Function
from .grad_mode import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .node import GELU_APPROXIMATIONS, Node, zero_grad
from .numerical import GradcheckError, GradcheckReport, gradcheck, numerical_grad
from .op import OPS, Op, primitive
from .tensor import Tensor, as_tensor, concatenate, stack, where
from .value import Value, maximum, minimum, sum_values

__all__ = [
    "GELU_APPROXIMATIONS", "OPS", "AnomalyError", "Context", "Function", "GradcheckError",
    "GradcheckReport", "Node",
    "Op", "Tensor", "Value", "as_tensor", "atomic_write", "atomic_write_bytes",
    "atomic_write_text", "backward", "backward_order", "concatenate",
    "detect_anomaly", "enable_grad", "grad", "gradcheck", "input_grads", "is_anomaly_enabled",
    "is_grad_enabled", "jvp",
    "maximum", "minimum", "no_grad", "numerical_grad", "primitive", "set_grad_enabled", "stack",
    "sum_values", "topological_order", "unbroadcast", "where", "zero_grad",
]
