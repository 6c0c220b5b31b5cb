"""Export a Tensor model to ONNX, to run it elsewhere (onnxruntime, a browser, a phone).

``nn.onnx.export(model, example_input, path)`` translates a model, module by module, into an
ONNX graph that computes the model's forward pass **in evaluation mode** (``Dropout`` is the
identity, ``BatchNorm1d`` uses its running statistics), whatever mode the model is in. The
graph is built in memory with the ``onnx`` package's helper API, checked with
``onnx.checker.check_model(..., full_check=True)`` and only then written, atomically: a model
that cannot be exported leaves no file behind.

The ``onnx`` package is optional (``pip install "gradbook[export]"``); importing this module
does not import it, only calling :func:`export` or :func:`to_onnx` does.

The graph has one input, ``input``, of shape ``(batch, *example_input.shape[1:])``, and one
output, ``output``; the batch dimension is dynamic (the symbol ``batch``), so one file serves
every batch size. Weights are initializers named as in the model's ``state_dict()``
(``0.weight``, ``0.bias``, ...), stored in ``dtype`` (float32 by default, float64 on request).

Each module becomes these ONNX ops (opset :data:`OPSET`), computing gradbook's definition:

=================  =============================================================================
module             ONNX ops
=================  =============================================================================
``Sequential``     its modules' ops, one after the other
``Linear``         ``Gemm`` (``transB=1``: the weight is stored ``[out, in]`` as in gradbook);
                   on inputs of more than two axes ``MatMul`` (by ``W.T``) and ``Add``
``BatchNorm1d``    ``BatchNormalization`` with the running mean and variance, ``eps``, γ and β;
                   float64: ``Sub``, ``Div``, ``Mul``, ``Add`` (see below)
``Dropout``        ``Identity``
``Identity``       ``Identity``
``Flatten``        ``Flatten`` (``axis=1``)
``Standardize``    ``Sub`` (``mean``), ``Div`` (``std``): (x − mean) / std, per feature
``Residual``       f's ops, then ``Add(x, f(x))``
``Maxout``         its ``Linear``, ``Reshape`` to ``(..., out, pieces)``, ``ReduceMax`` (last axis)
``DyT``            ``Mul`` (α), ``Tanh``, ``Mul`` (γ), ``Add`` (β)
``PReLU``          ``PRelu`` (one slope, or one per feature broadcast over the last axis)
``Softmax``        ``Softmax`` along the module's ``axis``
``ReLU``           ``Relu``
``Sigmoid``        ``Sigmoid``
``Tanh``           ``Tanh``
``LeakyReLU``      ``LeakyRelu`` (``alpha`` = ``negative_slope``)
``ELU``            ``Elu`` (``alpha``)
``Softplus``       ``Softplus`` of β·x, divided by β (ONNX's Softplus has no β)
``Swish``/``SiLU`` ``Mul(x, Sigmoid(β·x))``
``GELU``           ``Gelu`` (exact, or ``approximate="tanh"``); ``"sigmoid"``:
                   ``Mul(x, Sigmoid(1.702·x))``
``HardSigmoid``    ``HardSigmoid`` with ``alpha=0.25, beta=0.5`` (gradbook's, not ONNX's 0.2)
``HardTanh``       ``Clip`` to [−1, 1]
``Step``           ``Cast(Greater(x, 0))`` (1 for x > 0, else 0)
``nn.MLP``         exported as :meth:`nn.MLP.to_sequential` (``Gemm`` + activation per layer)
=================  =============================================================================

float64 graphs: where onnxruntime's CPU execution provider lacks a float64 kernel, or its
float64 kernel is not float64-accurate, the op is built from ops it runs in float64:

* ``LeakyRelu``, ``PRelu`` (no float64 kernel): ``Where(Greater(x, 0), x, Mul(x, a))``;
* ``Elu`` (none): ``Where(Greater(x, 0), x, α·(Exp(Min(x, 0)) − 1))``;
* ``Softplus`` (none): the stable ``Relu(z) + Log(1 + Exp(−|z|))``;
* ``HardSigmoid`` (none): ``Clip(0.25·x + 0.5, 0, 1)``;
* ``Gelu`` exact (it expands to ``Erf``, which has none): x·½(1 + erf(x/√2)), with erf read
  from a table of 12 polynomials, one per half-unit piece of [0, 6] (accurate to ~1e-14), and 1
  from 5.92 on, where float64's erf is 1;
* ``Gelu(approximate="tanh")`` (it runs, but differs from its formula by up to ~6e-9, 7e-7
  relatively in the left tail): ``0.5·x·(1 + Tanh(√(2/π)·(x + 0.044715·x³)))``;
* ``BatchNormalization`` (its ``epsilon`` is a float32 attribute: eps = 0.3 would be off by
  1e-8): (x − running_mean) / s · γ + β, with s = √(running_var + eps) worked out in float64
  (the initializer ``running_std``).

Not exported (refused with an error naming the module and its position): ``Lambda`` (it holds
arbitrary Python), the scalar ``Neuron`` and ``Layer`` (export an ``MLP``, or build the network
from ``Linear`` layers), and any module gradbook has no translation for, including a subclass
that overrides ``forward``.
"""

from __future__ import annotations

import functools
import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

import autograd

from .activations import GELU, Activation, DyT, Identity, Lambda, Maxout, PReLU, Softmax
from .layers import BatchNorm1d, Dropout, Flatten, Linear, Residual, Sequential, Standardize
from .module import Module

__all__ = ["IR_VERSION", "OPSET", "ExportError", "export", "to_onnx"]

#: The ONNX opset of the exported graphs. 20 is the newest opset that the oldest versions
#: gradbook's extras allow can all read (onnx 1.15 writes up to opset 20, onnxruntime 1.17 runs
#: up to opset 20), and the first with a ``Gelu`` op (exact and tanh), so GELU is one node.
OPSET = 20

#: The ONNX IR version written: 9, the one that goes with opset 20 (onnx 1.15). The installed
#: onnx package would write its own, newer IR version, which older runtimes refuse to load.
IR_VERSION = 9

#: The name of the dynamic batch dimension of the graph's input and output.
BATCH = "batch"

INSTALL_HINT = 'pip install "gradbook[export]"'

# gradbook's GELU constants (autograd.numerics is not part of autograd's public API)
_GELU_TANH_C = 0.044715
_GELU_SIGMOID_C = 1.702
_INV_SQRT_2 = 1.0 / math.sqrt(2.0)
_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)

# erf(x) as a table of polynomials: piece k covers [k/2, (k+1)/2] of [0, 6]; beyond 6, erf(x)
# rounds to 1 in float64 (1 − erf(6) ≈ 2e-17).
_ERF_PIECES = 12
_ERF_WIDTH = 0.5
_ERF_DEGREE = 14
_ERF_IS_ONE = 5.921587195794507  # the smallest float64 x with math.erf(x) == 1.0


class ExportError(ValueError):
    """A model that cannot be exported: a module with no ONNX translation, or an input shape
    that does not fit the model."""


def _require_onnx() -> Any:
    """The ``onnx`` module, imported now (it is an optional dependency)."""
    try:
        import onnx
    except ImportError as e:
        raise ImportError(
            f"exporting to ONNX needs the onnx package, which is not installed: {INSTALL_HINT}"
        ) from e
    return onnx


def export(
    model: Module, example_input: Any, path: str | os.PathLike[str], dtype: Any = np.float32,
) -> Path:
    """Write ``model`` to ``path`` as an ONNX graph computing its forward pass in
    evaluation mode, and return the path.

    Arguments in the order of ``torch.onnx.export``. The graph's input ``input`` has the shape
    of ``example_input`` with a dynamic first (batch) dimension, its output is ``output``;
    ``dtype`` (``np.float32`` or ``np.float64``) is the type of the input, the output and the
    weights. ``Dropout`` is the identity and ``BatchNorm1d`` uses its running statistics, as
    after ``model.eval()`` (the model's own mode is left as it is). An ``nn.MLP`` is exported
    as ``model.to_sequential()``. See the module docstring for each module's ONNX ops.

    The whole graph is built and checked (``onnx.checker.check_model(..., full_check=True)``)
    in memory first, then written atomically, so a failure leaves no file at ``path``.

    Raises:
        ImportError: the ``onnx`` package is missing (``pip install "gradbook[export]"``).
        ExportError: a module cannot be exported (the error names it and its position), or
            ``example_input``'s shape does not fit the model (the error names both shapes).
        FileNotFoundError: the folder of ``path`` does not exist.
    """
    _require_onnx()
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(f"cannot export to {str(path)!r}: it is a directory")
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"cannot export to {str(path)!r}: its folder {str(path.parent)!r} does not exist"
        )
    proto = to_onnx(model, example_input, dtype)
    return autograd.atomic_write_bytes(path, proto.SerializeToString())


def to_onnx(model: Module, example_input: Any, dtype: Any = np.float32) -> Any:
    """The checked ``onnx.ModelProto`` that :func:`export` writes (arguments as there), kept in
    memory: ``onnxruntime.InferenceSession(proto.SerializeToString())`` runs it."""
    onnx = _require_onnx()
    dt = _float_dtype(dtype)
    shape = _example_shape(example_input)
    from .scalar import MLP  # here: nn.scalar imports nn.layers, as this module does

    root = "Sequential made by MLP.to_sequential()" if isinstance(model, MLP) else None
    if isinstance(model, MLP):
        model = model.to_sequential()
    if not isinstance(model, Module):
        raise TypeError(f"export needs a gradbook Module, got a {type(model).__name__}")
    g = _Graph(onnx, dt, model, root or type(model).__name__, shape)
    out, out_shape = g.convert(model, "input", (None, *shape[1:]), "")
    # The last node made the output: name it "output" (nothing reads it after that node).
    if not g.nodes or g.nodes[-1].output[0] != out:
        out = g.node("", "Identity", [out])
    g.nodes[-1].output[0] = "output"

    helper = onnx.helper
    elem = helper.np_dtype_to_tensor_dtype(dt)
    graph = helper.make_graph(
        g.nodes, f"gradbook {type(model).__name__}",
        [helper.make_tensor_value_info("input", elem, [BATCH, *shape[1:]])],
        [helper.make_tensor_value_info("output", elem, [BATCH, *out_shape[1:]])],
        initializer=g.initializers,
        doc_string=f"{model!r}\nin evaluation mode",
    )
    proto = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="gradbook",
        ir_version=IR_VERSION,
        doc_string="Exported by gradbook's nn.onnx.export: the model's forward pass in "
                   "evaluation mode (Dropout is the identity, BatchNorm1d uses its running "
                   "statistics).",
    )
    onnx.checker.check_model(proto, full_check=True)
    return proto


# -- arguments ------------------------------------------------------------------------------------


def _float_dtype(dtype: Any) -> np.dtype[Any]:
    for dt in (np.dtype(np.float32), np.dtype(np.float64)):
        try:
            if dtype is not None and (dtype is dt.type or dt == dtype):
                return dt
        except TypeError:  # not something numpy reads as a dtype
            break
    raise ValueError(f"dtype must be np.float32 or np.float64, got {dtype!r}")


def _example_shape(example_input: Any) -> tuple[int, ...]:
    data = example_input.data if isinstance(example_input, autograd.Tensor) else example_input
    arr = np.asarray(data)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"example_input must be a Tensor or a numeric array, got dtype {arr.dtype}")
    if arr.ndim == 0:
        raise ExportError(
            "example_input must be a batch, of shape (N, features...), got a scalar"
        )
    return tuple(int(n) for n in arr.shape)


def _fmt(shape: tuple[int | None, ...]) -> str:
    dims = [BATCH if n is None else str(n) for n in shape]
    return f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"


# -- the graph under construction ----------------------------------------------------------------

Shape = tuple[int | None, ...]  # None: the batch dimension
Converter = Callable[["_Graph", Any, str, Shape, str], tuple[str, Shape]]


class _Graph:
    """Nodes and initializers of the graph being built, and the translation of each module."""

    def __init__(
        self, onnx: Any, dtype: np.dtype[Any], model: Module, root: str,
        example_shape: tuple[int, ...],
    ) -> None:
        self.onnx = onnx
        self.helper = onnx.helper
        self.dtype = dtype
        self.float64 = dtype == np.dtype(np.float64)
        self.model = model
        self.root = root
        self.example_shape = example_shape
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._names: set[str] = {"input", "output"}
        self._shared: dict[str, str] = {}

    # -- names and tensors --
    def _fresh(self, base: str) -> str:
        name, k = base, 1
        while name in self._names:
            k += 1
            name = f"{base}_{k}"
        self._names.add(name)
        return name

    def weight(self, where: str, name: str, array: Any) -> str:
        """An initializer holding ``array`` in the graph's dtype, named like the state dict's
        entry (``0.weight``)."""
        full = self._fresh(f"{where}.{name}" if where else name)
        arr = np.ascontiguousarray(np.asarray(array, dtype=self.dtype))
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name=full))
        return full

    def const(self, where: str, value: Any, dtype: Any = None) -> str:
        """A constant initializer (the graph's float dtype unless ``dtype`` says otherwise)."""
        arr = np.asarray(value, dtype=self.dtype if dtype is None else dtype)
        full = self._fresh(f"{where}/const" if where else "const")
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name=full))
        return full

    def shared(self, key: str, make: Callable[[], np.ndarray]) -> str:
        """One initializer ``key`` for the whole graph (a table several nodes read)."""
        if key not in self._shared:
            arr = np.asarray(make(), dtype=self.dtype)
            self._shared[key] = self._fresh(key)
            self.initializers.append(
                self.onnx.numpy_helper.from_array(arr, name=self._shared[key]))
        return self._shared[key]

    def node(self, where: str, op: str, inputs: list[str], **attrs: Any) -> str:
        """Add the node ``op(inputs)``, named ``/<where>/<op>``; returns its output's name."""
        name = self._fresh(f"/{where.replace('.', '/')}/{op}" if where else f"/{op}")
        self.nodes.append(self.helper.make_node(op, inputs, [name], name=name, **attrs))
        return name

    # -- modules --
    def describe(self, where: str, m: Module) -> str:
        if not where:
            return f"the model ({type(m).__name__})"
        return f"module {where} ({type(m).__name__}) of the {self.root}"

    def refuse(self, where: str, m: Module, reason: str) -> ExportError:
        return ExportError(f"cannot export {self.describe(where, m)}: {reason}")

    def wrong_shape(self, where: str, m: Module, wanted: str, got: Shape) -> ExportError:
        return ExportError(
            f"{self.describe(where, m)} expects inputs of shape {wanted}, but gets "
            f"{_fmt(got)} (example_input has shape {self.example_shape})"
        )

    def convert(self, m: Module, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
        """Add ``m``'s ops applied to the tensor ``x`` of ``shape``; returns the output's name
        and shape."""
        convert = _converter(self, m, where)
        return convert(self, m, x, shape, where)


def _converter(g: _Graph, m: Module, where: str) -> Converter:
    if isinstance(m, Lambda):
        raise g.refuse(where, m, "a Lambda holds arbitrary Python, which has no ONNX "
                                 "translation; write its function with gradbook's modules")
    from .scalar import MLP, Layer, Neuron

    if isinstance(m, (Neuron, Layer, MLP)):
        raise g.refuse(where, m, "a scalar module on Values; export the whole nn.MLP (its "
                                 "to_sequential()) or build the network from Linear layers")
    cls = type(m)
    for base in cls.__mro__:
        convert = _CONVERTERS.get(base)
        if convert is None:
            continue
        # A subclass that changes the computation is not its base class any more.
        changed = [attr for attr in ("forward", "fn")
                   if getattr(cls, attr, None) is not getattr(base, attr, None)]
        if changed:
            raise g.refuse(where, m, f"it overrides {base.__name__}.{changed[0]}, so gradbook "
                                     f"cannot tell what it computes")
        return convert
    raise g.refuse(where, m, f"gradbook has no ONNX translation for {cls.__name__}")


# -- layers ---------------------------------------------------------------------------------------


def _sequential(g: _Graph, m: Sequential, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    for i, sub in enumerate(m):
        x, shape = g.convert(sub, x, shape, f"{where}.{i}" if where else str(i))
    return x, shape


def _linear(g: _Graph, m: Linear, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    if len(shape) < 2 or shape[-1] != m.in_features:
        raise g.wrong_shape(where, m, f"({BATCH}, ..., {m.in_features})", shape)
    weight = m.weight.data  # [out, in]
    out_shape = (*shape[:-1], m.out_features)
    if len(shape) == 2:
        # Gemm computes x @ B.T + C with transB=1: the weight is stored [out, in], as gradbook's
        inputs = [x, g.weight(where, "weight", weight)]
        if m.bias is not None:
            inputs.append(g.weight(where, "bias", m.bias.data))
        return g.node(where, "Gemm", inputs, transB=1), out_shape
    # Gemm takes matrices only; MatMul broadcasts over the leading axes as x @ W.T does.
    y = g.node(where, "MatMul", [x, g.weight(where, "weight.T", weight.T)])
    if m.bias is not None:
        y = g.node(where, "Add", [y, g.weight(where, "bias", m.bias.data)])
    return y, out_shape


def _batchnorm(g: _Graph, m: BatchNorm1d, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    c = m.num_features
    if len(shape) != 2 or shape[1] != c:
        raise g.wrong_shape(where, m, f"({BATCH}, {c})", shape)
    scale = m.weight.data if m.weight is not None else np.ones(c)
    shift = m.bias.data if m.bias is not None else np.zeros(c)
    # evaluation mode: (x − running_mean) / √(running_var + eps) · γ + β
    if not g.float64:
        inputs = [x, g.weight(where, "weight", scale), g.weight(where, "bias", shift),
                  g.weight(where, "running_mean", m.running_mean),
                  g.weight(where, "running_var", m.running_var)]
        return g.node(where, "BatchNormalization", inputs, epsilon=float(m.eps)), shape
    # BatchNormalization's epsilon is a float32 attribute (eps = 0.3 would be off by 1e-8):
    # gradbook's own steps, with √(running_var + eps) worked out in float64 here, as gradbook does
    centred = g.node(where, "Sub", [x, g.weight(where, "running_mean", m.running_mean)])
    std = g.weight(where, "running_std", np.sqrt(m.running_var + m.eps))
    y = g.node(where, "Div", [centred, std])
    if m.weight is None:
        return y, shape
    y = g.node(where, "Mul", [y, g.weight(where, "weight", scale)])
    return g.node(where, "Add", [y, g.weight(where, "bias", shift)]), shape


def _standardize(
    g: _Graph, m: Standardize, x: str, shape: Shape, where: str,
) -> tuple[str, Shape]:
    # (x − mean) / std along the last axis, the initializers named as in the state dict
    _features(g, m, shape, m.num_features, where)
    centred = g.node(where, "Sub", [x, g.weight(where, "mean", m.mean)])
    return g.node(where, "Div", [centred, g.weight(where, "std", m.std)]), shape


def _identity(g: _Graph, m: Module, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    return g.node(where, "Identity", [x]), shape


def _flatten(g: _Graph, m: Flatten, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    if len(shape) < 2:
        raise g.wrong_shape(where, m, f"({BATCH}, d1, ...)", shape)
    size = int(np.prod([n for n in shape[1:] if n is not None]))
    return g.node(where, "Flatten", [x], axis=1), (None, size)


def _residual(g: _Graph, m: Residual, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    fx, f_shape = g.convert(m.fn, x, shape, f"{where}.fn" if where else "fn")
    if f_shape != shape:
        raise ExportError(
            f"{g.describe(where, m)} needs f(x) to keep the shape of x: x has shape "
            f"{_fmt(shape)}, f(x) has shape {_fmt(f_shape)} (example_input has shape "
            f"{g.example_shape})"
        )
    return g.node(where, "Add", [x, fx]), shape


def _maxout(g: _Graph, m: Maxout, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    z, z_shape = _linear(g, m.linear, x, shape, f"{where}.linear" if where else "linear")
    # 0 in Reshape's shape keeps that axis (the batch and any other leading axis)
    target = [0] * (len(z_shape) - 1) + [m.out_features, m.pieces]
    z = g.node(where, "Reshape", [z, g.const(where, target, np.int64)])
    y = g.node(where, "ReduceMax", [z, g.const(where, [-1], np.int64)], keepdims=0)
    return y, (*z_shape[:-1], m.out_features)


# -- activations with parameters -------------------------------------------------------------


def _features(g: _Graph, m: Module, shape: Shape, n: int, where: str) -> None:
    if len(shape) < 2 or shape[-1] != n:
        raise g.wrong_shape(where, m, f"({BATCH}, ..., {n})", shape)


def _dyt(g: _Graph, m: DyT, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    _features(g, m, shape, m.num_features, where)
    t = g.node(where, "Tanh", [g.node(where, "Mul", [g.weight(where, "alpha", m.alpha.data), x])])
    y = g.node(where, "Mul", [g.weight(where, "weight", m.weight.data), t])
    return g.node(where, "Add", [y, g.weight(where, "bias", m.bias.data)]), shape


def _prelu(g: _Graph, m: PReLU, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    if m.num_parameters > 1:
        _features(g, m, shape, m.num_parameters, where)
    # shape (C,) or (1,): broadcast over the last (feature) axis, as gradbook's PReLU does
    slope = g.weight(where, "weight", m.weight.data)
    return _leaky(g, x, slope, where, native="PRelu"), shape


def _softmax(g: _Graph, m: Softmax, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    if not -len(shape) <= m.axis < len(shape):
        raise g.wrong_shape(where, m, f"at least {abs(m.axis) + (m.axis >= 0)} axes (axis="
                                      f"{m.axis})", shape)
    return g.node(where, "Softmax", [x], axis=m.axis), shape


# -- elementwise activations ---------------------------------------------------------------------


def _leaky(g: _Graph, x: str, slope: str, where: str, native: str) -> str:
    """x for x > 0, slope·x otherwise (``slope`` an initializer)."""
    if native == "PRelu" and not g.float64:
        return g.node(where, "PRelu", [x, slope])
    # no float64 LeakyRelu/PRelu kernel in onnxruntime's CPU provider
    positive = g.node(where, "Greater", [x, g.const(where, 0.0)])
    return g.node(where, "Where", [positive, x, g.node(where, "Mul", [x, slope])])


def _scaled(g: _Graph, x: str, factor: float, where: str) -> str:
    return x if factor == 1.0 else g.node(where, "Mul", [x, g.const(where, factor)])


def _erf64(g: _Graph, u: str, where: str) -> str:
    """erf(u) in float64 from ops onnxruntime has (it has no float64 ``Erf``): erf is odd, so
    sign(u)·p_k(|u|), where p_k is the polynomial of the half-unit piece k of [0, 6] holding
    |u| (1 from 5.92 on, where erf rounds to 1), evaluated as Σ c_kj·s^j with s ∈ [−1, 1]
    the position in the piece and the coefficients gathered from a table."""
    table = g.shared("erf_pieces", _erf_table)
    size = g.node(where, "Abs", [u])
    a = g.node(where, "Min", [size, g.const(where, _ERF_PIECES * _ERF_WIDTH)])
    piece = g.node(where, "Floor", [g.node(where, "Mul", [a, g.const(where, 1 / _ERF_WIDTH)])])
    piece = g.node(where, "Min", [piece, g.const(where, _ERF_PIECES - 1.0)])
    centre = g.node(where, "Add", [g.node(where, "Mul", [piece, g.const(where, _ERF_WIDTH)]),
                                   g.const(where, _ERF_WIDTH / 2)])
    s = g.node(where, "Mul", [g.node(where, "Sub", [a, centre]), g.const(where, 2 / _ERF_WIDTH)])
    index = g.node(where, "Cast", [piece], to=g.onnx.TensorProto.INT64)
    coefs = g.node(where, "Gather", [table, index], axis=0)  # (..., degree + 1)
    s = g.node(where, "Unsqueeze", [s, g.const(where, [-1], np.int64)])
    powers = g.node(where, "Pow", [s, g.const(where, np.arange(_ERF_DEGREE + 1.0))])
    p = g.node(where, "ReduceSum", [g.node(where, "Mul", [coefs, powers]),
                                    g.const(where, [-1], np.int64)], keepdims=0)
    # exactly 1 where float64's erf is 1 (the fit is off by ~1e-15 there, an error that
    # x·½(1 + erf) would multiply by a large |x|)
    p = g.node(where, "Where", [g.node(where, "Less", [size, g.const(where, _ERF_IS_ONE)]), p,
                                g.const(where, 1.0)])
    return g.node(where, "Mul", [g.node(where, "Sign", [u]), p])


@functools.cache
def _erf_table() -> np.ndarray:
    """Row k: the coefficients (constant first) of the degree-14 polynomial in s ∈ [−1, 1]
    fitted to erf(centre_k + s·width/2) at 64 Chebyshev points (max error ~1e-14)."""
    s = np.cos(np.pi * (np.arange(64) + 0.5) / 64)
    rows = []
    for k in range(_ERF_PIECES):
        centre = _ERF_WIDTH * (k + 0.5)
        y = np.array([math.erf(centre + si * _ERF_WIDTH / 2) for si in s])
        rows.append(np.polynomial.polynomial.polyfit(s, y, _ERF_DEGREE))
    return np.array(rows)


def _activation_op(
    g: _Graph, op: str, params: dict[str, Any], x: str, where: str,
) -> str | None:
    """The ops computing gradbook's activation ``op`` with ``params`` (None: no translation)."""
    if op in ("relu", "sigmoid", "tanh"):
        return g.node(where, {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh"}[op], [x])
    if op == "leaky_relu":
        slope = float(params["negative_slope"])
        if not g.float64:
            return g.node(where, "LeakyRelu", [x], alpha=slope)
        return _leaky(g, x, g.const(where, slope), where, native="LeakyRelu")
    if op == "elu":
        alpha = float(params["alpha"])
        if not g.float64:
            return g.node(where, "Elu", [x], alpha=alpha)
        # no float64 Elu kernel: x for x > 0, alpha·(e^min(x, 0) − 1) otherwise
        em1 = g.node(where, "Sub", [g.node(where, "Exp", [g.node(where, "Min", [
            x, g.const(where, 0.0)])]), g.const(where, 1.0)])
        negative = g.node(where, "Mul", [g.const(where, alpha), em1])
        positive = g.node(where, "Greater", [x, g.const(where, 0.0)])
        return g.node(where, "Where", [positive, x, negative])
    if op == "softplus":
        beta = float(params["beta"])
        z = _scaled(g, x, beta, where)
        if not g.float64:
            sp = g.node(where, "Softplus", [z])
        else:
            # no float64 Softplus kernel: the stable max(z, 0) + log(1 + e^−|z|)
            tail = g.node(where, "Exp", [g.node(where, "Neg", [g.node(where, "Abs", [z])])])
            log1p = g.node(where, "Log", [g.node(where, "Add", [g.const(where, 1.0), tail])])
            sp = g.node(where, "Add", [g.node(where, "Relu", [z]), log1p])
        return sp if beta == 1.0 else g.node(where, "Div", [sp, g.const(where, beta)])
    if op in ("swish", "gelu_sigmoid"):
        beta = _GELU_SIGMOID_C if op == "gelu_sigmoid" else float(params["beta"])
        gate = g.node(where, "Sigmoid", [_scaled(g, x, beta, where)])
        return g.node(where, "Mul", [x, gate])
    if op == "gelu_tanh":
        if not g.float64:
            return g.node(where, "Gelu", [x], approximate="tanh")
        # onnxruntime's float64 Gelu(tanh) is off by up to ~6e-9 (a float32-accurate kernel),
        # so gradbook's 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), in gradbook's order
        cube = x
        for factor in (g.const(where, _GELU_TANH_C), x, x):
            cube = g.node(where, "Mul", [factor, cube])
        inner = g.node(where, "Mul", [g.const(where, _SQRT_2_OVER_PI),
                                      g.node(where, "Add", [x, cube])])
        one_plus = g.node(where, "Add", [g.const(where, 1.0), g.node(where, "Tanh", [inner])])
        return g.node(where, "Mul", [g.node(where, "Mul", [g.const(where, 0.5), x]), one_plus])
    if op == "gelu":
        if not g.float64:
            return g.node(where, "Gelu", [x])
        # onnxruntime's Gelu needs Erf, which has no float64 kernel: x·½(1 + erf(x/√2))
        erf = _erf64(g, g.node(where, "Mul", [x, g.const(where, _INV_SQRT_2)]), where)
        half = g.node(where, "Mul", [g.const(where, 0.5),
                                     g.node(where, "Add", [g.const(where, 1.0), erf])])
        return g.node(where, "Mul", [x, half])
    if op == "hard_sigmoid":
        if not g.float64:  # gradbook's slope 0.25 (ONNX's default alpha is 0.2)
            return g.node(where, "HardSigmoid", [x], alpha=0.25, beta=0.5)
        lin = g.node(where, "Add", [g.node(where, "Mul", [x, g.const(where, 0.25)]),
                                    g.const(where, 0.5)])
        return g.node(where, "Clip", [lin, g.const(where, 0.0), g.const(where, 1.0)])
    if op == "hard_tanh":
        return g.node(where, "Clip", [x, g.const(where, -1.0), g.const(where, 1.0)])
    if op == "step":
        positive = g.node(where, "Greater", [x, g.const(where, 0.0)])
        return g.node(where, "Cast", [positive],
                      to=g.helper.np_dtype_to_tensor_dtype(g.dtype))
    return None


def _activation(g: _Graph, m: Activation, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    table = autograd.activation_table()
    if m.name not in table:
        raise g.refuse(where, m, f"{m.name!r} is not a registered activation")
    op, fixed = table[m.name]
    params = dict(zip(op.params, op.bind(**fixed, **m.params)))
    y = _activation_op(g, op.name, params, x, where)
    if y is None:
        raise g.refuse(where, m, f"gradbook has no ONNX translation for the activation op "
                                 f"{op.name!r}")
    return y, shape


def _gelu(g: _Graph, m: GELU, x: str, shape: Shape, where: str) -> tuple[str, Shape]:
    op = autograd.GELU_APPROXIMATIONS[m.approximate]
    y = _activation_op(g, op, {}, x, where)
    if y is None:
        raise g.refuse(where, m, f"gradbook has no ONNX translation for GELU's {op!r}")
    return y, shape


_CONVERTERS: dict[type, Converter] = {
    Sequential: _sequential,
    Linear: _linear,
    BatchNorm1d: _batchnorm,
    Dropout: _identity,  # evaluation mode
    Identity: _identity,
    Flatten: _flatten,
    Standardize: _standardize,
    Residual: _residual,
    Maxout: _maxout,
    DyT: _dyt,
    PReLU: _prelu,
    Softmax: _softmax,
    GELU: _gelu,
    Activation: _activation,
}
