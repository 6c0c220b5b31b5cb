"""autograd.atomic: a file is its old content or its complete new content, never a mix; links
at the target are replaced, not written through."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from helpers import kill_while_writing

from autograd.atomic import atomic_write, atomic_write_bytes, atomic_write_text


def test_writes_and_replaces(tmp_path: Path):
    path = tmp_path / "f.txt"
    atomic_write_text(path, "one")
    assert path.read_text() == "one"
    atomic_write_bytes(path, b"two")
    assert path.read_bytes() == b"two"
    with atomic_write(path, "w", newline="") as fh:
        fh.write("a\r\nb")
    assert path.read_bytes() == b"a\r\nb"
    assert sorted(os.listdir(tmp_path)) == ["f.txt"]  # no temporary file left behind


def test_an_error_inside_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"old content")
    with pytest.raises(RuntimeError, match="disk on fire"), atomic_write(path) as fh:
        fh.write(b"half of the new")
        raise RuntimeError("disk on fire")
    assert path.read_bytes() == b"old content"
    assert sorted(os.listdir(tmp_path)) == ["model.bin"]


def test_a_symlink_is_replaced_not_followed(tmp_path: Path):
    target = tmp_path / "precious.txt"
    target.write_text("keep me")
    link = tmp_path / "out.txt"
    link.symlink_to(target)
    atomic_write_text(link, "new")
    assert target.read_text() == "keep me"
    assert not link.is_symlink() and link.read_text() == "new"


def test_permissions_are_those_of_a_plain_open(tmp_path: Path):
    fresh = tmp_path / "fresh"
    atomic_write_bytes(fresh, b"x")
    plain = tmp_path / "plain"
    plain.write_bytes(b"x")  # what open(path, "w") gives under this process's umask
    assert stat.S_IMODE(fresh.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    plain.chmod(0o640)
    atomic_write_bytes(plain, b"y")  # replacing a file keeps its mode
    assert stat.S_IMODE(plain.stat().st_mode) == 0o640


def test_bad_targets_are_refused_before_writing(tmp_path: Path):
    with pytest.raises(IsADirectoryError):
        atomic_write_bytes(tmp_path, b"x")
    with pytest.raises(FileNotFoundError):
        atomic_write_bytes(tmp_path / "missing" / "f", b"x")
    with pytest.raises(ValueError, match="mode"), atomic_write(tmp_path / "f", "a"):
        pass
    assert os.listdir(tmp_path) == []


def test_a_writer_killed_midway_leaves_the_old_file(tmp_path: Path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"old" * 1000)
    child = (
        "import sys, time\n"
        "from autograd.atomic import atomic_write\n"
        "with atomic_write(sys.argv[1]) as fh:\n"
        "    fh.write(b'new' * 100000); fh.flush()\n"
        "    print('writing', flush=True); time.sleep(120)\n"
    )
    kill_while_writing(child, path)
    assert path.read_bytes() == b"old" * 1000
    # what a kill -9 leaves is a hidden temporary beside it, never a damaged target
    left = [p.name for p in tmp_path.iterdir() if p.name != "data.bin"]
    assert all(name.startswith(".data.bin.") and name.endswith(".tmp") for name in left)
