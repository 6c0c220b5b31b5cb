"""A ``graphviz.Digraph`` that explains how to install Graphviz when ``dot`` is missing.

The Python package ``graphviz`` only writes DOT source; turning it into SVG/PNG/PDF runs the
``dot`` program, which comes from the operating system. Its absence is the most common failure
of graph-drawing tools, and the bare ``graphviz.ExecutableNotFound`` does not say what to do.
:class:`GradbookDigraph` catches it in every rendering path (``pipe``, ``render``, ``view``,
Jupyter's inline display) and raises :class:`GraphvizNotFoundError`, a subclass of
``ExecutableNotFound`` (so existing handlers still work) whose message says what to install.
"""

from __future__ import annotations

import functools
from typing import Any

import graphviz

__all__ = ["GradbookDigraph", "GraphvizNotFoundError", "INSTALL_HELP"]

INSTALL_HELP = """\
Graphviz's `dot` program was not found on PATH. The Python package `graphviz` only writes DOT
source; rendering it (SVG, PNG, PDF, inline display in Jupyter) needs the Graphviz programs.
Install them:
  Debian/Ubuntu:   sudo apt-get install graphviz
  Fedora/RHEL:     sudo dnf install graphviz
  macOS:           brew install graphviz
  conda:           conda install -c conda-forge graphviz
  Windows:         winget install graphviz
                   then add its bin folder (e.g. C:\\Program Files\\Graphviz\\bin) to PATH
                   and restart the terminal or Jupyter
Check with `dot -V`, then restart the Python process (PATH is read when it starts).
The DOT text itself is available without Graphviz: `graph.source`."""


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """The ``dot`` executable is missing; the message says how to install it per OS."""

    def __init__(self, args: Any = ("dot",)) -> None:
        RuntimeError.__init__(self, INSTALL_HELP)
        self.command = args

    def __str__(self) -> str:
        return INSTALL_HELP


def _explained(method):
    """Wrap a rendering method so that a missing ``dot`` raises GraphvizNotFoundError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except GraphvizNotFoundError:
            raise
        except graphviz.ExecutableNotFound as e:
            raise GraphvizNotFoundError(e.args[0] if e.args else ("dot",)) from None

    return wrapper


class GradbookDigraph(graphviz.Digraph):
    """``graphviz.Digraph`` whose rendering explains a missing Graphviz installation.

    ``collapse`` describes what :func:`viz.draw_graph` collapsed to respect ``max_nodes``
    (``None`` when every node is drawn): see :class:`viz.collapse.Collapse`.
    """

    collapse: Any = None

    pipe = _explained(graphviz.Digraph.pipe)
    render = _explained(graphviz.Digraph.render)
    view = _explained(graphviz.Digraph.view)
    unflatten = _explained(graphviz.Digraph.unflatten)
    _repr_mimebundle_ = _explained(graphviz.Digraph._repr_mimebundle_)
    _repr_image_svg_xml = _explained(graphviz.Digraph._repr_image_svg_xml)
    _repr_image_png = _explained(graphviz.Digraph._repr_image_png)
    _repr_image_jpeg = _explained(graphviz.Digraph._repr_image_jpeg)
