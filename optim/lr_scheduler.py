"""Learning-rate schedules: change each group's `lr` as training goes on.

Use as in PyTorch: build the scheduler after the optimiser, and call `scheduler.step()` once per
epoch (or per iteration, for warm-up) *after* `optimizer.step()`. Each schedule is written in
closed form lr(t) = f(base_lr, t), which equals PyTorch's recursive form when one scheduler drives
the optimiser (chaining several schedulers on one optimiser is not supported).
"""
from __future__ import annotations

import math

from .optimizer import Optimizer


class _SchedulerState:
    """What every scheduler shares: the last learning rates set, and saving/restoring its state
    (everything but the optimiser) to resume training."""

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last `step()`, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimiser, as a plain dict."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state saved by `state_dict()`; all or nothing.

        Every key must be one this scheduler has, with a value of the same kind (a number for
        a number, a list of numbers for a list): a state of another scheduler, or a damaged
        one, raises and leaves the scheduler as it was.
        """
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict):
            raise TypeError(f"{name}: expected the dict made by scheduler.state_dict(), got "
                            f"{type(state_dict).__name__}")
        own = self.state_dict()
        unknown = sorted(str(k) for k in state_dict if k not in own)
        if unknown:
            raise ValueError(f"{name}: the saved state has {unknown}, which {type(self).__name__} "
                             f"does not have ({sorted(own)}); was it saved from another "
                             f"scheduler? Nothing was changed")
        for key, value in state_dict.items():
            if _kind(value) != _kind(own[key]) and own[key] is not None and value is not None:
                raise TypeError(f"{name}: '{key}' is {value!r}, expected a value like "
                                f"{own[key]!r}; nothing was changed")
        self.__dict__.update({k: (list(v) if isinstance(v, tuple) else v)
                              for k, v in state_dict.items()})


def _kind(value) -> str:
    """'number', 'bool', 'list' or the type's name: what a saved scheduler value must match."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, (list, tuple)):
        return "list"
    return type(value).__name__


class LRScheduler(_SchedulerState):
    """Base class: remembers each group's initial lr and sets lr = `lr_at(base_lr, epoch)`.

    Why a class per schedule: the schedule's state (the epoch counter) must be saved with the
    optimiser to resume training, see `state_dict()`.
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"{type(self).__name__}: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            if last_epoch == -1:
                group.setdefault("initial_lr", group["lr"])
            elif "initial_lr" not in group:
                raise KeyError(f"{type(self).__name__}: resuming with last_epoch={last_epoch} "
                               f"needs 'initial_lr' in every param group")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self.step()

    def lr_at(self, base_lr: float, epoch: int) -> float:
        """The learning rate of a group with initial lr `base_lr` at `epoch` (subclasses)."""
        raise NotImplementedError

    def step(self) -> None:
        """Advance one epoch and write the new learning rate into every group."""
        self.last_epoch += 1
        for group, base in zip(self.optimizer.param_groups, self.base_lrs):
            group["lr"] = self.lr_at(base, self.last_epoch)
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs: lr = base * gamma^floor(t/step_size).

    Example:
        >>> # sched = StepLR(opt, step_size=30, gamma=0.1)  # lr/10 at epochs 30, 60, ...
    """

    def __init__(self, optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1):
        if int(step_size) != step_size or step_size < 1:
            raise ValueError(f"StepLR: invalid step_size={step_size!r}; it must be a positive "
                             f"integer (pass e.g. step_size=30)")
        self.step_size, self.gamma = int(step_size), gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** (epoch // self.step_size)  # eta_t = eta_0 gamma^floor(t/s)


class ExponentialLR(LRScheduler):
    """Multiply the lr by `gamma` every epoch: lr = base * gamma^t.

    Example:
        >>> # sched = ExponentialLR(opt, gamma=0.95)
    """

    def __init__(self, optimizer, gamma: float, last_epoch: int = -1):
        if not gamma > 0:
            raise ValueError(f"ExponentialLR: invalid gamma={gamma!r}; it must be > 0 "
                             f"(pass e.g. gamma=0.95)")
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        return base_lr * self.gamma ** epoch  # eta_t = eta_0 gamma^t


class CosineAnnealingLR(LRScheduler):
    """Half a cosine from base lr down to `eta_min` over `T_max` epochs (SGDR without restarts).

    lr(t) = eta_min + (base - eta_min) (1 + cos(pi t / T_max)) / 2. Why: large steps early,
    small steps at the end, with no hand-picked decay epochs. Past T_max it rises again, as
    PyTorch's.

    Example:
        >>> # sched = CosineAnnealingLR(opt, T_max=100)
    """

    def __init__(self, optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1):
        if not T_max > 0:
            raise ValueError(f"CosineAnnealingLR: invalid T_max={T_max!r}; it must be > 0 "
                             f"(pass e.g. T_max=100, the number of epochs)")
        self.T_max, self.eta_min = T_max, eta_min
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        cos = math.cos(math.pi * epoch / self.T_max)
        return self.eta_min + (base_lr - self.eta_min) * (1 + cos) / 2  # cosine annealing


class LinearLR(LRScheduler):
    """Scale the lr linearly from start_factor*base to end_factor*base over total_iters steps.

    lr(t) = base * (s + (e - s) * min(t, total_iters) / total_iters), as PyTorch's LinearLR.

    Example:
        >>> # sched = LinearLR(opt, start_factor=0.1, total_iters=100)
    """

    def __init__(self, optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1):
        if not (0 < start_factor <= 1 and 0 <= end_factor <= 1):
            raise ValueError(f"LinearLR: start_factor={start_factor!r} must be in (0, 1] and "
                             f"end_factor={end_factor!r} in [0, 1]")
        if int(total_iters) != total_iters or total_iters < 1:
            raise ValueError(f"LinearLR: invalid total_iters={total_iters!r}; it must be a "
                             f"positive integer")
        self.start_factor, self.end_factor = start_factor, end_factor
        self.total_iters = int(total_iters)
        super().__init__(optimizer, last_epoch)

    def lr_at(self, base_lr, epoch):
        frac = min(epoch, self.total_iters) / self.total_iters
        return base_lr * (self.start_factor
                          + (self.end_factor - self.start_factor) * frac)  # linear ramp


class LinearWarmup(LinearLR):
    """Linear warm-up: lr grows from base/warmup_steps to base over `warmup_steps` steps.

    Why: adaptive optimisers' early moment estimates are noisy, and large early steps can
    diverge; a short ramp avoids both. Call `step()` once per iteration.

    Example:
        >>> # sched = LinearWarmup(opt, warmup_steps=100)
    """

    def __init__(self, optimizer, warmup_steps: int, last_epoch: int = -1):
        if int(warmup_steps) != warmup_steps or warmup_steps < 1:
            raise ValueError(f"LinearWarmup: invalid warmup_steps={warmup_steps!r}; it must be "
                             f"a positive integer (pass e.g. warmup_steps=100)")
        super().__init__(optimizer, start_factor=1.0 / warmup_steps, end_factor=1.0,
                         total_iters=warmup_steps, last_epoch=last_epoch)


class ReduceLROnPlateau(_SchedulerState):
    """Divide the lr by 1/factor when a watched metric has stopped improving for `patience` epochs.

    Call `scheduler.step(val_loss)` once per epoch. A value counts as an improvement when it
    beats the best so far by more than `threshold` (relative: best * (1 - threshold) in 'min'
    mode; absolute with threshold_mode='abs'). After more than `patience` epochs without one,
    every group's lr becomes max(lr * factor, min_lr) (unchanged if that moves it by less than
    `eps`), then `cooldown` epochs pass before bad epochs are counted again. Why: a schedule
    that reacts to the validation curve needs no decay epochs chosen in advance.

    Example:
        >>> # sched = ReduceLROnPlateau(opt, patience=5)
        >>> # for epoch in ...: train(); sched.step(validation_loss())
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr=0.0, eps: float = 1e-8):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"ReduceLROnPlateau: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        if not factor < 1.0:
            raise ValueError(f"ReduceLROnPlateau: factor={factor!r} must be < 1.0 (the lr is "
                             f"multiplied by it)")
        if mode not in ("min", "max") or threshold_mode not in ("rel", "abs"):
            raise ValueError(f"ReduceLROnPlateau: mode must be 'min' or 'max' and threshold_mode "
                             f"'rel' or 'abs', got {mode!r} and {threshold_mode!r}")
        groups = optimizer.param_groups
        min_lrs = list(min_lr) if isinstance(min_lr, (list, tuple)) else [min_lr] * len(groups)
        if len(min_lrs) != len(groups):
            raise ValueError(f"ReduceLROnPlateau: expected {len(groups)} min_lr values (one per "
                             f"param group), got {len(min_lrs)}")
        self.optimizer, self.mode, self.factor, self.patience = optimizer, mode, factor, patience
        self.threshold, self.threshold_mode, self.cooldown = threshold, threshold_mode, cooldown
        self.min_lrs, self.eps = min_lrs, eps
        self.best = math.inf if mode == "min" else -math.inf
        self.num_bad_epochs, self.cooldown_counter, self.last_epoch = 0, 0, 0
        self._last_lr = [group["lr"] for group in groups]

    def is_better(self, a: float, best: float) -> bool:
        """Whether metric value `a` improves on `best` by more than the threshold."""
        if self.mode == "min":
            return a < (best * (1 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (1 + self.threshold) if self.threshold_mode == "rel"
                    else best + self.threshold)

    def step(self, metrics) -> None:
        """Record this epoch's metric (a number or a 0-d Tensor) and reduce the lr if needed."""
        current = float(getattr(metrics, "data", metrics))
        self.last_epoch += 1
        if self.is_better(current, self.best):
            self.best, self.num_bad_epochs = current, 0
        else:
            self.num_bad_epochs += 1
        if self.cooldown_counter > 0:         # bad epochs during a cooldown do not count
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            for group, min_lr in zip(self.optimizer.param_groups, self.min_lrs):
                new_lr = max(group["lr"] * self.factor, min_lr)  # eta <- max(factor eta, min)
                if group["lr"] - new_lr > self.eps:
                    group["lr"] = new_lr
            self.cooldown_counter, self.num_bad_epochs = self.cooldown, 0
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]


class OneCycleLR(LRScheduler):
    """The 1cycle policy: lr warms up from max_lr/div_factor to max_lr, then anneals far below.

    Call `step()` after every batch (total_steps = epochs * steps_per_epoch in all). Phase 1
    (the first pct_start of the steps) goes from initial_lr = max_lr / div_factor up to max_lr;
    phase 2 down to min_lr = initial_lr / final_div_factor (with three_phase: back to
    initial_lr, then down to min_lr), each by half a cosine or linearly. The momentum (SGD's
    `momentum` or Adam's beta1) moves the opposite way between max_momentum and base_momentum.
    Why: a short warm-up to a large lr, then a long decay, trains fast (Smith 2018); the
    formulas and step numbering are PyTorch's, so the same code gives the same lrs.

    Example:
        >>> # sched = OneCycleLR(opt, max_lr=0.1, epochs=10, steps_per_epoch=len(loader))
    """

    def __init__(self, optimizer, max_lr, total_steps=None, epochs=None, steps_per_epoch=None,
                 pct_start: float = 0.3, anneal_strategy: str = "cos",
                 cycle_momentum: bool = True, base_momentum=0.85, max_momentum=0.95,
                 div_factor: float = 25.0, final_div_factor: float = 1e4,
                 three_phase: bool = False, last_epoch: int = -1):
        if not isinstance(optimizer, Optimizer):
            raise TypeError(f"OneCycleLR: expected an optim.Optimizer, got "
                            f"{type(optimizer).__name__}")
        if total_steps is None:
            if epochs is None or steps_per_epoch is None:
                raise ValueError("OneCycleLR: give total_steps, or both epochs and "
                                 "steps_per_epoch")
            total_steps = epochs * steps_per_epoch
        if int(total_steps) != total_steps or total_steps < 1:
            raise ValueError(f"OneCycleLR: total_steps must be a positive int, got {total_steps!r}")
        if not 0 <= pct_start <= 1 or anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"OneCycleLR: pct_start must be in [0, 1] and anneal_strategy 'cos' "
                             f"or 'linear', got {pct_start!r} and {anneal_strategy!r}")
        groups = optimizer.param_groups
        self.use_beta1 = "betas" in optimizer.defaults
        if cycle_momentum and "momentum" not in optimizer.defaults and not self.use_beta1:
            raise ValueError("OneCycleLR: optimizer must support momentum or betas with "
                             "cycle_momentum enabled (or pass cycle_momentum=False)")
        self.total_steps, self.anneal_strategy = int(total_steps), anneal_strategy
        self.cycle_momentum = cycle_momentum
        end1 = float(pct_start * self.total_steps) - 1
        if three_phase:
            self._phases = [(end1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (2 * end1, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                            (self.total_steps - 1, "initial_lr", "min_lr", "max_momentum",
                             "max_momentum")]
        else:
            self._phases = [(end1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                            (self.total_steps - 1, "max_lr", "min_lr", "base_momentum",
                             "max_momentum")]
        per_group = {"max_lr": max_lr, "base_momentum": base_momentum,
                     "max_momentum": max_momentum}
        for key, value in per_group.items():
            values = list(value) if isinstance(value, (list, tuple)) else [value] * len(groups)
            if len(values) != len(groups):
                raise ValueError(f"OneCycleLR: expected {len(groups)} values of {key} (one per "
                                 f"param group), got {len(values)}")
            per_group[key] = values
        if last_epoch == -1:
            for i, group in enumerate(groups):
                group["initial_lr"] = per_group["max_lr"][i] / div_factor
                group["max_lr"] = per_group["max_lr"][i]
                group["min_lr"] = group["initial_lr"] / final_div_factor
                if cycle_momentum:
                    group["max_momentum"] = per_group["max_momentum"][i]
                    group["base_momentum"] = per_group["base_momentum"][i]
                    self._set_momentum(group, group["max_momentum"])
        super().__init__(optimizer, last_epoch)

    def _set_momentum(self, group, value):
        if self.use_beta1:
            group["betas"] = (value, *group["betas"][1:])
        else:
            group["momentum"] = value

    def _anneal(self, start, end, pct):
        if self.anneal_strategy == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)   # half a cosine
        return (end - start) * pct + start

    def step(self) -> None:
        """Advance one batch and set each group's lr (and momentum) for the next one."""
        step = self.last_epoch + 1
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times; the specified number of "
                             f"total steps is {self.total_steps}")
        self.last_epoch = step
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, (end, lr0, lr1, m0, m1) in enumerate(self._phases):
                if step <= end or i == len(self._phases) - 1:
                    pct = (step - start) / (end - start)
                    group["lr"] = self._anneal(group[lr0], group[lr1], pct)
                    if self.cycle_momentum:
                        self._set_momentum(group, self._anneal(group[m0], group[m1], pct))
                    break
                start = end
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]
