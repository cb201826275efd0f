"""Gradient clipping: bound the size of a step when a gradient explodes.

Both functions follow `torch.nn.utils.clip_grad_norm_` / `clip_grad_value_`. The trailing
underscore means "changes the parameters' gradients"; it does so by assigning a NEW gradient
Tensor to `p.grad` and never by writing into the old array, because one gradient array can be
shared by several tensors (e.g. `b = a.detach()` views, or an engine that hands the same upstream
array to two parents).
"""
from __future__ import annotations

import math

import numpy as np

from tinygrad_edu.argcheck import number_arg


def _params_with_grad(parameters) -> list:
    if hasattr(parameters, "data") and hasattr(parameters, "requires_grad"):
        parameters = [parameters]
    return [p for p in parameters if p.grad is not None]


def _set_grad(p, array: np.ndarray) -> None:
    """Give `p` a new gradient Tensor holding `array` (same dtype as the old gradient)."""
    old = p.grad
    p.grad = type(old)(array.astype(old.data.dtype, copy=False), dtype=old.data.dtype)


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> float:
    """Rescale all gradients together so their joint norm is at most `max_norm`.

    The total norm is the `norm_type` norm of the vector of all gradient entries; if it exceeds
    max_norm every gradient is multiplied by max_norm / (total_norm + 1e-6). Scaling all
    gradients by one factor keeps the step's direction, unlike clipping each value.

    Returns:
        The total norm before clipping (useful to log).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([0.0, 0.0], requires_grad=True)
        >>> (w * Tensor([3.0, 4.0])).sum().backward()
        >>> clip_grad_norm_([w], max_norm=1.0)
        5.0
        >>> [round(v, 4) for v in w.grad.data.tolist()]
        [0.6, 0.8]
    """
    number_arg("clip_grad_norm_", "max_norm", max_norm)
    number_arg("clip_grad_norm_", "norm_type", norm_type)
    if max_norm < 0 or math.isnan(max_norm):
        raise ValueError(f"clip_grad_norm_: invalid max_norm={max_norm!r}; it must be >= 0 "
                         f"(pass e.g. max_norm=1.0)")
    params = _params_with_grad(parameters)
    if not params:
        return 0.0
    norm_type = float(norm_type)
    grads = [np.asarray(p.grad.data, dtype=np.float64) for p in params]
    if math.isinf(norm_type):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)  # ||g||_inf
    else:
        total = float(sum(np.sum(np.abs(g) ** norm_type)  # ||g||_p over all entries
                          for g in grads) ** (1.0 / norm_type))
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total gradient norm is {total}; a gradient "
                           f"has NaN or inf (try tinygrad_edu.detect_anomaly())")
    coef = min(max_norm / (total + 1e-6), 1.0)  # scale = min(1, max_norm / ||g||)
    if coef < 1.0:
        for p in params:
            _set_grad(p, p.grad.data * coef)  # g <- scale * g, as a new array
    return total


def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clamp every gradient entry into [-clip_value, clip_value].

    Cheaper than norm clipping but changes the step's direction; used against rare huge
    entries. Assigns new gradient Tensors (never writes into the old arrays).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([0.0, 0.0], requires_grad=True)
        >>> (w * Tensor([3.0, -0.5])).sum().backward()
        >>> clip_grad_value_([w], 1.0); w.grad.data.tolist()
        [1.0, -0.5]
    """
    number_arg("clip_grad_value_", "clip_value", clip_value)
    if not clip_value >= 0:
        raise ValueError(f"clip_grad_value_: invalid clip_value={clip_value!r}; it must be "
                         f">= 0 (pass e.g. clip_value=1.0)")
    for p in _params_with_grad(parameters):
        _set_grad(p, np.clip(p.grad.data, -clip_value, clip_value))  # g <- clip(g, -c, c)
