"""Property-based tests (hypothesis) of the expression parser and the `gradbook` command.

* Any text at all: the parser returns a tree or raises ExpressionError, never anything else,
  never a warning; evaluating a tree gives a Value or an ExpressionError.
* Random expression trees, printed with the fewest parentheses Python's precedence allows
  (plus random spaces and redundant parentheses): the parsed value equals the tree's value
  computed directly with the math module, which checks precedence and associativity.
* The command on random text: exit code 0 or 2, at most one line on stderr, no traceback.
"""

from __future__ import annotations

import math
import subprocess
import sys
import warnings

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd import Value
from gradbook.expr import ExpressionError, compile_expression

ALPHABET = "xy0123456789.eE+-*/()**, _[]'\"=<>!%@:;#\\\tλ" + "tanhexpsinlogrelu" + " " * 4


def _try(text: str, names=("x", "y")) -> object:
    """The value of ``text`` at x = 0.7, y = -1.3, or the ExpressionError it raises."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a SyntaxWarning (or any other) fails the test
        try:
            f = compile_expression(text, list(names))
            out = f(Value(0.7, label="x"), Value(-1.3, label="y"))
        except ExpressionError as e:
            assert "\n" not in str(e)
            return e
    assert isinstance(out, Value)
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_any_text_parses_or_raises_expression_error(text):
    _try(text)


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=40))
def test_any_unicode_parses_or_raises_expression_error(text):
    _try(text)


# -- random trees with an independent evaluator -----------------------------------------------

UNARY = {"tanh": math.tanh, "sin": math.sin, "exp": math.exp}
PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "neg": 3, "**": 4, "atom": 5}

leaves = st.one_of(
    st.sampled_from([("var", "x"), ("var", "y")]),
    st.builds(lambda v: ("num", v), st.sampled_from([0.5, 1.0, 2.0, 3.0, 0.25, 10.0, 1e-3])),
)


@st.composite
def chains(draw, children):
    """3 to 5 operands joined by operators of one precedence level (a - b + c, a / b * c,
    a ** b ** c), nested as Python nests them: where associativity shows."""
    group = draw(st.sampled_from([("+", "-"), ("*", "/"), ("**",)]))
    items = draw(st.lists(children, min_size=3, max_size=5))
    if group == ("**",):
        acc = items[-1]
        for item in reversed(items[:-1]):
            acc = ("**", item, acc)
        return acc
    acc = items[0]
    for item in items[1:]:
        acc = (draw(st.sampled_from(group)), acc, item)
    return acc


def _extend(children):
    return st.one_of(
        st.builds(lambda op, a, b: (op, a, b), st.sampled_from(["+", "-", "*", "/", "**"]),
                  children, children),
        chains(children),
        st.builds(lambda a: ("neg", a), children),
        st.builds(lambda f, a: ("call", f, a), st.sampled_from(sorted(UNARY)), children),
    )


trees = st.recursive(leaves, _extend, max_leaves=12)


def value(t) -> float:
    """The tree's value with Python floats and math (the oracle)."""
    kind = t[0]
    if kind == "var":
        return {"x": 0.7, "y": -1.3}[t[1]]
    if kind == "num":
        return t[1]
    if kind == "neg":
        return -value(t[1])
    if kind == "call":
        return UNARY[t[1]](value(t[2]))
    a, b = value(t[1]), value(t[2])
    if kind == "+":
        return a + b
    if kind == "-":
        return a - b
    if kind == "*":
        return a * b
    if kind == "/":
        return a / b
    result = a**b
    if isinstance(result, complex):  # a negative number to a fractional power
        raise ValueError("complex power")
    return result


def prec(t) -> int:
    return PREC["atom"] if t[0] in ("var", "num", "call") else PREC[t[0]]


def text(t, draw) -> str:
    """``t`` printed with the parentheses precedence needs, and some it does not."""
    kind = t[0]
    if kind == "var":
        s = t[1]
    elif kind == "num":
        s = repr(t[1])
    elif kind == "call":
        s = f"{t[1]}({text(t[2], draw)})"
    elif kind == "neg":
        inner = text(t[1], draw)
        s = "-" + (inner if prec(t[1]) >= PREC["neg"] else f"({inner})")
    else:
        p = PREC[kind]
        left, right = text(t[1], draw), text(t[2], draw)
        if kind == "**":  # right-associative; its left operand binds tighter than a sign
            left = left if prec(t[1]) > p else f"({left})"
            right = right if prec(t[2]) >= PREC["neg"] else f"({right})"
        else:  # left-associative: a - (b - c) needs its parentheses
            left = left if prec(t[1]) >= p else f"({left})"
            right = right if prec(t[2]) > p else f"({right})"
        gap = " " if draw(st.booleans()) else ""
        s = f"{left}{gap}{kind}{gap}{right}"
    return f"({s})" if draw(st.integers(0, 9)) == 0 else s


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees, st.data())
def test_printed_trees_evaluate_to_the_trees_value(tree, data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            expected = value(tree)
    except (ValueError, OverflowError, ZeroDivisionError):
        assume(False)  # math raises where the engine gives inf or nan; nothing to compare
    assume(math.isfinite(expected))
    source = text(tree, data.draw)
    got = _try(source)
    assert isinstance(got, Value), (source, got)
    assert got.data == pytest.approx(expected, rel=1e-9, abs=1e-12), source


# -- the command -------------------------------------------------------------------------------


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=ALPHABET, min_size=1, max_size=30).filter(lambda s: s.strip()))
def test_the_command_answers_every_expression_with_0_or_one_line_and_2(tmp_path, expression):
    r = subprocess.run(
        [sys.executable, "-m", "gradbook", "graph", expression, "x=0.5", "y=2",
         "-o", str(tmp_path / "g.svg")],
        capture_output=True, text=True, timeout=120, check=False, cwd=tmp_path)
    assert r.returncode in (0, 2), r.stderr
    assert "Traceback" not in r.stderr and "Warning" not in r.stderr
    if r.returncode == 2:
        lines = r.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("gradbook graph: "), r.stderr
