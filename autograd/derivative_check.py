"""Checking a derivative worked out by hand, and saying which mistake it is.

:func:`check_derivative` compares a learner's formula ``df`` for the derivative of ``f`` with the
engine's exact gradient at random points of a domain (and at the kinks of the op ``f`` applies,
where the derivative is a convention). When they differ it looks for the usual slips, in order:

* the sign is flipped (``df = -f'``);
* a constant factor (``df = c·f'``: "2× too large: did you forget the ½ of the loss?");
* right except at a kink (the convention there: relu'(0) = 0);
* right on part of the domain only (it says where it is wrong);
* a missing chain-rule factor: ``f`` is a composition outer(inner(x)) that the engine recorded,
  and ``df`` equals the derivative of the outer part alone (the product of the local derivatives
  along the chain, without the innermost one).
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .backprop import grad, input_grads
from .language import check_language, pad
from .value import Value

#: Relative and absolute tolerance between the learner's numbers and the engine's.
RTOL, ATOL = 1e-6, 1e-9


@dataclass
class DerivativeReport:
    """What :func:`check_derivative` found: truthy when ``df`` is right at every point.

    ``points`` holds one row per point, ``(inputs, yours, engine)`` (tuples of one number per
    input); ``diagnosis`` says what the mistake looks like, or is empty when none was
    recognised or all is right."""

    ok: bool
    points: list[tuple[tuple[float, ...], tuple[float, ...], tuple[float, ...]]]
    diagnosis: str = ""
    names: tuple[str, ...] = field(default_factory=tuple)
    lang: str = "en"

    def __bool__(self) -> bool:
        return self.ok

    def worst(self, k: int = 5) -> list[tuple[tuple[float, ...], tuple[float, ...],
                                             tuple[float, ...]]]:
        """The ``k`` points where ``df`` is furthest from the engine's derivative."""
        return sorted(self.points, key=lambda r: -_error(r[1], r[2]))[:k]

    def __str__(self) -> str:
        t = TEXT[check_language(self.lang)]
        n = len(self.points)
        if self.ok:
            return t["right"].format(n=n)
        wrong = sum(1 for _, yours, engine in self.points if _error(yours, engine) > 0)
        lines = [t["wrong"].format(wrong=wrong, n=n) + (t["colon"] + self.diagnosis
                                                        if self.diagnosis else "")]
        lines.append(" ".join(pad(t[h], 24, right=True) for h in ("at", "yours", "engine")))
        for inputs, yours, engine in self.worst():
            lines.append(f"{_fmt(inputs):>24} {_fmt(yours):>24} {_fmt(engine):>24}")
        return "\n".join(lines)


def check_derivative(
    f: Callable[..., Any], df: Callable[..., Any], domain: Any = (-3.0, 3.0), n: int = 50,
    seed: int = 0, lang: str = "en",
) -> DerivativeReport:
    """Compare ``df``, a derivative of ``f`` derived by hand, with the engine's gradient.

    ``f`` takes one or more Values (as a learner writes it: ``lambda x: x.tanh() ** 2``) and
    returns a Value; ``df`` takes the same number of floats and returns the derivative (a number
    for one input, a tuple of partial derivatives for several). Both are evaluated at ``n``
    random points drawn uniformly from ``domain`` (one ``(lo, hi)`` for every input, or one per
    input) with ``seed``, plus the kinks of the op ``f`` applies to its input (one input only).

    Returns a :class:`DerivativeReport`: truthy when right within a relative 1e-6 everywhere;
    otherwise its text gives the worst points and, when it can tell, the likely mistake
    (in Chinese with ``lang="zh"``).
    """
    check_language(lang)
    k = _arity(f)
    bounds = _bounds(domain, k)
    if not isinstance(n, int) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    rng = np.random.default_rng(seed)
    points = [tuple(float(rng.uniform(lo, hi)) for lo, hi in bounds) for _ in range(n)]
    kinks = _kinks(f, points[0]) if k == 1 else []
    points += [(kink,) for kink in kinks if bounds[0][0] <= kink <= bounds[0][1]]
    rows = []
    for p in points:
        yours = _as_tuple(df(*p), k, p)
        rows.append((p, yours, _engine(f, p)))
    ok = all(_error(yours, engine) == 0 for _, yours, engine in rows)
    report = DerivativeReport(ok, rows, lang=lang)
    if not ok:
        report.diagnosis = _diagnose(f, rows, kinks, k, TEXT[lang])
    return report


# -- diagnosis ---------------------------------------------------------------------------------

#: The report's words, by language.
TEXT = {
    "en": {
        "right": "right at all {n} points", "wrong": "wrong at {wrong} of {n} points",
        "colon": ": ", "at": "at", "yours": "yours", "engine": "engine",
        "sign": "the sign is flipped: your derivative is minus the right one",
        "large": "{c}× too large", "small": "{c}× too small",
        "half": ": did you forget the ½ of the loss (d/dx ½u² = u·u')?",
        "two": ": a factor 2 is missing (d/dx u² = 2u·u')",
        "factor": "off by a constant factor, {text}",
        "kink": ("right except at the kink x = {at}, where the derivative is a convention: use "
                 "the value the engine takes there (relu'(0) = 0, for one)"),
        "partial": "wrong in the partial derivative(s) with respect to input(s) {inputs}",
        "above": "right for x > {x} only: wrong for x ≤ {x}",
        "below": "right for x < {x} only: wrong for x ≥ {x}",
        "chain": ("a chain-rule factor is missing: your derivative is the outer function's "
                  "alone; multiply by the derivative of the inner function"),
    },
    "zh": {
        "right": "在全部 {n} 个点上都正确", "wrong": "在 {n} 个点中有 {wrong} 个不对",
        "colon": "：", "at": "位置", "yours": "你的结果", "engine": "引擎",
        "sign": "符号反了：你的导数正好是正确导数的相反数",
        "large": "大了 {c} 倍", "small": "小了 {c} 倍",
        "half": "：是不是忘了损失前面的 ½（d/dx ½u² = u·u′）？",
        "two": "：少了一个因子 2（d/dx u² = 2u·u′）",
        "factor": "差了一个常数因子，{text}",
        "kink": ("除了折点 x = {at} 以外都正确；折点处的导数是一种约定：请用引擎在那里取的值"
                 "（例如 relu′(0) = 0）"),
        "partial": "对输入 {inputs} 的偏导数不对",
        "above": "只在 x > {x} 时正确：x ≤ {x} 时不对",
        "below": "只在 x < {x} 时正确：x ≥ {x} 时不对",
        "chain": "链式法则少了一个因子：你的导数只是外层函数的导数，还要乘以内层函数的导数",
    },
}


def _diagnose(f: Callable[..., Any], rows: list, kinks: list[float], k: int,
              t: dict[str, str]) -> str:
    ratios = [y / e for _, yours, engine in rows for y, e in zip(yours, engine)
              if abs(e) > 1e-6 and math.isfinite(y / e)]
    if ratios and all(_close(r, -1.0) for r in ratios):
        return t["sign"]
    if ratios and all(_close(r, ratios[0]) for r in ratios) and not _close(ratios[0], 1.0):
        c = ratios[0]
        text = (t["large"].format(c=f"{c:.4g}") if abs(c) > 1
                else t["small"].format(c=f"{1 / c:.4g}"))
        if _close(c, 2.0):
            text += t["half"]
        elif _close(c, 0.5):
            text += t["two"]
        return t["factor"].format(text=text)
    wrong = [p for p, yours, engine in rows if _error(yours, engine) > 0]
    if kinks and all(any(abs(p[0] - kink) < 1e-12 for kink in kinks) for p in wrong):
        at = ", ".join(f"{p[0]:g}" for p in wrong)
        return t["kink"].format(at=at)
    if k == 1:
        where = _where(rows, t)
        if where:
            return where
        chain = _missing_inner_factor(f, rows, t)
        if chain:
            return chain
    if k > 1:
        bad = sorted({i for _, yours, engine in rows for i, (y, e) in enumerate(zip(yours, engine))
                      if not _close(y, e)})
        return t["partial"].format(inputs=", ".join(f"#{i}" for i in bad))
    return ""


def _where(rows: list, t: dict[str, str]) -> str:
    """For one input: the part of the domain where ``df`` is wrong, if it is right elsewhere."""
    marked = sorted((p[0], _error(yours, engine) > 0) for p, yours, engine in rows)
    wrong = [x for x, bad in marked if bad]
    right = [x for x, bad in marked if not bad]
    if not right or not wrong:
        return ""
    if max(wrong) < min(right):
        return t["above"].format(x=f"{max(wrong):.3g}")
    if min(wrong) > max(right):
        return t["below"].format(x=f"{min(wrong):.3g}")
    return ""


def _missing_inner_factor(f: Callable[..., Any], rows: list, t: dict[str, str]) -> str:
    """``df`` equals the product of the local derivatives along the recorded chain from the
    output down to, but without, the innermost op: the chain rule's last factor is missing."""
    for p, yours, _ in rows:
        outer = _outer_derivative(f, p[0])
        if outer is None or not _close(yours[0], outer):
            return ""
    return t["chain"]


def _outer_derivative(f: Callable[..., Any], x: float) -> float | None:
    """d output / d (the innermost op's output), for a graph that is a single chain from the
    input; None for any other shape."""
    leaf = Value(x)
    node = f(leaf)
    if not isinstance(node, Value):
        return None
    factor = 1.0
    while True:
        live = list(dict.fromkeys(p for p in node.parents if not p.is_constant))  # x*x: one
        if len(live) != 1 or node.is_leaf:
            return None
        (inner,) = live
        if inner is leaf:  # ``node`` is the innermost op: leave its factor out
            return factor
        local = input_grads(node, 1.0)[node.parents.index(inner)]
        factor *= float(local)
        node = inner


# -- helpers -----------------------------------------------------------------------------------


def _engine(f: Callable[..., Any], p: tuple[float, ...]) -> tuple[float, ...]:
    leaves = [Value(x) for x in p]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"f must return a Value computed from its inputs, got {out!r}")
    grads = grad(out, leaves, allow_unused=True)
    return tuple(0.0 if g is None else float(g) for g in grads)


def _kinks(f: Callable[..., Any], p: tuple[float, ...]) -> list[float]:
    """The kinks of the ops ``f`` applies directly to its input (``x.relu()``: 0)."""
    leaf = Value(p[0])
    out = f(leaf)
    if not isinstance(out, Value):
        return []
    stack: list[Any] = [out]
    seen: set[Any] = set()
    kinks: list[float] = []
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if any(parent is leaf for parent in node.parents) and node._op is not None:
            kinks += list(getattr(node._op, "kinks", ()))
        stack.extend(node.parents)
    return sorted(set(kinks))


def _arity(f: Callable[..., Any]) -> int:
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return 1
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                  and p.default is p.empty]
    return max(len(positional), 1)


def _bounds(domain: Any, k: int) -> list[tuple[float, float]]:
    try:
        if len(domain) == 2 and all(isinstance(v, (int, float)) for v in domain):
            pairs = [tuple(domain)] * k
        else:
            pairs = [tuple(d) for d in domain]
        bounds = [(float(lo), float(hi)) for lo, hi in pairs]
    except (TypeError, ValueError):
        raise ValueError(
            f"domain must be (lo, hi) or one (lo, hi) per input, got {domain!r}") from None
    if len(bounds) != k or any(not lo < hi for lo, hi in bounds):
        raise ValueError(f"domain must give lo < hi for each of the {k} input(s), got {domain!r}")
    return bounds


def _as_tuple(value: Any, k: int, p: Sequence[float]) -> tuple[float, ...]:
    values = value if isinstance(value, (tuple, list)) else (value,)
    if len(values) != k:
        raise ValueError(f"df returned {len(values)} number(s) at {_fmt(tuple(p))}; f has "
                         f"{k} input(s), so df must return {k}")
    out = []
    for v in values:
        v = v.data if isinstance(v, Value) else v
        try:
            out.append(float(v))
        except (TypeError, ValueError):
            raise TypeError(f"df must return numbers, got {v!r} at {_fmt(tuple(p))}") from None
    return tuple(out)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=RTOL, abs_tol=ATOL)


def _error(yours: tuple[float, ...], engine: tuple[float, ...]) -> float:
    """0 when every number agrees within the tolerance, else the largest difference."""
    diffs = [abs(y - e) for y, e in zip(yours, engine) if not _close(y, e)]
    return max(diffs, default=0.0) if all(math.isfinite(d) for d in diffs) else math.inf


def _fmt(xs: tuple[float, ...]) -> str:
    return ", ".join(f"{x:.6g}" for x in xs)
