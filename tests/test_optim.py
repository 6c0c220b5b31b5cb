"""Tests of nn.optim: update rules against hand-worked numbers, groups, state, schedulers, clipping.

Expected values are hand-worked numbers or numpy arithmetic written here from the published
formulas, never the optimizers' own output.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from autograd import Tensor, Value
from nn import optim

W0 = np.array([1.0, -2.0])
GRADS = [np.array([0.5, 1.0]), np.array([-1.0, 2.0]), np.array([0.25, -0.5])]


def _tensor(values: Any = W0) -> Tensor:
    return Tensor(np.array(values, dtype=np.float64), requires_grad=True)


def _run_tensor(make: Callable[[list], optim.Optimizer], steps: int = 3) -> list[np.ndarray]:
    """Step an optimizer on one Tensor parameter with the fixed gradients; record the path."""
    p = _tensor()
    opt = make([p])
    data = p.data
    path = []
    for g in GRADS[:steps]:
        p.grad = g.copy()
        opt.step()
        assert p.data is data  # the array is updated in place, never replaced
        path.append(p.data.copy())
    return path


def _run_values(make: Callable[[list], optim.Optimizer], steps: int = 3) -> list[np.ndarray]:
    """The same run on two scalar Values holding the same numbers."""
    ps = [Value(float(v)) for v in W0]
    opt = make(ps)
    path = []
    for g in GRADS[:steps]:
        for p, gi in zip(ps, g, strict=True):
            p.grad = float(gi)
        opt.step()
        assert all(type(p.data) is float for p in ps)
        path.append(np.array([p.data for p in ps]))
    return path


# ---------------------------------------------------------------------------------------------
# the optimizer notes' worked examples, with gradients from the real engine
# ---------------------------------------------------------------------------------------------

XS = [1.0, 2.0, 3.0, 4.0]
YS = [2.0, 4.0, 6.0, 8.0]


def test_seed003_batch_gd_step_with_values() -> None:
    # L(w, b) = (1/N) sum (w x + b - y)^2, no 1/2: dL/dw = -30, dL/db = -10 at w = b = 0
    w, b = Value(0.0), Value(0.0)
    loss = sum(((w * x + b - y) ** 2 for x, y in zip(XS, YS, strict=True)), Value(0.0)) / 4
    loss.backward()
    assert w.grad == pytest.approx(-30.0) and b.grad == pytest.approx(-10.0)
    optim.SGD([w, b], lr=0.01).step()
    assert w.data == pytest.approx(0.3, abs=1e-15)
    assert b.data == pytest.approx(0.1, abs=1e-15)


def test_seed003_batch_gd_step_with_tensors() -> None:
    X, Y = Tensor(np.array(XS)), Tensor(np.array(YS))
    w, b = _tensor([0.0]), _tensor([0.0])
    loss = ((X * w + b - Y) ** 2).mean()
    loss.backward()
    np.testing.assert_allclose(w.grad, [-30.0])
    np.testing.assert_allclose(b.grad, [-10.0])
    optim.SGD([w, b], lr=0.01).step()
    np.testing.assert_allclose(w.data, [0.3], atol=1e-15)
    np.testing.assert_allclose(b.data, [0.1], atol=1e-15)


def test_seed003_half_convention_gives_half_the_step() -> None:
    # with L = mean(1/2 (w x + b - y)^2) the gradient is -15, -5 and the step w = 0.15, b = 0.05
    w, b = Value(0.0), Value(0.0)
    loss = sum(((w * x + b - y) ** 2 * 0.5 for x, y in zip(XS, YS, strict=True)), Value(0.0)) / 4
    loss.backward()
    optim.SGD([w, b], lr=0.01).step()
    assert (w.data, b.data) == (pytest.approx(0.15), pytest.approx(0.05))


def test_seed003_momentum_form_equals_pytorch_form_for_constant_lr() -> None:
    # the notes: per-sample SGD on x = 1..8, y = 2x, grads 2 (w x + b - y) x and 2 (w x + b - y),
    # v <- mu v + eta grad, w <- w - v, with eta = 0.01, mu = 0.9
    xs = [float(i) for i in range(1, 9)]
    eta, mu = 0.01, 0.9
    w_ref = b_ref = v_w = v_b = 0.0
    ref = []
    for x in xs:
        err = w_ref * x + b_ref - 2 * x
        v_w = mu * v_w + eta * 2 * err * x
        v_b = mu * v_b + eta * 2 * err
        w_ref, b_ref = w_ref - v_w, b_ref - v_b
        ref.append((w_ref, b_ref))
    w, b = Value(0.0), Value(0.0)
    opt = optim.SGD([w, b], lr=eta, momentum=mu)
    for x, (w_exp, b_exp) in zip(xs, ref, strict=True):
        opt.zero_grad()
        ((w * x + b - 2 * x) ** 2).backward()
        opt.step()
        assert w.data == pytest.approx(w_exp, rel=1e-12)
        assert b.data == pytest.approx(b_exp, rel=1e-12)
    assert ref[0] == (pytest.approx(0.04), pytest.approx(0.04))  # first step: 0.01 * 2 * 2 * 1


# ---------------------------------------------------------------------------------------------
# every optimizer's first steps
# ---------------------------------------------------------------------------------------------


def test_sgd_plain_hand_numbers() -> None:
    path = _run_tensor(lambda ps: optim.SGD(ps, lr=0.1), steps=2)
    np.testing.assert_allclose(path[0], [0.95, -2.1])
    np.testing.assert_allclose(path[1], [1.05, -2.3])


def test_sgd_momentum_hand_numbers() -> None:
    # b1 = g1 = [0.5, 1]           w1 = [1 - 0.05, -2 - 0.1]          = [0.95, -2.1]
    # b2 = 0.9 b1 + g2 = [-0.55, 2.9]   w2 = [0.95 + 0.055, -2.1 - 0.29] = [1.005, -2.39]
    # b3 = 0.9 b2 + g3 = [-0.245, 2.11] w3 = [1.005 + 0.0245, -2.39 - 0.211]
    path = _run_tensor(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9))
    np.testing.assert_allclose(path[0], [0.95, -2.1])
    np.testing.assert_allclose(path[1], [1.005, -2.39])
    np.testing.assert_allclose(path[2], [1.0295, -2.601])


def test_sgd_nesterov_weight_decay_hand_numbers() -> None:
    # g' = g1 + 0.1 w0 = [0.6, 0.8]; b = g'; step direction g' + 0.9 b = [1.14, 1.52]
    path = _run_tensor(
        lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1), 2
    )
    np.testing.assert_allclose(path[0], [0.886, -2.152])
    w1 = np.array([0.886, -2.152])
    g2 = GRADS[1] + 0.1 * w1
    b2 = 0.9 * np.array([0.6, 0.8]) + g2
    np.testing.assert_allclose(path[1], w1 - 0.1 * (g2 + 0.9 * b2))


def test_sgd_dampening_only_after_first_step() -> None:
    path = _run_tensor(lambda ps: optim.SGD(ps, lr=0.1, momentum=0.5, dampening=0.4), 2)
    np.testing.assert_allclose(path[0], [0.95, -2.1])  # first buffer is the plain gradient
    b2 = 0.5 * GRADS[0] + 0.6 * GRADS[1]
    np.testing.assert_allclose(path[1], path[0] - 0.1 * b2)


def test_adagrad_hand_numbers() -> None:
    # s1 = g1^2 = [0.25, 1]: the first step is lr * sign(g) = 0.1 * sign(g)
    path = _run_tensor(lambda ps: optim.Adagrad(ps, lr=0.1))
    np.testing.assert_allclose(path[0], [0.9, -2.1], rtol=1e-9)
    s, w = GRADS[0] ** 2, np.array([0.9, -2.1])
    for t in (1, 2):
        s = s + GRADS[t] ** 2
        w = w - 0.1 * GRADS[t] / (np.sqrt(s) + 1e-10)
        np.testing.assert_allclose(path[t], w, rtol=1e-9)


def test_adagrad_lr_decay_initial_accumulator_weight_decay() -> None:
    path = _run_tensor(
        lambda ps: optim.Adagrad(
            ps, lr=0.1, lr_decay=0.5, initial_accumulator_value=0.2, weight_decay=0.05, eps=1e-3
        )
    )
    w, s = W0.copy(), np.full(2, 0.2)
    for t, g in enumerate(GRADS, start=1):
        g = g + 0.05 * w
        s = s + g * g
        w = w - 0.1 / (1 + (t - 1) * 0.5) * g / (np.sqrt(s) + 1e-3)
        np.testing.assert_allclose(path[t - 1], w, rtol=1e-12)


def test_rmsprop_first_step_and_path() -> None:
    # v1 = 0.01 g^2, sqrt(v1) = 0.1 |g|: the first step is lr * 10 * sign(g)
    path = _run_tensor(lambda ps: optim.RMSprop(ps, lr=0.01))
    np.testing.assert_allclose(path[0], [0.9, -2.1], rtol=1e-7)
    w, v = np.array([0.9, -2.1]), 0.01 * GRADS[0] ** 2
    for t in (1, 2):
        v = 0.99 * v + 0.01 * GRADS[t] ** 2
        w = w - 0.01 * GRADS[t] / (np.sqrt(v) + 1e-8)
        np.testing.assert_allclose(path[t], w, rtol=1e-7)


def test_rmsprop_centered_momentum_weight_decay() -> None:
    path = _run_tensor(
        lambda ps: optim.RMSprop(
            ps, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1
        )
    )
    w, v, m, b = W0.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS):
        g = g + 0.1 * w
        v = 0.9 * v + 0.1 * g * g
        m = 0.9 * m + 0.1 * g
        b = 0.5 * b + g / (np.sqrt(v - m * m) + 1e-8)
        w = w - 0.01 * b
        np.testing.assert_allclose(path[t], w, rtol=1e-12)


def test_adadelta_path() -> None:
    path = _run_tensor(lambda ps: optim.Adadelta(ps, rho=0.9, eps=1e-6, weight_decay=0.01))
    # first step by hand: g = [0.51, 0.98], v = 0.1 g^2, dx = sqrt(1e-6) / sqrt(v + 1e-6) g
    g1 = np.array([0.51, 0.98])
    dx1 = 1e-3 / np.sqrt(0.1 * g1**2 + 1e-6) * g1
    np.testing.assert_allclose(path[0], W0 - dx1, rtol=1e-12)
    w, v, u = W0.copy(), np.zeros(2), np.zeros(2)
    for t, g in enumerate(GRADS):
        g = g + 0.01 * w
        v = 0.9 * v + 0.1 * g * g
        dx = np.sqrt(u + 1e-6) / np.sqrt(v + 1e-6) * g
        u = 0.9 * u + 0.1 * dx * dx
        w = w - 1.0 * dx
        np.testing.assert_allclose(path[t], w, rtol=1e-12)


def _adam_reference(
    lr: float, b1: float, b2: float, eps: float, wd: float, amsgrad: bool, decoupled: bool
) -> list[np.ndarray]:
    w, m, v, vmax = W0.copy(), np.zeros(2), np.zeros(2), np.zeros(2)
    out = []
    for t, g in enumerate(GRADS, start=1):
        if decoupled:
            w = w * (1 - lr * wd)
        else:
            g = g + wd * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        m_hat = m / (1 - b1**t)
        v_hat = (vmax if amsgrad else v) / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(v_hat) + eps)
        out.append(w)
    return out


def test_adam_first_step_is_lr_times_sign() -> None:
    path = _run_tensor(lambda ps: optim.Adam(ps, lr=1e-3))
    np.testing.assert_allclose(path[0], [0.999, -2.001], rtol=1e-10)
    expected = _adam_reference(1e-3, 0.9, 0.999, 1e-8, 0.0, False, False)
    for got, exp in zip(path, expected, strict=True):
        np.testing.assert_allclose(got, exp, rtol=1e-12)


@pytest.mark.parametrize("amsgrad", [False, True])
def test_adam_weight_decay_and_amsgrad(amsgrad: bool) -> None:
    path = _run_tensor(
        lambda ps: optim.Adam(ps, lr=0.1, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=amsgrad)
    )
    expected = _adam_reference(0.1, 0.8, 0.9, 1e-8, 0.1, amsgrad, False)
    for got, exp in zip(path, expected, strict=True):
        np.testing.assert_allclose(got, exp, rtol=1e-12)


def test_amsgrad_differs_once_second_moment_falls() -> None:
    # g2 = [-1, 2], g3 = [0.25, -0.5]: v falls at step 3, so v_max changes the step
    a = _adam_reference(0.1, 0.8, 0.9, 1e-8, 0.0, True, False)
    b = _adam_reference(0.1, 0.8, 0.9, 1e-8, 0.0, False, False)
    assert not np.allclose(a[2], b[2])
    got = _run_tensor(lambda ps: optim.Adam(ps, lr=0.1, betas=(0.8, 0.9), amsgrad=True))
    np.testing.assert_allclose(got[2], a[2], rtol=1e-12)


def test_adamw_decoupled_weight_decay() -> None:
    path = _run_tensor(lambda ps: optim.AdamW(ps, lr=0.01, weight_decay=0.5))
    # first step by hand: w0 (1 - 0.005) - 0.01 sign(g)
    np.testing.assert_allclose(path[0], [0.995 - 0.01, -1.99 - 0.01], rtol=1e-9)
    expected = _adam_reference(0.01, 0.9, 0.999, 1e-8, 0.5, False, True)
    for got, exp in zip(path, expected, strict=True):
        np.testing.assert_allclose(got, exp, rtol=1e-12)
    assert optim.AdamW([_tensor()]).param_groups[0]["weight_decay"] == 0.01


OPTIMIZER_CONFIGS: list[tuple[str, Callable[[list], optim.Optimizer]]] = [
    ("sgd", lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1)),
    ("adagrad", lambda ps: optim.Adagrad(ps, lr=0.1, lr_decay=0.1, weight_decay=0.1)),
    ("rmsprop", lambda ps: optim.RMSprop(ps, momentum=0.5, centered=True, weight_decay=0.1)),
    ("adadelta", lambda ps: optim.Adadelta(ps, weight_decay=0.1)),
    ("adam", lambda ps: optim.Adam(ps, lr=0.1, weight_decay=0.1, amsgrad=True)),
    ("adamw", lambda ps: optim.AdamW(ps, lr=0.1)),
]


@pytest.mark.parametrize(("name", "make"), OPTIMIZER_CONFIGS)
def test_value_and_tensor_parameters_follow_identical_paths(
    name: str, make: Callable[[list], optim.Optimizer]
) -> None:
    # the same update rule on numpy arrays and on Python floats: elementwise numpy kernels
    # (SIMD sqrt, pow) need not round exactly like the scalar libm calls, so allow a few ulps
    for a, b in zip(_run_tensor(make), _run_values(make), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)


def test_float32_tensor_stays_float32_in_place() -> None:
    p = Tensor(np.array([1.0, 2.0], dtype=np.float32), requires_grad=True)
    p.grad = np.array([1.0, -1.0], dtype=np.float32)
    opt = optim.Adam([p], lr=0.5)
    opt.step()
    assert p.data.dtype == np.float32
    assert opt.state[p]["exp_avg"].dtype == np.float32
    np.testing.assert_allclose(p.data, [0.5, 2.5], rtol=1e-6)


# ---------------------------------------------------------------------------------------------
# parameter groups, zero_grad, skipping, closures
# ---------------------------------------------------------------------------------------------


def test_param_groups_exclude_biases_from_weight_decay() -> None:
    w, b = _tensor([2.0, -4.0]), _tensor([3.0])
    opt = optim.SGD([{"params": [w], "weight_decay": 0.5}, {"params": [b], "lr": 0.2}], lr=0.1)
    assert opt.param_groups[1]["weight_decay"] == 0 and opt.param_groups[1]["momentum"] == 0
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["lr"] == 0.2
    w.grad, b.grad = np.zeros(2), np.array([1.0])
    opt.step()
    np.testing.assert_allclose(w.data, [2.0 * 0.95, -4.0 * 0.95])  # w - 0.1 * 0.5 * w
    np.testing.assert_allclose(b.data, [2.8])  # no decay, its own lr


def test_zero_grad_and_skipping_parameters_without_gradient() -> None:
    v, t, u = Value(1.0), _tensor([1.0, 1.0]), _tensor([5.0])
    opt = optim.SGD([v, t, u], lr=0.5, momentum=0.9)
    v.grad, t.grad = 2.0, np.array([1.0, -1.0])
    opt.step()
    assert v.data == 0.0
    np.testing.assert_array_equal(t.data, [0.5, 1.5])
    np.testing.assert_array_equal(u.data, [5.0])  # grad None: skipped, no state
    assert u not in opt.state and t in opt.state
    opt.zero_grad()
    assert v.grad == 0.0 and t.grad is None
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(t.grad, [0.0, 0.0])
    np.testing.assert_array_equal(u.grad, [0.0])


def test_momentum_buffer_does_not_alias_the_gradient() -> None:
    p = _tensor([0.0])
    opt = optim.SGD([p], lr=1.0, momentum=0.5)
    p.grad = np.array([1.0])
    opt.step()
    p.grad[...] = 0.0  # zeroing the gradient array in place must not touch the buffer
    opt.step()
    np.testing.assert_allclose(p.data, [-1.5])


def test_step_with_closure_returns_the_loss() -> None:
    w = Value(3.0)
    opt = optim.SGD([w], lr=0.25)

    def closure() -> Value:
        opt.zero_grad()
        loss = w * w
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert loss.data == 9.0 and w.data == 3.0 - 0.25 * 6.0


def test_add_param_group() -> None:
    a, b = _tensor([1.0]), _tensor([1.0])
    opt = optim.Adam([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.01})
    assert opt.param_groups[1]["betas"] == (0.9, 0.999)
    a.grad = b.grad = np.array([1.0])
    opt.step()
    np.testing.assert_allclose(a.data, [0.9], rtol=1e-7)
    np.testing.assert_allclose(b.data, [0.99], rtol=1e-7)
    with pytest.raises(ValueError, match="more than once"):
        opt.add_param_group({"params": [a]})


# ---------------------------------------------------------------------------------------------
# argument validation
# ---------------------------------------------------------------------------------------------


def test_invalid_arguments_name_the_bad_value() -> None:
    p = _tensor()
    with pytest.raises(ValueError, match=r"Invalid learning rate: -0\.1"):
        optim.SGD([p], lr=-0.1)
    with pytest.raises(ValueError, match=r"Invalid learning rate: -1\.0"):
        optim.SGD([{"params": [p], "lr": -1.0}], lr=0.1)
    with pytest.raises(ValueError, match=r"Invalid beta2: 1\.0 \(must be in \[0\.0, 1\.0\)\)"):
        optim.Adam([p], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match=r"Invalid beta1: -0\.1"):
        optim.AdamW([p], betas=(-0.1, 0.9))
    with pytest.raises(ValueError, match="Nesterov momentum requires a momentum > 0"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match=r"parameter 1 of group 0 is a float 3\.0"):
        optim.SGD([p, 3.0], lr=0.1)
    with pytest.raises(TypeError, match="parameter 0 of group 0 is a ndarray"):
        optim.Adam([np.zeros(3)])
    with pytest.raises(TypeError, match=r"single Tensor; wrap it in a list"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="requires_grad=False"):
        optim.SGD([Tensor(np.zeros(2))], lr=0.1)
    with pytest.raises(ValueError, match="unknown option.*'weight_deacy'"):
        optim.SGD([{"params": [p], "weight_deacy": 0.1}], lr=0.1)
    with pytest.raises(ValueError, match="Invalid rho value: 1.5"):
        optim.Adadelta([p], rho=1.5)
    with pytest.raises(ValueError, match="Invalid epsilon value: -1e-08"):
        optim.RMSprop([p], eps=-1e-8)
    with pytest.raises(TypeError, match="learning rate must be a real number, got 'fast'"):
        optim.SGD([p], lr="fast")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# state_dict / load_state_dict
# ---------------------------------------------------------------------------------------------


def test_state_dict_round_trip_continues_identically() -> None:
    a, va = _tensor(), Value(0.5)
    opt = optim.Adam([{"params": [a]}, {"params": [va], "lr": 0.01}], lr=0.1)
    for g in GRADS[:2]:
        a.grad, va.grad = g.copy(), float(g[0])
        opt.step()
    sd = opt.state_dict()
    assert sd["param_groups"][0]["params"] == [0] and sd["param_groups"][1]["params"] == [1]
    assert sd["state"][0]["step"] == 2 and isinstance(sd["state"][1]["exp_avg"], float)
    saved = sd["state"][0]["exp_avg"].copy()

    b, vb = _tensor(a.data), Value(va.data)
    opt2 = optim.Adam([{"params": [b]}, {"params": [vb]}], lr=0.5)
    opt2.load_state_dict(sd)
    assert opt2.param_groups[1]["lr"] == 0.01
    for o, p, v in ((opt, a, va), (opt2, b, vb)):
        p.grad, v.grad = GRADS[2].copy(), 0.25
        o.step()
    np.testing.assert_array_equal(a.data, b.data)
    assert va.data == vb.data
    np.testing.assert_array_equal(sd["state"][0]["exp_avg"], saved)  # a copy, not a view


def test_load_state_dict_errors() -> None:
    a = _tensor()
    opt = optim.SGD([a], lr=0.1, momentum=0.9)
    a.grad = GRADS[0].copy()
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="1 parameter group.*this optimizer has 2"):
        optim.SGD([{"params": [_tensor()]}, {"params": [_tensor()]}], lr=0.1).load_state_dict(sd)
    with pytest.raises(
        ValueError, match=r"'momentum_buffer' of parameter 0 has shape \(2,\).*\(3,\)"
    ):
        optim.SGD([_tensor([1.0, 2.0, 3.0])], lr=0.1, momentum=0.9).load_state_dict(sd)
    with pytest.raises(ValueError, match="has 1 parameters in the state dict but 2"):
        optim.SGD([_tensor(), _tensor()], lr=0.1).load_state_dict(sd)


# ---------------------------------------------------------------------------------------------
# learning-rate schedulers
# ---------------------------------------------------------------------------------------------


def _lrs(scheduler: optim.LRScheduler, epochs: int) -> list[float]:
    out = [scheduler.get_last_lr()[0]]
    for _ in range(epochs - 1):
        scheduler.optimizer.step()
        scheduler.step()
        out.append(scheduler.get_last_lr()[0])
    return out


def test_step_lr() -> None:
    opt = optim.SGD([_tensor()], lr=1.0)
    lrs = _lrs(optim.StepLR(opt, step_size=3, gamma=0.5), 8)
    assert lrs == [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    assert opt.param_groups[0]["lr"] == 0.25


def test_exponential_lr() -> None:
    opt = optim.SGD([_tensor()], lr=0.1)
    lrs = _lrs(optim.ExponentialLR(opt, gamma=0.9), 5)
    np.testing.assert_allclose(lrs, [0.1, 0.09, 0.081, 0.0729, 0.06561])


def test_cosine_annealing_lr() -> None:
    opt = optim.SGD([_tensor()], lr=0.1)
    lrs = _lrs(optim.CosineAnnealingLR(opt, T_max=4, eta_min=0.02), 5)
    # eta_min + (0.1 - 0.02) (1 + cos(pi t / 4)) / 2 for t = 0..4
    half = math.sqrt(2) / 2
    expected = [0.1, 0.02 + 0.04 * (1 + half), 0.06, 0.02 + 0.04 * (1 - half), 0.02]
    np.testing.assert_allclose(lrs, expected, rtol=1e-12)


def test_lambda_lr_per_group_and_scheduled_rate_is_used() -> None:
    a, b = _tensor([0.0]), _tensor([0.0])
    opt = optim.SGD([{"params": [a]}, {"params": [b], "lr": 1.0}], lr=0.1)
    sched = optim.LambdaLR(opt, [lambda t: 1.0 / (t + 1), lambda t: 0.5**t])
    assert sched.get_last_lr() == [0.1, 1.0]
    sched.step()
    assert sched.get_last_lr() == [0.05, 0.5]
    a.grad, b.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    np.testing.assert_allclose(a.data, [-0.05])
    np.testing.assert_allclose(b.data, [-0.5])
    state = sched.state_dict()
    assert state["last_epoch"] == 1 and "lr_lambdas" not in state
    with pytest.raises(ValueError, match="list of 2 functions"):
        optim.LambdaLR(opt, [lambda t: 1.0])


def test_scheduler_argument_errors() -> None:
    opt = optim.SGD([_tensor()], lr=0.1)
    with pytest.raises(ValueError, match="step_size must be a positive integer, got 0"):
        optim.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive integer"):
        optim.CosineAnnealingLR(opt, T_max=-3)
    with pytest.raises(TypeError, match="needs an nn.optim optimizer"):
        optim.ExponentialLR(object(), gamma=0.9)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------
# gradient clipping
# ---------------------------------------------------------------------------------------------


def test_clip_grad_norm_two_norm() -> None:
    t, v, none = _tensor([0.0, 0.0]), Value(0.0), _tensor([0.0])
    t.grad, v.grad = np.array([3.0, 4.0]), 12.0
    total = optim.clip_grad_norm_([t, v, none], max_norm=6.5)
    assert total == pytest.approx(13.0)  # sqrt(9 + 16 + 144), before clipping
    scale = 6.5 / (13.0 + 1e-6)
    np.testing.assert_allclose(t.grad, [3.0 * scale, 4.0 * scale])
    assert v.grad == pytest.approx(12.0 * scale)
    assert none.grad is None


def test_clip_grad_norm_leaves_small_gradients_alone_and_other_norms() -> None:
    t = _tensor([0.0, 0.0, 0.0])
    t.grad = np.array([1.0, -2.0, 2.0])
    grad = t.grad
    assert optim.clip_grad_norm_(t, max_norm=10.0) == pytest.approx(3.0)
    np.testing.assert_array_equal(t.grad, [1.0, -2.0, 2.0])
    assert optim.clip_grad_norm_([t], max_norm=2.5, norm_type=1) == pytest.approx(5.0)
    np.testing.assert_allclose(t.grad, np.array([1.0, -2.0, 2.0]) * 2.5 / (5.0 + 1e-6))
    assert t.grad is grad  # scaled in place
    t.grad = np.array([1.0, -4.0, 2.0])
    assert optim.clip_grad_norm_([t], max_norm=1.0, norm_type=math.inf) == 4.0
    np.testing.assert_allclose(t.grad, np.array([1.0, -4.0, 2.0]) / (4.0 + 1e-6))
    t.grad = np.array([np.inf, 0.0, 0.0])
    with pytest.raises(RuntimeError, match="norm"):
        optim.clip_grad_norm_([t], 1.0, error_if_nonfinite=True)


def test_clip_grad_value() -> None:
    t, v = _tensor([0.0, 0.0, 0.0]), Value(0.0)
    t.grad, v.grad = np.array([-5.0, 0.3, 7.0]), -12.0
    optim.clip_grad_value_([t, v], clip_value=1.0)
    np.testing.assert_array_equal(t.grad, [-1.0, 0.3, 1.0])
    assert v.grad == -1.0
    with pytest.raises(TypeError, match="parameter 0 is a list"):
        optim.clip_grad_value_([[1.0]], 1.0)
