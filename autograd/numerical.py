"""Numerical differentiation and gradient checking.

Finite differences approximate df/dx_i by evaluating f at perturbed inputs:

* forward:  (f(x + h e_i) − f(x)) / h         truncation error O(h)
* backward: (f(x) − f(x − h e_i)) / h         truncation error O(h)
* central:  (f(x + h e_i) − f(x − h e_i)) / 2h  truncation error O(h²)

Each needs one or two evaluations of f *per input element*: O(N) evaluations for N
parameters, so O(N²) work for a network whose forward pass is O(N) — against a single
backward pass for reverse mode. That is why backprop trains networks and finite
differences only check them (:func:`gradcheck`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backprop import grad as _grad
from .grad_mode import no_grad
from .node import Node

METHODS = ("central", "forward", "backward")


def _split(inputs: Any) -> tuple[list, bool]:
    if isinstance(inputs, (list, tuple)):
        return list(inputs), False
    return [inputs], True


def _raw(x: Any, i: int) -> Any:
    """An input as a float or a float64 array."""
    if isinstance(x, Node):
        x = x.data
    numeric = (int, float, np.number, np.ndarray, list)
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numeric):
        raise TypeError(f"input #{i} must be a number, an array, a Value or a Tensor; got {x!r}")
    if isinstance(x, (list, np.ndarray)):
        arr = np.array(x, dtype=np.float64)
        return arr
    return float(x)


def _node_for(x: Any, template: Any, requires_grad: bool) -> Node:
    from .tensor import Tensor
    from .value import Value

    if isinstance(x, np.ndarray):
        dtype = template.dtype if isinstance(template, Tensor) else None
        return Tensor(x.copy(), requires_grad=requires_grad, dtype=dtype)
    return Value(x, requires_grad=requires_grad)


def _scalar_output(out: Any) -> float:
    data = out.data if isinstance(out, Node) else out
    arr = np.asarray(data, dtype=np.float64)
    if arr.size != 1:
        raise ValueError(
            f"the function must return a single number (a Value or a one-element Tensor); "
            f"it returned shape {arr.shape}"
        )
    return float(arr.reshape(()))


def numerical_grad(
    f: Callable[..., Any], inputs: Any, eps: float = 1e-6, method: str = "central"
) -> Any:
    """d f / d input by finite differences, one number per input element.

    ``f`` is called with Values / Tensors made from ``inputs`` (numbers, arrays, Values or
    Tensors), as a learner writes it (``lambda x, y: (x * y).tanh()``), and must return a
    single number. Returns a float per scalar input and an array per array input (a list
    when ``inputs`` is a list). ``f`` is evaluated in float64 whatever the inputs' dtype.
    See the module docstring for the error orders and the cost.
    """
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; use one of {', '.join(METHODS)}")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps}")
    items, single = _split(inputs)
    raws = [_raw(x, i) for i, x in enumerate(items)]

    def evaluate(values: list) -> float:
        # always in float64: with float32 inputs a difference quotient would be mostly noise
        with no_grad():
            return _scalar_output(f(*[_node_for(v, None, False) for v in values]))

    f0 = evaluate(raws) if method != "central" else None
    out = []
    for i, x in enumerate(raws):
        if isinstance(x, np.ndarray):
            g = np.zeros_like(x)
            for j in np.ndindex(x.shape):
                g[j] = _difference(evaluate, raws, i, j, eps, method, f0)
            out.append(g)
        else:
            out.append(_difference(evaluate, raws, i, None, eps, method, f0))
    return out[0] if single else out


def _difference(evaluate, raws, i, j, eps, method, f0) -> float:
    def shifted(delta: float) -> float:
        vals = list(raws)
        if j is None:
            vals[i] = raws[i] + delta
        else:
            arr = raws[i].copy()
            arr[j] += delta
            vals[i] = arr
        return evaluate(vals)

    if method == "central":
        return (shifted(eps) - shifted(-eps)) / (2 * eps)
    if method == "forward":
        return (shifted(eps) - f0) / eps
    return (f0 - shifted(-eps)) / eps


class GradcheckError(AssertionError):
    """The engine's gradient and the numerical one disagree; ``.report`` has the details."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


@dataclass
class GradcheckReport:
    """The comparison of analytic and numerical gradients, one row per input (for an array,
    its worst element). Truthy when every element is within ``atol + rtol·|numeric|``."""

    rows: list = field(default_factory=list)
    atol: float = 1e-5
    rtol: float = 1e-3
    ok: bool = True

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        head = (f"{'input':<16}{'analytic':>14}{'numeric':>14}{'abs err':>12}{'rel err':>12}  ok")
        lines = [head, "-" * len(head)]
        for r in self.rows:
            lines.append(
                f"{r['input']:<16}{r['analytic']:>14.6g}{r['numeric']:>14.6g}"
                f"{r['abs_err']:>12.3g}{r['rel_err']:>12.3g}  {'yes' if r['ok'] else 'NO'}"
            )
        verdict = "gradcheck passed" if self.ok else "gradcheck FAILED"
        lines.append(f"{verdict} (atol={self.atol:g}, rtol={self.rtol:g})")
        return "\n".join(lines)

    _repr_pretty_ = lambda self, p, cycle: p.text(str(self))  # noqa: E731 - IPython display


def gradcheck(
    f: Callable[..., Any],
    inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    method: str = "central",
    raise_exception: bool = True,
) -> GradcheckReport:
    """Compare the engine's gradient of ``f`` at ``inputs`` with central differences.

    Passes when ``|analytic − numeric| <= atol + rtol·|numeric|`` for every input element.
    Returns a :class:`GradcheckReport` (a per-input table); raises :class:`GradcheckError`
    with that table when the check fails and ``raise_exception`` is true.
    """
    items, _ = _split(inputs)
    raws = [_raw(x, i) for i, x in enumerate(items)]
    nodes = [_node_for(v, t, True) for v, t in zip(raws, items)]
    out = f(*nodes)
    if not isinstance(out, Node) or not out.requires_grad:
        raise TypeError(
            "gradcheck: f must return a Value or a one-element Tensor computed from its "
            f"inputs; it returned {out!r}"
        )
    _scalar_output(out)
    analytic = _grad(out, nodes, allow_unused=True)
    numeric = numerical_grad(f, list(raws), eps=eps, method=method)
    report = GradcheckReport(atol=atol, rtol=rtol)
    for i, (item, a, n) in enumerate(zip(items, analytic, numeric)):
        name = getattr(item, "label", "") or f"#{i}"
        a = np.zeros_like(n) if a is None else np.asarray(a, dtype=np.float64)
        n = np.asarray(n, dtype=np.float64)
        err = np.abs(a - n)
        bad = err > atol + rtol * np.abs(n)
        rel = err / np.maximum(np.abs(n), 1e-12)
        margin = err - (atol + rtol * np.abs(n))  # the element furthest outside tolerance
        worst = np.unravel_index(int(np.argmax(margin)), err.shape) if err.ndim else ()
        label = name if not err.ndim else f"{name}[{', '.join(str(int(k)) for k in worst)}]"
        report.rows.append({
            "input": label, "analytic": float(a[worst]), "numeric": float(n[worst]),
            "abs_err": float(err[worst]), "rel_err": float(rel[worst]),
            "ok": not bool(np.any(bad)), "bad_elements": int(np.sum(bad)),
        })
        report.ok &= not bool(np.any(bad))
    if not report.ok and raise_exception:
        raise GradcheckError(report)
    return report


