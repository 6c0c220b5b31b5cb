"""Weight initialisation, with PyTorch's names, formulas and conventions.

Every ``*_`` function fills its argument *in place* and returns it. The argument is either a
``Tensor`` (its ``.data`` array is filled) or a floating-point numpy array. Random ones take an
optional ``generator`` (a ``numpy.random.Generator``); without it they draw from this module's
generator, which :func:`manual_seed` reseeds.

Fans follow the weight shape ``[n_out, n_in]`` (PyTorch's ``Linear.weight``): for a
shape ``[out, in, *k]`` the receptive field is ``r = prod(k)`` (1 for a matrix),
``fan_in = in * r`` and ``fan_out = out * r``.

Why it matters: a constant initialisation never breaks the symmetry
between hidden units (they compute and learn the same thing), and the scale must keep the
variance of activations and gradients roughly constant from layer to layer: Xavier/Glorot for
tanh/sigmoid-like units, He/Kaiming for ReLU.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

__all__ = [
    "INITIALIZERS",
    "calculate_gain",
    "constant_",
    "fan_in_and_fan_out",
    "get_initializer",
    "kaiming_normal_",
    "kaiming_uniform_",
    "manual_seed",
    "normal_",
    "ones_",
    "uniform_",
    "xavier_normal_",
    "xavier_uniform_",
    "zeros_",
]

T = TypeVar("T")

_default_generator = np.random.default_rng()


def manual_seed(seed: int) -> np.random.Generator:
    """Reseed the module's default generator (used when no ``generator`` is passed).

    Returns:
        the new default generator.
    """
    global _default_generator
    _default_generator = np.random.default_rng(seed)
    return _default_generator


def _generator(generator: np.random.Generator | None) -> np.random.Generator:
    if generator is None:
        return _default_generator
    if not isinstance(generator, np.random.Generator):
        raise TypeError(
            f"generator must be a numpy.random.Generator, got {type(generator).__name__}"
        )
    return generator


def _array_of(tensor: Any) -> np.ndarray:
    """The float array to fill: ``tensor`` itself or a Tensor's ``.data``."""
    arr = tensor if isinstance(tensor, np.ndarray) else getattr(tensor, "data", None)
    if not isinstance(arr, np.ndarray):
        raise TypeError(
            "expected a Tensor or a numpy array to initialise, got "
            f"{type(tensor).__name__}: {tensor!r:.60}"
        )
    if arr.dtype.kind != "f":
        raise TypeError(
            f"can only initialise floating-point arrays in place, got dtype {arr.dtype} "
            "(create the array with dtype=float)"
        )
    return arr


def _fill(tensor: T, values: Any) -> T:
    arr = _array_of(tensor)
    arr[...] = values
    return tensor


# --------------------------------------------------------------------------------------------
# gains and fans
# --------------------------------------------------------------------------------------------

_LINEAR_LIKE = (
    "linear",
    "identity",
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "sigmoid",
)


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (PyTorch's table).

    ======================  ======================================
    nonlinearity            gain
    ======================  ======================================
    linear, conv, sigmoid   1
    tanh                    5/3
    relu                    sqrt(2)
    leaky_relu              sqrt(2 / (1 + slope^2)), slope = ``param`` (default 0.01)
    selu                    3/4
    ======================  ======================================

    Raises:
        ValueError: for an unknown nonlinearity (listing the valid names) or a non-numeric
            leaky-ReLU slope.
    """
    name = str(nonlinearity).lower()
    if name in _LINEAR_LIKE:
        return 1.0
    if name == "tanh":
        return 5.0 / 3.0
    if name == "relu":
        return math.sqrt(2.0)
    if name == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, bool) or not isinstance(param, int | float):
            raise ValueError(f"negative_slope {param!r} is not a valid number")
        else:
            slope = float(param)
        return math.sqrt(2.0 / (1.0 + slope**2))
    if name == "selu":
        return 3.0 / 4.0
    valid = ", ".join([*_LINEAR_LIKE, "tanh", "relu", "leaky_relu", "selu"])
    raise ValueError(f"unsupported nonlinearity {nonlinearity!r}; valid names: {valid}")


def fan_in_and_fan_out(shape: Sequence[int] | Any) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of shape ``[out, in, *kernel]``.

    * 2-D ``[out, in]``: ``fan_in = in``, ``fan_out = out``;
    * n-D ``[out, in, k1, ...]``: both multiplied by the receptive field ``k1 * k2 * ...``;
    * 1-D ``[n]`` (a bias or a vector): ``fan_in = fan_out = n`` (Keras' convention; PyTorch
      refuses fewer than 2 dimensions).

    ``shape`` may also be an array or a Tensor, whose shape is used.

    Raises:
        ValueError: for a 0-D shape.
    """
    if hasattr(shape, "shape"):
        shape = shape.shape
    dims = tuple(int(d) for d in shape)
    if len(dims) == 0:
        raise ValueError("fan_in and fan_out cannot be computed for a 0-dimensional (scalar) shape")
    if len(dims) == 1:
        return dims[0], dims[0]
    receptive = math.prod(dims[2:])
    return dims[1] * receptive, dims[0] * receptive


def _fan(shape: tuple[int, ...], mode: str) -> int:
    fan_in, fan_out = fan_in_and_fan_out(shape)
    if mode == "fan_in":
        return fan_in
    if mode == "fan_out":
        return fan_out
    raise ValueError(f"mode must be 'fan_in' or 'fan_out', got {mode!r}")


# --------------------------------------------------------------------------------------------
# initialisers
# --------------------------------------------------------------------------------------------


def zeros_(tensor: T) -> T:
    """Fill with 0."""
    return _fill(tensor, 0.0)


def ones_(tensor: T) -> T:
    """Fill with 1."""
    return _fill(tensor, 1.0)


def constant_(tensor: T, val: float) -> T:
    """Fill with the constant ``val``.

    Every hidden unit then computes the same function and receives the same gradient, so they
    stay identical under gradient descent: the symmetry problem.
    """
    return _fill(tensor, float(val))


def normal_(
    tensor: T,
    mean: float = 0.0,
    std: float = 1.0,
    generator: np.random.Generator | None = None,
) -> T:
    """Fill with samples of the normal distribution ``N(mean, std^2)``."""
    if not std >= 0:
        raise ValueError(f"std must be >= 0, got {std}")
    arr = _array_of(tensor)
    return _fill(tensor, _generator(generator).normal(mean, std, size=arr.shape))


def uniform_(
    tensor: T, a: float = 0.0, b: float = 1.0, generator: np.random.Generator | None = None
) -> T:
    """Fill with samples of the uniform distribution ``U(a, b)``."""
    if not a <= b:
        raise ValueError(f"uniform_ needs a <= b, got a={a}, b={b}")
    arr = _array_of(tensor)
    return _fill(tensor, _generator(generator).uniform(a, b, size=arr.shape))


def xavier_uniform_(
    tensor: T, gain: float = 1.0, generator: np.random.Generator | None = None
) -> T:
    """Xavier/Glorot uniform: ``U(-a, a)`` with ``a = gain * sqrt(6 / (fan_in + fan_out))``.

    Its variance ``a^2 / 3 = gain^2 * 2 / (fan_in + fan_out)`` balances the forward and the
    backward pass (Glorot & Bengio, 2010).
    """
    arr = _array_of(tensor)
    fan_in, fan_out = fan_in_and_fan_out(arr.shape)
    bound = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return _fill(tensor, _generator(generator).uniform(-bound, bound, size=arr.shape))


def xavier_normal_(tensor: T, gain: float = 1.0, generator: np.random.Generator | None = None) -> T:
    """Xavier/Glorot normal: ``N(0, std^2)`` with ``std = gain * sqrt(2 / (fan_in + fan_out))``."""
    arr = _array_of(tensor)
    fan_in, fan_out = fan_in_and_fan_out(arr.shape)
    std = gain * math.sqrt(2.0 / (fan_in + fan_out))
    return _fill(tensor, _generator(generator).normal(0.0, std, size=arr.shape))


def kaiming_uniform_(
    tensor: T,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> T:
    """He/Kaiming uniform: ``U(-bound, bound)`` with ``bound = gain * sqrt(3 / fan)``.

    ``gain = calculate_gain(nonlinearity, a)`` (``a`` is the leaky-ReLU slope; the defaults
    give ``sqrt(2)``, the ReLU gain) and ``fan`` is ``fan_in`` (preserves the forward variance)
    or ``fan_out`` (the backward one). The standard deviation is ``gain / sqrt(fan)``
    (He et al., 2015).
    """
    arr = _array_of(tensor)
    fan = _fan(arr.shape, mode)
    gain = calculate_gain(nonlinearity, a)
    bound = gain * math.sqrt(3.0 / fan)
    return _fill(tensor, _generator(generator).uniform(-bound, bound, size=arr.shape))


def kaiming_normal_(
    tensor: T,
    a: float = 0.0,
    mode: str = "fan_in",
    nonlinearity: str = "leaky_relu",
    generator: np.random.Generator | None = None,
) -> T:
    """He/Kaiming normal: ``N(0, std^2)`` with ``std = gain / sqrt(fan)``.

    ``gain = calculate_gain(nonlinearity, a)``; with the defaults ``std = sqrt(2 / fan_in)``,
    He initialisation for ReLU networks.
    """
    arr = _array_of(tensor)
    fan = _fan(arr.shape, mode)
    std = calculate_gain(nonlinearity, a) / math.sqrt(fan)
    return _fill(tensor, _generator(generator).normal(0.0, std, size=arr.shape))


#: Initialiser names accepted by :func:`get_initializer` (and by layers' ``init=``).
INITIALIZERS: dict[str, Callable[..., Any]] = {
    "xavier_uniform": xavier_uniform_,
    "glorot_uniform": xavier_uniform_,
    "xavier_normal": xavier_normal_,
    "glorot_normal": xavier_normal_,
    "kaiming_uniform": kaiming_uniform_,
    "he_uniform": kaiming_uniform_,
    "kaiming_normal": kaiming_normal_,
    "he": kaiming_normal_,
    "he_normal": kaiming_normal_,
    "normal": normal_,
    "uniform": uniform_,
    "zeros": zeros_,
    "ones": ones_,
    "constant": constant_,
}


def get_initializer(name_or_callable: str | Callable[..., Any], **kwargs: Any) -> Callable:
    """The initialiser for a name (see :data:`INITIALIZERS`) or a callable, as ``f(tensor)``.

    Names are case-insensitive and may end in ``_`` (``"xavier_uniform_"``); ``"he"`` is
    ``kaiming_normal_``. Keyword arguments are bound to the function, e.g.
    ``get_initializer("constant", val=0.5)`` or ``get_initializer("normal", std=0.01)``.
    A callable is returned as is (with ``kwargs`` bound if given).

    Raises:
        ValueError: for an unknown name, listing the valid ones, or ``"constant"`` without
            ``val``.
        TypeError: for something that is neither a string nor callable.
    """
    if callable(name_or_callable):
        return functools.partial(name_or_callable, **kwargs) if kwargs else name_or_callable
    if not isinstance(name_or_callable, str):
        raise TypeError(
            "init must be a name or a callable, got "
            f"{type(name_or_callable).__name__}: {name_or_callable!r:.60}"
        )
    key = name_or_callable.lower().rstrip("_")
    if key not in INITIALIZERS:
        raise ValueError(
            f"unknown initializer {name_or_callable!r}; valid names: {', '.join(INITIALIZERS)}"
        )
    if key == "constant" and "val" not in kwargs:
        raise ValueError(
            "the 'constant' initializer needs a value: get_initializer('constant', val=0.5)"
        )
    fn = INITIALIZERS[key]
    return functools.partial(fn, **kwargs) if kwargs else fn
