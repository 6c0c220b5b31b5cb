"""Tests of nn.functional (losses, penalties) and nn.losses (their module forms).

Expected values are hand-worked numbers or closed forms written here; gradients are checked
against their closed forms or central differences."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from autograd import Tensor, Value, grad, gradcheck, numerical_grad
from nn import functional as F


def vals(xs):
    return [Value(float(x)) for x in xs]


def data_of(xs):
    return [x.data for x in xs]


# ---------------------------------------------------------------------------------------------
# mse and l1
# ---------------------------------------------------------------------------------------------


def test_mse_hand_values_all_reductions():
    p, t = [1.0, 2.0, 3.0], [1.0, 1.0, 1.0]  # squared errors 0, 1, 4
    for pred in (Tensor(np.array(p)), vals(p)):
        assert float(F.mse_loss(pred, t).data) == pytest.approx(5 / 3)
        assert float(F.mse_loss(pred, t, half=True).data) == pytest.approx(5 / 6)
        assert float(F.mse_loss(pred, t, reduction="sum").data) == pytest.approx(5.0)
    np.testing.assert_allclose(F.mse_loss(Tensor(np.array(p)), t, reduction="none").data,
                               [0, 1, 4])
    assert data_of(F.mse_loss(vals(p), t, reduction="none")) == [0, 1, 4]
    assert F.mse_loss(Value(3.0), 1.0, half=True).data == 2.0  # ½(3 − 1)²


def test_mse_gradient_closed_form():
    p0, t = np.array([[1.0, -2.0], [0.5, 4.0]]), np.array([[0.0, 1.0], [2.0, 2.0]])
    p = Tensor(p0, requires_grad=True)
    F.mse_loss(p, t).backward()
    np.testing.assert_allclose(p.grad, 2 * (p0 - t) / 4)
    p.zero_grad()
    F.mse_loss(p, t, half=True, reduction="sum").backward()
    np.testing.assert_allclose(p.grad, p0 - t)  # the notes' ∂C/∂a = a − y


def test_l1_loss():
    p, t = [1.0, -2.0, 3.5], [0.0, 0.0, 4.0]
    assert F.l1_loss(vals(p), t).data == pytest.approx((1 + 2 + 0.5) / 3)
    assert float(F.l1_loss(Tensor(np.array(p)), t, "sum").data) == pytest.approx(3.5)


def test_shape_mismatch_names_both_shapes_and_column_targets_are_accepted():
    with pytest.raises(ValueError, match=r"\(4, 3\).*\(4, 2\)"):
        F.mse_loss(Tensor(np.zeros((4, 3))), np.zeros((4, 2)))
    with pytest.raises(ValueError, match=r"\(3,\).*\(2,\)"):
        F.mse_loss(vals([1, 2, 3]), [1, 2])
    # one output unit: (N, 1) predictions with (N,) targets
    assert float(F.mse_loss(Tensor(np.array([[1.0], [3.0]])), np.array([0.0, 1.0])).data) == 2.5


def test_bad_reduction():
    with pytest.raises(ValueError, match="reduction"):
        F.mse_loss(Value(1.0), 0.0, reduction="avg")


# ---------------------------------------------------------------------------------------------
# binary cross-entropy
# ---------------------------------------------------------------------------------------------


def test_bce_hand_values():
    p, y = [0.8, 0.3, 0.5], [1, 0, 1]
    expected = -(math.log(0.8) + math.log(0.7) + math.log(0.5)) / 3
    assert F.binary_cross_entropy(vals(p), y).data == pytest.approx(expected, rel=1e-12)
    assert float(F.binary_cross_entropy(Tensor(np.array(p)), np.array(y)).data) == (
        pytest.approx(expected, rel=1e-12))
    soft = F.binary_cross_entropy(Value(0.8), 0.25).data
    assert soft == pytest.approx(-(0.25 * math.log(0.8) + 0.75 * math.log(0.2)), rel=1e-12)


def test_bce_clamps_log_at_minus_100_with_finite_gradient():
    p = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(p, np.array([1.0, 0.0]), reduction="sum")
    assert float(loss.data) == pytest.approx(200.0)
    loss.backward()
    assert np.all(np.isfinite(p.grad))
    v = Value(0.0)
    loss = F.binary_cross_entropy(v, 1.0)
    assert loss.data == pytest.approx(100.0)
    loss.backward()
    assert math.isfinite(v.grad)


def test_bce_gradient_of_a_saturated_wrong_prediction_is_large_with_the_right_sign():
    # PyTorch's gradient (p - y) / max(p(1 - p), 1e-12), by hand: p = 0, y = 1 gives
    # -1 / 1e-12 = -1e12 (push p up); p = 1, y = 0 gives +1e12 (push p down). The clamped log
    # alone is flat there and used to give 0: no signal for the most wrong prediction
    p = Tensor(np.array([0.0, 1.0]), requires_grad=True)
    F.binary_cross_entropy(p, np.array([1.0, 0.0]), reduction="sum").backward()
    np.testing.assert_allclose(p.grad, [-1e12, 1e12], rtol=1e-12)
    for p0, y, expected in ((0.0, 1.0, -1e12), (1.0, 0.0, 1e12)):
        v = Value(p0)
        F.binary_cross_entropy(v, y).backward()
        assert v.grad == pytest.approx(expected, rel=1e-12)
    # a correct saturated prediction: (0 - 0) / 1e-12 = 0
    v = Value(0.0)
    F.binary_cross_entropy(v, 0.0).backward()
    assert v.grad == 0.0


def test_bce_gradient_is_the_exact_derivative_away_from_0_and_1():
    # d/dp −[y log p + (1 − y) log(1 − p)] = −y/p + (1 − y)/(1 − p), soft targets included
    p = np.array([0.8, 0.3, 0.5, 1e-6, 0.999])
    y = np.array([1.0, 0.0, 0.25, 1.0, 0.6])
    expected = -y / p + (1 - y) / (1 - p)
    t = Tensor(p, requires_grad=True)
    F.binary_cross_entropy(t, y, reduction="sum").backward()
    np.testing.assert_allclose(t.grad, expected, rtol=1e-9)
    vs = vals(p.tolist())
    F.binary_cross_entropy(vs, y.tolist(), reduction="sum").backward()
    np.testing.assert_allclose([v.grad for v in vs], expected, rtol=1e-9)
    # and against central differences of the loss itself
    assert gradcheck(lambda q: F.binary_cross_entropy(q, y[:3], reduction="sum"), [p[:3]])


def test_bce_gradient_reaches_a_target_that_requires_one():
    # d/dy −[y log p + (1 − y) log(1 − p)] = log(1 − p) − log p
    p = np.array([0.8, 0.3])
    y = Tensor(np.array([1.0, 0.5]), requires_grad=True)
    F.binary_cross_entropy(Tensor(p), y, reduction="sum").backward()
    np.testing.assert_allclose(y.grad, np.log(1 - p) - np.log(p), rtol=1e-12)


def test_bce_second_derivative_through_create_graph():
    # d²/dp² −log p = 1/p²
    v = Value(0.3)
    (g,) = grad(F.binary_cross_entropy(v, 1.0), [v], create_graph=True)
    g.backward()
    assert g.data == pytest.approx(-1 / 0.3, rel=1e-12)
    assert v.grad == pytest.approx(1 / 0.09, rel=1e-12)


def test_bce_rejects_non_probabilities():
    with pytest.raises(ValueError, match="with_logits"):
        F.binary_cross_entropy(Tensor(np.array([1.5])), np.array([1.0]))
    with pytest.raises(ValueError, match="targets"):
        F.binary_cross_entropy(Value(0.5), 2.0)


def test_bce_with_logits_matches_bce_of_sigmoid_and_is_stable():
    x = np.array([-3.0, -0.5, 0.0, 0.7, 4.0])
    y = np.array([0.0, 1.0, 1.0, 0.0, 1.0])
    s = 1 / (1 + np.exp(-x))
    expected = -(y * np.log(s) + (1 - y) * np.log(1 - s))
    np.testing.assert_allclose(
        F.binary_cross_entropy_with_logits(Tensor(x), y, reduction="none").data, expected,
        rtol=1e-12)
    np.testing.assert_allclose(
        data_of(F.binary_cross_entropy_with_logits(vals(x), y, reduction="none")), expected,
        rtol=1e-12)
    # extreme logits: the exact losses are |x| (confidently wrong) and log(1 + e^-|x|) ≈ e^-|x|
    big = F.binary_cross_entropy_with_logits(Tensor(np.array([1000.0, -1000.0, 50.0])),
                                             np.array([0.0, 1.0, 1.0]), reduction="none").data
    assert big[0] == 1000.0 and big[1] == 1000.0
    assert big[2] == pytest.approx(math.exp(-50), rel=1e-12)


def test_bce_with_logits_gradient_is_sigmoid_minus_target_even_at_zero():
    x0 = np.array([0.0, 0.0, 2.0, -3.0])
    y = np.array([1.0, 0.0, 1.0, 0.3])
    x = Tensor(x0, requires_grad=True)
    F.binary_cross_entropy_with_logits(x, y, reduction="sum").backward()
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x0)) - y, rtol=1e-12)
    v = Value(0.0)
    F.binary_cross_entropy_with_logits(v, 1.0).backward()
    assert v.grad == pytest.approx(-0.5)


# ---------------------------------------------------------------------------------------------
# cross-entropy
# ---------------------------------------------------------------------------------------------


def test_cross_entropy_hand_value():
    z, target = [1.0, 2.0, 3.0], 2
    expected = -(3.0 - math.log(math.e + math.e**2 + math.e**3))
    assert F.cross_entropy(vals(z), target).data == pytest.approx(expected, rel=1e-12)
    assert float(F.cross_entropy(Tensor(np.array(z)), target).data) == pytest.approx(expected)
    batch = np.array([z, [0.0, 0.0, 0.0]])
    two = -(math.log(1 / 3))
    out = F.cross_entropy(Tensor(batch), np.array([2, 1]))
    assert float(out.data) == pytest.approx((expected + two) / 2, rel=1e-12)
    out_values = F.cross_entropy([vals(r) for r in batch], [2, 1])
    assert out_values.data == pytest.approx((expected + two) / 2, rel=1e-12)


def test_cross_entropy_probability_targets_and_label_smoothing():
    z = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 0.0]])
    idx = np.array([2, 0])
    onehot = np.eye(3)[idx]
    a = float(F.cross_entropy(Tensor(z), idx).data)
    assert float(F.cross_entropy(Tensor(z), onehot).data) == pytest.approx(a, rel=1e-12)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    t = np.array([[0.2, 0.3, 0.5], [0.6, 0.4, 0.0]])
    assert float(F.cross_entropy(Tensor(z), t).data) == pytest.approx(
        -(t * logp).sum(axis=1).mean(), rel=1e-12)
    eps = 0.1
    smooth = (1 - eps) * onehot + eps / 3
    assert float(F.cross_entropy(Tensor(z), idx, label_smoothing=eps).data) == pytest.approx(
        -(smooth * logp).sum(axis=1).mean(), rel=1e-12)


def test_cross_entropy_stable_and_gradient_softmax_minus_onehot():
    z0 = np.array([[1000.0, 0.0, -1000.0], [3.0, 1.0, 2.0]])
    z = Tensor(z0, requires_grad=True)
    loss = F.cross_entropy(z, np.array([0, 2]))
    e = np.exp(z0 - z0.max(axis=1, keepdims=True))
    soft = e / e.sum(axis=1, keepdims=True)
    assert float(loss.data) == pytest.approx(-np.log(soft[[0, 1], [0, 2]]).mean(), rel=1e-12)
    loss.backward()
    np.testing.assert_allclose(z.grad, (soft - np.eye(3)[[0, 2]]) / 2, atol=1e-15)


def test_cross_entropy_gradient_matches_numerical_grad():
    z0 = np.random.default_rng(0).normal(size=(4, 5))
    y = np.array([0, 4, 2, 2])
    z = Tensor(z0, requires_grad=True)
    F.cross_entropy(z, y).backward()
    np.testing.assert_allclose(z.grad, numerical_grad(lambda t: F.cross_entropy(t, y), z0),
                               rtol=1e-6, atol=1e-9)


def test_cross_entropy_label_errors():
    with pytest.raises(ValueError, match=r"class label 3 is out of range for 3 classes"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), np.array([0, 3]))
    with pytest.raises(ValueError, match=r"class label -1"):
        F.cross_entropy(vals([0, 0, 0]), -1)
    with pytest.raises(ValueError, match="integers"):
        F.cross_entropy(Tensor(np.zeros((1, 3))), np.array([1.5]))
    with pytest.raises(ValueError, match=r"\(2, 3\).*\(3,\)"):
        F.cross_entropy(Tensor(np.zeros((2, 3))), np.array([0, 1, 2]))


def test_one_hot():
    np.testing.assert_array_equal(F.one_hot([2, 0], 3), [[0, 0, 1], [1, 0, 0]])


# ---------------------------------------------------------------------------------------------
# hinge
# ---------------------------------------------------------------------------------------------


def test_hinge_hand_values_and_gradient():
    s, y = [2.0, 0.5, -1.0], [1, 1, 1]  # max(0, 1 − y s) = 0, 0.5, 2
    assert F.hinge_loss(vals(s), y).data == pytest.approx(2.5 / 3)
    t = Tensor(np.array(s), requires_grad=True)
    loss = F.hinge_loss(t, np.array(y))
    assert float(loss.data) == pytest.approx(2.5 / 3)
    loss.backward()
    np.testing.assert_allclose(t.grad, [0.0, -1 / 3, -1 / 3])
    assert F.hinge_loss(Value(-0.5), -1).data == pytest.approx(0.5)


def test_hinge_rejects_zero_one_labels():
    with pytest.raises(ValueError, match=r"-1 or \+1, got 0.*2 \* y - 1"):
        F.hinge_loss(vals([1.0, 2.0]), [0, 1])


# ---------------------------------------------------------------------------------------------
# penalties
# ---------------------------------------------------------------------------------------------


def test_l2_and_l1_penalties_on_modules_and_lists():
    model = nn.MLP(2, [3, 1], seed=0)
    w = np.array([float(v) for v in model.state_dict().values()])
    assert F.l2_penalty(model).data == pytest.approx(np.sum(w**2), rel=1e-12)
    assert F.l2_penalty(model, half=True).data == pytest.approx(0.5 * np.sum(w**2), rel=1e-12)
    assert F.l1_penalty(model).data == pytest.approx(np.sum(np.abs(w)), rel=1e-12)
    lin = nn.Linear(3, 2, seed=0)
    total = F.l2_penalty([lin.weight])  # ‖W‖²_F of the weight only, biases excluded
    assert float(total.data) == pytest.approx(np.sum(lin.weight.data**2), rel=1e-12)
    total.backward()
    np.testing.assert_allclose(lin.weight.grad, 2 * lin.weight.data)
    assert lin.bias.grad is None


# ---------------------------------------------------------------------------------------------
# loss modules
# ---------------------------------------------------------------------------------------------


def test_loss_modules_match_functions():
    z = Tensor(np.array([[0.3, -1.2], [2.0, 0.1]]))
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert float(nn.MSELoss(half=True)(z, y).data) == float(F.mse_loss(z, y, half=True).data)
    assert float(nn.L1Loss("sum")(z, y).data) == float(F.l1_loss(z, y, "sum").data)
    assert float(nn.BCEWithLogitsLoss()(z, y).data) == float(
        F.binary_cross_entropy_with_logits(z, y).data)
    assert float(nn.BCELoss()(z.sigmoid(), y).data) == float(
        F.binary_cross_entropy(z.sigmoid(), y).data)
    assert float(nn.CrossEntropyLoss()(z, np.array([0, 1])).data) == float(
        F.cross_entropy(z, np.array([0, 1])).data)
    assert nn.HingeLoss()(vals([0.2]), [1]).data == F.hinge_loss(vals([0.2]), [1]).data
    assert repr(nn.MSELoss(half=True)) == "MSELoss(reduction='mean', half=True)"


def test_softmax_accepts_plain_arrays():
    import numpy as np

    from nn import functional as F

    s = F.softmax(np.array([[0.0, np.log(3.0)]]), axis=1)
    np.testing.assert_allclose(s.data, [[0.25, 0.75]])
    np.testing.assert_allclose(F.log_softmax(np.array([0.0, 0.0])).data, np.log([0.5, 0.5]))
