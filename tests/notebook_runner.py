"""Run a course notebook top to bottom, optionally with another seed.

Every notebook that draws random numbers has one code cell tagged ``parameters`` (papermill's
convention) that sets ``seed = 0``. To run the same lesson with other numbers, a cell tagged
``injected-parameters`` that sets ``seed = S`` is inserted right after it, as papermill does.

Used by ``tests/test_notebooks.py``; also a command for looking at a run by hand::

    .venv/bin/python tests/notebook_runner.py notebooks/13_universal_approximation.ipynb \
        --seed 3 --out /tmp/nb13-seed3.ipynb
"""

from __future__ import annotations

import argparse
import pathlib
import sys
import tempfile

import nbformat

PARAMETERS_TAG = "parameters"
INJECTED_TAG = "injected-parameters"


def parameters_cells(nb: nbformat.NotebookNode) -> list[int]:
    """Indices of the code cells tagged ``parameters``."""
    return [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and PARAMETERS_TAG in cell.get("metadata", {}).get("tags", [])
    ]


def with_seed(nb: nbformat.NotebookNode, seed: int) -> nbformat.NotebookNode:
    """A copy of ``nb`` with ``seed = <seed>`` injected after its ``parameters`` cell."""
    cells = parameters_cells(nb)
    if len(cells) != 1:
        raise ValueError(f"expected exactly one cell tagged {PARAMETERS_TAG!r}, found {len(cells)}")
    out = nbformat.from_dict(nb)
    injected = nbformat.v4.new_code_cell(
        f"# Parameters injected by the test run\nseed = {int(seed)}",
        metadata={"tags": [INJECTED_TAG]},
    )
    out.cells.insert(cells[0] + 1, injected)
    return out


def execute(
    path: pathlib.Path, workdir: pathlib.Path, seed: int | None = None, timeout: int = 300
) -> nbformat.NotebookNode:
    """Execute the notebook at ``path`` in ``workdir`` (files it writes go there) and return it
    with its outputs. ``seed=None`` runs it as committed."""
    nb = nbformat.read(path, as_version=4)
    if seed is not None:
        nb = with_seed(nb, seed)
    return execute_notebook(nb, workdir, timeout)


def execute_notebook(
    nb: nbformat.NotebookNode, workdir: pathlib.Path, timeout: int = 300
) -> nbformat.NotebookNode:
    """Execute ``nb`` (in place) in ``workdir`` and return it with its outputs."""
    from nbclient import NotebookClient

    NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(workdir)}}
    ).execute()
    return nb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook", type=pathlib.Path)
    parser.add_argument("--seed", type=int, default=None, help="inject seed = SEED")
    parser.add_argument("--out", type=pathlib.Path, default=None,
                        help="write the executed notebook here")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        try:
            nb = execute(args.notebook, pathlib.Path(tmp), args.seed)
        except Exception as exc:  # a failed cell: print its error, not nbclient's traceback
            print(f"{args.notebook.name} seed={args.seed}: FAILED\n{exc}", file=sys.stderr)
            return 1
    if args.out is not None:
        nbformat.write(nb, args.out)
    print(f"{args.notebook.name} seed={args.seed}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
