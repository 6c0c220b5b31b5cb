"""Tests of nn.MLP.to_sequential: the scalar network as Tensor modules, with the same outputs.

The reference is the scalar MLP's own forward pass (one Value graph per sample); the Sequential
must give the same numbers to 1e-12 on random inputs, whatever the activations.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd
import nn
from nn import MLP, Linear, Sequential


def scalar_outputs(model: MLP, X: np.ndarray) -> np.ndarray:
    """The MLP's outputs on the rows of X, as an (N, nout) array."""
    rows = []
    for out in model(X):
        outs = out if isinstance(out, list) else [out]
        rows.append([v.data for v in outs])
    return np.array(rows)


def tensor_outputs(seq: Sequential, X: np.ndarray) -> np.ndarray:
    with autograd.no_grad():
        return seq(autograd.Tensor(X)).data


@pytest.mark.parametrize(
    "nin, nouts, kwargs",
    [
        (3, [4, 4, 1], {}),
        (2, [16, 16, 1], {"activation": "tanh"}),
        (5, [7, 3], {"activation": "sigmoid", "output_activation": "sigmoid"}),
        (4, [6, 6, 6, 2], {"activation": nn.LeakyReLU(0.2)}),
        (4, [5, 3], {"activation": "gelu", "output_activation": nn.GELU("tanh")}),
        (3, [4, 2], {"activation": "elu", "output_activation": "softplus"}),
        (3, [4, 4, 2], {"activation": "silu", "init": "xavier_uniform"}),
        (6, [3], {}),  # one layer: the output layer, linear
        (6, [3], {"output_activation": "hard_tanh"}),
    ],
)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_same_outputs_to_1e12(nin, nouts, kwargs, seed):
    model = MLP(nin, nouts, seed=seed, **kwargs)
    X = np.random.default_rng(100 + seed).standard_normal((9, nin)) * 2
    seq = model.to_sequential()
    np.testing.assert_allclose(tensor_outputs(seq, X), scalar_outputs(model, X),
                               rtol=1e-12, atol=1e-12)


def test_structure_matches_nn_mlp_and_the_layers_weights():
    model = MLP(3, [4, 4, 1], seed=0)
    seq = model.to_sequential()
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear", "ReLU", "Linear"]
    assert [type(m).__name__ for m in seq] == [type(m).__name__ for m in nn.mlp([3, 4, 4, 1])]
    linears = [m for m in seq if isinstance(m, Linear)]
    for layer, lin in zip(model.layers, linears):
        assert (lin.in_features, lin.out_features) == (layer.nin, layer.nout)
        np.testing.assert_array_equal(lin.weight.data, layer.weight_matrix())
        np.testing.assert_array_equal(lin.bias.data, layer.bias_vector())
    assert seq.num_parameters() == model.num_parameters()


def test_output_activation_is_kept():
    seq = MLP(2, [3, 1], output_activation="sigmoid", seed=0).to_sequential()
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear", "Sigmoid"]


def test_the_sequential_is_a_copy():
    model = MLP(3, [4, 2], seed=0)
    X = np.random.default_rng(0).standard_normal((5, 3))
    before = scalar_outputs(model, X)
    seq = model.to_sequential()
    seq[0].weight.data[...] = 0.0  # changing the copy leaves the MLP alone
    np.testing.assert_array_equal(scalar_outputs(model, X), before)
    seq = model.to_sequential()
    model.layers[0].neurons[0].w[0].data += 1.0  # and the other way round
    assert not np.allclose(scalar_outputs(model, X), tensor_outputs(seq, X))
    np.testing.assert_allclose(tensor_outputs(model.to_sequential(), X), scalar_outputs(model, X),
                               rtol=1e-12, atol=1e-12)


def test_after_training_the_weights_follow():
    model = MLP(2, [4, 1], activation="tanh", seed=3)
    X = np.random.default_rng(1).standard_normal((8, 2))
    y = np.sin(X[:, 0])
    opt = nn.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        loss = sum(((out - t) ** 2 for out, t in zip(model(X), y)), autograd.Value(0.0))
        loss.backward()
        opt.step()
    np.testing.assert_allclose(tensor_outputs(model.to_sequential(), X), scalar_outputs(model, X),
                               rtol=1e-12, atol=1e-12)


def test_an_activation_module_changed_later_does_not_change_the_network():
    act = nn.LeakyReLU(0.2)
    model = MLP(3, [5, 2], activation=act, seed=0)
    act.negative_slope = 0.9  # the neurons bound 0.2 when they were built
    X = np.random.default_rng(2).standard_normal((6, 3)) * 3
    seq = model.to_sequential()
    assert seq[1].negative_slope == 0.2 and seq[1] is not act
    np.testing.assert_allclose(tensor_outputs(seq, X), scalar_outputs(model, X),
                               rtol=1e-12, atol=1e-12)


def test_a_function_activation_becomes_a_lambda():
    model = MLP(3, [4, 2], activation=lambda z: z.tanh(), seed=0)
    seq = model.to_sequential()
    assert isinstance(seq[1], nn.Lambda)
    X = np.random.default_rng(3).standard_normal((4, 3))
    np.testing.assert_allclose(tensor_outputs(seq, X), scalar_outputs(model, X),
                               rtol=1e-12, atol=1e-12)


def test_draws_no_random_numbers_and_keeps_the_mode():
    model = MLP(3, [4, 2], seed=0)
    nn.init.manual_seed(7)
    expected = nn.Linear(3, 3).weight.data
    nn.init.manual_seed(7)
    model.to_sequential()
    np.testing.assert_array_equal(nn.Linear(3, 3).weight.data, expected)
    assert model.to_sequential().training
    model.eval()
    assert not any(m.training for m in model.to_sequential().modules())
