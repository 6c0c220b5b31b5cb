"""jvp (forward mode) against reverse mode and closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import Cube

from autograd import Tensor, Value, grad, jvp


def test_jvp_of_a_scalar_function_is_the_directional_derivative():
    x0, y0, vx, vy = 0.4, -1.2, 0.3, 2.0
    out, t = jvp(lambda x, y: x * y.exp() + x.sin(), [x0, y0], [vx, vy])
    assert out == pytest.approx(x0 * math.exp(y0) + math.sin(x0))
    assert t == pytest.approx((math.exp(y0) + math.cos(x0)) * vx + x0 * math.exp(y0) * vy)


def test_jvp_equals_reverse_mode_for_every_unit_tangent():
    def f(a, b, c):
        return (a * b - c).tanh() * (a.softplus() + c**2) / (b.sigmoid() + 1)

    point = [0.3, -0.8, 1.1]
    nodes = [Value(p) for p in point]
    reverse = grad(f(*nodes), nodes)
    for i in range(3):
        tangent = [1.0 if j == i else 0.0 for j in range(3)]
        _, forward = jvp(f, point, tangent)
        assert forward == pytest.approx(reverse[i], rel=1e-10)


def test_jvp_on_tensors_equals_the_jacobian_times_the_tangent():
    rng = np.random.default_rng(1)
    x0, v = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    w = rng.normal(size=(3, 4))
    f = lambda x: (x @ w).tanh().softmax(axis=-1)  # noqa: E731
    out, t = jvp(f, [x0], [v])
    jac = np.zeros((8, 6))  # rows: outputs, columns: inputs, by reverse mode one row at a time
    for k in range(8):
        x = Tensor(x0, requires_grad=True)
        seed = np.zeros(8)
        seed[k] = 1
        f(x).backward(gradient=seed.reshape(2, 4))
        jac[k] = x.grad.ravel()
    np.testing.assert_allclose(t.ravel(), jac @ v.ravel(), rtol=1e-10, atol=1e-12)
    assert out.shape == (2, 4)


def test_jvp_through_a_scalar_function_uses_its_backward():
    _, t = jvp(lambda x: Cube.apply(x) + x, [2.0], [0.5])
    assert t == pytest.approx((3 * 4 + 1) * 0.5)


def test_mismatched_tangents_are_refused():
    with pytest.raises(ValueError, match="2 inputs but 1 tangents"):
        jvp(lambda x, y: x * y, [1.0, 2.0], [1.0])
