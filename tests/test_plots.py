"""viz.plots: each teaching plot returns a matplotlib Figure with the expected artists,
headless (no pyplot, no display), and says how to install matplotlib when it is missing."""

from __future__ import annotations

import math
import random
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.collections import PathCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from autograd import Value  # noqa: E402
from viz import (  # noqa: E402
    plot_activation,
    plot_decision_boundary,
    plot_gradient_flow,
    plot_history,
    plot_loss_surface,
)


def labelled_lines(ax):
    return [ln for ln in ax.get_lines() if not ln.get_label().startswith("_")]


def visible_axes(fig):
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_label() != "<colorbar>"]


# -- activations --------------------------------------------------------------------------------


def test_plot_activation_values_and_derivatives_come_from_the_engine():
    fig = plot_activation(["sigmoid", "tanh", "relu", "leaky_relu(0.2)"], num=201)
    assert isinstance(fig, Figure)
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == ["sigmoid", "tanh", "relu", "leaky_relu(0.2)"]
    for ax in axes:
        assert len(labelled_lines(ax)) == 2  # the function and its (dashed) derivative
    (sig, dsig) = (ln.get_ydata() for ln in labelled_lines(axes[0]))
    x = labelled_lines(axes[0])[0].get_xdata()
    assert np.allclose(sig, 1 / (1 + np.exp(-x)))
    assert dsig.max() == pytest.approx(0.25)  # sigma' = sigma(1 - sigma), max 1/4 at 0
    assert x[np.argmax(dsig)] == pytest.approx(0.0)
    tanh, dtanh = (ln.get_ydata() for ln in labelled_lines(axes[1]))
    assert np.allclose(dtanh, 1 - tanh**2)
    _, dleaky = (ln.get_ydata() for ln in labelled_lines(axes[3]))
    assert set(np.round(dleaky, 12)) == {0.2, 1.0}


def test_plot_activation_options():
    fig = plot_activation("swish(beta=2)", derivative=False)
    assert len(labelled_lines(visible_axes(fig)[0])) == 1
    fig = plot_activation(["gelu", ("elu", {"alpha": 0.5}), lambda v: v * v], overlay=True)
    assert len(visible_axes(fig)) == 1
    assert len(labelled_lines(fig.axes[0])) == 6
    with pytest.raises(ValueError, match="unknown activation"):
        plot_activation("nope")


def test_plot_activation_plots_every_one_input_op_of_the_registry():
    fig = plot_activation(["exp", "clip(-1, 1)", "gelu(tanh)", "identity", "logistic"],
                          xlim=(-2.0, 2.0), num=41)
    (exp, dexp), (clip, dclip), (gelu, _), (ident, dident), (logistic, _) = (
        [ln.get_ydata() for ln in labelled_lines(ax)] for ax in visible_axes(fig))
    x = np.linspace(-2.0, 2.0, 41)
    np.testing.assert_allclose(exp, np.exp(x), rtol=1e-15)
    np.testing.assert_allclose(dexp, np.exp(x), rtol=1e-15)
    np.testing.assert_allclose(clip, np.clip(x, -1, 1), rtol=1e-15)
    np.testing.assert_allclose(dclip, (np.abs(x) <= 1).astype(float))
    np.testing.assert_allclose(
        gelu, 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))), rtol=1e-13)
    np.testing.assert_allclose(ident, x)
    np.testing.assert_allclose(dident, np.ones_like(x))
    np.testing.assert_allclose(logistic, 1 / (1 + np.exp(-x)), rtol=1e-15)
    with pytest.raises(ValueError, match="softplus beta must be positive"):
        plot_activation("softplus(0)")
    with pytest.raises(ValueError) as err:
        plot_activation("rleu")
    for known in ("relu", "exp", "sin", "clip", "abs", "identity", "gelu_tanh"):
        assert known in str(err.value)


# -- history ---------------------------------------------------------------------------------


def test_plot_history_pairs_train_and_validation():
    hist = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6],
            "accuracy": [0.5, 0.8, 0.9], "val_accuracy": [0.4, 0.7, 0.8]}
    fig = plot_history(hist)
    axes = visible_axes(fig)
    assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
    assert [(ax.get_xlabel(), ax.get_ylabel()) for ax in axes] == [("epoch", "loss"),
                                                                 ("epoch", "accuracy")]
    for ax in axes:
        assert [ln.get_label() for ln in labelled_lines(ax)] == ["train", "validation"]
    assert list(labelled_lines(axes[0])[1].get_ydata()) == [1.1, 0.7, 0.6]


def test_plot_history_accepts_records_and_objects():
    records = [{"epoch": 1, "loss": 2.0}, {"epoch": 2, "loss": 1.0}]
    ax = visible_axes(plot_history(records))[0]
    assert list(labelled_lines(ax)[0].get_xdata()) == [1, 2]

    class Run:
        def __init__(self):
            self.history = {"train_loss": [3.0, 2.0], "loss_val": [3.5, 2.5]}

    ax = visible_axes(plot_history(Run()))[0]
    assert ax.get_title() == "loss" and len(labelled_lines(ax)) == 2
    with pytest.raises(TypeError):
        plot_history(42)


def test_plot_history_of_nn_fit():
    nn = pytest.importorskip("nn")
    History = getattr(nn, "History", None)
    if History is None:
        pytest.skip("nn.History is not available")
    h = History()
    for epoch, (loss, val) in enumerate([(1.0, 1.2), (0.6, 0.9)], start=1):
        h.append(epoch, {"loss": loss, "val_loss": val})
    ax = visible_axes(plot_history(h))[0]
    assert len(labelled_lines(ax)) == 2


# -- decision boundaries -------------------------------------------------------------------


def blobs():
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-1, 0.4, (20, 2)), rng.normal(1, 0.4, (20, 2))])
    y = np.array([-1] * 20 + [1] * 20)
    return X, y


def test_decision_boundary_of_a_value_model():
    X, y = blobs()
    w, b = [Value(1.0), Value(1.0)], Value(0.0)

    def model(x):  # micrograd's shape: a list of floats in, a Value out
        return sum((wi * xi for wi, xi in zip(w, x)), b)

    fig = plot_decision_boundary(model, X, y, resolution=30)
    ax = visible_axes(fig)[0]
    scatter = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(scatter) == 1 and len(scatter[0].get_offsets()) == 40
    assert len(ax.collections) >= 2  # the coloured regions (and the boundary line)


def test_decision_boundary_of_an_array_model_and_multiclass():
    X, y = blobs()
    fig = plot_decision_boundary(lambda A: A[:, 0] + A[:, 1], X, y)
    assert isinstance(fig, Figure)
    y3 = np.array([0] * 10 + [1] * 15 + [2] * 15)

    def three(A):
        return np.stack([-A[:, 0], A[:, 1], A[:, 0] - A[:, 1]], axis=1)

    fig = plot_decision_boundary(three, X, y3, resolution=40)
    assert isinstance(fig, Figure)


def test_decision_boundary_labels_its_axes():
    X, y = blobs()
    ax = visible_axes(plot_decision_boundary(lambda A: A[:, 0] + A[:, 1], X, y))[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x₁", "x₂")  # the two input features
    fig = plot_decision_boundary(lambda A: A[:, 0], X, y, xlabel="size (m²)", ylabel="rooms")
    ax = visible_axes(fig)[0]
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("size (m²)", "rooms")
    # on the caller's axes; None keeps the label already there
    ax = Figure().add_subplot()
    ax.set_ylabel("NAND(x1, x2)")
    plot_decision_boundary(lambda A: A[:, 0], X, y, ax=ax, xlabel="OR(x1, x2)", ylabel=None)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("OR(x1, x2)", "NAND(x1, x2)")


def test_decision_boundary_of_an_nn_mlp():
    nn = pytest.importorskip("nn")
    random.seed(0)
    model = nn.MLP(2, [4, 1])
    X, y = blobs()
    fig = plot_decision_boundary(model, X, y, resolution=20)
    assert isinstance(fig, Figure)


# -- gradient flow ----------------------------------------------------------------------------


def test_gradient_flow_per_layer_from_parameters():
    params = [(f"layers.{i}.neurons.{j}.w.0", Value(0.1 * (i + 1))) for i in range(3)
              for j in range(2)]
    loss = sum(p * p * (10.0 ** -i) for i, (_, p) in enumerate(params))
    loss.backward()
    fig = plot_gradient_flow(params)
    ax = fig.axes[0]
    assert len(ax.patches) == 2 * 3  # max and mean bars for 3 layers
    assert [t.get_text() for t in ax.get_xticklabels()] == ["layers.0", "layers.1", "layers.2"]
    assert ax.get_yscale() == "log"
    fig = plot_gradient_flow(params, group_by=None)
    assert len(fig.axes[0].patches) == 2 * 6


def test_gradient_flow_from_norms_and_histories():
    fig = plot_gradient_flow([("layer 1", 1e-6), ("layer 2", 1e-3), ("layer 3", 1.0)])
    assert len(fig.axes[0].patches) == 3
    fig = plot_gradient_flow({"layer 1": [1.0, 0.1, 0.01], "layer 2": [1.0, 1.0, 1.0]})
    assert len(labelled_lines(fig.axes[0])) == 2


def test_gradient_flow_of_an_nn_mlp():
    nn = pytest.importorskip("nn")
    random.seed(0)
    model = nn.MLP(2, [4, 4, 1])
    out = model([Value(1.0), Value(-1.0)])
    out.backward()
    fig = plot_gradient_flow(model)
    assert len(fig.axes[0].patches) == 2 * 3


# -- loss surfaces -------------------------------------------------------------------------------


def rosenbrock(x, y):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def test_loss_surface_contour_with_paths():
    paths = {"sgd": [(-1.5, 1.5), (-1.0, 1.0), (0.5, 0.3)],
             "adam": [(-1.5, 1.5), (0.0, 0.0), (1.0, 1.0)]}
    fig = plot_loss_surface(rosenbrock, path=paths, levels=np.logspace(-1, 3, 15),
                            resolution=40)
    ax = visible_axes(fig)[0]
    names = [ln.get_label() for ln in labelled_lines(ax)]
    assert names == ["sgd", "adam"]
    assert len(ax.get_lines()) == 2 * 3  # each path with its start and end markers
    assert any(a.get_label() == "<colorbar>" for a in fig.axes)


def test_loss_surface_3d_point_by_point_with_values():
    calls = []

    def f(x, y):  # works on floats only (Values inside), so it is evaluated point by point
        calls.append(1)
        if not isinstance(x, float):
            raise TypeError("floats only")
        return (Value(x) ** 2 + Value(y) ** 2).sqrt()

    fig = plot_loss_surface(f, kind="3d", path=[(1.0, 1.0), (0.5, 0.5)], resolution=12)
    ax = fig.axes[0]
    assert ax.name == "3d"
    line = labelled_lines(ax)[0]
    assert line.get_label() == "path"
    assert line.get_data_3d()[2][0] == pytest.approx(math.sqrt(2))
    with pytest.raises(ValueError, match="kind"):
        plot_loss_surface(rosenbrock, kind="surface")


# -- matplotlib missing ---------------------------------------------------------------------------


def test_clear_error_without_matplotlib(monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install gradbook\[plots\]"):
        plot_activation("tanh")


def test_viz_imports_without_matplotlib():
    code = (
        "import sys; sys.modules['matplotlib'] = None\n"
        "import viz\n"
        "try:\n"
        "    viz.plot_history({'loss': [1.0]})\n"
        "except ImportError as e:\n"
        "    print('ok' if 'gradbook[plots]' in str(e) else e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    assert out.stdout.strip() == "ok", out.stderr


def test_loss_surface_log_scale_labels_and_subplot():
    from matplotlib.figure import Figure

    from viz import plot_loss_surface

    fig = Figure()
    ax1, ax2 = fig.subplots(1, 2)
    out = plot_loss_surface(lambda w, b: 1 + w * w + 10 * b * b, ax=ax2, log=True,
                            xlabel="w", ylabel="b", path=[(1.5, 1.5), (0.5, 0.2), (0.0, 0.0)])
    assert out is fig and ax2.get_xlabel() == "w" and ax2.get_ylabel() == "b"
    colorbar_labels = [a.get_ylabel() for a in fig.axes if a not in (ax1, ax2)]
    assert "log10(loss)" in colorbar_labels
    import pytest

    with pytest.raises(ValueError, match="positive loss"):
        plot_loss_surface(lambda w, b: w * b, log=True)


def test_negative_zero_is_drawn_as_zero():
    from autograd import Tensor
    from viz import to_svg

    x = Tensor([-1.0], requires_grad=True, label="x")
    a = x * 1.0
    y = (a.relu() * -2.0).sum()  # relu'(-1) = 0, times -2: a gradient of -0.0 reaches a
    y.backward()
    assert str(a.grad[0]) == "-0.0"
    svg = to_svg(y)
    assert "-0.0000" not in svg and "0.0000" in svg


def test_decision_boundary_predicts_in_eval_mode_and_restores_training():
    import numpy as np

    import nn
    from viz import plot_decision_boundary

    model = nn.mlp([2, 8, 2], dropout=0.5, seed=0)
    model.train()
    seen = []
    original = model.forward

    def spy(x):
        seen.append(model.training)
        return original(x)

    model.forward = spy
    X = np.array([[0.0, 0.0], [1.0, 1.0], [1.0, 0.0]])
    plot_decision_boundary(model, X, np.array([0, 1, 1]))
    assert seen and not any(seen)  # dropout was off while predicting
    assert model.training


def test_history_leaves_out_the_learning_rate_unless_asked():
    from viz import plot_history

    h = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "lr": [0.1, 0.1]}
    assert len(plot_history(h).axes) == 1
    assert len(plot_history(h, keys=["loss", "lr"]).axes) == 2
