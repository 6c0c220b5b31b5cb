"""Optimizers: the :class:`Optimizer` base class (parameter groups, state, ``zero_grad``,
``step``, ``state_dict``) and SGD, Adagrad, RMSprop, Adadelta, Adam and AdamW with PyTorch's
update rules, argument names and defaults.

Parameters are ``autograd.Value`` (``.data`` a float) or ``autograd.Tensor`` with
``requires_grad=True`` (``.data`` a numpy array, updated in place). Per-parameter state
(momentum buffers, running averages) has the parameter's kind: a float for a Value, an array
of the parameter's shape and dtype for a Tensor. Parameters whose ``.grad`` is None are skipped.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any

import numpy as np

from autograd import Tensor, Value, enable_grad

__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Optimizer",
    "Param",
    "ParamState",
    "RMSprop",
]

Param = Value | Tensor
Scalar = float | np.ndarray  # a parameter's data, gradient or state entry

# group keys that are not hyper-parameters but are allowed in a group
_EXTRA_GROUP_KEYS = ("params", "initial_lr", "name")


# --------------------------------------------------------------------------------------------
# helpers shared by the optimizers: the same update code runs on floats and on arrays
# --------------------------------------------------------------------------------------------


def _is_param(obj: Any) -> bool:
    return isinstance(obj, Value | Tensor)


def _describe(obj: Any) -> str:
    text = repr(obj)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{type(obj).__name__} {text}"


def grad_of(p: Param) -> Scalar | None:
    """The gradient of ``p`` as a float (Value) or an ndarray of ``p``'s shape (Tensor).

    None when no gradient reached a Tensor. A gradient that is itself a graph node (after
    ``backward(create_graph=True)``) is read through its ``.data``.
    """
    g = p.grad
    if g is None:
        return None
    if _is_param(g):
        g = g.data
    if isinstance(p, Value):
        return float(g)
    g = np.asarray(g)
    if g.shape != p.data.shape:
        raise ValueError(
            f"gradient of shape {g.shape} does not match its parameter of shape {p.data.shape}"
        )
    return g


def zeros_like(p: Param, fill: float = 0.0) -> Scalar:
    """A state entry for ``p`` filled with ``fill``: a float or an array like ``p.data``."""
    if isinstance(p, Value):
        return float(fill)
    return np.full_like(p.data, fill)


def clone(x: Scalar) -> Scalar:
    """A copy that does not alias ``x`` (arrays are copied; floats are immutable)."""
    return x.copy() if isinstance(x, np.ndarray) else float(x)


def sqrt(x: Scalar) -> Scalar:
    """Square root of a float (``math.sqrt``) or an array (``np.sqrt``), both exactly rounded."""
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


def maximum(a: Scalar, b: Scalar) -> Scalar:
    """Element-wise maximum of two floats or two arrays."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.maximum(a, b)
    return max(a, b)


def sub_(p: Param, delta: Scalar) -> None:
    """``p.data -= delta``: rebinds a Value's float, updates a Tensor's array in place."""
    if isinstance(p, Value):
        p.data = float(p.data - delta)
    else:
        p.data -= delta


def mul_(p: Param, factor: float) -> None:
    """``p.data *= factor`` (in place for a Tensor)."""
    if isinstance(p, Value):
        p.data = float(p.data * factor)
    else:
        p.data *= factor


def check_number(
    group: dict[str, Any],
    key: str,
    low: float | None = 0.0,
    high: float | None = None,
    high_inclusive: bool = True,
    label: str | None = None,
) -> None:
    """Raise a clear error unless ``low <= group[key] <= high`` (``< high`` if not inclusive)."""
    value = group[key]
    name = label or key
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    value = float(value)
    ok = not math.isnan(value)
    if low is not None:
        ok = ok and value >= low
    if high is not None:
        ok = ok and (value <= high if high_inclusive else value < high)
    if not ok:
        closing = "]" if high_inclusive else ")"
        rule = f">= {low}" if high is None else f"in [{low}, {high}{closing}"
        raise ValueError(f"Invalid {name}: {value!r} (must be {rule})")


# --------------------------------------------------------------------------------------------
# state keyed by parameter identity
# --------------------------------------------------------------------------------------------


class ParamState(MutableMapping):
    """``optimizer.state[p]``: a dict of per-parameter state, keyed by the parameter object.

    Keys compare by identity (Values compare their data with ``==``, so an ordinary dict or
    ``in`` test could confuse two parameters holding equal numbers). Reading a missing
    parameter creates its empty state, as PyTorch's ``defaultdict(dict)`` does.
    """

    def __init__(self) -> None:
        self._entries: dict[int, tuple[Param, dict[str, Any]]] = {}

    def __getitem__(self, p: Param) -> dict[str, Any]:
        entry = self._entries.get(id(p))
        if entry is None:
            entry = self._entries[id(p)] = (p, {})
        return entry[1]

    def __setitem__(self, p: Param, state: dict[str, Any]) -> None:
        self._entries[id(p)] = (p, state)

    def __delitem__(self, p: Param) -> None:
        del self._entries[id(p)]

    def __contains__(self, p: object) -> bool:
        return id(p) in self._entries

    def __iter__(self) -> Iterator[Param]:
        return (p for p, _ in list(self._entries.values()))

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"ParamState({len(self)} parameters)"


# --------------------------------------------------------------------------------------------
# the base class
# --------------------------------------------------------------------------------------------


class Optimizer:
    """Base class of the optimizers, with PyTorch's parameter groups.

    ``params`` is an iterable of parameters, or of dicts each holding ``"params"`` and any
    per-group options (e.g. ``{"params": biases, "weight_decay": 0}`` to exclude biases from
    weight decay). Options missing from a group take the optimizer's defaults.

    Subclasses set their defaults, check a group's options in :meth:`_check_group` and update
    one parameter in :meth:`_update`.
    """

    def __init__(self, params: Any, defaults: dict[str, Any]) -> None:
        self.defaults = dict(defaults)
        self.state = ParamState()
        self.param_groups: list[dict[str, Any]] = []
        groups = self._as_groups(params)
        for group in groups:
            self.add_param_group(group)
        if not any(g["params"] for g in self.param_groups):
            raise ValueError("optimizer got an empty parameter list")

    # -- groups ------------------------------------------------------------------------------
    @staticmethod
    def _as_groups(params: Any) -> list[dict[str, Any]]:
        if _is_param(params):
            raise TypeError(
                "params must be an iterable of parameters or of parameter-group dicts, got a "
                f"single {type(params).__name__}; wrap it in a list: [p]"
            )
        if isinstance(params, dict):
            raise TypeError(
                "params must be an iterable of parameters or of parameter-group dicts, got a "
                "dict; wrap a single group in a list: [{'params': ...}]"
            )
        if isinstance(params, str) or not isinstance(params, Iterable):
            raise TypeError(
                "params must be an iterable of parameters or of parameter-group dicts, got "
                f"{_describe(params)}"
            )
        items = list(params)
        if not items:
            raise ValueError("optimizer got an empty parameter list")
        if all(isinstance(item, dict) for item in items):
            return items
        if any(isinstance(item, dict) for item in items):
            raise TypeError(
                "params mixes parameters and parameter-group dicts; use one or the other"
            )
        return [{"params": items}]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters (with optional per-group options) to optimise.

        Useful to unfreeze layers while training. Missing options take the defaults; unknown
        options, parameters that are not Values/Tensors, Tensors without ``requires_grad`` and
        parameters already in another group are errors.
        """
        if not isinstance(param_group, dict):
            raise TypeError(f"a parameter group must be a dict, got {_describe(param_group)}")
        if "params" not in param_group:
            raise ValueError("a parameter group needs a 'params' entry")
        gi = len(self.param_groups)
        unknown = sorted(set(param_group) - set(self.defaults) - set(_EXTRA_GROUP_KEYS))
        if unknown:
            raise ValueError(
                f"parameter group {gi} has unknown option(s) {', '.join(map(repr, unknown))} for "
                f"{type(self).__name__}; valid options: {', '.join(sorted(self.defaults))}"
            )
        params = param_group["params"]
        if _is_param(params):
            params = [params]
        elif isinstance(params, set | frozenset):
            raise TypeError(
                "parameters must be given in an ordered collection (a list), not a set: the "
                "order must be the same from run to run"
            )
        else:
            params = list(params)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        for i, p in enumerate(params):
            if not _is_param(p):
                raise TypeError(
                    "optimizers update autograd.Value or autograd.Tensor parameters, but "
                    f"parameter {i} of group {gi} is a {_describe(p)}"
                )
            if not p.requires_grad:
                raise ValueError(
                    f"parameter {i} of group {gi} ({_describe(p)}) has requires_grad=False, so it "
                    "would never receive a gradient; create it with requires_grad=True or leave "
                    "it out"
                )
            if id(p) in seen:
                raise ValueError(
                    f"parameter {i} of group {gi} appears more than once in the optimizer's "
                    "parameter groups"
                )
            seen.add(id(p))
        group = dict(param_group)
        group["params"] = params
        for key, value in self.defaults.items():
            group.setdefault(key, value)
        self._check_group(group)
        self.param_groups.append(group)

    def _check_group(self, group: dict[str, Any]) -> None:
        """Validate a group's options: ``lr`` always, and ``weight_decay`` and ``eps`` for the
        optimizers that have them (every optimizer here but SGD has ``eps``)."""
        check_number(group, "lr", label="learning rate")
        if "weight_decay" in group:
            check_number(group, "weight_decay", label="weight_decay value")
        if "eps" in group:
            check_number(group, "eps", label="epsilon value")

    # -- gradients ---------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters before the next backward pass.

        A Value's grad becomes 0.0; a Tensor's grad becomes None (``set_to_none=True``, as in
        PyTorch, which also makes :meth:`step` skip tensors no gradient reached) or zeros.
        """
        for group in self.param_groups:
            for p in group["params"]:
                if isinstance(p, Value):
                    p.grad = 0.0
                elif set_to_none:
                    p.grad = None
                else:
                    p.grad = np.zeros_like(p.data)

    #: ``weight_decay`` λ is added to the gradient as λ·w before ``_update`` (L2
    #: regularisation, PyTorch's convention for every optimizer but AdamW, which decouples it)
    _decay_in_gradient = True

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, once.

        ``closure``, if given, re-evaluates the model and returns the loss (it runs with
        gradient recording enabled, before the update); its value is returned.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        for group in self.param_groups:
            for p in group["params"]:
                g = grad_of(p)
                if g is None:
                    continue
                if self._decay_in_gradient and group.get("weight_decay"):
                    g = g + group["weight_decay"] * p.data  # L2: the gradient of λ/2·‖w‖²
                self._update(p, g, group, self.state[p])
        return loss

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        raise NotImplementedError(f"{type(self).__name__} does not define _update")

    # -- saving and restoring ----------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """The optimizer's state as plain data, in PyTorch's layout.

        ``{"state": {index: {name: float | int | ndarray}}, "param_groups": [{option: value,
        "params": [index, ...]}]}``, where parameters are numbered in group order. Arrays are
        copies: later steps do not change a saved state dict. No parameter values are saved.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            packed["params"] = ids
            groups.append(packed)
        state = {}
        for p in self.state:
            if id(p) in index:
                state[index[id(p)]] = {k: clone_state(v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore a state saved by :meth:`state_dict` from an optimizer of the same layout.

        Group options are restored as saved; state arrays are copied into the parameters'
        dtype. A different number of groups or parameters, or a state array whose shape differs
        from its parameter's, is an error naming the group or parameter.
        """
        if not isinstance(state_dict, dict) or not {"state", "param_groups"} <= set(state_dict):
            raise ValueError("an optimizer state dict needs the keys 'state' and 'param_groups'")
        saved_groups = state_dict["param_groups"]
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"the state dict has {len(saved_groups)} parameter group(s), this optimizer "
                f"has {len(self.param_groups)}"
            )
        params: dict[int, Param] = {}
        for gi, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(
                    f"parameter group {gi} has {len(saved['params'])} parameters in the state "
                    f"dict but {len(group['params'])} in this optimizer"
                )
            for idx, p in zip(saved["params"], group["params"], strict=True):
                params[int(idx)] = p
        new_state = ParamState()
        for idx, entries in state_dict["state"].items():
            if int(idx) not in params:
                raise ValueError(f"the state dict has state for an unknown parameter index {idx}")
            p = params[int(idx)]
            restored = {}
            for key, value in entries.items():
                restored[key] = _restore_entry(p, key, value, int(idx))
            new_state[p] = restored
        for saved, group in zip(saved_groups, self.param_groups, strict=True):
            options = {k: v for k, v in saved.items() if k != "params"}
            candidate = {**group, **options}
            self._check_group(candidate)
            group.update(options)
        self.state = new_state

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
            lines.append(f"    params: {len(group['params'])} parameter(s)")
        lines.append(")")
        return "\n".join(lines)


def clone_state(value: Any) -> Any:
    """Copy one state entry so the copy does not change with the optimizer."""
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def _restore_entry(p: Param, key: str, value: Any, idx: int) -> Any:
    if key == "step":
        return int(value)
    if isinstance(p, Value):
        arr = np.asarray(value)
        if arr.size != 1:
            raise ValueError(
                f"state {key!r} of parameter {idx} (a Value) must be a number, got shape "
                f"{arr.shape}"
            )
        return float(arr.reshape(()))
    arr = np.asarray(value)
    if arr.shape != p.data.shape:
        raise ValueError(
            f"state {key!r} of parameter {idx} has shape {arr.shape}, but the parameter has "
            f"shape {p.data.shape}"
        )
    return np.array(arr, dtype=p.data.dtype, copy=True)


# --------------------------------------------------------------------------------------------
# the optimizers
# --------------------------------------------------------------------------------------------


class SGD(Optimizer):
    r"""Stochastic gradient descent, optionally with momentum and Nesterov momentum (PyTorch's).

    With ``g`` the gradient, ``eta`` = ``lr``, ``mu`` = ``momentum``, ``tau`` = ``dampening``
    and ``lambda`` = ``weight_decay``, one step is::

        g <- g + lambda * w                           (L2 weight decay, if lambda != 0)
        if mu != 0:
            b <- g                    at the first step
            b <- mu * b + (1 - tau) * g   afterwards
            g <- g + mu * b   if nesterov   else   g <- b
        w <- w - eta * g

    Plain SGD (``momentum=0``) is the notes' rule ``w <- w - eta * dL/dw``: batch, mini-batch
    or stochastic gradient descent depending on how many samples the loss averages over.

    Momentum, lecture notes vs PyTorch: the notes write ``v <- mu * v + eta * g; w <- w - v`` (the
    learning rate inside the velocity), PyTorch ``b <- mu * b + g; w <- w - eta * b``. With a
    constant ``eta`` they are the same method (``v = eta * b`` at every step, and the first
    step ``b = g`` equals ``mu * 0 + g``), so the parameters follow identical paths. They
    differ when ``eta`` changes during training (a scheduler): in the notes' form the velocity
    remembers the old learning rates, in PyTorch's the new rate applies at once to the whole
    accumulated buffer.

    Args:
        params: parameters or parameter-group dicts.
        lr: learning rate ``eta`` (required, >= 0).
        momentum: ``mu`` >= 0.
        dampening: ``tau``, scales the new gradient in the buffer (not with nesterov).
        nesterov: look-ahead momentum; needs ``momentum > 0`` and ``dampening == 0``.
        weight_decay: L2 penalty ``lambda`` >= 0, the gradient of ``lambda/2 * ||w||^2``.
    """

    def __init__(
        self,
        params: Any,
        lr: float,
        momentum: float = 0.0,
        dampening: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "nesterov": nesterov,
            "weight_decay": weight_decay,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        check_number(group, "momentum", label="momentum value")
        check_number(group, "dampening", low=None, label="dampening value")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(
                "Nesterov momentum requires a momentum > 0 and zero dampening, got "
                f"momentum={group['momentum']}, dampening={group['dampening']}"
            )

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        mu = group["momentum"]
        if mu != 0:
            buf = state.get("momentum_buffer")
            buf = clone(g) if buf is None else mu * buf + (1.0 - group["dampening"]) * g
            state["momentum_buffer"] = buf
            g = g + mu * buf if group["nesterov"] else buf
        sub_(p, group["lr"] * g)


class Adagrad(Optimizer):
    r"""Adagrad: per-coordinate learning rates shrinking with the accumulated squared gradients.

    With ``eta`` = ``lr``, ``d`` = ``lr_decay``, ``lambda`` = ``weight_decay``, ``tau`` =
    ``initial_accumulator_value`` and step count ``t = 1, 2, ...``::

        s_0 = tau
        g <- g + lambda * w                     (if lambda != 0)
        eta_t = eta / (1 + (t - 1) * d)
        s_t = s_{t-1} + g^2
        w <- w - eta_t * g / (sqrt(s_t) + eps)

    Coordinates with large past gradients take small steps and rarely-updated ones large
    steps; since ``s_t`` only grows, the steps eventually vanish.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        lr_decay: float = 0.0,
        weight_decay: float = 0.0,
        initial_accumulator_value: float = 0.0,
        eps: float = 1e-10,
    ) -> None:
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
            "eps": eps,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        check_number(group, "lr_decay", label="lr_decay value")
        check_number(group, "initial_accumulator_value")

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        if not state:
            state["step"] = 0
            state["sum"] = zeros_like(p, group["initial_accumulator_value"])
        state["step"] += 1
        t = state["step"]
        clr = group["lr"] / (1.0 + (t - 1) * group["lr_decay"])
        state["sum"] = state["sum"] + g * g
        sub_(p, clr * g / (sqrt(state["sum"]) + group["eps"]))


class RMSprop(Optimizer):
    r"""RMSprop: divide by a running root mean square of the gradients (PyTorch's form).

    With ``eta`` = ``lr``, ``alpha`` the smoothing constant, ``mu`` = ``momentum`` and
    ``lambda`` = ``weight_decay``, all running quantities starting at 0::

        g <- g + lambda * w                             (if lambda != 0)
        v <- alpha * v + (1 - alpha) * g^2
        if centered:
            m <- alpha * m + (1 - alpha) * g
            v~ = v - m^2          (an estimate of the gradient's variance)
        else:
            v~ = v
        if mu > 0:
            b <- mu * b + g / (sqrt(v~) + eps);  w <- w - eta * b
        else:
            w <- w - eta * g / (sqrt(v~) + eps)

    Unlike Adagrad's growing sum, the exponential average forgets old gradients, so steps
    do not vanish. ``eps`` is added after the square root, as in PyTorch.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "alpha": alpha,
            "eps": eps,
            "weight_decay": weight_decay,
            "momentum": momentum,
            "centered": centered,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        check_number(group, "alpha", low=0.0, high=1.0, label="alpha value")
        check_number(group, "momentum", label="momentum value")

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        alpha, mu = group["alpha"], group["momentum"]
        if not state:
            state["step"] = 0
            state["square_avg"] = zeros_like(p)
            if mu > 0:
                state["momentum_buffer"] = zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = zeros_like(p)
        state["step"] += 1
        state["square_avg"] = alpha * state["square_avg"] + (1.0 - alpha) * g * g
        v = state["square_avg"]
        if group["centered"]:
            state["grad_avg"] = alpha * state.get("grad_avg", zeros_like(p)) + (1.0 - alpha) * g
            v = v - state["grad_avg"] * state["grad_avg"]
        avg = sqrt(v) + group["eps"]
        if mu > 0:
            state["momentum_buffer"] = mu * state.get("momentum_buffer", zeros_like(p)) + g / avg
            sub_(p, group["lr"] * state["momentum_buffer"])
        else:
            sub_(p, group["lr"] * g / avg)


class Adadelta(Optimizer):
    r"""Adadelta: RMSprop whose step size is a running RMS of the past updates.

    With ``rho`` the decay, ``lambda`` = ``weight_decay`` and ``v``, ``u`` starting at 0::

        g <- g + lambda * w                                   (if lambda != 0)
        v <- rho * v + (1 - rho) * g^2
        dx = sqrt(u + eps) / sqrt(v + eps) * g
        u <- rho * u + (1 - rho) * dx^2
        w <- w - lr * dx

    The ratio of two RMS values has the units of the parameter, so no learning rate is needed
    in principle (``lr`` = 1.0 by default, as in PyTorch).
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0.0,
    ) -> None:
        defaults = {"lr": lr, "rho": rho, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        check_number(group, "rho", low=0.0, high=1.0, label="rho value")

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        rho, eps = group["rho"], group["eps"]
        if not state:
            state["step"] = 0
            state["square_avg"] = zeros_like(p)
            state["acc_delta"] = zeros_like(p)
        state["step"] += 1
        state["square_avg"] = rho * state["square_avg"] + (1.0 - rho) * g * g
        delta = sqrt(state["acc_delta"] + eps) / sqrt(state["square_avg"] + eps) * g
        state["acc_delta"] = rho * state["acc_delta"] + (1.0 - rho) * delta * delta
        sub_(p, group["lr"] * delta)


def _check_adam_group(group: dict[str, Any]) -> None:
    betas = group["betas"]
    if not isinstance(betas, tuple | list) or len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    for i, beta in enumerate(betas):
        check_number(
            {"b": beta}, "b", low=0.0, high=1.0, high_inclusive=False, label=f"beta{i + 1}"
        )


def _adam_step(p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
    """The Adam update shared by :class:`Adam` and :class:`AdamW` (weight decay done before)."""
    beta1, beta2 = group["betas"]
    if not state:
        state["step"] = 0
        state["exp_avg"] = zeros_like(p)
        state["exp_avg_sq"] = zeros_like(p)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = zeros_like(p)
    state["step"] += 1
    t = state["step"]
    state["exp_avg"] = beta1 * state["exp_avg"] + (1.0 - beta1) * g
    state["exp_avg_sq"] = beta2 * state["exp_avg_sq"] + (1.0 - beta2) * g * g
    v = state["exp_avg_sq"]
    if group["amsgrad"]:
        v = state["max_exp_avg_sq"] = maximum(state.get("max_exp_avg_sq", zeros_like(p)), v)
    bias_correction1 = 1.0 - beta1**t
    bias_correction2 = 1.0 - beta2**t
    denom = sqrt(v) / math.sqrt(bias_correction2) + group["eps"]
    sub_(p, (group["lr"] / bias_correction1) * state["exp_avg"] / denom)


class Adam(Optimizer):
    r"""Adam: momentum on the gradient plus RMSprop's scaling, both bias-corrected.

    With ``eta`` = ``lr``, ``(beta1, beta2)`` = ``betas``, ``lambda`` = ``weight_decay``,
    step count ``t = 1, 2, ...`` and ``m``, ``v`` starting at 0::

        g <- g + lambda * w                       (L2 penalty in the gradient, if lambda != 0)
        m <- beta1 * m + (1 - beta1) * g
        v <- beta2 * v + (1 - beta2) * g^2
        m^ = m / (1 - beta1^t)
        v^ = v_max / (1 - beta2^t)  with v_max <- max(v_max, v)   if amsgrad
        v^ = v / (1 - beta2^t)                                     otherwise
        w <- w - eta * m^ / (sqrt(v^) + eps)

    The bias corrections undo the zero start of ``m`` and ``v``: at ``t = 1`` the step is
    ``eta * g / (|g| + eps)``, about ``eta`` per coordinate whatever the gradient's scale.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
    ) -> None:
        defaults = {
            "lr": lr,
            "betas": tuple(betas) if isinstance(betas, list) else betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
        }
        super().__init__(params, defaults)

    def _check_group(self, group: dict[str, Any]) -> None:
        super()._check_group(group)
        _check_adam_group(group)

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        _adam_step(p, g, group, state)


class AdamW(Adam):
    r"""AdamW: Adam with decoupled weight decay (Loshchilov & Hutter).

    The weights shrink directly, outside the adaptive scaling, then Adam runs on the bare
    gradient::

        w <- w * (1 - eta * lambda)
        m, v, m^, v^ as in Adam (with g the loss gradient only)
        w <- w - eta * m^ / (sqrt(v^) + eps)

    In Adam an L2 term ``lambda * w`` added to the gradient is divided by ``sqrt(v^)`` like the
    rest, so weights with large gradients are barely decayed; AdamW decays all weights at the
    rate ``eta * lambda``. Default ``weight_decay`` is 1e-2, as in PyTorch.
    """

    def __init__(
        self,
        params: Any,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad)

    _decay_in_gradient = False  # decoupled: the weights shrink directly in _update

    def _update(self, p: Param, g: Scalar, group: dict[str, Any], state: dict[str, Any]) -> None:
        if group["weight_decay"] != 0:
            mul_(p, 1.0 - group["lr"] * group["weight_decay"])
        _adam_step(p, g, group, state)
