"""gradbook's neural-network library, built on the public API of :mod:`autograd`.

* scalar modules on ``Value`` (micrograd's shape, for teaching and drawing):
  :class:`Neuron`, :class:`Layer`, :class:`MLP`;
* Tensor modules: :class:`Linear`, :class:`Sequential`, :class:`Dropout`,
  :class:`BatchNorm1d`, :class:`Residual`, :class:`Standardize`, :func:`mlp`, and the
  activation modules;
* :class:`Module`, the base class (parameters, train/eval, state dicts, save/load);
* :class:`Perceptron`, the classic algorithm;
* submodules :mod:`nn.functional` (``F``: losses), :mod:`nn.losses`, :mod:`nn.init`,
  :mod:`nn.optim`, :mod:`nn.data`, :mod:`nn.train` (``fit``, ``evaluate``, ...) and
  :mod:`nn.onnx` (``export``: a model as an ONNX graph; needs the optional onnx package).
"""

from . import data, functional, init, losses, onnx, optim, train
from . import functional as F
from .activations import (
    ELU,
    GELU,
    DyT,
    HardSigmoid,
    HardTanh,
    Identity,
    Lambda,
    LeakyReLU,
    Maxout,
    PReLU,
    ReLU,
    Sigmoid,
    SiLU,
    Softmax,
    Softplus,
    Step,
    Swish,
    Tanh,
    get_activation,
)
from .layers import (
    BatchNorm1d,
    Dropout,
    Flatten,
    Linear,
    Residual,
    Sequential,
    Standardize,
    mlp,
)
from .losses import BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, HingeLoss, L1Loss, MSELoss
from .module import Module, StateDictError
from .perceptron import Perceptron
from .scalar import MLP, Layer, Neuron
from .train import EarlyStopping, History, accuracy, cross_validate, evaluate, fit, predict

__all__ = [
    "BCELoss", "BCEWithLogitsLoss", "BatchNorm1d", "CrossEntropyLoss", "DyT", "Dropout", "ELU",
    "EarlyStopping", "F", "Flatten", "GELU", "HardSigmoid", "HardTanh", "HingeLoss", "History",
    "Identity", "L1Loss", "Lambda", "Layer", "LeakyReLU", "Linear", "MLP", "MSELoss", "Maxout",
    "Module", "Neuron", "PReLU", "Perceptron", "ReLU", "Residual", "Sequential", "SiLU",
    "Sigmoid", "Softmax", "Softplus", "Standardize", "StateDictError", "Step", "Swish", "Tanh",
    "accuracy", "cross_validate", "data", "evaluate", "fit", "functional", "get_activation", "init",
    "losses", "mlp", "onnx", "optim", "predict", "train",
]
