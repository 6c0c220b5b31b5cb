"""Loss functions as modules (``loss_fn = CrossEntropyLoss(); loss = loss_fn(logits, y)``),
thin wrappers over :mod:`nn.functional` with PyTorch's names."""

from __future__ import annotations

from typing import Any

from . import functional as F
from .module import Module

__all__ = [
    "BCELoss",
    "BCEWithLogitsLoss",
    "CrossEntropyLoss",
    "HingeLoss",
    "L1Loss",
    "MSELoss",
]


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F._check_reduction(reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}"


class MSELoss(_Loss):
    """Mean squared error (``half=True``: the notes' ½(ŷ − y)²); see :func:`F.mse_loss`."""

    def __init__(self, reduction: str = "mean", half: bool = False) -> None:
        super().__init__(reduction)
        self.half = bool(half)

    def forward(self, pred: Any, target: Any) -> Any:
        return F.mse_loss(pred, target, self.reduction, half=self.half)

    def extra_repr(self) -> str:
        return super().extra_repr() + (", half=True" if self.half else "")


class L1Loss(_Loss):
    """Mean absolute error; see :func:`F.l1_loss`."""

    def forward(self, pred: Any, target: Any) -> Any:
        return F.l1_loss(pred, target, self.reduction)


class BCELoss(_Loss):
    """Binary cross-entropy of probabilities; see :func:`F.binary_cross_entropy`."""

    def forward(self, pred: Any, target: Any) -> Any:
        return F.binary_cross_entropy(pred, target, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Binary cross-entropy of logits, stable; see :func:`F.binary_cross_entropy_with_logits`."""

    def forward(self, logits: Any, target: Any) -> Any:
        return F.binary_cross_entropy_with_logits(logits, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross-entropy of logits; see :func:`F.cross_entropy`."""

    def __init__(self, reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        self.label_smoothing = float(label_smoothing)

    def forward(self, logits: Any, target: Any) -> Any:
        return F.cross_entropy(logits, target, self.reduction, self.label_smoothing)


class HingeLoss(_Loss):
    """Max-margin loss with ±1 labels; see :func:`F.hinge_loss`."""

    def __init__(self, reduction: str = "mean", margin: float = 1.0) -> None:
        super().__init__(reduction)
        self.margin = float(margin)

    def forward(self, scores: Any, target: Any) -> Any:
        return F.hinge_loss(scores, target, self.reduction, self.margin)
