"""The languages gradbook writes its reports in, and text that lines up in either.

English is the default; ``lang="zh"`` gives Simplified Chinese where a report is read by a
learner (gradcheck's table, the graph legend, the command line's messages). A Chinese character
takes two columns in a terminal, so tables pad by display width, not by character count.
"""

from __future__ import annotations

import os
import unicodedata

LANGUAGES = ("en", "zh")


def check_language(lang: object) -> str:
    """``lang`` itself when gradbook speaks it, else a ValueError naming the choices."""
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {', '.join(map(repr, LANGUAGES))}, got {lang!r}")
    return str(lang)


def default_language() -> str:
    """``"zh"`` when the locale is Chinese (``LC_ALL``, ``LC_MESSAGES`` or ``LANG`` starting
    with ``zh``, the first one set deciding, as POSIX does), else ``"en"``."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def width(text: str) -> int:
    """Columns ``text`` takes in a terminal: two for wide (East Asian) characters."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, columns: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``columns`` display columns (on the left if ``right``)."""
    fill = " " * max(columns - width(text), 0)
    return fill + text if right else text + fill
