"""The README's Python examples run as written."""

from __future__ import annotations

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = [b for b in re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
          if "not run by tests/test_readme.py" not in b]


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_example_runs(code, tmp_path, monkeypatch, capsys):
    """Each block runs, and a line ``print(...)  # prints: TEXT`` prints exactly TEXT (the
    expected text is worked by hand in the README, next to the code)."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - our own docs
    promised = re.findall(r"# prints: (.*)$", code, flags=re.M)
    if promised:
        printed = capsys.readouterr().out.splitlines()
        assert printed[: len(promised)] == [p.strip() for p in promised]


def test_the_first_quick_start_promises_its_output():
    assert re.search(r"# prints: ", BLOCKS[0])
