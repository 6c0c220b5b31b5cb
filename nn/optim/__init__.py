"""Optimizers, learning-rate schedulers and gradient clipping, with PyTorch's API.

>>> opt = SGD(model.parameters(), lr=0.1, momentum=0.9)        # doctest: +SKIP
>>> opt.zero_grad(); loss.backward(); opt.step()                # doctest: +SKIP

Parameter groups exclude biases from weight decay as the lecture notes' digits network does::

    SGD([{"params": weights, "weight_decay": 1e-3}, {"params": biases}], lr=0.1)

Every optimizer works on ``autograd.Value`` and ``autograd.Tensor`` parameters alike.
"""

from . import lr_scheduler
from .clip import clip_grad_norm_, clip_grad_value_
from .lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, LRScheduler, StepLR
from .optimizers import SGD, Adadelta, Adagrad, Adam, AdamW, Optimizer, RMSprop

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "CosineAnnealingLR",
    "ExponentialLR",
    "LRScheduler",
    "LambdaLR",
    "Optimizer",
    "RMSprop",
    "StepLR",
    "clip_grad_norm_",
    "clip_grad_value_",
    "lr_scheduler",
]
