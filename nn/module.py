"""``Module``: the base class of every layer and model, scalar (``Value``) or array (``Tensor``).

A module's parameters and submodules are found by looking at its attributes, in the order they
were first assigned (deterministic, like PyTorch's registration):

* an attribute holding a ``Module`` is a submodule;
* an attribute holding a leaf graph node (``Value`` or ``Tensor``) with ``requires_grad=True``
  is a parameter;
* an attribute holding a list or tuple is searched item by item (``self.w = [Value, ...]``
  gives the parameters ``w.0, w.1, ...``; ``self.layers = [Layer, ...]`` the submodules
  ``layers.0, layers.1, ...``).

Attributes whose name starts with ``_`` are private and never searched. Buffers (state that is
saved but not trained, like BatchNorm's running statistics) are numpy arrays declared with
:meth:`Module.register_buffer`.

Parameter names are dotted paths: ``layers.0.neurons.3.w.1`` for the scalar ``MLP`` and
``0.weight`` for a ``Sequential``. They are the keys of :meth:`Module.state_dict` and of the
files written by :meth:`Module.save`: ``.npz`` archives, or safetensors files (PyTorch's and
Hugging Face's format, :mod:`nn.safetensors_io`) for a ``.safetensors`` path.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np

from autograd import Node, Value, atomic_write, atomic_write_bytes

__all__ = ["ModelFileError", "Module", "StateDictError"]

#: Key under which :meth:`Module.save` stores a description of the architecture.
ARCHITECTURE_KEY = "__architecture__"


#: The longest architecture description :meth:`Module.load` reads (characters).
MAX_ARCHITECTURE_CHARS = 1 << 16

#: The suffix (any case) for which :meth:`Module.save` writes safetensors instead of ``.npz``.
SAFETENSORS_SUFFIX = ".safetensors"

#: The ``__metadata__`` key under which a safetensors file records the architecture.
SAFETENSORS_ARCHITECTURE_KEY = "gradbook.architecture"


class StateDictError(ValueError):
    """A state dict (or a saved file) does not fit the model: missing or unexpected keys,
    or parameters of the wrong shape."""


class ModelFileError(StateDictError):
    """A file that is not a well-formed saved model: not a zip archive, truncated, a bad
    checksum, a single ``.npy`` array, an entry that is not a plain numeric array, an entry
    whose stored size differs from what its header declares; for safetensors, a header that is
    too long for the file or not JSON, a dtype gradbook does not load, tensors whose sizes or
    offsets do not fit the file. The message names the file and, when there is one, the entry
    (tensor)."""


def _is_parameter(obj: Any) -> bool:
    return isinstance(obj, Node) and obj.is_leaf and obj.requires_grad


def _shape(node: Any) -> tuple[int, ...]:
    return () if isinstance(node, Value) else tuple(np.shape(node.data))


def _fmt_shape(shape: tuple[int, ...]) -> str:
    return "scalar ()" if shape == () else str(tuple(shape))


class Module:
    """Base class of layers and models.

    Subclasses set parameters and submodules as attributes in ``__init__`` (calling
    ``super().__init__()`` first) and define :meth:`forward`; calling the module calls
    ``forward``. ``training`` is True after construction; :meth:`eval` and :meth:`train` set it
    on the module and every submodule (Dropout and BatchNorm behave differently in the two).
    """

    training: bool = True
    _buffers: list[str] = []  # replaced by a per-instance list in __init__

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)
        object.__setattr__(self, "_buffers", [])

    # -- calling ------------------------------------------------------------------------------
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} does not define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # -- discovery ------------------------------------------------------------------------------
    def _items(self) -> Iterator[tuple[str, Any]]:
        """``(name, Module or parameter)`` for this module's direct children, in order."""
        for name, value in vars(self).items():
            if name.startswith("_") or name == "training":
                continue
            yield from _flatten(name, value)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules with their names, in definition order."""
        for name, item in self._items():
            if isinstance(item, Module):
                yield name, item

    def children(self) -> Iterator[Module]:
        """The direct submodules."""
        for _, m in self.named_children():
            yield m

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (name ``prefix``, ``''`` at the top) and all submodules, depth first."""
        seen: set[int] = set()
        stack: list[tuple[str, Module]] = [(prefix, self)]
        while stack:
            name, mod = stack.pop()
            if id(mod) in seen:
                continue
            seen.add(id(mod))
            yield name, mod
            kids = [(_join(name, n), m) for n, m in mod.named_children()]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        """This module and all of its submodules."""
        for _, m in self.named_modules():
            yield m

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """``(dotted name, parameter)`` pairs, in definition order, each parameter once (a
        parameter shared between two places is listed under its first name)."""
        seen: set[int] = set()  # parameters and modules already visited
        stack: list[tuple[str, Any]] = [(prefix, self)]
        while stack:
            name, item = stack.pop()
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, Module):
                kids = [(_join(name, n), x) for n, x in item._items()]
                stack.extend(reversed(kids))
            else:
                yield name, item

    def parameters(self) -> list[Node]:
        """All trainable parameters (Values or Tensors), in the order of
        :meth:`named_parameters`; a list, so it can be passed to an optimizer and reused."""
        return [p for _, p in self.named_parameters()]

    def num_parameters(self) -> int:
        """The number of trainable scalars (a Value counts 1, a Tensor its size)."""
        return sum(1 if isinstance(p, Value) else int(np.size(p.data)) for p in self.parameters())

    # -- buffers --------------------------------------------------------------------------------
    def register_buffer(self, name: str, array: Any) -> None:
        """Store ``array`` as the attribute ``name`` and include it in the state dict (running
        statistics and other saved state that is not trained)."""
        if name.startswith("_") or "." in name:
            raise ValueError(f"buffer name {name!r} must not start with '_' or contain '.'")
        setattr(self, name, np.asarray(array))
        if "_buffers" not in vars(self):
            object.__setattr__(self, "_buffers", [])
        if name not in self._buffers:
            self._buffers.append(name)

    def named_buffers(self, prefix: str = "") -> Iterator[tuple[str, np.ndarray]]:
        """``(dotted name, array)`` for the buffers of this module and its submodules."""
        for mod_name, mod in self.named_modules(prefix):
            for name in mod._buffers:
                yield _join(mod_name, name), getattr(mod, name)

    # -- modes and gradients ----------------------------------------------------------------
    def train(self, mode: bool = True) -> Module:
        """Set training mode (``mode=True``) or evaluation mode on this module and every
        submodule; returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode: ``train(False)``. Dropout becomes the identity, BatchNorm uses its
        running statistics."""
        return self.train(False)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient (0.0 for a Value, None for a Tensor)."""
        for p in self.parameters():
            p.zero_grad()

    # -- saving and loading ---------------------------------------------------------------------
    def state_dict(self) -> dict[str, np.ndarray]:
        """Parameters and buffers by dotted name, as numpy array copies (a Value becomes a 0-d
        float64 array). Later training does not change a state dict taken earlier."""
        out: dict[str, np.ndarray] = {}
        for name, p in self.named_parameters():
            out[name] = np.array(p.data, dtype=np.float64) if isinstance(p, Value) else (
                np.array(p.data, copy=True)
            )
        for name, buf in self.named_buffers():
            out[name] = np.array(buf, copy=True)
        return out

    def load_state_dict(self, state_dict: Any, strict: bool = True) -> None:
        """Copy the arrays of ``state_dict`` into the parameters and buffers with those names.

        Every value must have its parameter's shape. With ``strict`` (the default) the keys
        must match exactly; the error lists the missing and unexpected keys. Nothing is changed
        when any check fails. Tensor parameters are updated in place, so an optimizer holding
        them keeps working.
        """
        state = {k: v for k, v in dict(state_dict).items() if k != ARCHITECTURE_KEY}
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        expected = list(params) + [b for b in buffers if b not in params]
        missing = [k for k in expected if k not in state]
        unexpected = [k for k in state if k not in params and k not in buffers]
        problems = []
        if strict and (missing or unexpected):
            if missing:
                problems.append(f"missing keys: {_list(missing)}")
            if unexpected:
                problems.append(f"unexpected keys: {_list(unexpected)}")
        arrays: dict[str, np.ndarray] = {}
        for name, value in state.items():
            if name not in params and name not in buffers:
                continue
            arr = np.asarray(value)
            if arr.dtype.kind not in "biuf":
                problems.append(f"{name!r} holds non-numeric data of dtype {arr.dtype}")
                continue
            want = _shape(params[name]) if name in params else np.shape(buffers[name])
            if arr.shape != tuple(want):
                problems.append(
                    f"size mismatch for {name!r}: the state dict has shape {_fmt_shape(arr.shape)}"
                    f", the model's parameter has shape {_fmt_shape(tuple(want))}"
                )
                continue
            arrays[name] = arr
        if problems:
            raise StateDictError(
                f"cannot load the state dict into {type(self).__name__}:\n  "
                + "\n  ".join(problems)
            )
        for name, arr in arrays.items():
            if name in params:
                p = params[name]
                if isinstance(p, Value):
                    p.data = float(arr)
                else:
                    p.data[...] = arr
            else:
                mod_name, _, attr = name.rpartition(".")
                mod = self.get_submodule(mod_name)
                current = getattr(mod, attr)
                setattr(mod, attr, arr.astype(current.dtype, copy=True))

    def get_submodule(self, target: str) -> Module:
        """The submodule at a dotted path (``''`` is this module)."""
        if not target:
            return self
        for name, m in self.named_modules():
            if name == target:
                return m
        raise AttributeError(f"{type(self).__name__} has no submodule {target!r}")

    def save(self, path: str | os.PathLike) -> Path:
        """Write the state dict to ``path`` and return the path; the format follows the suffix.

        * ``.safetensors`` (any case): a safetensors file (:mod:`nn.safetensors_io`, written by
          the optional ``safetensors`` package), PyTorch's and Hugging Face's format. Its keys
          and shapes are PyTorch's (``0.weight`` of shape ``(out, in)``, BatchNorm1d's
          ``running_mean``, ``running_var`` and ``num_batches_tracked``), so
          ``torch_model.load_state_dict(safetensors.torch.load_file(path))`` loads it into the
          equivalent PyTorch model. Each array keeps gradbook's dtype: parameters and float
          buffers are written as ``F64`` (float64, gradbook's dtype: the exact values; PyTorch's
          ``load_state_dict`` rounds them to its float32 parameters when it copies), a float32
          model's as ``F32``, ``num_batches_tracked`` as a 0-d ``I64``. ``__metadata__`` holds
          ``{"format": "pt", "gradbook.architecture": <one-line repr>}`` (Hugging Face's
          loaders want ``format``).
        * anything else: an uncompressed ``.npz`` archive (numeric arrays only, readable without
          pickle) with a description of the architecture. No suffix is ever added.

        The file is written exactly at ``path``, atomically (:func:`autograd.atomic_write`): an
        interrupted save leaves the previous file intact, and a symbolic link at ``path`` is
        replaced, never written through.

        Raises:
            ImportError: a ``.safetensors`` path without the ``safetensors`` package installed
                (``pip install "gradbook[export]"``).
        """
        path = Path(path)
        arrays = self.state_dict()
        if path.suffix.lower() == SAFETENSORS_SUFFIX:
            from . import safetensors_io

            metadata = {"format": "pt", SAFETENSORS_ARCHITECTURE_KEY: _one_line(repr(self))}
            # The whole file is built in memory (the package's numpy API returns bytes), then
            # written in one atomic replace.
            atomic_write_bytes(path, safetensors_io.to_bytes(arrays, metadata))
            return path
        if ARCHITECTURE_KEY in arrays:
            raise ValueError(f"a parameter may not be named {ARCHITECTURE_KEY!r}")
        arrays[ARCHITECTURE_KEY] = np.array(_one_line(repr(self)))
        with atomic_write(path, "wb") as f:
            # mypy matches **arrays against savez's keyword allow_pickle: bool as well; the
            # keys are parameter and buffer names, which are arrays to store.
            np.savez(f, **arrays)  # type: ignore[arg-type]
        return path

    def load(self, path: str | os.PathLike, strict: bool = True) -> Module:
        """Load parameters saved by :meth:`save` (or, for safetensors, by PyTorch) into this
        model (same architecture); returns self.

        The format: a ``.safetensors`` suffix (any case) is read as safetensors and ``.npz`` as
        an ``.npz`` archive, whatever the content; for any other suffix the first bytes decide:
        an 8-byte length followed by ``{`` (and not a zip archive's ``PK``) is safetensors,
        anything else is read as ``.npz`` (so its errors are the ``.npz`` reader's).

        Loading is bounded by the model, not by the file, and nothing of the model changes
        unless every check passes:

        * ``.npz``: the archive's directory and each array's ``.npy`` header are read first,
          and keys, dtypes, shapes and stored sizes are checked against this model's parameters
          before any array data is read. An entry the model does not have is never read (with
          ``strict`` it is an error). No pickle is ever loaded: an entry holding Python objects
          is refused, never executed.
        * safetensors: the header (at most 100 MB) is read and checked whole
          (:func:`nn.safetensors_io.read_header`: JSON, dtypes, shapes, sizes and offsets
          against the file's size) before any tensor is; then keys and shapes are checked
          against the model, and only the tensors the model has are read. Any real numeric
          dtype is converted to the parameter's (a PyTorch file's float32 exactly to float64;
          BF16 and F16 too), but a float tensor is refused for an integer buffer such as
          ``num_batches_tracked``. A file of PyTorch's ``state_dict`` of the equivalent model
          (``safetensors.torch.save_file(model.state_dict(), path)``) loads.

        Raises:
            StateDictError: the file is a saved model of another architecture (missing or
                unexpected keys, shapes that differ), naming what differs and both
                architectures (when the file records its own).
            ModelFileError: the file is not a well-formed saved model (not a zip archive,
                truncated, a bad CRC, a plain ``.npy``, a malformed entry; a safetensors header
                that is too long, not JSON, or declares tensors the file cannot hold), naming
                the file and the entry.
            FileNotFoundError: there is no file at ``path``.
            ImportError: a safetensors file without the ``safetensors`` package installed
                (``pip install "gradbook[export]"``).
        """
        path = Path(path)
        if _is_safetensors(path):
            return self._load_safetensors(path, strict)
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        wanted = {name: _shape(p) for name, p in params.items()}
        wanted.update({n: tuple(np.shape(b)) for n, b in buffers.items() if n not in wanted})
        try:
            with _open_archive(path) as (zf, entries):
                arch = None
                if ARCHITECTURE_KEY in entries:
                    arch = _read_architecture(path, zf, entries[ARCHITECTURE_KEY])
                headers = {}
                for key, info in entries.items():
                    if key in wanted:
                        headers[key] = _read_header(path, zf, info, key)
                problems = _header_problems(wanted, headers, entries, strict)
                if problems:
                    where = ""
                    if arch is not None:
                        where = (f"\n  the file was saved from: {arch}"
                                 f"\n  this model is:           {_one_line(repr(self))}")
                    raise StateDictError(
                        f"{path} does not fit this model: cannot load the state dict into "
                        f"{type(self).__name__}:\n  " + "\n  ".join(problems) + where
                    )
                state = {key: _read_data(path, zf, entries[key], key, *headers[key])
                         for key in headers}
        except (StateDictError, FileNotFoundError):
            raise
        except (OSError, zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError,
                RuntimeError) as exc:  # zipfile: encrypted or unknown compression -> these two
            raise ModelFileError(f"cannot read {path} as a saved model (.npz): {exc}") from exc
        self.load_state_dict(state, strict=False)  # every check passed above
        return self

    def _load_safetensors(self, path: Path, strict: bool) -> Module:
        """:meth:`load` for a safetensors file (see there)."""
        from . import safetensors_io

        safetensors_io.require_safetensors()  # the ImportError before any reading
        header = safetensors_io.read_header(path)
        params = dict(self.named_parameters())
        buffers = dict(self.named_buffers())
        wanted = {name: _shape(p) for name, p in params.items()}
        wanted.update({n: tuple(np.shape(b)) for n, b in buffers.items() if n not in wanted})
        found = {key: (header.tensors[key].shape,) for key in wanted if key in header.tensors}
        problems = _header_problems(wanted, found, header.tensors, strict)
        for key in found:
            kind = "f" if key in params else np.asarray(buffers[key]).dtype.kind
            stored = header.tensors[key].dtype
            if kind in "biu" and stored in ("F64", "F32", "F16", "BF16"):
                problems.append(f"{key!r} is an integer buffer but the file holds {stored}")
        if problems:
            arch = header.metadata.get(SAFETENSORS_ARCHITECTURE_KEY)
            where = ""
            if arch is not None:
                where = (f"\n  the file was saved from: {arch[:MAX_ARCHITECTURE_CHARS]}"
                         f"\n  this model is:           {_one_line(repr(self))}")
            raise StateDictError(
                f"{path} does not fit this model: cannot load the state dict into "
                f"{type(self).__name__}:\n  " + "\n  ".join(problems) + where
            )
        state = safetensors_io.read_tensors(path, header, list(found))
        self.load_state_dict(state, strict=False)  # every check passed above
        return self

    # -- printing -------------------------------------------------------------------------------
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's line of ``repr`` (override)."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {text}")
        return "\n".join(lines) + "\n)"


def _flatten(name: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Module) or _is_parameter(value):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _flatten(f"{name}.{i}", item)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _list(keys: list[str], limit: int = 12) -> str:
    shown = ", ".join(map(repr, keys[:limit]))
    return shown + (f", ... ({len(keys) - limit} more)" if len(keys) > limit else "")


def _one_line(text: str) -> str:
    return " ".join(line.strip() for line in text.splitlines())


def _is_safetensors(path: Path) -> bool:
    """Whether :meth:`Module.load` reads ``path`` as safetensors: by its suffix, ``.safetensors``
    or ``.npz``, else by its first bytes (an unreadable file goes to the ``.npz`` reader, whose
    errors are today's)."""
    suffix = path.suffix.lower()
    if suffix in (SAFETENSORS_SUFFIX, ".npz"):
        return suffix == SAFETENSORS_SUFFIX
    try:
        with open(path, "rb") as fh:
            head = fh.read(9)
    except FileNotFoundError:
        raise
    except OSError:
        return False
    from .safetensors_io import looks_like_safetensors  # needs no optional package

    return looks_like_safetensors(head)


# -- reading saved models, bounded ---------------------------------------------------------------


@contextlib.contextmanager
def _open_archive(path: Path) -> Iterator[tuple[zipfile.ZipFile, dict[str, zipfile.ZipInfo]]]:
    """The zip archive at ``path`` and its entries by key (the name without ``.npy``), from
    the central directory only: nothing is decompressed here."""
    with open(path, "rb") as fh:
        head = fh.read(len(np.lib.format.MAGIC_PREFIX))
    if head == np.lib.format.MAGIC_PREFIX:
        raise ModelFileError(f"{path} holds a single array (.npy), not a saved model (.npz)")
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile as exc:
        raise ModelFileError(
            f"cannot read {path} as a saved model (.npz): not a zip archive, or a truncated "
            f"one ({exc})"
        ) from None
    with zf:
        entries: dict[str, zipfile.ZipInfo] = {}
        for info in zf.infolist():
            name = info.filename
            if not name.endswith(".npy"):
                raise ModelFileError(f"{path}: entry {name!r} is not a .npy array")
            key = name[: -len(".npy")]
            if key in entries:
                raise ModelFileError(f"{path}: entry {name!r} appears twice")
            entries[key] = info
        yield zf, entries


def _read_header(
    path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str
) -> tuple[tuple[int, ...], np.dtype, bool, int]:
    """``(shape, dtype, fortran_order, header length)`` of one entry, reading only its
    ``.npy`` header. Refuses a malformed header, Python objects, a stored size that differs
    from the header's (``header length + prod(shape) * itemsize`` bytes) and, unless the entry
    is the architecture (text), a non-numeric dtype."""
    try:
        with zf.open(info) as fp:
            version = np.lib.format.read_magic(fp)
            reader = {(1, 0): np.lib.format.read_array_header_1_0,
                      (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if reader is None:
                raise ValueError(f"unsupported .npy format version {version}")
            shape, fortran, dtype = reader(fp)
            header_len = fp.tell()
    except ValueError as exc:
        raise ModelFileError(f"{path}: entry {key!r} has a malformed .npy header: {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # a small entry is read whole
        raise ModelFileError(f"{path}: entry {key!r} is corrupt: {exc}") from None
    if dtype.hasobject:
        raise ModelFileError(
            f"{path}: entry {key!r} holds Python objects, which are never loaded "
            "(allow_pickle=False)"
        )
    if key != ARCHITECTURE_KEY and (dtype.kind not in "biuf" or dtype.fields is not None):
        raise ModelFileError(f"{path}: entry {key!r} holds non-numeric data of dtype {dtype}")
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    if info.file_size != header_len + nbytes:
        raise ModelFileError(
            f"{path}: entry {key!r} declares shape {_fmt_shape(tuple(shape))} of {dtype} "
            f"({nbytes} bytes of data after a {header_len}-byte header) but stores "
            f"{info.file_size} bytes"
        )
    return tuple(shape), dtype, fortran, header_len


def _read_data(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str,
               shape: tuple[int, ...], dtype: np.dtype, fortran: bool,
               header_len: int) -> np.ndarray:
    """The array of one entry whose header :func:`_read_header` accepted: exactly the
    declared number of bytes is read, and reading to the end checks the CRC."""
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    try:
        with zf.open(info) as fp:
            fp.read(header_len)
            data = fp.read(nbytes)
            extra = fp.read(1)  # reaching the end makes zipfile verify the CRC-32
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelFileError(f"{path}: entry {key!r} is corrupt: {exc}") from None
    if len(data) != nbytes or extra:
        raise ModelFileError(
            f"{path}: entry {key!r} should hold {nbytes} bytes of data, found "
            f"{len(data) + len(extra)}{' or more' if extra else ''}"
        )
    arr = np.frombuffer(data, dtype=dtype)
    arr = arr.reshape(shape[::-1]).T if fortran else arr.reshape(shape)
    return arr.astype(dtype.newbyteorder("="), copy=True)


def _read_architecture(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> str:
    """The one-line architecture description stored by :meth:`Module.save` (bounded)."""
    shape, dtype, fortran, header_len = _read_header(path, zf, info, ARCHITECTURE_KEY)
    if dtype.kind != "U" or shape != () or dtype.itemsize // 4 > MAX_ARCHITECTURE_CHARS:
        raise ModelFileError(
            f"{path}: entry {ARCHITECTURE_KEY!r} should be one string of at most "
            f"{MAX_ARCHITECTURE_CHARS} characters, found shape {_fmt_shape(shape)} of {dtype}"
        )
    return str(_read_data(path, zf, info, ARCHITECTURE_KEY, shape, dtype, fortran,
                          header_len).item())


def _header_problems(wanted: dict[str, tuple[int, ...]], headers: dict[str, tuple],
                     entries: Mapping[str, object], strict: bool) -> list[str]:
    """What keeps the archive from fitting the model, judged from the headers alone."""
    problems = []
    if strict:
        missing = [k for k in wanted if k not in entries]
        unexpected = [k for k in entries if k not in wanted and k != ARCHITECTURE_KEY]
        if missing:
            problems.append(f"missing keys: {_list(missing)}")
        if unexpected:
            problems.append(f"unexpected keys: {_list(unexpected)}")
    for key, (shape, *_rest) in headers.items():
        if shape != tuple(wanted[key]):
            problems.append(
                f"size mismatch for {key!r}: the state dict has shape {_fmt_shape(shape)}"
                f", the model's parameter has shape {_fmt_shape(tuple(wanted[key]))}"
            )
    return problems
