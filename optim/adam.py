"""Adam and AdamW: momentum plus RMSprop scaling, with bias correction.

Seed 002 (section 6.2) writes Adam as: m_t = b1 m + (1-b1) g, v_t = b2 v + (1-b2) g^2,
m^ = m/(1-b1^t), v^ = v/(1-b2^t), theta -= eta m^ / (sqrt(v^) + eps). The order of the floating
point operations below is PyTorch's (`torch.optim.Adam`), so float64 trajectories agree to
rounding. AdamW (Loshchilov & Hutter) decays the weights directly instead of adding mu*theta to
the gradient, so the decay is not rescaled by the adaptive denominator.
"""
from __future__ import annotations

import math

import numpy as np

from .optimizer import Optimizer, check_in_unit_interval, check_nonnegative


class Adam(Optimizer):
    """Adam: per-coordinate steps of roughly size lr, robust to gradient scale.

    Args:
        params: Tensors or parameter-group dicts.
        lr: learning rate eta.
        betas: (b1, b2), decay rates of the first and second moment estimates.
        eps: added to the root of the second moment.
        weight_decay: L2 coefficient mu added to the gradient (coupled decay; see AdamW).
        amsgrad: use the running maximum of the second moment (Reddi et al.), which makes the
            effective step sizes non-increasing.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([1.0], requires_grad=True)
        >>> opt = Adam([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); round(float(w.data[0]), 6)
        0.9
    """

    _decoupled = False
    param_shaped_state = ("exp_avg", "exp_avg_sq", "max_exp_avg_sq")
    nonnegative_state = ("exp_avg_sq", "max_exp_avg_sq")

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0.0, amsgrad: bool = False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad)
        super().__init__(params, defaults)

    def _check_group(self, group: dict) -> None:
        super()._check_group(group)
        name = type(self).__name__
        betas = group["betas"]
        if len(betas) != 2:
            raise ValueError(f"{name}: betas must be a pair (b1, b2), got {betas!r}; "
                             f"pass e.g. betas=(0.9, 0.999)")
        check_in_unit_interval(name, "betas[0]", betas[0], "betas=(0.9, 0.999)")
        check_in_unit_interval(name, "betas[1]", betas[1], "betas=(0.9, 0.999)")
        check_nonnegative(name, "eps", group["eps"], "eps=1e-8")
        check_nonnegative(name, "weight_decay", group["weight_decay"], "weight_decay=1e-2")

    def _update(self, p, grad: np.ndarray, group: dict, state: dict) -> None:
        b1, b2 = group["betas"]
        lr, wd = group["lr"], group["weight_decay"]
        if "exp_avg" not in state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p.data)
            state["exp_avg_sq"] = np.zeros_like(p.data)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p.data)
        state["step"] += 1
        t = state["step"]
        if wd != 0:
            if self._decoupled:
                p.data *= 1 - lr * wd  # AdamW decoupled decay: theta <- (1 - eta mu) theta
            else:
                grad = grad + wd * p.data  # L2 penalty: g <- g + mu*theta
        m = state["exp_avg"]
        m = m + (grad - m) * (1 - b1)  # m_t = b1 m_{t-1} + (1-b1) g_t (seed 002 6.2)
        v = b2 * state["exp_avg_sq"] + (1 - b2) * grad * grad  # v_t = b2 v + (1-b2) g^2 (seed 002)
        state["exp_avg"], state["exp_avg_sq"] = m, v
        step_size = lr / (1 - b1 ** t)  # eta / (1 - b1^t): bias correction of m (seed 002)
        bc2_sqrt = math.sqrt(1 - b2 ** t)  # sqrt(1 - b2^t): bias correction of v (seed 002)
        if group["amsgrad"]:
            state["max_exp_avg_sq"] = np.maximum(state["max_exp_avg_sq"], v)  # max(v_max, v_t)
            v = state["max_exp_avg_sq"]
        denom = np.sqrt(v) / bc2_sqrt + group["eps"]  # sqrt(v^_t) + eps
        p.data -= step_size * m / denom  # theta_t = theta_{t-1} - eta m^_t / (sqrt(v^_t) + eps)


class AdamW(Adam):
    """Adam with decoupled weight decay: theta <- (1 - lr*mu) theta before the Adam step.

    Why a separate class: with Adam's coupled L2 term, coordinates with large gradients are
    barely decayed; AdamW decays all weights at the same relative rate. Default weight_decay=1e-2
    as in PyTorch.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([1.0], requires_grad=True)
        >>> opt = AdamW([w], lr=0.1, weight_decay=0.5)
        >>> (w * w).sum().backward(); opt.step(); round(float(w.data[0]), 6)
        0.85
    """

    _decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False):
        super().__init__(params, lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                         amsgrad=amsgrad)
