"""Backpropagation semantics: accumulation, diamonds, reuse, deep graphs, functional grad,
higher-order derivatives."""

from __future__ import annotations

import math

import pytest

from autograd import Value, grad, topological_order


def test_micrograd_neuron_by_hand():
    # o = tanh(x*w + b); n = 2*(-3) + 6.8813735870195432 = 0.8813735870195432 = atanh(1/√2)
    x, w, b = Value(2.0), Value(-3.0), Value(6.8813735870195432)
    n = x * w + b
    o = n.tanh()
    o.backward()
    do_dn = 1 - 0.5  # 1 - tanh² with tanh = 1/√2
    assert o.data == pytest.approx(1 / math.sqrt(2))
    assert n.grad == pytest.approx(do_dn)
    assert (x.grad, w.grad, b.grad) == pytest.approx((do_dn * -3, do_dn * 2, do_dn))


def test_a_node_used_twice_receives_both_contributions():
    a = Value(3.0)
    (a + a).backward()
    assert a.grad == 2.0
    b = Value(3.0)
    (b * b).backward()
    assert b.grad == 6.0


def test_diamond():
    # y = (x*2) * (x+1) -> dy/dx = 2(x+1) + 2x = 4x + 2
    x = Value(1.5)
    y = (x * 2) * (x + 1)
    y.backward()
    assert x.grad == pytest.approx(4 * 1.5 + 2)


def test_leaves_accumulate_across_backward_calls():
    x = Value(3.0)
    y = x * x * x
    y.backward()
    assert x.grad == 27.0
    y.backward()
    assert x.grad == 54.0  # exactly twice 27, as in PyTorch


def test_interior_nodes_hold_the_most_recent_pass():
    x = Value(3.0)
    sq = x * x
    y = sq * 2.0
    y.backward()
    y.backward()
    assert sq.grad == 2.0  # not 4: interior nodes show one consistent pass
    assert y.grad == 1.0


def test_graph_is_reusable_after_backward_and_zero_grad():
    x = Value(2.0)
    y = (x * x).tanh()
    y.backward()
    first = x.grad
    x.zero_grad()
    y.backward()
    assert x.grad == first


def test_backward_with_a_gradient_scales_everything():
    x = Value(2.0)
    (x * x).backward(gradient=0.5)
    assert x.grad == 2.0


def test_a_million_node_chain_backpropagates_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0000001
    y.backward()
    assert x.grad == pytest.approx(1.0000001**1_000_000, rel=1e-9)


def test_topological_order_puts_parents_first_and_is_deterministic():
    a, b = Value(1.0, label="a"), Value(2.0, label="b")
    c = a * b
    d = c + a
    order = topological_order(d)
    pos = {id(n): i for i, n in enumerate(order)}  # == compares data, so index by identity
    assert pos[id(a)] < pos[id(c)] < pos[id(d)]
    assert pos[id(b)] < pos[id(c)]
    assert [n.label for n in order] == [n.label for n in topological_order(d)]
    assert order[-1] is d and len(order) == 4


def test_functional_grad_leaves_dot_grad_untouched():
    x, y = Value(2.0), Value(5.0)
    x.grad = 7.0
    z = x * y
    gx, gy = grad(z, [x, y])
    assert (gx, gy) == (5.0, 2.0)
    assert x.grad == 7.0 and y.grad == 0.0 and z.grad == 0.0


def test_grad_refuses_an_unused_input_unless_allowed():
    x, u = Value(2.0), Value(1.0, label="u")
    with pytest.raises(RuntimeError, match="'u'.*not used"):
        grad(x * 3, [x, u])
    assert grad(x * 3, [x, u], allow_unused=True) == (3.0, None)


def test_second_derivative_of_tanh():
    x0 = 0.7
    x = Value(x0)
    (g,) = grad(x.tanh(), [x], create_graph=True)
    (h,) = grad(g, [x])
    t = math.tanh(x0)
    assert g.data == pytest.approx(1 - t * t)
    assert h == pytest.approx(-2 * t * (1 - t * t))


def test_third_derivative_of_a_polynomial():
    x = Value(1.5)
    y = x**4
    (d1,) = grad(y, [x], create_graph=True)
    (d2,) = grad(d1, [x], create_graph=True)
    (d3,) = grad(d2, [x])
    assert (d1.data, d2.data, d3) == pytest.approx((4 * 1.5**3, 12 * 1.5**2, 24 * 1.5))


def test_hessian_of_a_two_variable_function():
    # f = x²y + sin(x)·y³ ; H = [[2y − sin(x)y³, 2x + 3cos(x)y²], [·, 6 sin(x) y]]
    x0, y0 = 0.8, -1.3
    x, y = Value(x0), Value(y0)
    f = x * x * y + x.sin() * y**3
    gx, gy = grad(f, [x, y], create_graph=True)
    hxx, hxy = grad(gx, [x, y])
    hyx, hyy = grad(gy, [x, y])
    expected = [
        [2 * y0 - math.sin(x0) * y0**3, 2 * x0 + 3 * math.cos(x0) * y0**2],
        [2 * x0 + 3 * math.cos(x0) * y0**2, 6 * math.sin(x0) * y0],
    ]
    assert [[hxx, hxy], [hyx, hyy]] == [pytest.approx(r) for r in expected]


def test_hessian_vector_product():
    # f = x³ + x y² ; H = [[6x, 2y], [2y, 2x]] ; v = (1, -2)
    x, y = Value(1.2), Value(0.5)
    gx, gy = grad(x**3 + x * y * y, [x, y], create_graph=True)
    hv = grad(gx * 1.0 + gy * -2.0, [x, y])
    assert hv == pytest.approx((6 * 1.2 - 2 * 2 * 0.5, 2 * 0.5 - 2 * 2 * 1.2))


def test_backward_with_create_graph_leaves_differentiable_grads():
    x = Value(2.0)
    (x**3).backward(create_graph=True)
    assert isinstance(x.grad, Value) and x.grad.data == 12.0
    (g2,) = grad(x.grad, [x])
    assert g2 == 12.0


def test_backward_from_a_constant_result_is_a_clear_error():
    from autograd import no_grad

    with no_grad():
        y = Value(2.0) * 3
    with pytest.raises(RuntimeError, match="does not require a gradient"):
        y.backward()


def test_a_failed_backward_leaves_the_graph_usable():
    from autograd import Function

    class Broken(Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            raise ArithmeticError("boom")

    x = Value(1.0)
    s = x * x
    y = Broken.apply(s) + s
    with pytest.raises(ArithmeticError, match="boom"):
        y.backward()
    x.zero_grad()  # the failed pass may have reached x already
    (s * 3).backward()  # s was half-way through the failed pass: its bookkeeping is reset
    assert x.grad == 6.0


def test_sum_values_is_one_node_with_the_value_of_the_chain():
    from autograd import sum_values

    xs = [Value(0.1 * i) for i in range(1, 6)]
    s = sum_values(xs + [2.0])
    chain = sum(xs, Value(0.0)) + 2.0
    assert s.op == "add_n" and len(s.parents) == 6 and s.parents[-1].is_constant
    assert s.data == chain.data  # added left to right, as the chain does
    (s * s).backward()
    assert [x.grad for x in xs] == [2 * s.data] * 5


def test_sum_values_of_two_and_of_one():
    from autograd import sum_values

    a, b = Value(1.5), Value(-2.0)
    s = sum_values([a, b])
    (s * 3).backward()
    assert (s.data, a.grad, b.grad) == (-0.5, 3.0, 3.0)
    c = Value(4.0)
    t = sum_values([c])
    t.backward()
    assert (t.data, c.grad) == (4.0, 1.0)
