"""The checks the exercise notebooks run: each compares a learner's answer with the engine's and
prints one line, ``✓ Task 1.2: ...`` or ``✗ Task 1.2: ...`` saying what is wrong.

A check never raises and never prints the answer itself. It says *which* mistake it sees where
one can be told (a flipped sign, a constant factor, a transposed matrix, a known slip the task
passes in ``mistakes``), the shapes with their names, and for step-by-step tasks the first step
where the learner's numbers part from the engine's. Code the learner has not written yet (a
function that still raises ``NotImplementedError`` or returns ``None``, a value still ``...``)
is reported as "not done yet", and an error inside the learner's code is reported in one line,
so a notebook run top to bottom always reaches the end.

Every check returns ``True`` when the answer is right and ``False`` otherwise, and prints its
verdict; the notebooks call them as the last line of a check cell followed by ``;`` so that
only the printed line shows. ``set_language("zh")`` makes the verdicts Chinese (the Chinese
edition of the exercises calls it); names and messages a notebook passes in are its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Node, check_language

PASS, FAIL = "✓", "✗"
#: Default relative and absolute tolerance between a learner's numbers and the engine's.
RTOL, ATOL = 1e-6, 1e-9

__all__ = [
    "FAIL", "PASS", "NotDone", "check_close", "check_derivative", "check_function",
    "check_steps", "check_that", "set_language",
]

#: The verdicts' words, by language.
TEXT = {
    "en": {
        "task": "Task {task}: ", "stub raises": ("not done yet: {name} still raises "
                                                 "NotImplementedError; replace that line with "
                                                 "your code"),
        "stub value": "not done yet: {name} is {value}; fill in your answer",
        "raised": "{name} raised {error}",
        "not numeric": "{name} must be a number or an array of numbers, got {value}",
        "a number": "a number", "shape": "shape {shape}",
        "transposed?": ": is it transposed?",
        "arranged": ": the right number of entries, arranged differently",
        "wrong shape": "{name} is {yours}, it should be {expected}{hint}",
        "non-finite": "{name} contains {what}",
        "transpose": "{name} is the transpose of the right one",
        "sign": "{name} has the right size but the wrong sign",
        "factor hint": "{name} is {c}× the right value: {hint}",
        "larger": "{c}× too large", "smaller": "{c}× too small",
        "factor": "{name} is off by a constant factor ({size})",
        "reveal": "{name} is {yours}, expected {expected}",
        "too large": "{name} = {yours} is too large", "too small": "{name} = {yours} is too small",
        "entries": "{name} is wrong at {wrong} of {n} entries, the first at index {index}",
        "right": "{name} is right", "expected value": "the expected value",
        "step stub": "not done yet: your {name} after {label} {k} is {value}",
        "step shape": "your {name} after {label} {k} is {yours}, it should be {expected}",
        "step value": "your {name} after {label} {k} is {yours}, expected {expected}",
        "step count": "you gave {n} {label}s of {name}, expected {m}",
        "steps right": "your {name} matches at all {m} {label}s", "step": "step",
        "your derivative": "your derivative",
        "df stub": "not done yet: {name} returns {value}; write its formula",
        "df raises": ("not done yet: {name} still raises NotImplementedError; replace that "
                      "line with your formula"),
        "is": "{name} is {report}", "your op": "your op", "output": "{name}'s output",
        "reference": "the reference",
        "backward stub": ("not done yet: {name}.backward still raises NotImplementedError; "
                          "replace that line with your code"),
        "backward wrong": "{name}'s backward disagrees with numerical differentiation",
        "op right": "{name} computes the right values and passes gradcheck",
        "your answer": "your answer",
    },
    "zh": {
        "task": "任务 {task}：", "stub raises": ("还没完成：{name} 仍然抛出 NotImplementedError；"
                                                "把那一行换成你的代码"),
        "stub value": "还没完成：{name} 还是 {value}；请填入你的答案",
        "raised": "{name} 抛出了 {error}",
        "not numeric": "{name} 应当是一个数或一个数组，得到的是 {value}",
        "a number": "一个数", "shape": "形状 {shape}",
        "transposed?": "：是不是转置了？",
        "arranged": "：元素个数对，但排列不对",
        "wrong shape": "{name} 是{yours}，应当是{expected}{hint}",
        "non-finite": "{name} 含有 {what}",
        "transpose": "{name} 正好是正确结果的转置",
        "sign": "{name} 大小对了，但符号反了",
        "factor hint": "{name} 是正确值的 {c} 倍：{hint}",
        "larger": "大了 {c} 倍", "smaller": "小了 {c} 倍",
        "factor": "{name} 差了一个常数因子（{size}）",
        "reveal": "{name} 是 {yours}，应当是 {expected}",
        "too large": "{name} = {yours} 偏大了", "too small": "{name} = {yours} 偏小了",
        "entries": "{name} 的 {n} 个元素中有 {wrong} 个不对，第一个在下标 {index}",
        "right": "{name} 正确", "expected value": "期望值",
        "step stub": "还没完成：你的 {name} 在第 {k} {label}之后是 {value}",
        "step shape": "你的 {name} 在第 {k} {label}之后是{yours}，应当是{expected}",
        "step value": "你的 {name} 在第 {k} {label}之后是 {yours}，应当是 {expected}",
        "step count": "你给出了 {n} {label}的 {name}，应当是 {m} {label}",
        "steps right": "你的 {name} 在全部 {m} {label}上都一致", "step": "步",
        "your derivative": "你的导数",
        "df stub": "还没完成：{name} 返回的是 {value}；请写出它的公式",
        "df raises": "还没完成：{name} 仍然抛出 NotImplementedError；把那一行换成你的公式",
        "is": "{name}：{report}", "your op": "你的运算", "output": "{name} 的输出",
        "reference": "参考值",
        "backward stub": ("还没完成：{name}.backward 仍然抛出 NotImplementedError；"
                          "把那一行换成你的代码"),
        "backward wrong": "{name} 的 backward 与数值微分的结果不一致",
        "op right": "{name} 的数值正确，并通过了梯度检验",
        "your answer": "你的答案",
    },
}
_language = ["en"]


def set_language(lang: str) -> None:
    """Print the verdicts in ``lang``: ``"en"`` (the default) or ``"zh"``."""
    _language[0] = check_language(lang)


def _t(key: str, **fields: Any) -> str:
    return TEXT[_language[0]][key].format(**fields)


class NotDone(Exception):
    """The learner's code for a task is still the stub."""


def _say(task: str, ok: bool, message: str) -> bool:
    print(f"{PASS if ok else FAIL} {_t('task', task=task)}{message}")
    return ok


def _run(name: str, thunk: Callable[[], Any]) -> Any:
    """Call the learner's code; a stub raises :class:`NotDone`, any other error is re-raised
    as a one-line ``RuntimeError`` that names it."""
    try:
        value = thunk()
    except NotImplementedError:
        raise NotDone(_t("stub raises", name=name)) from None
    except NotDone:
        raise
    except Exception as exc:  # the learner's own bug: say it in one line
        raise RuntimeError(_t("raised", name=name, error=f"{type(exc).__name__}: {exc}")) from None
    if value is None or value is Ellipsis:
        raise NotDone(_t("stub value", name=name, value="..." if value is Ellipsis else "None"))
    return value


def _evaluate(name: str, yours: Any) -> Any:
    return _run(name, yours if callable(yours) and not isinstance(yours, Node) else lambda: yours)


def _as_array(name: str, value: Any) -> np.ndarray:
    if isinstance(value, Node):
        value = value.data
    if isinstance(value, (str, bytes)):
        raise RuntimeError(_t("not numeric", name=name, value=repr(value)))
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise RuntimeError(_t("not numeric", name=name,
                              value=f"{type(value).__name__} {value!r:.60}")) from None
    return array


def _close(a: np.ndarray, b: np.ndarray, rtol: float, atol: float) -> bool:
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=rtol, atol=atol))


def _shape(a: np.ndarray) -> str:
    return _t("a number") if a.ndim == 0 else _t("shape", shape=a.shape)


def _compare(name: str, yours: np.ndarray, expected: np.ndarray, rtol: float, atol: float,
             mistakes: dict[str, Any], factors: dict[float, str], reveal: bool) -> str:
    """'' when right, else what is wrong."""
    if yours.shape != expected.shape:
        if yours.size == expected.size and yours.ndim == expected.ndim == 2 and \
                yours.shape == expected.shape[::-1]:
            hint = _t("transposed?")
        elif yours.size == expected.size:
            hint = _t("arranged")
        else:
            hint = ""
        return _t("wrong shape", name=name, yours=_shape(yours), expected=_shape(expected),
                  hint=hint)
    if not np.all(np.isfinite(yours)):
        return _t("non-finite", name=name, what="nan" if np.isnan(yours).any() else "inf")
    if _close(yours, expected, rtol, atol):
        return ""
    for message, wrong in mistakes.items():
        if _close(yours, _as_array(name, wrong), rtol, atol):
            return message
    if yours.ndim == 2 and yours.shape[0] == yours.shape[1] and \
            _close(yours, expected.T, rtol, atol):
        return _t("transpose", name=name)
    nonzero = np.abs(expected) > 1e-12
    if nonzero.any() and _close(yours, -expected, rtol, atol):
        return _t("sign", name=name)
    ratios = yours[nonzero] / expected[nonzero]
    zeros_agree = _close(yours[~nonzero], expected[~nonzero], rtol, atol)
    # (a ratio of 0 is an answer of zeros: no factor to name)
    if ratios.size and zeros_agree and ratios[0] != 0 and np.allclose(ratios, ratios[0],
                                                                       rtol=rtol):
        c = float(ratios[0])
        for factor, hint in factors.items():
            if math.isclose(c, factor, rel_tol=rtol):
                return _t("factor hint", name=name, c=f"{c:.4g}", hint=hint)
        simple = any(math.isclose(abs(c) ** e, k, rel_tol=rtol) for e in (1, -1)
                     for k in (2, 3, 4, 8, 10))
        # for a single number any ratio would give the answer away; a small whole factor is
        # the usual slip (a missing ½ or 2), and naming it teaches something
        if expected.size > 1 or simple:
            size = (_t("larger", c=f"{c:.4g}") if abs(c) > 1
                    else _t("smaller", c=f"{1 / c:.4g}"))
            return _t("factor", name=name, size=size)
    if reveal:
        return _t("reveal", name=name, yours=_fmt(yours), expected=_fmt(expected))
    if yours.ndim == 0:
        return _t("too large" if yours > expected else "too small", name=name,
                  yours=f"{float(yours):.6g}")
    wrong = ~np.isclose(yours, expected, rtol=rtol, atol=atol)
    first = tuple(int(i) for i in np.argwhere(wrong)[0])
    return _t("entries", name=name, wrong=int(wrong.sum()), n=wrong.size,
              index=first[0] if len(first) == 1 else first)


def _fmt(a: np.ndarray) -> str:
    if a.ndim == 0:
        return f"{float(a):.6g}"
    return np.array2string(a, precision=6, separator=", ", max_line_width=90)


def _verdict(task: str, thunk: Callable[[], str]) -> bool:
    """Run a comparison that returns '' (right) or a message (wrong) and print its verdict."""
    try:
        message = thunk()
    except NotDone as exc:
        return _say(task, False, str(exc))
    except RuntimeError as exc:
        return _say(task, False, str(exc))
    return _say(task, not message.startswith(FAIL), message.removeprefix(FAIL))


def check_close(task: str, name: str, yours: Any, expected: Any, *, rtol: float = RTOL,
                atol: float = ATOL, mistakes: dict[str, Any] | None = None,
                factors: dict[float, str] | None = None, reveal: bool = False) -> bool:
    """Check a number or an array the learner computed against the expected one.

    ``yours`` may be a function of no arguments that returns the answer, so that the learner's
    code runs inside the check. Right when the shapes agree and
    ``|yours − expected| <= atol + rtol·|expected|`` elementwise. Otherwise the message names
    the first of: a shape that differs (and whether it is the transpose); a known wrong answer
    from ``mistakes`` (message → the wrong value); the transpose; the opposite sign; a constant
    factor (with the hint from ``factors``, factor → hint, when it is one of them); and then
    where it is wrong, the values themselves only when ``reveal`` is true (use it for
    intermediate numbers, never for the answer of a task computed by hand)."""
    def compare() -> str:
        mine = _as_array(name, _evaluate(name, yours))
        right = _as_array(_t("expected value"), expected)
        message = _compare(name, mine, right, rtol, atol, mistakes or {}, factors or {}, reveal)
        return FAIL + message if message else _t("right", name=name)
    return _verdict(task, compare)


def check_steps(task: str, name: str, yours: Any, expected: Sequence[Any], *,
                rtol: float = RTOL, atol: float = ATOL, label: str | None = None) -> bool:
    """Check a sequence the learner computed step by step (an optimiser's parameter or state
    after each step) against the engine's, and name the first step where they part:
    "your momentum buffer after step 2 is [...], expected [...]".

    ``yours`` is the list, or a function of no arguments that returns it; ``label`` names a
    step ("step", "epoch")."""
    def compare() -> str:
        unit = label or _t("step")
        mine = list(_evaluate(name, yours))
        for k, (a, b) in enumerate(zip(mine, expected), start=1):
            if a is None or a is Ellipsis:
                raise NotDone(_t("step stub", name=name, label=unit, k=k, value=repr(a)))
            a_arr, b_arr = _as_array(name, a), _as_array(name, b)
            if a_arr.shape != b_arr.shape:
                return FAIL + _t("step shape", name=name, label=unit, k=k,
                                 yours=_shape(a_arr), expected=_shape(b_arr))
            if not _close(a_arr, b_arr, rtol, atol):
                return FAIL + _t("step value", name=name, label=unit, k=k,
                                 yours=_fmt(a_arr), expected=_fmt(b_arr))
        if len(mine) != len(expected):
            return FAIL + _t("step count", n=len(mine), label=unit, name=name, m=len(expected))
        return _t("steps right", name=name, m=len(expected), label=unit)
    return _verdict(task, compare)


def check_derivative(task: str, f: Callable[..., Any], df: Callable[..., Any], *,
                     name: str | None = None, **options: Any) -> bool:
    """Check ``df``, the derivative of ``f`` worked out by hand, with
    :func:`autograd.check_derivative` (random points of ``domain`` and the kinks of ``f``'s op;
    ``options`` are passed on), printing its diagnosis and its worst points when it is wrong."""
    label = name or getattr(df, "__name__", _t("your derivative"))

    def yours(*xs: float) -> Any:
        value = df(*xs)
        if value is None or value is Ellipsis:
            raise NotDone(_t("df stub", name=label, value=repr(value)))
        return value

    def compare() -> str:
        try:
            report = autograd.check_derivative(f, yours, **{"lang": _language[0], **options})
        except NotImplementedError:
            raise NotDone(_t("df raises", name=label)) from None
        except NotDone:
            raise
        except Exception as exc:
            raise RuntimeError(_t("raised", name=label,
                                  error=f"{type(exc).__name__}: {exc}")) from None
        if report:
            return _t("is", name=label, report=report)
        first, _, table = str(report).partition("\n")
        return FAIL + _t("is", name=label, report=first) + "\n" + table
    return _verdict(task, compare)


def check_function(task: str, apply: Callable[..., Any], inputs: Sequence[Any], *,
                   forward: Callable[..., Any] | None = None, name: str | None = None,
                   rtol: float = RTOL, atol: float = ATOL) -> bool:
    """Check a learner's op (a :class:`autograd.Function`'s ``apply``): its output against
    ``forward`` (a reference computed another way, on floats or arrays) and its ``backward``
    with :func:`autograd.gradcheck` at ``inputs`` (floats or arrays) on a weighted sum of the
    outputs (so a ``backward`` that ignores ``grad_output`` is caught), printing gradcheck's
    table when the gradient is wrong."""
    label = name or str(getattr(getattr(apply, "__self__", None), "__name__", _t("your op")))

    def compare() -> str:
        raws = [np.asarray(x, dtype=np.float64) for x in inputs]
        leaves = [autograd.Value(float(x)) if x.ndim == 0 else autograd.Tensor(x) for x in raws]
        out = _run(f"{label}.forward", lambda: apply(*leaves))
        if forward is not None:
            message = _compare(_t("output", name=label), _as_array(label, out),
                               _as_array(_t("reference"), forward(*raws)), rtol, atol, {}, {},
                               False)
            if message:
                return FAIL + message
        try:
            report = autograd.gradcheck(lambda *xs: _reduce(apply(*xs)), list(raws),
                                        raise_exception=False, lang=_language[0])
        except NotImplementedError:
            raise NotDone(_t("backward stub", name=label)) from None
        except Exception as exc:
            raise RuntimeError(_t("raised", name=f"{label}.backward",
                                  error=f"{type(exc).__name__}: {exc}")) from None
        if not report:
            return FAIL + _t("backward wrong", name=label) + f"\n{report}"
        return _t("op right", name=label)
    return _verdict(task, compare)


def _reduce(out: Any) -> Any:
    """gradcheck needs one number: the output's entries weighted by distinct numbers other
    than 1 and summed, so that the gradient arriving at the op is not all ones and a
    ``backward`` that ignores ``grad_output`` fails."""
    if isinstance(out, autograd.Tensor):
        weights = np.linspace(0.5, 1.7, out.data.size).reshape(out.data.shape)
        return (out * weights).sum()
    return out * 1.3


def check_that(task: str, condition: Any, passed: str, failed: str, *,
               name: str | None = None) -> bool:
    """Print ``passed`` when ``condition`` (a bool, or a function of no arguments that returns
    one, run as the learner's code) holds, else ``failed``; ``name`` is what "not done yet"
    calls the learner's answer."""
    def compare() -> str:
        ok = _evaluate(name or _t("your answer"), condition)
        return passed if bool(ok) else FAIL + failed
    return _verdict(task, compare)
