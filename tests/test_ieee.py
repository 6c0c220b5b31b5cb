"""IEEE semantics in both engines, backward included: at 0, ±inf, NaN and the edges of its
domain every registered op's backward gives the gradient numpy's arithmetic gives (inf, -inf,
nan), never an exception or a warning; under ``detect_anomaly()`` a non-finite gradient is an
AnomalyError naming the op."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from helpers import public_call

from autograd import OPS, AnomalyError, Tensor, Value, detect_anomaly, grad
from autograd.op import VARIADIC

INF, NAN = math.inf, math.nan
SCALAR_OPS = [op for op in OPS.values() if op.scalar is not None]
SPECIAL = (0.0, -0.0, INF, -INF, NAN, 1.0, -1.0, 1e308, -1e308, 5e-324)
# parameters chosen to reach the edges: roots of negatives, poles at 0, a base of 0 or < 0
PARAM_CHOICES = {
    "negative_slope": (0.1,), "alpha": (1.3,), "beta": (1.7,), "lo": (-1.0,), "hi": (1.0,),
    "n": (1,),  # affine of the three inputs b, w1, x1
    "exponent": (0.5, -1.0, 1 / 3, 2.0, 0.0, -0.5, 3.0), "base": (0.0, -2.0, 2.0, 1.0, 0.5),
}

pytestmark = pytest.mark.filterwarnings("error")  # a numpy RuntimeWarning is a failure here


def _points(op):
    """Every combination of the special values, the op's domain edges and its kinks (for a
    variadic op, the first input varies and the others are 1 and 2)."""
    values = set(SPECIAL) | set(op.kinks) | {float(e) for lo_hi in op.domain for e in lo_hi}
    values = sorted(values, key=repr)  # NaN has no order; a fixed order for the report
    if op.nargs == VARIADIC:
        return [(v, 1.0, 2.0) for v in values]
    return list(itertools.product(values, repeat=op.nargs))


def _param_sets(op):
    return list(itertools.product(*[PARAM_CHOICES[p] for p in op.params]))


def _value_op(op, xs, params):
    return public_call(op, xs, params)


def _case_id(op):
    return op.name


@pytest.mark.parametrize("op", SCALAR_OPS, ids=_case_id)
def test_every_op_backward_at_special_points_matches_the_tensor_engine(op):
    for params in _param_sets(op):
        points = _points(op)
        value_grads = []
        for point in points:
            xs = [Value(v) for v in point]
            _value_op(op, xs, params).backward()  # never raises
            value_grads.append([x.grad for x in xs])
        # the Tensor engine on one array per input holding every point: numpy's arithmetic
        ts = [Tensor(np.array(col), requires_grad=True) for col in zip(*points)]
        out = public_call(op, ts, params)
        out.backward(np.ones_like(out.data))
        tensor_grads = np.stack([t.grad for t in ts], axis=1)
        np.testing.assert_allclose(
            np.array(value_grads), tensor_grads, rtol=1e-9, atol=0, equal_nan=True,
            err_msg=f"{op.name} with parameters {params} at {points}",
        )
        for point, expected in zip(points, value_grads):  # and 0-d Tensors, one point each
            ts = [Tensor(v, requires_grad=True) for v in point]
            public_call(op, ts, params).backward()
            np.testing.assert_allclose(
                [t.grad for t in ts], expected, rtol=1e-9, atol=0, equal_nan=True,
                err_msg=f"{op.name} with parameters {params} at {point} (0-d Tensors)",
            )


@pytest.mark.parametrize("op", SCALAR_OPS, ids=_case_id)
def test_every_op_create_graph_gradient_at_special_points_is_the_plain_one(op):
    # create_graph=True runs the rules on Values (their own IEEE forward), not on floats
    for params in _param_sets(op):
        for point in _points(op):
            xs = [Value(v) for v in point]
            y = _value_op(op, xs, params)
            graph_grads = [g.data for g in grad(y, xs, create_graph=True)]
            y.backward()
            np.testing.assert_allclose(
                graph_grads, [x.grad for x in xs], rtol=1e-12, atol=0, equal_nan=True,
                err_msg=f"{op.name} with parameters {params} at {point}",
            )


@pytest.mark.parametrize("op", SCALAR_OPS, ids=_case_id)
def test_every_non_finite_gradient_is_an_anomaly_naming_the_op(op):
    for params in _param_sets(op):
        for point in _points(op):
            xs = [Value(v) for v in point]
            _value_op(op, xs, params).backward()
            finite = all(math.isfinite(x.grad) for x in xs)
            xs = [Value(v) for v in point]
            try:
                with detect_anomaly():
                    _value_op(op, xs, params).backward()
            except AnomalyError as e:
                assert f"op {op.name!r}" in str(e), (op.name, params, point, str(e))
            else:
                assert finite, (op.name, params, point, "a non-finite gradient went unflagged")


# the issue's cases: gradients derived by hand with IEEE arithmetic
ISSUE_CASES = {
    # d/dx x^0.5 = 0.5 x^-0.5 = 0.5 / 0 = inf
    "0 ** 0.5": (lambda x: x**0.5, [0.0], [INF]),
    # d/dx x^-1 = -x^-2 = -1 / 0 = -inf
    "0 ** -1": (lambda x: x**-1, [0.0], [-INF]),
    # d/dx x^(1/3) = (1/3) x^(-2/3): a negative base to a fractional power is nan
    "(-8) ** (1/3)": (lambda x: x ** (1 / 3), [-8.0], [NAN]),
    # d/da a^b = b a^(b-1) = 2 (-2) = -4; d/db a^b = a^b log a = 4 log(-2) = nan
    "(-2) ** b": (lambda a, b: a**b, [-2.0, 2.0], [-4.0, NAN]),
    # d/da = 2 * 0 = 0; d/db = 0^2 log 0 = 0 * -inf, which PyTorch defines as 0 (0^b is flat
    # in b for b > 0)
    "0 ** b": (lambda a, b: a**b, [0.0, 2.0], [0.0, 0.0]),
    # d/dx sin x = cos(inf) = nan
    "sin(inf)": (lambda x: x.sin(), [INF], [NAN]),
}


@pytest.mark.parametrize("case", list(ISSUE_CASES))
@pytest.mark.parametrize("engine", ["Value", "Tensor"])
def test_issue_cases_give_ieee_gradients(case, engine):
    f, inputs, expected = ISSUE_CASES[case]
    if engine == "Value":
        xs = [Value(v) for v in inputs]
    else:
        xs = [Tensor(v, requires_grad=True) for v in inputs]
    f(*xs).backward()
    np.testing.assert_array_equal([float(x.grad) for x in xs], expected)


@pytest.mark.parametrize(
    ("case", "op"),
    [("0 ** 0.5", "pow_const"), ("0 ** -1", "pow_const"), ("(-8) ** (1/3)", "pow_const"),
     ("(-2) ** b", "pow"), ("sin(inf)", "sin")],
)
@pytest.mark.parametrize("engine", [Value, Tensor])
def test_issue_cases_under_detect_anomaly_name_the_op(case, op, engine):
    f, inputs, _ = ISSUE_CASES[case]
    xs = [engine(v) if engine is Value else Tensor(v, requires_grad=True) for v in inputs]
    with detect_anomaly(), pytest.raises(AnomalyError, match=f"op '{op}'"):
        f(*xs).backward()


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_and_minimum_propagate_nan_from_either_side_as_numpy(name):
    from autograd import maximum, minimum

    fn = {"maximum": maximum, "minimum": minimum}[name]
    for a, b in ((NAN, 1.0), (1.0, NAN), (NAN, -INF)):
        assert math.isnan(fn(Value(a), Value(b)).data)
        assert math.isnan(float(fn(Tensor(a), Tensor(b)).data))
