"""Margin and embedding losses (PyTorch's F.margin_ranking_loss, soft_margin_loss,
hinge_embedding_loss, cosine_embedding_loss, multi_margin_loss, multilabel_margin_loss,
multilabel_soft_margin_loss, triplet_margin_loss, triplet_margin_with_distance_loss) and the
distances they use (F.pairwise_distance, F.pdist, F.cosine_similarity), composed from Tensor
ops.
"""
import numpy as np

from tinygrad_edu import Tensor
from .functional_loss import _as_tensor, _reduce, _weighted, legacy_reduction


def _labels(op, target, like):
    return _as_tensor(target, like)


def margin_ranking_loss(input1, input2, target, margin: float = 0, size_average=None,
                        reduce=None, reduction: str = "mean"):
    """max(0, -y (x1 - x2) + margin): x1 should rank above x2 when y = 1, below when y = -1.

    Example:
        >>> margin_ranking_loss(Tensor([1.0]), Tensor([2.0]), Tensor([1.0])).item()
        1.0
    """
    y = _labels("margin_ranking_loss", target, input1)
    loss = (-y * (input1 - input2) + margin).relu()
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction), "margin_ranking_loss")


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction: str = "mean"):
    """log(1 + e^(-y x)) for labels y in {-1, 1}: the logistic loss written with margins.

    Example:
        >>> round(soft_margin_loss(Tensor([0.0]), Tensor([1.0])).item(), 4)
        0.6931
    """
    y = _labels("soft_margin_loss", target, input)
    return _reduce((-y * input).softplus(), legacy_reduction(size_average, reduce, reduction),
                   "soft_margin_loss")


def hinge_embedding_loss(input, target, margin: float = 1.0, size_average=None, reduce=None,
                         reduction: str = "mean"):
    """x where y = 1, max(0, margin - x) where y = -1 (x usually a distance between a pair).

    Example:
        >>> hinge_embedding_loss(Tensor([0.25, 0.25]), Tensor([1.0, -1.0]), reduction='none').tolist()
        [0.25, 0.75]
    """
    y = _labels("hinge_embedding_loss", target, input).data
    clamped = (margin - input).relu()
    # PyTorch's form: the margin term where y != 1 plus the input where y != -1
    loss = Tensor.where(y != 1, clamped, 0.0) + Tensor.where(y != -1, input, 0.0)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction),
                   "hinge_embedding_loss")


def cosine_embedding_loss(input1, input2, target, margin: float = 0, size_average=None,
                          reduce=None, reduction: str = "mean"):
    """1 - cos(x1, x2) where y = 1, max(0, cos(x1, x2) - margin) where y = -1.

    Example:
        >>> cosine_embedding_loss(Tensor([[1.0, 0.0]]), Tensor([[1.0, 0.0]]), Tensor([1.0])).item()
        0.0
    """
    if input1.shape != input2.shape or input1.ndim not in (1, 2):
        raise ValueError(f"cosine_embedding_loss: inputs must be (N, D) or (D,) of one shape, got "
                         f"{input1.shape} and {input2.shape}")
    dim = input1.ndim - 1
    y = _labels("cosine_embedding_loss", target, input1).data
    eps = 1e-12
    dot = (input1 * input2).sum(axis=dim)
    denominator = (((input1 * input1).sum(axis=dim) + eps) * ((input2 * input2).sum(axis=dim) + eps)).sqrt()
    cos = dot / denominator
    loss = Tensor.where(y == 1, 1 - cos, 0.0) + Tensor.where(y == -1, (cos - margin).relu(), 0.0)
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction),
                   "cosine_embedding_loss")


def _class_indices(op, target, rows, classes):
    index = np.asarray(getattr(target, "data", target))
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op}: target must hold integer class indices, got dtype {index.dtype}")
    return index


def multi_margin_loss(input, target, p: int = 1, margin: float = 1.0, weight=None,
                      size_average=None, reduce=None, reduction: str = "mean"):
    """Multi-class hinge: sum over j != y of max(0, margin - x[y] + x[j])^p / C per sample.

    Example:
        >>> round(multi_margin_loss(Tensor([[0.1, 0.2, 0.4, 0.8]]), np.array([3])).item(), 4)
        0.325
    """
    if p not in (1, 2):
        raise ValueError(f"multi_margin_loss: only p = 1 and p = 2 are supported, got {p}")
    x = input if input.ndim == 2 else input.reshape(1, -1)     # (C,) and a 0-d score: one sample
    if input.ndim > 2:
        raise ValueError(f"multi_margin_loss: input must be (N, C), (C,) or 0-d, got {input.shape}")
    n, classes = x.shape
    y = _class_indices("multi_margin_loss", target, n, classes).reshape(-1)
    if y.shape != (n,) or (y.size and (y.min() < 0 or y.max() >= classes)):
        raise ValueError(f"multi_margin_loss: target must hold {n} class indices in [0, {classes})")
    picked = x[np.arange(n), y].reshape(n, 1)
    terms = (x - picked + margin).relu()
    if p == 2:
        terms = terms * terms
    if weight is not None:
        w = _as_tensor(weight, x)
        terms = terms * w[y].reshape(n, 1)
    others = np.ones((n, classes), dtype=x.dtype)
    others[np.arange(n), y] = 0                       # j = y does not count
    loss = (terms * Tensor(others, dtype=x.dtype)).sum(axis=1) / classes
    if input.ndim < 2:
        loss = loss.reshape(())
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction), "multi_margin_loss")


def multilabel_margin_loss(input, target, size_average=None, reduce=None,
                           reduction: str = "mean"):
    """Multi-label hinge: for every target class j and non-target class k of a sample,
    max(0, 1 - (x[j] - x[k])), summed and divided by C. The targets of a row are class
    indices, ended by the first -1 (a class listed twice counts twice, as PyTorch).

    Example:
        >>> round(multilabel_margin_loss(Tensor([[0.1, 0.2, 0.4, 0.8]]), np.array([[3, 0, -1, 1]])).item(), 4)
        0.85
    """
    x = input if input.ndim == 2 else input.reshape(1, -1)
    n, classes = x.shape
    index = _class_indices("multilabel_margin_loss", target, n, classes).reshape(n, classes)
    counts = np.zeros((n, classes), dtype=x.dtype)     # a repeated target counts again
    for i in range(n):
        for j in index[i]:
            if j < 0:
                break
            counts[i, j] += 1
    # pair (j, k): j a target, k not; hinge on x[k] - x[j] + 1
    pairs = counts[:, :, None] * (counts == 0)[:, None, :]
    diff = x.unsqueeze(1) - x.unsqueeze(2) + 1.0              # [i, j, k] = x_k - x_j + 1
    loss = (diff.relu() * Tensor(pairs, dtype=x.dtype)).sum(axis=(1, 2)) / classes
    if input.ndim == 1:
        loss = loss.reshape(())
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction),
                   "multilabel_margin_loss")


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction: str = "mean"):
    """Per class binary cross-entropy of logits, averaged over the classes of each sample.

    Example:
        >>> round(multilabel_soft_margin_loss(Tensor([[0.0, 0.0]]), Tensor([[1.0, 0.0]])).item(), 4)
        0.6931
    """
    y = _as_tensor(target, input)
    loss = input.softplus() - y * input                   # -[y log s(x) + (1 - y) log s(-x)]
    loss = _weighted(loss, weight, "multilabel_soft_margin_loss")
    loss = loss.sum(axis=input.ndim - 1) / input.shape[-1]
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction),
                   "multilabel_soft_margin_loss")


def pairwise_distance(x1, x2, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
    """||x1 - x2 + eps||_p over the last dim (eps keeps the gradient finite at x1 = x2).

    Example:
        >>> round(pairwise_distance(Tensor([[0.0, 0.0]]), Tensor([[3.0, 4.0]])).item(), 4)
        5.0
    """
    d = x1 - x2 + eps
    axis = max(d.ndim - 1, 0)
    if d.ndim == 0:
        d = d.reshape(1)
    size = d.abs()
    if p == float("inf"):
        out = size.max(axis)[0]
    elif p == 0:
        out = Tensor((size.data != 0).sum(axis=axis).astype(d.dtype), dtype=d.dtype)
    else:
        out = (size ** p).sum(axis=axis) ** (1.0 / p)
    return out.unsqueeze(-1) if keepdim else out


def pdist(input, p: float = 2.0):
    """The p-norm distances between every pair of rows i < j of an (N, M) input, as a vector of
    N (N - 1) / 2 values in row order (PyTorch's F.pdist; a zero distance has gradient 0).

    Example:
        >>> pdist(Tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])).tolist()
        [5.0, 1.0, 4.242640495300293]
    """
    if input.ndim != 2:
        raise ValueError(f"pdist: expects an (N, M) input, got shape {input.shape}")
    if p < 0:
        raise ValueError(f"pdist: p must be non-negative, got {p}")
    rows, cols = np.triu_indices(input.shape[0], 1)
    return (input[rows] - input[cols]).norm(p, dim=1)


def cosine_similarity(x1, x2, dim: int = 1, eps: float = 1e-8):
    """<x1, x2> / (max(||x1||, eps) max(||x2||, eps)) along `dim` (broadcast).

    Each norm is clamped at eps in value only, as PyTorch does.

    Example:
        >>> cosine_similarity(Tensor([[1.0, 0.0]]), Tensor([[0.0, 2.0]])).tolist()
        [0.0]
    """
    x1, x2 = x1 + x2 * 0.0, x2 + x1 * 0.0              # broadcast to one shape

    def unit(x):
        norm = (x * x).sum(axis=dim, keepdims=True).sqrt()
        norm = norm + Tensor(np.maximum(norm.data, eps) - norm.data, dtype=norm.dtype)
        return x / norm
    return (unit(x1) * unit(x2)).sum(axis=dim)


def triplet_margin_loss(anchor, positive, negative, margin: float = 1.0, p: float = 2,
                        eps: float = 1e-6, swap: bool = False, size_average=None, reduce=None,
                        reduction: str = "mean"):
    """max(d(a, p) - d(a, n) + margin, 0) with the pairwise p-norm distance d: pull the
    positive closer to the anchor than the negative, by a margin. `swap` uses
    min(d(a, n), d(p, n)) (the harder negative distance).

    Example:
        >>> a, p_, n = Tensor([[0.0]]), Tensor([[1.0]]), Tensor([[3.0]])
        >>> round(triplet_margin_loss(a, p_, n).item(), 4)
        0.0
    """
    if not margin > 0:
        raise ValueError(f"triplet_margin_loss: margin must be greater than 0, got {margin}; with "
                         f"margin <= 0 a triplet with d(a, p) = d(a, n) already has loss 0")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_swap = pairwise_distance(positive, negative, p, eps)
        d_neg = Tensor.where(d_swap.data < d_neg.data, d_swap, d_neg)
    loss = (d_pos - d_neg + margin).relu()
    return _reduce(loss, legacy_reduction(size_average, reduce, reduction), "triplet_margin_loss")


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None,
                                      margin: float = 1.0, swap: bool = False,
                                      reduction: str = "mean"):
    """The triplet loss max(d(a, p) - d(a, n) + margin, 0) with any distance d (a function of
    two tensors; `pairwise_distance` by default), e.g. `1 - cosine_similarity` for embeddings
    compared by angle. `swap` takes min(d(a, n), d(p, n)).

    Example:
        >>> a, p_, n = Tensor([[0.0]]), Tensor([[1.0]]), Tensor([[1.5]])
        >>> round(triplet_margin_with_distance_loss(a, p_, n).item(), 4)
        0.5
    """
    op = "triplet_margin_with_distance_loss"
    if not margin > 0:
        raise ValueError(f"{op}: margin must be greater than 0, got {margin}")
    dims = [t.ndim for t in (anchor, positive, negative)]
    if len(set(dims)) != 1:
        raise ValueError(f"{op}: anchor, positive and negative must have the same number of dims, "
                         f"got {dims[0]}, {dims[1]} and {dims[2]}")
    distance = distance_function if distance_function is not None else pairwise_distance
    d_pos, d_neg = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_neg = d_neg.minimum(distance(positive, negative))
    loss = (d_pos - d_neg + margin).clamp_min(0)
    return _reduce(loss, reduction, op)
