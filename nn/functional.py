"""Loss functions and functional forms of layers, numerically stable for extreme inputs.

Every loss takes `reduction='mean' | 'sum' | 'none'` as in PyTorch; the loss modules of
`nn/loss.py` wrap these functions. Layers with state (BatchNorm, Embedding) call the
functional forms at the end of this file, which also let gradcheck treat their weights
as plain inputs.
"""
import sys

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.dtypes import as_array
from tinygrad_edu.argcheck import describe, require_tensor
# PyTorch's F.* names defined in their own files (activations, linear, one_hot, layer_norm;
# conv2d with groups / 'same', max_pool2d with ceil_mode)
from .functional_act import (relu, leaky_relu, elu, tanh, sigmoid, softplus, silu, erf, gelu,  # noqa: F401
                             softmax, log_softmax, linear, one_hot, layer_norm)
from .functional_conv import conv1d, conv2d, conv_transpose1d, conv_transpose2d  # noqa: F401
from .functional_pool import (max_pool1d, max_pool2d, avg_pool1d, avg_pool2d,  # noqa: F401
                              adaptive_avg_pool1d, adaptive_avg_pool2d, adaptive_max_pool1d,
                              adaptive_max_pool2d, max_unpool2d)

_REDUCTIONS = ("mean", "sum", "none")


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


def mse_loss(input, target, reduction: str = "mean"):
    """Mean squared error (input - target)^2.

    Example:
        >>> mse_loss(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item()
        2.0
    """
    target = _as_tensor(target, input)
    _check_same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction, "mse_loss")


def l1_loss(input, target, reduction: str = "mean"):
    """Mean absolute error |input - target|."""
    target = _as_tensor(target, input)
    _check_same_shape("l1_loss", input, target)
    return _reduce((input - target).abs(), reduction, "l1_loss")


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


def nll_loss(log_probs, target, weight=None, ignore_index: int = -100, reduction: str = "mean"):
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
        return loss.sum() / float(entry_w.sum())
    return _reduce(loss, reduction, "nll_loss")


def cross_entropy(logits, target, weight=None, ignore_index: int = -100,
                  reduction: str = "mean"):
    """Softmax cross-entropy: -log softmax(logits)[target] = -z_y + log sum_i exp(z_i).

    This is the multinomial negative log-likelihood of the course notes (seed 002, 3.2).
    It is computed as log_softmax (z - logsumexp z), so logits of 1e4 give a finite loss
    with finite gradients (softmax(z) - onehot(y)). `target` holds integer class indices
    (with optional class `weight` and `ignore_index`, as `nll_loss`) or, as in PyTorch,
    class probabilities of the same shape as the logits.

    Example:
        >>> round(cross_entropy(Tensor([[0.0, 0.0]]), np.array([1])).item(), 4)
        0.6931
    """
    try:
        target_array = np.asarray(getattr(target, "data", target))
    except (TypeError, ValueError):
        target_array = np.asarray(None)
    if target_array.dtype.kind not in "biuf":
        raise TypeError(f"cross_entropy: target must hold integer class indices or class "
                        f"probabilities, got {describe(target)}")
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


def binary_cross_entropy(input, target, reduction: str = "mean"):
    """-[y log p + (1 - y) log(1 - p)] for probabilities p in [0, 1].

    As PyTorch, each log is clamped at -100, so p = 0 or 1 gives a finite loss (its
    gradient there is 0). Prefer `binary_cross_entropy_with_logits` on raw scores: it
    never saturates.

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
    return _reduce(-(target * log_p + (1 - target) * log_1mp), reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits, target, reduction: str = "mean", pos_weight=None):
    """Binary cross-entropy on logits z: softplus(z) - y z = -[y log s(z) + (1-y) log(1-s(z))].

    The logistic log-likelihood of the course notes (seed 002, 3.2: -log sigma((2y-1) z) =
    zeta((1-2y) z) with zeta the softplus), finite for |z| of 1e4 and beyond, with the
    gradient sigmoid(z) - y. `pos_weight` p scales the positive term as PyTorch does:
    (1 - y) z + (1 + (p - 1) y) softplus(-z).

    Example:
        >>> binary_cross_entropy_with_logits(Tensor([1e4, -1e4]), Tensor([1.0, 0.0])).item()
        0.0
    """
    target = _as_tensor(target, logits)
    _check_same_shape("binary_cross_entropy_with_logits", logits, target)
    if pos_weight is None:
        loss = logits.softplus() - target * logits
    else:
        p = _as_tensor(pos_weight, logits)
        # softplus(-z) = softplus(z) - z, both stable
        loss = (1 - target) * logits + (1 + (p - 1) * target) * (logits.softplus() - logits)
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def hinge_loss(scores, target, margin: float = 1.0, reduction: str = "mean"):
    """max(0, margin - y s) for labels y in {-1, +1}: the SVM loss of the course notes.

    Its derivative is -y where y s < margin and 0 beyond the margin (seed 000, Corollary
    2.1). Labels 0/1 are refused (they would silently ignore one class): use 2 * y - 1.

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


# ---------------------------------------------------------------- layers with state

def batch_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5):
    """Batch normalisation over every dim except the channels (dim 1), as PyTorch's F.batch_norm.

    With `training` (or without running statistics) each channel is normalised with the
    batch mean and the biased batch variance, and the running statistics, when given,
    are moved towards the batch ones in place: r <- (1 - momentum) r + momentum b, with
    the unbiased variance (n / (n - 1)) for running_var. Otherwise the running
    statistics are used. Built from Tensor ops: the gradient flows through the batch
    mean and variance too.

    Example:
        >>> x = Tensor([[1.0], [3.0]])
        >>> batch_norm(x, training=True, eps=0.0).tolist()
        [[-1.0], [1.0]]
    """
    require_tensor("batch_norm", "input", input, Tensor)
    if input.ndim < 2:
        raise ValueError(f"batch_norm: input needs a batch and a channel dim (N, C, ...), got "
                         f"shape {input.shape}")
    channels = input.shape[1]
    for name, t in (("running_mean", running_mean), ("running_var", running_var),
                    ("weight", weight), ("bias", bias)):
        if t is not None and getattr(t, "shape", None) != (channels,):   # before any update
            raise ValueError(f"batch_norm: {name} must be a Tensor of shape ({channels},), one "
                             f"value per channel of the input {input.shape}, got {describe(t)}")
    axes = (0,) + tuple(range(2, input.ndim))
    stat_shape = (1, channels) + (1,) * (input.ndim - 2)
    use_batch = training or running_mean is None or running_var is None
    if use_batch:
        count = input.data.size // channels
        if training and count <= 1:
            raise ValueError(f"batch_norm: expected more than 1 value per channel when training, "
                             f"got input of shape {input.shape}; use a batch of 2 or more, or "
                             f"call .eval() on the module")
        mean = input.mean(axis=axes, keepdims=True)
        centred = input - mean
        var = (centred * centred).mean(axis=axes, keepdims=True)     # biased, as in the forward
        if training and running_mean is not None and running_var is not None:
            unbiased = var.data.reshape(channels) * (count / max(count - 1, 1))
            running_mean.data[...] = ((1 - momentum) * running_mean.data
                                      + momentum * mean.data.reshape(channels))
            running_var.data[...] = (1 - momentum) * running_var.data + momentum * unbiased
    else:
        mean = Tensor._make(running_mean.data.reshape(stat_shape), None)
        var = Tensor._make(running_var.data.reshape(stat_shape), None)
        centred = input - mean
    # seed 002, batch normalisation: x~ = (x - mu) / sqrt(delta + sigma^2), then alpha x~ + beta
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight.reshape(*stat_shape)
    if bias is not None:
        out = out + bias.reshape(*stat_shape)
    return out


def embedding(input, weight, padding_idx=None):
    """Rows of `weight` picked by integer indices of any shape: output shape input.shape + (D,).

    A lookup is indexing, so the gradient of a row is the sum of the output gradients of
    every position that picked it (repeated indices accumulate). The row `padding_idx`
    gets no gradient.

    Example:
        >>> table = Tensor([[0.0, 0.0], [1.0, 2.0]])
        >>> embedding(np.array([[1, 1, 0]]), table).shape
        (1, 3, 2)
    """
    index = np.asarray(getattr(input, "data", input))
    if index.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be integers, got dtype {index.dtype}; convert "
                        f"with .astype(np.int64)")
    rows = weight.shape[0]
    if index.size and (index.min() < 0 or index.max() >= rows):
        bad = index[(index < 0) | (index >= rows)].flat[0]
        raise IndexError(f"embedding: index {int(bad)} is out of range for a table of {rows} rows "
                         f"(shape {weight.shape}); valid indices are 0..{rows - 1}")
    out = weight[index]
    if padding_idx is not None:
        keep = (index != padding_idx)[..., None]
        out = Tensor.where(keep, out, out.detach())     # same values, no gradient to padding
    return out


# ---------------------------------------------------------------- convolution, pooling, dropout
def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False,
            generator=None):
    """Inverted dropout: zero with probability p and scale the rest by 1/(1-p) while training;
    the identity when training=False (as PyTorch's F.dropout). `inplace` is accepted for
    PyTorch code (the result is always a new tensor); `generator` draws the mask.

    Example:
        >>> dropout(Tensor.ones(3), 0.5, training=False).tolist()
        [1.0, 1.0, 1.0]
    """
    require_tensor("dropout", "input", input, Tensor)
    return input.dropout(p, training=training, generator=generator)
