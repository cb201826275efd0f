"""Loss functions (and functional forms of layers), numerically stable for extreme inputs.

Every loss takes `reduction='mean' | 'sum' | 'none'` as in PyTorch.
"""
import numpy as np

from tinygrad_edu import Tensor

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
    return x if isinstance(x, Tensor) else like._operand(x)


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


def _check_class_targets(op_name, scores, target):
    target_data = np.asarray(getattr(target, "data", target))
    if target_data.dtype.kind not in "iu":
        raise TypeError(f"{op_name}: target must hold integer class indices, got dtype "
                        f"{target_data.dtype}; convert with .astype(np.int64)")
    if scores.ndim < 1 or target_data.shape != scores.shape[:1] + scores.shape[2:]:
        raise ValueError(f"{op_name}: scores of shape {scores.shape} need targets of shape "
                         f"{scores.shape[:1] + scores.shape[2:]} (one class index per sample), got "
                         f"{target_data.shape}")
    classes = scores.shape[1] if scores.ndim > 1 else scores.shape[0]
    if target_data.size and (target_data.min() < 0 or target_data.max() >= classes):
        raise IndexError(f"{op_name}: class index {int(target_data.max())} out of range for "
                         f"{classes} classes (valid 0..{classes - 1})")
    return target_data


def nll_loss(log_probs, target, reduction: str = "mean"):
    """Negative log-likelihood of integer class targets, given log-probabilities (N, C[, ...])."""
    target = _check_class_targets("nll_loss", log_probs, target)
    if log_probs.ndim == 1:
        picked = log_probs[target]
    else:
        moved = log_probs.permute(0, *range(2, log_probs.ndim), 1)   # classes last
        flat = moved.reshape(-1, log_probs.shape[1])
        picked = flat[np.arange(flat.shape[0]), target.reshape(-1)].reshape(*target.shape)
    return _reduce(-picked, reduction, "nll_loss")


def cross_entropy(logits, target, reduction: str = "mean"):
    """Softmax cross-entropy with integer class targets: -log softmax(logits)[target].

    Computed as log_softmax (x - logsumexp x), so logits of 1e4 give a finite loss.

    Example:
        >>> round(cross_entropy(Tensor([[0.0, 0.0]]), np.array([1])).item(), 4)
        0.6931
    """
    dim = 1 if logits.ndim > 1 else 0
    return nll_loss(logits.log_softmax(dim), target, reduction)


def binary_cross_entropy(input, target, reduction: str = "mean", eps: float = 1e-12):
    """-[y log p + (1 - y) log(1 - p)] for probabilities p (log clamped as PyTorch does at -100)."""
    target = _as_tensor(target, input)
    _check_same_shape("binary_cross_entropy", input, target)
    log_p = input.clip(lo=eps).log().clip(lo=-100.0)
    log_1mp = (1 - input).clip(lo=eps).log().clip(lo=-100.0)
    return _reduce(-(target * log_p + (1 - target) * log_1mp), reduction, "binary_cross_entropy")


def binary_cross_entropy_with_logits(logits, target, reduction: str = "mean"):
    """Binary cross-entropy on logits z: softplus(z) - y z, finite for |z| of 1e4 and beyond."""
    target = _as_tensor(target, logits)
    _check_same_shape("binary_cross_entropy_with_logits", logits, target)
    return _reduce(logits.softplus() - target * logits, reduction,
                   "binary_cross_entropy_with_logits")


def hinge_loss(scores, target, margin: float = 1.0, reduction: str = "mean"):
    """max(0, margin - y s) for labels y in {-1, +1} (the SVM loss of the course notes)."""
    target = _as_tensor(target, scores)
    _check_same_shape("hinge_loss", scores, target)
    return _reduce((margin - target * scores).relu(), reduction, "hinge_loss")
