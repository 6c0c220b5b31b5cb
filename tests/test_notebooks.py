"""Every teaching notebook runs top to bottom (its own asserts check the numbers it teaches),
with its default seed and with another one, and the committed files carry no outputs (they are
produced by running, never edited by hand).

A lesson must hold on every learner's machine and for every seed, so each notebook that draws
random numbers takes its seed from one cell tagged ``parameters`` (papermill's convention), and
the suite runs it a second time with ``seed = 1`` injected after that cell. To try the course
with another seed: ``GRADBOOK_NOTEBOOK_SEED=7 make test PYTEST_ARGS="tests/test_notebooks.py"``.
"""

from __future__ import annotations

import ast
import os
import pathlib
import re

import nbformat
import pytest
from notebook_runner import PARAMETERS_TAG, execute, parameters_cells

NOTEBOOKS = sorted((pathlib.Path(__file__).resolve().parents[1] / "notebooks").glob("*.ipynb"))
# the exercise notebooks are run by tests/test_exercises.py (solved and as committed); their
# randomness follows the same rule
EXERCISES = sorted(
    (pathlib.Path(__file__).resolve().parents[1] / "notebooks" / "exercises").glob("*.ipynb")
)
OTHER_SEED = int(os.environ.get("GRADBOOK_NOTEBOOK_SEED", "1"))

# Code that draws random numbers: explicit generators and seeds, shuffling, and the
# constructors that initialise weights at random (a Perceptron starts from zeros unless given a
# seed, and visits the samples in order unless told to shuffle).
RANDOM = re.compile(
    r"\brandom\b|\brng\b|default_rng|\bseed\b|manual_seed|shuffle\s*=\s*True|"
    r"\b(?:MLP|Neuron|Layer|Linear|mlp|Dropout|Maxout|PReLU)\("
)


def _code(nb: nbformat.NotebookNode) -> list[tuple[int, str]]:
    return [(i, c.source) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def test_there_is_a_course():
    assert len(NOTEBOOKS) >= 14


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_committed_notebook_has_no_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, (
                f"{path.name} cell {i} has outputs: clear them before committing"
            )


@pytest.mark.parametrize("path", NOTEBOOKS + EXERCISES, ids=lambda p: p.parent.name + "/" + p.stem)
def test_randomness_comes_from_one_seed_parameter(path):
    """A notebook that draws random numbers has exactly one ``parameters`` cell, which sets
    ``seed = 0``, and nothing random runs before it."""
    nb = nbformat.read(path, as_version=4)
    cells = parameters_cells(nb)
    random_cells = [i for i, src in _code(nb) if RANDOM.search(src)]
    if not cells:
        assert not random_cells, (
            f"{path.name} draws random numbers (cells {random_cells}) but has no cell tagged "
            f"{PARAMETERS_TAG!r} that sets seed = 0"
        )
        return
    assert len(cells) == 1, f"{path.name}: {len(cells)} cells tagged {PARAMETERS_TAG!r}"
    (p,) = cells
    assigned = {
        t.id: node.value
        for node in ast.parse(nb.cells[p].source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert "seed" in assigned, f"{path.name}: the parameters cell does not set seed"
    assert ast.literal_eval(assigned["seed"]) == 0, f"{path.name}: the default seed is not 0"
    early = [i for i in random_cells if i < p]
    assert not early, f"{path.name}: cells {early} draw random numbers before the parameters cell"


def _runs():
    for path in NOTEBOOKS:
        yield pytest.param(path, None, id=f"{path.stem}-default")
        if parameters_cells(nbformat.read(path, as_version=4)):
            yield pytest.param(path, OTHER_SEED, id=f"{path.stem}-seed{OTHER_SEED}")


@pytest.mark.parametrize(("path", "seed"), list(_runs()))
def test_notebook_runs_top_to_bottom(path, seed, tmp_path):
    # runs in a scratch folder, so files a notebook writes never land in the repository
    execute(path, tmp_path, seed=seed)
