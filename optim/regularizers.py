"""L2 and L1 regularisation (the course notes (summary), section 6.4).

L2 (weight decay): Omega = (mu/2) sum ||W||_F^2; its gradient mu*W is smooth, so it can simply
be added to the loss (or passed as `weight_decay=` to an optimiser).
L1: Omega = mu sum |W_ij| is not differentiable at 0, so plain (sub)gradient steps make weights
oscillate around 0 and never reach it. The proximal step solves
    w* = argmin_w (1/2)||w - w0||^2 + t ||w||_1 = sign(w0) max(|w0| - t, 0)
(the soft-thresholding operator of the course notes (summary)), which sets small weights exactly to zero.
Proximal gradient descent (ISTA) = a gradient step on the smooth loss, then this prox with
t = lr * mu.
"""
from __future__ import annotations

import numpy as np


def _weights(params, include_bias: bool):
    params = list(params)
    if include_bias:
        return params
    return [p for p in params if np.ndim(p.data) > 1]


def l2_penalty(params, mu: float, include_bias: bool = False):
    """The L2 penalty (mu/2) sum ||W||^2 as a Tensor, to add to the loss before backward.

    Why `include_bias=False`: the summary notes say it is common to penalise only weights; the biases
    (1-D parameters) are left out unless asked for.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> W = Tensor([[1.0, 2.0]], requires_grad=True)
        >>> float(l2_penalty([W], mu=0.1).data)
        0.25
    """
    terms = [(p * p).sum() for p in _weights(params, include_bias)]
    if not terms:
        raise ValueError("l2_penalty: no parameters to penalise (only biases were given; pass "
                         "include_bias=True to penalise them)")
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total * (0.5 * mu)  # Omega = (mu/2) sum ||W||_F^2 (seed 002 6.4)


def l1_penalty(params, mu: float, include_bias: bool = False):
    """The L1 penalty mu sum |W_ij| as a Tensor (for reporting, or subgradient training).

    Prefer `l1_proximal_step_` to train with it: subgradients never produce exact zeros.
    """
    terms = [p.abs().sum() for p in _weights(params, include_bias)]
    if not terms:
        raise ValueError("l1_penalty: no parameters to penalise (only biases were given; pass "
                         "include_bias=True to penalise them)")
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total * mu  # Omega = mu sum |W_ij| (seed 002 6.4)


def soft_threshold(w0: np.ndarray, t: float) -> np.ndarray:
    """The proximal operator of t*||.||_1: sign(w0) * max(|w0| - t, 0) (the course notes (summary) 6.4).

    Example:
        >>> soft_threshold(np.array([3.0, -0.5, -2.0]), 1.0).tolist()
        [2.0, -0.0, -1.0]
    """
    return np.sign(w0) * np.maximum(np.abs(w0) - t, 0.0)  # w* = sign(w0) max(|w0| - t, 0)


def l1_proximal_step_(params, lr: float, mu: float, include_bias: bool = False) -> None:
    """Apply the L1 proximal step in place after an optimiser step (ISTA).

    Call it right after `opt.step()` with the same learning rate: the pair is one step of
    proximal gradient descent on loss + mu ||W||_1, which converges to the lasso solution and
    produces exact zeros.

    Example:
        >>> # opt.step(); l1_proximal_step_(model.parameters(), lr=0.1, mu=1e-3)
    """
    if lr < 0 or mu < 0:
        raise ValueError(f"l1_proximal_step_: lr={lr!r} and mu={mu!r} must be >= 0")
    for p in _weights(params, include_bias):
        p.data[...] = soft_threshold(p.data, lr * mu)  # prox_{lr*mu*||.||_1}(w)
