"""``Function``: user-defined primitives in PyTorch's shape.

    class Square(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    y = Square.apply(x)        # x a Value or a Tensor

``forward`` runs without recording (its inside is the op's own business) and ``backward``
receives the output's gradient as a node of the output's type and returns one gradient per
input of ``forward`` (None for an input that needs none). The engine treats the result like
any registered op: ``backward()``, ``grad``, ``gradcheck`` and — when ``backward`` is written
with differentiable operations — ``create_graph=True`` all work.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .anomaly import check_forward
from .grad_mode import MODE, no_grad
from .node import Node, new_leaf, new_node


class Context:
    """What ``forward`` hands to ``backward``: ``save_for_backward(*xs)`` /
    ``saved_tensors``, ``needs_input_grad`` and any attribute you set."""

    def __init__(self, needs_input_grad: tuple[bool, ...]) -> None:
        self.needs_input_grad = needs_input_grad
        self._saved: tuple = ()

    def save_for_backward(self, *xs: Any) -> None:
        """Keep ``xs`` (inputs, outputs or constants) for ``backward``."""
        self._saved = xs

    @property
    def saved_tensors(self) -> tuple:
        """What ``save_for_backward`` kept."""
        return self._saved

    saved_values = saved_tensors


class FunctionOp:
    """The op of a Function subclass, in the form the engine reads: its node's one parameter
    is the :class:`FunctionRecord` of its call, and :meth:`input_grads` replaces the
    per-input rules of a registered op."""

    params: tuple = ()  # what a node's ``params`` shows: the record is not a parameter

    def __init__(self, cls: type[Function]) -> None:
        self.cls = cls
        self.name = cls.__name__

    def input_grads(self, node: Node, g: Any, create_graph: bool) -> list:
        """The gradient of each of the node's inputs: one call of the user's ``backward``."""
        if self.cls.backward is Function.backward:
            raise RuntimeError(
                f"{self.name} defines no backward(ctx, grad_output), so no gradient can flow "
                "through it; define one, or call it under no_grad()"
            )
        assert node._params is not None  # a Function's node always holds its record
        (record,) = node._params
        ctx, arg_is_node = record.ctx, record.arg_is_node
        g_node = g if isinstance(g, Node) else type(node).lift(g)
        grads = self.cls.backward(ctx, g_node)
        if not isinstance(grads, tuple):
            grads = (grads,)
        if len(grads) != len(arg_is_node):
            raise RuntimeError(
                f"{self.name}.backward returned {len(grads)} gradient(s) but forward took "
                f"{len(arg_is_node)} input(s)"
            )
        out = []
        for is_node, gi in zip(arg_is_node, grads):
            if not is_node:
                continue
            if gi is None or create_graph:
                out.append(gi)
            else:
                out.append(gi.data if isinstance(gi, Node) else gi)
        return out

    def __repr__(self) -> str:
        return f"FunctionOp({self.name!r})"


class FunctionRecord:
    """What a Function node keeps: the context and which forward arguments were nodes."""

    __slots__ = ("ctx", "arg_is_node")

    def __init__(self, ctx: Context, arg_is_node: tuple[bool, ...]) -> None:
        self.ctx = ctx
        self.arg_is_node = arg_is_node


class Function:
    """Base class of user-defined differentiable operations (see the module docstring)."""

    _op: FunctionOp | None = None

    @staticmethod
    def forward(ctx: Context, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("a Function subclass defines forward(ctx, *inputs)")

    @staticmethod
    def backward(ctx: Context, grad_output: Any) -> Any:
        raise NotImplementedError("a Function subclass defines backward(ctx, grad_output)")

    @classmethod
    def jvp(cls, ctx: Context, *tangents: Any) -> Any:
        """Forward-mode rule; by default derived from ``backward`` for scalar outputs."""
        raise NotImplementedError

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run ``forward`` and record the result as one op whose derivative is ``backward``."""
        if cls.__dict__.get("_op") is None:
            cls._op = FunctionOp(cls)
        nodes = tuple(a for a in args if isinstance(a, Node))
        if not nodes:
            raise TypeError(f"{cls.__name__}.apply needs at least one Value or Tensor input")
        kinds = {type(n).__name__ for n in nodes}
        if len(kinds) > 1:
            raise TypeError(f"{cls.__name__}.apply got a mix of {sorted(kinds)} inputs")
        ctx = Context(tuple(isinstance(a, Node) and a.requires_grad for a in args))
        with no_grad():
            out = cls.forward(ctx, *args, **kwargs)
        out_type = type(nodes[0])
        data = out.data if isinstance(out, Node) else out
        if out_type._is_tensor:
            data = np.asarray(data)
            if data.dtype.kind != "f":
                data = data.astype(np.float64)
        else:
            data = float(data)
        if MODE.anomaly:
            check_forward(data, cls._op, nodes, None)
        if MODE.grad_enabled and any(n.requires_grad for n in nodes):
            record = FunctionRecord(ctx, tuple(isinstance(a, Node) for a in args))
            return new_node(out_type, data, op=cls._op, parents=nodes, params=(record,))
        return new_leaf(out_type, data)



