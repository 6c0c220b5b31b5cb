"""The architecture's dependency rules: nn and viz use only autograd's public API, and
autograd imports neither."""

from __future__ import annotations

import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


def _imports(package: str):
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                yield path, node.module, [a.name for a in node.names], node.level
            elif isinstance(node, ast.Import):
                for a in node.names:
                    yield path, a.name, [], 0


def test_autograd_imports_neither_nn_nor_viz():
    for path, module, _, level in _imports("autograd"):
        if level == 0:
            assert module.split(".")[0] not in ("nn", "viz"), f"{path} imports {module}"


@pytest.mark.parametrize("package", ["nn", "viz"])
def test_nn_and_viz_use_only_the_public_autograd_api(package):
    if not (ROOT / package).exists():
        pytest.skip(f"{package} not present")
    import autograd

    public = set(autograd.__all__)
    for path, module, names, level in _imports(package):
        if level == 0 and module.split(".")[0] == "autograd":
            assert module == "autograd", f"{path} imports the private module {module}"
            for name in names:
                assert name in public, f"{path} imports {name!r}, not in autograd.__all__"
