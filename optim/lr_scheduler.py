"""Learning-rate schedules: change each group's `lr` as training goes on.

Use as in PyTorch: build the scheduler after the optimiser, and call `scheduler.step()` once per
epoch (or per iteration, for warm-up) *after* `optimizer.step()`. Each schedule is written in
closed form lr(t) = f(base_lr, t), which equals PyTorch's recursive form when one scheduler drives
the optimiser (chaining several schedulers on one optimiser is not supported).
"""
from __future__ import annotations

import math

from .optimizer import Optimizer


class LRScheduler:
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

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last `step()`, one per group."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimiser, as a plain dict."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore a state saved by `state_dict()`."""
        self.__dict__.update(state_dict)


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
