"""AdaGrad: per-coordinate learning rates that shrink with the sum of squared gradients.

Seed 002 (section 6.2): gamma_i^2(t) = sum_s g_is^2,
theta_i <- theta_i - eta g_i / (delta + gamma_i).
PyTorch's `torch.optim.Adagrad` adds a learning-rate decay and a starting accumulator value; both
are here with the same names so trajectories agree.
"""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_nonnegative


class Adagrad(Optimizer):
    """AdaGrad: coordinates that have seen large gradients take smaller steps.

    Args:
        params: Tensors or parameter-group dicts.
        lr: base learning rate eta.
        lr_decay: the step size at step t is lr / (1 + (t - 1) * lr_decay).
        weight_decay: L2 coefficient mu added to the gradient.
        initial_accumulator_value: starting value of the sum of squares.
        eps: delta of the course notes (summary), added to the root of the sum (avoids division by zero).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([3.0], requires_grad=True)
        >>> opt = Adagrad([w], lr=1.0)
        >>> (w * w).sum().backward(); opt.step(); round(float(w.data[0]), 6)
        2.0
    """

    param_shaped_state = ("sum",)
    nonnegative_state = ("sum",)

    def __init__(self, params, lr: float = 1e-2, lr_decay: float = 0.0, weight_decay: float = 0.0,
                 initial_accumulator_value: float = 0.0, eps: float = 1e-10):
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps)
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        for key, example in [("lr_decay", "lr_decay=0"), ("weight_decay", "weight_decay=0"),
                             ("initial_accumulator_value", "initial_accumulator_value=0"),
                             ("eps", "eps=1e-10")]:
            check_nonnegative("Adagrad", key, group[key], example)

    def _update(self, p, grad: np.ndarray, group: dict, state: dict) -> None:
        if "sum" not in state:
            state["step"] = 0
            state["sum"] = np.full_like(p.data, group["initial_accumulator_value"])
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data  # L2 penalty: g <- g + mu*theta
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])  # eta/(1+(t-1)decay)
        state["sum"] = state["sum"] + grad * grad  # gamma^2(t) = sum_s g_s^2 (seed 002 6.2)
        p.data -= clr * grad / (np.sqrt(state["sum"]) + group["eps"])  # -= eta g/(gamma+delta)
