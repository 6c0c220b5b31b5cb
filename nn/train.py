"""The training loop: :func:`fit`, :func:`evaluate`, :func:`predict`, :func:`accuracy`,
:class:`History`, :class:`EarlyStopping` and :func:`cross_validate`.

One loop serves both kinds of model. A *scalar* model (``MLP`` on ``Value``s) is run sample by
sample: the batch's predictions are collected in a list and ``loss_fn(predictions, targets)``
averages their losses, so one backward pass and one optimizer step happen per mini-batch. A
*Tensor* model gets the whole batch as one ``(B, features)`` Tensor. Either way an epoch is
``ceil(N / B)`` iterations of: forward, loss, ``zero_grad``, ``backward``, ``step``.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

import numpy as np

from autograd import Node, Tensor, Value, no_grad

from . import functional as F
from . import losses as L
from .data import DataLoader, kfold
from .module import Module

__all__ = [
    "CrossValidation",
    "EarlyStopping",
    "History",
    "NonFiniteLossError",
    "accuracy",
    "cross_validate",
    "evaluate",
    "fit",
    "predict",
]


# -- conversions -------------------------------------------------------------------------------


def to_numpy(x: Any) -> np.ndarray:
    """Predictions as a float array: a Tensor's data, a Value's float, or a (nested) list of
    Values/numbers."""
    if isinstance(x, Node):
        return np.asarray(x.data, dtype=np.float64)
    if isinstance(x, (list, tuple)):
        return np.array([to_numpy(xi) for xi in x], dtype=np.float64)
    return np.asarray(x, dtype=np.float64)


def is_scalar_model(model: Module) -> bool:
    """True when the model's parameters are Values (it is run one sample at a time)."""
    params = model.parameters()
    return bool(params) and isinstance(params[0], Value)


def _forward(model: Module, X: np.ndarray, scalar: bool) -> Any:
    if scalar:
        return [model(x) for x in X]
    return model(Tensor(X))


def _loss_float(loss: Any) -> float:
    if isinstance(loss, Node):
        data = loss.data
        if np.size(data) != 1:
            raise ValueError(
                f"the loss function must return a single number, got a result of shape "
                f"{np.shape(data)} (use reduction='mean')"
            )
        return float(np.asarray(data).reshape(()))
    return float(loss)


class NonFiniteLossError(FloatingPointError):
    """:func:`fit` met a loss that is nan or ±inf; ``epoch`` and ``step`` (1-based, the step
    within the epoch, of ``steps``: ``"?"`` for a loader without a length) say where,
    ``history`` holds the epochs completed before it. The model keeps the parameters of the
    last finite step: the non-finite loss is never back-propagated or applied."""

    def __init__(
        self, loss: float, epoch: int, step: int, steps: int | str, history: History,
    ) -> None:
        self.loss, self.epoch, self.step, self.history = loss, epoch, step, history
        super().__init__(
            f"the loss is {loss} at epoch {epoch}, step {step} of {steps}; training stopped "
            "before that update. Lower the learning rate (or check the data for huge values), "
            "and run a step under autograd.detect_anomaly() to find the op that first "
            "produces a nan or inf"
        )


# -- accuracy and metrics ------------------------------------------------------------------------


def accuracy(pred: Any, y: Any, threshold: float | None = None) -> float:
    """Fraction of correct predictions.

    * Several outputs per sample (shape ``(N, C)``, logits or probabilities): the class is the
      argmax; ``y`` holds class indices (or one-hot rows).
    * One output per sample (``(N,)`` or ``(N, 1)``): with labels ``±1`` (a hinge-loss
      model) the prediction is the sign of the score; with labels 0/1 it is
      ``pred > threshold``. Without ``threshold``, 0.5 is used when every prediction lies in
      [0, 1] (probabilities) and 0 otherwise (logits); pass it explicitly when that guess could
      be wrong (logits that all happen to lie in [0, 1]).
    """
    p = to_numpy(pred)
    t = np.asarray(y.data if isinstance(y, Node) else y)
    if p.ndim == 2 and p.shape[1] > 1:
        labels = t.argmax(axis=1) if t.shape == p.shape else t.reshape(-1)
        if labels.shape[0] != p.shape[0]:
            raise ValueError(f"accuracy: {p.shape[0]} predictions but {labels.shape[0]} labels")
        return float(np.mean(p.argmax(axis=1) == labels))
    p = p.reshape(-1)
    t = t.reshape(-1)
    if p.shape != t.shape:
        raise ValueError(f"accuracy: predictions of shape {p.shape} and labels of shape "
                         f"{t.shape} do not match")
    if p.size == 0:
        return float("nan")
    if np.any(t == -1):
        cut = 0.0 if threshold is None else threshold
        return float(np.mean(np.where(p > cut, 1, -1) == t))
    if threshold is None:
        threshold = 0.5 if np.all((p >= 0.0) & (p <= 1.0)) else 0.0
    return float(np.mean((p > threshold).astype(np.int64) == t))


_LOGIT_LOSSES = (F.binary_cross_entropy_with_logits, F.hinge_loss)
_PROB_LOSSES = (F.binary_cross_entropy,)


def _threshold_for(loss_fn: Any) -> float | None:
    """The decision threshold a single-output model trained with ``loss_fn`` uses."""
    if loss_fn in _LOGIT_LOSSES or isinstance(loss_fn, (L.BCEWithLogitsLoss, L.HingeLoss)):
        return 0.0
    if loss_fn in _PROB_LOSSES or isinstance(loss_fn, L.BCELoss):
        return 0.5
    return None


def _metric_fns(metrics: Any, loss_fn: Any) -> dict[str, Callable[[Any, Any], float]]:
    if metrics is None:
        return {}
    if isinstance(metrics, str) or callable(metrics):
        metrics = (metrics,)
    out: dict[str, Callable[[Any, Any], float]] = {}
    threshold = _threshold_for(loss_fn)
    for m in metrics:
        if m in ("accuracy", "acc"):
            out["accuracy"] = lambda p, y: accuracy(p, y, threshold)
        elif callable(m):
            name = getattr(m, "__name__", type(m).__name__)
            out[name] = m
        else:
            raise ValueError(f"unknown metric {m!r}: use 'accuracy' or a callable "
                             "f(predictions, targets) -> float")
    return out


# -- history -----------------------------------------------------------------------------------


class History:
    """Per-epoch records of :func:`fit`: ``history["loss"]``, ``history["val_loss"]``,
    ``history["accuracy"]``, ``history["val_accuracy"]``, ``history["lr"]`` (lists, one entry
    per epoch); ``history.loss`` and ``history.val_loss`` as attributes. ``stopped_epoch`` is the
    epoch (1-based) at which early stopping ended training, or None; ``best_epoch`` the epoch
    whose weights early stopping restored."""

    def __init__(self) -> None:
        self.history: dict[str, list[float]] = {}
        self.epochs: list[int] = []
        self.stopped_epoch: int | None = None
        self.best_epoch: int | None = None

    def append(self, epoch: int, logs: dict[str, float]) -> None:
        n = len(self.epochs)
        self.epochs.append(epoch)
        for key, value in logs.items():
            self.history.setdefault(key, [math.nan] * n).append(float(value))
        for values in self.history.values():
            if len(values) < n + 1:
                values.append(math.nan)

    def __getitem__(self, key: str) -> list[float]:
        try:
            return self.history[key]
        except KeyError:
            raise KeyError(f"no {key!r} in the history; recorded: "
                           f"{', '.join(self.history) or 'nothing yet'}") from None

    def __contains__(self, key: object) -> bool:
        return key in self.history

    def keys(self) -> Iterable[str]:
        return self.history.keys()

    def __iter__(self) -> Iterator[str]:
        return iter(self.history)

    @property
    def loss(self) -> list[float]:
        return self.history.get("loss", [])

    @property
    def val_loss(self) -> list[float]:
        return self.history.get("val_loss", [])

    def __len__(self) -> int:
        return len(self.epochs)

    def __repr__(self) -> str:
        if not self.epochs:
            return "History(0 epochs)"
        last = ", ".join(f"{k}={v[-1]:.4g}" for k, v in self.history.items())
        return f"History({len(self.epochs)} epochs; last: {last})"


# -- early stopping --------------------------------------------------------------------------


class EarlyStopping:
    """Stop training when the monitored quantity has not improved for ``patience`` epochs.

    An epoch improves on the best so far when it is lower by more than ``min_delta`` (for a
    loss; higher for an accuracy: ``mode="auto"`` picks ``"min"`` for names containing "loss"
    and ``"max"`` otherwise). With ``restore_best`` (the default) the weights of the best epoch
    are put back into the model when training ends, stopped early or not.
    """

    def __init__(
        self, patience: int = 5, min_delta: float = 0.0, monitor: str = "val_loss",
        mode: str = "auto", restore_best: bool = True,
    ) -> None:
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"patience must be a non-negative integer, got {patience!r}")
        if min_delta < 0:
            raise ValueError(f"min_delta must be >= 0, got {min_delta}")
        if mode not in ("auto", "min", "max"):
            raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
        self.patience = patience
        self.min_delta = float(min_delta)
        self.monitor = monitor
        self.mode = ("min" if "loss" in monitor else "max") if mode == "auto" else mode
        self.restore_best = restore_best
        self.reset()

    def reset(self) -> None:
        """Forget the previous run (``fit`` calls this at the start)."""
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.wait = 0
        self.stopped_epoch: int | None = None
        self._best_state: dict[str, np.ndarray] | None = None

    def _improved(self, value: float) -> bool:
        if self.best is None:
            return not math.isnan(value)
        if self.mode == "min":
            return value < self.best - self.min_delta
        return value > self.best + self.min_delta

    def step(self, epoch: int, logs: dict[str, float], model: Module) -> bool:
        """Record one epoch's logs; return True when training should stop."""
        if self.monitor not in logs:
            hint = " (pass val_data to fit, or monitor='loss')" if self.monitor.startswith(
                "val_") else ""
            raise KeyError(f"EarlyStopping monitors {self.monitor!r}, which is not among the "
                           f"logs {sorted(logs)}{hint}")
        value = float(logs[self.monitor])
        if self._improved(value):
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best:
                self._best_state = model.state_dict()
            return False
        self.wait += 1
        if self.wait >= self.patience:
            self.stopped_epoch = epoch
            return True
        return False

    def restore(self, model: Module) -> None:
        """Load the best epoch's weights into ``model`` (if they were kept)."""
        if self.restore_best and self._best_state is not None:
            model.load_state_dict(self._best_state)

    def __repr__(self) -> str:
        return (f"EarlyStopping(monitor={self.monitor!r}, patience={self.patience}, "
                f"min_delta={self.min_delta}, mode={self.mode!r}, "
                f"restore_best={self.restore_best})")


# -- the loop ------------------------------------------------------------------------------------


def _loader(data: Any, batch_size: int, shuffle: bool, seed: Any, what: str) -> Any:
    if isinstance(data, DataLoader):
        return data
    if isinstance(data, (tuple, list)) and len(data) == 2:
        X, y = data
        return DataLoader(np.asarray(X), np.asarray(y), batch_size=batch_size, shuffle=shuffle,
                          seed=seed)
    if hasattr(data, "__iter__") and hasattr(data, "__len__"):
        return data
    raise TypeError(f"{what} must be a pair (X, y) or a DataLoader, got {type(data).__name__}")


def _len(loader: Any) -> int | str:
    try:
        return len(loader)
    except TypeError:
        return "?"


def _run_callbacks(callbacks: Sequence[Any], epoch: int, logs: dict[str, float],
                   model: Module) -> bool:
    stop = False
    for cb in callbacks:
        if hasattr(cb, "on_epoch_end"):
            result = cb.on_epoch_end(epoch, logs)
        elif hasattr(cb, "step") and hasattr(cb, "optimizer"):  # a learning-rate scheduler
            result = cb.step()
        elif callable(cb):
            result = cb(epoch, logs)
        else:
            raise TypeError(f"a callback must be callable, have on_epoch_end(epoch, logs) or be "
                            f"a learning-rate scheduler; got {cb!r}")
        stop = stop or result is True
    return stop


def _tqdm() -> Any:
    """tqdm's notebook widget when ipywidgets is installed, else the plain text bar (which
    also works in Jupyter; tqdm.auto would warn there about the missing widgets)."""
    import importlib.util

    if importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm as auto_tqdm

        return auto_tqdm
    from tqdm import tqdm

    return tqdm


def fit(
    model: Module,
    loss_fn: Callable[[Any, Any], Any],
    optimizer: Any,
    train_data: Any,
    epochs: int = 10,
    batch_size: int = 32,
    val_data: Any = None,
    metrics: Any = ("accuracy",),
    early_stopping: EarlyStopping | None = None,
    callbacks: Sequence[Any] = (),
    progress: bool = True,
    seed: Any = None,
    shuffle: bool = True,
) -> History:
    """Train ``model`` for ``epochs`` passes over ``train_data``; return a :class:`History`.

    Args:
        model: a scalar (``MLP``) or Tensor model.
        loss_fn: ``loss_fn(predictions, targets)`` returning one number (a Value or a one-element
            Tensor): a function of :mod:`nn.functional`, a loss module, or your own (e.g.
            ``lambda p, y: F.hinge_loss(p, y) + 1e-4 * F.l2_penalty(model)``).
        optimizer: an :mod:`nn.optim` optimizer over the model's parameters.
        train_data: ``(X, y)`` arrays (batched by a shuffling :class:`~nn.data.DataLoader` of
            ``batch_size`` seeded with ``seed``) or a ready DataLoader.
        val_data: optional ``(X, y)`` or DataLoader evaluated (in eval mode, without
            gradients) after every epoch, giving ``val_loss`` and ``val_<metric>``.
        metrics: names (``"accuracy"``) or functions ``f(predictions, targets) -> float``;
            training metrics are computed on the predictions made during the epoch.
        early_stopping: an :class:`EarlyStopping`.
        callbacks: called after every epoch: objects with ``on_epoch_end(epoch, logs)``,
            learning-rate schedulers (their ``step()`` is called), or functions
            ``f(epoch, logs)``; returning True stops training.
        progress: show a tqdm progress bar (notebook-aware) over the epochs.

    Raises:
        NonFiniteLossError: at the first mini-batch whose loss is nan or ±inf (a learning
            rate too large, overflowing data), naming the epoch and the step, before that
            loss is back-propagated: training never silently continues on nan.
    """
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    loader = _loader(train_data, batch_size, shuffle, seed, "train_data")
    val_loader = None if val_data is None else _loader(val_data, max(batch_size, 256), False,
                                                       None, "val_data")
    metric_fns = _metric_fns(metrics, loss_fn)
    scalar = is_scalar_model(model)
    history = History()
    if early_stopping is not None:
        early_stopping.reset()
    bar = _tqdm()(range(1, epochs + 1), desc="training", unit="epoch", disable=not progress,
               leave=True)
    try:
        for epoch in bar:
            model.train()
            total, count = 0.0, 0
            preds, targets = [], []
            for step, (Xb, yb) in enumerate(loader, start=1):
                out = _forward(model, Xb, scalar)
                loss = loss_fn(out, yb)
                value = _loss_float(loss)
                if not math.isfinite(value):
                    raise NonFiniteLossError(value, epoch, step, _len(loader), history)
                optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                n = len(Xb)
                total += value * n
                count += n
                if metric_fns:
                    preds.append(to_numpy(out))
                    targets.append(np.asarray(yb))
            logs = {"loss": total / max(count, 1)}
            if metric_fns and preds:
                P, Y = np.concatenate(preds), np.concatenate(targets)
                for name, fn in metric_fns.items():
                    logs[name] = float(fn(P, Y))
            if val_loader is not None:
                val = _evaluate(model, loss_fn, val_loader, metric_fns, scalar)
                logs.update({f"val_{k}": v for k, v in val.items()})
            groups = getattr(optimizer, "param_groups", None)
            if groups:
                logs["lr"] = float(groups[0]["lr"])
            history.append(epoch, logs)
            bar.set_postfix({k: f"{v:.4g}" for k, v in logs.items() if k != "lr"})
            stop = _run_callbacks(callbacks, epoch, logs, model)
            if early_stopping is not None and early_stopping.step(epoch, logs, model):
                history.stopped_epoch = epoch
                stop = True
            if stop:
                break
    finally:
        bar.close()
    if early_stopping is not None:
        early_stopping.restore(model)
        history.best_epoch = early_stopping.best_epoch
    model.train()
    return history


def _evaluate(model: Module, loss_fn: Any, loader: Any, metric_fns: dict, scalar: bool,
              ) -> dict[str, float]:
    was_training = model.training
    model.eval()
    try:
        total, count = 0.0, 0
        preds, targets = [], []
        with no_grad():
            for Xb, yb in loader:
                out = _forward(model, Xb, scalar)
                if loss_fn is not None:
                    total += _loss_float(loss_fn(out, yb)) * len(Xb)
                count += len(Xb)
                preds.append(to_numpy(out))
                targets.append(np.asarray(yb))
    finally:
        model.train(was_training)
    result = {}
    if loss_fn is not None:
        result["loss"] = total / max(count, 1)
    if preds:
        P, Y = np.concatenate(preds), np.concatenate(targets)
        for name, fn in metric_fns.items():
            result[name] = float(fn(P, Y))
    return result


def evaluate(
    model: Module, loss_fn: Any, data: Any, metrics: Any = ("accuracy",), batch_size: int = 256,
) -> dict[str, float]:
    """Loss and metrics of ``model`` on ``data`` (``(X, y)`` or a DataLoader), in evaluation mode
    (dropout off, BatchNorm's running statistics) and without recording gradients. The model's
    mode is restored afterwards. ``loss_fn`` may be None (metrics only)."""
    loader = _loader(data, batch_size, False, None, "data")
    return _evaluate(model, loss_fn, loader, _metric_fns(metrics, loss_fn),
                     is_scalar_model(model))


def predict(model: Module, X: Any, batch_size: int = 256) -> np.ndarray:
    """The model's outputs on ``X`` as a numpy array, in evaluation mode, without gradients."""
    X = np.asarray(X)
    loader = DataLoader(X, batch_size=batch_size)
    scalar = is_scalar_model(model)
    was_training = model.training
    model.eval()
    try:
        with no_grad():
            outs = [to_numpy(_forward(model, Xb, scalar)) for Xb in loader]
    finally:
        model.train(was_training)
    return np.concatenate(outs)


# -- cross-validation -------------------------------------------------------------------------


class CrossValidation:
    """Results of :func:`cross_validate`: ``scores[name]`` is an array with one value per fold
    (``val_loss``, ``val_accuracy``, ...); ``histories`` the training history of each fold."""

    def __init__(self, scores: dict[str, np.ndarray], histories: list[History]) -> None:
        self.scores = scores
        self.histories = histories

    def mean(self) -> dict[str, float]:
        return {k: float(np.mean(v)) for k, v in self.scores.items()}

    def std(self) -> dict[str, float]:
        return {k: float(np.std(v)) for k, v in self.scores.items()}

    def __getitem__(self, key: str) -> np.ndarray:
        return self.scores[key]

    def __repr__(self) -> str:
        k = len(self.histories)
        parts = [f"{n}={m:.4g}±{s:.2g}" for (n, m), s in
                 zip(self.mean().items(), self.std().values())]
        return f"CrossValidation({k} folds; {', '.join(parts)})"


def cross_validate(
    make_model: Callable[[], Module],
    make_optimizer: Callable[[Module], Any],
    loss_fn: Any,
    X: Any,
    y: Any,
    k: int = 5,
    epochs: int = 10,
    batch_size: int = 32,
    metrics: Any = ("accuracy",),
    seed: Any = None,
    shuffle: bool = True,
    progress: bool = False,
    **fit_kwargs: Any,
) -> CrossValidation:
    """K-fold cross-validation (K = 5 or 10 are the usual choices): for each of the ``k`` folds of
    :func:`nn.data.kfold`, train a fresh ``make_model()`` with ``make_optimizer(model)`` on the
    other folds and evaluate it on this one. Returns the per-fold validation scores."""
    X = np.asarray(X)
    y = np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"X and y must have the same number of samples: {len(X)} and {len(y)}")
    fit_kwargs.pop("val_data", None)
    scores: dict[str, list[float]] = {}
    histories = []
    rng = np.random.default_rng(seed)
    for train_idx, val_idx in kfold(len(X), k, shuffle=shuffle, seed=rng):
        model = make_model()
        optimizer = make_optimizer(model)
        es = fit_kwargs.get("early_stopping")
        if es is not None:
            fit_kwargs["early_stopping"] = copy.copy(es)
        hist = fit(model, loss_fn, optimizer, (X[train_idx], y[train_idx]), epochs=epochs,
                   batch_size=batch_size, metrics=metrics, progress=progress,
                   seed=rng, **fit_kwargs)
        histories.append(hist)
        result = evaluate(model, loss_fn, (X[val_idx], y[val_idx]), metrics=metrics)
        for name, value in result.items():
            scores.setdefault(f"val_{name}", []).append(value)
    return CrossValidation({n: np.asarray(v) for n, v in scores.items()}, histories)
