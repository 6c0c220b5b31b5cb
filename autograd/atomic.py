"""Atomic file writing: a file is either its old content or its complete new content, never a
half-written mix.

:func:`atomic_write` writes into a temporary file in the target's folder (same file system, so
the final rename is atomic), flushes and fsyncs it, then ``os.replace``-s it over the target.
A reader, a crash or a ``kill -9`` at any moment sees the old file or the new one. A symbolic
link at the target is replaced by the new file (the link's destination is never written
through); an error inside the ``with`` block removes the temporary file and leaves the target
as it was.

This module is the one place where gradbook writes files: ``Module.save``, the plots, the
rendered graphs and every file the ``gradbook`` command writes go through it.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write", "atomic_write_bytes", "atomic_write_text"]


def _umask() -> int:
    # os.umask can only be read by setting it; done once, at import, before any thread of
    # ours writes a file.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


_UMASK = _umask()


@contextlib.contextmanager
def atomic_write(
    path: str | os.PathLike, mode: str = "wb", encoding: str | None = None,
    newline: str | None = None,
) -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path`` for writing; on a normal exit of the ``with``
    block, flush and fsync it and rename it to ``path`` (``os.replace``, atomic on POSIX and
    Windows); on an exception, delete it and leave ``path`` untouched.

    Args:
        path: the file to (re)write. A symbolic link there is replaced, not followed.
        mode: ``"wb"`` (bytes) or ``"w"`` (text, with ``encoding``, UTF-8 by default, and
            ``newline`` as for :func:`open`).

    The new file gets the permissions a plain ``open(path, "w")`` would give a new file
    (``0o666`` minus the umask), or the old file's when it replaces a regular file.

    Raises:
        IsADirectoryError: ``path`` is a directory.
        FileNotFoundError: its folder does not exist.
        ValueError: an unsupported ``mode``.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write supports mode 'wb' or 'w', got {mode!r}")
    path = Path(path)
    if path.is_dir() and not path.is_symlink():
        raise IsADirectoryError(21, "Is a directory", str(path))
    folder = path.parent
    if not folder.is_dir():
        raise FileNotFoundError(2, "No such directory", str(folder))
    try:
        old = path.lstat()
        perms = stat.S_IMODE(old.st_mode) if stat.S_ISREG(old.st_mode) else None
    except FileNotFoundError:
        perms = None
    if perms is None:
        perms = 0o666 & ~_UMASK
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        text = mode == "w"
        with os.fdopen(fd, mode, encoding=(encoding or "utf-8") if text else None,
                       newline=newline if text else None) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, perms)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


def _fsync_folder(folder: Path) -> None:
    # Makes the rename itself durable (POSIX); folders cannot be opened this way on Windows.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` with :func:`atomic_write`; returns the path."""
    with atomic_write(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` with :func:`atomic_write` (text mode); returns the path."""
    with atomic_write(path, "w", encoding=encoding) as fh:
        fh.write(text)
    return Path(path)
