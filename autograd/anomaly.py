"""What ``detect_anomaly()`` checks, and how errors describe a node.

Inside ``detect_anomaly()`` every op's output is checked with :func:`check_forward` and every
gradient a rule produces with :func:`check_backward`: the first NaN or infinity raises
:class:`~autograd.AnomalyError` naming the op, its inputs and their labels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .grad_mode import AnomalyError


def _finite(x: Any) -> bool:
    if isinstance(x, float):
        return x - x == 0.0  # false for inf and nan
    return bool(np.all(np.isfinite(x)))


def describe(node: Any) -> str:
    """A short description of a node for error messages: label, op and value or shape."""
    name = f"{node.label!r} " if getattr(node, "label", "") else ""
    origin = f"from op {node.op!r}" if node.op else "leaf"
    data = node.data
    if isinstance(data, np.ndarray):
        return f"{name}({origin}, shape {data.shape})"
    return f"{name}({origin}, data={data!r})"


def check_forward(y: Any, op: Any, parents: tuple, params: Any) -> None:
    """Raise AnomalyError if an op produced a non-finite value from finite inputs."""
    if _finite(y) or not all(_finite(p.data) for p in parents):
        return
    extra = f" with parameters {params}" if params and op.params else ""
    raise AnomalyError(
        f"detect_anomaly: op {op.name!r}{extra} produced a non-finite value "
        f"({_summary(y)}) from inputs " + ", ".join(describe(p) for p in parents)
    )


def check_backward(g: Any, node: Any, parent_index: int) -> None:
    """Raise AnomalyError if a derivative rule produced NaN or infinity."""
    if _finite(g if not hasattr(g, "data") or isinstance(g, np.ndarray) else g.data):
        return
    parent = node.parents[parent_index]
    raise AnomalyError(
        f"detect_anomaly: the backward rule of op {node.op!r} produced a non-finite gradient "
        f"({_summary(g)}) for its input #{parent_index} {describe(parent)}; the op's output "
        f"is {describe(node)}"
    )


def _summary(x: Any) -> str:
    if hasattr(x, "data") and not isinstance(x, np.ndarray):
        x = x.data
    if isinstance(x, np.ndarray):
        return f"{int(np.sum(~np.isfinite(x)))} of {x.size} elements non-finite"
    return repr(x)
