"""Tests of the Tensor layers: Linear, Sequential, Dropout, BatchNorm1d, Residual, Flatten and
the mlp() helper. Expected values come from numpy formulas written here (PyTorch's documented
conventions), hand-worked examples (the lecture notes' dropout mask) and central differences."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import central_diff

import nn
from autograd import Tensor, Value, numerical_grad
from nn import F, optim

# ---------------------------------------------------------------------------------------------
# Linear
# ---------------------------------------------------------------------------------------------


def test_linear_shapes_and_forward():
    lin = nn.Linear(3, 2, seed=0)
    assert lin.weight.shape == (2, 3) and lin.bias.shape == (2,)  # W is [out, in]
    assert lin.weight.requires_grad and lin.bias.requires_grad
    x = np.array([[1.0, 2.0, 3.0], [-1.0, 0.0, 0.5]])
    W, b = lin.weight.data, lin.bias.data
    expected = np.array([[W[j] @ xi + b[j] for j in range(2)] for xi in x])  # z = W a + b
    np.testing.assert_allclose(lin(x).data, expected, rtol=1e-12)
    assert nn.Linear(3, 2, bias=False).bias is None
    assert [n for n, _ in nn.Linear(3, 2, bias=False).named_parameters()] == ["weight"]


def test_linear_default_init_is_pytorch_uniform():
    lin = nn.Linear(400, 300, seed=0)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.data, lin.bias.data
    assert np.abs(w).max() <= bound and np.abs(b).max() <= bound
    # U(-a, a) has standard deviation a / √3; 120 000 draws
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)
    np.testing.assert_array_equal(nn.Linear(400, 300, seed=0).weight.data, w)  # seedable


def test_linear_named_inits():
    he = nn.Linear(500, 400, init="kaiming_normal", seed=0)
    assert he.weight.data.std() == pytest.approx(math.sqrt(2 / 500), rel=0.01)
    assert np.all(he.bias.data == 0)
    xavier = nn.Linear(300, 100, init="xavier_uniform", seed=0)
    assert np.abs(xavier.weight.data).max() <= math.sqrt(6 / 400)
    const = nn.Linear(3, 4, init=0.25)
    assert np.all(const.weight.data == 0.25)
    with pytest.raises(ValueError, match="unknown initializer"):
        nn.Linear(3, 4, init="glorious")


def test_linear_gradients_match_numerical():
    lin = nn.Linear(3, 2, seed=0)
    x0 = np.random.default_rng(1).normal(size=(4, 3))
    c = np.random.default_rng(2).normal(size=(4, 2))
    x = Tensor(x0, requires_grad=True)
    (lin(x) * Tensor(c)).sum().backward()

    def loss() -> float:
        return float((lin(Tensor(x0)).data * c).sum())

    np.testing.assert_allclose(lin.weight.grad, central_diff(loss, lin.weight.data), rtol=1e-6)
    np.testing.assert_allclose(lin.bias.grad, central_diff(loss, lin.bias.data), rtol=1e-6)
    np.testing.assert_allclose(x.grad, numerical_grad(lambda t: (lin(t) * Tensor(c)).sum(), x0),
                               rtol=1e-6)


def test_linear_wrong_input_size():
    with pytest.raises(ValueError, match=r"3 features, got shape \(2, 4\)"):
        nn.Linear(3, 2)(np.ones((2, 4)))


# ---------------------------------------------------------------------------------------------
# Sequential, Residual, Flatten
# ---------------------------------------------------------------------------------------------


def test_sequential_indexing_iteration_and_forward():
    a, r, b = nn.Linear(2, 3, seed=0), nn.ReLU(), nn.Linear(3, 1, seed=1)
    seq = nn.Sequential(a, r, b)
    assert len(seq) == 3 and seq[0] is a and seq[-1] is b and list(seq) == [a, r, b]
    head = seq[:2]
    assert isinstance(head, nn.Sequential) and head[1] is r
    x = np.array([[1.0, -2.0]])
    np.testing.assert_allclose(seq(x).data, b(r(a(x))).data)
    assert nn.Sequential([a, r]).forward(x).shape == (1, 3)
    with pytest.raises(TypeError, match="not a Module"):
        nn.Sequential(a, "relu")


def test_residual_adds_input():
    lin = nn.Linear(3, 3, seed=0)
    res = nn.Residual(lin)
    x = np.array([[1.0, 2.0, 3.0]])
    np.testing.assert_allclose(res(x).data, x + lin(x).data)
    assert [n for n, _ in res.named_parameters()] == ["fn.weight", "fn.bias"]
    with pytest.raises(ValueError, match="keep the shape"):
        nn.Residual(nn.Linear(3, 2))(x)


def test_residual_passes_gradient_through_identity():
    # f(x) = 0·x: the block's gradient is exactly the identity path's
    res = nn.Residual(nn.Linear(2, 2, init=0.0, bias=False))
    x = Tensor(np.array([[0.5, -1.0]]), requires_grad=True)
    res(x).sum().backward()
    np.testing.assert_array_equal(x.grad, [[1.0, 1.0]])


def test_flatten():
    x = np.arange(24.0).reshape(2, 3, 4)
    assert nn.Flatten()(x).shape == (2, 12)


# ---------------------------------------------------------------------------------------------
# Dropout
# ---------------------------------------------------------------------------------------------


def test_seed_000_dropout_mask_example():
    # a¹ = [12.241, 47.549], uniform draws [0.38298, 0.78923], p = 0.5: the first is < p, so
    # dropped; the kept unit is divided by the keep probability 1 − p (inverted dropout).
    a = Tensor(np.array([12.241, 47.549]))
    out = F.dropout(a, 0.5, noise=[0.38298, 0.78923])
    np.testing.assert_allclose(out.data, [0.0, 47.549 / 0.5])
    values = F.dropout([Value(12.241), Value(47.549)], 0.5, noise=[0.38298, 0.78923])
    assert [v.data for v in values] == pytest.approx([0.0, 95.098])


def test_dropout_train_statistics_scaling_and_eval_identity():
    layer = nn.Dropout(0.3, seed=0)
    x = np.ones((200, 500))
    y = layer(Tensor(x)).data
    kept = y != 0
    assert kept.mean() == pytest.approx(0.7, abs=0.005)  # 100 000 Bernoulli(0.7) draws
    np.testing.assert_allclose(y[kept], 1 / 0.7)
    np.testing.assert_array_equal(layer.last_mask, kept.astype(float))
    assert y.mean() == pytest.approx(1.0, abs=0.01)  # expectation preserved
    layer.eval()
    t = Tensor(x)
    assert layer(t) is t


def test_dropout_seeded_gradient_and_edge_probabilities():
    a, b = nn.Dropout(0.5, seed=3), nn.Dropout(0.5, seed=3)
    x = np.arange(1.0, 11.0)
    np.testing.assert_array_equal(a(Tensor(x)).data, b(Tensor(x)).data)
    xt = Tensor(x, requires_grad=True)
    a(xt).sum().backward()
    np.testing.assert_array_equal(xt.grad, a.last_mask / 0.5)  # d out / d x = mask / (1 − p)
    np.testing.assert_array_equal(nn.Dropout(1.0)(Tensor(x)).data, np.zeros(10))
    t = Tensor(x)
    assert nn.Dropout(0.0)(t) is t
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        nn.Dropout(1.5)


def test_dropout_on_scalar_values():
    layer = nn.Dropout(0.5, seed=0)
    out = layer([Value(2.0)] * 20)
    assert all(v.data in (0.0, 4.0) for v in out)


# ---------------------------------------------------------------------------------------------
# BatchNorm1d
# ---------------------------------------------------------------------------------------------


def test_batchnorm_training_statistics_pytorch_conventions():
    rng = np.random.default_rng(0)
    x = rng.normal(3.0, 2.0, size=(8, 4))
    bn = nn.BatchNorm1d(4)
    y = bn(Tensor(x)).data
    mu, var = x.mean(axis=0), x.var(axis=0)  # biased variance normalises
    np.testing.assert_allclose(y, (x - mu) / np.sqrt(var + 1e-5), rtol=1e-10)
    # running estimates: momentum 0.1, unbiased variance
    np.testing.assert_allclose(bn.running_mean, 0.1 * mu, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, 0.9 * 1.0 + 0.1 * x.var(axis=0, ddof=1),
                               rtol=1e-12)
    assert int(bn.num_batches_tracked) == 1
    x2 = rng.normal(size=(8, 4))
    bn(Tensor(x2))
    np.testing.assert_allclose(bn.running_mean, 0.9 * 0.1 * mu + 0.1 * x2.mean(axis=0))


def test_batchnorm_eval_uses_running_statistics():
    bn = nn.BatchNorm1d(2)
    bn.running_mean = np.array([1.0, -1.0])
    bn.running_var = np.array([4.0, 0.25])
    bn.weight.data[:] = [2.0, 1.0]
    bn.bias.data[:] = [0.5, 0.0]
    bn.eval()
    x = np.array([[3.0, 0.0]])  # a single sample is fine in eval mode
    expected = np.array([[2.0 * (3 - 1) / math.sqrt(4 + 1e-5) + 0.5,
                          (0 + 1) / math.sqrt(0.25 + 1e-5)]])
    np.testing.assert_allclose(bn(x).data, expected, rtol=1e-12)
    bn.train()
    with pytest.raises(ValueError, match="more than one sample"):
        bn(x)


def test_batchnorm_gradients_match_numerical():
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm1d(3)
    bn.weight.data[:] = rng.normal(size=3)
    bn.bias.data[:] = rng.normal(size=3)
    x0 = rng.normal(size=(5, 3))
    c = rng.normal(size=(5, 3))
    x = Tensor(x0, requires_grad=True)
    (bn(x) * Tensor(c)).sum().backward()
    np.testing.assert_allclose(
        x.grad, numerical_grad(lambda t: (bn(t) * Tensor(c)).sum(), x0), rtol=1e-5, atol=1e-8)

    def loss() -> float:
        return float((bn(Tensor(x0)).data * c).sum())

    np.testing.assert_allclose(bn.weight.grad, central_diff(loss, bn.weight.data), rtol=1e-6)
    np.testing.assert_allclose(bn.bias.grad, central_diff(loss, bn.bias.data), rtol=1e-6)


def test_batchnorm_wrong_shape():
    with pytest.raises(ValueError, match=r"\(N, 3\), got \(4, 2\)"):
        nn.BatchNorm1d(3)(np.ones((4, 2)))


# ---------------------------------------------------------------------------------------------
# mlp()
# ---------------------------------------------------------------------------------------------


def test_mlp_builds_seed_001_network():
    model = nn.mlp([784, 256, 256, 10], dropout=[0.2, 0.5], seed=0)
    kinds = [type(m).__name__ for m in model]
    assert kinds == ["Linear", "ReLU", "Dropout", "Linear", "ReLU", "Dropout", "Linear"]
    assert [m.p for m in model if isinstance(m, nn.Dropout)] == [0.2, 0.5]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, nn.Linear)] == [
        (784, 256), (256, 256), (256, 10)]
    bn = nn.mlp([4, 8, 2], activation="tanh", batchnorm=True, dropout=0.1,
                output_activation="sigmoid")
    assert [type(m).__name__ for m in bn] == ["Linear", "BatchNorm1d", "Tanh", "Dropout",
                                              "Linear", "Sigmoid"]
    with pytest.raises(ValueError, match="one per hidden layer"):
        nn.mlp([4, 8, 8, 2], dropout=[0.5])
    a, b = nn.mlp([3, 5, 2], seed=7), nn.mlp([3, 5, 2], seed=7)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.data, q.data)


# ---------------------------------------------------------------------------------------------
# symmetry: constant init never breaks it; dropout does
# ---------------------------------------------------------------------------------------------


def _train_steps(model, steps=5):
    X, y = nn.data.moons(32, noise=0.1, seed=0)
    opt = optim.SGD(model.parameters(), lr=0.5)
    for _ in range(steps):
        loss = F.binary_cross_entropy_with_logits(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()


def test_constant_init_keeps_hidden_units_identical():
    model = nn.mlp([2, 6, 6, 1], activation="tanh", init=0.2)
    before = model[0].weight.data.copy()
    _train_steps(model)
    assert not np.array_equal(model[0].weight.data, before)
    for lin in (model[0], model[2]):
        W, b = lin.weight.data, lin.bias.data
        # equal in exact arithmetic; a BLAS kernel may round one column's sum differently from
        # another's (3.5e-18 apart under OPENBLAS_CORETYPE=Prescott), far below this tolerance
        np.testing.assert_allclose(W, np.broadcast_to(W[0], W.shape), rtol=0, atol=1e-12)
        np.testing.assert_allclose(b, np.full_like(b, b[0]), rtol=0, atol=1e-12)


def test_dropout_breaks_the_symmetry():
    model = nn.mlp([2, 6, 1], activation="tanh", init=0.2, dropout=0.5, seed=0)
    _train_steps(model)
    W = model[0].weight.data
    # far beyond rounding: the units differ by 0.017-0.05 per input over seeds 0-9
    assert np.ptp(W, axis=0).min() > 1e-3
