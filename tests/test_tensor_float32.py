"""autograd.Tensor in float32: a training step keeps every node and gradient float32, and the
constructors and arithmetic follow numpy's promotion rules."""

from __future__ import annotations

import numpy as np

from autograd import Tensor, concatenate, topological_order


def test_float32_training_step_end_to_end():
    rng = np.random.default_rng(12)
    x = Tensor(rng.standard_normal((8, 5)).astype(np.float32))
    w1 = Tensor(rng.standard_normal((5, 6)), requires_grad=True, dtype=np.float32)
    b1 = Tensor(np.zeros(6), requires_grad=True, dtype=np.float32)
    w2 = Tensor(rng.standard_normal((6, 3)), requires_grad=True).float32()
    onehot = np.eye(3, dtype=np.float32)[rng.integers(0, 3, 8)]
    h = (x @ w1 + b1).relu() * 0.5 + 1
    logits = concatenate([h, h.gelu()], axis=1)[:, :6] @ w2
    loss = -(onehot * logits.log_softmax()).sum(axis=1).mean() + 1e-3 * (w1**2).sum()
    loss.backward()
    assert loss.dtype == np.float32
    # the float64 leaf behind .float32() receives a float64 gradient; everything else is float32
    w2_source = w2.parents[0]
    assert w2_source.dtype == np.float64 and w2_source.grad.dtype == np.float64
    nodes = [n for n in topological_order(loss) if n is not w2_source]
    assert len(nodes) > 20
    assert all(n.dtype == np.float32 for n in nodes)
    assert all(n.grad.dtype == np.float32 for n in nodes if n.grad is not None)
    assert w1.grad.dtype == b1.grad.dtype == np.float32
    # an optimizer step in place keeps the dtype
    w1.data -= 0.1 * w1.grad
    assert w1.dtype == np.float32


def test_float32_constructors():
    assert Tensor([1, 2]).dtype == np.float64
    assert Tensor(np.ones(2, np.float32)).dtype == np.float32
    assert Tensor([1.0], dtype=np.float32).dtype == np.float32
    assert Tensor(np.ones(2)).float32().dtype == np.float32
    assert Tensor(np.ones(2, np.int64)).dtype == np.float64
    x = Tensor(np.ones(3, np.float32))
    assert (x + 1).dtype == (2.5 * x).dtype == (x**2).dtype == (2**x).dtype == np.float32
    assert (x @ x).dtype == np.float32
    # numpy's promotion with a float64 array
    assert (x + np.ones(3)).dtype == np.float64
    assert (x @ Tensor(np.ones(3))).dtype == np.float64
