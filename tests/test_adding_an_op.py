"""Adding an op with a parameter is one registry entry: the README's promise, kept by a test
that does exactly that.

A temporary activation ``softsign_k``, f(x) = x / (k + |x|) with a parameter k > 0 (default 1),
is declared with one ``primitive(...)`` call and nothing else. The tests then find it as a
``Value`` and a ``Tensor`` method, as an nn activation (by name and as the generated module class
``SoftsignTest``), as a name viz plots and as a function of the CLI's expressions, and check it
there against its closed form

    f(x) = x / (k + |x|),   f'(x) = k / (k + |x|)²,   f''(x) = -2k·sign(x) / (k + |x|)³

(with hand-worked numbers: k = 2 gives f(-3) = -3/5, f'(-3) = 2/25, f(1) = 1/3, f'(1) = 2/9,
f''(1) = -4/27). Afterwards the op is removed again, and every one of those places forgets it.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterator

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, activation_table, grad
from autograd.op import Op, primitive, unregister
from gradbook.expr import ExpressionError, compile_expression

NAME = "softsign_k"
MODULE = "SoftsignTest"


def f(x, k=1.0):
    return x / (k + np.abs(x))


def df(x, k=1.0):
    return k / (k + np.abs(x)) ** 2


def _positive_k(k: float) -> tuple[float]:
    k = float(k)
    if not k > 0:
        raise ValueError(f"softsign_k's k must be positive, got {k}")
    return (k,)


@contextlib.contextmanager
def softsign_op() -> Iterator[Op]:
    """The op registered for the duration of the block: this call is all it takes."""
    op = primitive(
        NAME, params=("k",), defaults=(1.0,), check=_positive_k,
        activation=True, module=MODULE,
        scalar="x / (k + abs(x))", array=lambda x, k: x / (k + np.abs(x)),
        vjp="g * k / (k + abs(x)) ** 2",
        domain=((-4, 4),), doc="x / (k + |x|); derivative k / (k + |x|)²",
    )
    try:
        yield op
    finally:
        unregister(NAME)


@pytest.fixture
def softsign() -> Iterator[Op]:
    with softsign_op() as op:
        yield op


XS = np.array([-3.0, -0.5, 0.0, 1.0, 2.5])


def test_it_is_a_value_method_with_the_declared_signature(softsign):
    assert str(inspect.signature(getattr(Value, NAME))) == "(self, k=1.0)"
    x = Value(-3.0)
    y = getattr(x, NAME)(2.0)
    y.backward()
    assert y.data == pytest.approx(-3 / 5, rel=1e-15)
    assert x.grad == pytest.approx(2 / 25, rel=1e-15)
    x = Value(1.0)
    getattr(x, NAME)().backward()  # k = 1: f'(1) = 1/4
    assert x.grad == pytest.approx(1 / 4, rel=1e-15)
    with pytest.raises(ValueError, match="k must be positive"):
        getattr(Value(1.0), NAME)(0.0)


def test_it_is_a_tensor_method_with_gradients(softsign):
    x = Tensor(XS, requires_grad=True)
    y = getattr(x, NAME)(k=2.0)
    np.testing.assert_allclose(y.data, f(XS, 2.0), rtol=1e-15)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, df(XS, 2.0), rtol=1e-14)
    np.testing.assert_allclose(x.grad[[0, 2, 3]], [2 / 25, 1 / 2, 2 / 9], rtol=1e-14)


def test_its_rule_differentiates_again(softsign):
    x = Value(1.0)
    (slope,) = grad(getattr(x, NAME)(2.0), x, create_graph=True)
    (curvature,) = grad(slope, x)
    assert slope.data == pytest.approx(2 / 9, rel=1e-15)
    assert curvature == pytest.approx(-4 / 27, rel=1e-14)


def test_it_is_an_activation_of_the_registry(softsign):
    op, fixed = activation_table()[NAME]
    assert op is softsign and fixed == {}


def test_it_is_an_nn_activation_and_a_module_class(softsign):
    act = nn.get_activation(NAME, k=2.0)
    cls = nn.activations.SoftsignTest
    assert type(act) is cls and cls.__name__ == MODULE
    assert act.k == 2.0 and repr(act) == "SoftsignTest(k=2.0)"
    assert str(inspect.signature(cls)) == "(k=1.0)"
    np.testing.assert_allclose(act(Tensor(XS)).data, f(XS, 2.0), rtol=1e-15)
    values = [Value(float(x)) for x in XS]
    outs = act(values)
    outs[0].backward()
    assert [v.data for v in outs] == pytest.approx(list(f(XS, 2.0)), rel=1e-15)
    assert values[0].grad == pytest.approx(2 / 25, rel=1e-15)
    assert NAME in nn.activations.ACTIVATIONS
    assert cls(0.5).k == 0.5 and nn.get_activation(NAME).k == 1.0
    with pytest.raises(ValueError, match="k must be positive"):
        nn.get_activation(NAME, k=-1.0)


def test_a_scalar_neuron_uses_it(softsign):
    neuron = nn.Neuron(1, activation=nn.activations.SoftsignTest(2.0), init=1.0)
    assert repr(neuron) == f"Neuron(1, activation={NAME}(2))"
    x = Value(-3.0)
    out = neuron([x])  # w = 1, b = 0: out = f(x)
    out.backward()
    assert out.data == pytest.approx(-3 / 5, rel=1e-15)
    assert x.grad == pytest.approx(2 / 25, rel=1e-15)


def test_viz_plots_it(softsign):
    pytest.importorskip("matplotlib")
    from viz import plot_activation

    fig = plot_activation(f"{NAME}(2)", xlim=(-3.0, 3.0), num=61)
    ax = fig.axes[0]
    assert ax.get_title() == f"{NAME}(2)"
    curve, slope = (ln for ln in ax.get_lines() if not ln.get_label().startswith("_"))
    xs = curve.get_xdata()
    np.testing.assert_allclose(curve.get_ydata(), f(xs, 2.0), rtol=1e-14)
    np.testing.assert_allclose(slope.get_ydata(), df(xs, 2.0), rtol=1e-14)


def test_the_cli_evaluates_it(softsign):
    x = Value(-3.0)
    out = compile_expression(f"{NAME}(x, 2)", ["x"])(x)
    out.backward()
    assert out.data == pytest.approx(-3 / 5, rel=1e-15)
    assert x.grad == pytest.approx(2 / 25, rel=1e-15)
    x = Value(1.0)
    assert compile_expression(f"{NAME}(x)", ["x"])(x).data == pytest.approx(1 / 2, rel=1e-15)
    with pytest.raises(ExpressionError, match=f"{NAME} takes 1 to 2 argument"):
        compile_expression(f"{NAME}(x, 1, 2)", ["x"])
    with pytest.raises(ExpressionError, match="k must be positive"):
        compile_expression(f"{NAME}(x, 0)", ["x"])(Value(1.0))


def test_unregistering_removes_it_everywhere():
    with softsign_op():
        assert hasattr(Value, NAME) and hasattr(Tensor, NAME)
    assert not hasattr(Value, NAME) and not hasattr(Tensor, NAME)
    assert NAME not in activation_table()
    assert NAME not in nn.activations.ACTIVATIONS
    with pytest.raises(ValueError, match="unknown activation"):
        nn.get_activation(NAME)
    with pytest.raises(AttributeError):
        nn.activations.SoftsignTest  # noqa: B018 - the lookup is the test
    with pytest.raises(ExpressionError, match="unknown function"):
        compile_expression(f"{NAME}(x)", ["x"])
    from viz.plots import plot_functions

    assert NAME not in plot_functions()
