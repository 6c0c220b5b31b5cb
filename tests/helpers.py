"""Helpers shared by several test files (imported as ``from helpers import ...``, like
``notebook_runner``)."""

from __future__ import annotations

import signal
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path


def peak_bytes(fn: Callable[[], object]) -> int:
    """The peak of memory allocated through Python while ``fn()`` runs (tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def kill_while_writing(child: str, path: Path) -> None:
    """Run the Python source ``child`` with ``path`` as ``sys.argv[1]``; once it prints
    ``writing`` (it must then wait, mid-write), kill it with SIGKILL, as ``kill -9`` would."""
    proc = subprocess.Popen([sys.executable, "-c", child, str(path)], stdout=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "writing"
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=60)
        if proc.stdout is not None:
            proc.stdout.close()
