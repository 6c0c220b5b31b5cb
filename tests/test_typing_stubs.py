"""The registry's methods, declared for type checkers, match what the registry generates.

``Value`` and ``Tensor`` get a method for each op of the registry at import
(``x.relu()``, ``x.leaky_relu(negative_slope=0.01)``, see ``autograd.differentiable``); a type
checker cannot see methods made at run time, so the ``if TYPE_CHECKING:`` block of class
``Differentiable`` declares them. The declarations are read from that block's source (``ast``,
then ``inspect.signature`` of the compiled stubs) and compared with the signatures of the
methods the registry generates: a name, parameter name, kind or default that differs fails,
with the line to add, remove or change.
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import pathlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from autograd.differentiable import method_names, op_method
from autograd.op import OPS, primitive, unregister

ROOT = pathlib.Path(__file__).resolve().parents[1]
SOURCE = ROOT / "autograd" / "differentiable.py"
WHERE = "autograd/differentiable.py"
BLOCK = "the `if TYPE_CHECKING:` block of class Differentiable"
# compiled before each stub, so that its annotations (Self) are kept as text, not looked up
LAZY_ANNOTATIONS = ast.parse("from __future__ import annotations").body


@dataclass(frozen=True)
class Declared:
    """One method declared in the TYPE_CHECKING block."""

    line: int
    text: str
    signature: inspect.Signature


def _class(tree: ast.Module) -> ast.ClassDef:
    return next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Differentiable")


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def declared_methods(source: str) -> dict[str, Declared]:
    """The methods the ``if TYPE_CHECKING:`` block of ``Differentiable`` declares, each with
    the signature its stub has when compiled (annotations left unevaluated)."""
    blocks = [n for n in _class(ast.parse(source)).body
              if isinstance(n, ast.If) and _is_type_checking(n.test)]
    assert len(blocks) == 1, f"{WHERE}: expected one `if TYPE_CHECKING:` block in Differentiable"
    out = {}
    for fn in blocks[0].body:
        if not isinstance(fn, ast.FunctionDef):
            continue
        namespace: dict = {}
        module = ast.Module(body=[*LAZY_ANNOTATIONS, fn], type_ignores=[])
        exec(compile(module, WHERE, "exec"), namespace)  # the library's own stubs, bodies `...`
        text = ast.get_source_segment(source, fn) or fn.name
        out[fn.name] = Declared(fn.lineno, text, inspect.signature(namespace[fn.name]))
    return out


def defined_in_class(source: str) -> set[str]:
    """The methods ``Differentiable`` defines outright (the registry does not replace them)."""
    return {n.name for n in _class(ast.parse(source)).body if isinstance(n, ast.FunctionDef)}


def generated_methods(skip: set[str]) -> dict[str, inspect.Signature]:
    """The signature of every method the registry generates, except the names in ``skip``."""
    return {
        name: inspect.signature(op_method(op, name, fixed))
        for op in OPS.values()
        for name, fixed in method_names(op).items()
        if name not in skip
    }


def _shape(signature: inspect.Signature) -> list[tuple]:
    """What must agree: each parameter's name, kind and default (not its annotation)."""
    return [(p.name, p.kind, p.default) for p in signature.parameters.values()]


def stub_line(name: str, signature: inspect.Signature) -> str:
    """The declaration to write for a generated method (parameters are real numbers:
    ``real_number`` or the op's ``check`` converts them)."""
    params = "".join(
        f", {p.name}: float" + ("" if p.default is p.empty else f" = {p.default!r}")
        for p in list(signature.parameters.values())[1:]
    )
    return f"def {name}(self{params}) -> Self: ..."


def stub_problems(declared: dict[str, Declared],
                  generated: dict[str, inspect.Signature]) -> list[str]:
    """One message per difference, saying which line to add, remove or change."""
    out = []
    for name, signature in generated.items():
        if name not in declared:
            out.append(f"{WHERE}: add to {BLOCK} the line\n    {stub_line(name, signature)}")
        elif _shape(declared[name].signature) != _shape(signature):
            d = declared[name]
            out.append(f"{WHERE} line {d.line}: the registry generates {name}{signature}, not "
                       f"`{d.text}`; write\n    {stub_line(name, signature)}")
    for name, d in declared.items():
        if name not in generated:
            out.append(f"{WHERE} line {d.line}: remove `{d.text}` (the registry generates no "
                       f"method {name!r})")
    return out


def problems_in(source: str) -> list[str]:
    return stub_problems(declared_methods(source), generated_methods(defined_in_class(source)))


def test_the_declared_methods_are_the_generated_ones():
    problems = problems_in(SOURCE.read_text(encoding="utf-8"))
    assert not problems, "\n".join(problems)


def test_the_block_is_read():
    """The check reads real declarations: a method with a parameter, with its default."""
    declared = declared_methods(SOURCE.read_text(encoding="utf-8"))
    (slope,) = list(declared["leaky_relu"].signature.parameters.values())[1:]
    assert (slope.name, slope.default) == ("negative_slope", 0.01)
    assert "relu" in declared and "clip" in declared


# -- the check can fail: each kind of mismatch is caught, with the line to write ---------------


@contextlib.contextmanager
def temporary_op() -> Iterator[None]:
    """An op with a parameter and a preset, registered for the duration of the block."""
    primitive("stub_probe", params=("k",), defaults=(2.0,), presets={"stub_probe_3": {"k": 3.0}},
              scalar="k * x", array=lambda x, k: k * x, vjp="g * k", doc="k x")
    try:
        yield
    finally:
        unregister("stub_probe")


def test_an_op_added_without_its_line_is_caught():
    with temporary_op():
        problems = problems_in(SOURCE.read_text(encoding="utf-8"))
    assert problems == [
        f"{WHERE}: add to {BLOCK} the line\n    def stub_probe(self, k: float = 2.0) -> Self: ...",
        f"{WHERE}: add to {BLOCK} the line\n    def stub_probe_3(self) -> Self: ...",
    ]


def _edited(old: str, new: str) -> tuple[str, int]:
    """The source with ``old`` (one line of the block) replaced, and that line's number."""
    source = SOURCE.read_text(encoding="utf-8")
    assert source.count(old) == 1, old
    return source.replace(old, new), source[: source.index(old)].count("\n") + 1


@pytest.mark.parametrize("old, new, message", [
    ("def leaky_relu(self, negative_slope: float = 0.01) -> Self: ...",
     "def leaky_relu(self, negative_slope: float = 0.02) -> Self: ...",
     "the registry generates leaky_relu(self, negative_slope=0.01), not `def leaky_relu(self, "
     "negative_slope: float = 0.02) -> Self: ...`; write\n"
     "    def leaky_relu(self, negative_slope: float = 0.01) -> Self: ..."),
    ("def clip(self, lo: float, hi: float) -> Self: ...",
     "def clip(self, low: float, hi: float) -> Self: ...",
     "the registry generates clip(self, lo, hi), not `def clip(self, low: float, hi: float) -> "
     "Self: ...`; write\n    def clip(self, lo: float, hi: float) -> Self: ..."),
    ("def step(self) -> Self: ...", "def stepp(self) -> Self: ...",
     "remove `def stepp(self) -> Self: ...` (the registry generates no method 'stepp')"),
])
def test_a_wrong_line_is_caught(old, new, message):
    source, line = _edited(old, new)
    problems = problems_in(source)
    assert f"{WHERE} line {line}: {message}" in problems, problems


def test_a_missing_line_is_caught():
    source, _ = _edited("        def silu(self) -> Self: ...\n", "")
    assert problems_in(source) == [
        f"{WHERE}: add to {BLOCK} the line\n    def silu(self) -> Self: ..."]
