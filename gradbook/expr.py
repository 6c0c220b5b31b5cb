"""Safe parsing of expressions typed by a user, such as ``"tanh(x*w + b)"``.

A small parser of its own (:class:`_Parser`, Python's precedence and associativity) accepts
only numbers, variable names, ``+ - * / **``, unary ``-``/``+``, and calls of the engine's
functions by name with positional arguments, and builds a tree of :mod:`ast` nodes. Nothing is
ever passed to Python's parser or to ``eval``: the tree is walked by :func:`evaluate`, which
only calls engine operations. Anything else (attribute access, subscripts, lambdas,
comprehensions, strings, keywords, unknown names) is refused with an :class:`ExpressionError`
that points at the offending part. Parsing is bounded: at most :data:`MAX_LENGTH` characters
and :data:`MAX_NESTING` levels of parentheses, with no recursion along a chain of operators, so
a flat sum of thousands of terms parses and evaluates.
"""

from __future__ import annotations

import ast
import functools
import keyword
import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from autograd import OPS, Op, Value, activation, maximum, minimum
from gradbook.messages import say

MAX_LENGTH = 10_000
#: The deepest nesting of parentheses and calls :func:`parse` accepts.
MAX_NESTING = 100

CONSTANTS = {"pi": math.pi, "e": math.e}


#: The expression language's functions besides the registry's: Python's ``abs`` and ``pow``,
#: and ``max``/``min`` of two values (the engine's ``maximum``/``minimum``).
_BUILTINS: dict[str, tuple[Callable[..., Any], tuple[int, int]]] = {
    "abs": (abs, (1, 1)),
    "max": (maximum, (2, 2)),
    "min": (minimum, (2, 2)),
    "pow": (lambda a, b: a**b, (2, 2)),
}


def _call_op(op: Op, name: str, free: tuple[str, ...], x: Value, *params: Any) -> Value:
    """``name(x, *params)`` for a name of ``op``: its method, or the activation by that name;
    a parameter that is an expression of the variables counts with its value (no gradient)."""
    given = dict(zip(free, map(_number, params)))
    if op.method is None:  # an activation reached by name only (gelu_tanh)
        return activation(name, **given)(x)
    fixed = op.names[name]
    return getattr(x, op.method)(*op.bind(**fixed, **given))


def functions() -> dict[str, tuple[Callable[..., Any], tuple[int, int]]]:
    """Every function an expression may call -> (the function of Values, (fewest, most)
    arguments), read from the op registry now, so an op registered later can be called too:
    each name of a one-input op with a method or an activation (``tanh(x)``,
    ``leaky_relu(x, 0.2)``, ``clip(x, -1, 1)``: the input, then the op's parameters, those
    with a default optional), and ``abs``, ``max``, ``min`` and ``pow``."""
    out: dict[str, tuple[Callable[..., Any], tuple[int, int]]] = {}
    for op in OPS.values():
        if op.nargs != 1 or op.scalar is None or not (op.method or op.activation):
            continue
        required = op.params[: len(op.params) - len(op.defaults)]
        for name, fixed in op.names.items():
            free = tuple(p for p in op.params if p not in fixed)
            fewest = 1 + sum(p in required for p in free)
            out[name] = (functools.partial(_call_op, op, name, free), (fewest, 1 + len(free)))
    out.update(_BUILTINS)
    return out


class _View(Mapping[str, Any]):
    """A read-only view of one column of :func:`functions`, computed at each lookup."""

    def __init__(self, column: int) -> None:
        self.column = column

    def __getitem__(self, name: str) -> Any:
        return functions()[name][self.column]

    def __iter__(self) -> Iterator[str]:
        return iter(functions())

    def __len__(self) -> int:
        return len(functions())


#: Function name -> the function of Values (a live view of the op registry).
FUNCTIONS: Mapping[str, Callable[..., Any]] = _View(0)
#: Function name -> (fewest, most) arguments.
ARITY: Mapping[str, tuple[int, int]] = _View(1)

_BINOPS = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div, "**": ast.Pow}
_SYMBOL = {op: sym for sym, op in _BINOPS.items()}


def _forbidden(token: str) -> str:
    """What an error calls the construct the grammar leaves out that starts with ``token``
    (in the current language: built at each call, the language being per invocation)."""
    if token in ("'", '"'):
        return say("a string")
    if token in ("[", "]"):
        return say("indexing or a list")
    if token in ("{", "}"):
        return say("a dict or a set")
    if token in ("=", ":="):
        return say("an assignment")
    if token in ("==", "!=", "<", ">", "<=", ">=", "!"):
        return say("a comparison")
    if token == "^":
        return say("operator ^ (use ** for powers)")
    if token in ("//", "%", "@", "&", "|", "~", "<<", ">>"):
        return say("operator {operator}", operator=token)
    if token == ".":
        return say("attribute access")
    if token == ":":
        return say("a slice or a lambda")
    if token == ";":
        return say("a second statement")
    return say("the character {char!r}", char=token)


#: The keywords an expression may not use (see :func:`_keyword_use`).
_KEYWORDS = frozenset({"if", "else", "lambda", "and", "or", "not", "for", "in", "async",
                       "await", "yield"})


def _keyword_use(word: str) -> str:
    """What an error calls the construct that starts with the keyword ``word``."""
    if word in ("if", "else"):
        return say("a conditional")
    if word == "lambda":
        return say("a lambda")
    if word in ("and", "or", "not"):
        return say("and/or/not")
    if word in ("for", "in", "async"):
        return say("a comprehension")
    if word == "await":
        return say("await")
    if word == "yield":
        return say("yield")
    return say("the keyword {word!r}", word=word)

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[^\W\d]\w*")
_WORD_TAIL = re.compile(r"[\w.]*")
_TWO_CHAR = ("**", "//", "==", "!=", "<=", ">=", ":=", "<<", ">>")


class ExpressionError(ValueError):
    """A malformed or forbidden expression; the message points at the offending part."""


def _snippet(text: str, start: int, end: int) -> str:
    """``text`` quoted, shortened to the surroundings of ``[start, end)`` when long."""
    if len(text) <= 80:
        return repr(text)
    lo, hi = max(start - 30, 0), min(max(min(end, start + 40), start) + 30, len(text))
    return repr(("..." if lo else "") + text[lo:hi] + ("..." if hi < len(text) else ""))


def _fail(text: str, start: int, end: int, why: str) -> ExpressionError:
    part = " ".join(text[start:end].split())  # one line, whatever the text's line breaks
    if len(part) > 40:
        part = part[:37] + "..."
    snippet = _snippet(text, start, end)
    if end > start:
        return ExpressionError(say("{why}: '{part}' at column {column} of {text}", why=why,
                                   part=part, column=start + 1, text=snippet))
    return ExpressionError(say("{why}: the end of {text}", why=why, text=snippet))


def _number(x: Any) -> float:
    return x.data if isinstance(x, Value) else float(x)


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    """``(kind, text, start, end)`` for each token: kind ``num``, ``name``, ``op`` (the
    grammar's operators, parentheses and commas) or ``bad`` (anything else, reported by the
    parser when it gets there, so the first problem in reading order is the one named)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
            continue
        m = _NUMBER.match(text, i) if (c.isdigit() or c == ".") else None
        if m and m.end() > i and not (c == "." and m.end() == i + 1):
            tail = _WORD_TAIL.match(text, m.end()).end()
            if tail > m.end():  # 1if, 2x, 1.2.3, 1_000, 0x1f
                rest = text[m.end()]
                why = (say("a number runs into a name (write 2*x, not 2x)")
                       if rest.isalpha() and m.group() != "0"
                       else say("malformed number (decimal numbers only, such as 3, 0.5 or "
                                "1e-3)"))
                raise _fail(text, i, tail, why)
            out.append(("num", m.group(), i, m.end()))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            out.append(("name", m.group(), i, m.end()))
            i = m.end()
            continue
        op = text[i:i + 2] if text[i:i + 2] in _TWO_CHAR else c
        out.append(("op" if op in _BINOPS or op in "()," else "bad", op, i, i + len(op)))
        i += len(op)
    return out


class _Parser:
    """Recursive descent over the grammar (Python's precedence and associativity)::

        expr   := term (("+" | "-") term)*
        term   := factor (("*" | "/") factor)*
        factor := ("+" | "-")* power
        power  := primary ("**" ("+" | "-")* primary)*     right-associative
        primary:= NUMBER | NAME | NAME "(" expr ("," expr)* ")" | "(" expr ")"

    Chains of operators are built in loops, so a flat sum of thousands of terms is fine;
    only parentheses and calls recurse, at most :data:`MAX_NESTING` deep.
    """

    def __init__(self, text: str, variables: Mapping[str, Any] | None) -> None:
        self.text = text
        self.variables = variables
        self.functions = functions()
        self.toks = _tokens(text)
        self.i = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.toks[self.i][1] if self.i < len(self.toks) and self.toks[self.i][0] == "op" \
            else None

    def fail(self, why: str, tok: tuple | None = None) -> ExpressionError:
        if tok is None:
            tok = self.toks[self.i] if self.i < len(self.toks) else ("end", "", len(self.text),
                                                                      len(self.text))
        return _fail(self.text, tok[2], tok[3], why)

    def node(self, cls: type, start: int, end: int, **fields: Any) -> Any:
        return cls(**fields, lineno=1, col_offset=start, end_lineno=1, end_col_offset=end)

    def binop(self, left: Any, op: str, right: Any) -> ast.BinOp:
        return self.node(ast.BinOp, left.col_offset, right.end_col_offset, left=left,
                         op=_BINOPS[op](), right=right)

    def signed(self, signs: list[tuple], operand: Any) -> Any:
        for tok in reversed(signs):
            op = ast.USub() if tok[1] == "-" else ast.UAdd()
            operand = self.node(ast.UnaryOp, tok[2], operand.end_col_offset, op=op,
                                operand=operand)
        return operand

    def signs(self) -> list[tuple]:
        out = []
        while self.peek() in ("+", "-"):
            out.append(self.toks[self.i])
            self.i += 1
        return out

    def expr(self) -> Any:
        node = self.term()
        while self.peek() in ("+", "-"):
            op = self.toks[self.i][1]
            self.i += 1
            node = self.binop(node, op, self.term())
        return node

    def term(self) -> Any:
        node = self.factor()
        while self.peek() in ("*", "/"):
            op = self.toks[self.i][1]
            self.i += 1
            node = self.binop(node, op, self.factor())
        return node

    def factor(self) -> Any:
        signs = self.signs()
        return self.signed(signs, self.power())

    def power(self) -> Any:
        first = self.primary()
        rest = []
        while self.peek() == "**":
            self.i += 1
            signs = self.signs()
            rest.append((signs, self.primary()))
        if not rest:
            return first
        signs, acc = rest[-1]
        acc = self.signed(signs, acc)
        for signs, operand in reversed(rest[:-1]):
            acc = self.signed(signs, self.binop(operand, "**", acc))
        return self.binop(first, "**", acc)

    def enter(self, tok: tuple) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.fail(say(
                "the expression is nested too deeply (more than {most} levels of parentheses "
                "and calls)", most=MAX_NESTING), tok)

    def close(self, opening: tuple) -> int:
        tok = self.toks[self.i] if self.i < len(self.toks) else None
        if tok is None:
            raise self.fail(say("'{bracket}' is never closed", bracket=opening[1]), opening)
        if tok[1] != ")":
            raise self.fail(self.unexpected(tok, say("')' or an operator")))
        self.i += 1
        self.depth -= 1
        return tok[3]

    def unexpected(self, tok: tuple, wanted: str) -> str:
        if tok[0] == "bad":
            return say("{what} is not allowed", what=_forbidden(tok[1]))
        if tok[0] == "name" and tok[1] in _KEYWORDS:
            return say("{what} is not allowed", what=_keyword_use(tok[1]))
        if tok[1] == ",":
            return say("a tuple is not allowed")
        if tok[1] == "(":
            return say("only the engine's functions can be called, by name")
        return say("expected {wanted}, found '{found}'", wanted=wanted, found=tok[1])

    def primary(self) -> Any:
        if self.i >= len(self.toks):
            raise self.fail(say("the expression ends too early: expected a number, a name or "
                                "'('"))
        tok = self.toks[self.i]
        kind, value, start, end = tok
        self.i += 1
        if kind == "num":
            number = float(value)
            if not math.isfinite(number):
                raise self.fail(say("the number is too large for a float (at most about "
                                    "1.8e308)"), tok)
            return self.node(ast.Constant, start, end, value=number)
        if kind == "name":
            if keyword.iskeyword(value) or value in _KEYWORDS:
                raise self.fail(say("{what} is not allowed", what=_keyword_use(value)), tok)
            if self.peek() == "(":
                return self.call(tok)
            return self.name(tok)
        if value == "(":
            self.enter(tok)
            if self.peek() == ")":
                raise self.fail(say("empty parentheses are not allowed"), tok)
            inner = self.expr()
            self.close(tok)
            return inner
        self.i -= 1
        raise self.fail(self.unexpected(tok, say("a number, a name or '('")), tok)

    def name(self, tok: tuple) -> ast.Name:
        value = tok[1]
        if value in self.functions:
            raise self.fail(say("{name} is a function: call it, e.g. {name}(x)", name=value),
                            tok)
        if value.startswith("_"):
            raise self.fail(say("name {name!r} is not allowed", name=value), tok)
        if value not in CONSTANTS and self.variables is not None and value not in self.variables:
            raise self.fail(say("unknown name {name!r} (give it a value: {name}=1.0)",
                                name=value), tok)
        return self.node(ast.Name, tok[2], tok[3], id=value, ctx=ast.Load())

    def call(self, tok: tuple) -> ast.Call:
        name = tok[1]
        if name not in self.functions:
            known = ", ".join(sorted(self.functions))
            raise self.fail(say("unknown function {name!r} (known: {known})", name=name,
                                known=known), tok)
        opening = self.toks[self.i]
        self.i += 1
        self.enter(opening)
        args = []
        if self.peek() != ")":
            while True:
                if (self.i + 1 < len(self.toks) and self.toks[self.i][0] == "name"
                        and self.toks[self.i + 1][1] in ("=", ":=")):
                    raise self.fail(say("keyword arguments are not allowed"),
                                    self.toks[self.i])
                args.append(self.expr())
                if self.peek() != ",":
                    break
                self.i += 1
        end = self.close(opening)
        lo, hi = self.functions[name][1]
        if not lo <= len(args) <= hi:
            want = str(lo) if lo == hi else say("{fewest} to {most}", fewest=lo, most=hi)
            raise _fail(self.text, tok[2], end,
                        say("{name} takes {want} argument(s), got {count}", name=name,
                            want=want, count=len(args)))
        func = self.node(ast.Name, tok[2], tok[3], id=name, ctx=ast.Load())
        return self.node(ast.Call, tok[2], end, func=func, args=args, keywords=[])

    def parse(self) -> ast.Expression:
        if not self.toks:
            raise ExpressionError(say("the expression is empty"))
        body = self.expr()
        if self.i < len(self.toks):
            tok = self.toks[self.i]
            if tok[1] == ")":
                raise self.fail(say("unmatched ')'"), tok)
            raise self.fail(self.unexpected(tok, say("an operator (+ - * / **)")), tok)
        return ast.Expression(body=body)


def parse(text: str, variables: Mapping[str, Any] | None = None) -> ast.Expression:
    """Parse ``text`` into a checked tree; with ``variables`` given, every name must be one
    of them (or a function / a constant such as ``pi``).

    The grammar is that of :class:`_Parser` (Python's precedence: ``-x**2`` is
    ``-(x**2)``, ``2**3**2`` is ``2**9``). Anything else is refused with an
    :class:`ExpressionError` naming the part and its column. The text is at most
    :data:`MAX_LENGTH` characters, nested at most :data:`MAX_NESTING` parentheses deep;
    nothing is ever passed to Python's parser or to ``eval``.
    """
    if not isinstance(text, str):
        raise ExpressionError(say("an expression must be text, got {value!r}", value=text))
    if len(text) > MAX_LENGTH:
        raise ExpressionError(say("the expression is {length} characters long (at most {most})",
                                  length=len(text), most=MAX_LENGTH))
    return _Parser(text, variables).parse()


def _children(node: Any) -> list:
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.Call):
        return list(node.args)
    return []


def _apply(node: Any, args: list, variables: Mapping[str, Value],
           funcs: Mapping[str, tuple[Callable[..., Any], tuple[int, int]]]) -> Any:
    """One node of the tree, its children's values given (``funcs``: :func:`functions`)."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return variables[node.id] if node.id in variables else CONSTANTS[node.id]
    if isinstance(node, ast.UnaryOp):
        return -args[0] if isinstance(node.op, ast.USub) else args[0]
    if isinstance(node, ast.BinOp):
        a, b = args
        if not isinstance(a, Value) and not isinstance(b, Value):
            a = Value.constant(a)  # keep constant arithmetic in the engine's semantics
        op = _SYMBOL[type(node.op)]
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
        if not isinstance(args[0], Value):
            args[0] = Value.constant(args[0])
        if node.func.id not in funcs:  # an op unregistered since the text was parsed
            raise ExpressionError(say("unknown function {name!r}", name=node.func.id))
        return funcs[node.func.id][0](*args)
    raise ExpressionError(say("cannot evaluate {kind}", kind=type(node).__name__))  # never made


def evaluate(tree: ast.Expression, variables: Mapping[str, Value]) -> Value:
    """Walk a tree made by :func:`parse` (children first, with an explicit stack, so a chain of
    thousands of operators needs no deep recursion), building the computation graph from
    ``variables``. An operation the engine refuses (``clip(x, 2, 1)``, ``softplus(x, 0)``)
    raises :class:`ExpressionError` with the engine's message."""
    root = tree.body if isinstance(tree, ast.Expression) else tree
    done: dict[int, Any] = {}
    funcs = functions()
    stack: list[tuple[Any, bool]] = [(root, False)]
    try:
        while stack:
            node, ready = stack.pop()
            kids = _children(node)
            if kids and not ready:
                stack.append((node, True))
                stack.extend((k, False) for k in reversed(kids))
                continue
            done[id(node)] = _apply(node, [done.pop(id(k)) for k in kids], variables, funcs)
    except ExpressionError:
        raise
    except (ValueError, ArithmeticError, TypeError) as exc:
        raise ExpressionError(say("cannot evaluate the expression: {error}", error=exc)) from None
    out = done[id(root)]
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
        if not sep or not _NAME.fullmatch(name) or name.startswith("_"):
            raise ExpressionError(say("expected NAME=NUMBER, got {item!r}", item=item))
        if keyword.iskeyword(name):
            raise ExpressionError(say("{name!r} is a Python keyword; pick another name",
                                      name=name))
        if name in functions() or name in CONSTANTS:
            raise ExpressionError(say("{name!r} is a function or constant name; pick another "
                                      "name", name=name))
        try:
            number = float(value)
        except ValueError:
            raise ExpressionError(say("the value of {name} must be a number, got {value!r}",
                                      name=name, value=value)) from None
        if math.isinf(number) and "inf" not in value.lower():
            raise ExpressionError(say("the value of {name}, {value}, is too large for a float "
                                      "(at most about 1.8e308; write inf for infinity)",
                                      name=name, value=value.strip()[:40]))
        if name in out:
            raise ExpressionError(say("{name} is given twice", name=name))
        out[name] = number
    return out
