"""pytest's configuration for the test suite.

What several test files share is defined once in ``helpers.py`` (central differences, numpy
references, the ``Square``/``WrongSquare`` Functions...), not here: test files use those at import
time (``Square.apply`` in a test body, ``seed_of`` in a parametrize table), where fixtures cannot
reach, and conftest.py is loaded by pytest itself for fixtures and hooks, not a module for tests
to import. This file only makes ``from helpers import ...`` (and ``notebook_runner``) work under
every import mode: pytest's default puts the tests directory on ``sys.path`` by itself,
``--import-mode=importlib`` does not.
"""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = str(Path(__file__).resolve().parent)
if TESTS not in sys.path:
    sys.path.insert(0, TESTS)
