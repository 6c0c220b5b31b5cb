"""Learning-rate schedulers: change each parameter group's ``lr`` as training goes on.

As in PyTorch, a scheduler is created after its optimizer (which sets epoch 0 and records each
group's ``initial_lr``), and ``scheduler.step()`` is called once per epoch *after*
``optimizer.step()``. Every scheduler here computes the rate for epoch ``t`` in closed form
from the base rate ``eta_0`` (the group's ``initial_lr``), so the sequence does not depend on
floating-point drift of repeated multiplications.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from .optimizers import Optimizer

__all__ = ["CosineAnnealingLR", "ExponentialLR", "LRScheduler", "LambdaLR", "StepLR"]


class LRScheduler:
    """Base class: subclasses define :meth:`lr_at` for epoch ``t`` and base rate ``eta_0``."""

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__} needs an nn.optim optimizer, got {type(optimizer).__name__}"
            )
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"param group {i} has no 'initial_lr': resuming with last_epoch="
                        f"{last_epoch} needs the optimizer state of a scheduled run"
                    )
        self.base_lrs: list[float] = [g["initial_lr"] for g in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._last_lr: list[float] = []
        self.step()

    def lr_at(self, epoch: int, base_lr: float, group_index: int) -> float:
        """The learning rate of a group at ``epoch`` (overridden by each scheduler)."""
        raise NotImplementedError

    def get_lr(self) -> list[float]:
        """The learning rates of all groups at the current epoch ``last_epoch``."""
        return [self.lr_at(self.last_epoch, base, i) for i, base in enumerate(self.base_lrs)]

    def step(self) -> None:
        """Advance one epoch and write the new rate into every parameter group."""
        self.last_epoch += 1
        lrs = self.get_lr()
        for group, lr in zip(self.optimizer.param_groups, lrs, strict=True):
            group["lr"] = lr
        self._last_lr = lrs

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last :meth:`step` (one per parameter group)."""
        return list(self._last_lr)

    def state_dict(self) -> dict[str, Any]:
        """Plain-data state: everything but the optimizer (and, for LambdaLR, the lambdas)."""
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state from :meth:`state_dict`."""
        self.__dict__.update(state_dict)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(last_epoch={self.last_epoch}, last_lr={self._last_lr})"


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return value


def _positive_float(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{name} must be a number > 0, got {value!r}")
    return float(value)


class StepLR(LRScheduler):
    """Decay by ``gamma`` every ``step_size`` epochs.

    ``eta_t = eta_0 * gamma ** (t // step_size)``.
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        self.step_size = _positive_int(step_size, "step_size")
        self.gamma = _positive_float(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float, group_index: int) -> float:
        return base_lr * self.gamma ** (epoch // self.step_size)


class ExponentialLR(LRScheduler):
    """Decay by ``gamma`` every epoch: ``eta_t = eta_0 * gamma ** t``."""

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = _positive_float(gamma, "gamma")
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float, group_index: int) -> float:
        return base_lr * self.gamma**epoch


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from ``eta_0`` down to ``eta_min`` over ``T_max`` epochs.

    ``eta_t = eta_min + (eta_0 - eta_min) * (1 + cos(pi * t / T_max)) / 2``: ``eta_0`` at
    ``t = 0``, ``eta_min`` at ``t = T_max``, and (without restarts) back up along the cosine
    after that, as PyTorch's closed form does.
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        self.T_max = _positive_int(T_max, "T_max")
        if isinstance(eta_min, bool) or not isinstance(eta_min, int | float) or eta_min < 0:
            raise ValueError(f"eta_min must be a number >= 0, got {eta_min!r}")
        self.eta_min = float(eta_min)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float, group_index: int) -> float:
        cosine = (1.0 + math.cos(math.pi * epoch / self.T_max)) / 2.0
        return self.eta_min + (base_lr - self.eta_min) * cosine


class LambdaLR(LRScheduler):
    """``eta_t = eta_0 * lr_lambda(t)``, with one function or one per parameter group."""

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        n_groups = len(optimizer.param_groups)
        if callable(lr_lambda):
            self.lr_lambdas = [lr_lambda] * n_groups
        else:
            lambdas = list(lr_lambda)
            if len(lambdas) != n_groups or not all(callable(f) for f in lambdas):
                raise ValueError(
                    f"lr_lambda must be a function or a list of {n_groups} functions (one per "
                    f"parameter group), got {lr_lambda!r}"
                )
            self.lr_lambdas = lambdas
        super().__init__(optimizer, last_epoch)

    def lr_at(self, epoch: int, base_lr: float, group_index: int) -> float:
        return base_lr * float(self.lr_lambdas[group_index](epoch))
