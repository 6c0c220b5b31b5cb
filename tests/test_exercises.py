"""The exercise notebooks (``notebooks/exercises/``): their shape, and two runs of each.

An exercise notebook is a lesson that asks. Each task has a stub cell tagged ``exercise``, whose
first line is ``# Task N.M`` and which holds the learner's code still to write (a function that
raises ``NotImplementedError``, or a value that is ``...``), and one or more check cells tagged
``check`` that call :mod:`gradbook.exercises` and print ``✓ Task N.M: ...`` or
``✗ Task N.M: ...``. The worked solutions live beside the notebooks, in
``solutions/<same name>.py``, one block per task opened by a line ``# %% Task N.M``.

The suite runs every notebook twice:

* with each stub replaced by its solution (and with a second seed when it draws random
  numbers): every check prints ✓, none prints ✗;
* as committed: nothing raises, and every check prints ✗ with "not done yet", so a learner who
  runs a notebook before writing anything is told what to write, not shown a traceback.
"""

from __future__ import annotations

import pathlib
import re

import nbformat
import pytest
from notebook_runner import execute_notebook, parameters_cells, with_seed

ROOT = pathlib.Path(__file__).resolve().parents[1]
FOLDER = ROOT / "notebooks" / "exercises"
EXERCISES = sorted(FOLDER.glob("*.ipynb"))
TASK_LINE = re.compile(r"\A# Task (\d+\.\d+)\b")
SOLUTION_HEADER = re.compile(r"^# %% Task (\d+\.\d+)\b.*$", re.MULTILINE)
VERDICT = re.compile(r"^([✓✗]) Task (\d+\.\d+): (.*)$", re.MULTILINE)
# a task id as a check cell passes it: check_close("2.3", ...)
CHECKED_TASK = re.compile(r"""check_\w+\(\s*["'](\d+\.\d+)["']""")


def _tagged(nb: nbformat.NotebookNode, tag: str) -> list[int]:
    return [i for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and tag in c.get("metadata", {}).get("tags", [])]


def _stub_tasks(nb: nbformat.NotebookNode) -> dict[str, int]:
    tasks: dict[str, int] = {}
    for i in _tagged(nb, "exercise"):
        m = TASK_LINE.match(nb.cells[i].source)
        assert m, f"exercise cell {i} does not start with '# Task N.M'"
        assert m.group(1) not in tasks, f"task {m.group(1)} has two exercise cells"
        tasks[m.group(1)] = i
    return tasks


def solutions(path: pathlib.Path) -> dict[str, str]:
    """Task id → solution code, from ``solutions/<stem>.py``."""
    text = (FOLDER / "solutions" / f"{path.stem}.py").read_text(encoding="utf-8")
    heads = list(SOLUTION_HEADER.finditer(text))
    blocks = {}
    for k, m in enumerate(heads):
        end = heads[k + 1].start() if k + 1 < len(heads) else len(text)
        assert m.group(1) not in blocks, f"{path.stem}.py has two solutions for {m.group(1)}"
        blocks[m.group(1)] = text[m.end():end].strip("\n")
    return blocks


def _filled(path: pathlib.Path) -> nbformat.NotebookNode:
    nb = nbformat.read(path, as_version=4)
    blocks = solutions(path)
    for task, i in _stub_tasks(nb).items():
        nb.cells[i].source = f"# Task {task} (worked solution)\n{blocks[task]}"
    return nb


def _verdicts(nb: nbformat.NotebookNode, i: int) -> list[tuple[str, str, str]]:
    text = "".join(o.get("text", "") for o in nb.cells[i].get("outputs", [])
                   if o.get("output_type") == "stream")
    return VERDICT.findall(text)


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    return [f"cell {i}: {o.get('ename')}: {o.get('evalue')}"
            for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


def test_there_are_enough_exercises():
    assert len(EXERCISES) >= 8
    tasks = [t for p in EXERCISES for t in _stub_tasks(nbformat.read(p, as_version=4))]
    assert len(tasks) >= 30, f"{len(tasks)} tasks"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_every_task_has_a_stub_a_check_and_a_solution(path):
    nb = nbformat.read(path, as_version=4)
    number = str(int(path.stem.split("_")[0]))
    tasks = _stub_tasks(nb)
    assert tasks, f"{path.name} has no cell tagged 'exercise'"
    assert all(t.split(".")[0] == number for t in tasks), (
        f"{path.name}: tasks {sorted(tasks)} should be numbered {number}.M")
    checked: set[str] = set()
    for i in _tagged(nb, "check"):
        found = CHECKED_TASK.findall(nb.cells[i].source)
        assert found, f"{path.name} cell {i} is tagged 'check' but calls no check_*('N.M', ...)"
        assert all(t in tasks for t in found), f"{path.name} cell {i} checks unknown {found}"
        assert i > max(tasks[t] for t in found), f"{path.name} cell {i} checks before the stub"
        checked.update(found)
    assert checked == set(tasks), f"{path.name}: tasks without a check: {set(tasks) - checked}"
    blocks = solutions(path)
    assert set(blocks) == set(tasks), (
        f"solutions/{path.stem}.py: missing {set(tasks) - set(blocks)}, "
        f"extra {set(blocks) - set(tasks)}")
    for task, i in tasks.items():
        stub = nb.cells[i].source
        assert "NotImplementedError" in stub or "..." in stub, (
            f"{path.name} task {task}: the stub holds no NotImplementedError or ...")
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code":
            assert not cell.get("outputs") and cell.get("execution_count") is None, (
                f"{path.name} cell {i} has outputs: clear them before committing")


def _solution_runs():
    for path in EXERCISES:
        yield pytest.param(path, None, id=f"{path.stem}-default")
        if parameters_cells(nbformat.read(path, as_version=4)):
            yield pytest.param(path, 1, id=f"{path.stem}-seed1")


@pytest.mark.parametrize(("path", "seed"), list(_solution_runs()))
def test_solutions_pass_every_check(path, seed, tmp_path):
    nb = _filled(path)
    if seed is not None:
        nb = with_seed(nb, seed)
    execute_notebook(nb, tmp_path)
    assert not _errors(nb)
    passed: set[str] = set()
    for i in _tagged(nb, "check"):
        verdicts = _verdicts(nb, i)
        assert verdicts, f"{path.name} check cell {i} printed no verdict"
        wrong = [f"{mark} Task {task}: {msg}" for mark, task, msg in verdicts if mark != "✓"]
        assert not wrong, f"{path.name} with its solutions: {wrong}"
        passed.update(task for _, task, _ in verdicts)
    assert passed == set(_stub_tasks(nb))


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.stem)
def test_committed_notebook_says_what_is_not_done(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    execute_notebook(nb, tmp_path)  # raises if any cell raises
    for i in _tagged(nb, "check"):
        verdicts = _verdicts(nb, i)
        assert verdicts, f"{path.name} check cell {i} printed no verdict"
        for mark, task, message in verdicts:
            assert mark == "✗" and "not done yet" in message, (
                f"{path.name} cell {i}, unsolved task {task} printed: {mark} {message}")
