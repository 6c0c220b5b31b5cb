"""Tests of nn.activations: every activation module against its closed form (on a Value, a list
of Values and a Tensor), the learnable ones (PReLU, DyT, Maxout) with gradients checked by
central differences, and get_activation's names and errors."""

from __future__ import annotations

import inspect
import math
import pickle

import numpy as np
import pytest
from helpers import central_diff

import nn
from autograd import Tensor, Value, activation_table, numerical_grad
from nn.activations import ACTIVATIONS, Activation, Identity, activation_name, get_activation

XS = np.array([-3.0, -1.0, -0.25, 0.0, 0.5, 2.0, 4.0])


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def phi(x):  # standard normal CDF
    return 0.5 * (1.0 + np.vectorize(math.erf)(x / math.sqrt(2.0)))


CLOSED_FORMS = [
    (nn.ReLU(), lambda x: np.maximum(x, 0.0)),
    (nn.Tanh(), lambda x: 2 * sigmoid(2 * x) - 1),  # tanh = 2σ(2x) − 1
    (nn.Sigmoid(), sigmoid),
    (nn.LeakyReLU(), lambda x: np.where(x > 0, x, 0.01 * x)),
    (nn.LeakyReLU(0.2), lambda x: np.where(x > 0, x, 0.2 * x)),
    (nn.ELU(), lambda x: np.where(x > 0, x, np.exp(x) - 1)),
    (nn.ELU(0.5), lambda x: np.where(x > 0, x, 0.5 * (np.exp(x) - 1))),
    (nn.Softplus(), lambda x: np.log(1 + np.exp(x))),
    (nn.Softplus(2.0), lambda x: np.log(1 + np.exp(2 * x)) / 2),
    (nn.SiLU(), lambda x: x * sigmoid(x)),
    (nn.Swish(), lambda x: x * sigmoid(x)),
    (nn.Swish(0.0), lambda x: x / 2),  # β = 0 gives x/2
    (nn.Swish(3.0), lambda x: x * sigmoid(3 * x)),
    (nn.GELU(), lambda x: x * phi(x)),
    (nn.GELU("tanh"),
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
    (nn.GELU("sigmoid"), lambda x: x * sigmoid(1.702 * x)),
    (nn.HardSigmoid(), lambda x: np.maximum(np.minimum(0.25 * x + 0.5, 1.0), 0.0)),
    (nn.HardTanh(), lambda x: np.maximum(np.minimum(x, 1.0), -1.0)),
    (nn.Step(), lambda x: (x > 0).astype(float)),
    (Identity(), lambda x: x),
]


@pytest.mark.parametrize("module, f", CLOSED_FORMS, ids=[repr(m)[:30] for m, _ in CLOSED_FORMS])
def test_activation_closed_form_on_value_list_and_tensor(module, f):
    expected = f(XS)
    on_tensor = module(Tensor(XS))
    np.testing.assert_allclose(on_tensor.data, expected, rtol=1e-12, atol=1e-15)
    on_values = module([Value(float(x)) for x in XS])
    np.testing.assert_allclose([v.data for v in on_values], expected, rtol=1e-12, atol=1e-15)
    single = module(Value(0.5))
    assert single.data == pytest.approx(float(f(np.array([0.5]))[0]), rel=1e-12)


def test_swish_approaches_relu_for_large_beta():
    out = nn.Swish(50.0)(Tensor(XS)).data
    np.testing.assert_allclose(out, np.maximum(XS, 0), atol=1e-3)


def test_sigmoid_derivative_is_at_most_a_quarter():
    x = Tensor(np.linspace(-6, 6, 121), requires_grad=True)
    nn.Sigmoid()(x).sum().backward()
    s = sigmoid(x.data)
    np.testing.assert_allclose(x.grad, s * (1 - s), rtol=1e-12)
    assert x.grad.max() == pytest.approx(0.25)  # at x = 0


def test_softmax_on_tensor_and_values():
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1000.0, 999.0]])
    e = np.exp(z - z.max(axis=1, keepdims=True))
    expected = e / e.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(nn.Softmax()(Tensor(z)).data, expected, rtol=1e-12)
    np.testing.assert_allclose(nn.Softmax(axis=0)(Tensor(z)).data.sum(axis=0), [1, 1, 1])
    vals = nn.Softmax()([Value(1000.0), Value(1000.0), Value(999.0)])  # no overflow
    np.testing.assert_allclose([v.data for v in vals], expected[1], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# learnable activations
# ---------------------------------------------------------------------------------------------


def test_prelu_forward_and_slope_gradient():
    x = np.array([[-2.0, 1.0, -0.5], [3.0, -1.0, 0.0]])
    act = nn.PReLU()
    assert [n for n, _ in act.named_parameters()] == ["weight"]
    assert act.weight.data.tolist() == [0.25]
    y = act(Tensor(x))
    np.testing.assert_allclose(y.data, np.where(x > 0, x, 0.25 * x))
    y.sum().backward()
    # d/da Σ f = Σ_{x<0} x = -2 - 0.5 - 1
    assert act.weight.grad.tolist() == pytest.approx([-3.5])


def test_prelu_derivative_at_zero_is_the_slope_as_leaky_relu_and_pytorch():
    # PyTorch's PReLU: grad_input = g where x > 0, else weight·g; at x = 0 that is the slope
    act = nn.PReLU(init=0.3)
    x = Tensor(np.array([0.0, -0.0, 2.0, -2.0]), requires_grad=True)
    act(x).sum().backward()
    np.testing.assert_allclose(x.grad, [0.3, 0.3, 1.0, 0.3])
    leaky = Tensor(np.array([0.0, -0.0, 2.0, -2.0]), requires_grad=True)
    leaky.leaky_relu(0.3).sum().backward()
    np.testing.assert_allclose(x.grad, leaky.grad)
    # d/da Σ f = Σ min(x, 0) = 0 + 0 + 0 - 2
    np.testing.assert_allclose(act.weight.grad, [-2.0])


def test_prelu_one_slope_per_feature():
    act = nn.PReLU(3, init=0.1)
    act.weight.data[:] = [0.1, 0.2, 0.3]
    x = np.array([[-1.0, -1.0, -1.0], [2.0, -2.0, 1.0]])
    np.testing.assert_allclose(act(Tensor(x)).data, [[-0.1, -0.2, -0.3], [2.0, -0.4, 1.0]])
    act(Tensor(x)).sum().backward()
    np.testing.assert_allclose(act.weight.grad, [-1.0, -3.0, -1.0])
    with pytest.raises(ValueError, match="last axis must have length 3"):
        act(Tensor(np.ones((2, 4))))


def test_dyt_formula_parameters_and_gradients():
    act = nn.DyT(3, alpha_init=0.5)
    assert act.num_parameters() == 1 + 3 + 3
    rng = np.random.default_rng(0)
    act.weight.data[:] = rng.normal(size=3)
    act.bias.data[:] = rng.normal(size=3)
    x = rng.normal(size=(4, 3))
    y = act(Tensor(x))
    np.testing.assert_allclose(y.data, act.weight.data * np.tanh(0.5 * x) + act.bias.data,
                               rtol=1e-12)
    c = rng.normal(size=(4, 3))  # a random projection makes every gradient entry matter

    def loss() -> float:
        return float((act(Tensor(x)).data * c).sum())

    (act(Tensor(x)) * Tensor(c)).sum().backward()
    for p in act.parameters():
        np.testing.assert_allclose(p.grad, central_diff(loss, p.data), rtol=1e-6, atol=1e-9)


def test_maxout_is_max_of_affine_pieces_and_routes_gradient_to_winner():
    act = nn.Maxout(3, 2, pieces=4, seed=0)
    assert act.linear.weight.shape == (8, 3)
    rng = np.random.default_rng(1)
    x = rng.normal(size=(5, 3))
    W, b = act.linear.weight.data, act.linear.bias.data
    pieces = (x @ W.T + b).reshape(5, 2, 4)
    np.testing.assert_allclose(act(Tensor(x)).data, pieces.max(axis=2), rtol=1e-12)

    c = rng.normal(size=(5, 2))

    def loss() -> float:
        return float((act(Tensor(x)).data * c).sum())

    (act(Tensor(x)) * Tensor(c)).sum().backward()
    np.testing.assert_allclose(act.linear.weight.grad, central_diff(loss, W), rtol=1e-6,
                               atol=1e-9)
    # a piece that wins for no sample receives no gradient
    winners = pieces.argmax(axis=2)  # (5, 2)
    for unit in range(2):
        for piece in range(4):
            if not np.any(winners[:, unit] == piece):
                assert np.all(act.linear.weight.grad[unit * 4 + piece] == 0)


def test_learnable_activation_input_gradient_matches_numerical_grad():
    act = nn.PReLU(2)
    act.weight.data[:] = [0.3, -0.2]
    x0 = np.array([[-1.5, 0.7], [0.4, -2.0]])
    x = Tensor(x0, requires_grad=True)
    (act(x) ** 2).sum().backward()
    num = numerical_grad(lambda t: (act(t) ** 2).sum(), x0)
    np.testing.assert_allclose(x.grad, num, rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# get_activation
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, cls",
    [("relu", nn.ReLU), ("tanh", nn.Tanh), ("sigmoid", nn.Sigmoid), ("leaky_relu", nn.LeakyReLU),
     ("elu", nn.ELU), ("softplus", nn.Softplus), ("silu", nn.SiLU), ("swish", nn.Swish),
     ("gelu", nn.GELU), ("hard_sigmoid", nn.HardSigmoid), ("hard_tanh", nn.HardTanh),
     ("linear", Identity), (None, Identity), ("ReLU", nn.ReLU), ("hard-tanh", nn.HardTanh),
     ("softmax", nn.Softmax), ("step", nn.Step)],
)
def test_get_activation_names(name, cls):
    assert type(get_activation(name)) is cls


def test_get_activation_kwargs_modules_and_callables():
    assert get_activation("leaky_relu", negative_slope=0.2).negative_slope == 0.2
    m = nn.ELU(0.3)
    assert get_activation(m) is m
    doubled = get_activation(lambda x: x * 2)
    assert doubled(Value(3.0)).data == 6.0


def test_get_activation_unknown_name_lists_valid_names():
    with pytest.raises(ValueError) as err:
        get_activation("rleu")
    msg = str(err.value)
    assert "'rleu'" in msg
    for valid in ("relu", "tanh", "sigmoid", "leaky_relu", "gelu", "linear"):
        assert valid in msg
    assert set(ACTIVATIONS) >= {"relu", "tanh", "sigmoid", "leaky_relu", "elu", "softplus",
                                "silu", "swish", "gelu", "hard_sigmoid", "hard_tanh", "linear"}


def test_gelu_rejects_unknown_approximation():
    with pytest.raises(ValueError, match="approximation"):
        nn.GELU("erf")


# ---------------------------------------------------------------------------------------------
# the names and classes derived from the op registry
# ---------------------------------------------------------------------------------------------


def test_activation_names_are_the_registrys_and_nns_own():
    assert set(ACTIVATIONS) == set(activation_table()) | {"linear", "identity", "none", "softmax"}
    assert type(get_activation("logistic")) is nn.Sigmoid  # an alias: the op's class
    assert type(get_activation("hard_logistic")) is nn.HardSigmoid
    assert get_activation("gelu_sigmoid").approximate == "sigmoid"
    with pytest.raises(TypeError):
        ACTIVATIONS["relu"] = nn.Tanh  # a read-only view


def test_module_classes_keep_pytorchs_constructors_reprs_and_short_names():
    assert str(inspect.signature(nn.LeakyReLU)) == "(negative_slope=0.01)"
    assert str(inspect.signature(nn.ReLU)) == "()"
    assert nn.ELU(alpha=0.5).alpha == 0.5 and nn.Swish(2).beta == 2.0
    assert repr(nn.Softplus(2)) == "Softplus(beta=2.0)" and repr(nn.Tanh()) == "Tanh()"
    assert [activation_name(m) for m in (nn.LeakyReLU(), nn.LeakyReLU(0.2), nn.ELU(0.5),
                                         nn.Swish(), nn.SiLU(), nn.GELU("tanh"), Identity())] == [
        "leaky_relu", "leaky_relu(0.2)", "elu(0.5)", "swish", "silu", "gelu(tanh)", "linear"]
    relu = pickle.loads(pickle.dumps(nn.LeakyReLU(0.3)))
    assert type(relu) is nn.LeakyReLU and relu.negative_slope == 0.3
    with pytest.raises(TypeError, match="relu"):
        nn.ReLU(1.0)
    with pytest.raises(ValueError, match="softplus beta must be positive"):
        nn.Softplus(0.0)


def test_generic_activation_module_reads_its_parameters_when_called():
    act = Activation("swish", beta=2.0)
    assert repr(act) == "Activation('swish', beta=2.0)"
    # x·σ(2x) at x = 1: 1 / (1 + e^-2)
    assert act(Value(1.0)).data == pytest.approx(1 / (1 + math.exp(-2.0)), rel=1e-15)
    act.beta = 0.0  # swish with β = 0 is x/2
    assert act(Value(3.0)).data == 1.5
    with pytest.raises(TypeError, match="silu fixes beta"):
        Activation("silu", beta=2.0)
    with pytest.raises(ValueError, match="unknown activation 'rleu'"):
        Activation("rleu")
