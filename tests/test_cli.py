"""The `gradbook` command, run as a user runs it: in a subprocess."""

import subprocess
import sys
from importlib.metadata import version


def test_version_matches_installed_metadata():
    result = subprocess.run(
        [sys.executable, "-m", "gradbook", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    prog, _, shown = result.stdout.strip().partition(" ")
    assert prog == "gradbook"
    assert shown == version("gradbook")
