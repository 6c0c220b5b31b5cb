"""Chinese text draws as Chinese: in matplotlib plots (a CJK font in the fallback list) and in
Graphviz drawings, and never as the empty boxes a font without the glyphs leaves."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")

import viz  # noqa: E402
from autograd import Value  # noqa: E402
from viz import fonts  # noqa: E402


def _render(text: str) -> np.ndarray:
    """``text`` drawn by matplotlib's Agg renderer with the current fonts, as grey pixels."""
    import io

    from matplotlib.figure import Figure
    from PIL import Image

    fig = Figure(figsize=(1.2, 0.8), dpi=60)
    fig.text(0.5, 0.5, text, fontsize=28, ha="center", va="center")
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return np.asarray(Image.open(buf).convert("L"), dtype=np.int16)


def test_a_cjk_font_is_installed():
    assert fonts.cjk_family() is not None, fonts.INSTALL_HELP


def test_chinese_characters_are_drawn_not_boxes():
    family = viz.use_cjk_fallback()
    assert family in matplotlib.rcParams["font.family"]
    loss, grad = _render("损"), _render("梯")
    # the missing-glyph box is the same for every character: two characters that draw the
    # same picture are boxes
    assert np.abs(loss - grad).sum() > 1000
    assert (loss < 128).sum() > 20 and (grad < 128).sum() > 20  # ink, not a blank


def test_without_the_fallback_the_same_characters_are_boxes():
    """The test above can fail: DejaVu Sans alone has no Chinese glyphs."""
    import warnings

    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Glyph ... missing from font(s) DejaVu Sans"
        assert np.array_equal(_render("损"), _render("梯"))


def test_the_fallback_keeps_latin_text_in_its_own_font():
    viz.use_cjk_fallback()
    families = matplotlib.rcParams["font.family"]
    assert families[-1] == fonts.cjk_family() and families[0] != fonts.cjk_family()
    with matplotlib.rc_context({"font.family": families[:-1]}):
        latin_alone = _render("loss")
    assert np.array_equal(_render("loss"), latin_alone)


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
def test_graph_labels_in_chinese_are_drawn(tmp_path):
    """dot takes missing glyphs from fontconfig's fallback; the SVG names the CJK family last,
    so a browser falls back the same way."""
    a = Value(2.0, label="权重")
    out = (a * a).tanh()
    svg = viz.to_svg(out)
    assert "权重" in svg and "Noto Sans CJK SC" in svg
    pictures = []
    for label in ("损", "梯"):
        node = Value(1.0, label=label)
        path = tmp_path / f"{ord(label)}.png"
        viz.render_graph(node, str(path))
        pictures.append(path.read_bytes())
    assert pictures[0] != pictures[1]
    out = subprocess.run(["fc-match", "-f", "%{family}", "Noto Sans CJK SC:lang=zh"],
                         capture_output=True, text=True, timeout=10, check=True).stdout
    assert "CJK" in out, f"fontconfig resolves the graph font to {out!r}"
