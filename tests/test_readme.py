"""The README's Python examples run as written."""

from __future__ import annotations

import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
README = ROOT / "README.md"


def _blocks(path: pathlib.Path) -> list[str]:
    return [b for b in re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"),
                                  flags=re.S)
            if "not run by tests/test_readme.py" not in b]


BLOCKS = _blocks(README)
# the Chinese README's examples run too; "# 打印：" promises its output as "# prints:" does
ZH_BLOCKS = _blocks(ROOT / "README.zh.md")


def test_the_readme_has_examples():
    assert len(BLOCKS) >= 3


@pytest.mark.parametrize("code", BLOCKS + ZH_BLOCKS,
                         ids=[f"block{i}" for i in range(len(BLOCKS))]
                         + [f"zh-block{i}" for i in range(len(ZH_BLOCKS))])
def test_readme_example_runs(code, tmp_path, monkeypatch, capsys):
    """Each block runs, and a line ``print(...)  # prints: TEXT`` prints exactly TEXT (the
    expected text is worked by hand in the README, next to the code)."""
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {"__name__": "readme"})  # noqa: S102 - our own docs
    promised = re.findall(r"# (?:prints: |打印：)(.*)$", code, flags=re.M)
    if promised:
        printed = capsys.readouterr().out.splitlines()
        assert printed[: len(promised)] == [p.strip() for p in promised]


def test_the_first_quick_start_promises_its_output():
    assert re.search(r"# prints: ", BLOCKS[0])


def test_the_two_readmes_link_each_other_and_the_glossary():
    en, zh = README.read_text(encoding="utf-8"), (ROOT / "README.zh.md").read_text(encoding="utf-8")
    assert "README.zh.md" in en.split("\n## ")[0], "README.md links the Chinese README at its top"
    assert "(README.md)" in zh.split("\n## ")[0]
    for text in (en, zh):
        assert "notebooks/zh/GLOSSARY.md" in text
    assert len(ZH_BLOCKS) >= 3
