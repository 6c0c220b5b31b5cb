"""The jobs behind ``gradbook train`` and ``gradbook demo``, written with the public API only.

A job loads a data set, builds an MLP (scalar ``nn.MLP`` on Values or a Tensor ``nn.mlp``),
trains it with ``nn.train.fit`` and writes what a learner wants to look at: the model, the
history, the loss curve, the decision boundary of 2-D data and the graph of one neuron.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import secrets
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

import nn
from autograd import Value, gradcheck
from autograd.atomic import atomic_write, atomic_write_bytes, atomic_write_text
from gradbook.messages import language, say
from nn import data as D
from nn import functional as F

TOY_SETS = ("moons", "circles", "spirals", "xor")
LOSSES = ("auto", "cross_entropy", "bce", "hinge", "mse")
OPTIMIZERS = ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam", "adamw")
TASKS = ("auto", "classify", "regress")
#: ``task="auto"`` classifies integer targets with at most this many distinct values.
AUTO_MAX_CLASSES = 50
#: No classifier is built with more outputs than this.
MAX_CLASSES = 1000
#: The scalar engine keeps one Python object per weight and per operation of every sample.
MAX_VALUE_PARAMETERS = 100_000


class JobError(ValueError):
    """Bad job settings or data: the message says what and which value."""


@dataclass
class TrainConfig:
    """Settings of a training run (the options of ``gradbook train``)."""

    data: str = "moons"
    hidden: tuple[int, ...] = (16, 16)
    activation: str = "relu"
    engine: str = "auto"
    loss: str = "auto"
    optimizer: str = "sgd"
    lr: float | None = None
    epochs: int = 20
    batch_size: int = 32
    dropout: float = 0.0
    weight_decay: float = 0.0
    seed: int = 0
    out: str = "gradbook-out"
    progress: bool = True
    samples: int = 200
    task: str = "auto"
    force: bool = False


@dataclass
class Dataset:
    """Training and test arrays plus what kind of target they hold."""

    name: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    task: str  # "binary", "multiclass" or "regression"
    classes: int = 0
    notes: list[str] = field(default_factory=list)
    #: the original target value of each class: output k of a classifier means labels[k]
    labels: list[Any] = field(default_factory=list)


# -- data ----------------------------------------------------------------------------------


def load_dataset(spec: str, seed: int = 0, samples: int = 200, task: str = "auto") -> Dataset:
    """``moons``, ``circles``, ``spirals``, ``xor``, ``digits``, ``idx:DIR`` or ``csv:PATH``
    (``~`` in a path means the home folder).

    ``task`` is ``"classify"``, ``"regress"`` or ``"auto"`` (see :func:`task_of`); a
    classifier's targets are returned as class indices 0..k-1, and ``Dataset.labels`` maps
    each index back to its original value."""
    if task not in TASKS:
        raise JobError(say("unknown task {task!r}; use one of {choices}", task=task,
                           choices=", ".join(TASKS)))
    if spec in TOY_SETS:
        X, y = _toy(spec, samples, seed)
        return _split(spec, X, y, seed, 0.2 if len(X) >= 20 else 0, task)
    if spec == "digits":
        X, y = D.digits()
        return _split(spec, X, y, seed, 0.2, task)
    kind, sep, where = spec.partition(":")
    if sep and kind == "idx":
        folder = Path(where).expanduser()
        X_tr, y_tr = D.fashion_mnist(folder, kind="train")
        X_te, y_te = D.fashion_mnist(folder, kind="test")
        # IDX labels are integer class labels (nn.data refuses float ones): "auto" classifies
        name, classes, labels = task_of(y_tr, "classify" if task == "auto" else task,
                                        say("the labels in {folder}", folder=folder))
        if name == "regression":
            return Dataset(spec, X_tr, y_tr.astype(float), X_te, y_te.astype(float), name)
        unseen = sorted(set(np.unique(y_te).tolist()) - set(labels))
        if unseen:
            raise JobError(say("the test labels in {folder} include {label}, which no "
                               "training image has", folder=folder, label=unseen[0]))
        return Dataset(spec, X_tr, np.searchsorted(labels, y_tr), X_te,
                       np.searchsorted(labels, y_te), name, classes, labels=list(labels))
    if sep and kind == "csv":
        X, y = read_csv(Path(where).expanduser())
        return _split(spec, X, y, seed, 0.2 if len(X) >= 10 else 0, task)
    raise _unknown_data_set(spec)


def _unknown_data_set(spec: str) -> JobError:
    return JobError(say("unknown data set {spec!r}; use one of {toys}, digits, idx:DIR "
                        "(Fashion-MNIST IDX files) or csv:PATH", spec=spec,
                        toys=", ".join(TOY_SETS)))


def _toy(spec: str, samples: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The generated set ``spec`` (one of :data:`TOY_SETS`), as ``gradbook train`` makes it."""
    if spec == "moons":
        return D.moons(samples, noise=0.1, seed=seed)
    if spec == "circles":
        return D.circles(samples, noise=0.05, seed=seed)
    if spec == "spirals":
        return D.spirals(max(samples // 3, 2), classes=3, seed=seed)
    return D.xor(max(samples, 4), noise=0.1 if samples > 4 else 0.0, seed=seed)


def _split(name: str, X: np.ndarray, y: np.ndarray, seed: int, test_size: float,
           task: str = "auto") -> Dataset:
    kind, classes, labels = task_of(y, task, say("the targets of {name}", name=name))
    if kind != "regression":
        y = np.searchsorted(labels, y)  # class indices 0..k-1, in the order of the labels
    if test_size:
        strat = y if kind != "regression" else None
        X_tr, X_te, y_tr, y_te = D.train_test_split(X, y, test_size=test_size, seed=seed,
                                                    stratify=strat)
    else:  # too few samples to hold some out (the four XOR points): evaluate on them
        X_tr, X_te, y_tr, y_te = X, X, y, y
    return Dataset(name, X_tr, y_tr, X_te, y_te, kind, classes, labels=list(labels))


def task_of(y: np.ndarray, task: str = "auto", what: str | None = None,
            ) -> tuple[str, int, np.ndarray]:
    """``(kind, number of classes, the class labels in order)`` for the targets ``y``.

    A classifier's classes are the distinct target values, sorted; class ``k`` is
    ``labels[k]`` (the targets 0, 1000, ..., 19000 are 20 classes, not 19,001).
    ``task="classify"`` needs integer targets and at most :data:`MAX_CLASSES` distinct
    values; ``"regress"`` treats the targets as real numbers; ``"auto"`` classifies integer
    targets with 2 to :data:`AUTO_MAX_CLASSES` distinct values and regresses anything else.
    ``kind`` is ``"binary"``, ``"multiclass"`` or ``"regression"`` (0 classes, no labels).
    ``what`` names the targets in an error (default: "the targets").
    """
    if what is None:
        what = say("the targets")
    if task == "regress":
        return "regression", 0, np.array([])
    y = np.asarray(y)
    integral = y.dtype.kind in "biu" or bool(np.all(y == np.round(y)))
    values = np.unique(y)
    if task == "classify":
        if not integral:
            bad = y.ravel()[np.flatnonzero(y.ravel() != np.round(y.ravel()))[0]]
            raise JobError(say("--task classify needs integer class labels, but {what} include "
                               "{bad!r}", what=what, bad=bad))
        if len(values) > MAX_CLASSES:
            raise JobError(say("{what} have {count:,} distinct values; a classifier takes at "
                               "most {most:,} classes (use --task regress)", what=what,
                               count=len(values), most=MAX_CLASSES))
        if len(values) < 2:
            raise JobError(say("{what} hold a single class ({label!r}); a classifier needs two "
                               "or more", what=what, label=values[0]))
    elif not (integral and 2 <= len(values) <= AUTO_MAX_CLASSES):
        return "regression", 0, np.array([])
    return ("binary" if len(values) == 2 else "multiclass"), len(values), values


def read_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Numeric columns, the last one the target; an optional header row of names.

    Errors name the file, the row and the cell: an empty file, ragged rows, non-numeric cells.
    """
    path = Path(path)
    rows = _csv_rows(path)
    if len(rows[0]) < 2:
        raise JobError(say("{path} needs at least two columns (features, then the target)",
                           path=path))
    arr = _csv_numbers(path, rows)
    return arr[:, :-1], arr[:, -1]


def _csv_rows(path: Path) -> list[list[str]]:
    """The data rows of a CSV file as text, without its header (a first row that is not all
    numbers); refuses a missing, non-UTF-8, malformed or empty file."""
    if not path.is_file():
        raise JobError(say("no CSV file at {path}", path=path))
    rows = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            rows = [r for r in reader if r and any(c.strip() for c in r)]
    except UnicodeDecodeError as exc:
        raise JobError(say("{path} is not UTF-8 text (byte 0x{byte:02x} at offset {offset}); "
                           "save it as UTF-8", path=path, byte=exc.object[exc.start],
                           offset=exc.start)) from None
    except csv.Error as exc:
        raise JobError(say("{path}, line {line}: {error}", path=path, line=reader.line_num,
                           error=exc)) from None
    if not rows:
        raise JobError(say("{path} is empty", path=path))
    if not _numeric_row(rows[0]):
        rows = rows[1:]  # a header
    if not rows:
        raise JobError(say("{path} has a header but no data rows", path=path))
    return rows


def _csv_numbers(path: Path, rows: list[list[str]]) -> np.ndarray:
    """The rows as a float array: as many cells as the first row, numbers, finite."""
    width = len(rows[0])
    values = []
    for i, row in enumerate(rows, start=1):
        if len(row) != width:
            raise JobError(say("{path}: data row {row} has {cells} cells but the first row has "
                               "{width}", path=path, row=i, cells=len(row), width=width))
        try:
            values.append([float(c) for c in row])
        except ValueError:
            bad = next(c for c in row if not _is_float(c))
            raise JobError(say("{path}: data row {row} has a non-numeric cell {cell!r}",
                               path=path, row=i, cell=bad)) from None
    arr = np.array(values)
    if not np.all(np.isfinite(arr)):
        raise JobError(say("{path} contains nan or inf values", path=path))
    return arr


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _numeric_row(row: list[str]) -> bool:
    return all(_is_float(c) for c in row)


# -- model, loss, optimizer ------------------------------------------------------------------


def _engine(cfg: TrainConfig, ds: Dataset) -> str:
    if cfg.engine not in ("auto", "value", "tensor"):
        raise JobError(say("unknown engine {engine!r}; use value, tensor or auto",
                           engine=cfg.engine))
    if cfg.engine != "auto":
        return cfg.engine
    small = ds.X_train.shape[1] <= 4 and len(ds.X_train) <= 500
    return "value" if small else "tensor"


def _loss_name(cfg: TrainConfig, ds: Dataset) -> str:
    if cfg.loss not in LOSSES:
        raise JobError(say("unknown loss {loss!r}; use one of {choices}", loss=cfg.loss,
                           choices=", ".join(LOSSES)))
    if cfg.loss != "auto":
        return cfg.loss
    return {"binary": "hinge", "multiclass": "cross_entropy", "regression": "mse"}[ds.task]


def _outputs(loss: str, ds: Dataset) -> int:
    if loss == "cross_entropy":
        if ds.task == "regression":
            raise JobError(say("cross_entropy needs class labels, but the targets are real "
                               "numbers"))
        return ds.classes
    if loss in ("bce", "hinge") and ds.task != "binary":
        if not ds.classes:
            raise JobError(say("the {loss} loss needs two classes, but the targets are real "
                               "numbers", loss=loss))
        raise JobError(say("the {loss} loss needs two classes, the data has {classes}",
                           loss=loss, classes=ds.classes))
    return 1


def _available_memory() -> int | None:
    """Bytes of memory available to a new allocation (Linux's MemAvailable, else the physical
    memory), or None when the system does not say."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    with contextlib.suppress(AttributeError, ValueError, OSError):
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return None


def check_model_size(sizes: list[int], engine: str, batch_size: int) -> int:
    """The parameter count ``sum((n_in + 1) * n_out)`` of an MLP with layer ``sizes``; raises
    :class:`JobError`, before anything is allocated, when the model cannot be trained here.

    The tensor engine needs about ``8 * (4 * parameters + 4 * batch_size * sum(sizes))`` bytes
    (float64 weights, gradients and two optimizer buffers; the activations of one batch forward
    and backward), which must fit in half the available memory; the scalar engine, one
    Python object per weight and per operation, is limited to
    :data:`MAX_VALUE_PARAMETERS` parameters."""
    params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))
    shape = " -> ".join(map(str, sizes))
    if engine == "value" and params > MAX_VALUE_PARAMETERS:
        raise JobError(say("the MLP {shape} has {params:,} parameters, too many for the scalar "
                           "engine (at most {most:,}); use --engine tensor", shape=shape,
                           params=params, most=MAX_VALUE_PARAMETERS))
    need = 8 * (4 * params + 4 * batch_size * sum(sizes))
    available = _available_memory()
    if available is not None and need > available // 2:
        raise JobError(say("the MLP {shape} has {params:,} parameters and needs about "
                           "{need:,.1f} GiB to train, more than half of the {available:,.1f} "
                           "GiB available; use smaller --hidden sizes", shape=shape,
                           params=params, need=need / 2**30, available=available / 2**30))
    return params


def build_model(cfg: TrainConfig, ds: Dataset, engine: str, n_out: int) -> nn.Module:
    sizes = [ds.X_train.shape[1], *cfg.hidden, n_out]
    check_model_size(sizes, engine, cfg.batch_size)
    if engine == "value":
        if cfg.dropout:
            raise JobError(say("--dropout needs the tensor engine (--engine tensor)"))
        return nn.MLP(sizes[0], sizes[1:], activation=cfg.activation, seed=cfg.seed)
    return nn.mlp(sizes, activation=cfg.activation, dropout=cfg.dropout or None, seed=cfg.seed)


def loss_function(name: str, ds: Dataset, model: nn.Module, weight_decay_l2: float = 1e-4):
    """``loss(predictions, targets)`` for ``fit``, in the label convention the loss needs."""
    if name == "hinge":
        # micrograd's demo: max-margin on labels ±1 plus a small L2 penalty
        def hinge(pred: Any, y: Any) -> Any:
            return F.hinge_loss(pred, 2 * np.asarray(y) - 1) + weight_decay_l2 * F.l2_penalty(
                model.parameters()
            )

        return hinge
    if name == "bce":
        return F.binary_cross_entropy_with_logits
    if name == "cross_entropy":
        return lambda pred, y: F.cross_entropy(pred, np.asarray(y, dtype=np.int64))
    return F.mse_loss


def make_optimizer(name: str, params: list, lr: float | None, weight_decay: float) -> Any:
    if name not in OPTIMIZERS:
        raise JobError(say("unknown optimizer {name!r}; use one of {choices}", name=name,
                           choices=", ".join(OPTIMIZERS)))
    opt = nn.optim
    defaults = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.05,
                "rmsprop": 0.005, "adadelta": 1.0, "adam": 0.005, "adamw": 0.005}
    lr = defaults[name] if lr is None else lr
    if not lr > 0:
        raise JobError(say("--lr must be positive, got {lr}", lr=lr))
    wd = weight_decay
    if name == "sgd":
        return opt.SGD(params, lr=lr, weight_decay=wd)
    if name in ("momentum", "nesterov"):
        return opt.SGD(params, lr=lr, momentum=0.9, nesterov=name == "nesterov", weight_decay=wd)
    cls = {"adagrad": opt.Adagrad, "rmsprop": opt.RMSprop, "adadelta": opt.Adadelta,
           "adam": opt.Adam, "adamw": opt.AdamW}[name]
    return cls(params, lr=lr, weight_decay=wd)


# -- the job ---------------------------------------------------------------------------------


def _check_config(cfg: TrainConfig) -> None:
    """Refuse settings out of range, each with the option's name and value."""
    if cfg.epochs < 1 or cfg.batch_size < 1:
        raise JobError(say("--epochs and --batch-size must be positive (got {epochs}, "
                           "{batch_size})", epochs=cfg.epochs, batch_size=cfg.batch_size))
    if cfg.samples < 1:
        raise JobError(say("--samples must be positive, got {samples}", samples=cfg.samples))
    if not 0 <= cfg.dropout < 1:
        raise JobError(say("--dropout must be in [0, 1), got {dropout}", dropout=cfg.dropout))
    if cfg.lr is not None and not (math.isfinite(cfg.lr) and cfg.lr > 0):
        raise JobError(say("--lr must be a finite positive number, got {lr}", lr=cfg.lr))
    if not (math.isfinite(cfg.weight_decay) and cfg.weight_decay >= 0):
        raise JobError(say("--weight-decay must be a finite number >= 0, got {weight_decay}",
                           weight_decay=cfg.weight_decay))
    if not cfg.hidden or any(h < 1 for h in cfg.hidden):
        raise JobError(say("--hidden sizes must be positive, got {hidden}", hidden=cfg.hidden))
    if cfg.seed < 0:
        raise JobError(say("--seed must be >= 0, got {seed}", seed=cfg.seed))


def train(cfg: TrainConfig, log: Any = print) -> dict[str, Any]:
    """Train as ``cfg`` says, write the outputs into ``cfg.out`` and return a summary.

    The output folder is checked first (:func:`output_folder`: a non-empty one is refused
    unless ``cfg.force``), the outputs are written into a staging folder beside it and moved
    into place at the end: an interrupted or failed run (a non-finite loss raises
    :class:`nn.train.NonFiniteLossError`) leaves the previous folder as it was. The summary
    (``summary.json``) records the task and, for a classifier, the original label of each
    output (``classes``)."""
    _check_config(cfg)
    out = Path(cfg.out).expanduser()
    check_output_folder(out, cfg.force)
    ds = load_dataset(cfg.data, cfg.seed, cfg.samples, cfg.task)
    std = D.Standardizer().fit(ds.X_train)
    X_train, X_test = std.transform(ds.X_train), std.transform(ds.X_test)
    engine = _engine(cfg, ds)
    loss_name = _loss_name(cfg, ds)
    n_out = _outputs(loss_name, ds)
    model = build_model(cfg, ds, engine, n_out)
    loss_fn = loss_function(loss_name, ds, model)
    optimizer = make_optimizer(cfg.optimizer, model.parameters(), cfg.lr, cfg.weight_decay)
    # the accuracy of the decisions `gradbook predict` makes (see decide)
    metrics = (_accuracy_metric(loss_name, ds.classes),) if ds.task != "regression" else ()
    record = model_record(
        engine=engine, sizes=[ds.X_train.shape[1], *cfg.hidden, n_out],
        activation=cfg.activation, dropout=cfg.dropout if engine == "tensor" else 0.0,
        task=ds.task, loss=loss_name, classes=ds.labels, standardizer=std,
        weights="model.npz",
    )
    line = say("data {name}: {train} training and {test} test samples, {features} features, "
               "task {task}", name=ds.name, train=len(ds.X_train), test=len(ds.X_test),
               features=ds.X_train.shape[1], task=_task_text(ds.task))
    if ds.labels:
        line += say(" ({classes} classes: {labels})", classes=ds.classes,
                    labels=_labels_text(ds.labels))
    log(line)
    log(say("model ({engine} engine): {model!r}", engine=engine, model=model))
    log(say("loss {loss}, optimizer {optimizer}, {epochs} epochs, batch size {batch_size}",
            loss=loss_name, optimizer=cfg.optimizer, epochs=cfg.epochs,
            batch_size=cfg.batch_size))

    def report(epoch: int, logs: dict[str, float]) -> None:
        text = "  ".join(f"{_metric_text(k)} {v:.4f}" for k, v in logs.items() if k != "lr")
        log(say("epoch {epoch:3d}  {metrics}", epoch=epoch, metrics=text))

    history = nn.train.fit(
        model, loss_fn, optimizer, (X_train, ds.y_train), epochs=cfg.epochs,
        batch_size=cfg.batch_size, val_data=(X_test, ds.y_test), metrics=metrics,
        callbacks=[report], progress=cfg.progress, seed=cfg.seed,
    )
    with output_folder(out, cfg.force) as stage:
        written = write_outputs(stage, model, history, ds, X_train, engine, loss_name, log,
                                record=record)
        summary = {
            "data": ds.name, "engine": engine, "loss": loss_name, "model": repr(model),
            "task": ds.task, "classes": [_plain(v) for v in ds.labels],
            "final": {k: v[-1] for k, v in history.history.items()}, "files": written,
        }
        atomic_write_text(stage / "summary.json", json.dumps(summary, indent=2, default=str))
    return summary


def _plain(v: Any) -> Any:
    """A numpy scalar as the Python int or float JSON writes exactly."""
    v = v.item() if hasattr(v, "item") else v
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _task_text(kind: str) -> str:
    """A task kind (``"binary"``, ``"multiclass"``, ``"regression"``) in the current language."""
    if kind == "binary":
        return say("binary")
    if kind == "multiclass":
        return say("multiclass")
    if kind == "regression":
        return say("regression")
    return kind


def _metric_text(name: str) -> str:
    """A name of ``fit``'s history (``loss``, ``val_accuracy``, ...) in the current language."""
    if name == "loss":
        return say("loss")
    if name == "accuracy":
        return say("accuracy")
    if name == "val_loss":
        return say("val_loss")
    if name == "val_accuracy":
        return say("val_accuracy")
    return name


def _labels_text(labels: list[Any], limit: int = 10) -> str:
    shown = ", ".join(str(_plain(v)) for v in labels[:limit])
    return shown + (", ..." if len(labels) > limit else "")


# -- output folders ------------------------------------------------------------------------

#: The file that marks a folder written by ``gradbook demo`` (which a new demo may replace).
DEMO_MARKER = ".gradbook-demo"


def check_output_folder(out: Path, force: bool, marker: str | None = None) -> None:
    """Refuse an output folder that cannot be used, before any work is done: a path naming a
    file, a non-empty folder (unless ``force``, or it holds ``marker``: a previous run of the
    same command), the current folder or one of its parents, or the home folder."""
    if out.exists() and not out.is_dir():
        raise JobError(say("--out names a file, not a folder: {out}", out=out))
    here = Path.cwd().resolve()
    for target in {Path(os.path.abspath(out)), out.resolve()}:
        if target == Path.home().resolve() or target == here or target in here.parents:
            raise JobError(say("refusing to use {out} as the output folder: it is the home "
                               "folder, the current folder or one of its parents", out=out))
    own = marker is not None and (out / marker).is_file()
    if out.is_dir() and any(out.iterdir()) and not (force or own):
        raise JobError(say("the output folder {out} is not empty; use --force to replace it, "
                           "or choose another --out", out=out))
    parent = Path(os.path.abspath(out)).parent
    if parent.exists() and not parent.is_dir():
        raise JobError(say("--out {out}: {parent} is a file, not a folder", out=out,
                           parent=parent))


@contextlib.contextmanager
def output_folder(out: Path, force: bool, marker: str | None = None) -> Iterator[Path]:
    """A fresh staging folder beside ``out`` (named ``.<out>.incomplete-<random>``) to write a
    run's files into; when the block ends normally the staging folder replaces ``out``
    (whose previous content is removed), else it is deleted. A run that is interrupted, fails,
    or is killed therefore never mixes its files with an older run's: ``out`` is untouched,
    and at worst (``kill -9``) a folder marked ``incomplete`` is left beside it."""
    check_output_folder(out, force, marker)
    out = Path(os.path.abspath(out))  # "." and ".." resolved; a final symlink is kept
    out.parent.mkdir(parents=True, exist_ok=True)
    stage = out.parent / f".{out.name}.incomplete-{secrets.token_hex(4)}"
    stage.mkdir()
    try:
        yield stage
        if marker:
            atomic_write_text(stage / marker, "written by gradbook; a new run may replace "
                              "this folder\n")
        if out.is_symlink():
            out.unlink()
        elif out.exists():
            shutil.rmtree(out)
        os.replace(stage, out)
    finally:
        if stage.exists():
            shutil.rmtree(stage, ignore_errors=True)


def save_figure(fig: Any, path: Path) -> str:
    """Write a matplotlib figure as PNG (100 dpi) atomically; returns the file name."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=100)
    atomic_write_bytes(path, buf.getvalue())
    return path.name


def write_outputs(out: Path, model: nn.Module, history: Any, ds: Dataset, X_train: np.ndarray,
                  engine: str, loss_name: str, log: Any = print,
                  record: dict[str, Any] | None = None) -> list[str]:
    """The model (and, given its ``record``, :data:`MODEL_RECORD` beside it), the history
    (JSON and CSV), the loss curve, the decision boundary (2-D data) and one neuron's graph,
    each written atomically; returns the file names written. Without matplotlib or Graphviz
    the plots or the graph are left out, with a note."""
    from viz.dot import GraphTooLargeError, GraphvizError, GraphvizNotFoundError

    files = []
    model.save(out / "model.npz")
    files.append("model.npz")
    if record is not None:
        write_record(out / MODEL_RECORD, record)
        files.append(MODEL_RECORD)
    hist = {"epoch": list(history.epochs), **history.history}
    atomic_write_text(out / "history.json", json.dumps(hist, indent=2))
    with atomic_write(out / "history.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(hist.keys())
        w.writerows(zip(*hist.values()))
    files += ["history.json", "history.csv"]
    try:
        from viz import plot_decision_boundary, plot_history

        files.append(save_figure(plot_history(history), out / "loss.png"))
        if X_train.shape[1] == 2 and ds.task != "regression":
            threshold = 0.0 if loss_name in ("hinge", "bce") else None
            fig = plot_decision_boundary(model, X_train, ds.y_train, threshold=threshold,
                                         title=say("{name}: decision boundary",
                                                   name=ds.name))
            files.append(save_figure(fig, out / "decision_boundary.png"))
    except ImportError as e:  # matplotlib is an optional extra
        log(say("(no plots: {error})", error=e))
    try:
        files.append(neuron_graph(model, X_train, engine, out / "neuron.svg"))
    except (GraphvizNotFoundError, GraphvizError, GraphTooLargeError) as e:
        log(say("(no neuron.svg: {error})", error=str(e).splitlines()[0]))
    return files


def neuron_graph(model: nn.Module, X: np.ndarray, engine: str, path: Path,
                 page: Path | None = None) -> str:
    """Draw the forward and backward pass of one neuron of the first hidden layer on one
    sample: the first (neuron, sample) pair, in order, where the neuron is *active*, i.e. its
    activation's slope f′(z) is not zero. On a sample where a ReLU unit has z <= 0 every
    gradient of ``a = f(z)`` is 0 (da/dwᵢ = f′(z)·xᵢ), which teaches nothing, so such pairs are
    skipped; the picture's title says which pair is drawn, and why when none is active.
    With ``page``, also write there the :func:`viz.explore` page of the same neuron."""
    from viz import draw_graph, explore

    if engine == "value":
        layer = model.layers[0]
        rows = [([p.data for p in n.w], n.b.data) for n in layer.neurons]
        activation = layer.neurons[0].activation
    else:
        linear = model[0]
        rows = [(w.tolist(), float(b)) for w, b in zip(linear.weight.data, linear.bias.data)]
        activation = _first_activation(model)

    def draw(j: int, i: int) -> tuple[Value, nn.Neuron]:
        w, b = rows[j]
        unit = nn.Neuron(len(w), activation=activation)
        for p, v in zip(unit.w, w):
            p.data = float(v)
        unit.b.data = float(b)
        xs = [Value(float(v), label=f"x{k}") for k, v in enumerate(X[i])]
        a = unit(xs)
        a.label = "a"
        a.backward()
        return a, unit

    candidates = ((j, i) for j in range(len(rows)) for i in range(min(len(X), 100)))
    found = next(((j, i) for j, i in candidates if draw(j, i)[1].b.grad != 0.0), None)
    if found is None:
        j, i = 0, 0
        title = say("neuron 0 of the first layer on sample 0: f′(z) = 0 on every sample tried, "
                    "so every gradient below is 0")
    else:
        j, i = found
        title = say("neuron {neuron} of the first layer on sample {sample}: a = {activation}(z), "
                    "da/dwᵢ = f′(z)·xᵢ, da/db = f′(z)", neuron=j, sample=i,
                    activation=activation)
    a, unit = draw(j, i)
    g = draw_graph(a, names=unit, lang=language())
    g.attr(label=title, labelloc="t", fontsize="12")
    atomic_write_bytes(path, g.pipe(format="svg"))
    if page is not None:
        explore(a, names=unit, title=title).save(page)
    return path.name


def _first_activation(model: nn.Module) -> str:
    for layer in list(model)[1:]:
        name = getattr(layer, "name", None)
        if name and not isinstance(layer, (nn.Linear, nn.Dropout)):
            return name
    return "linear"


# -- trained models: the record, loading, predicting, exporting ------------------------------

#: The ``format`` of a model record, and the ``version`` this gradbook writes and reads.
MODEL_FORMAT = "gradbook-model"
MODEL_VERSION = 1
#: The record ``gradbook train`` writes beside ``model.npz``.
MODEL_RECORD = "model.json"
#: A record is a few numbers per feature: a larger file is refused before it is read.
MAX_RECORD_BYTES = 64 * 2**20
#: The batch size the size check of a loaded model assumes (``nn.train.predict``'s).
PREDICT_BATCH = 256
ENGINES = ("value", "tensor")
KINDS = ("binary", "multiclass", "regression")
RECORD_KEYS = ("format", "version", "engine", "sizes", "activation", "dropout", "task", "loss",
               "classes", "features", "standardize", "weights")
#: The suffixes ``gradbook export`` writes.
EXPORT_SUFFIXES = (".onnx", ".safetensors")


class ModelRecordError(JobError):
    """A model that cannot be loaded: no record, a malformed one, weights that do not fit it."""


def model_record(*, engine: str, sizes: list[int], activation: str, dropout: float, task: str,
                 loss: str, classes: list[Any], standardizer: Any,
                 weights: str) -> dict[str, Any]:
    """The record of a trained model: what :func:`load_trained` needs to rebuild it (plain
    JSON data; see :func:`read_record` for the keys)."""
    return {
        "format": MODEL_FORMAT, "version": MODEL_VERSION, "engine": engine,
        "sizes": [int(n) for n in sizes], "activation": activation, "dropout": float(dropout),
        "task": task, "loss": loss, "classes": [_plain(v) for v in classes],
        "features": int(sizes[0]),
        "standardize": {"mean": [float(v) for v in standardizer.mean_],
                        "std": [float(v) for v in standardizer.std_]},
        "weights": weights,
    }


def write_record(path: Path, record: dict[str, Any]) -> None:
    atomic_write_text(path, json.dumps(record, indent=2, allow_nan=False) + "\n")


def _shown(value: Any, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 3] + "..."


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _numbers_list(v: Any) -> bool:
    return isinstance(v, list) and all(_is_number(x) for x in v)


class _NonFinite(Exception):
    """NaN, Infinity or -Infinity in a record (JSON has no such numbers; Python reads them)."""


def _non_finite(text: str) -> Any:
    raise _NonFinite(text)


def read_record(path: Path) -> dict[str, Any]:
    """The model record at ``path``, checked: a JSON object with exactly the keys
    :data:`RECORD_KEYS`, ``format`` :data:`MODEL_FORMAT`, ``version`` :data:`MODEL_VERSION`,
    each value of its type and range, and values that agree with each other (``features`` is
    ``sizes[0]`` and the number of means and deviations; the outputs fit the task, the loss and
    the classes). Raises :class:`ModelRecordError` naming the file and the problem."""

    def bad(problem: str) -> ModelRecordError:
        return ModelRecordError(say("cannot use {path}: {problem}", path=path,
                                    problem=problem))

    try:
        size = path.stat().st_size
        if size > MAX_RECORD_BYTES:
            raise bad(say("{size:,} bytes is too large for a model record (at most {most:,})",
                          size=size, most=MAX_RECORD_BYTES))
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise bad(say("not a model record: not UTF-8 text")) from None
    except OSError as e:
        raise ModelRecordError(say("cannot read {path}: {reason}", path=path,
                                   reason=e.strerror or e)) from None
    try:
        record = json.loads(text, parse_constant=_non_finite)
    except _NonFinite as e:
        raise bad(say("the model record holds a non-finite number ({value})",
                      value=e)) from None
    except (ValueError, RecursionError) as e:  # not JSON, nested too deeply, too many digits
        raise bad(say("not a model record: not JSON ({error})", error=_one_line(e))) from None
    if not isinstance(record, dict) or record.get("format") != MODEL_FORMAT:
        found = record.get("format") if isinstance(record, dict) else record
        raise bad(say("not a model record: its format is {found}, not {wanted!r}",
                      found=_shown(found), wanted=MODEL_FORMAT))
    version = record.get("version")
    if not _is_int(version) or version != MODEL_VERSION:
        raise bad(say("model record version {version} is not supported (this gradbook reads "
                      "version {supported})", version=_shown(version), supported=MODEL_VERSION))
    missing = [k for k in RECORD_KEYS if k not in record]
    if missing:
        raise bad(say("the model record lacks {keys}", keys=", ".join(missing)))
    unknown = [k for k in record if k not in RECORD_KEYS]
    if unknown:
        raise bad(say("the model record has unknown keys: {keys}",
                      keys=", ".join(_shown(k, 30) for k in unknown)))

    def wrong(key: str, wanted: str) -> ModelRecordError:
        return bad(say("{key} must be {wanted}, got {value}", key=key, wanted=wanted,
                       value=_shown(record[key])))

    if record["engine"] not in ENGINES:
        raise wrong("engine", say("one of {choices}", choices=", ".join(ENGINES)))
    sizes = record["sizes"]
    if not (isinstance(sizes, list) and len(sizes) >= 2
            and all(_is_int(n) and n >= 1 for n in sizes)):
        raise wrong("sizes", say("a list of two or more positive integers"))
    if not isinstance(record["activation"], str) or not record["activation"]:
        raise wrong("activation", say("an activation's name"))
    dropout = record["dropout"]
    if not (_is_number(dropout) and 0 <= dropout < 1):
        raise wrong("dropout", say("a number in [0, 1)"))
    if record["task"] not in KINDS:
        raise wrong("task", say("one of {choices}", choices=", ".join(KINDS)))
    if record["loss"] not in LOSSES[1:]:
        raise wrong("loss", say("one of {choices}", choices=", ".join(LOSSES[1:])))
    classes = record["classes"]
    if not _numbers_list(classes) or len(set(classes)) != len(classes):
        raise wrong("classes", say("a list of distinct finite numbers"))
    features = record["features"]
    if not (_is_int(features) and features >= 1):
        raise wrong("features", say("a positive integer"))
    standardize = record["standardize"]
    if not (isinstance(standardize, dict) and sorted(standardize) == ["mean", "std"]
            and _numbers_list(standardize["mean"]) and _numbers_list(standardize["std"])):
        raise wrong("standardize", say("an object of two lists of finite numbers, mean and std"))
    if not all(v > 0 for v in standardize["std"]):
        raise bad(say("the deviations in standardize must be positive"))
    weights = record["weights"]
    if not (isinstance(weights, str) and weights not in ("", ".", "..")
            and "/" not in weights and "\\" not in weights and "\0" not in weights):
        raise wrong("weights", say("the name of a file in the record's folder"))
    # the values must agree with each other
    if features != sizes[0]:
        raise bad(say("features is {features} but sizes starts with {first}",
                      features=features, first=sizes[0]))
    means, stds = len(standardize["mean"]), len(standardize["std"])
    if means != features or stds != features:
        raise bad(say("standardize has {means} means and {stds} deviations for {features} "
                      "features", means=means, stds=stds, features=features))
    outputs = _expected_outputs(record["task"], record["loss"], len(classes))
    if outputs is None:
        raise bad(say("a {task} model with the {loss} loss and {classes} classes is not one "
                      "gradbook train makes", task=record["task"], loss=record["loss"],
                      classes=len(classes)))
    if sizes[-1] != outputs:
        raise bad(say("a {task} model with the {loss} loss and {classes} classes has {outputs} "
                      "outputs, but sizes ends with {last}", task=record["task"],
                      loss=record["loss"], classes=len(classes), outputs=outputs,
                      last=sizes[-1]))
    if record["engine"] == "value" and dropout:
        raise bad(say("dropout needs the tensor engine, but the engine is value"))
    return record


def _expected_outputs(task: str, loss: str, classes: int) -> int | None:
    """The number of outputs ``gradbook train`` gives such a model (None: it makes none)."""
    if task == "regression":
        return 1 if loss == "mse" and classes == 0 else None
    if (task == "binary") != (classes == 2) or classes < 2:
        return None
    if loss == "cross_entropy":
        return classes
    if loss in ("bce", "hinge"):
        return 1 if task == "binary" else None
    return 1  # mse on the class indices


def decide(scores: Any, loss: str, classes: int) -> np.ndarray:
    """The class index (0..classes-1) a classifier's outputs decide, one per sample: the
    argmax of several outputs; a single score above 0 for a logit (``bce``) or margin
    (``hinge``) is class 1; a single ``mse`` output is the nearest class index (for two
    classes: above 0.5 is class 1). ``gradbook train``'s accuracy counts these decisions and
    ``gradbook predict`` prints them."""
    s = nn.train.to_numpy(scores)
    s = s.reshape(len(s), -1)
    if s.shape[1] > 1:
        return s.argmax(axis=1)
    s = s[:, 0]
    if loss in ("bce", "hinge"):
        return (s > 0).astype(np.int64)
    return np.clip(np.rint(s), 0, max(classes - 1, 0)).astype(np.int64)


def _accuracy_metric(loss: str, classes: int) -> Any:
    """``fit``'s accuracy metric, counting the decisions of :func:`decide`."""

    def accuracy(pred: Any, y: Any) -> float:
        t = np.asarray(y).reshape(-1)
        if t.size == 0:
            return float("nan")
        return float(np.mean(decide(pred, loss, classes) == t))

    return accuracy


@dataclass
class TrainedModel:
    """A model rebuilt from its record by :func:`load_trained`, in evaluation mode."""

    model: nn.Module
    record: dict[str, Any]
    standardizer: Any  # an nn.data.Standardizer with the record's statistics
    weights: Path
    record_path: Path

    @property
    def features(self) -> int:
        return int(self.record["features"])

    @property
    def task(self) -> str:
        return str(self.record["task"])

    @property
    def classes(self) -> list[Any]:
        return list(self.record["classes"])

    def scores(self, X: np.ndarray) -> np.ndarray:
        """The model's outputs on raw feature rows (standardised as in training)."""
        return nn.train.predict(self.model, self.standardizer.transform(X))

    def predict(self, X: np.ndarray) -> list[Any]:
        """One prediction per raw feature row: a class's original label, or a value."""
        scores = self.scores(X)
        if self.task == "regression":
            return [float(v) for v in scores.reshape(-1)]
        classes = self.classes
        return [classes[i] for i in decide(scores, self.record["loss"], len(classes))]

    def graph_module(self) -> nn.Module:
        """``Sequential(Standardize, model)``: raw feature rows in, the model's scores out (an
        ``nn.MLP`` as its ``to_sequential()``)."""
        model = self.model
        if isinstance(model, nn.MLP):
            model = model.to_sequential()
        return nn.Sequential(nn.Standardize.from_standardizer(self.standardizer), model).eval()


def load_trained(path: str | Path) -> TrainedModel:
    """Rebuild a model ``gradbook train`` (or ``gradbook export ... .safetensors``) wrote.

    ``path`` is the weights file (``model.npz``, or a ``.safetensors``) with its record
    (the same name with ``.json``) beside it, the record itself (a ``.json``, whose
    ``weights`` names the weights file beside it), or the folder ``gradbook train`` wrote.
    The record is checked (:func:`read_record`) and the size of the model it describes
    (:func:`check_model_size`) before anything is built; the model is built as ``train``
    builds it (``nn.MLP`` for the ``value`` engine, ``nn.mlp`` for ``tensor``) and its
    weights are loaded with :meth:`nn.Module.load`. Every problem is a
    :class:`ModelRecordError` naming the file."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelRecordError(say("no model at {path}", path=path))
    weights: Path | None = None
    if path.is_dir():
        record_path = path / MODEL_RECORD
        if not record_path.is_file():
            raise ModelRecordError(say("{path} holds no {record}: give the folder gradbook train "
                                       "wrote, or its model.npz", path=path,
                                       record=MODEL_RECORD))
    elif path.suffix.lower() == ".json":
        record_path = path
    else:
        record_path, weights = path.with_suffix(".json"), path
        if not record_path.is_file():
            raise ModelRecordError(say("{path} is not a model gradbook can rebuild: there is no "
                                       "record {record} beside it (gradbook train writes "
                                       "model.json beside model.npz)", path=path,
                                       record=record_path.name))
    record = read_record(record_path)
    if weights is None:
        weights = record_path.parent / record["weights"]
        if not weights.is_file():
            raise ModelRecordError(say("{path}: its weights file {weights} does not exist",
                                       path=record_path, weights=weights))
    sizes, engine = list(record["sizes"]), record["engine"]
    try:
        check_model_size(sizes, engine, PREDICT_BATCH)
    except JobError as e:
        raise ModelRecordError(say("cannot use {path}: {problem}", path=record_path,
                                   problem=e)) from None
    try:
        if engine == "value":
            model: nn.Module = nn.MLP(sizes[0], sizes[1:], activation=record["activation"],
                                      seed=0)
        else:
            model = nn.mlp(sizes, activation=record["activation"],
                           dropout=record["dropout"] or None, seed=0)
    except (ValueError, TypeError) as e:
        raise ModelRecordError(say("{path}: cannot build the model it describes: {error}",
                                   path=record_path, error=_one_line(e))) from None
    try:
        _load_weights(model, weights)
    except nn.StateDictError as e:
        raise ModelRecordError(say("{weights} does not hold the weights of the model {path} "
                                   "describes: {error}", weights=weights, path=record_path,
                                   error=_one_line(e))) from None
    standardizer = D.Standardizer()
    standardizer.mean_ = np.array(record["standardize"]["mean"], dtype=np.float64)
    standardizer.std_ = np.array(record["standardize"]["std"], dtype=np.float64)
    model.eval()
    return TrainedModel(model, record, standardizer, weights, record_path)


def _one_line(error: BaseException) -> str:
    return "; ".join(line.strip() for line in str(error).splitlines() if line.strip())


def _load_weights(model: nn.Module, weights: Path) -> None:
    """``model.load(weights)``; for an ``nn.MLP``, a ``.safetensors`` file may hold the
    weights of its ``to_sequential()`` (PyTorch's names, as ``gradbook export`` writes them)."""
    if not isinstance(model, nn.MLP) or weights.suffix.lower() != ".safetensors":
        model.load(weights)
        return
    seq = model.to_sequential()
    try:
        seq.load(weights)
    except nn.StateDictError as first:
        try:
            model.load(weights)  # the MLP's own names (model.save of the MLP itself)
        except nn.StateDictError:
            raise first from None
        return
    linears = [m for m in seq if isinstance(m, nn.Linear)]
    for layer, linear in zip(model.layers, linears):
        assert linear.bias is not None
        for neuron, w, b in zip(layer.neurons, linear.weight.data, linear.bias.data):
            for p, v in zip(neuron.w, w):
                p.data = float(v)
            neuron.b.data = float(b)


def load_rows(spec: str, features: int, seed: int = 0, samples: int = 200,
              ) -> tuple[np.ndarray, str]:
    """The raw feature rows to predict and a name for them: ``csv:PATH`` (each row
    ``features`` numbers, or ``features + 1`` whose last, the target, is ignored), a generated
    set (as ``gradbook train`` makes it, in its order), ``digits`` or ``idx:DIR`` (the test
    images)."""
    kind, sep, where = spec.partition(":")
    if spec in TOY_SETS:
        X = _toy(spec, samples, seed)[0]
    elif spec == "digits":
        X = D.digits()[0]
    elif sep and kind == "idx":
        X = D.fashion_mnist(Path(where).expanduser(), kind="test")[0]
    elif sep and kind == "csv":
        path = Path(where).expanduser()
        rows = _csv_rows(path)
        width = len(rows[0])
        if width not in (features, features + 1):
            raise JobError(say("{path}: data row 1 has {cells} columns, but the model takes "
                               "{features} features (or {with_target} columns, the last one a "
                               "target)", path=path, cells=width, features=features,
                               with_target=features + 1))
        arr = _csv_numbers(path, rows)
        return arr[:, :features], str(path)
    else:
        raise _unknown_data_set(spec)
    X = np.asarray(X, dtype=np.float64).reshape(len(X), -1)
    if X.shape[1] != features:
        raise JobError(say("the data set {name} has {count} features, but the model takes "
                           "{features}", name=spec, count=X.shape[1], features=features))
    return X, spec


def predictions_csv(predictions: list[Any]) -> str:
    """The CSV ``gradbook predict`` writes: a header ``prediction``, one value per row."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["prediction"])
    for v in predictions:  # a float exactly (repr), a class label as the record has it
        w.writerow([repr(float(v)) if isinstance(v, float) else v])
    return buf.getvalue()


def export_model(trained: TrainedModel, out: Path, dtype: str = "float32") -> list[Path]:
    """Write ``trained`` to ``out``: ``.onnx``, the graph of ``Sequential(Standardize,
    model)`` (raw feature rows in, scores out) in ``dtype``; ``.safetensors``, the model's
    weights (PyTorch's names: an ``nn.MLP`` as its ``to_sequential()``) and its record beside
    it (``out`` with ``.json``). Returns the paths written."""
    suffix = out.suffix.lower()
    if suffix == ".onnx":
        from nn import onnx as nx

        example = np.zeros((1, trained.features))
        nx.export(trained.graph_module(), example, out,
                  dtype=np.float64 if dtype == "float64" else np.float32)
        return [out]
    if suffix != ".safetensors":
        raise JobError(say("cannot tell what to write from the suffix of {path}: use .onnx (the "
                           "graph) or .safetensors (the weights)", path=out))
    model = trained.model
    module = model.to_sequential() if isinstance(model, nn.MLP) else model
    module.save(out)
    record_path = out.with_suffix(".json")
    write_record(record_path, {**trained.record, "weights": out.name})
    return [out, record_path]



# -- the demo --------------------------------------------------------------------------------


def demo(out: str | Path = "gradbook-demo", log: Any = print, steps: int = 100,
         force: bool = False) -> dict[str, Any]:
    """micrograd's demo with the scalar engine: MLP(2, [16, 16, 1]) on 100 moons points,
    max-margin loss plus L2, SGD with a learning rate decaying from 1 to 0.1; writes its
    outputs into ``out``, draws a neuron's graph and gradient-checks the loss of one sample.

    ``out`` may be new, empty or a previous demo's folder (which is replaced); any other
    non-empty folder needs ``force``. The files are staged and moved into place at the end
    (:func:`output_folder`), so an interrupted demo leaves the previous folder as it was."""
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise JobError(say("--steps must be a positive integer, got {steps!r}", steps=steps))
    out = Path(out).expanduser()
    check_output_folder(out, force, DEMO_MARKER)
    X, y = D.moons(100, noise=0.1, seed=1)
    labels = 2 * y - 1
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1337)
    log(say("model: {model!r}", model=model))
    log(say("data: 100 two-moons points, labels ±1; {steps} steps of full-batch SGD",
            steps=steps))
    # checked before training, where every point still contributes to the loss
    check = demo_gradcheck(model, X, labels)
    history: dict[str, list[float]] = {"loss": [], "accuracy": []}
    params = model.parameters()
    for k in range(steps):
        scores = [model(list(row)) for row in X]
        loss = F.hinge_loss(scores, labels) + 1e-4 * F.l2_penalty(params)
        acc = float(np.mean([(s.data > 0) == (t > 0) for s, t in zip(scores, labels)]))
        model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * k / steps  # micrograd's 1.0 - 0.9 * k / 100 for its 100 steps
        for p in params:
            p.data -= lr * p.grad
        history["loss"].append(loss.data)
        history["accuracy"].append(acc)
        if k % 10 == 0 or k == steps - 1:
            log(say("step {step:3d}  loss {loss:.4f}  accuracy {accuracy:.0%}", step=k,
                    loss=loss.data, accuracy=acc))
    with output_folder(out, force, DEMO_MARKER) as stage:
        files = ["model.npz"]
        model.save(stage / "model.npz")
        atomic_write_text(stage / "history.json", json.dumps(history, indent=2))
        files.append("history.json")
        try:
            from viz import plot_decision_boundary, plot_history

            files.append(save_figure(plot_history(history), stage / "loss.png"))
            files.append(save_figure(plot_decision_boundary(
                model, X, y, threshold=0.0, title=say("{name}: decision boundary", name="moons")),
                stage / "decision_boundary.png"))
        except ImportError as e:
            log(say("(no plots: {error})", error=e))
        files.append(neuron_graph(model, X, "value", stage / "neuron.svg",
                                  page=stage / "neuron.html"))
        files.append("neuron.html")
        atomic_write_text(stage / "gradcheck.txt", str(check) + "\n")
        files.append("gradcheck.txt")
    log(say("gradcheck at the start: d loss / d (layer 0, neuron 0), backprop vs central "
            "differences:"))
    log(str(check))
    return {"accuracy": history["accuracy"][-1], "loss": history["loss"][-1], "files": files,
            "gradcheck": bool(check)}


def demo_gradcheck(model: nn.Module, X: np.ndarray, labels: np.ndarray) -> Any:
    """Check d loss / d (weights and bias of layer 0's first neuron) against central
    differences, the loss being the demo's (max-margin over all points plus L2)."""
    neuron = model.layers[0].neurons[0]
    own_w, own_b = neuron.w, neuron.b
    rows = [list(r) for r in X]
    others = [p for p in model.parameters() if all(p is not q for q in [*own_w, own_b])]

    def loss_of(*ws: Value) -> Value:
        neuron.w, neuron.b = list(ws[:-1]), ws[-1]  # run the model with these weights
        try:
            scores = [model(r) for r in rows]
            return F.hinge_loss(scores, labels) + 1e-4 * F.l2_penalty([*ws, *others])
        finally:
            neuron.w, neuron.b = own_w, own_b

    names = [f"w{i}" for i in range(len(own_w))] + ["b"]
    start = [Value(p.data, label=n) for p, n in zip([*own_w, own_b], names)]
    return gradcheck(loss_of, start, raise_exception=False, lang=language())
