"""The IDX file format of MNIST and Fashion-MNIST: :func:`load_idx` reads a file (gzipped or
not, with the header checked against the data before the data is read) and :func:`save_idx`
writes one."""

from __future__ import annotations

import gzip
import io
import math
import os
import struct
import zlib
from pathlib import Path
from typing import Any

import numpy as np

from autograd import atomic_write_bytes

__all__ = ["IDX_DTYPES", "MAX_IDX_BYTES", "load_idx", "save_idx"]

#: IDX data-type codes (third byte of the magic number) and their big-endian numpy dtypes.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_IDX_NAMES = "0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32, 0x0E float64"
_GZIP_MAGIC = b"\x1f\x8b"


#: The most data bytes :func:`load_idx` reads unless told otherwise (2 GiB; the 60,000
#: training images of MNIST take 47 MB).
MAX_IDX_BYTES = 1 << 31


def _read_exactly(stream: io.BufferedIOBase, n: int) -> bytes:
    """Up to ``n`` bytes of ``stream`` (fewer only at its end)."""
    parts, left = [], n
    while left > 0:
        chunk = stream.read(min(left, 1 << 24))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _read_idx(
    stream: io.BufferedIOBase, where: str, size: int | None, max_bytes: int
) -> np.ndarray:
    """Parse an IDX stream, checking the header against the data before reading the data.

    ``size`` is the stream's total length when known (an uncompressed file): a header that
    declares more or less data than the file holds is refused before any data is read. For a
    gzip stream (``size=None``) exactly the declared number of bytes is decompressed, plus one
    to detect trailing data, so a small file cannot expand past what its header declares.
    """
    raw = _read_exactly(stream, 4)
    if len(raw) < 4:
        raise ValueError(
            f"{where}: not an IDX file: {len(raw)} bytes, shorter than the 4-byte magic number"
        )
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(
            f"{where}: not an IDX file: magic number 0x{raw[:4].hex()} does not start with two "
            "zero bytes (expected 0x0000TTDD: TT the data type, DD the number of dimensions, "
            "e.g. 0x00000803 for MNIST images)"
        )
    code, ndim = raw[2], raw[3]
    if code not in IDX_DTYPES:
        raise ValueError(
            f"{where}: unknown IDX data type code 0x{code:02X} in magic number "
            f"0x{raw[:4].hex()}; valid codes are {_IDX_NAMES}"
        )
    if ndim > 64:
        raise ValueError(
            f"{where}: the IDX header declares {ndim} dimensions; numpy arrays have at most 64"
        )
    header = 4 + 4 * ndim
    dim_bytes = _read_exactly(stream, 4 * ndim)
    if len(dim_bytes) < 4 * ndim:
        raise ValueError(
            f"{where}: truncated IDX header: {ndim} dimensions need {header} header bytes, "
            f"found {4 + len(dim_bytes)}"
        )
    dims = struct.unpack(f">{ndim}I", dim_bytes)
    dtype = IDX_DTYPES[code]
    count = math.prod(dims)
    expected = count * dtype.itemsize
    declares = (f"the header declares shape {dims} of {dtype.newbyteorder('=').name}, i.e. "
                f"{expected} bytes of data")
    if expected > max_bytes:
        raise ValueError(
            f"{where}: {declares}, more than the limit of {max_bytes} bytes "
            "(pass max_bytes to load_idx to allow more)"
        )
    if size is not None:
        found = size - header
    else:
        payload = _read_exactly(stream, expected)
        found = len(payload) + len(stream.read(1))  # one more byte: is there trailing data?
    if found < expected:
        raise ValueError(
            f"{where}: truncated IDX file: {declares}, but only {found} bytes follow the header"
        )
    if found > expected:
        extra = f"{found - expected}" if size is not None else "at least 1"
        raise ValueError(
            f"{where}: malformed IDX file: {declares}, but "
            f"{found if size is not None else 'more'} bytes follow the header "
            f"({extra} unexpected trailing bytes)"
        )
    if size is not None:
        payload = _read_exactly(stream, expected)
        if len(payload) != expected:  # the file shrank while being read
            raise ValueError(f"{where}: truncated IDX file: {declares}, but only "
                             f"{len(payload)} bytes could be read")
    arr = np.frombuffer(payload, dtype=dtype, count=count)
    return arr.astype(dtype.newbyteorder("="), copy=True).reshape(dims)


def load_idx(path: str | Path, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read an IDX file (the MNIST / Fashion-MNIST format), gzipped or not.

    Layout: a 4-byte magic number ``0x00 0x00 TT DD`` (``TT`` the data type, see
    :data:`IDX_DTYPES`; ``DD`` the number of dimensions), then ``DD`` big-endian uint32
    dimension sizes, then the data in big-endian C order. Gzip compression is detected from the
    content (the bytes ``1f 8b``), not from the file name.

    Reading is bounded: the header is read first, and the data size it declares,
    ``prod(dims) * itemsize``, is checked against ``max_bytes`` and against the file's length
    (an uncompressed file) before any data is read; a gzipped file is decompressed only up to
    the declared size plus one byte.

    Returns:
        a writable numpy array in native byte order with the declared shape and dtype
        (e.g. uint8 of shape ``(60000, 28, 28)`` for training images).

    Raises:
        FileNotFoundError: if ``path`` does not exist.
        ValueError: naming the path, for a wrong magic number, an unknown data type code, more
            than 64 dimensions, a truncated or oversized file (with the expected and found byte
            counts), a declared size above ``max_bytes``, or corrupt gzip data.
    """
    path = Path(path)
    with path.open("rb") as fh:
        if fh.read(2) == _GZIP_MAGIC:
            fh.seek(0)
            try:
                with gzip.GzipFile(fileobj=fh, mode="rb") as gz:
                    return _read_idx(gz, str(path), None, max_bytes)
            except (OSError, EOFError, zlib.error) as exc:
                raise ValueError(f"{path}: gzip data is corrupt or truncated ({exc})") from exc
        fh.seek(0)
        return _read_idx(fh, str(path), os.fstat(fh.fileno()).st_size, max_bytes)


def save_idx(path: str | Path, array: Any, compress: bool | None = None) -> Path:
    """Write ``array`` as an IDX file that :func:`load_idx` (or any MNIST reader) can read.

    The dtype must be one of uint8, int8, int16, int32, float32, float64. ``compress=None``
    gzips when the file name ends in ``.gz``.

    Returns:
        the path written.
    """
    path = Path(path)
    arr = np.asarray(array)
    codes = {dt.newbyteorder("="): code for code, dt in IDX_DTYPES.items()}
    native = arr.dtype.newbyteorder("=")
    if native not in codes:
        raise TypeError(f"IDX cannot store dtype {arr.dtype}; valid dtypes: {_IDX_NAMES}")
    if arr.ndim > 255:
        raise ValueError(f"IDX stores at most 255 dimensions, got {arr.ndim}")
    code = codes[native]
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    payload = header + np.ascontiguousarray(arr, dtype=IDX_DTYPES[code]).tobytes()
    if compress is None:
        compress = path.name.endswith(".gz")
    if compress:
        payload = gzip.compress(payload)
    return atomic_write_bytes(path, payload)
