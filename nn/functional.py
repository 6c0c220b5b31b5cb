"""Loss functions and penalties, on ``Tensor``s and on ``Value``s (or lists of them).

Every loss takes the model's output first and the target second, and a ``reduction``:
``"mean"`` (the default: average over all elements, or over samples for ``cross_entropy``),
``"sum"`` or ``"none"`` (one loss per element, a Tensor or a list of Values).

Predictions are engine nodes (a Tensor, a Value, a list of Values, or a list of such lists
for a batch of multi-output samples); targets are plain numbers or arrays (they receive no
gradient). For convenience a target of shape ``(N,)`` is accepted with predictions of shape
``(N, 1)`` (one output unit); any other shape difference is an error naming both shapes.

===============================  =============================================================
loss                             per element
===============================  =============================================================
``mse_loss``                     (ŷ − y)², or ½(ŷ − y)² with ``half=True`` (the notes' C)
``l1_loss``                      |ŷ − y|
``binary_cross_entropy``         −[y log p + (1 − y) log(1 − p)], logs clamped at −100
``binary_cross_entropy_with_     the same with p = σ(x), computed from the logit x without
logits``                         overflow: y·softplus(−x) + (1 − y)·softplus(x)
``cross_entropy``                −Σ_c t_c log softmax(x)_c (t one-hot for an integer class)
``hinge_loss``                   max(0, 1 − y·s) with labels y = ±1 (micrograd's max-margin)
===============================  =============================================================
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

import autograd
from autograd import Function, Node, Tensor, Value

from .activations import softmax_values
from .layers import dropout

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "hinge_loss",
    "l1_loss",
    "l1_penalty",
    "l2_penalty",
    "log_softmax",
    "mse_loss",
    "one_hot",
    "softmax",
]

REDUCTIONS = ("mean", "sum", "none")

#: log(p) is clamped to at least this (PyTorch's BCELoss does the same), so p = 0 gives a
#: large finite loss instead of inf.
LOG_CLAMP = -100.0
#: the floor of p(1 − p) in the gradient of binary_cross_entropy (PyTorch's EPSILON in its
#: kernel), so p = 0 or 1 gives a gradient of size 1e12 instead of 0 or inf.
BCE_GRAD_EPS = 1e-12


# -- helpers -----------------------------------------------------------------------------------


def _check_reduction(reduction: str) -> None:
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}, "
                         f"got {reduction!r}")


def _is_value_input(pred: Any) -> bool:
    """True for a Value, a number, or (nested) lists of them: the scalar path."""
    if isinstance(pred, Value):
        return True
    if isinstance(pred, (list, tuple)):
        return all(_is_value_input(p) for p in pred) if pred else True
    return isinstance(pred, numbers.Real) and not isinstance(pred, bool)


def _nested_shape(x: Any) -> tuple[int, ...]:
    if isinstance(x, (list, tuple)):
        if not x:
            return (0,)
        inner = {_nested_shape(xi) for xi in x}
        if len(inner) != 1:
            raise ValueError("ragged nested list: the items have different lengths")
        return (len(x), *inner.pop())
    if isinstance(x, np.ndarray):
        return x.shape
    return ()


def _flatten(x: Any) -> list[Any]:
    if isinstance(x, (list, tuple)):
        return [leaf for xi in x for leaf in _flatten(xi)]
    if isinstance(x, np.ndarray):
        return x.reshape(-1).tolist()
    return [x]


def _renest(flat: list[Any], shape: tuple[int, ...]) -> Any:
    if len(shape) <= 1:
        return flat if shape else flat[0]
    step = len(flat) // shape[0]
    return [_renest(flat[i * step:(i + 1) * step], shape[1:]) for i in range(shape[0])]


def _as_value(x: Any) -> Value:
    return x if isinstance(x, Value) else Value.constant(float(x))


def _target_array(target: Any, name: str = "target") -> np.ndarray:
    if isinstance(target, Node):
        target = target.data
    arr = np.asarray(target)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    return arr


def _pairs(pred: Any, target: Any, who: str) -> tuple[list[Value], list[float], tuple]:
    """Flatten scalar-path predictions and targets, checking that their shapes agree."""
    pshape = _nested_shape(pred)
    tarr = _target_array(target)
    tshape = tarr.shape
    if tshape != pshape and not (len(pshape) == 2 and pshape[1] == 1 and tshape == pshape[:1]):
        raise ValueError(f"{who}: predictions of shape {pshape} and targets of shape {tshape} "
                         "do not match")
    return [_as_value(p) for p in _flatten(pred)], tarr.reshape(-1).tolist(), pshape


def _reduce_values(losses: list[Value], shape: tuple, reduction: str) -> Any:
    if reduction == "none":
        return _renest(losses, shape)
    if not losses:
        raise ValueError("cannot reduce an empty batch of losses")
    total = sum(losses[1:], losses[0])
    return total * (1.0 / len(losses)) if reduction == "mean" else total


def _match_tensor(pred: Tensor, target: Any, who: str) -> Tensor:
    """The target as a constant Tensor of the prediction's shape (see the module docstring)."""
    if isinstance(target, Tensor):
        t = target
    else:
        arr = _target_array(target)
        t = Tensor(arr.astype(pred.dtype if pred.dtype.kind == "f" else np.float64))
    if t.shape != pred.shape:
        if pred.ndim == 2 and pred.shape[1] == 1 and t.shape == pred.shape[:1]:
            return t.reshape(pred.shape)
        raise ValueError(f"{who}: predictions of shape {pred.shape} and targets of shape "
                         f"{t.shape} do not match")
    return t


def _reduce_tensor(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _as_pred_tensor(pred: Any) -> Tensor:
    if isinstance(pred, Tensor):
        return pred
    return Tensor(_target_array(pred, "predictions").astype(np.float64))


# -- regression losses -------------------------------------------------------------------------


def mse_loss(pred: Any, target: Any, reduction: str = "mean", half: bool = False) -> Any:
    """Mean squared error: the mean of (ŷ − y)² over all elements.

    ``half=True`` uses the notes' convention C = ½(y − a)², whose derivative is simply a − y.
    Note that ``"mean"`` averages over *all elements* (N samples × outputs); the notes'
    quadratic cost C = 1/(2N) Σₓ ‖y − a‖² averages over samples only: use
    ``mse_loss(..., reduction="sum", half=True) / N`` for it.
    """
    _check_reduction(reduction)
    k = 0.5 if half else 1.0
    if _is_value_input(pred):
        ps, ts, shape = _pairs(pred, target, "mse_loss")
        losses = [((p - t) ** 2) * k if half else (p - t) ** 2 for p, t in zip(ps, ts)]
        return _reduce_values(losses, shape, reduction)
    pred = _as_pred_tensor(pred)
    d = pred - _match_tensor(pred, target, "mse_loss")
    sq = d * d
    return _reduce_tensor(sq * k if half else sq, reduction)


def l1_loss(pred: Any, target: Any, reduction: str = "mean") -> Any:
    """Mean absolute error |ŷ − y|."""
    _check_reduction(reduction)
    if _is_value_input(pred):
        ps, ts, shape = _pairs(pred, target, "l1_loss")
        return _reduce_values([abs(p - t) for p, t in zip(ps, ts)], shape, reduction)
    pred = _as_pred_tensor(pred)
    return _reduce_tensor(abs(pred - _match_tensor(pred, target, "l1_loss")), reduction)


# -- binary classification ---------------------------------------------------------------------


def _check_probabilities(values: np.ndarray, who: str, what: str) -> None:
    if values.size and not (np.all(values >= 0.0) and np.all(values <= 1.0)):
        bad = values[(values < 0.0) | (values > 1.0) | np.isnan(values)]
        hint = (" (the model outputs raw scores? use binary_cross_entropy_with_logits)"
                if what == "predictions" else "")
        raise ValueError(f"{who} expects {what} in [0, 1], got {bad.flat[0].item()!r}{hint}")


def binary_cross_entropy(pred: Any, target: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy −[y log p + (1 − y) log(1 − p)] of probabilities ``p`` (the output
    of a sigmoid) against targets ``y`` in [0, 1].

    As in PyTorch, each log is clamped to at least −100, so a confidently wrong p = 0 or 1
    gives a loss of 100 rather than inf; and its gradient is PyTorch's,
    ∂ℓ/∂p = (p − y) / max(p(1 − p), 1e-12): the exact derivative −y/p + (1 − y)/(1 − p)
    wherever p(1 − p) > 1e-12, and at p = 0 with y = 1 (p = 1 with y = 0) a large gradient of
    the right sign, −1e12 (+1e12), instead of the 0 of a clamped, flat log. Prefer
    :func:`binary_cross_entropy_with_logits` on raw scores: it is exact where this clamps.
    """
    _check_reduction(reduction)
    if _is_value_input(pred):
        ps, ts, shape = _pairs(pred, target, "binary_cross_entropy")
        _check_probabilities(np.array([p.data for p in ps]), "binary_cross_entropy",
                             "predictions")
        _check_probabilities(np.array(ts, dtype=float), "binary_cross_entropy", "targets")
        losses = [_bce_value(p, t) for p, t in zip(ps, ts)]
        return _reduce_values(losses, shape, reduction)
    pred = _as_pred_tensor(pred)
    t = _match_tensor(pred, target, "binary_cross_entropy")
    _check_probabilities(pred.data, "binary_cross_entropy", "predictions")
    _check_probabilities(t.data, "binary_cross_entropy", "targets")
    return _reduce_tensor(BinaryCrossEntropy.apply(pred, t), reduction)


def _bce_value(p: Value, t: float) -> Value:
    return BinaryCrossEntropy.apply(p, t)


def _clamped_logs(p: Any) -> tuple[Any, Any]:
    """max(log p, −100) and max(log(1 − p), −100) of a float or an array (nan for p < 0)."""
    if isinstance(p, float):
        return _clamped_log(p), _clamped_log(1.0 - p)
    with np.errstate(divide="ignore", invalid="ignore"):  # log 0 = -inf, then clamped
        return np.maximum(np.log(p), LOG_CLAMP), np.maximum(np.log1p(-p), LOG_CLAMP)


def _clamped_log(x: float) -> float:
    if x > 0.0:
        return max(math.log(x), LOG_CLAMP)
    return LOG_CLAMP if x == 0.0 else math.nan


class BinaryCrossEntropy(Function):
    """ℓ(p, y) = −[y·max(log p, −100) + (1 − y)·max(log(1 − p), −100)] elementwise, one node,
    with PyTorch's derivatives ∂ℓ/∂p = (p − y) / max(p(1 − p), 1e-12) (the exact derivative
    −y/p + (1 − y)/(1 − p), kept finite and large where p(1 − p) vanishes) and
    ∂ℓ/∂y = max(log(1 − p), −100) − max(log p, −100). Inputs: p a Value or a Tensor, y a number,
    an array or a Tensor."""

    @staticmethod
    def forward(ctx: Any, p: Any, y: Any) -> Any:
        ctx.save_for_backward(p, y)
        lp, lq = _clamped_logs(p.data)
        ctx.logs = lp, lq
        yd = y.data if isinstance(y, Node) else y
        return -(yd * lp + (1.0 - yd) * lq)

    @staticmethod
    def backward(ctx: Any, g: Any) -> tuple:
        p, y = ctx.saved_tensors
        gp = gy = None
        if ctx.needs_input_grad[0]:
            # written with engine ops on the saved input, so that create_graph=True works
            gp = g * (p - y) / autograd.maximum(p * (1.0 - p), BCE_GRAD_EPS)
        if ctx.needs_input_grad[1]:
            lp, lq = ctx.logs
            gy = g * (lq - lp)
        return gp, gy

    @staticmethod
    def jvp(ctx: Any, tp: Any, ty: Any = None) -> Any:
        """Forward mode for Tensors: tp·∂ℓ/∂p + ty·∂ℓ/∂y, elementwise."""
        p, y = ctx.saved_tensors
        pd, yd = p.data, (y.data if isinstance(y, Node) else y)
        out = 0.0 if tp is None else tp * (pd - yd) / np.maximum(pd * (1.0 - pd), BCE_GRAD_EPS)
        if ty is not None:
            lp, lq = ctx.logs
            out = out + ty * (lq - lp)
        return out


def binary_cross_entropy_with_logits(logits: Any, target: Any, reduction: str = "mean") -> Any:
    """Binary cross-entropy of σ(x) computed from the logit x, stably:
    ``y·softplus(−x) + (1 − y)·softplus(x)`` (= max(x, 0) − x·y + log(1 + e^−|x|)), exact in
    both tails and with the gradient σ(x) − y everywhere."""
    _check_reduction(reduction)
    if _is_value_input(logits):
        xs, ts, shape = _pairs(logits, target, "binary_cross_entropy_with_logits")
        _check_probabilities(np.array(ts, dtype=float), "binary_cross_entropy_with_logits",
                             "targets")
        losses = [_bce_with_logits_value(x, t) for x, t in zip(xs, ts)]
        return _reduce_values(losses, shape, reduction)
    x = _as_pred_tensor(logits)
    t = _match_tensor(x, target, "binary_cross_entropy_with_logits")
    _check_probabilities(t.data, "binary_cross_entropy_with_logits", "targets")
    return _reduce_tensor(t * (-x).softplus() + (1.0 - t) * x.softplus(), reduction)


def _bce_with_logits_value(x: Value, t: float) -> Value:
    """t·softplus(−x) + (1 − t)·softplus(x) of one logit, without the term whose weight is 0."""
    terms = []
    if t != 0.0:
        terms.append((-x).softplus() * t)
    if t != 1.0:
        terms.append(x.softplus() * (1.0 - t))
    return sum(terms[1:], terms[0])


def hinge_loss(scores: Any, target: Any, reduction: str = "mean", margin: float = 1.0) -> Any:
    """The max-margin (SVM) loss max(0, margin − y·s) of scores ``s`` and labels ``y = ±1``,
    averaged: micrograd's demo loss. Labels 0/1 are refused (convert with ``2 * y - 1``)."""
    _check_reduction(reduction)
    labels = _target_array(target)
    bad = labels[(labels != 1) & (labels != -1)]
    if bad.size:
        raise ValueError(f"hinge_loss expects labels -1 or +1, got {bad.flat[0].item()!r} "
                         "(for 0/1 labels use 2 * y - 1)")
    if _is_value_input(scores):
        ss, ts, shape = _pairs(scores, labels, "hinge_loss")
        losses = [(margin - s * t).relu() for s, t in zip(ss, ts)]
        return _reduce_values(losses, shape, reduction)
    s = _as_pred_tensor(scores)
    t = _match_tensor(s, labels, "hinge_loss")
    return _reduce_tensor((margin - s * t).relu(), reduction)


# -- multi-class -------------------------------------------------------------------------------


def softmax(x: Any, axis: int = -1) -> Any:
    """Softmax of a Tensor along ``axis``, or of a list of Values (one distribution)."""
    if isinstance(x, (list, tuple)):
        return softmax_values(x)
    return _as_pred_tensor(x).softmax(axis=axis)


def log_softmax(x: Any, axis: int = -1) -> Any:
    """log softmax, stably: x − logsumexp(x); for a Tensor along ``axis``, or a list of
    Values."""
    if isinstance(x, (list, tuple)):
        return _log_softmax_values([_as_value(v) for v in x])
    return _as_pred_tensor(x).log_softmax(axis=axis)


def _log_softmax_values(xs: list[Value]) -> list[Value]:
    m = max(x.data for x in xs)
    exps = [(x - m).exp() for x in xs]
    lse = sum(exps[1:], exps[0]).log() + m
    return [x - lse for x in xs]


def one_hot(labels: Any, num_classes: int) -> np.ndarray:
    """Integer class labels ``(N,)`` as a float array ``(N, num_classes)`` of 0s and 1s."""
    idx = _class_indices(_target_array(labels, "labels"), num_classes, "one_hot")
    out = np.zeros(idx.shape + (num_classes,))
    np.put_along_axis(out, idx[..., None], 1.0, axis=-1)
    return out


def _class_indices(arr: np.ndarray, num_classes: int, who: str) -> np.ndarray:
    if arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            bad = arr[~np.isfinite(arr) | (arr != np.round(arr))].flat[0].item()
            raise ValueError(f"{who}: class labels must be integers, got {bad!r}")
        arr = arr.astype(np.int64)
    elif arr.dtype.kind == "b":
        arr = arr.astype(np.int64)
    out_of_range = (arr < 0) | (arr >= num_classes)
    if np.any(out_of_range):
        pos = np.argwhere(out_of_range)[0]
        where = f" (at position {tuple(int(i) for i in pos)})" if arr.ndim else ""
        raise ValueError(
            f"{who}: class label {int(arr[tuple(pos)])} is out of range for {num_classes} "
            f"classes (valid labels are 0..{num_classes - 1}){where}"
        )
    return arr


def cross_entropy(
    logits: Any, target: Any, reduction: str = "mean", label_smoothing: float = 0.0,
) -> Any:
    """Softmax cross-entropy of raw scores (logits), computed through a stable log-softmax.

    ``logits`` has the classes on its last axis: a Tensor ``(N, C)`` (or ``(C,)`` for one
    sample), a list of C Values for one sample, or a list of such lists for a batch.
    ``target`` is either integer class indices (``(N,)``, or an int for one sample) or
    probabilities over the classes (``(N, C)``, e.g. one-hot). ``label_smoothing`` ε mixes the
    target with the uniform distribution: (1 − ε)·t + ε/C. ``"mean"`` averages over samples.
    """
    _check_reduction(reduction)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"label_smoothing must be in [0, 1], got {label_smoothing}")
    if _is_value_input(logits):
        return _cross_entropy_values(logits, target, reduction, label_smoothing)
    x = _as_pred_tensor(logits)
    if x.ndim not in (1, 2):
        raise ValueError(f"cross_entropy expects logits of shape (N, C) or (C,), got {x.shape}")
    probs = _target_distribution(target, x.shape, label_smoothing)
    losses = -(Tensor(probs.astype(x.dtype)) * x.log_softmax(axis=-1)).sum(axis=-1)
    return _reduce_tensor(losses, reduction)


def _target_distribution(target: Any, shape: tuple, smoothing: float) -> np.ndarray:
    """Targets as probabilities of the logits' ``shape`` ((N, C) or (C,)): targets of that
    shape are probabilities already, targets of shape ``shape[:-1]`` are class indices."""
    arr = _target_array(target)
    c = shape[-1]
    if arr.shape == tuple(shape):
        if np.any(arr < 0) or not np.allclose(arr.sum(axis=-1), 1.0, atol=1e-6):
            raise ValueError("cross_entropy: probability targets must be non-negative and sum "
                             "to 1 over the classes")
        probs = arr.astype(np.float64)
    elif arr.shape == tuple(shape[:-1]):
        probs = one_hot(_class_indices(arr, c, "cross_entropy"), c)
    else:
        raise ValueError(
            f"cross_entropy: logits of shape {tuple(shape)} need class indices of shape "
            f"{tuple(shape[:-1])} or probabilities of shape {tuple(shape)}, got targets of "
            f"shape {arr.shape}"
        )
    if smoothing:
        probs = (1.0 - smoothing) * probs + smoothing / c
    return probs


def _cross_entropy_values(logits: Any, target: Any, reduction: str, smoothing: float) -> Any:
    shape = _nested_shape(logits)
    if len(shape) not in (1, 2) or shape[-1] == 0:
        raise ValueError(f"cross_entropy expects one sample's logits (a list of Values) or a "
                         f"batch (a list of lists), got a nested list of shape {shape}")
    probs = _target_distribution(target, shape, smoothing)
    rows = [logits] if len(shape) == 1 else list(logits)
    probs = probs.reshape(len(rows), shape[-1])
    losses = []
    for row, pr in zip(rows, probs):
        logp = _log_softmax_values([_as_value(v) for v in row])
        terms = [lp * float(pc) for lp, pc in zip(logp, pr) if pc != 0.0]
        losses.append(-sum(terms[1:], terms[0]))
    if len(shape) == 1 and reduction != "none":
        return losses[0]
    return _reduce_values(losses, (len(losses),), reduction)


# -- penalties ---------------------------------------------------------------------------------


def _params(params: Any) -> list[Value | Tensor]:
    if hasattr(params, "parameters") and callable(params.parameters):
        params = params.parameters()
    if isinstance(params, Node):
        params = [params]
    out = list(params) if isinstance(params, Iterable) else None
    if out is None or not all(isinstance(p, Node) for p in out):
        raise TypeError("penalties take a Module, a Value/Tensor or an iterable of them")
    return out


def _total(terms: list[Any]) -> Any:
    if not terms:
        return Value.constant(0.0)
    kinds = {isinstance(t, Value) for t in terms}
    if len(kinds) > 1:
        raise TypeError("cannot add the penalties of Value and Tensor parameters together; "
                        "compute them separately")
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    return total


def l1_penalty(params: Any) -> Any:
    """Σ|w| over the given parameters (a Module's, or an iterable): add λ·l1_penalty to a loss
    for L1 regularisation (it pushes weights to exactly 0)."""
    return _total([abs(p) if isinstance(p, Value) else abs(p).sum() for p in _params(params)])


def l2_penalty(params: Any, half: bool = False) -> Any:
    """Σw², the squared Frobenius norm ‖W‖²_F summed over the parameters; ``half=True`` gives
    the notes' ½‖w‖² (whose gradient is w, so λ·½‖w‖² is SGD's ``weight_decay=λ``).

    Pass only weights to exclude biases, as the lecture notes do
    (``[p for n, p in model.named_parameters() if not n.endswith("bias")]``).
    """
    k = 0.5 if half else 1.0
    terms = [p * p if isinstance(p, Value) else (p * p).sum() for p in _params(params)]
    total = _total(terms)
    return total * k if half else total
