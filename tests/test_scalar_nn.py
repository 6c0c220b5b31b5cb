"""Tests of the scalar modules nn.Neuron, nn.Layer and nn.MLP (on Values).

Expected numbers are worked by hand or with numpy here (closed forms, the notes' house-price example
with the backprop equations BP1-BP4, central differences), never read from the code's output.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from autograd import Value
from nn import MLP, Layer, Neuron, data, optim
from nn import functional as F
from nn.optim.lr_scheduler import LambdaLR
from nn.train import accuracy, evaluate, fit


def set_neuron(n: Neuron, w, b) -> None:
    for wi, v in zip(n.w, w):
        wi.data = float(v)
    n.b.data = float(b)


# ---------------------------------------------------------------------------------------------
# Neuron
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "activation, f",
    [
        ("tanh", math.tanh),
        ("relu", lambda z: max(z, 0.0)),
        ("sigmoid", lambda z: 1 / (1 + math.exp(-z))),
        ("linear", lambda z: z),
        (None, lambda z: z),
        ("step", lambda z: 1.0 if z > 0 else 0.0),
    ],
)
def test_neuron_forward_closed_form(activation, f):
    n = Neuron(3, activation=activation)
    set_neuron(n, [0.5, -1.0, 2.0], 0.25)
    x = [1.0, 2.0, -0.5]
    z = 0.5 * 1.0 - 1.0 * 2.0 + 2.0 * -0.5 + 0.25  # = -2.25
    assert n(x).data == pytest.approx(f(z), rel=1e-12, abs=1e-15)


def test_neuron_accepts_values_floats_and_arrays():
    n = Neuron(2, activation="tanh")
    set_neuron(n, [0.3, -0.7], 0.1)
    expected = math.tanh(0.3 * 2 - 0.7 * 3 + 0.1)
    xs = [Value(2.0), Value(3.0)]
    for x in ([2.0, 3.0], (2, 3), np.array([2.0, 3.0]), xs):
        assert n(x).data == pytest.approx(expected, rel=1e-14)
    out = n(xs)
    out.backward()
    # d tanh(w·x+b)/dx_i = (1 - tanh²) w_i
    assert xs[0].grad == pytest.approx((1 - expected**2) * 0.3, rel=1e-12)
    assert n.w[1].grad == pytest.approx((1 - expected**2) * 3.0, rel=1e-12)


def test_neuron_wrong_input_size():
    with pytest.raises(ValueError, match="expects 3 inputs, got 2"):
        Neuron(3)([1.0, 2.0])


def test_neuron_rejects_unknown_or_non_elementwise_activation():
    with pytest.raises(ValueError, match="unknown activation 'relux'.*relu"):
        Neuron(2, activation="relux")
    with pytest.raises(ValueError, match="elementwise"):
        Neuron(2, activation="softmax")


# ---------------------------------------------------------------------------------------------
# Layer and MLP shapes
# ---------------------------------------------------------------------------------------------


def test_layer_of_one_neuron_returns_a_value_else_a_list():
    assert isinstance(Layer(2, 1, seed=0)([1.0, 2.0]), Value)
    out = Layer(2, 3, seed=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3 and all(isinstance(v, Value) for v in out)


def test_layer_weight_matrix_has_seed_shape_out_in():
    layer = Layer(3, 2, seed=0)
    W = layer.weight_matrix()
    assert W.shape == (2, 3)
    assert W[1, 2] == layer.neurons[1].w[2].data


def test_mlp_last_layer_linear_unless_output_activation():
    model = MLP(2, [4, 1], seed=3)
    assert model.layers[0].activation == "relu" and model.layers[-1].activation == "linear"
    # a linear output can be any real number: make it very negative by hand
    for n in model.layers[0].neurons:
        set_neuron(n, [1.0, 1.0], 0.0)
    set_neuron(model.layers[1].neurons[0], [-1.0] * 4, -0.5)
    assert model([1.0, 1.0]).data == pytest.approx(-4 * 2.0 - 0.5)
    squashed = MLP(2, [4, 1], output_activation="sigmoid", seed=3)
    squashed.load_state_dict(model.state_dict())
    assert squashed([1.0, 1.0]).data == pytest.approx(1 / (1 + math.exp(8.5)))


def test_mlp_batch_call_returns_one_result_per_sample():
    model = MLP(2, [3, 2], seed=0)
    X = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
    outs = model(X)
    assert len(outs) == 3 and all(len(o) == 2 for o in outs)
    assert [v.data for v in outs[1]] == [v.data for v in model(X[1])]


def test_mlp_bad_sizes():
    with pytest.raises(ValueError, match="nouts"):
        MLP(2, [])
    with pytest.raises(ValueError, match="layer size"):
        MLP(2, [3, 0])


# ---------------------------------------------------------------------------------------------
# initialisation
# ---------------------------------------------------------------------------------------------


def test_default_init_is_micrograd_uniform_with_zero_bias_and_seedable():
    model = MLP(4, [64, 64, 1], seed=0)
    ws = np.array([p.data for n, p in model.named_parameters() if ".w." in n])
    bs = np.array([p.data for n, p in model.named_parameters() if n.endswith(".b")])
    assert np.all(np.abs(ws) <= 1.0) and np.all(bs == 0.0)
    # U(-1, 1) has mean 0 and variance 1/3 (4416 draws: generous bounds)
    assert abs(ws.mean()) < 0.05 and abs(ws.var() - 1 / 3) < 0.03
    same = MLP(4, [64, 64, 1], seed=0)
    assert [p.data for p in same.parameters()] == [p.data for p in model.parameters()]
    other = MLP(4, [64, 64, 1], seed=1)
    assert [p.data for p in other.parameters()] != [p.data for p in model.parameters()]


def test_named_and_constant_inits():
    model = MLP(3, [5, 2], init=0.5, seed=0)
    assert all(p.data == 0.5 for n, p in model.named_parameters() if ".w." in n)
    model = MLP(3, [5, 2], init="zeros")
    assert all(p.data == 0.0 for p in model.parameters())
    layer = Layer(100, 300, init="xavier_uniform", seed=0)
    W = layer.weight_matrix()
    bound = math.sqrt(6 / (100 + 300))  # Glorot: fan_in = nin, fan_out = nout
    assert np.abs(W).max() <= bound and np.abs(W).max() > 0.95 * bound

    def halves(arr, generator=None):
        arr[...] = 0.5
        return arr

    assert all(w.data == 0.5 for w in Neuron(3, init=halves).w)


# ---------------------------------------------------------------------------------------------
# gradients
# ---------------------------------------------------------------------------------------------


def test_mlp_gradients_match_central_differences():
    model = MLP(3, [4, 3, 2], activation="tanh", seed=0)
    x, target = [0.5, -1.0, 2.0], [0.3, -0.2]

    def loss_value() -> float:
        out = model(x)
        return sum((o.data - t) ** 2 for o, t in zip(out, target))

    out = model(x)
    loss = F.mse_loss(out, target, reduction="sum")
    model.zero_grad()
    loss.backward()
    h = 1e-6
    for name, p in model.named_parameters():
        orig = p.data
        p.data = orig + h
        up = loss_value()
        p.data = orig - h
        down = loss_value()
        p.data = orig
        assert p.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-8), name


def test_seed_000_house_price_example_with_bp1_to_bp4():
    """The notes' house-price example: 3 -> 2 -> 2 -> 1 ReLU net, L = ½(y − a)², one SGD step
    with lr 0.1. The engine's gradients must match BP1-BP4 written out in numpy."""
    X, y = data.house_prices()
    net = data.house_price_network()
    model = MLP(3, [2, 2, 1], activation="relu", output_activation="relu")
    for li, (W, b) in enumerate([("W1", "b1"), ("W2", "b2"), ("W3", "b3")]):
        for j, n in enumerate(model.layers[li].neurons):
            set_neuron(n, net[W][j], net[b][j])

    a0 = X[0]
    z1 = net["W1"] @ a0 + net["b1"]
    a1 = np.maximum(z1, 0)
    z2 = net["W2"] @ a1 + net["b2"]
    a2 = np.maximum(z2, 0)
    z3 = net["W3"] @ a2 + net["b3"]
    a3 = np.maximum(z3, 0)
    np.testing.assert_allclose(z1, [12.241, 47.549], rtol=1e-12)
    # BP1: δ3 = ∇a C ⊙ σ'(z3) with C = ½(y − a)²
    d3 = (a3 - y) * (z3 > 0)
    # BP2: δl = (W^{l+1})ᵀ δ^{l+1} ⊙ σ'(zl)
    d2 = (net["W3"].T @ d3) * (z2 > 0)
    d1 = (net["W2"].T @ d2) * (z1 > 0)
    # BP3 / BP4: ∂C/∂b = δ, ∂C/∂W = δ a^{l-1}ᵀ
    grads = {"W1": np.outer(d1, a0), "b1": d1, "W2": np.outer(d2, a1), "b2": d2,
             "W3": np.outer(d3, a2), "b3": d3}

    out = model(a0)
    assert out.data == pytest.approx(float(a3[0]), rel=1e-12)
    loss = F.mse_loss(out, float(y[0]), half=True)
    assert loss.data == pytest.approx(0.5 * float((y - a3)[0]) ** 2, rel=1e-12)
    loss.backward()
    opt = optim.SGD(model.parameters(), lr=0.1)
    for li, (W, b) in enumerate([("W1", "b1"), ("W2", "b2"), ("W3", "b3")]):
        layer = model.layers[li]
        np.testing.assert_allclose([[w.grad for w in n.w] for n in layer.neurons], grads[W],
                                   rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose([n.b.grad for n in layer.neurons], grads[b], rtol=1e-12,
                                   atol=1e-15)
    opt.step()
    for li, (W, b) in enumerate([("W1", "b1"), ("W2", "b2"), ("W3", "b3")]):
        layer = model.layers[li]
        np.testing.assert_allclose(layer.weight_matrix(), net[W] - 0.1 * grads[W], rtol=1e-12)
        np.testing.assert_allclose(layer.bias_vector(), net[b] - 0.1 * grads[b], rtol=1e-12)


# ---------------------------------------------------------------------------------------------
# symmetry: constant initialisation never breaks it
# ---------------------------------------------------------------------------------------------


def test_constant_init_hidden_units_stay_identical_under_sgd():
    X, y = data.moons(40, noise=0.1, seed=0)
    model = MLP(2, [5, 5, 1], activation="tanh", init=0.3)
    opt = optim.SGD(model.parameters(), lr=0.5)
    first = [p.data for p in model.parameters()]
    for _ in range(5):
        loss = F.binary_cross_entropy_with_logits(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert [p.data for p in model.parameters()] != first  # it did learn something
    for layer in model.layers[:-1]:
        rows = layer.weight_matrix()
        biases = layer.bias_vector()
        assert np.all(rows == rows[0]) and np.all(biases == biases[0])  # exactly equal
    out_w = model.layers[-1].weight_matrix()
    assert np.all(out_w == out_w[0, 0])


# ---------------------------------------------------------------------------------------------
# proofs: moons with hinge loss, XOR with one hidden layer
# ---------------------------------------------------------------------------------------------


def test_micrograd_demo_moons_hinge_reaches_100_percent():
    X, y01 = data.moons(100, noise=0.1, seed=1)
    y = 2 * y01 - 1
    model = MLP(2, [16, 16, 1], seed=0)
    opt = optim.SGD(model.parameters(), lr=1.0)
    schedule = LambdaLR(opt, lambda k: 1.0 - 0.9 * k / 100)  # micrograd's 1.0 - 0.9 k / 100

    def loss_fn(scores, labels):
        return F.hinge_loss(scores, labels) + 1e-4 * F.l2_penalty(model)

    def stop_at_100(epoch, logs):  # the model after this epoch's step classifies all
        return evaluate(model, None, (X, y))["accuracy"] == 1.0

    hist = fit(model, loss_fn, opt, (X, y), epochs=100, batch_size=100, shuffle=False,
               callbacks=[schedule, stop_at_100], progress=False)
    assert len(hist) < 100
    scores = [s.data for s in model(X)]
    assert accuracy(scores, y) == 1.0
    assert np.all(np.sign(scores) == y)


def test_one_hidden_layer_learns_xor():
    X, y = data.xor()
    model = MLP(2, [4, 1], activation="tanh", seed=0)
    opt = optim.SGD(model.parameters(), lr=0.5)
    for _ in range(300):
        loss = F.binary_cross_entropy_with_logits(model(X), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    logits = np.array([v.data for v in model(X)])
    np.testing.assert_array_equal((logits > 0).astype(int), [0, 1, 1, 0])
    assert loss.data < 0.1
