"""``Tensor``: a numpy array in the same computation graph as ``Value``.

Every op is a registered primitive (:mod:`autograd.primitives`, :mod:`autograd.array_ops`)
applied by :meth:`Tensor.apply`; backpropagation, ``no_grad``, ``detect_anomaly``, ``Function`` and
``gradcheck`` are the very same code as for ``Value``. Gradients reaching an operand that was
broadcast are summed back to its shape by the engine (:func:`autograd.arrays.unbroadcast`),
once, not in every op. numpy's own functions and ufuncs on a Tensor (``np.exp(t)``) are
answered by :mod:`autograd.interop`.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .differentiable import Differentiable
from .grad_mode import ALL_THREADS, MODE
from .node import Node, new_leaf, new_node
from .op import OPS, Op


def _as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """Convert user data to a float array, with a clear error for anything non-numeric."""
    if isinstance(data, Node):
        data = data.data
    try:
        arr = np.asarray(data)
    except (ValueError, TypeError) as e:  # ragged nested lists
        raise TypeError(
            f"Tensor expects numeric data of a regular shape, got {_preview(data)}: {e}"
        ) from None
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"Tensor expects numbers, got data of dtype {arr.dtype} ({_preview(data)})"
        )
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Tensor dtype must be a float type, got {dtype}")
        return arr.astype(dtype)  # always a copy: the Tensor owns its data
    if arr.dtype.kind != "f" or arr.dtype == np.float16:
        return arr.astype(np.float64)
    return arr.copy()


def _preview(data: Any) -> str:
    text = repr(data)
    return text if len(text) < 80 else text[:77] + "..."


class Tensor(Differentiable):
    """An n-dimensional array in the computation graph.

    ``Tensor(data, requires_grad=False, dtype=None, label="")``: ``data`` is a numpy array,
    copied from what you pass, as ``torch.tensor`` does (float64 by default; float32 input or
    ``dtype=np.float32`` stays float32), ``grad`` is None
    until a backward pass reaches the tensor, then an array of the same shape. Comparisons
    (``<``, ``==``, ...) return numpy boolean arrays and record nothing.
    """

    __slots__ = ()
    _is_tensor = True
    _grad_zero = None

    def __init__(
        self, data: Any, requires_grad: bool = False, dtype: Any = None, label: str = "",
    ) -> None:
        self.data = _as_array(data, dtype)
        self.grad = None
        self.requires_grad = bool(requires_grad)
        self.label = label
        self._op = self._a = self._b = self._params = None
        self._pending = 0

    # -- what backprop and the registry's methods ask of a node class --------------------------
    @classmethod
    def apply(cls, op: Op, inputs: tuple, params: tuple | None = None) -> Tensor:
        """Run a registered op forward on the inputs' arrays and record it in the graph when
        gradients are enabled and an input requires one."""
        args = [t.data for t in inputs]
        try:  # IEEE results (inf, nan) without warnings
            y = op.array_ieee(*args, *params) if params else op.array_ieee(*args)  # type: ignore[misc]
        except ValueError as e:
            shapes = " and ".join(str(t.shape) for t in inputs)
            raise ValueError(f"op {op.name!r} cannot combine shapes {shapes}: {e}") from None
        if type(y) is not np.ndarray:  # a numpy scalar keeps its dtype (float32 @ float64)
            y = np.asarray(y)
        if ALL_THREADS.record or MODE.record:  # the usual case, as Differentiable.record
            for t in inputs:
                if t.requires_grad:
                    return new_node(cls, y, op=op, parents=inputs, params=params)
            return new_leaf(cls, y)
        return cls.record(y, op, inputs, params)

    @classmethod
    def _records(cls, parents: tuple) -> bool:
        return any(t.requires_grad for t in parents)

    @classmethod
    def lift(cls, x: Any, like: Any = None) -> Tensor:
        """``x`` if it is a Tensor, else a constant Tensor made from it (see :func:`as_tensor`)."""
        return as_tensor(x, like)

    def _seed(self, gradient: Any, create_graph: bool) -> Any:
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward() on a Tensor of shape {self.shape} needs gradient= of that "
                    "shape (the implicit gradient 1 exists only for one-element outputs)"
                )
            g = np.ones_like(self.data)
        else:
            g = _as_array(gradient, self.data.dtype)
            if g.shape != self.shape:
                raise ValueError(
                    f"backward's gradient has shape {g.shape} but the output has shape "
                    f"{self.shape}"
                )
        return Tensor(g) if create_graph else g

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        """``np.asarray(t)``: the data of a tensor that needs no gradient. For one that does, a
        TypeError, as in PyTorch: the array would be cut off from the graph without a word. Ask
        for the numbers explicitly with ``t.detach().numpy()`` or ``t.data``."""
        if self.requires_grad:
            raise TypeError(
                f"np.asarray() of a Tensor that requires grad (shape {self.shape}) would drop it "
                "from the graph: use t.detach().numpy() or t.data for its numbers"
            )
        data = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return data.copy() if copy else data

    # -- array-like attributes ---------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def T(self) -> Tensor:  # noqa: N802 - numpy's name
        """The transpose (axes reversed)."""
        return self.transpose()

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def item(self) -> float:
        """The single number of a one-element Tensor."""
        if self.data.size != 1:
            raise ValueError(f"item() needs a one-element Tensor, this one has shape {self.shape}")
        return self.data.item()

    def numpy(self) -> np.ndarray:
        """The data as a numpy array (the live array, not a copy)."""
        return self.data

    def float32(self) -> Tensor:
        """This tensor converted to float32 (recorded: gradients flow back)."""
        return self.astype(np.float32)

    def float64(self) -> Tensor:
        """This tensor converted to float64 (recorded: gradients flow back)."""
        return self.astype(np.float64)

    def astype(self, dtype: Any) -> Tensor:
        """A copy with another float dtype; the gradient is converted back."""
        dtype = np.dtype(dtype)
        if dtype.kind != "f":
            raise TypeError(f"Tensor dtype must be a float type, got {dtype}")
        if dtype == self.dtype:
            return self
        return self.apply(OPS["astype"], (self,), (dtype,))

    def __repr__(self) -> str:
        body = np.array2string(self.data, precision=4, threshold=20, edgeitems=2)
        extra = ", requires_grad=True" if self.requires_grad else ""
        if self.dtype != np.float64:
            extra += f", dtype={self.dtype}"
        if self.label:
            extra += f", label={self.label!r}"
        if self.op:
            extra += f", op={self.op!r}"
        return f"Tensor({body}{extra})"

    # -- comparisons: boolean arrays, nothing recorded ----------------------------------------
    def __eq__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return self.data == _raw(other)

    def __ne__(self, other: object) -> np.ndarray:  # type: ignore[override]
        return self.data != _raw(other)

    __hash__ = Differentiable.__hash__

    def __lt__(self, other: Any) -> np.ndarray:
        return self.data < _raw(other)

    def __le__(self, other: Any) -> np.ndarray:
        return self.data <= _raw(other)

    def __gt__(self, other: Any) -> np.ndarray:
        return self.data > _raw(other)

    def __ge__(self, other: Any) -> np.ndarray:
        return self.data >= _raw(other)

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise ValueError(
                f"the truth value of a Tensor of shape {self.shape} is ambiguous; "
                "use .data.any() or .data.all()"
            )
        return bool(self.data)

    # -- arithmetic ------------------------------------------------------------------------
    def _binary(self, name: str, other: Any, reflected: bool = False) -> Tensor:
        other = as_tensor(other, like=self)
        args = (other, self) if reflected else (self, other)
        return self.apply(OPS[name], args)

    def __add__(self, o: Any) -> Tensor:
        return self._binary("add", o)

    def __radd__(self, o: Any) -> Tensor:
        return self._binary("add", o, True)

    def __sub__(self, o: Any) -> Tensor:
        return self._binary("sub", o)

    def __rsub__(self, o: Any) -> Tensor:
        return self._binary("sub", o, True)

    def __mul__(self, o: Any) -> Tensor:
        return self._binary("mul", o)

    def __rmul__(self, o: Any) -> Tensor:
        return self._binary("mul", o, True)

    def __truediv__(self, o: Any) -> Tensor:
        return self._binary("div", o)

    def __rtruediv__(self, o: Any) -> Tensor:
        return self._binary("div", o, True)

    def __matmul__(self, o: Any) -> Tensor:
        return _matmul(self, as_tensor(o, like=self))

    def __rmatmul__(self, o: Any) -> Tensor:
        return _matmul(as_tensor(o, like=self), self)

    def __pow__(self, o: Any) -> Tensor:
        if isinstance(o, numbers.Real) and not isinstance(o, bool):
            return self.apply(OPS["pow_const"], (self,), (float(o),))
        return self._binary("pow", o)

    def __rpow__(self, o: Any) -> Tensor:
        if isinstance(o, numbers.Real) and not isinstance(o, bool):
            return self.apply(OPS["rpow_const"], (self,), (float(o),))
        return self._binary("pow", o, True)

    def __neg__(self) -> Tensor:
        return self.apply(OPS["neg"], (self,))

    def __abs__(self) -> Tensor:
        return self.apply(OPS["abs"], (self,))

    def __pos__(self) -> Tensor:
        return self

    # -- reductions ------------------------------------------------------------------------
    def sum(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Sum of the elements over ``axis`` (all of them when None)."""
        return self.apply(OPS["sum"], (self,), (_axis(axis, self.ndim), bool(keepdims)))

    def mean(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Mean of the elements over ``axis``."""
        return self.apply(OPS["mean"], (self,), (_axis(axis, self.ndim), bool(keepdims)))

    def max(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Maximum over ``axis``; tied maxima share the gradient equally."""
        self._nonempty("max")
        return self.apply(OPS["max"], (self,), (_axis(axis, self.ndim), bool(keepdims)))

    def min(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """Minimum over ``axis``; tied minima share the gradient equally."""
        self._nonempty("min")
        return self.apply(OPS["min"], (self,), (_axis(axis, self.ndim), bool(keepdims)))

    def var(self, axis: Any = None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance mean((x − mean x)²) over ``axis`` (``ddof=1`` divides by n − 1)."""
        axis = _axis(axis, self.ndim)
        d = self - self.mean(axis=axis, keepdims=True)
        n = self.size if axis is None else int(np.prod([self.shape[a] for a in axis]))
        return (d * d).sum(axis=axis, keepdims=keepdims) * (1.0 / max(n - ddof, 1))

    def logsumexp(self, axis: Any = None, keepdims: bool = False) -> Tensor:
        """log(sum(exp(x))) over ``axis``, without overflow."""
        return self.apply(OPS["logsumexp"], (self,), (_axis(axis, self.ndim), bool(keepdims)))

    def softmax(self, axis: int = -1) -> Tensor:
        """e^x / sum(e^x) along ``axis``."""
        return self.apply(OPS["softmax"], (self,), (_one_axis(axis, self.ndim),))

    def log_softmax(self, axis: int = -1) -> Tensor:
        """x − logsumexp(x) along ``axis`` (stable log of the softmax)."""
        return self.apply(OPS["log_softmax"], (self,), (_one_axis(axis, self.ndim),))

    def _nonempty(self, what: str) -> None:
        if self.size == 0:
            raise ValueError(f"{what}() of an empty Tensor (shape {self.shape})")

    # -- shape -----------------------------------------------------------------------------
    def reshape(self, *shape: Any) -> Tensor:
        """The same elements in ``shape`` (one -1 allowed)."""
        if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
            shape = tuple(shape[0])
        try:
            target = np.reshape(self.data, shape).shape  # a view: checks and resolves -1
        except (ValueError, TypeError):
            raise ValueError(
                f"cannot reshape a Tensor of shape {self.shape} ({self.size} elements) "
                f"into shape {tuple(shape)}"
            ) from None
        return self.apply(OPS["reshape"], (self,), (target,))

    def transpose(self, *axes: Any) -> Tensor:
        """Permute the axes (``transpose()`` reverses them, like ``.T``)."""
        if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
            axes = () if axes[0] is None else tuple(axes[0])  # numpy's transpose(None) too
        perm = tuple(int(a) % max(self.ndim, 1) for a in axes) if axes else None
        if perm is not None and sorted(perm) != list(range(self.ndim)):
            raise ValueError(f"transpose axes {perm} are not a permutation of {self.ndim} axes")
        return self.apply(OPS["transpose"], (self,), (perm,))

    def swapaxes(self, a: int, b: int) -> Tensor:
        """Exchange two axes."""
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return self.transpose(tuple(axes))

    def broadcast_to(self, shape: Sequence[int]) -> Tensor:
        """Repeat along axes as numpy's broadcasting would."""
        return self.apply(OPS["broadcast_to"], (self,), (tuple(shape),))

    def sum_to(self, shape: Sequence[int]) -> Tensor:
        """Sum down to ``shape``: the inverse of broadcasting to this tensor's shape."""
        return self.apply(OPS["sum_to"], (self,), (tuple(shape),))

    def flatten(self) -> Tensor:
        """A 1-D view of the elements."""
        return self.reshape(-1)

    def __getitem__(self, index: Any) -> Tensor:
        index = _index(index)
        try:
            self.data[index]
        except IndexError as e:
            raise IndexError(f"index {index!r} into a Tensor of shape {self.shape}: {e}") from None
        return self.apply(OPS["getitem"], (self,), (index,))


def _raw(x: Any) -> Any:
    return x.data if isinstance(x, Node) else x


def _index(index: Any) -> Any:
    if isinstance(index, Tensor):
        return index.data.astype(np.intp) if index.dtype.kind == "f" else index.data
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    if isinstance(index, list):
        return np.asarray(index)
    return index


def _axis(axis: Any, ndim: int) -> Any:
    if axis is None:
        return None
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    out = []
    for a in axes:
        if not isinstance(a, (int, np.integer)) or not -max(ndim, 1) <= a < max(ndim, 1):
            raise ValueError(f"axis {a!r} is out of range for a Tensor with {ndim} dimensions")
        out.append(int(a) % max(ndim, 1))
    return tuple(out)


def _one_axis(axis: Any, ndim: int) -> int:
    return _axis(axis, ndim)[0]


def _matmul(a: Tensor, b: Tensor) -> Tensor:
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(
            f"matmul needs at least 1-D operands, got shapes {a.shape} @ {b.shape} "
            "(use * for scalars)"
        )
    k_a = a.shape[-1]
    k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
    if k_a != k_b:
        raise ValueError(
            f"matmul shape mismatch: {a.shape} @ {b.shape} (inner dimensions {k_a} and {k_b} "
            "differ)"
        )
    return Tensor.apply(OPS["matmul"], (a, b))


def as_tensor(x: Any, like: Tensor | None = None) -> Tensor:
    """``x`` itself if it is a Tensor, else a constant Tensor (no gradient) made from it, as
    ``torch.as_tensor``: a float numpy array is used as it is, *not copied* (an input batch
    costs nothing to wrap; do not modify the array while its graph is in use). A Python
    number takes the dtype of ``like`` so float32 stays float32."""
    if isinstance(x, Tensor):
        return x
    if isinstance(x, Node):
        raise TypeError(
            f"cannot combine a Tensor with a {type(x).__name__} ({x!r}); use Tensor(value.data)"
        )
    if like is not None and isinstance(x, (numbers.Real, np.number)) and not isinstance(x, bool):
        data = np.asarray(x, dtype=like.dtype)
    elif isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.dtype != np.float16:
        data = x
    else:
        data = _as_array(x)
    return new_leaf(Tensor, data, constant=True)


def where(condition: Any, a: Any, b: Any) -> Tensor:
    """Elementwise ``a`` where ``condition`` holds, else ``b`` (gradients flow to both)."""
    cond = np.asarray(_raw(condition), dtype=bool)
    ta = as_tensor(a, like=b if isinstance(b, Tensor) else None)
    tb = as_tensor(b, like=ta)
    return Tensor.apply(OPS["where"], (ta, tb), (cond,))


def concatenate(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along an existing axis; each receives its slice of the gradient."""
    ts = tuple(as_tensor(t) for t in tensors)
    if not ts:
        raise ValueError("concatenate needs at least one tensor")
    ndim = ts[0].ndim
    if ndim == 0 or not -ndim <= axis < ndim:
        raise ValueError(
            f"concatenate along axis {axis} of shapes {', '.join(str(t.shape) for t in ts)}: "
            f"axis {axis} is out of bounds for arrays of dimension {ndim}"
        )
    return Tensor.apply(OPS["concatenate"], ts, (axis % ndim,))


def stack(tensors: Sequence[Any], axis: int = 0) -> Tensor:
    """Join tensors along a new axis."""
    ts = [as_tensor(t) for t in tensors]
    if not ts:
        raise ValueError("stack needs at least one tensor")
    shapes = {t.shape for t in ts}
    if len(shapes) > 1:
        raise ValueError(f"stack needs tensors of one shape, got {sorted(shapes)}")
    nd = ts[0].ndim + 1
    axis = axis % nd
    return concatenate(
        [t.reshape(t.shape[:axis] + (1,) + t.shape[axis:]) for t in ts], axis=axis
    )

