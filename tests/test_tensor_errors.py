"""autograd.Tensor's errors: each names what went wrong (the op, the shapes, the missing
gradient) instead of failing inside numpy."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Function, Tensor


def test_backward_on_non_scalar_needs_gradient():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match=r"shape \(2, 3\).*gradient="):
        y.backward()
    with pytest.raises(ValueError, match=r"\(3,\).*\(2, 3\)"):
        y.backward(gradient=np.ones(3))
    y.backward(gradient=np.full((2, 3), 0.5))
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))
    # a one-element tensor of any rank seeds 1
    z = Tensor([[3.0]], requires_grad=True)
    (z * 4).backward()
    assert z.grad.shape == (1, 1) and z.grad[0, 0] == 4.0


def test_matmul_shape_error_names_both_shapes():
    a, b = Tensor(np.ones((3, 2))), Tensor(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"matmul.*\(3, 2\) @ \(3, 2\)"):
        a @ b
    with pytest.raises(ValueError, match=r"\(2, 3, 4\).*\(5, 6\)"):
        Tensor(np.ones((2, 3, 4))) @ Tensor(np.ones((5, 6)))
    with pytest.raises(ValueError, match="1-D"):
        Tensor(2.0) @ a


def test_broadcast_error_names_op_and_shapes():
    with pytest.raises(ValueError, match=r"'add'.*\(3, 2\).*\(4,\)"):
        Tensor(np.ones((3, 2))) + Tensor(np.ones(4))
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\)"):
        Tensor(np.ones((2, 3))).reshape(4, 2)
    with pytest.raises(IndexError, match=r"\(2, 3\)"):
        Tensor(np.ones((2, 3)))[5]


@pytest.mark.parametrize("data", ["abc", ["a", 1.0], [[1.0, 2.0], [3.0]], None, {"a": 1},
                                  object(), [1.0, None]])
def test_non_numeric_data_is_rejected(data):
    with pytest.raises(TypeError, match="Tensor expects"):
        Tensor(data)


def test_integer_dtype_is_rejected():
    with pytest.raises(TypeError, match="float"):
        Tensor([1, 2], dtype=np.int32)


def test_backward_without_any_gradient_is_an_error():
    with pytest.raises(RuntimeError, match="does not require a gradient"):
        (Tensor([1.0]) * 2).backward()


def test_function_without_backward():
    class NoBackward(Function):
        @staticmethod
        def forward(ctx, x):
            return x.data * 2

    x = Tensor([1.0, 2.0], requires_grad=True)
    y = NoBackward.apply(x)
    with pytest.raises(RuntimeError, match="NoBackward defines no backward"):
        y.sum().backward()
