"""Layers on ``Tensor``s: ``Linear``, ``Sequential``, ``Dropout``, ``BatchNorm1d``, ``Residual``,
``Standardize`` and the :func:`mlp` helper.

Inputs are batches: a Tensor (or array) of shape ``(N, features)``, one sample per row. A
``Linear`` layer stores its weight as the lecture notes write it, ``W`` of shape ``[out, in]``, and
computes ``x @ W.T + b`` on the batch, i.e. ``z = W a + b`` for every sample ``a``.
"""

from __future__ import annotations

import inspect
import math
import numbers
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import numpy as np

import autograd

from . import init as _init
from .activations import get_activation
from .module import Module

__all__ = [
    "BatchNorm1d",
    "Dropout",
    "Flatten",
    "Linear",
    "Residual",
    "Sequential",
    "Standardize",
    "dropout",
    "initial_weights",
    "mlp",
    "resolve_generator",
]


# -- initialisation helpers shared with the scalar modules --------------------------------------


def resolve_generator(seed: Any) -> np.random.Generator | None:
    """``None`` (use :mod:`nn.init`'s default generator, reseeded by ``nn.init.manual_seed``),
    a ``numpy.random.Generator`` (used as is) or a new generator from an int seed."""
    if seed is None or isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"seed must be an int, a numpy Generator or None, got {seed!r}")
    return np.random.default_rng(int(seed))


def _accepts_generator(fn: Callable[..., Any]) -> bool:
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return False
    return "generator" in sig.parameters or any(
        p.kind is p.VAR_KEYWORD for p in sig.parameters.values()
    )


def initial_weights(
    shape: tuple[int, ...], init: Any, generator: np.random.Generator | None, default: Any,
) -> np.ndarray:
    """A float64 array of ``shape`` filled by ``init``.

    ``init`` is None (use ``default``), a number (that constant everywhere), ``"micrograd"``
    (U(-1, 1)), ``"pytorch"`` (U(±1/√fan_in), PyTorch's ``Linear`` default), any name of
    :data:`nn.init.INITIALIZERS`, or a callable filling an array in place (it receives
    ``generator=`` when it accepts one).
    """
    init = default if init is None else init
    arr = np.zeros(shape, dtype=np.float64)
    if isinstance(init, numbers.Real) and not isinstance(init, bool):
        arr[...] = float(init)
        return arr
    if isinstance(init, str) and init.lower() == "micrograd":
        return _init.uniform_(arr, -1.0, 1.0, generator=generator)
    if isinstance(init, str) and init.lower() == "pytorch":
        bound = 1.0 / math.sqrt(_init.fan_in_and_fan_out(shape)[0])
        return _init.uniform_(arr, -bound, bound, generator=generator)
    fn = _init.get_initializer(init)
    if _accepts_generator(fn):
        fn(arr, generator=generator)
    else:
        fn(arr)
    return arr


def _param(array: np.ndarray) -> Any:
    return autograd.Tensor(array, requires_grad=True)


def _as_tensor(x: Any) -> Any:
    if isinstance(x, autograd.Tensor):
        return x
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"expected a Tensor or a numeric array, got dtype {arr.dtype}")
    return autograd.as_tensor(arr.astype(np.float64, copy=False))  # no copy of a float64 batch


# -- Linear ------------------------------------------------------------------------------------


class Linear(Module):
    """A fully connected layer: ``y = x @ W.T + b`` with ``weight`` ``W`` of shape
    ``[out_features, in_features]`` and ``bias`` ``b`` of shape ``[out_features]``.

    Args:
        in_features, out_features: sizes.
        bias: whether to add a bias.
        init: the weight initialisation. None (the default) is PyTorch's: U(±1/√in_features)
            for the weight (``kaiming_uniform_`` with ``a=√5``) and for the bias. Otherwise a
            name of :mod:`nn.init` (``"kaiming_normal"`` for ReLU, ``"xavier_uniform"`` for
            tanh/sigmoid, ...), a number (constant weights) or a callable ``f(array)``; the
            bias then starts at 0.
        seed: an int or ``numpy.random.Generator``; None draws from :mod:`nn.init`'s default
            generator (see ``nn.init.manual_seed``).
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, init: Any = None,
        seed: Any = None,
    ) -> None:
        super().__init__()
        self.in_features = _positive_int(in_features, "in_features")
        self.out_features = _positive_int(out_features, "out_features")
        gen = resolve_generator(seed)
        shape = (self.out_features, self.in_features)
        self.weight = _param(initial_weights(shape, init, gen, default="pytorch"))
        self.bias = None
        if bias:
            if init is None:
                b = initial_weights((self.out_features,), None, gen, default="zeros")
                bound = 1.0 / math.sqrt(self.in_features)
                _init.uniform_(b, -bound, bound, generator=gen)
            else:
                b = np.zeros(self.out_features)
            self.bias = _param(b)

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x)
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"Linear({self.in_features} -> {self.out_features}) expects inputs whose last "
                f"axis has {self.in_features} features, got shape {tuple(x.shape)}"
            )
        y = x @ self.weight.T
        return y if self.bias is None else y + self.bias

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


# -- containers ----------------------------------------------------------------------------------


class Sequential(Module):
    """Modules applied one after the other: ``Sequential(Linear(2, 8), ReLU(), Linear(8, 1))``.

    Indexable (``seq[0]``, ``seq[-1]``, slices give a new Sequential sharing the modules),
    iterable and sized, as in PyTorch. Parameter names start with the position:
    ``0.weight``, ``0.bias``, ``2.weight``, ...
    """

    def __init__(self, *modules: Module) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], (list, tuple)):
            modules = tuple(modules[0])
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"Sequential item {i} is a {type(m).__name__}, not a Module")
        self._layers: list[Module] = list(modules)

    def _items(self) -> Iterator[tuple[str, Any]]:
        for i, m in enumerate(self._layers):
            yield str(i), m

    def forward(self, x: Any) -> Any:
        for m in self._layers:
            x = m(x)
        return x

    def append(self, module: Module) -> Sequential:
        """Add a module at the end; returns self."""
        if not isinstance(module, Module):
            raise TypeError(f"can only append a Module, got a {type(module).__name__}")
        self._layers.append(module)
        return self

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            out = Sequential(*self._layers[index])
            out.train(self.training)
            return out
        return self._layers[index]

    def __len__(self) -> int:
        return len(self._layers)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._layers)

    def extra_repr(self) -> str:
        sizes = _layer_sizes(self)
        arch = " -> ".join(map(str, sizes)) + "; " if sizes else ""
        return f"{arch}{self.num_parameters():,} parameters"


def _layer_sizes(seq: Sequential) -> list[int]:
    sizes: list[int] = []
    for m in seq:
        if isinstance(m, Linear):
            if not sizes:
                sizes.append(m.in_features)
            sizes.append(m.out_features)
    return sizes


class Residual(Module):
    """A residual (skip) connection: ``x + f(x)`` for a module ``f`` that keeps the shape. The
    identity path lets gradients reach early layers undiminished (the classic remedy for
    vanishing gradients)."""

    def __init__(self, module: Module) -> None:
        super().__init__()
        if not isinstance(module, Module):
            raise TypeError(f"Residual wraps a Module, got a {type(module).__name__}")
        self.fn = module

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x)
        fx = self.fn(x)
        if tuple(fx.shape) != tuple(x.shape):
            raise ValueError(
                f"Residual needs f(x) to keep the shape of x: x has shape {tuple(x.shape)}, "
                f"f(x) has shape {tuple(fx.shape)}"
            )
        return x + fx


class Flatten(Module):
    """Reshape ``(N, d1, d2, ...)`` to ``(N, d1 * d2 * ...)`` (images to vectors)."""

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x)
        return x.reshape((x.shape[0], -1))


# -- Dropout ---------------------------------------------------------------------------------


def dropout(
    x: Any, p: float = 0.5, training: bool = True, generator: Any = None, noise: Any = None,
) -> Any:
    """Inverted dropout of a Tensor, a Value or a list of Values.

    In training, a uniform number ``u`` in [0, 1) is drawn per element (or taken from
    ``noise``); the element is dropped (set to 0) when ``u < p`` and kept otherwise, and kept
    elements are divided by the keep probability ``1 − p`` so that the expected output equals
    the input and nothing needs rescaling at test time. Out of training it is the identity.

    The lecture notes' dropout example: ``a = [12.241, 47.549]``,
    ``noise = [0.38298, 0.78923]``, ``p = 0.5`` gives the mask ``[0, 1]`` and the output
    ``[0, 47.549 / 0.5] = [0, 95.098]``.
    """
    p = _probability(p)
    if not training or p == 0.0:
        return x
    is_list = isinstance(x, (list, tuple))
    shape = (len(x),) if is_list else tuple(np.shape(x.data if hasattr(x, "data") else x))
    if noise is None:
        rng = resolve_generator(generator)
        noise = (rng if rng is not None else np.random.default_rng()).random(shape)
    noise = np.asarray(noise, dtype=np.float64)
    if noise.shape != shape:
        raise ValueError(f"dropout noise has shape {noise.shape}, the input has shape {shape}")
    keep = noise >= p
    scale = np.where(keep, 1.0 / (1.0 - p), 0.0) if p < 1.0 else np.zeros(shape)
    if is_list:
        return [xi * float(s) for xi, s in zip(x, scale)]
    if isinstance(x, autograd.Value):
        return x * float(scale)
    return _as_tensor(x) * autograd.Tensor(scale)


class Dropout(Module):
    """Inverted dropout with drop probability ``p`` (see :func:`dropout`); the identity in
    evaluation mode (``model.eval()``). ``seed`` seeds the layer's own generator, so the
    sequence of masks is reproducible. ``last_mask`` holds the most recent mask (1 kept,
    0 dropped) for teaching."""

    def __init__(self, p: float = 0.5, seed: Any = None) -> None:
        super().__init__()
        self.p = _probability(p)
        self._rng = (seed if isinstance(seed, np.random.Generator)
                     else np.random.default_rng(seed))
        self.last_mask: np.ndarray | None = None

    def forward(self, x: Any) -> Any:
        if not self.training or self.p == 0.0:
            return x
        shape = ((len(x),) if isinstance(x, (list, tuple))
                 else tuple(np.shape(x.data if hasattr(x, "data") else x)))
        noise = self._rng.random(shape)
        self.last_mask = (noise >= self.p).astype(np.float64)
        return dropout(x, self.p, True, noise=noise)

    def extra_repr(self) -> str:
        return f"p={self.p}"


def _probability(p: Any) -> float:
    if isinstance(p, bool) or not isinstance(p, numbers.Real) or not 0.0 <= float(p) <= 1.0:
        raise ValueError(f"dropout probability must be a number in [0, 1], got {p!r}")
    return float(p)


# -- BatchNorm1d -------------------------------------------------------------------------------


class BatchNorm1d(Module):
    """Batch normalisation over the batch axis of ``(N, C)`` inputs, PyTorch's conventions.

    Training: ``y = γ · (x − μ_B) / √(σ²_B + eps) + β`` with the batch mean μ_B and the
    *biased* batch variance σ²_B; the running estimates are updated as
    ``running = (1 − momentum) · running + momentum · batch_statistic``, using the *unbiased*
    variance (× N / (N − 1)) for ``running_var``. Evaluation: the running statistics replace
    the batch ones, so a sample's output does not depend on the rest of its batch.

    ``weight`` γ (ones) and ``bias`` β (zeros) are learnable when ``affine``; ``running_mean``,
    ``running_var`` and ``num_batches_tracked`` are buffers (saved, not trained).
    """

    # set by register_buffer, so declared here for type checkers
    running_mean: np.ndarray
    running_var: np.ndarray
    num_batches_tracked: np.ndarray

    def __init__(
        self, num_features: int, eps: float = 1e-5, momentum: float = 0.1, affine: bool = True,
    ) -> None:
        super().__init__()
        self.num_features = _positive_int(num_features, "num_features")
        self.eps = float(eps)
        self.momentum = float(momentum)
        self.weight = _param(np.ones(self.num_features)) if affine else None
        self.bias = _param(np.zeros(self.num_features)) if affine else None
        self.register_buffer("running_mean", np.zeros(self.num_features))
        self.register_buffer("running_var", np.ones(self.num_features))
        self.register_buffer("num_batches_tracked", np.array(0, dtype=np.int64))

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x)
        if x.ndim != 2 or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d({self.num_features}) expects inputs of shape (N, "
                f"{self.num_features}), got {tuple(x.shape)}"
            )
        if self.training:
            n = x.shape[0]
            if n < 2:
                raise ValueError(
                    "BatchNorm1d needs more than one sample per batch in training mode "
                    f"(got a batch of {n}); use eval() for single samples, or drop a last "
                    "batch of one with DataLoader(..., drop_last=True)"
                )
            mean = x.mean(axis=0, keepdims=True)
            centred = x - mean
            var = (centred * centred).mean(axis=0, keepdims=True)
            m = self.momentum
            batch_mean = mean.data.reshape(-1)
            batch_var = var.data.reshape(-1) * n / (n - 1)
            self.running_mean = (1 - m) * self.running_mean + m * batch_mean
            self.running_var = (1 - m) * self.running_var + m * batch_var
            self.num_batches_tracked = self.num_batches_tracked + 1
            xhat = centred / (var + self.eps).sqrt()
        else:
            rm = autograd.Tensor(self.running_mean)
            rs = autograd.Tensor(np.sqrt(self.running_var + self.eps))
            xhat = (x - rm) / rs
        if self.weight is not None:
            xhat = xhat * self.weight + self.bias
        return xhat

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.weight is not None}")


# -- Standardize -------------------------------------------------------------------------------


class Standardize(Module):
    """Feature standardisation as a layer: ``y = (x − mean) / std``, feature by feature.

    ``mean`` and ``std`` (one number per feature, the last axis of the input) are buffers:
    saved in the state dict (``mean``, ``std``) and loaded with it, never trained. Put it in
    front of a model trained on standardised inputs, ``Sequential(Standardize(mean, std),
    model)``, and the whole takes the raw feature rows (and exports to ONNX as one graph).
    :meth:`from_standardizer` takes the statistics of a fitted
    :class:`nn.data.Standardizer`.

    Args:
        mean: the per-feature means, a 1-D array of finite numbers.
        std: the per-feature deviations, as many as ``mean``, finite and positive.
    """

    # set by register_buffer, so declared here for type checkers
    mean: np.ndarray
    std: np.ndarray

    def __init__(self, mean: Any, std: Any) -> None:
        super().__init__()
        arrays = []
        for name, value in (("mean", mean), ("std", std)):
            arr = np.asarray(value.data if isinstance(value, autograd.Tensor) else value)
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"Standardize: {name} must be numeric, got dtype {arr.dtype}")
            arr = arr.astype(np.float64)
            if arr.ndim != 1 or arr.size == 0:
                raise ValueError(f"Standardize: {name} must be a non-empty 1-D array (one number "
                                 f"per feature), got shape {arr.shape}")
            if not np.all(np.isfinite(arr)):
                raise ValueError(f"Standardize: {name} must be finite")
            arrays.append(arr)
        mean_arr, std_arr = arrays
        if mean_arr.shape != std_arr.shape:
            raise ValueError(f"Standardize: mean has {mean_arr.size} features but std has "
                             f"{std_arr.size}")
        if not np.all(std_arr > 0):
            raise ValueError("Standardize: std must be positive")
        self.num_features = int(mean_arr.size)
        self.register_buffer("mean", mean_arr)
        self.register_buffer("std", std_arr)

    @classmethod
    def from_standardizer(cls, standardizer: Any) -> Standardize:
        """The layer computing ``standardizer.transform``: a fitted
        :class:`nn.data.Standardizer`'s ``mean_`` and ``std_`` (of 1-D features)."""
        mean = getattr(standardizer, "mean_", None)
        std = getattr(standardizer, "std_", None)
        if mean is None or std is None:
            raise ValueError("Standardize.from_standardizer needs a fitted Standardizer "
                             "(call fit(X_train) first)")
        return cls(mean, std)

    def forward(self, x: Any) -> Any:
        x = _as_tensor(x)
        if x.ndim == 0 or x.shape[-1] != self.num_features:
            raise ValueError(
                f"Standardize({self.num_features}) expects inputs whose last axis has "
                f"{self.num_features} features, got shape {tuple(x.shape)}"
            )
        return (x - autograd.Tensor(self.mean)) / autograd.Tensor(self.std)

    def extra_repr(self) -> str:
        return f"{self.num_features}"


# -- the mlp() helper ---------------------------------------------------------------------------


def mlp(
    sizes: Sequence[int],
    activation: Any = "relu",
    dropout: float | Sequence[float] | None = None,
    batchnorm: bool = False,
    output_activation: Any = None,
    init: Any = None,
    seed: Any = None,
) -> Sequential:
    """A fully connected network as a :class:`Sequential`.

    ``mlp([784, 256, 256, 10], dropout=[0.2, 0.5])`` is the lecture notes' digits network: each
    hidden layer is ``Linear → [BatchNorm1d] → activation → [Dropout(p)]`` and the output layer is a
    ``Linear`` (followed by ``output_activation`` if given; leave it None when the loss takes
    logits, as ``cross_entropy`` does). ``dropout`` is one probability for every hidden layer
    or a list with one per hidden layer. ``seed`` makes weights and dropout masks reproducible.
    """
    sizes = [_positive_int(s, "layer size") for s in sizes]
    if len(sizes) < 2:
        raise ValueError(f"mlp needs at least an input and an output size, got {sizes}")
    n_hidden = len(sizes) - 2
    if dropout is None:
        drops: list[float | None] = [None] * n_hidden
    # float as well as numbers.Real: mypy does not count float as a Real, so narrows only by it
    elif isinstance(dropout, (float, numbers.Real)):
        drops = [float(dropout)] * n_hidden
    else:
        drops = list(dropout)
        if len(drops) != n_hidden:
            raise ValueError(
                f"dropout has {len(drops)} probabilities but the network has {n_hidden} hidden "
                "layers; give one per hidden layer (or a single number)"
            )
    gen = resolve_generator(seed)
    layers: list[Module] = []
    for i in range(len(sizes) - 1):
        layers.append(Linear(sizes[i], sizes[i + 1], init=init, seed=gen))
        if i < n_hidden:
            if batchnorm:
                layers.append(BatchNorm1d(sizes[i + 1]))
            layers.append(get_activation(activation))
            p = drops[i]
            if p:
                layers.append(Dropout(p, seed=gen))
    if output_activation is not None:
        layers.append(get_activation(output_activation))
    return Sequential(*layers)


def _positive_int(n: Any, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"{what} must be a positive integer, got {n!r}")
    return int(n)
