"""Loss functions of classification and regression (PyTorch's F.* names), numerically stable
for extreme inputs.

Every loss takes `reduction='mean' | 'sum' | 'none'` as in PyTorch; the loss modules of
`nn/loss.py` wrap these functions.
"""
import sys

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.dtypes import as_array
from tinygrad_edu.argcheck import describe


_REDUCTIONS = ("mean", "sum", "none")


def legacy_reduction(size_average, reduce, reduction):
    """PyTorch's deprecated size_average / reduce flags as a reduction string (when given)."""
    if size_average is None and reduce is None:
        return reduction
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def _weighted(loss, weight, op_name):
    """loss * weight (broadcast), for the losses that take an elementwise `weight`."""
    if weight is None:
        return loss
    w = _as_tensor(weight, loss)
    try:
        np.broadcast_shapes(w.shape, loss.shape)
    except ValueError:
        raise ValueError(f"{op_name}: weight of shape {w.shape} does not broadcast to the loss of "
                         f"shape {loss.shape}") from None
    return loss * w


def _reduce(loss, reduction, op_name):
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"{op_name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _check_same_shape(op_name, input, target):
    if input.shape != target.shape:
        raise ValueError(f"{op_name}: input shape {input.shape} and target shape {target.shape} "
                         f"differ; they must match (reshape the target or the prediction)")


def _as_tensor(x, like):
    """A target given as a number, list or array becomes a constant of the input's float dtype."""
    if isinstance(x, Tensor):
        return x
    dtype = like.dtype if like.dtype.kind == "f" else None
    try:
        return Tensor._make(as_array(x, dtype, op=""), None)
    except (TypeError, ValueError) as error:        # name the loss: read from the stack
        raise type(error)(f"{sys._getframe(1).f_code.co_name} (target): {error}") from None


def mse_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    """Mean squared error (input - target)^2.

    Example:
        >>> mse_loss(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item()
        2.0
    """
    target = _as_tensor(target, input)
    _check_same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce(_weighted(diff * diff, weight, "mse_loss"),
                   legacy_reduction(size_average, reduce, reduction), "mse_loss")


def l1_loss(input, target, size_average=None, reduce=None, reduction: str = "mean", weight=None):
    """Mean absolute error |input - target|."""
    target = _as_tensor(target, input)
    _check_same_shape("l1_loss", input, target)
    return _reduce(_weighted((input - target).abs(), weight, "l1_loss"),
                   legacy_reduction(size_average, reduce, reduction), "l1_loss")


def _check_class_targets(op_name, scores, target, ignore_index):
    """Integer targets of the right shape and range; returns (targets, mask of kept entries)."""
    target_data = np.asarray(getattr(target, "data", target))
    if target_data.dtype.kind not in "iu":
        raise TypeError(f"{op_name}: target must hold integer class indices, got dtype "
                        f"{target_data.dtype}; convert with .astype(np.int64)")
    if scores.ndim < 1:
        raise ValueError(f"{op_name}: scores must have a class dimension, got a 0-d tensor")
    expected = scores.shape[:1] + scores.shape[2:] if scores.ndim > 1 else ()
    if target_data.shape != expected:
        raise ValueError(f"{op_name}: scores of shape {scores.shape} need targets of shape "
                         f"{expected} (one class index per sample), got {target_data.shape}")
    classes = scores.shape[1] if scores.ndim > 1 else scores.shape[0]
    kept = target_data != ignore_index
    bad = kept & ((target_data < 0) | (target_data >= classes))
    if bad.any():
        raise IndexError(f"{op_name}: class index {int(target_data[bad].flat[0])} is out of range "
                         f"for {classes} classes (valid 0..{classes - 1}, or ignore_index="
                         f"{ignore_index} to skip an entry)")
    return target_data, kept


def _class_weight(op_name, weight, classes, dtype):
    if weight is None:
        return None
    if isinstance(weight, str):
        raise TypeError(f"{op_name}: weight must be a per-class array, got the string {weight!r}; "
                        f"pass the reduction by keyword: reduction={weight!r}")
    w = as_array(getattr(weight, "data", weight), dtype, op=f"{op_name} (weight)")
    if w.shape != (classes,):
        raise ValueError(f"{op_name}: weight must have one entry per class, shape ({classes},), "
                         f"got {w.shape}")
    return w


def nll_loss(input, target, weight=None, size_average=None, ignore_index: int = -100,
             reduce=None, reduction: str = "mean"):
    """Negative log-likelihood -log p[target] of integer class targets, given log-probabilities.

    Shapes as PyTorch: scores (N, C) or (N, C, d1, ...) with targets (N,) or (N, d1, ...), or
    scores (C,) with a 0-d target. With class weights w the loss of sample i is
    -w[y_i] log p_i[y_i], and 'mean' divides by sum_i w[y_i] (a weighted average); entries
    whose target equals `ignore_index` contribute nothing (e.g. padding in sequences).

    Example:
        >>> logp = Tensor([[0.0, -1.0], [-2.0, 0.0]])
        >>> nll_loss(logp, np.array([1, 0]), reduction='none').tolist()
        [1.0, 2.0]
    """
    log_probs = input           # PyTorch's argument name; the maths calls it log_probs
    reduction = legacy_reduction(size_average, reduce, reduction)
    target, kept = _check_class_targets("nll_loss", log_probs, target, ignore_index)
    classes = log_probs.shape[1] if log_probs.ndim > 1 else log_probs.shape[0]
    w = _class_weight("nll_loss", weight, classes, log_probs.dtype)
    safe = np.where(kept, target, 0)            # ignored entries gather class 0, then are zeroed
    if log_probs.ndim == 1:
        picked = log_probs[safe]
    else:
        moved = log_probs.permute(0, *range(2, log_probs.ndim), 1)   # classes last
        flat = moved.reshape(-1, classes)
        picked = flat[np.arange(flat.shape[0]), safe.reshape(-1)].reshape(*target.shape)
    if w is None and kept.all():
        return _reduce(-picked, reduction, "nll_loss")
    # per-entry weight w[y_i], 0 for ignored entries
    entry_w = np.where(kept, w[safe] if w is not None else 1, 0).astype(log_probs.dtype)
    loss = -picked * Tensor._make(entry_w, None)
    if reduction == "mean":
        total = float(entry_w.sum())
        if total == 0:          # every entry ignored: the loss is 0/0 = nan, its gradient 0
            return loss.sum() * 0.0 + Tensor._make(np.array(np.nan, dtype=loss.dtype), None)
        return loss.sum() / total
    return _reduce(loss, reduction, "nll_loss")


def cross_entropy(input, target, weight=None, size_average=None, ignore_index: int = -100,
                  reduce=None, reduction: str = "mean", label_smoothing: float = 0.0):
    """Softmax cross-entropy: -log softmax(logits)[target] = -z_y + log sum_i exp(z_i).

    This is the multinomial negative log-likelihood of the course notes (the course notes (summary), 3.2).
    It is computed as log_softmax (z - logsumexp z), so logits of 1e4 give a finite loss
    with finite gradients (softmax(z) - onehot(y)). `target` holds integer class indices
    (with optional class `weight` and `ignore_index`, as `nll_loss`) or, as in PyTorch,
    class probabilities of the same shape as the logits. `label_smoothing` e mixes the
    target with the uniform distribution over the C classes: (1 - e) target + e / C.

    Example:
        >>> round(cross_entropy(Tensor([[0.0, 0.0]]), np.array([1])).item(), 4)
        0.6931
    """
    logits = input           # PyTorch's argument name; the maths calls it logits
    try:
        target_array = np.asarray(getattr(target, "data", target))
    except (TypeError, ValueError):
        target_array = np.asarray(None)
    if target_array.dtype.kind not in "biuf":
        raise TypeError(f"cross_entropy: target must hold integer class indices or class "
                        f"probabilities, got {describe(target)}")
    reduction = legacy_reduction(size_average, reduce, reduction)
    if isinstance(label_smoothing, bool) or not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got "
                         f"{label_smoothing!r}")
    if label_smoothing > 0:
        return _smoothed_cross_entropy(logits, target, target_array, weight, ignore_index,
                                       reduction, label_smoothing)
    if logits.ndim == 2 and weight is None and reduction in ("mean", "sum") \
            and target_array.dtype.kind in "iu" and target_array.shape == logits.shape[:1] \
            and not (target_array == ignore_index).any():
        return logits.cross_entropy(target_array, reduction)   # the common case: one fused op
    dim = 1 if logits.ndim > 1 else 0
    log_probs = logits.log_softmax(dim)
    target_dtype = target_array.dtype
    if target_dtype.kind != "f":
        return nll_loss(log_probs, target, weight=weight, ignore_index=ignore_index,
                        reduction=reduction)
    # probability targets: -sum_c w_c t_c log p_c, averaged over the samples for 'mean'
    target = _as_tensor(target, logits)
    _check_same_shape("cross_entropy (probability targets)", logits, target)
    w = _class_weight("cross_entropy", weight, logits.shape[dim], logits.dtype)
    terms = target * log_probs
    if w is not None:
        terms = terms * Tensor._make(w.reshape((-1,) + (1,) * (logits.ndim - dim - 1)), None)
    return _reduce(-terms.sum(axis=dim), reduction, "cross_entropy")


def _smoothed_cross_entropy(logits, target, target_array, weight, ignore_index, reduction,
                            smoothing):
    """Cross-entropy against (1 - e) target + e / C, as PyTorch defines it for both kinds of
    targets (for class indices: (1 - e) nll + e / C * sum_c -w_c log p_c, averaged like nll)."""
    dim = 1 if logits.ndim > 1 else 0
    classes = logits.shape[dim]
    if target_array.dtype.kind == "f":
        target = _as_tensor(target, logits) * (1 - smoothing) + smoothing / classes
        return cross_entropy(logits, target, weight, reduction=reduction)
    log_probs = logits.log_softmax(dim)
    nll = nll_loss(log_probs, target, weight, ignore_index=ignore_index, reduction=reduction)
    w = _class_weight("cross_entropy", weight, classes, logits.dtype)
    terms = log_probs
    if w is not None:
        terms = terms * Tensor._make(w.reshape((-1,) + (1,) * (logits.ndim - dim - 1)), None)
    kept = target_array != ignore_index
    smooth = -terms.sum(axis=dim) * Tensor._make(kept.astype(logits.dtype), None)
    if reduction == "mean":
        safe = np.where(kept, target_array, 0)
        total = float((w[safe] * kept).sum()) if w is not None else float(kept.sum())
        smooth = smooth.sum() / total if total else smooth.sum() * np.nan
    else:
        smooth = _reduce(smooth, reduction, "cross_entropy")
    return nll * (1 - smoothing) + smooth * (smoothing / classes)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """-[y log p + (1 - y) log(1 - p)] for probabilities p in [0, 1].

    As PyTorch, each log is clamped at -100, so p = 0 or 1 gives a finite loss (its
    gradient there is 0). Prefer `binary_cross_entropy_with_logits` on raw scores: it
    never saturates. `weight` multiplies each element's loss (broadcast).

    Example:
        >>> round(binary_cross_entropy(Tensor([0.5]), Tensor([1.0])).item(), 4)
        0.6931
    """
    target = _as_tensor(target, input)
    _check_same_shape("binary_cross_entropy", input, target)
    if input.data.size and not ((input.data >= 0) & (input.data <= 1)).all():    # NaN too
        raise ValueError(f"binary_cross_entropy: input values must be probabilities in [0, 1], got "
                         f"range [{np.nanmin(input.data):.4g}, {np.nanmax(input.data):.4g}]"
                         f"{' and NaN' if np.isnan(input.data).any() else ''}; apply sigmoid "
                         f"first, or use binary_cross_entropy_with_logits on the raw scores")
    # clip at the smallest subnormal so log(0) becomes a large negative number, not -inf
    tiny = float(np.finfo(input.dtype if input.dtype.kind == "f" else np.float64)
                 .smallest_subnormal)
    log_p = input.clip(lo=tiny).log().clip(lo=-100.0)
    log_1mp = (1 - input).clip(lo=tiny).log().clip(lo=-100.0)
    loss = _weighted(-(target * log_p + (1 - target) * log_1mp), weight, "binary_cross_entropy")
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction), "binary_cross_entropy")


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None,
                                     reduction: str = "mean", pos_weight=None):
    """Binary cross-entropy on logits z: softplus(z) - y z = -[y log s(z) + (1-y) log(1-s(z))].

    The logistic log-likelihood of the course notes (the course notes (summary), 3.2: -log sigma((2y-1) z) =
    zeta((1-2y) z) with zeta the softplus), finite for |z| of 1e4 and beyond, with the
    gradient sigmoid(z) - y. `pos_weight` p scales the positive term as PyTorch does:
    (1 - y) z + (1 + (p - 1) y) softplus(-z); `weight` multiplies each element's loss.

    Example:
        >>> binary_cross_entropy_with_logits(Tensor([1e4, -1e4]), Tensor([1.0, 0.0])).item()
        0.0
    """
    logits = input           # PyTorch's argument name; the maths calls it logits
    target = _as_tensor(target, logits)
    _check_same_shape("binary_cross_entropy_with_logits", logits, target)
    if pos_weight is None:
        loss = logits.softplus() - target * logits
    else:
        p = _as_tensor(pos_weight, logits)
        # softplus(-z) = softplus(z) - z, both stable
        loss = (1 - target) * logits + (1 + (p - 1) * target) * (logits.softplus() - logits)
    loss = _weighted(loss, weight, "binary_cross_entropy_with_logits")
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction),
                   "binary_cross_entropy_with_logits")


def hinge_loss(scores, target, margin: float = 1.0, reduction: str = "mean"):
    """max(0, margin - y s) for labels y in {-1, +1}: the SVM loss of the course notes.

    Its derivative is -y where y s < margin and 0 beyond the margin (Liang et al.'s
    Fisher-Rao cheat sheet, Corollary 2.1). Labels 0/1 are refused (they would silently ignore
    one class): use 2 * y - 1.

    Example:
        >>> hinge_loss(Tensor([2.0, 0.5, -1.0]), Tensor([1.0, 1.0, 1.0]), reduction='sum').item()
        2.5
    """
    target = _as_tensor(target, scores)
    _check_same_shape("hinge_loss", scores, target)
    labels = target.data
    if labels.size and not np.all((labels == 1) | (labels == -1)):
        raise ValueError(f"hinge_loss: labels must be -1 or +1, got values "
                         f"{np.unique(labels)[:5].tolist()}; for 0/1 labels use 2 * y - 1")
    return _reduce((margin - target * scores).relu(), reduction, "hinge_loss")
