"""RMSprop: AdaGrad with a forgetting factor, for non-convex problems.

Seed 002 (section 6.2): gamma_i^2 = sum_s rho^(t-s) g_is^2 with rho < 1. As in PyTorch's
`torch.optim.RMSprop` the sum is the normalised running average
v_t = alpha v_{t-1} + (1 - alpha) g_t^2, optionally centred and with momentum.
"""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_in_unit_interval, check_nonnegative


class RMSprop(Optimizer):
    """Divide each coordinate's gradient by the root of its recent mean square.

    Args:
        params: Tensors or parameter-group dicts.
        lr: learning rate eta.
        alpha: the decay rho of the course notes (summary) (PyTorch's name), in [0, 1).
        eps: added to the root mean square.
        weight_decay: L2 coefficient mu added to the gradient.
        momentum: heavy-ball coefficient applied to the scaled gradient.
        centered: divide by an estimate of the gradient's standard deviation instead.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([1.0], requires_grad=True)
        >>> opt = RMSprop([w], lr=0.01)
        >>> (w * w).sum().backward(); opt.step(); round(float(w.data[0]), 4)
        0.9
    """

    param_shaped_state = ("square_avg", "momentum_buffer", "grad_avg")
    nonnegative_state = ("square_avg",)

    def __init__(self, params, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0.0, momentum: float = 0.0, centered: bool = False):
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered)
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        check_nonnegative("RMSprop", "alpha", group["alpha"], "alpha=0.99")
        if group["alpha"] > 1:
            raise ValueError(f"RMSprop: invalid alpha={group['alpha']}; alpha must be in [0, 1] "
                             f"(pass e.g. alpha=0.99)")
        check_nonnegative("RMSprop", "eps", group["eps"], "eps=1e-8")
        check_nonnegative("RMSprop", "weight_decay", group["weight_decay"], "weight_decay=0")
        check_in_unit_interval("RMSprop", "momentum", group["momentum"], "momentum=0.9")

    def _update(self, p, grad: np.ndarray, group: dict, state: dict) -> None:
        alpha = group["alpha"]
        if "square_avg" not in state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p.data)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(p.data)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p.data)
        state["step"] += 1
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data  # L2 penalty: g <- g + mu*theta
        sq = alpha * state["square_avg"] + (1 - alpha) * grad * grad  # rho v+(1-rho)g^2, seed 002
        state["square_avg"] = sq
        if group["centered"]:
            ga = alpha * state["grad_avg"] + (1 - alpha) * grad  # m_t = rho m_{t-1} + (1-rho) g
            state["grad_avg"] = ga
            denom = np.sqrt(sq - ga * ga) + group["eps"]  # std estimate sqrt(v_t - m_t^2) + eps
        else:
            denom = np.sqrt(sq) + group["eps"]  # gamma_t = sqrt(v_t) + eps
        if group["momentum"] > 0:
            buf = group["momentum"] * state["momentum_buffer"] + grad / denom  # b = mu b + g/gamma
            state["momentum_buffer"] = buf
            p.data -= group["lr"] * buf  # theta -= eta b
        else:
            p.data -= group["lr"] * grad / denom  # theta -= eta g / gamma (seed 002 6.2)
