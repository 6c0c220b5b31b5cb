"""Helpers shared by several test files (imported as ``from helpers import ...``, like
``notebook_runner``): central differences, numpy references, small user-defined Functions
(``Square``, ``WrongSquare``, ``Cube``), and process and memory tools."""

from __future__ import annotations

import signal
import subprocess
import sys
import tracemalloc
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import autograd
from autograd import Function


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


# --- central differences -----------------------------------------------------------------------


def central_diff(f: Callable[[], float], arr: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """d f() / d arr by central differences, ``(f(arr + h·eᵢ) − f(arr − h·eᵢ)) / 2h`` for each
    element i, perturbing ``arr`` in place (and restoring it): ``f`` reads ``arr`` itself."""
    g = np.zeros_like(arr)
    for i in np.ndindex(arr.shape):
        orig = arr[i]
        arr[i] = orig + h
        up = f()
        arr[i] = orig - h
        down = f()
        arr[i] = orig
        g[i] = (up - down) / (2 * h)
    return g


def np_central(f: Callable[..., Any], arrays: list, eps: float = 1e-6) -> list[np.ndarray]:
    """d f / d arrays[k] for each k by central differences of ``f(*arrays)``, a numpy function
    returning one number; the arrays are copied to float64 first."""
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    return [central_diff(lambda: float(f(*arrays)), a, eps) for a in arrays]


# --- numpy references --------------------------------------------------------------------------


def np_softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    """softmax(x)ᵢ = exp(xᵢ − max x) / Σⱼ exp(xⱼ − max x) along ``axis``."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def seed_of(name: str) -> int:
    """A random seed fixed by a test case's name (CRC-32), the same in every run."""
    return zlib.crc32(name.encode())


# --- user-defined Functions --------------------------------------------------------------------


class Square(Function):
    """y = x², with the right derivative dy/dx = 2x."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 2 * x * g


class WrongSquare(Square):
    """y = x² with a typical slip in its backward: 3x instead of 2x."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x * g


class Cube(Function):
    """y = x³, with the right derivative dy/dx = 3x²."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return 3 * x * x * g


# How a user applies each op that has no method of its own: an operator or a function.
_OPERATOR_CALLS: dict[str, Callable[..., Any]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "pow_const": lambda x, c: x**c,
    "rpow_const": lambda x, c: c**x,
    "neg": lambda x: -x,
    "abs": lambda x: abs(x),
    "add_n": lambda *xs: autograd.sum_values(xs),
    # inputs b, w1..wn, x1..xn, then the parameter n
    "affine": lambda b, *wxn: autograd.affine(wxn[:wxn[-1]], wxn[wxn[-1]:-1], b),
    "maximum": lambda a, b: autograd.maximum(a, b),
    "minimum": lambda a, b: autograd.minimum(a, b),
    "gelu": lambda x: x.gelu(),
    "gelu_tanh": lambda x: x.gelu("tanh"),
    "gelu_sigmoid": lambda x: x.gelu("sigmoid"),
}


def public_call(op: Any, xs: Any, params: tuple = ()) -> Any:
    """Apply a registered elementwise op to the nodes ``xs`` the way a user writes it: its
    method (``x.leaky_relu(0.1)``), else its operator or function (``a * b``, ``x ** c``,
    ``maximum(a, b)``, ``sum_values(xs)``)."""
    if op.method is not None:
        return getattr(xs[0], op.method)(*params)
    return _OPERATOR_CALLS[op.name](*xs, *params)


def one_line_error(r: subprocess.CompletedProcess, command: str) -> str:
    """The CLI's error contract: exactly one line on standard error, ``gradbook COMMAND: ...``,
    never a traceback; returns that line."""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1, r.stderr
    assert lines[0].startswith(f"gradbook {command}: "), r.stderr
    assert "Traceback" not in r.stderr
    return lines[0]
