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
from .language import check_language, pad, width
from .node import Node
from .tensor import Tensor
from .value import Value

METHODS = ("central", "forward", "backward")


def split_inputs(inputs: Any) -> tuple[list, bool]:
    """The inputs as a list, and whether a single input was given (not in a list)."""
    if isinstance(inputs, (list, tuple)):
        return list(inputs), False
    return [inputs], True


def raw_input(x: Any, i: int) -> Any:
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


def node_for(x: Any, template: Any, requires_grad: bool) -> Node:
    """A fresh leaf for the raw input ``x``: a Tensor (with ``template``'s dtype when it is a
    Tensor) for an array, a Value for a number."""
    if isinstance(x, np.ndarray):
        dtype = template.dtype if isinstance(template, Tensor) else None
        return Tensor(x.copy(), requires_grad=requires_grad, dtype=dtype)
    return Value(x, requires_grad=requires_grad)


def _check_eps(eps: Any) -> float:
    """``eps`` as a float, refused unless it is a finite number > 0."""
    value = _as_number(eps, "eps")
    if not (value > 0 and np.isfinite(value)):
        raise ValueError(f"eps must be a finite number > 0, got {eps!r}")
    return value


def _check_tolerance(tol: Any, name: str) -> float:
    """A tolerance (``atol``, ``rtol``) as a float, refused unless it is a finite number >= 0."""
    value = _as_number(tol, name)
    if not (value >= 0 and np.isfinite(value)):
        raise ValueError(f"{name} must be a finite number >= 0, got {tol!r}")
    return value


def _as_number(x: Any, name: str) -> float:
    if isinstance(x, (bool, np.bool_)):
        raise ValueError(f"{name} must be a number, got {x!r}")
    try:
        return float(x)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {x!r}") from None


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
    eps = _check_eps(eps)
    items, single = split_inputs(inputs)
    raws = [raw_input(x, i) for i, x in enumerate(items)]

    def evaluate(values: list) -> float:
        # always in float64: with float32 inputs a difference quotient would be mostly noise
        with no_grad():
            return _scalar_output(f(*[node_for(v, None, False) for v in values]))

    f0 = evaluate(raws) if method != "central" else None
    out: list[Any] = []  # a float per scalar input, an array per array input
    for i, x in enumerate(raws):
        if isinstance(x, np.ndarray):
            g = np.zeros_like(x)
            for j in np.ndindex(x.shape):
                g[j] = _difference(evaluate, raws, i, j, eps, method, f0)
            out.append(g)
        else:
            out.append(_difference(evaluate, raws, i, None, eps, method, f0))
    return out[0] if single else out


def _difference(evaluate: Callable[[list], float], raws: list, i: int,
                j: tuple[int, ...] | None, eps: float, method: str, f0: float | None
                ) -> float:
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
    assert f0 is not None  # the one-sided differences are taken from f at the point itself
    if method == "forward":
        return (shifted(eps) - f0) / eps
    return (f0 - shifted(-eps)) / eps


#: The words of a gradcheck report, by language.
REPORT_TEXT = {
    "en": {"input": "input", "analytic": "analytic", "numeric": "numeric", "abs err": "abs err",
           "rel err": "rel err", "ok": "ok", "yes": "yes", "NO": "NO",
           "passed": "gradcheck passed", "FAILED": "gradcheck FAILED",
           "no gradient": "f = {value!r} at these inputs: there is no gradient to check"},
    "zh": {"input": "输入", "analytic": "解析梯度", "numeric": "数值梯度", "abs err": "绝对误差",
           "rel err": "相对误差", "ok": "通过", "yes": "是", "NO": "否",
           "passed": "梯度检验通过", "FAILED": "梯度检验失败",
           "no gradient": "f 在这些输入处等于 {value!r}：没有梯度可以检验"},
}


class GradcheckError(AssertionError):
    """The engine's gradient and the numerical one disagree; ``.report`` has the details."""

    def __init__(self, report: GradcheckReport) -> None:
        super().__init__(str(report))
        self.report = report


@dataclass
class GradcheckReport:
    """The comparison of analytic and numerical gradients, one row per input (for an array,
    its worst element: a non-finite one first). Truthy when every element of both gradients
    is finite and ``|analytic − numeric| <= atol + rtol·|numeric|``.

    A row's ``problem`` says in words why it failed when a gradient is not finite (a NaN
    compares false with everything, so no tolerance could flag it); ``value`` is f at the
    inputs."""

    rows: list = field(default_factory=list)
    atol: float = 1e-5
    rtol: float = 1e-3
    ok: bool = True
    value: float = 0.0
    lang: str = "en"

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        t = REPORT_TEXT[check_language(self.lang)]
        # a Chinese character takes two columns: pad by display width, not by characters
        head = (pad(t["input"], 16) + pad(t["analytic"], 14, True) + pad(t["numeric"], 14, True)
                + pad(t["abs err"], 12, True) + pad(t["rel err"], 12, True) + "  " + t["ok"])
        lines = [head, "-" * width(head)]
        for r in self.rows:
            lines.append(
                f"{r['input']:<16}{r['analytic']:>14.6g}{r['numeric']:>14.6g}"
                f"{r['abs_err']:>12.3g}{r['rel_err']:>12.3g}  {t['yes'] if r['ok'] else t['NO']}"
            )
        lines += [r["problem"] for r in self.rows if r.get("problem")]
        if not np.isfinite(self.value):
            lines.append(t["no gradient"].format(value=self.value))
        verdict = t["passed"] if self.ok else t["FAILED"]
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
    lang: str = "en",
) -> GradcheckReport:
    """Compare the engine's gradient of ``f`` at ``inputs`` with central differences.

    Passes when, for every input element, both gradients are finite and
    ``|analytic − numeric| <= atol + rtol·|numeric|``; a NaN or infinite gradient on either
    side is a failure with its own message. ``eps`` must be finite and > 0, ``atol`` and
    ``rtol`` finite and >= 0 (ValueError otherwise). Returns a :class:`GradcheckReport` (a
    per-input table); raises :class:`GradcheckError` with that table when the check fails and
    ``raise_exception`` is true. ``lang="zh"`` writes the table's words in Chinese.
    """
    check_language(lang)
    eps = _check_eps(eps)
    atol = _check_tolerance(atol, "atol")
    rtol = _check_tolerance(rtol, "rtol")
    items, _ = split_inputs(inputs)
    raws = [raw_input(x, i) for i, x in enumerate(items)]
    nodes = [node_for(v, t, True) for v, t in zip(raws, items)]
    out = f(*nodes)
    if not isinstance(out, Node) or not out.requires_grad:
        raise TypeError(
            "gradcheck: f must return a Value or a one-element Tensor computed from its "
            f"inputs; it returned {out!r}"
        )
    value = _scalar_output(out)
    analytic = _grad(out, nodes, allow_unused=True)
    numeric = numerical_grad(f, list(raws), eps=eps, method=method)
    report = GradcheckReport(atol=atol, rtol=rtol, value=value, lang=lang)
    for i, (item, a, n) in enumerate(zip(items, analytic, numeric)):
        name = getattr(item, "label", "") or f"#{i}"
        a = np.zeros_like(n) if a is None else np.asarray(a, dtype=np.float64)
        n = np.asarray(n, dtype=np.float64)
        with np.errstate(all="ignore"):  # inf - inf: the non-finite test below catches it
            err = np.abs(a - n)
            rel = err / np.maximum(np.abs(n), 1e-12)
            margin = err - (atol + rtol * np.abs(n))
        finite = np.isfinite(a) & np.isfinite(n)
        # written as "not within tolerance", not "> tolerance": a NaN error fails too
        bad = ~finite | ~(margin <= 0)
        # the element to show: the first non-finite one, else the furthest outside tolerance
        flat = int(np.argmin(finite)) if not finite.all() else int(np.argmax(margin))
        worst = np.unravel_index(flat, err.shape) if err.ndim else ()
        label = name if not err.ndim else f"{name}[{', '.join(str(int(k)) for k in worst)}]"
        report.rows.append({
            "input": label, "analytic": float(a[worst]), "numeric": float(n[worst]),
            "abs_err": float(err[worst]), "rel_err": float(rel[worst]),
            "ok": not bool(np.any(bad)), "bad_elements": int(np.sum(bad)),
            "problem": _non_finite_problem(name, a, n, int(np.sum(~finite))),
        })
        report.ok &= not bool(np.any(bad))
    if not report.ok and raise_exception:
        raise GradcheckError(report)
    return report


def _non_finite_problem(name: str, a: np.ndarray, n: np.ndarray, count: int) -> str:
    """Why input ``name`` fails because a gradient is NaN or infinite, in words ('' if none
    is), naming the first non-finite element on each side."""
    if not count:
        return ""
    sides = []
    if not np.all(np.isfinite(a)):
        sides.append(f"the engine's gradient is {_first_non_finite(a)}")
    if not np.all(np.isfinite(n)):
        sides.append(
            f"the numerical gradient is {_first_non_finite(n)} (f is not finite, or not "
            "defined, within eps of the point)"
        )
    where = f" in {count} of {a.size} elements" if a.ndim else ""
    return f"{name}: not finite{where}: " + "; ".join(sides)


def _first_non_finite(x: np.ndarray) -> str:
    """The first NaN or infinity of ``x``, with its index for an array ('nan at [1, 2]')."""
    flat = int(np.argmin(np.isfinite(x).reshape(-1)))
    text = repr(float(x.reshape(-1)[flat]))
    if not x.ndim:
        return text
    index = ", ".join(str(int(k)) for k in np.unravel_index(flat, x.shape))
    return f"{text} at [{index}]"
