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
        raise JobError(f"unknown task {task!r}; use one of {', '.join(TASKS)}")
    if spec in TOY_SETS:
        if spec == "moons":
            X, y = D.moons(samples, noise=0.1, seed=seed)
        elif spec == "circles":
            X, y = D.circles(samples, noise=0.05, seed=seed)
        elif spec == "spirals":
            X, y = D.spirals(max(samples // 3, 2), classes=3, seed=seed)
        else:
            X, y = D.xor(max(samples, 4), noise=0.1 if samples > 4 else 0.0, seed=seed)
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
                                        f"the labels in {folder}")
        if name == "regression":
            return Dataset(spec, X_tr, y_tr.astype(float), X_te, y_te.astype(float), name)
        unseen = sorted(set(np.unique(y_te).tolist()) - set(labels))
        if unseen:
            raise JobError(f"the test labels in {folder} include {unseen[0]}, which no "
                           "training image has")
        return Dataset(spec, X_tr, np.searchsorted(labels, y_tr), X_te,
                       np.searchsorted(labels, y_te), name, classes, labels=list(labels))
    if sep and kind == "csv":
        X, y = read_csv(Path(where).expanduser())
        return _split(spec, X, y, seed, 0.2 if len(X) >= 10 else 0, task)
    raise JobError(
        f"unknown data set {spec!r}; use one of {', '.join(TOY_SETS)}, digits, idx:DIR "
        "(Fashion-MNIST IDX files) or csv:PATH"
    )


def _split(name: str, X: np.ndarray, y: np.ndarray, seed: int, test_size: float,
           task: str = "auto") -> Dataset:
    kind, classes, labels = task_of(y, task, f"the targets of {name}")
    if kind != "regression":
        y = np.searchsorted(labels, y)  # class indices 0..k-1, in the order of the labels
    if test_size:
        strat = y if kind != "regression" else None
        X_tr, X_te, y_tr, y_te = D.train_test_split(X, y, test_size=test_size, seed=seed,
                                                    stratify=strat)
    else:  # too few samples to hold some out (the four XOR points): evaluate on them
        X_tr, X_te, y_tr, y_te = X, X, y, y
    return Dataset(name, X_tr, y_tr, X_te, y_te, kind, classes, labels=list(labels))


def task_of(y: np.ndarray, task: str = "auto", what: str = "the targets",
            ) -> tuple[str, int, np.ndarray]:
    """``(kind, number of classes, the class labels in order)`` for the targets ``y``.

    A classifier's classes are the distinct target values, sorted; class ``k`` is
    ``labels[k]`` (the targets 0, 1000, ..., 19000 are 20 classes, not 19,001).
    ``task="classify"`` needs integer targets and at most :data:`MAX_CLASSES` distinct
    values; ``"regress"`` treats the targets as real numbers; ``"auto"`` classifies integer
    targets with 2 to :data:`AUTO_MAX_CLASSES` distinct values and regresses anything else.
    ``kind`` is ``"binary"``, ``"multiclass"`` or ``"regression"`` (0 classes, no labels).
    """
    if task == "regress":
        return "regression", 0, np.array([])
    y = np.asarray(y)
    integral = y.dtype.kind in "biu" or bool(np.all(y == np.round(y)))
    values = np.unique(y)
    if task == "classify":
        if not integral:
            bad = y.ravel()[np.flatnonzero(y.ravel() != np.round(y.ravel()))[0]]
            raise JobError(f"--task classify needs integer class labels, but {what} include "
                           f"{bad!r}")
        if len(values) > MAX_CLASSES:
            raise JobError(f"{what} have {len(values):,} distinct values; a classifier takes "
                           f"at most {MAX_CLASSES:,} classes (use --task regress)")
        if len(values) < 2:
            raise JobError(f"{what} hold a single class ({values[0]!r}); a classifier needs two "
                           "or more")
    elif not (integral and 2 <= len(values) <= AUTO_MAX_CLASSES):
        return "regression", 0, np.array([])
    return ("binary" if len(values) == 2 else "multiclass"), len(values), values


def read_csv(path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Numeric columns, the last one the target; an optional header row of names.

    Errors name the file, the row and the cell: an empty file, ragged rows, non-numeric cells.
    """
    path = Path(path)
    if not path.is_file():
        raise JobError(f"no CSV file at {path}")
    rows = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            rows = [r for r in reader if r and any(c.strip() for c in r)]
    except UnicodeDecodeError as exc:
        raise JobError(f"{path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at "
                       f"offset {exc.start}); save it as UTF-8") from None
    except csv.Error as exc:
        raise JobError(f"{path}, line {reader.line_num}: {exc}") from None
    if not rows:
        raise JobError(f"{path} is empty")
    if not _numeric_row(rows[0]):
        rows = rows[1:]  # a header
    if not rows:
        raise JobError(f"{path} has a header but no data rows")
    width = len(rows[0])
    if width < 2:
        raise JobError(f"{path} needs at least two columns (features, then the target)")
    values = []
    for i, row in enumerate(rows, start=1):
        if len(row) != width:
            raise JobError(
                f"{path}: data row {i} has {len(row)} cells but the first row has {width}"
            )
        try:
            values.append([float(c) for c in row])
        except ValueError:
            bad = next(c for c in row if not _is_float(c))
            raise JobError(f"{path}: data row {i} has a non-numeric cell {bad!r}") from None
    arr = np.array(values)
    if not np.all(np.isfinite(arr)):
        raise JobError(f"{path} contains nan or inf values")
    return arr[:, :-1], arr[:, -1]


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
        raise JobError(f"unknown engine {cfg.engine!r}; use value, tensor or auto")
    if cfg.engine != "auto":
        return cfg.engine
    small = ds.X_train.shape[1] <= 4 and len(ds.X_train) <= 500
    return "value" if small else "tensor"


def _loss_name(cfg: TrainConfig, ds: Dataset) -> str:
    if cfg.loss not in LOSSES:
        raise JobError(f"unknown loss {cfg.loss!r}; use one of {', '.join(LOSSES)}")
    if cfg.loss != "auto":
        return cfg.loss
    return {"binary": "hinge", "multiclass": "cross_entropy", "regression": "mse"}[ds.task]


def _outputs(loss: str, ds: Dataset) -> int:
    if loss == "cross_entropy":
        if ds.task == "regression":
            raise JobError("cross_entropy needs class labels, but the targets are real numbers")
        return ds.classes
    if loss in ("bce", "hinge") and ds.task != "binary":
        raise JobError(f"the {loss} loss needs two classes, the data has {ds.classes or 'real'}")
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
        raise JobError(f"the MLP {shape} has {params:,} parameters, too many for the scalar "
                       f"engine (at most {MAX_VALUE_PARAMETERS:,}); use --engine tensor")
    need = 8 * (4 * params + 4 * batch_size * sum(sizes))
    available = _available_memory()
    if available is not None and need > available // 2:
        raise JobError(f"the MLP {shape} has {params:,} parameters and needs about "
                       f"{need / 2**30:,.1f} GiB to train, more than half of the "
                       f"{available / 2**30:,.1f} GiB available; use smaller --hidden sizes")
    return params


def build_model(cfg: TrainConfig, ds: Dataset, engine: str, n_out: int) -> nn.Module:
    sizes = [ds.X_train.shape[1], *cfg.hidden, n_out]
    check_model_size(sizes, engine, cfg.batch_size)
    if engine == "value":
        if cfg.dropout:
            raise JobError("--dropout needs the tensor engine (--engine tensor)")
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
        raise JobError(f"unknown optimizer {name!r}; use one of {', '.join(OPTIMIZERS)}")
    opt = nn.optim
    defaults = {"sgd": 0.1, "momentum": 0.05, "nesterov": 0.05, "adagrad": 0.05,
                "rmsprop": 0.005, "adadelta": 1.0, "adam": 0.005, "adamw": 0.005}
    lr = defaults[name] if lr is None else lr
    if not lr > 0:
        raise JobError(f"--lr must be positive, got {lr}")
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
        raise JobError(f"--epochs and --batch-size must be positive (got {cfg.epochs}, "
                       f"{cfg.batch_size})")
    if cfg.samples < 1:
        raise JobError(f"--samples must be positive, got {cfg.samples}")
    if not 0 <= cfg.dropout < 1:
        raise JobError(f"--dropout must be in [0, 1), got {cfg.dropout}")
    if cfg.lr is not None and not (math.isfinite(cfg.lr) and cfg.lr > 0):
        raise JobError(f"--lr must be a finite positive number, got {cfg.lr}")
    if not (math.isfinite(cfg.weight_decay) and cfg.weight_decay >= 0):
        raise JobError(f"--weight-decay must be a finite number >= 0, got {cfg.weight_decay}")
    if not cfg.hidden or any(h < 1 for h in cfg.hidden):
        raise JobError(f"--hidden sizes must be positive, got {cfg.hidden}")
    if cfg.seed < 0:
        raise JobError(f"--seed must be >= 0, got {cfg.seed}")


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
    metrics = ("accuracy",) if ds.task != "regression" else ()
    log(f"data {ds.name}: {len(ds.X_train)} training and {len(ds.X_test)} test samples, "
        f"{ds.X_train.shape[1]} features, task {ds.task}"
        + (f" ({ds.classes} classes: {_labels_text(ds.labels)})" if ds.labels else ""))
    log(f"model ({engine} engine): {model!r}")
    log(f"loss {loss_name}, optimizer {cfg.optimizer}, {cfg.epochs} epochs, "
        f"batch size {cfg.batch_size}")

    def report(epoch: int, logs: dict[str, float]) -> None:
        text = "  ".join(f"{k} {v:.4f}" for k, v in logs.items() if k != "lr")
        log(f"epoch {epoch:3d}  {text}")

    history = nn.train.fit(
        model, loss_fn, optimizer, (X_train, ds.y_train), epochs=cfg.epochs,
        batch_size=cfg.batch_size, val_data=(X_test, ds.y_test), metrics=metrics,
        callbacks=[report], progress=cfg.progress, seed=cfg.seed,
    )
    with output_folder(out, cfg.force) as stage:
        written = write_outputs(stage, model, history, ds, X_train, engine, loss_name, log)
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
        raise JobError(f"--out names a file, not a folder: {out}")
    here = Path.cwd().resolve()
    for target in {Path(os.path.abspath(out)), out.resolve()}:
        if target == Path.home().resolve() or target == here or target in here.parents:
            raise JobError(f"refusing to use {out} as the output folder: it is the home "
                           "folder, the current folder or one of its parents")
    own = marker is not None and (out / marker).is_file()
    if out.is_dir() and any(out.iterdir()) and not (force or own):
        raise JobError(f"the output folder {out} is not empty; use --force to replace it, "
                       "or choose another --out")
    parent = Path(os.path.abspath(out)).parent
    if parent.exists() and not parent.is_dir():
        raise JobError(f"--out {out}: {parent} is a file, not a folder")


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
                  engine: str, loss_name: str, log: Any = print) -> list[str]:
    """The model, the history (JSON and CSV), the loss curve, the decision boundary (2-D data)
    and one neuron's graph, each written atomically; returns the file names written. Without
    matplotlib or Graphviz the plots or the graph are left out, with a note."""
    from viz.dot import GraphTooLargeError, GraphvizError, GraphvizNotFoundError

    files = []
    model.save(out / "model.npz")
    files.append("model.npz")
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
                                         title=f"{ds.name}: decision boundary")
            files.append(save_figure(fig, out / "decision_boundary.png"))
    except ImportError as e:  # matplotlib is an optional extra
        log(f"(no plots: {e})")
    try:
        files.append(neuron_graph(model, X_train, engine, out / "neuron.svg"))
    except (GraphvizNotFoundError, GraphvizError, GraphTooLargeError) as e:
        log(f"(no neuron.svg: {str(e).splitlines()[0]})")
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
        title = ("neuron 0 of the first layer on sample 0: f′(z) = 0 on every sample tried, "
                 "so every gradient below is 0")
    else:
        j, i = found
        title = (f"neuron {j} of the first layer on sample {i}: a = {activation}(z), "
                 f"da/dwᵢ = f′(z)·xᵢ, da/db = f′(z)")
    a, unit = draw(j, i)
    g = draw_graph(a, names=unit)
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
        raise JobError(f"--steps must be a positive integer, got {steps!r}")
    out = Path(out).expanduser()
    check_output_folder(out, force, DEMO_MARKER)
    X, y = D.moons(100, noise=0.1, seed=1)
    labels = 2 * y - 1
    model = nn.MLP(2, [16, 16, 1], activation="relu", seed=1337)
    log(f"model: {model!r}")
    log(f"data: 100 two-moons points, labels ±1; {steps} steps of full-batch SGD")
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
            log(f"step {k:3d}  loss {loss.data:.4f}  accuracy {acc:.0%}")
    with output_folder(out, force, DEMO_MARKER) as stage:
        files = ["model.npz"]
        model.save(stage / "model.npz")
        atomic_write_text(stage / "history.json", json.dumps(history, indent=2))
        files.append("history.json")
        try:
            from viz import plot_decision_boundary, plot_history

            files.append(save_figure(plot_history(history), stage / "loss.png"))
            files.append(save_figure(plot_decision_boundary(
                model, X, y, threshold=0.0, title="moons: decision boundary"),
                stage / "decision_boundary.png"))
        except ImportError as e:
            log(f"(no plots: {e})")
        files.append(neuron_graph(model, X, "value", stage / "neuron.svg",
                                  page=stage / "neuron.html"))
        files.append("neuron.html")
        atomic_write_text(stage / "gradcheck.txt", str(check) + "\n")
        files.append("gradcheck.txt")
    log("gradcheck at the start: d loss / d (layer 0, neuron 0), backprop vs central "
        "differences:")
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
    return gradcheck(loss_of, start, raise_exception=False)
