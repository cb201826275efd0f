"""Regression and likelihood losses (PyTorch's F.smooth_l1_loss, huber_loss, kl_div,
poisson_nll_loss, gaussian_nll_loss), composed from Tensor ops.

Pieces are chosen by constant boolean masks (`Tensor.where`), with PyTorch's inequalities, so
the gradient at a switch point is PyTorch's too.
"""
import math

import numpy as np

from tinygrad_edu import Tensor
from .functional_loss import (_as_tensor, _check_same_shape, _reduce, _weighted,
                              legacy_reduction)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean",
                   beta: float = 1.0):
    """0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta, for d = input - target.

    Quadratic near 0 (smooth gradient) and linear beyond beta (robust to outliers); beta = 0
    gives the L1 loss.

    Example:
        >>> smooth_l1_loss(Tensor([0.5, 3.0]), Tensor([0.0, 0.0]), reduction='none').tolist()
        [0.125, 2.5]
    """
    target = _as_tensor(target, input)
    _check_same_shape("smooth_l1_loss", input, target)
    if beta < 0:
        raise ValueError(f"smooth_l1_loss: beta must be >= 0, got {beta}")
    d = input - target
    size = d.abs()
    loss = size if beta == 0 else Tensor.where(size.data < beta, d * d * (0.5 / beta),
                                               size - 0.5 * beta)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction), "smooth_l1_loss")


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0, weight=None):
    """0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta): smooth_l1 scaled by delta.

    Example:
        >>> huber_loss(Tensor([0.5, 3.0]), Tensor([0.0, 0.0]), reduction='none', delta=2.0).tolist()
        [0.125, 4.0]
    """
    target = _as_tensor(target, input)
    _check_same_shape("huber_loss", input, target)
    if delta <= 0:
        raise ValueError(f"huber_loss: delta must be > 0, got {delta}")
    d = input - target
    size = d.abs()
    loss = Tensor.where(size.data < delta, d * d * 0.5, (size - 0.5 * delta) * delta)
    return _reduce(_weighted(loss, weight, "huber_loss"), reduction, "huber_loss")


def _xlogx(t):
    """t log t with 0 log 0 = 0 (PyTorch's xlogy(t, t), the entropy term of kl_div; NaN for
    t < 0, as there)."""
    zero = t.data == 0
    safe = Tensor.where(zero, 1.0, t)
    with np.errstate(invalid="ignore", divide="ignore"):
        return Tensor.where(zero, 0.0, t * safe.log())


def kl_div(input, target, size_average=None, reduce=None, reduction: str = "mean",
           log_target: bool = False):
    """Kullback-Leibler divergence KL(target || q) given log q = input: t (log t - input).

    With `log_target` the target is given as log t too: e^t (t - input). reduction
    'batchmean' divides the sum by the batch size (the true KL per sample); 'mean' averages
    over every element, as PyTorch.

    Example:
        >>> q = Tensor([0.5, 0.5]).log()
        >>> round(kl_div(q, Tensor([0.9, 0.1]), reduction='sum').item(), 4)
        0.3681
    """
    target = _as_tensor(target, input)
    _check_same_shape("kl_div", input, target)
    loss = target.exp() * (target - input) if log_target else _xlogx(target) - target * input
    reduction = legacy_reduction(size_average, reduce, reduction)
    if reduction == "batchmean":
        return loss.sum() / (input.shape[0] if input.ndim else 1)
    return _reduce(loss, reduction, "kl_div")


def poisson_nll_loss(input, target, log_input: bool = True, full: bool = False,
                     size_average=None, eps: float = 1e-8, reduce=None,
                     reduction: str = "mean"):
    """Negative log-likelihood of a Poisson count `target` with rate lambda.

    log_input: lambda = e^input, loss e^input - t input; else loss input - t log(input + eps).
    `full` adds Stirling's approximation of log(t!), t log t - t + log(2 pi t) / 2 (for t > 1).

    Example:
        >>> poisson_nll_loss(Tensor([0.0]), Tensor([2.0])).item()
        1.0
    """
    target = _as_tensor(target, input)
    _check_same_shape("poisson_nll_loss", input, target)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        big = target.data > 1
        safe = Tensor.where(big, target, 2.0)
        stirling = safe * safe.log() - safe + (safe * (2 * math.pi)).log() * 0.5
        loss = loss + Tensor.where(big, stirling, 0.0)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction), "poisson_nll_loss")


def gaussian_nll_loss(input, target, var, full: bool = False, eps: float = 1e-6,
                      reduction: str = "mean"):
    """Negative log-likelihood of `target` under N(input, var): (log var + (x - t)^2 / var) / 2.

    `var` has the input's shape, or one dim fewer, or broadcasts to it (e.g. a last dim of 1:
    one variance shared by the features), or is a number. It is clamped at eps for stability with the gradient
    passing through unchanged, as PyTorch. `full` adds log(2 pi) / 2.

    Example:
        >>> gaussian_nll_loss(Tensor([0.0]), Tensor([0.0]), Tensor([1.0])).item()
        0.0
    """
    target = _as_tensor(target, input)
    if not isinstance(var, Tensor):
        var = Tensor(np.full(input.shape, float(var), dtype=input.dtype), dtype=input.dtype)
    if var.shape != input.shape:
        if input.shape[:-1] == var.shape:
            var = var.unsqueeze(-1)
        try:
            fits = np.broadcast_shapes(var.shape, input.shape) == input.shape
        except ValueError:
            fits = False
        if not fits:
            raise ValueError(f"gaussian_nll_loss: var of shape {var.shape} does not fit the input "
                             f"{input.shape} (same shape, one dim fewer, or broadcastable to it)")
    if (var.data < 0).any():
        raise ValueError("gaussian_nll_loss: var has negative entries")
    # clamp at eps in value only: the gradient with respect to var is that of the unclamped var
    var = var + Tensor(np.maximum(var.data, eps) - var.data, dtype=var.dtype)
    d = input - target
    loss = (var.log() + d * d / var) * 0.5
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction, "gaussian_nll_loss")
