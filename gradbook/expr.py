"""Safe parsing of expressions typed by a user, such as ``"tanh(x*w + b)"``.

The text is parsed with Python's :mod:`ast` and every node is checked against a whitelist:
numbers, variable names, ``+ - * / **``, unary ``-``/``+``, and calls of the engine's functions
by name with positional arguments. Nothing is ever passed to ``eval``: the checked tree is
walked by :func:`evaluate`, which only calls engine operations. Anything else (attribute access,
subscripts, lambdas, comprehensions, strings, keywords, unknown names) is refused with an
:class:`ExpressionError` that points at the offending part.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

from autograd import OPS, Value, maximum, minimum

MAX_LENGTH = 10_000

CONSTANTS = {"pi": math.pi, "e": math.e}


def _method(name: str, *defaults: float) -> Callable[..., Value]:
    def call(x: Value, *params: float) -> Value:
        return getattr(x, name)(*params)

    call.arity = (1, 1 + len(defaults))  # type: ignore[attr-defined]
    return call


FUNCTIONS: dict[str, Callable[..., Any]] = {
    name: _method(name) for name, op in OPS.items()
    if op.method and op.nargs == 1 and not op.params and op.scalar is not None
}
FUNCTIONS.update({
    "abs": _method("__abs__"),
    "silu": _method("silu"),
    "gelu": _method("gelu"),
    "leaky_relu": _method("leaky_relu", 0.01),
    "elu": _method("elu", 1.0),
    "softplus": _method("softplus", 1.0),
    "swish": _method("swish", 1.0),
})
FUNCTIONS["gelu_tanh"] = lambda x: x.gelu("tanh")
FUNCTIONS["gelu_sigmoid"] = lambda x: x.gelu("sigmoid")
FUNCTIONS["clip"] = lambda x, lo, hi: x.clip(_number(lo), _number(hi))
FUNCTIONS["max"] = maximum
FUNCTIONS["min"] = minimum
FUNCTIONS["pow"] = lambda a, b: a**b
ARITY: dict[str, tuple[int, int]] = {
    name: getattr(f, "arity", (1, 1)) for name, f in FUNCTIONS.items()
}
ARITY.update({"clip": (3, 3), "max": (2, 2), "min": (2, 2), "pow": (2, 2)})

_BINOPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}
_DESCRIBE = {
    ast.Attribute: "attribute access", ast.Subscript: "indexing", ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension", ast.GeneratorExp: "a comprehension",
    ast.SetComp: "a comprehension", ast.DictComp: "a comprehension", ast.Compare: "a comparison",
    ast.BoolOp: "and/or", ast.IfExp: "a conditional", ast.List: "a list", ast.Tuple: "a tuple",
    ast.Dict: "a dict", ast.Set: "a set", ast.JoinedStr: "a string", ast.NamedExpr: "an assignment",
    ast.Starred: "a starred argument", ast.Await: "await",
}


class ExpressionError(ValueError):
    """A malformed or forbidden expression; the message points at the offending part."""


def _fail(text: str, node: ast.AST | None, why: str) -> ExpressionError:
    col = getattr(node, "col_offset", None)
    if col is None:
        return ExpressionError(why)
    end = getattr(node, "end_col_offset", None) or col + 1
    part = text[col:end]
    return ExpressionError(f"{why}: '{part}' at column {col + 1} of {text!r}")


def _number(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def parse(text: str, variables: Mapping[str, Any] | None = None) -> ast.Expression:
    """Parse and check ``text``; with ``variables`` given, every name must be one of them
    (or a function / a constant such as ``pi``)."""
    if not isinstance(text, str):
        raise ExpressionError(f"an expression must be text, got {text!r}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long (at most {MAX_LENGTH})"
        )
    if not text.strip():
        raise ExpressionError("the expression is empty")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as e:
        where = f" at column {e.offset}" if e.offset else ""
        raise ExpressionError(f"malformed expression{where}: {e.msg} in {text!r}") from None
    except (RecursionError, MemoryError):
        raise ExpressionError("the expression is nested too deeply") from None
    text = text.strip()
    for node in ast.walk(tree):
        _check(text, node, variables)
    return tree


def _check(text: str, node: ast.AST, variables: Mapping[str, Any] | None) -> None:
    if isinstance(node, (ast.Expression, ast.Load)) or type(node) in _BINOPS:
        return
    if isinstance(node, (ast.USub, ast.UAdd)):
        return
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINOPS:
            raise _fail(text, node, f"operator {type(node.op).__name__} is not allowed")
        return
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.USub, ast.UAdd)):
            raise _fail(text, node, f"operator {type(node.op).__name__} is not allowed")
        return
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise _fail(text, node, f"only numbers are allowed as constants, not {node.value!r}")
        return
    if isinstance(node, ast.Name):
        if node.id in FUNCTIONS or node.id in CONSTANTS:
            return
        if variables is not None and node.id not in variables:
            raise _fail(text, node, f"unknown name {node.id!r} (give it a value: {node.id}=1.0)")
        if node.id.startswith("_"):
            raise _fail(text, node, f"name {node.id!r} is not allowed")
        return
    if isinstance(node, ast.Call):
        if not isinstance(node.func, ast.Name):
            raise _fail(text, node.func, "only the engine's functions can be called, by name")
        name = node.func.id
        if name not in FUNCTIONS:
            known = ", ".join(sorted(FUNCTIONS))
            raise _fail(text, node.func, f"unknown function {name!r} (known: {known})")
        if node.keywords:
            raise _fail(text, node.keywords[0], "keyword arguments are not allowed")
        lo, hi = ARITY[name]
        if not lo <= len(node.args) <= hi:
            want = str(lo) if lo == hi else f"{lo} to {hi}"
            raise _fail(text, node, f"{name} takes {want} argument(s), got {len(node.args)}")
        return
    what = _DESCRIBE.get(type(node), f"syntax {type(node).__name__}")
    raise _fail(text, node, f"{what} is not allowed")


def evaluate(tree: ast.Expression, variables: Mapping[str, Value]) -> Value:
    """Walk a checked tree, building the computation graph from ``variables``."""

    def walk(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id in variables:
                return variables[node.id]
            return CONSTANTS[node.id]
        if isinstance(node, ast.UnaryOp):
            v = walk(node.operand)
            return -v if isinstance(node.op, ast.USub) else v
        if isinstance(node, ast.BinOp):
            a, b = walk(node.left), walk(node.right)
            if not isinstance(a, Value) and not isinstance(b, Value):
                a = Value.constant(a)  # keep constant arithmetic in the engine's semantics
            op = _BINOPS[type(node.op)]
            if op == "+":
                return a + b
            if op == "-":
                return a - b
            if op == "*":
                return a * b
            if op == "/":
                return a / b
            return a**b
        if isinstance(node, ast.Call):
            args = [walk(a) for a in node.args]
            if not isinstance(args[0], Value):
                args[0] = Value.constant(args[0])
            return FUNCTIONS[node.func.id](*args)
        raise ExpressionError(f"cannot evaluate {ast.dump(node)}")  # unreachable after _check

    try:
        out = walk(tree)
    except RecursionError:
        raise ExpressionError("the expression is nested too deeply") from None
    return out if isinstance(out, Value) else Value.constant(out)


def compile_expression(text: str, names: list[str]) -> Callable[..., Value]:
    """A function of Values, in the order of ``names``, computing the expression."""
    tree = parse(text, dict.fromkeys(names))
    return lambda *values: evaluate(tree, dict(zip(names, values)))


def parse_assignments(items: list[str]) -> dict[str, float]:
    """``["x=2", "w=-3"]`` -> ``{"x": 2.0, "w": -3.0}``, with clear errors."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier() or name.startswith("_"):
            raise ExpressionError(f"expected NAME=NUMBER, got {item!r}")
        if name in FUNCTIONS or name in CONSTANTS:
            raise ExpressionError(f"{name!r} is a function or constant name; pick another name")
        try:
            number = float(value)
        except ValueError:
            raise ExpressionError(f"the value of {name} must be a number, got {value!r}") from None
        if name in out:
            raise ExpressionError(f"{name} is given twice")
        out[name] = number
    return out
