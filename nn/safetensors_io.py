"""Model weights as safetensors, the format of PyTorch and Hugging Face (no pickle, by design).

A ``.safetensors`` file is 8 bytes (the header length ``n``, a little-endian unsigned 64-bit
integer), ``n`` bytes of UTF-8 JSON (``{"name": {"dtype": "F32", "shape": [2, 3],
"data_offsets": [begin, end]}, ..., "__metadata__": {str: str}}``) and the tensors' bytes,
little-endian, row-major, one after the other: the offsets are relative to the end of the
header, and the tensors cover the data exactly (no gap, no overlap, nothing after the last).

:meth:`nn.Module.save` and :meth:`nn.Module.load` use this module for a ``.safetensors`` path.
Writing goes through the ``safetensors`` package (``safetensors.numpy.save``); reading checks the
whole header here first (:func:`read_header`: at most 8 bytes plus a header of at most
:data:`MAX_HEADER_BYTES`, every entry's dtype, shape, size and offsets against the file's size),
so that a hostile or broken file is refused with one :class:`~nn.module.ModelFileError` before
anything is allocated for its tensors; only then does the package read the tensors the model
needs (:func:`read_tensors`).

The ``safetensors`` package is an optional extra (``pip install "gradbook[export]"``): it is
imported only when a ``.safetensors`` file is written or read, never by ``import nn``.

Dtypes: a file may hold ``F64``, ``F32``, ``F16``, ``BF16`` (read exactly as float32: numpy
has no bfloat16), ``I64``, ``I32``, ``I16``, ``I8``, ``U64``, ``U32``, ``U16``, ``U8`` and
``BOOL``, the real numeric types numpy holds exactly; any other (the float8 and float4/6
variants, complex ``C64``, an unknown name) makes the file refused.
"""

from __future__ import annotations

import json
import os
import reprlib
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .module import ModelFileError

__all__ = [
    "DTYPES", "INSTALL_HINT", "MAX_DIMS", "MAX_HEADER_BYTES", "SafetensorsHeader", "TensorInfo",
    "looks_like_safetensors", "read_header", "read_tensors", "require_safetensors", "to_bytes",
]

#: The largest header read (bytes): the ``safetensors`` package's own limit (100 MB).
MAX_HEADER_BYTES = 100_000_000

#: The most dimensions a tensor may have (PyTorch's limit).
MAX_DIMS = 64

#: How to install the optional ``safetensors`` package.
INSTALL_HINT = 'pip install "gradbook[export]"'

#: The dtypes a file may hold: safetensors name -> numpy dtype (little-endian). BF16 has no
#: numpy dtype; its values are read as float32 (exactly: bfloat16 is float32's upper half).
DTYPES: dict[str, np.dtype] = {
    "F64": np.dtype("<f8"), "F32": np.dtype("<f4"), "F16": np.dtype("<f2"),
    "BF16": np.dtype("<u2"),
    "I64": np.dtype("<i8"), "I32": np.dtype("<i4"), "I16": np.dtype("<i2"),
    "I8": np.dtype("i1"),
    "U64": np.dtype("<u8"), "U32": np.dtype("<u4"), "U16": np.dtype("<u2"),
    "U8": np.dtype("u1"), "BOOL": np.dtype("?"),
}

_METADATA_KEY = "__metadata__"
_ZIP_MAGIC = b"PK"


@dataclass(frozen=True)
class TensorInfo:
    """One tensor's header entry: its safetensors dtype name, shape, and byte range within the
    data (``begin`` to ``end``, counted from the end of the header)."""

    dtype: str
    shape: tuple[int, ...]
    begin: int
    end: int


@dataclass(frozen=True)
class SafetensorsHeader:
    """A checked header: the tensors by name, the ``__metadata__`` strings, and where the data
    starts in the file (``8 + header length``)."""

    tensors: dict[str, TensorInfo]
    metadata: dict[str, str]
    data_start: int


def require_safetensors() -> types.ModuleType:
    """The ``safetensors.numpy`` module.

    Raises:
        ImportError: the package is not installed, saying how to install it.
    """
    try:
        import safetensors.numpy as stnp
    except ImportError as exc:
        raise ImportError(
            "reading or writing .safetensors files needs the safetensors package, an optional "
            f"extra of gradbook: {INSTALL_HINT}"
        ) from exc
    return stnp


def to_bytes(arrays: dict[str, np.ndarray], metadata: dict[str, str]) -> bytes:
    """The safetensors file holding ``arrays`` (each in its own dtype and shape, a 0-d array as
    a tensor of shape ``[]``) and the ``metadata`` strings, written by
    ``safetensors.numpy.save``.

    Raises:
        ValueError: an array whose dtype a safetensors file cannot hold (naming it).
        ImportError: the ``safetensors`` package is not installed.
    """
    stnp = require_safetensors()
    savable = {d.newbyteorder("=") for d in DTYPES.values()}
    for name, arr in arrays.items():
        if arr.dtype.newbyteorder("=") not in savable:
            raise ValueError(
                f"cannot save {name!r} as safetensors: dtype {arr.dtype} is none of "
                f"{', '.join(sorted(str(d) for d in savable))}"
            )
    # safetensors.numpy.save needs dense, C-ordered arrays (a parameter may be a transposed
    # view); not np.ascontiguousarray, which turns a 0-d array into shape (1,)
    dense = {name: np.array(arr, order="C", copy=not arr.flags.c_contiguous)
             for name, arr in arrays.items()}
    data: bytes = stnp.save(dense, metadata=metadata)
    return data


def looks_like_safetensors(head: bytes) -> bool:
    """Whether the first bytes of a file look like safetensors (an 8-byte length, then ``{``)
    rather than a zip archive (``.npz``) or anything else."""
    return len(head) >= 9 and not head.startswith(_ZIP_MAGIC) and head[8:9] == b"{"


def _refuse(path: Path, problem: str) -> ModelFileError:
    return ModelFileError(f"cannot read {path} as safetensors: {problem}")


# Bounded reprs of what a hostile header holds (reprlib stops after a few items, whatever the size).
_BRIEF = reprlib.Repr()  # keyword arguments need Python 3.12
_BRIEF.maxlevel, _BRIEF.maxlist, _BRIEF.maxdict = 3, 8, 4
_BRIEF.maxstring, _BRIEF.maxlong, _BRIEF.maxother = 60, 40, 60


def _fmt(shape: tuple[int, ...]) -> str:
    return "scalar ()" if shape == () else str(shape)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice")
        out[key] = value
    return out


def _is_count(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool) and x >= 0


def _nbytes(shape: tuple[int, ...], itemsize: int, limit: int) -> int:
    """``prod(shape) * itemsize``, or ``limit + 1`` as soon as it is known to exceed
    ``limit`` (huge dimensions are never multiplied into a huge integer)."""
    if 0 in shape:
        return 0
    n = itemsize
    for dim in shape:
        n *= dim
        if n > limit:
            return limit + 1
    return n


def read_header(path: Path) -> SafetensorsHeader:
    """Read and check the header of the safetensors file at ``path``, reading at most
    ``8 + MAX_HEADER_BYTES`` bytes and no tensor data.

    Checked: the file holds the 8-byte length and a header of that length (at most
    :data:`MAX_HEADER_BYTES`); the header is UTF-8 JSON, an object starting with ``{`` without
    repeated keys; ``__metadata__``, if present, maps strings to strings; every other entry has
    a dtype of :data:`DTYPES`, a shape of at most :data:`MAX_DIMS` non-negative integers and
    two ``data_offsets`` ``begin <= end`` with ``end - begin == prod(shape) * itemsize``
    within the data; and the tensors cover the data exactly, in some order, without overlap or
    gap.

    Raises:
        ModelFileError: the first problem found, naming the file (and the tensor).
        FileNotFoundError: there is no file at ``path``.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size == 0:
            raise _refuse(path, "the file is empty (0 bytes)")
        head = fh.read(8)
        if len(head) < 8:
            raise _refuse(path, f"the file is truncated: {size} bytes, fewer than the 8 bytes "
                                "of the header length")
        n = int.from_bytes(head, "little")
        if n > size - 8:
            hint = " (it starts like a zip archive: an .npz file?)" if head.startswith(
                _ZIP_MAGIC) else ""
            raise _refuse(path, f"the header length (first 8 bytes) is {n} bytes but only "
                                f"{size - 8} bytes follow: a truncated file or not a "
                                f"safetensors file{hint}")
        if n > MAX_HEADER_BYTES:
            raise _refuse(path, f"the header length is {n} bytes, more than the "
                                f"{MAX_HEADER_BYTES} bytes allowed")
        raw = fh.read(n)
    if len(raw) != n:  # the file shrank while being read
        raise _refuse(path, f"the file is truncated: its header should have {n} bytes, "
                            f"found {len(raw)}")
    try:
        text = raw.decode("utf-8")
        if not text.startswith("{"):
            raise ValueError("it does not start with '{'")
        parsed = json.loads(text, object_pairs_hook=_no_duplicates)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeError included
        raise _refuse(path, f"the {n}-byte header is not a JSON object: "
                            f"{str(exc)[:200]}") from None
    if not isinstance(parsed, dict):  # pragma: no cover - a text starting with '{' is one
        raise _refuse(path, "the header is not a JSON object")
    data_size = size - 8 - n
    metadata: dict[str, str] = {}
    tensors: dict[str, TensorInfo] = {}
    for name, entry in parsed.items():
        if name == _METADATA_KEY:
            if entry is None:
                continue
            if not isinstance(entry, dict) or not all(
                    isinstance(v, str) for v in entry.values()):
                raise _refuse(path, f"{_METADATA_KEY!r} must map strings to strings")
            metadata = dict(entry)
            continue
        tensors[name] = _tensor_info(path, name, entry, data_size)
    _check_coverage(path, tensors, data_size)
    return SafetensorsHeader(tensors, metadata, 8 + n)


def _tensor_info(path: Path, name: str, entry: Any, data_size: int) -> TensorInfo:
    """One entry of the header, checked on its own (see :func:`read_header`)."""
    where = f"tensor {name!r}"
    if not isinstance(entry, dict) or not {"dtype", "shape", "data_offsets"} <= set(entry):
        raise _refuse(path, f"{where} should be an object with 'dtype', 'shape' and "
                            f"'data_offsets', found {_BRIEF.repr(entry)}")
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise _refuse(path, f"{where} has dtype {_BRIEF.repr(dtype)}, which gradbook does not "
                            f"load (it loads {', '.join(DTYPES)})")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS or not all(
            _is_count(d) for d in shape):
        raise _refuse(path, f"{where} has shape {_BRIEF.repr(shape)}, not a list of at most "
                            f"{MAX_DIMS} non-negative integers")
    if (not isinstance(offsets, list) or len(offsets) != 2
            or not all(_is_count(o) for o in offsets)):
        raise _refuse(path, f"{where} has data_offsets {_BRIEF.repr(offsets)}, not two "
                            "non-negative integers")
    shape_t = tuple(shape)
    begin, end = offsets
    nbytes = _nbytes(shape_t, DTYPES[dtype].itemsize, data_size)
    if nbytes > data_size:
        raise _refuse(path, f"{where} declares shape {_fmt(shape_t)} of {dtype}, more than the "
                            f"{data_size} bytes of tensor data the file holds (truncated?)")
    if end < begin:
        raise _refuse(path, f"{where} has data_offsets [{begin}, {end}] that go backwards")
    if end > data_size:
        raise _refuse(path, f"{where} has data_offsets [{begin}, {end}] beyond the "
                            f"{data_size} bytes of tensor data the file holds (truncated?)")
    if end - begin != nbytes:
        raise _refuse(path, f"{where} declares shape {_fmt(shape_t)} of {dtype} ({nbytes} "
                            f"bytes) but its data_offsets [{begin}, {end}] span "
                            f"{end - begin} bytes")
    return TensorInfo(dtype, shape_t, begin, end)


def _check_coverage(path: Path, tensors: dict[str, TensorInfo], data_size: int) -> None:
    """The tensors' byte ranges, in order, must tile ``[0, data_size)`` exactly."""
    at, previous = 0, None
    for name, info in sorted(tensors.items(), key=lambda kv: (kv[1].begin, kv[1].end)):
        if info.begin < at:
            raise _refuse(path, f"tensors {previous!r} and {name!r} overlap (data_offsets "
                                f"end at {at} and begin at {info.begin})")
        if info.begin > at:
            raise _refuse(path, f"bytes {at} to {info.begin} of the tensor data belong to no "
                                f"tensor (before {name!r})")
        at, previous = info.end, name
    if at != data_size:
        raise _refuse(path, f"the tensors cover {at} bytes of data but the file holds "
                            f"{data_size} (extra bytes at the end)")


def read_tensors(path: Path, header: SafetensorsHeader,
                 keys: list[str]) -> dict[str, np.ndarray]:
    """The tensors ``keys`` of the file whose header :func:`read_header` checked, as numpy arrays
    of their dtype (BF16 as float32), read by ``safetensors.safe_open``; no other tensor is
    read.

    Raises:
        ModelFileError: the package refuses the file, or it changed since its header was read.
        ImportError: the ``safetensors`` package is not installed.
    """
    require_safetensors()
    from safetensors import SafetensorError, safe_open

    out: dict[str, np.ndarray] = {}
    try:
        with safe_open(path, framework="numpy") as f:
            for key in keys:
                info = header.tensors[key]
                if info.dtype == "BF16":
                    continue
                out[key] = np.asarray(f.get_tensor(key))
    except SafetensorError as exc:
        raise _refuse(path, str(exc)) from None
    bf16 = [k for k in keys if header.tensors[k].dtype == "BF16"]
    if bf16:
        with open(path, "rb") as fh:
            for key in bf16:
                info = header.tensors[key]
                fh.seek(header.data_start + info.begin)
                raw = fh.read(info.end - info.begin)
                if len(raw) != info.end - info.begin:
                    raise _refuse(path, f"tensor {key!r} is truncated (the file changed)")
                # bfloat16 is the upper 16 bits of a float32: shifting them back is exact
                bits = np.frombuffer(raw, dtype="<u2").astype("<u4") << 16
                out[key] = bits.view("<f4").astype(np.float32).reshape(info.shape)
    for key in keys:
        info = header.tensors[key]
        want = np.dtype(np.float32) if info.dtype == "BF16" else DTYPES[info.dtype]
        arr = out[key]
        if arr.shape != info.shape or arr.dtype.newbyteorder("=") != want.newbyteorder("="):
            raise _refuse(path, f"tensor {key!r} changed while the file was read")
    return out
