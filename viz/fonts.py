"""Fonts that draw every language the course is written in, Chinese included.

matplotlib's default font, DejaVu Sans, has no Chinese glyphs: a Chinese title comes out as
empty boxes. Since matplotlib 3.6 a text takes each glyph from the first font in
``rcParams["font.family"]`` that has it, so :func:`use_cjk_fallback` appends an installed CJK
font to that list: Latin text keeps its font, and Chinese text gets one. Graphviz finds
fallback glyphs through fontconfig by itself; :data:`GRAPH_FONT` names the CJK family last so
that an SVG opened in a browser falls back the same way.

Text between ``$...$`` is set by matplotlib's mathtext, which uses its own math fonts and no
fallback: keep Chinese words outside a mathtext label, or write the symbols in Unicode
("截断误差 ∝ h²").

On Debian and Ubuntu the font is the package ``fonts-noto-cjk`` (``make demo`` and
``make test`` install it); elsewhere install any font in :data:`CJK_FAMILIES`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading

#: CJK fonts, preferred first: Debian's Noto (Simplified Chinese first), then common others.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans SC", "Source Han Sans SC",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "SimHei",
)
#: Graphviz's ``fontname``: a family list, the CJK one last.
GRAPH_FONT = "Helvetica,Arial,sans-serif,Noto Sans CJK SC"
INSTALL_HELP = (
    "no font with Chinese glyphs is installed, so Chinese text draws as empty boxes. "
    "Install one: on Debian/Ubuntu 'sudo apt-get install fonts-noto-cjk', elsewhere any of "
    + ", ".join(CJK_FAMILIES[:5])
)

_lock = threading.Lock()
_family: list[str | None] = []  # the family found, once looked for


def cjk_family() -> str | None:
    """The name of an installed CJK font matplotlib can use, or None (needs matplotlib)."""
    with _lock:
        if not _family:
            _family.append(_find_family())
        return _family[0]


def _find_family() -> str | None:
    from matplotlib import font_manager

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FAMILIES if name in names), None)

    found = known()
    if found is None:
        # matplotlib's font list is cached from its first run, so a font installed since then
        # is missing from it: add the files fontconfig knows for Chinese
        for path in _fontconfig_files():
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
        found = known()
    return found


def _fontconfig_files() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    try:
        out = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True,
                             timeout=10, check=False).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    return sorted({line.split(":")[0].strip() for line in out.splitlines() if line.strip()})


def use_cjk_fallback() -> str | None:
    """Let matplotlib draw Chinese text: append an installed CJK font to
    ``rcParams["font.family"]`` (once; Latin text keeps the fonts before it). Returns the
    family used, or None when matplotlib or a CJK font is missing."""
    try:
        import matplotlib
    except ImportError:
        return None
    family = cjk_family()
    if family is None:
        return None
    current = matplotlib.rcParams["font.family"]
    families = [current] if isinstance(current, str) else list(current)
    if family not in families:
        matplotlib.rcParams["font.family"] = families + [family]
    return family


def configure_if_loaded() -> None:
    """Apply :func:`use_cjk_fallback` when matplotlib is already imported (``import viz`` does
    not import matplotlib for you: drawing graphs needs no plotting library)."""
    if "matplotlib" in sys.modules:
        use_cjk_fallback()
