"""The architecture's dependency rules, read from the source: autograd reaches neither nn nor viz,
viz never reaches nn, none of the three reaches the command-line package gradbook (the top
layer), and nn and viz use only autograd's public API (``autograd.__all__``).

A module "reaches" another not only by an import statement but by every name the source can
follow to it: an attribute chain rooted at an imported name or at an alias of one
(``import autograd as ag; ag.backprop.unbroadcast``, ``import gradbook; gradbook.nn``),
``getattr(module, "name")`` with a constant name, and ``importlib.import_module("nn")`` or
``__import__("nn")``. An import whose name is not a constant cannot be checked, so these
packages may not have one.
"""

from __future__ import annotations

import ast
import functools
import pathlib
from dataclasses import dataclass

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
FIRST_PARTY = ("autograd", "nn", "viz", "gradbook")
# package -> the first-party packages it must never reach
FORBIDDEN = {
    "autograd": {"nn", "viz", "gradbook"},
    "nn": {"gradbook"},
    "viz": {"nn", "gradbook"},
}
# the callables that turn a constant string into a module or an attribute
IMPORT_MODULE = "importlib.import_module"
DUNDER_IMPORT = "builtins.__import__"
GETATTR = "builtins.getattr"


@dataclass(frozen=True)
class Reach:
    """One place a module's source reaches a name of a first-party package."""

    line: int
    name: str | None  # dotted, e.g. "autograd.backprop.unbroadcast"; None: a non-constant import


class _Reaches:
    """The first-party names one module's source reaches (see the module docstring).

    Flow-insensitive: a name bound to a module anywhere in the file (by an import, or by an
    assignment of something that resolves to a module or one of its attributes) is taken to mean
    that module everywhere in the file, which errs towards reporting too much. Other bindings
    (loop variables, ``with ... as``, arguments) and ``exec`` are not followed."""

    def __init__(self, tree: ast.Module, module: str, is_package: bool) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.bound: dict[str, str] = {"__import__": DUNDER_IMPORT, "getattr": GETATTR}
        self.found: set[Reach] = set()
        self._bind_imports(tree)
        self._bind_assignments(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Name | ast.Attribute | ast.Call):
                self._record(node.lineno, self.resolve(node))
            if isinstance(node, ast.Call) and self.resolve(node.func) in (IMPORT_MODULE,
                                                                           DUNDER_IMPORT):
                name = _constant_str(node.args[0]) if node.args else None
                if name is None:
                    self.found.add(Reach(node.lineno, None))

    def _absolute(self, node: ast.ImportFrom) -> str:
        """The absolute module name of ``from <module> import ...``, relative ones resolved."""
        if not node.level:
            return node.module or ""
        parts = self.package.split(".")
        base = parts[: len(parts) - (node.level - 1)]
        return ".".join(base + ([node.module] if node.module else []))

    def _bind_imports(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    self._record(node.lineno, a.name)
                    # `import a.b` binds `a`; `import a.b as m` binds m to a.b
                    self.bound[a.asname or a.name.split(".")[0]] = (
                        a.name if a.asname else a.name.split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                base = self._absolute(node)
                self._record(node.lineno, base)
                for a in node.names:
                    if a.name != "*":
                        name = f"{base}.{a.name}" if base else a.name
                        self._record(node.lineno, name)
                        self.bound[a.asname or a.name] = name

    def _bind_assignments(self, tree: ast.Module) -> None:
        """``m = some.module`` makes m an alias; repeated until no alias is added (``n = m``)."""
        assigns = [n for n in ast.walk(tree) if isinstance(n, ast.Assign | ast.AnnAssign
                                                           | ast.NamedExpr)]
        changed = True
        while changed:
            changed = False
            for node in assigns:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = self.resolve(node.value) if node.value is not None else None
                for t in targets:
                    if value and isinstance(t, ast.Name) and self.bound.get(t.id) != value:
                        self.bound[t.id] = value
                        changed = True

    def resolve(self, node: ast.expr) -> str | None:
        """The dotted name an expression stands for, when the source alone says so."""
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value)
            return f"{base}.{node.attr}" if base else None
        if isinstance(node, ast.Call):
            func = self.resolve(node.func)
            args = [_constant_str(a) for a in node.args]
            if func == IMPORT_MODULE and args and args[0] and not args[0].startswith("."):
                return args[0]
            if func == DUNDER_IMPORT and args and args[0]:
                self._record(node.lineno, args[0])  # imports all of it, returns the top package
                return args[0].split(".")[0]
            if func == GETATTR and len(node.args) >= 2 and args[1]:
                base = self.resolve(node.args[0])
                return f"{base}.{args[1]}" if base else None
        return None

    def _record(self, line: int, name: str | None) -> None:
        if name and name.split(".")[0] in FIRST_PARTY:
            self.found.add(Reach(line, name))


def _constant_str(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def reaches(source: str, module: str, is_package: bool = False) -> list[Reach]:
    """Every first-party name the source of ``module`` reaches, sorted by line."""
    found = _Reaches(ast.parse(source), module, is_package).found
    return sorted(found, key=lambda r: (r.line, r.name or ""))


@functools.cache
def _autograd_public() -> frozenset[str]:
    import autograd  # here, not at the top: the source checks need no import of the engine

    return frozenset(autograd.__all__)


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """The layering rules ``source`` (the text of ``module``) breaks, one message each."""
    package = module.split(".")[0]
    found = reaches(source, module, is_package)
    # one message per chain: autograd.backprop.unbroadcast, not also autograd.backprop
    longer = {(r.line, r.name.rpartition(".")[0]) for r in found if r.name}
    out = []
    for r in found:
        if r.name is None:
            out.append(f"line {r.line}: an import whose name is not a constant")
            continue
        if (r.line, r.name) in longer:
            continue
        parts = r.name.split(".")
        # a forbidden package as the root, or as an attribute of another (gradbook.nn)
        hit = FORBIDDEN[package].intersection(parts)
        if hit:
            out.append(f"line {r.line}: reaches {r.name} ({package} must not reach "
                       f"{', '.join(sorted(hit))})")
        elif package != "autograd" and parts[0] == "autograd" and len(parts) > 1 \
                and parts[1] not in _autograd_public():
            out.append(f"line {r.line}: reaches {r.name} ({parts[1]!r} is not in "
                       "autograd.__all__)")
    return out


def _modules(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        is_package = rel.name == "__init__"
        parts = rel.parts[:-1] if is_package else rel.parts
        yield path, ".".join(parts), is_package


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_each_package_keeps_to_its_layer(package):
    if not (ROOT / package).exists():
        pytest.skip(f"{package} not present")
    found = []
    for path, module, is_package in _modules(package):
        found += [f"{path.relative_to(ROOT)} {v}"
                  for v in violations(path.read_text(), module, is_package)]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_the_source_tree_is_seen(package):
    """The rules are checked on real files: nn and viz do reach autograd's Tensor."""
    if not (ROOT / package).exists():
        pytest.skip(f"{package} not present")
    names = {r.name for path, module, pkg in _modules(package) for r in
             reaches(path.read_text(), module, pkg)}
    assert "autograd.Tensor" in names


# --- the check itself: each way of reaching a forbidden package is caught ---------------------

CAUGHT = [
    ("autograd.x", "import nn\n", "reaches nn "),
    ("autograd.x", "from viz.graph import draw_graph\n", "reaches viz.graph"),
    ("autograd.x", "import importlib\nm = importlib.import_module('nn')\nm.Linear\n",
     "reaches nn "),
    ("autograd.x", "from importlib import import_module as load\nload('viz.dot').x\n",
     "reaches viz.dot"),
    ("autograd.x", "def f():\n    return __import__('nn.layers')\n", "reaches nn.layers"),
    ("autograd.x", "import importlib\nimportlib.import_module(name)\n", "not a constant"),
    ("viz.x", "import gradbook\ngradbook.nn.Linear(2, 3)\n", "reaches gradbook.nn"),
    ("viz.x", "import viz as v\nlayer = v.nn.Linear\n", "reaches viz.nn.Linear"),
    ("viz.x", "import autograd as ag\nmods = ag\nmods.nn\n", "reaches autograd.nn"),
    ("nn.x", "import autograd as ag\n\n\ndef f(x):\n    return ag.backprop.unbroadcast(x)\n",
     "'backprop' is not in autograd.__all__"),
    ("nn.x", "import autograd\nrule = getattr(autograd, 'value')._apply1\n",
     "'value' is not in autograd.__all__"),
    ("nn.x", "import autograd.value\n", "'value' is not in autograd.__all__"),
    ("viz.x", "from autograd.backprop import unbroadcast\n",
     "'backprop' is not in autograd.__all__"),
]


@pytest.mark.parametrize("module, source, message", CAUGHT)
def test_a_violation_is_caught(module, source, message):
    found = violations(source, module)
    assert len(found) >= 1 and any(message in v for v in found), found


@pytest.mark.parametrize("module, source", [
    ("nn.x", "import autograd\nautograd.Tensor([1.0]).sum()\n"),
    ("nn.x", "import autograd as ag\nT = ag.Tensor\nT.zeros\n"),
    ("viz.x", "from autograd import Value, topological_order\n"),
    ("autograd.x", "import numpy as np\nnp.nn\n"),  # a third-party package's attribute
    ("autograd.x", "def f(nn):\n    return nn.layers\n"),  # a parameter, not a package
    ("nn.optim.sgd", "from .. import functional\nfrom . import clip\n"),
])
def test_a_legal_source_passes(module, source):
    assert violations(source, module) == []


def test_relative_imports_are_resolved_from_the_package():
    names = {r.name for r in reaches("from . import clip\nfrom ..layers import Linear\n",
                                     "nn.optim.sgd")}
    assert names == {"nn.optim", "nn.optim.clip", "nn.layers", "nn.layers.Linear"}
    names = {r.name for r in reaches("from . import data\n", "nn", is_package=True)}
    assert names == {"nn", "nn.data"}


# -- inside autograd: a tree a reader can walk from the bottom up --------------------------------


def autograd_imports() -> tuple[dict[str, set[str]], list[str]]:
    """For each module of autograd/, the autograd modules it imports at module level; and the
    imports made inside functions (``module:line``)."""
    graph: dict[str, set[str]] = {}
    inner: list[str] = []
    for path in sorted((ROOT / "autograd").glob("*.py")):
        name = path.stem
        tree = ast.parse(path.read_text(encoding="utf-8"))
        deps = graph.setdefault(name, set())
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                if node.module:
                    deps.add(node.module.split(".")[0])
                else:
                    deps.update(alias.name for alias in node.names)
        for fn in ast.walk(tree):
            if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                inner += [f"{name}:{n.lineno}" for n in ast.walk(fn)
                          if isinstance(n, (ast.Import, ast.ImportFrom))]
    graph.pop("__init__", None)
    return graph, inner


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the import graph (``[a, b, a]``), or None when it is a tree walkable from
    the bottom up (depth-first search, modules in sorted order)."""
    state: dict[str, int] = {}  # 1 while its imports are being explored, 2 when done

    def visit(module: str, path: list[str]) -> list[str] | None:
        if state.get(module) == 1:
            return path[path.index(module):] + [module]
        if state.get(module) == 2:
            return None
        state[module] = 1
        for dep in sorted(graph.get(module, ())):
            cycle = visit(dep, path + [module])
            if cycle:
                return cycle
        state[module] = 2
        return None

    for module in sorted(graph):
        cycle = visit(module, [])
        if cycle:
            return cycle
    return None


def test_autograd_has_no_import_cycle():
    graph, _ = autograd_imports()
    assert find_cycle(graph) is None, f"import cycle: {' -> '.join(find_cycle(graph) or [])}"


def test_autograd_imports_only_at_module_level():
    _, inner = autograd_imports()
    assert inner == [], f"imports inside functions: {inner}"


def test_the_cycle_check_can_fail():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None


def test_the_documented_reading_order_is_bottom_up():
    """autograd's docstring lists its modules in reading order: each imports only earlier ones,
    and every module is listed."""
    import re

    import autograd

    text = autograd.__doc__.split("Reading order", 1)[1].split("Apart from the engine", 1)[0]
    order = re.findall(r"``(\w+)``", text)
    graph, _ = autograd_imports()
    for i, module in enumerate(order):
        earlier = set(order[:i])
        assert graph[module] <= earlier, f"{module} imports {sorted(graph[module] - earlier)}"
    assert set(order) | {"atomic"} == set(graph)
