"""Neurons, layers and multi-layer perceptrons on scalar ``Value``s (micrograd's shape).

Every weight is its own ``Value``, so a forward pass builds a graph a learner can draw and
follow node by node. A neuron computes ``a = f(w · x + b)``; a layer is a list of neurons that
see the same inputs; an MLP is a list of layers, each fed the previous layer's outputs. The
input layer does no computation and is not counted: ``MLP(3, [2, 2, 1])`` is the house-price
network with two hidden layers of two units and one output.

The weights of a layer with ``nin`` inputs and ``nout`` neurons form the matrix
``W`` of shape ``[nout, nin]`` (row ``j`` holds neuron ``j``'s weights), which is the shape the
initialisers of :mod:`nn.init` see, so ``fan_in = nin`` and ``fan_out = nout``.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

import numpy as np

from autograd import Value, affine

from .activations import activation_name, get_activation
from .layers import Linear, Sequential, initial_weights, resolve_generator
from .module import Module

__all__ = ["MLP", "Layer", "Neuron"]

#: Default initialisation of the scalar modules: micrograd's U(-1, 1) for weights, biases 0.
DEFAULT_SCALAR_INIT = "micrograd"


def _inputs(x: Any, nin: int, who: str) -> Sequence[Any]:
    if isinstance(x, Value) or np.isscalar(x):
        x = [x]
    elif isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(
                f"{who} expects one sample: a sequence of {nin} inputs, got an array of shape "
                f"{x.shape}"
            )
        x = x.tolist()
    elif not isinstance(x, (list, tuple)):
        x = list(x)
    if len(x) != nin:
        raise ValueError(f"{who} expects {nin} inputs, got {len(x)}")
    return x


class Neuron(Module):
    """One unit: ``f(w · x + b)`` with ``nin`` weights ``w`` and a bias ``b`` (Values).

    Args:
        nin: number of inputs.
        activation: a name (``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"linear"``/None, ...; see
            :func:`nn.activations.get_activation`) or a parameter-free activation module.
        init: weight initialisation: ``"micrograd"`` (U(-1, 1), the default), a name from
            :mod:`nn.init` (``"xavier_uniform"``, ``"kaiming_normal"``, ``"zeros"``, ...), a
            number (every weight that constant) or a callable filling a numpy array in place.
        bias: initial bias (0.0).
        seed: an int or a ``numpy.random.Generator`` for the random initialisers.
    """

    def __init__(
        self, nin: int, activation: Any = "relu", init: Any = None, bias: float = 0.0,
        seed: Any = None,
    ) -> None:
        super().__init__()
        self.nin = _count(nin, "nin")
        act = get_activation(activation)
        if act.parameters() or not hasattr(act, "fn"):
            raise ValueError(
                f"a scalar Neuron needs an elementwise activation without parameters, got "
                f"{act!r} (apply softmax to a layer's list of outputs instead)"
            )
        self.activation = activation_name(act)
        self._fn = None if self.activation == "linear" else act.fn
        row = initial_weights((1, self.nin), init, resolve_generator(seed),
                              default=DEFAULT_SCALAR_INIT)[0]
        self.w = [Value(float(wi), label=f"w{i}") for i, wi in enumerate(row)]
        self.b = Value(float(bias), label="b")

    def forward(self, x: Any) -> Value:
        if type(x) is not list or len(x) != self.nin:  # the common case needs no conversion
            x = _inputs(x, self.nin, "Neuron")
        # z = Σ wᵢxᵢ + b as one node (op affine) with one rule, as the lecture notes write it
        z = affine(self.w, x, self.b)
        return z if self._fn is None else self._fn(z)

    def __repr__(self) -> str:
        return f"Neuron({self.nin}, activation={self.activation})"


class Layer(Module):
    """``nout`` neurons that all see the same ``nin`` inputs.

    Calling it returns a list of ``nout`` Values, or a single Value when ``nout == 1``. The
    weights are drawn as one ``[nout, nin]`` matrix (arguments as for :class:`Neuron`).
    """

    def __init__(
        self, nin: int, nout: int, activation: Any = "relu", init: Any = None, seed: Any = None,
    ) -> None:
        super().__init__()
        self.nin = _count(nin, "nin")
        self.nout = _count(nout, "nout")
        W = initial_weights((self.nout, self.nin), init, resolve_generator(seed),
                            default=DEFAULT_SCALAR_INIT)
        self.neurons = [Neuron(self.nin, activation, init=0.0) for _ in range(self.nout)]
        for neuron, row in zip(self.neurons, W):
            for wi, value in zip(neuron.w, row):
                wi.data = float(value)
        self.activation = self.neurons[0].activation

    def forward(self, x: Any) -> Value | list[Value]:
        if type(x) is not list or len(x) != self.nin:
            x = _inputs(x, self.nin, "Layer")
        if not all(type(xi) is Value for xi in x):  # numbers: one constant each, shared
            x = [xi if type(xi) is Value else Value.constant(xi) for xi in x]
        out = [n.forward(x) for n in self.neurons]  # forward: skips __call__'s indirection
        return out[0] if len(out) == 1 else out

    def weight_matrix(self) -> np.ndarray:
        """The current weights as the ``[nout, nin]`` array (a copy)."""
        return np.array([[w.data for w in n.w] for n in self.neurons])

    def bias_vector(self) -> np.ndarray:
        """The current biases, shape ``[nout]`` (a copy)."""
        return np.array([n.b.data for n in self.neurons])

    def __repr__(self) -> str:
        return f"Layer({self.nin} -> {self.nout}, activation={self.activation})"


class MLP(Module):
    """A multi-layer perceptron of fully connected :class:`Layer`\\ s on Values.

    ``MLP(2, [16, 16, 1])`` has two hidden layers of 16 units with ``activation`` and a
    *linear* output layer of one unit (``output_activation=None``; use ``"sigmoid"`` for a
    probability, or apply a loss that takes raw scores). All layers share one random generator
    built from ``seed``, so the same seed gives the same network.

    Calling the model on one sample (a sequence of ``nin`` numbers or Values) returns a Value
    (one output) or a list of Values; on a batch (a 2-D array or a list of samples) it returns
    a list with one such result per sample.
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: Any = "relu",
        output_activation: Any = None,
        init: Any = None,
        seed: Any = None,
    ) -> None:
        super().__init__()
        self.nin = _count(nin, "nin")
        if isinstance(nouts, int) or not len(nouts):
            raise ValueError(f"nouts must be a non-empty list of layer sizes, got {nouts!r}")
        sizes = [self.nin] + [_count(n, "layer size") for n in nouts]
        rng = resolve_generator(seed)
        last = len(nouts) - 1
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation if i < last else output_activation,
                  init=init, seed=rng)
            for i in range(len(nouts))
        ]
        self.sizes = sizes
        # What to_sequential() gives each layer: a copy of its activation module as it was
        # built (a module's parameters may change later; the neurons keep the first ones).
        self._activation_modules = tuple(
            copy.deepcopy(get_activation(spec)) for spec in (activation, output_activation))

    def forward(self, x: Any) -> Any:
        if _is_batch(x):
            return [self.forward(xi) for xi in x]
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def to_sequential(self) -> Sequential:
        """The same network as Tensor modules: a :class:`~nn.Sequential` with, per
        :class:`Layer`, a :class:`~nn.Linear` holding its ``weight_matrix()`` and
        ``bias_vector()`` (copies) followed by its activation module; a linear layer (the output
        layer unless ``output_activation`` was given) is the ``Linear`` alone, as in
        :func:`nn.mlp`. ``MLP(3, [4, 4, 1]).to_sequential()`` is
        ``Sequential(Linear(3, 4), ReLU(), Linear(4, 4), ReLU(), Linear(4, 1))``, and on a batch
        ``X`` its output equals the MLP's for every sample (to rounding).

        The lesson: the scalar network is a few matrix products. Neuron j of a layer computes
        f(w_j · x + b_j); stacking the rows w_j into W (``[nout, nin]``) and the biases into b,
        the whole layer is f(W x + b), and on a batch of samples (one per row of X) it is
        f(X Wᵀ + b): one matrix product instead of nout·nin scalar nodes per sample.
        """
        modules: list[Module] = []
        last = len(self.layers) - 1
        for i, layer in enumerate(self.layers):
            linear = Linear(layer.nin, layer.nout, init=0.0)  # a constant: draws no random numbers
            linear.load_state_dict({"weight": layer.weight_matrix(), "bias": layer.bias_vector()})
            modules.append(linear)
            if layer.activation != "linear":
                stored = getattr(self, "_activation_modules", None)
                act = (copy.deepcopy(stored[i == last]) if stored is not None
                       else get_activation(layer.activation))
                modules.append(act)
        seq = Sequential(*modules)
        seq.train(self.training)
        return seq

    def __repr__(self) -> str:
        arch = " -> ".join(map(str, self.sizes))
        hidden = self.layers[0].activation if len(self.layers) > 1 else None
        parts = [arch]
        if hidden is not None:
            parts.append(f"activation={hidden}")
        out = self.layers[-1].activation
        if out != "linear":
            parts.append(f"output_activation={out}")
        parts.append(f"{self.num_parameters()} parameters")
        return f"MLP({', '.join(parts)})"


def _is_batch(x: Any) -> bool:
    if isinstance(x, np.ndarray):
        return x.ndim == 2
    if isinstance(x, (list, tuple)) and x:
        first = x[0]
        return isinstance(first, (list, tuple, np.ndarray))
    return False


def _count(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return int(n)
