"""User-defined primitives: Function with forward/backward, checked by gradcheck."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import Square, WrongSquare

from autograd import Function, GradcheckError, Tensor, Value, grad, gradcheck


class ScaledTanh(Function):
    """y = a·tanh(x) with a non-differentiable keyword and two node inputs."""

    @staticmethod
    def forward(ctx, x, a, *, eps=0.0):
        t = x.tanh()
        ctx.save_for_backward(t, a)
        return a * t + eps

    @staticmethod
    def backward(ctx, g):
        t, a = ctx.saved_tensors
        return g * a * (1 - t * t), g * t


def test_a_right_function_passes_gradcheck_on_values_and_tensors():
    assert gradcheck(lambda x: Square.apply(x), [1.3])
    rng = np.random.default_rng(0)
    assert gradcheck(lambda x: Square.apply(x).sum(), [rng.normal(size=(3, 2))])


def test_a_wrong_backward_is_caught_with_a_table():
    with pytest.raises(GradcheckError) as err:
        gradcheck(lambda x: WrongSquare.apply(x), [1.3])
    text = str(err.value)
    assert "FAILED" in text and "3.9" in text and "2.6" in text  # 3x vs 2x at x = 1.3
    report = gradcheck(lambda x: WrongSquare.apply(x), [1.3], raise_exception=False)
    assert not report and report.rows[0]["analytic"] == pytest.approx(3.9)


def test_function_output_records_an_op_named_after_the_class():
    x = Value(1.5)
    y = Square.apply(x)
    assert y.op == "Square" and y.parents == (x,)
    y.backward()
    assert x.grad == 3.0


def test_function_with_two_inputs_and_a_keyword():
    x, a = Value(0.4), Value(-2.0)
    y = ScaledTanh.apply(x, a, eps=1.0)
    assert y.data == pytest.approx(-2.0 * math.tanh(0.4) + 1.0)
    gx, ga = grad(y, [x, a])
    assert gx == pytest.approx(-2.0 * (1 - math.tanh(0.4) ** 2))
    assert ga == pytest.approx(math.tanh(0.4))


def test_second_derivative_through_a_function():
    x = Value(0.9)
    (g,) = grad(Square.apply(x) * x, [x], create_graph=True)  # d(x³)/dx = 3x²
    (h,) = grad(g, [x])
    assert g.data == pytest.approx(3 * 0.81) and h == pytest.approx(6 * 0.9)


def test_backward_returning_the_wrong_number_of_gradients_is_explained():
    class TooMany(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 1.0

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = Value(1.0)
    with pytest.raises(RuntimeError, match="returned 2 gradient.*1 input"):
        TooMany.apply(x).backward()


def test_apply_without_any_node_input_is_refused():
    with pytest.raises(TypeError, match="at least one Value or Tensor"):
        Square.apply(2.0)


def test_function_on_tensors_gives_tensor_gradients():
    x = Tensor([1.0, -2.0], requires_grad=True)
    Square.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad, [2.0, -4.0])


def test_backward_through_a_function_without_backward_is_explained():
    class ForwardOnly(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    x = Value(1.0)
    with pytest.raises(RuntimeError, match="ForwardOnly defines no backward"):
        ForwardOnly.apply(x).backward()


def test_an_op_declared_without_a_derivative_for_an_input_says_so():
    from autograd.op import primitive, unregister

    op = primitive("test_floor_div", 2, method=False, scalar=lambda a, b: a // b,
                   array=np.floor_divide, vjp=(lambda g, y, a, b: 0.0 * g, None))
    try:
        a, b = Value(7.0), Value(2.0)
        y = Value.apply(op, (a, b))
        assert y.data == 3.0
        with pytest.raises(RuntimeError, match="'test_floor_div' has no derivative.*input #1"):
            y.backward()
    finally:
        unregister("test_floor_div")
