"""gradbook's automatic-differentiation engine.

``Value`` (a float) and ``Tensor`` (a numpy array) are nodes of one kind of dynamic
computation graph; ``backward()`` applies the chain rule over it in reverse topological order.
"""

from .backprop import backward, grad, topological_order, unbroadcast
from .grad_mode import (
    AnomalyError,
    detect_anomaly,
    enable_grad,
    is_anomaly_enabled,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .node import Node, zero_grad
from .op import OPS, Op, primitive
from .value import Value, maximum, minimum

__all__ = [
    "OPS", "AnomalyError", "Node", "Op", "Value", "backward", "detect_anomaly",
    "enable_grad", "grad", "is_anomaly_enabled", "is_grad_enabled", "maximum", "minimum",
    "no_grad", "primitive", "set_grad_enabled", "topological_order", "unbroadcast",
    "zero_grad",
]
