"""Stochastic gradient descent with optional momentum, dampening, Nesterov and weight decay.

The simplest optimiser, first in the family order of this package. The update is PyTorch's
`torch.optim.SGD`, so trajectories agree to rounding. Its heavy-ball form is exactly the summary notes'
theta(t+1) = theta(t) - eta grad + alpha (theta(t) - theta(t-1)) (tested). Seed 002's other,
bias-corrected form m(t) = alpha m + (1 - alpha) g, m^ = m / (1 - alpha^t) is a different rule:
PyTorch's buffer v_t = sum_s alpha^(t-s) g_s equals m^(t) (1 - alpha^t) / (1 - alpha), so for
large t it is the seed's rule with the learning rate multiplied by 1 / (1 - alpha).
"""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, check_in_unit_interval, check_nonnegative


class SGD(Optimizer):
    """Gradient descent: theta <- theta - lr * direction.

    Args:
        params: Tensors or parameter-group dicts.
        lr: learning rate eta (>= 0).
        momentum: heavy-ball coefficient alpha in [0, 1).
        dampening: scales the new gradient in the momentum buffer by (1 - dampening).
        nesterov: evaluate the step "ahead" (needs momentum > 0 and dampening = 0).
        weight_decay: L2 penalty coefficient mu added to the gradient (mu * theta).

    Why these names: they are PyTorch's, so a student's code ports without change.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([1.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.5, momentum=0.9)
        >>> (w * w).sum().backward(); opt.step(); w.data.tolist()
        [0.0]
    """

    param_shaped_state = ("momentum_buffer",)

    def __init__(self, params, lr: float = 1e-3, momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0):
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening, nesterov=nesterov,
                        weight_decay=weight_decay)
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        check_in_unit_interval("SGD", "momentum", group["momentum"], "momentum=0.9")
        check_nonnegative("SGD", "dampening", group["dampening"], "dampening=0")
        check_nonnegative("SGD", "weight_decay", group["weight_decay"], "weight_decay=1e-4")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError(f"SGD: nesterov=True needs momentum > 0 and dampening = 0, got "
                             f"momentum={group['momentum']}, dampening={group['dampening']}; "
                             f"pass e.g. momentum=0.9, dampening=0")

    def _update(self, p, grad: np.ndarray, group: dict, state: dict) -> None:
        lr, mom, damp = group["lr"], group["momentum"], group["dampening"]
        if group["weight_decay"] != 0:
            grad = grad + group["weight_decay"] * p.data  # L2: g <- g + mu*theta (seed 002 6.4)
        if mom != 0:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = np.array(grad, copy=True)  # first step: v_1 = g_1
            else:
                buf = mom * buf + (1 - damp) * grad  # heavy ball: v_t = alpha v_{t-1} + (1-d) g_t
            state["momentum_buffer"] = buf
            if group["nesterov"]:
                grad = grad + mom * buf  # Nesterov: d_t = g_t + alpha v_t (seed 002 6.2)
            else:
                grad = buf  # heavy-ball direction d_t = v_t
        p.data -= lr * grad  # descent: theta_t = theta_{t-1} - eta d_t (seed 002 6.2)
