"""A ``graphviz.Digraph`` that explains how to install Graphviz when ``dot`` is missing.

The Python package ``graphviz`` only writes DOT source; turning it into SVG/PNG/PDF runs the
``dot`` program, which comes from the operating system. Its absence is the most common failure
of graph-drawing tools, and the bare ``graphviz.ExecutableNotFound`` does not say what to do.
:class:`GradbookDigraph` catches it in every rendering path (``pipe``, ``render``, ``view``,
Jupyter's inline display) and raises :class:`GraphvizNotFoundError`, a subclass of
``ExecutableNotFound`` (so existing handlers still work) whose message says what to install.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import os
import re
import signal
import subprocess
import sys
import threading
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

import graphviz
from graphviz.backend.dot_command import command as _dot_command

__all__ = [
    "DOT_TIMEOUT", "GradbookDigraph", "GraphTooLargeError", "GraphvizError",
    "GraphvizNotFoundError", "INSTALL_HELP", "LayoutEstimate", "estimate_layout",
]

#: Seconds :meth:`GradbookDigraph.pipe` lets ``dot`` run before killing it.
DOT_TIMEOUT = 60.0

#: Limits of :meth:`LayoutEstimate.too_large`: graphs within them lay out in about a second;
#: measured with dot 2.43, a graph at twice these took from 6 s to over 10 minutes, or crashed.
MAX_LAYOUT_ITEMS = 20_000  # nodes + edges
MAX_VIRTUAL_NODES = 3_000
MAX_CROWDING = 1_000_000

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

    def pipe(
        self, format: str | None = None, renderer: str | None = None,
        formatter: str | None = None, neato_no_op: bool | int | None = None,
        quiet: bool = False, *, engine: str | None = None, encoding: str | None = None,
        timeout: float | None = DOT_TIMEOUT, check_size: bool = True,
    ) -> bytes | str:
        """``graphviz.Digraph.pipe`` (the rendered bytes, or text with ``encoding``), made safe:

        * with ``check_size``, a graph whose layout ``dot`` cannot finish quickly
          (:meth:`LayoutEstimate.too_large`) raises :class:`GraphTooLargeError` before
          ``dot`` runs;
        * ``dot`` is killed after ``timeout`` seconds (:class:`GraphvizError`), on Ctrl-C, and
          when this process dies (see :func:`run_dot`);
        * a missing ``dot`` raises :class:`GraphvizNotFoundError`, a failing one
          :class:`GraphvizError` with its message (never a ``BrokenPipeError``).
        """
        if check_size:
            estimate = estimate_layout(self.source)
            if estimate.too_large():
                raise GraphTooLargeError(
                    f"this graph is too large for Graphviz's dot to lay out quickly "
                    f"({estimate}); draw fewer nodes with draw_graph(..., max_nodes=60), or "
                    "call pipe(check_size=False) to try anyway"
                )
        cmd = _dot_command(engine or self.engine, format or self.format,
                           renderer=renderer or self.renderer,
                           formatter=formatter or self.formatter, neato_no_op=neato_no_op)
        out, err = run_dot(cmd, self.source.encode(self.encoding), timeout=timeout)
        if err and not quiet:
            sys.stderr.write(err.decode(getattr(sys.stderr, "encoding", None) or "utf-8",
                                        "replace"))
        return out.decode(encoding) if encoding is not None else out
    render = _explained(graphviz.Digraph.render)
    view = _explained(graphviz.Digraph.view)
    unflatten = _explained(graphviz.Digraph.unflatten)
    _repr_mimebundle_ = _explained(graphviz.Digraph._repr_mimebundle_)
    _repr_image_svg_xml = _explained(graphviz.Digraph._repr_image_svg_xml)
    _repr_image_png = _explained(graphviz.Digraph._repr_image_png)
    _repr_image_jpeg = _explained(graphviz.Digraph._repr_image_jpeg)


class GraphvizError(RuntimeError):
    """Graphviz's ``dot`` failed (a non-zero exit, a crash) or ran past its timeout; the
    message says which, with the first line of what ``dot`` printed."""


class GraphTooLargeError(ValueError):
    """A graph whose layout ``dot`` cannot finish quickly (see :func:`estimate_layout`),
    refused before ``dot`` runs; the message says how to draw a smaller one."""


@dataclass(frozen=True)
class LayoutEstimate:
    """What ``dot`` will have to lay out, counted from the DOT source before running it.

    ``ranks`` are estimated as dot assigns them: the longest path from a source, with a
    source pulled next to its first consumer. An edge spanning ``k`` ranks becomes ``k - 1``
    *virtual nodes* (dot routes long edges through them), and ``crowding`` is
    ``sum over adjacent rank pairs (r, r+1) of m_r**2``, ``m_r`` the number of edge segments
    between them: the work of crossing minimisation and coordinate assignment grows with
    both (a value used by many later ops, like ``x`` in ``x + x + ... + x``, makes them grow
    quadratically with the graph).
    """

    nodes: int
    edges: int
    virtual_nodes: int
    crowding: int

    def too_large(self) -> bool:
        """True beyond the limits :data:`MAX_LAYOUT_ITEMS` (nodes + edges),
        :data:`MAX_VIRTUAL_NODES` and :data:`MAX_CROWDING`."""
        return (self.nodes + self.edges > MAX_LAYOUT_ITEMS
                or self.virtual_nodes > MAX_VIRTUAL_NODES or self.crowding > MAX_CROWDING)

    def __str__(self) -> str:
        return (f"{self.nodes:,} nodes, {self.edges:,} edges, {self.virtual_nodes:,} virtual "
                f"nodes for long edges, crowding {self.crowding:,}")


_ID = r'(?:"(?:[^"\\]|\\.)*"|[^\s\[\]{};=]+)'
_EDGE = re.compile(rf"^\s*({_ID})(?::\w+)? -> ({_ID})(?::\w+)?(?:\s*\[|\s*$)")
_NODE = re.compile(rf"^\s*({_ID})\s*\[")


def estimate_layout(source: str) -> LayoutEstimate:
    """Count what ``dot`` would lay out for the DOT ``source`` (one statement a line, as
    ``graphviz.Digraph`` writes it): see :class:`LayoutEstimate`."""
    nodes: set[str] = set()
    edges: list[tuple[str, str]] = []
    for line in source.splitlines():
        m = _EDGE.match(line)
        if m:
            edges.append((m[1], m[2]))
            nodes.update((m[1], m[2]))
            continue
        m = _NODE.match(line)
        if m and m[1] not in ("graph", "node", "edge"):
            nodes.add(m[1])
    succ: dict[str, list[str]] = defaultdict(list)
    indeg: dict[str, int] = defaultdict(int)
    for t, h in edges:
        succ[t].append(h)
        indeg[h] += 1
    rank = dict.fromkeys(nodes, 0)
    queue = deque(n for n in nodes if indeg[n] == 0)
    left = dict(indeg)
    while queue:  # longest path from the sources (Kahn's order; a cycle keeps rank 0)
        n = queue.popleft()
        for h in succ[n]:
            rank[h] = max(rank[h], rank[n] + 1)
            left[h] -= 1
            if left[h] == 0:
                queue.append(h)
    for n in nodes:
        if indeg[n] == 0 and succ[n]:
            rank[n] = min(rank[h] for h in succ[n]) - 1
    # segments between ranks r and r+1: +1 where an edge starts, -1 where it ends, summed
    low = min(rank.values(), default=0)
    change = [0] * (max(rank.values(), default=0) - low + 2)
    virtual = 0
    for t, h in edges:
        lo, hi = sorted((rank[t] - low, rank[h] - low))
        virtual += max(hi - lo - 1, 0)
        change[lo] += 1
        change[hi] -= 1
    crowding = 0
    between = 0
    for c in change:
        between += c
        crowding += between * between
    return LayoutEstimate(len(nodes), len(edges), virtual, crowding)


# -- running dot ---------------------------------------------------------------------------------

_PR_SET_PDEATHSIG = 1
_prctl: Any = None
if sys.platform.startswith("linux"):
    with contextlib.suppress(OSError, AttributeError):
        _prctl = ctypes.CDLL(None, use_errno=True).prctl


def _die_with_parent() -> None:
    # Runs in the child between fork and exec: Linux kills dot if gradbook dies first, even
    # by SIGKILL, so no dot is left running alone.
    _prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _kill(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)  # dot and anything it started
        else:
            proc.kill()
    with contextlib.suppress(Exception):
        proc.communicate(timeout=10)


def run_dot(cmd: list, data: bytes, timeout: float | None = DOT_TIMEOUT) -> tuple[bytes, bytes]:
    """Run the Graphviz command ``cmd`` on the DOT bytes ``data``; return its standard output
    and standard error.

    ``dot`` runs in its own process group; it is killed (the whole group) when it passes
    ``timeout`` seconds, when this call is interrupted (Ctrl-C) and, on Linux, when this
    process dies. Raises :class:`GraphvizNotFoundError` when ``dot`` is missing and
    :class:`GraphvizError` when it fails or times out.
    """
    kwargs: dict[str, Any] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
        # preexec_fn is unsafe when other threads may hold locks across fork
        if _prctl is not None and threading.active_count() == 1:
            kwargs["preexec_fn"] = _die_with_parent
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, **kwargs)
    except FileNotFoundError:
        raise GraphvizNotFoundError(cmd) from None
    try:
        out, err = proc.communicate(data, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise GraphvizError(
            f"Graphviz's dot did not finish within {timeout:g} s and was stopped; draw fewer "
            "nodes (draw_graph(..., max_nodes=60)) or pass a longer timeout"
        ) from None
    except BaseException:
        _kill(proc)
        raise
    if proc.returncode != 0:
        text = err.decode("utf-8", "replace").strip().splitlines()
        why = (f"it was killed by signal {-proc.returncode}" if proc.returncode < 0
               else f"exit code {proc.returncode}")
        raise GraphvizError(
            f"Graphviz's dot failed ({why})" + (f": {text[0][:300]}" if text else "")
        )
    return out, err
