"""autograd.Tensor's array-like attributes (shape, ndim, T, item, repr...) and its data
ownership: Tensor(...) copies, as_tensor shares, as in PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from autograd import Tensor


def test_array_like_attributes():
    data = np.arange(6.0).reshape(2, 3)
    t = Tensor(data, requires_grad=True, label="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and t.dtype == np.float64
    assert len(t) == 2 and t.T.shape == (3, 2)
    assert t.numpy() is t.data
    assert Tensor([[2.5]]).item() == 2.5
    with pytest.raises(ValueError, match="one-element"):
        t.item()
    with pytest.raises(TypeError):
        len(Tensor(1.0))
    r = repr(t)
    assert r.startswith("Tensor(") and "requires_grad=True" in r and "'w'" in r
    assert "float32" in repr(Tensor([1.0], dtype=np.float32))
    assert "op='mul'" in repr(t * 2)
    np.testing.assert_array_equal(t > 2, data > 2)
    y = t * 2
    assert t.op == "" and t.is_leaf and y.op == "mul" and y.parents[0] is t


def test_tensor_copies_its_data_but_as_tensor_shares_it():
    from autograd import as_tensor

    arr = np.array([1.0, 2.0])
    t = Tensor(arr, requires_grad=True)
    arr[0] = 99.0
    assert t.data[0] == 1.0  # Tensor(...) owns a copy, as torch.tensor does
    c = as_tensor(arr)
    assert c.data is arr and c.is_constant and not c.requires_grad  # as torch.as_tensor
