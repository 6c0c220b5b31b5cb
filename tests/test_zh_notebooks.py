"""The Chinese edition of the course (``notebooks/zh/``) cannot drift from the English one.

Every lesson and exercise notebook has a Chinese twin of the same file name. The twins have the
same cells in the same order (same kinds, same tags), and every code cell is the English one
character for character once the text a learner reads is masked: string literals (titles, axis
labels, legends, printed sentences) and comments may be translated, nothing else. Every Chinese
notebook runs top to bottom with its default seed (the exercises as committed: every check says
what is not done yet).
"""

from __future__ import annotations

import io
import pathlib
import re
import tokenize

import nbformat
import pytest
from notebook_runner import execute

ROOT = pathlib.Path(__file__).resolve().parents[1]
EN = ROOT / "notebooks"
ZH = EN / "zh"
ENGLISH = sorted(EN.glob("*.ipynb")) + sorted((EN / "exercises").glob("*.ipynb"))
CHINESE = sorted(ZH.glob("*.ipynb")) + sorted((ZH / "exercises").glob("*.ipynb"))


def twin(path: pathlib.Path) -> pathlib.Path:
    return ZH / path.relative_to(EN)


def masked(source: str) -> list[tuple[int, str]]:
    """The code's tokens with every string literal replaced by one placeholder and comments and
    blank-line tokens left out: what must not change between the editions."""
    tokens = []
    lines = [line for line in source.splitlines(keepends=True)
             if not line.lstrip().startswith(("%", "!"))]  # IPython magics: kept as text
    magics = [line.strip() for line in source.splitlines() if line.lstrip().startswith(("%", "!"))]
    for tok in tokenize.generate_tokens(io.StringIO("".join(lines)).readline):
        if tok.type in (tokenize.COMMENT, tokenize.NL):
            continue
        if tok.type == tokenize.STRING or tok.type in _FSTRING_PARTS:
            if not tokens or tokens[-1] != (tokenize.STRING, "<text>"):
                tokens.append((tokenize.STRING, "<text>"))
            continue
        tokens.append((tok.type, tok.string))
    return [(0, m) for m in magics] + tokens


# Python 3.12 splits f-strings into parts; 3.11 has them as one STRING token
_FSTRING_PARTS = {getattr(tokenize, n) for n in ("FSTRING_START", "FSTRING_MIDDLE",
                                                  "FSTRING_END") if hasattr(tokenize, n)}


def _tags(cell: nbformat.NotebookNode) -> list[str]:
    return sorted(cell.get("metadata", {}).get("tags", []))


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: str(p.relative_to(EN)))
def test_every_notebook_has_a_chinese_twin(path):
    assert twin(path).exists(), f"{twin(path).relative_to(ROOT)} is missing"


@pytest.mark.parametrize("path", ENGLISH, ids=lambda p: str(p.relative_to(EN)))
def test_the_twins_have_the_same_cells_and_the_same_code(path):
    if not twin(path).exists():
        pytest.skip("no twin yet (reported by test_every_notebook_has_a_chinese_twin)")
    en = nbformat.read(path, as_version=4)
    zh = nbformat.read(twin(path), as_version=4)
    assert [(c.cell_type, _tags(c)) for c in zh.cells] == [(c.cell_type, _tags(c))
                                                          for c in en.cells], (
        f"{twin(path).name}: the cells differ in number, kind or tags from the English edition")
    for i, (a, b) in enumerate(zip(en.cells, zh.cells)):
        if a.cell_type == "code":
            assert masked(a.source) == masked(b.source), (
                f"{twin(path).relative_to(ROOT)} cell {i}: the code differs from the English "
                "edition beyond its strings and comments")
        elif any(ch.isalpha() for ch in a.source):
            assert any("\u4e00" <= ch <= "\u9fff" for ch in b.source), (
                f"{twin(path).relative_to(ROOT)} cell {i} is not translated")
        if b.cell_type == "code":
            assert not b.get("outputs") and b.get("execution_count") is None, (
                f"{twin(path).relative_to(ROOT)} cell {i} has outputs")


def test_masking_keeps_code_and_hides_only_text():
    assert masked('plt.title("loss")  # the loss\n') == masked('plt.title("损失")  # 损失\n')
    assert masked('print(f"{x:.3f} steps")') == masked('print(f"{x:.3f} 步")')
    assert masked("y = x + 1") != masked("y = x + 2")
    assert masked('act = get_activation("relu")') == masked('act = get_activation("线性")'), (
        "strings are masked wholesale: a translated key is caught by running the notebook")


@pytest.mark.parametrize("path", CHINESE, ids=lambda p: str(p.relative_to(ZH)))
def test_chinese_notebook_runs_top_to_bottom(path, tmp_path):
    nb = execute(path, tmp_path)
    if path.parent.name != "exercises":
        return
    # as committed, every check answers in Chinese that the task is not done yet
    for i, cell in enumerate(nb.cells):
        if "check" not in cell.get("metadata", {}).get("tags", []):
            continue
        text = "".join(o.get("text", "") for o in cell.get("outputs", [])
                       if o.get("output_type") == "stream")
        verdicts = re.findall(r"^([✓✗]) 任务 (\d+\.\d+)：(.*)$", text, flags=re.MULTILINE)
        assert verdicts, f"{path.name} check cell {i} printed no Chinese verdict: {text!r}"
        for mark, task, message in verdicts:
            assert mark == "✗" and message.startswith("还没完成"), (
                f"{path.name} cell {i}, unsolved task {task} printed: {mark} {message}")
