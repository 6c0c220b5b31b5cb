"""Argument handling shared by the data modules: the seed type, the random generator it makes,
and the checks of sample counts and numeric arrays (each raising a clear TypeError or
ValueError)."""

from __future__ import annotations

from typing import Any

import numpy as np

#: What every ``seed`` argument accepts: an int, ``None`` for fresh entropy, or a
#: ``numpy.random.Generator`` (used as is).
SeedLike = int | np.random.Generator | None


def make_rng(seed: SeedLike) -> np.random.Generator:
    """A numpy Generator from an int seed, ``None`` or an existing Generator (used as is)."""
    return np.random.default_rng(seed)


def check_count(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int, or raise if it is not an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}")
    return int(value)


def as_numeric_array(values: Any, name: str) -> np.ndarray:
    """``np.asarray(values)``, insisting on a bool/int/float dtype with a clear error."""
    try:
        arr = np.asarray(values)
    except ValueError as exc:  # ragged nested lists
        raise TypeError(f"{name} cannot be turned into a rectangular numeric array: {exc}") from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be numeric (bool, int or float), got an array of dtype {arr.dtype}"
        )
    return arr
