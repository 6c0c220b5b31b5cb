"""The repository stands on its own: no file refers to a file outside it.

The course was written from lecture notes that are not part of the repository, so a learner has
none of their files: the notes are referred to by topic, and the facts are stated where used.
"""

from __future__ import annotations

import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
SKIP_DIRS = {".git", ".venv", ".bench-venv", "__pycache__", ".pytest_cache", ".ruff_cache",
             ".hypothesis", ".mypy_cache", "build", "dist", "gradbook-demo"}
TEXT_SUFFIXES = {".py", ".md", ".ipynb", ".toml", ".txt", ".cfg", ".sh", ".js", ".css", ".html",
                 ".json", ".yml", ".yaml", ""}
# paths to the notes and to the project's planning files, and the notes' file numbering
OUTSIDE = re.compile(r"\.\./shared\b|shared/seeds|CURRICULUM\.md|DESIGN\.md|\bseeds?[ -]00\d\b",
                     re.IGNORECASE)


def _files():
    for path in ROOT.rglob("*"):
        rel = path.relative_to(ROOT)
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in rel.parts):
            continue
        if path.is_file() and path.suffix in TEXT_SUFFIXES and path != pathlib.Path(__file__):
            yield path


def test_no_file_refers_outside_the_repository():
    hits = []
    for path in _files():
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for n, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:120]}")
    assert not hits, "references to files outside the repository:\n" + "\n".join(hits)
