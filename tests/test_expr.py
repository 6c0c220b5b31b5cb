"""gradbook.expr: the parser's limits measure nesting, not length; errors point at the part."""

from __future__ import annotations

import warnings

import pytest

from autograd import Value
from gradbook.expr import MAX_LENGTH, MAX_NESTING, ExpressionError, compile_expression


def _value(text: str, **values: float) -> float:
    f = compile_expression(text, list(values))
    return f(*(Value(v) for v in values.values())).data


def test_a_flat_sum_of_thousands_of_terms_is_not_too_deep():
    assert _value("+".join(["x"] * 1000), x=1.0) == 1000.0
    assert _value("+".join(["x"] * 5000), x=0.5) == 2500.0  # 9,999 characters
    assert _value("-" * 9999 + "x", x=2.0) == -2.0  # 9,999 signs: an odd count negates
    assert _value("**".join(["x"] * 3333), x=1.0) == 1.0


def test_nesting_deeper_than_the_limit_is_refused_by_its_depth():
    ok = "(" * MAX_NESTING + "x" + ")" * MAX_NESTING
    assert _value(ok, x=3.0) == 3.0
    deep = "tanh(" * (MAX_NESTING + 1) + "x" + ")" * (MAX_NESTING + 1)
    # the 101st "tanh(" starts at index 500; its "(" is at index 504, column 505
    with pytest.raises(ExpressionError, match=rf"nested too deeply \(more than {MAX_NESTING} "
                                              r"levels.*'\(' at column 505"):
        compile_expression(deep, ["x"])
    with pytest.raises(ExpressionError, match=rf"at most {MAX_LENGTH}"):
        compile_expression("x+" * MAX_LENGTH + "x", ["x"])


def test_1if_is_a_clear_error_without_a_syntax_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ExpressionError, match=r"a number runs into a name.*'1if' at column 1"):
            compile_expression("1if x else 2", ["x"])


@pytest.mark.parametrize("text, message", [
    ("x.__class__", "attribute access is not allowed: '.' at column 2"),
    ("__import__('os')", "unknown function '__import__'"),
    ("(lambda: 1)()", "a lambda is not allowed"),
    ("clip(x, lo=1, hi=2)", "keyword arguments are not allowed: 'lo' at column 9"),
    ("x // 2", "operator // is not allowed"),
    ("tanh + x", "tanh is a function: call it, e.g. tanh(x)"),
    ("tanh(x", "'(' is never closed: '(' at column 5"),
    ("x)", "unmatched ')'"),
    ("1e999 * x", "too large for a float"),
    ("0x10", "decimal numbers only"),
    ("tanh(x,\n1)", "tanh takes 1 argument(s), got 2: 'tanh(x, 1)' at column 1"),
])
def test_refusals_name_the_part_and_its_column(text, message):
    with pytest.raises(ExpressionError) as err:
        compile_expression(text, ["x"])
    assert message in str(err.value) and "\n" not in str(err.value)


def test_engine_refusals_become_expression_errors():
    f = compile_expression("clip(x, 2, 1)", ["x"])
    with pytest.raises(ExpressionError, match="clip needs lo <= hi"):
        f(Value(0.0))


def test_python_precedence():
    # hand-worked: -x**2 = -(x**2); 2**3**2 = 2**9; 2**-1 = 0.5; 8/4/2 = 1
    assert _value("-x**2", x=3.0) == -9.0
    assert _value("2**3**2", x=0.0) == 512.0
    assert _value("2**-1", x=0.0) == 0.5
    assert _value("8/4/2 - 1 - 1", x=0.0) == -1.0


def test_functions_come_from_the_registry_with_arity_from_parameters():
    # hand-worked: logistic is sigmoid, 1/(1 + e^0) = 1/2; silu(2) = 2σ(2) = 2/(1 + e^-2);
    # leaky_relu(-2, 0.5) = -1; elu(-ln 2, 0.5) = 0.5(1/2 - 1) = -1/4; gelu_sigmoid(0) = 0
    assert _value("logistic(x)", x=0.0) == 0.5
    assert _value("silu(x)", x=2.0) == pytest.approx(2 / (1 + 2.718281828459045**-2), rel=1e-15)
    assert _value("leaky_relu(x, 0.5)", x=-2.0) == -1.0
    assert _value("elu(x, 0.5)", x=-0.6931471805599453) == pytest.approx(-0.25, rel=1e-15)
    assert _value("gelu_sigmoid(x)", x=0.0) == 0.0
    assert _value("max(x, 2) + min(x, 2) + abs(-x) + pow(x, 2)", x=3.0) == 17.0
    for text, message in [("leaky_relu(x, 0.1, 1)", "leaky_relu takes 1 to 2 argument(s), got 3"),
                          ("clip(x, 1)", "clip takes 3 argument(s), got 2"),
                          ("silu(x, 1)", "silu takes 1 argument(s), got 2")]:
        with pytest.raises(ExpressionError, match=message.replace("(", r"\(").replace(")", r"\)")):
            compile_expression(text, ["x"])
    with pytest.raises(ExpressionError) as err:
        compile_expression("rleu(x)", ["x"])
    for known in ("relu", "leaky_relu", "gelu_tanh", "logistic", "clip", "exp", "max", "pow"):
        assert known in str(err.value)
