"""autograd.gradcheck and numerical_grad with Tensor inputs: a wrong element of a backward is
found and named by its index; numerical_grad agrees with the tests' own central differences."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import Square, np_central

from autograd import GradcheckError, Tensor, gradcheck, numerical_grad


class WrongAtOneElement(Square):
    """y = x² with a backward of 2x everywhere except element [1, 2], where it is 3x."""

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        bump = np.zeros(x.shape)
        bump[1, 2] = 1.0
        return (2 + Tensor(bump)) * x * g


def test_gradcheck_with_tensor_inputs():
    xv = np.random.default_rng(15).uniform(1, 2, (3, 4))
    report = gradcheck(lambda x: Square.apply(x).sum(), [Tensor(xv)])
    assert report.ok and report.rows[0]["bad_elements"] == 0
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda x: WrongAtOneElement.apply(x).sum(), [Tensor(xv, label="x")])
    row = info.value.report.rows[0]
    assert row["input"] == "x[1, 2]" and row["bad_elements"] == 1 and not row["ok"]
    assert row["analytic"] == pytest.approx(3 * xv[1, 2])
    assert row["numeric"] == pytest.approx(2 * xv[1, 2], rel=1e-6)
    assert "x[1, 2]" in str(info.value) and "FAILED" in str(info.value)
    report = gradcheck(lambda x: WrongAtOneElement.apply(x).sum(), [xv], raise_exception=False)
    assert not report.ok and report.rows[0]["input"] == "#0[1, 2]"


def test_numerical_grad_with_tensor_inputs():
    rng = np.random.default_rng(16)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((3,))
    got = numerical_grad(lambda x, y: ((x * y).tanh()).sum(), [Tensor(a), Tensor(b)])
    expected = np_central(lambda x, y: np.tanh(x * y).sum(), [a, b])
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, rtol=1e-7, atol=1e-9)
    single = numerical_grad(lambda x: (x**2).sum(), Tensor(a), method="forward", eps=1e-7)
    np.testing.assert_allclose(single, 2 * a, atol=1e-5)
    # float32 inputs are differentiated in float64 (a float32 difference quotient is noise)
    f32 = numerical_grad(lambda x: (x * x).sum(), [Tensor(a, dtype=np.float32)])[0]
    np.testing.assert_allclose(f32, 2 * a.astype(np.float32).astype(np.float64), rtol=1e-7)
