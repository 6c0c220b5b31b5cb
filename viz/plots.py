"""Teaching plots: activations and their derivatives, training curves, decision boundaries,
gradient flow per layer, loss surfaces with an optimizer's path.

matplotlib is an optional extra (``pip install gradbook[plots]``); it is imported when a plot
function is called, so ``import viz`` works without it. Every function builds a
``matplotlib.figure.Figure`` without pyplot, so it works headless (no display, any backend,
no global figure state) and returns it: the last expression of a Jupyter cell displays it,
``fig.savefig("name.png")`` writes it.
"""

from __future__ import annotations

import functools
import math
import operator
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

import autograd
from autograd import Value, no_grad

from .collapse import layer_key, module_key, unwrap
from .fonts import use_cjk_fallback

__all__ = [
    "ACTIVATIONS",
    "plot_activation",
    "plot_functions",
    "plot_decision_boundary",
    "plot_gradient_flow",
    "plot_history",
    "plot_loss_surface",
]


def _require_matplotlib() -> None:
    """Import matplotlib, or raise an ImportError saying how to install it."""
    try:
        import matplotlib.figure  # noqa: F401
    except ImportError as e:
        raise ImportError(
            "viz's plots need matplotlib, an optional extra of gradbook. Install it with\n"
            "  pip install gradbook[plots]\n"
            "(or: pip install matplotlib)"
        ) from e


def _figure(**kwargs: Any) -> Any:
    """A new matplotlib Figure (not registered with pyplot: headless and leak-free)."""
    _require_matplotlib()
    from matplotlib.figure import Figure

    use_cjk_fallback()
    _show_figures_inline()
    return Figure(**kwargs)


def _show_figures_inline() -> None:
    """Under IPython/Jupyter, display a returned Figure as a PNG (the inline backend only does
    that for figures made through pyplot)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    from matplotlib.figure import Figure

    png = shell.display_formatter.formatters["image/png"]
    if Figure not in png.type_printers:
        png.for_type(Figure, lambda fig: _png_bytes(fig))


def _png_bytes(fig: Any) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return buf.getvalue()


def _num(x: Any) -> float:
    """A float from a number, a Value, a one-element array or Tensor."""
    x = unwrap(x)
    if isinstance(x, np.ndarray):
        return float(x.reshape(-1)[0]) if x.size == 1 else math.nan
    return math.nan if x is None else float(x)


# -- activations ---------------------------------------------------------------------------


def _identity(v: Value) -> Value:
    return v + 0.0  # a node of its own, so the derivative 1 is computed by the engine too


def _method(op: autograd.Op, fixed: Mapping[str, Any], *args: Any,
            **kwargs: Any) -> Callable[[Value], Value]:
    """x ↦ x.<op's method>(params), the parameters bound and checked now."""
    params = op.bind(*args, **fixed, **kwargs)
    return operator.methodcaller(op.method or op.name, *params)


def plot_functions() -> dict[str, Callable[..., Callable[[Value], Value]]]:
    """Every name :func:`plot_activation` understands -> a function of the name's parameters
    returning x ↦ f(x) for a Value, read from the op registry now (so an op registered later
    is plottable too): each activation name (:func:`autograd.activation`), each other
    one-input elementwise op with a method (``exp``, ``sin``, ``sign``, ``clip``, ...), and
    ``abs`` and ``identity``."""
    out: dict[str, Callable[..., Callable[[Value], Value]]] = {
        name: functools.partial(autograd.activation, name) for name in autograd.activation_table()
    }
    for op in autograd.OPS.values():
        if op.nargs == 1 and op.elementwise and op.method and op.scalar is not None:
            for name, fixed in op.names.items():
                out.setdefault(name, functools.partial(_method, op, fixed))
    out.setdefault("abs", lambda: abs)
    out.setdefault("identity", lambda: _identity)
    return out


def _call(name: str, v: Value, *args: Any, **kwargs: Any) -> Value:
    return _lookup(name, list(args), dict(kwargs))(v)


class _Names(Mapping[str, Callable[..., Value]]):
    """A read-only view of :func:`plot_functions` as functions ``f(v, *params, **params)``."""

    def __getitem__(self, name: str) -> Callable[..., Value]:
        if name not in plot_functions():
            raise KeyError(name)
        return functools.partial(_call, name)

    def __iter__(self) -> Iterator[str]:
        return iter(plot_functions())

    def __len__(self) -> int:
        return len(plot_functions())


#: Activation names understood by :func:`plot_activation` -> function of a Value and the
#: name's parameters (``ACTIVATIONS["elu"](v, 0.5)``): a live view of the op registry.
ACTIVATIONS: Mapping[str, Callable[..., Value]] = _Names()

_CALL = re.compile(r"^\s*([A-Za-z_]\w*)\s*(?:\((.*)\))?\s*$")


def _lookup(name: str, args: list, kwargs: dict) -> Callable[[Value], Value]:
    """x ↦ f(x) for a name of :func:`plot_functions` and its parameters."""
    if name == "gelu" and (args or kwargs):  # x.gelu(approximate) picks one of three ops
        approximate = kwargs.pop("approximate") if "approximate" in kwargs else args.pop(0)
        if approximate not in autograd.GELU_APPROXIMATIONS:
            raise ValueError(f"unknown GELU approximation {approximate!r}; use one of "
                             f"{', '.join(map(repr, autograd.GELU_APPROXIMATIONS))}")
        name = autograd.GELU_APPROXIMATIONS[approximate]
    functions = plot_functions()
    if name not in functions:
        raise ValueError(
            f"unknown activation {name!r}; known: {', '.join(sorted(functions))} "
            "(or pass a function of a Value)"
        )
    return functions[name](*args, **kwargs)


def _activation(spec: Any) -> tuple[str, Callable[[Value], Value]]:
    """(title, function) for ``"tanh"``, ``"leaky_relu(0.2)"``, ``"swish(beta=2)"``,
    ``("elu", {"alpha": 0.5})`` or a function of a Value."""
    if callable(spec) and not isinstance(spec, str):
        return getattr(spec, "__name__", "f"), spec
    if isinstance(spec, tuple) and len(spec) == 2 and isinstance(spec[1], Mapping):
        name, kwargs = spec
        args: list = []
        kwargs = dict(kwargs)
        title = f"{name}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
    else:
        m = _CALL.match(str(spec))
        if not m:
            raise ValueError(f"cannot read activation {spec!r}; write e.g. 'tanh' or 'elu(0.5)'")
        name, inner = m.group(1), m.group(2)
        args, kwargs = [], {}
        for part in filter(None, (p.strip() for p in (inner or "").split(","))):
            k, eq, v = part.partition("=")
            value = v.strip() if eq else k.strip()
            try:
                parsed: Any = float(value)
            except ValueError:
                parsed = value.strip("'\"")
            if eq:
                kwargs[k.strip()] = parsed
            else:
                args.append(parsed)
        title = str(spec).strip()
    return title, _lookup(name, args, kwargs)


def _curve(f: Callable[[Value], Value], xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """f(x) and f'(x) at each x, both computed by the engine (forward, then backward)."""
    ys, ds = np.empty(len(xs)), np.empty(len(xs))
    for k, x in enumerate(xs.tolist()):
        v = Value(x)
        out = f(v)
        ys[k] = out.data
        if out.requires_grad:
            out.backward()
            ds[k] = v.grad
        else:
            ds[k] = 0.0
    return ys, ds


def plot_activation(
    names: Any,
    derivative: bool = True,
    xlim: tuple[float, float] = (-5.0, 5.0),
    num: int = 401,
    overlay: bool = False,
) -> Any:
    """Plot activation functions and (dashed, labelled ``name′``) their derivatives, both
    evaluated by the engine.

    ``names``: one or a list of ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu(0.1)"``,
    ``"elu(1.0)"``, ``"softplus"``, ``"swish(beta=2)"``, ``"gelu"``, ``"gelu_tanh"``,
    ``"hard_sigmoid"``, ``"hard_tanh"``, ``"step"``, ``"exp"``, ... (every name of the op
    registry's activations and one-input elementwise ops: see :func:`plot_functions`) or
    functions of a Value. One panel per activation, or all on one axes with ``overlay=True``.
    """
    specs = [names] if isinstance(names, str) or callable(names) else list(names)
    if not specs:
        raise ValueError("plot_activation needs at least one activation name")
    acts = [_activation(s) for s in specs]
    xs = np.linspace(xlim[0], xlim[1], num)
    n = 1 if overlay else len(acts)
    ncols = min(n, 3)
    nrows = math.ceil(n / ncols)
    fig = _figure(figsize=(4.2 * ncols, 3.2 * nrows), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    colors = [f"C{k % 10}" for k in range(len(acts))]
    for k, (title, f) in enumerate(acts):
        ax = axes[0 if overlay else k]
        ys, ds = _curve(f, xs)
        ax.plot(xs, ys, color=colors[k], lw=2, label=f"{title}")
        if derivative:
            # f′, the mathematician's mark, reads the same in every language the course has
            ax.plot(xs, ds, color=colors[k], lw=1.5, ls="--", label=f"{title}\u2032")
        if not overlay:
            ax.set_title(title)
    for ax in axes[:n]:
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.grid(True, alpha=0.3)
        ax.set_xlabel("x")
        ax.legend(fontsize="small")
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig


# -- training history ------------------------------------------------------------------------

_VAL = re.compile(r"^(val|valid|validation|test)_(.+)$|^(.+)_(val|valid|validation)$")
_TRAIN = re.compile(r"^train(?:ing)?_(.+)$")


def _history_dict(history: Any) -> dict[str, list[float]]:
    if hasattr(history, "history") and isinstance(history.history, Mapping):
        history = history.history
    if isinstance(history, Mapping):
        items = history.items()
    elif isinstance(history, Sequence) and history and all(
        isinstance(r, Mapping) for r in history
    ):
        keys = list(dict.fromkeys(k for r in history for k in r))
        items = [(k, [r.get(k) for r in history]) for k in keys]
    elif hasattr(history, "__dict__"):
        items = vars(history).items()
    else:
        raise TypeError(
            "plot_history expects a dict of lists ({'loss': [...], 'val_loss': [...]}), a list "
            f"of per-epoch dicts, or an object with a .history dict; got {type(history).__name__}"
        )
    out = {}
    for k, v in items:
        if isinstance(v, (list, tuple, np.ndarray)) and len(v) and not isinstance(v, str):
            try:
                out[str(k)] = [_num(x) for x in v]
            except (TypeError, ValueError):
                continue
    if not out:
        raise ValueError("plot_history: the history holds no series of numbers")
    return out


def plot_history(history: Any, keys: Sequence[str] | None = None) -> Any:
    """Training curves: one panel per metric (loss first), training and validation together.

    ``history``: a dict of lists (``{"loss": [...], "val_loss": [...], "acc": [...]}``), a
    list of per-epoch dicts, or an object with a ``.history`` dict (what a training loop
    returns). ``val_x`` / ``x_val`` / ``validation_x`` pair with ``x`` or ``train_x``; an
    ``epoch`` series, if present, is the x axis.
    """
    epochs = getattr(history, "epochs", None)
    _require_matplotlib()
    from matplotlib.ticker import MaxNLocator

    series = _history_dict(history)
    xs = series.pop("epoch", None) or series.pop("epochs", None)
    if xs is None and isinstance(epochs, (list, tuple)) and epochs:
        xs = list(epochs)
    panels: dict[str, dict[str, list[float]]] = {}
    for name, values in series.items():
        m = _VAL.match(name)
        if m:
            base, role = m.group(2) or m.group(3), "validation"
        else:
            t = _TRAIN.match(name)
            base, role = (t.group(1) if t else name), "train"
        panels.setdefault(base, {})[role] = values
    if keys is not None:
        panels = {k: panels[k] for k in keys if k in panels}
        if not panels:
            raise ValueError(f"plot_history: none of {list(keys)} is in the history")
    elif len(panels) > 1:
        panels.pop("lr", None)  # the learning rate is a setting, not a result: only on request
    order = sorted(panels, key=lambda k: (0 if "loss" in k else 1, list(panels).index(k)))
    n = len(order)
    fig = _figure(figsize=(4.5 * n, 3.4), layout="constrained")
    axes = fig.subplots(1, n, squeeze=False).ravel()
    for ax, base in zip(axes, order):
        for role, values in panels[base].items():
            x = xs if xs is not None and len(xs) == len(values) else range(1, len(values) + 1)
            ax.plot(list(x), values, marker="o" if len(values) <= 30 else None, ms=3,
                    ls="-" if role == "train" else "--", label=role)
        ax.set_title(base)
        ax.set_xlabel("epoch")
        ax.set_ylabel(base)      # every axis labelled, also when a panel is shown on its own
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
    return fig


# -- decision boundary -------------------------------------------------------------------------


def _as_array(out: Any, n: int) -> np.ndarray | None:
    """The model's output as an (n,) or (n, C) float array, or None if it is not a batch."""
    if isinstance(out, (list, tuple)):
        try:
            arr = np.array([[_num(v) for v in o] if isinstance(o, (list, tuple)) else _num(o)
                            for o in out], dtype=float)
        except (TypeError, ValueError):
            return None
    else:
        data = unwrap(out)
        if not isinstance(data, (np.ndarray, float, int, np.number)):
            return None
        arr = np.asarray(data, dtype=float)
    if arr.ndim == 0 or arr.shape[0] != n or arr.ndim > 2:
        return None
    return arr[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr


def _predict(model: Callable, pts: np.ndarray, batch: bool) -> np.ndarray:
    if batch:
        with no_grad():
            out = _as_array(model(pts), len(pts))
        if out is None:
            raise ValueError("the model did not return one output per row")
        return out
    rows = []
    with no_grad():
        for row in pts.tolist():
            out = model(row)
            if isinstance(out, (list, tuple)):
                rows.append([_num(v) for v in out])
            else:
                rows.append(_num(out))
    arr = np.asarray(rows, dtype=float)
    return arr[:, 0] if arr.ndim == 2 and arr.shape[1] == 1 else arr


def _batch_mode(model: Callable, X: np.ndarray) -> tuple[bool, Callable, bool]:
    """How to call the model: (takes a whole array of rows, the function to call, computes
    with arrays). A model of Values that accepts a list of rows is a batch model but not
    a vectorized one: it gets a coarser grid."""
    probe = X[: min(len(X), 3)]
    tensor = getattr(autograd, "Tensor", None)
    candidates: list[Callable] = [model]
    if tensor is not None:
        candidates.append(lambda a: model(tensor(a)))
    for f in candidates:
        try:
            with no_grad():
                out = f(probe)
            if _as_array(out, len(probe)) is not None:
                return True, f, not isinstance(out, (list, tuple))
        except Exception:  # noqa: BLE001 - any failure means "not this way"
            pass
    return False, model, False


def plot_decision_boundary(
    model: Callable,
    X: Any,
    y: Any,
    resolution: int | None = None,
    padding: float = 0.5,
    threshold: float | None = None,
    title: str | None = None,
    ax: Any = None,
    point_size: float = 22,
    xlabel: str | None = "x₁",
    ylabel: str | None = "x₂",
) -> Any:
    """Colour the plane by the class the model predicts, with the data on top (2-D inputs).

    ``model`` may take one point as a list of two floats and return a Value (micrograd's MLP),
    a list of Values (one score per class), or take an (N, 2) array or Tensor and return an
    array/Tensor of N scores or (N, C) class scores. One score: class = score > threshold
    (default 0 for labels -1/1 or raw scores, 0.5 for probabilities with labels 0/1); several:
    the argmax. ``resolution``: grid points per axis (default 200 for array models, 60 for
    models computing with Values). ``point_size``: the marker area of the data points.
    ``xlabel``/``ylabel``: the axis labels, by default ``x₁`` and ``x₂`` for the two input
    features (columns 0 and 1 of ``X``); None leaves that axis label as it is.
    """
    X = np.asarray(unwrap(X), dtype=float)
    y = np.asarray(unwrap(y)).reshape(-1)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"plot_decision_boundary needs inputs X of shape (N, 2), got {X.shape}")
    if callable(getattr(model, "eval", None)) and getattr(model, "training", False):
        # predict as nn.predict does: dropout off, batch norm on its running statistics
        model.eval()
        try:
            return plot_decision_boundary(model, X, y, resolution, padding, threshold, title,
                                          ax, point_size, xlabel, ylabel)
        finally:
            model.train()
    batch, f, vectorized = _batch_mode(model, X)
    res = resolution or (200 if vectorized else 60)
    (x0, y0), (x1, y1) = X.min(axis=0) - padding, X.max(axis=0) + padding
    gx, gy = np.meshgrid(np.linspace(x0, x1, res), np.linspace(y0, y1, res))
    pts = np.column_stack([gx.ravel(), gy.ravel()])
    scores = _predict(f, pts, batch)
    classes = np.unique(y)
    if scores.ndim == 2:
        zc = np.argmax(scores, axis=1).astype(float)
        boundary = None
    else:
        if threshold is None:
            probs = np.all((scores >= 0) & (scores <= 1))
            threshold = 0.5 if (classes.min() >= 0 and probs) else 0.0
        zc = (scores > threshold).astype(float)
        boundary = scores.reshape(gx.shape)
    fig = ax.figure if ax is not None else _figure(figsize=(5.5, 4.5), layout="constrained")
    ax = ax if ax is not None else fig.add_subplot()
    nclass = max(int(zc.max()) + 1, len(classes), 2)
    ax.contourf(gx, gy, zc.reshape(gx.shape), levels=np.arange(nclass + 1) - 0.5,
                cmap="coolwarm" if nclass == 2 else "tab10", alpha=0.35)
    if boundary is not None and boundary.min() < threshold < boundary.max():
        ax.contour(gx, gy, boundary, levels=[threshold], colors="k", linewidths=1.2)
    ax.scatter(X[:, 0], X[:, 1], c=np.searchsorted(classes, y), s=point_size, edgecolors="k",
               linewidths=0.5, cmap="coolwarm" if len(classes) <= 2 else "tab10")
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_title(title or "decision boundary")
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    if ylabel is not None:
        ax.set_ylabel(ylabel)
    return fig


# -- gradient flow ----------------------------------------------------------------------------


def _abs_grads(node: Any) -> np.ndarray | None:
    g = getattr(node, "grad", None)
    if g is None:
        return None
    return np.abs(np.asarray(unwrap(g), dtype=float)).reshape(-1)


def plot_gradient_flow(
    source: Any,
    group_by: str | Callable | None = "layer",
    log: bool = True,
    title: str | None = None,
) -> Any:
    """Gradient magnitude per layer: are gradients vanishing or exploding on the way back?

    ``source`` is one of
      * a model (``named_parameters()``) or its ``(name, parameter)`` pairs: bars of the mean
        and max |grad| per group of parameters (``group_by="layer"``, ``"module"``, None for
        one bar per parameter, or a function name -> group);
      * ``(name, number)`` pairs or a dict name -> number: bars of those gradient norms;
      * a dict name -> list of numbers (gradient norms recorded during training): one line
        per layer over the steps.
    """
    if hasattr(source, "named_parameters"):
        pairs = list(source.named_parameters())
    elif isinstance(source, Mapping):
        pairs = list(source.items())
    else:
        pairs = list(source)
    if not pairs:
        raise ValueError("plot_gradient_flow: nothing to plot")
    fig = _figure(figsize=(max(5.0, 0.45 * len(pairs) + 2.5) if len(pairs) < 30 else 12, 4),
                  layout="constrained")
    ax = fig.add_subplot()
    values = [v for _, v in pairs]
    if all(isinstance(v, (list, tuple, np.ndarray)) and np.ndim(v) == 1 for v in values):
        for name, v in pairs:  # a history: norms per step
            ax.plot(range(1, len(v) + 1), [_num(x) for x in v], label=str(name))
        ax.set_xlabel("step")
        ax.set_ylabel("gradient norm")
        ax.legend(fontsize="small", ncol=2)
    elif all(_is_number(v) for v in values):
        names = [str(n) for n, _ in pairs]
        ax.bar(range(len(names)), [_num(v) for v in values], color="C0")
        _name_ticks(ax, names)
        ax.set_ylabel("gradient norm")
    else:
        keyf = {"layer": layer_key, "module": module_key, None: lambda n: n}.get(group_by, group_by)
        if not callable(keyf):
            raise ValueError(
                f"group_by must be 'layer', 'module', None or a function, got {group_by!r}"
            )
        groups: dict[str, list[np.ndarray]] = {}
        for name, node in pairs:
            g = _abs_grads(node)
            if g is not None:
                groups.setdefault(str(keyf(str(name)) or name), []).append(g)
        if not groups:
            raise ValueError(
                "plot_gradient_flow: no parameter has a gradient; call backward() first"
            )
        names = list(groups)
        flat = [np.concatenate(groups[k]) for k in names]
        pos = np.arange(len(names))
        ax.bar(pos, [a.max() for a in flat], color="C1", alpha=0.5, label="max |grad|")
        ax.bar(pos, [a.mean() for a in flat], color="C0", label="mean |grad|", width=0.5)
        _name_ticks(ax, names)
        ax.set_ylabel("|grad|")
        ax.legend(fontsize="small")
    if log:
        ax.set_yscale("symlog", linthresh=1e-12) if _has_zero(ax) else ax.set_yscale("log")
    ax.grid(True, axis="y", alpha=0.3)
    ax.set_title(title or "gradient flow (input side left, output side right)")
    return fig


def _is_number(v: Any) -> bool:
    if isinstance(v, np.ndarray):
        return v.ndim == 0
    return isinstance(v, (int, float, np.number)) and not isinstance(v, bool)


def _has_zero(ax: Any) -> bool:
    ys = [p.get_height() for p in ax.patches]
    ys += [y for line in ax.get_lines() for y in line.get_ydata()]
    return any(y <= 0 for y in ys)


def _name_ticks(ax: Any, names: list[str]) -> None:
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, rotation=45 if max(map(len, names)) > 6 else 0, ha="right"
                       if max(map(len, names)) > 6 else "center", fontsize="small")


# -- loss surfaces -----------------------------------------------------------------------------


def _evaluate_surface(f: Callable, gx: np.ndarray, gy: np.ndarray) -> np.ndarray:
    try:
        with np.errstate(all="ignore"):
            z = f(gx, gy)
        z = np.asarray(unwrap(z), dtype=float)
        if z.shape == gx.shape:
            return z
    except Exception:  # noqa: BLE001 - fall back to one point at a time
        pass
    z = np.empty(gx.shape)
    with no_grad():
        for idx, (a, b) in enumerate(zip(gx.ravel().tolist(), gy.ravel().tolist())):
            z.flat[idx] = _point(f, a, b)
    return z


def _point(f: Callable, a: float, b: float) -> float:
    try:
        return _num(f(a, b))
    except TypeError:
        return _num(f([a, b]))


def _paths(path: Any) -> list[tuple[str, np.ndarray]]:
    if path is None:
        return []
    items = list(path.items()) if isinstance(path, Mapping) else [("path", path)]
    out = []
    for name, p in items:
        arr = np.asarray([[_num(c) for c in pt] for pt in p], dtype=float)
        if arr.ndim != 2 or arr.shape[1] != 2:
            raise ValueError(f"a path must be a sequence of (x, y) points; {name!r} is not")
        out.append((str(name), arr))
    return out


def plot_loss_surface(
    f: Callable,
    path: Any = None,
    xlim: tuple[float, float] = (-2.0, 2.0),
    ylim: tuple[float, float] = (-2.0, 2.0),
    levels: int | Sequence[float] = 30,
    kind: str = "contour",
    resolution: int = 100,
    title: str | None = None,
    xlabel: str = "x",
    ylabel: str = "y",
    log: bool = False,
    ax: Any = None,
) -> Any:
    """A loss surface ``f(x, y)`` as contours (``kind="contour"``) or a 3-D surface
    (``kind="3d"``), with optimizer trajectories on it.

    ``f`` is called on two grids (numpy broadcasting) when it can, else point by point with
    two floats (or one ``[x, y]`` list); it may return numbers, arrays or Values. ``path`` is a
    sequence of ``(x, y)`` points, or a dict name -> sequence to compare optimizers (each drawn
    from a circle at its start to a star at its end). ``log=True`` colours by log10 of the
    loss (for surfaces spanning orders of magnitude; the loss must be positive). ``xlabel`` /
    ``ylabel`` name the two parameters; ``ax`` draws into an existing matplotlib Axes (a
    subplot) instead of a new figure.
    """
    if kind not in ("contour", "3d"):
        raise ValueError(f"kind must be 'contour' or '3d', got {kind!r}")
    gx, gy = np.meshgrid(np.linspace(*xlim, resolution), np.linspace(*ylim, resolution))
    z = _evaluate_surface(f, gx, gy)
    zlabel = "loss"
    if log:
        if np.any(z <= 0):
            raise ValueError("log=True needs a positive loss everywhere on the grid; "
                             f"its minimum here is {float(np.min(z)):.3g}")
        z, zlabel = np.log10(z), "log10(loss)"
    paths = _paths(path)
    if kind == "3d":
        if ax is None:
            fig = _figure(figsize=(6.5, 5), layout="constrained")
            ax = fig.add_subplot(projection="3d")
        fig = ax.figure
        ax.plot_surface(gx, gy, z, cmap="viridis", alpha=0.65, linewidth=0)
        for k, (name, p) in enumerate(paths):
            pz = [_point(f, a, b) for a, b in p.tolist()]
            if log:
                pz = np.log10(pz)
            ax.plot(p[:, 0], p[:, 1], pz, color=f"C{(k + 1) % 10}", marker=".", label=name)
        ax.set_zlabel(zlabel)
    else:
        if ax is None:
            fig = _figure(figsize=(6, 5), layout="constrained")
            ax = fig.add_subplot()
        fig = ax.figure
        filled = ax.contourf(gx, gy, z, levels=levels, cmap="viridis", alpha=0.85)
        ax.contour(gx, gy, z, levels=levels, colors="k", linewidths=0.3, alpha=0.5)
        fig.colorbar(filled, ax=ax, label=zlabel)
        for k, (name, p) in enumerate(paths):
            color = f"C{(k + 1) % 10}"
            ax.plot(p[:, 0], p[:, 1], color=color, marker=".", ms=4, lw=1.5, label=name)
            ax.plot(p[0, 0], p[0, 1], "o", color=color, ms=7, mec="k")
            ax.plot(p[-1, 0], p[-1, 1], "*", color=color, ms=12, mec="k")
        ax.set_xlim(*xlim)
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if paths:
        ax.legend(fontsize="small")
    ax.set_title(title or "loss surface")
    return fig

