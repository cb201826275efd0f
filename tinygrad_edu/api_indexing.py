"""Module-level indexing and sorting named as in `torch` (`torch.gather(x, 1, i)` ports as
`tinygrad_edu.gather(x, 1, i)`): doors to the Tensor methods of ops/indexing.py,
scatter_reduce.py, scatter_views.py and sorting.py.

    >>> import tinygrad_edu as tg
    >>> tg.sort(tg.tensor([3.0, 1.0, 2.0])).values.tolist()
    [1.0, 2.0, 3.0]
"""
from .tensor import Tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def gather(input, dim, index):
    """Values at index along dim. As torch.gather."""
    return _t(input).gather(dim, index)


def index_select(input, dim, index):
    """The slices at index along dim. As torch.index_select."""
    return _t(input).index_select(dim, index)


def index_add(input, dim, index, source, *, alpha=1):
    """Add source's slices at index. As torch.index_add."""
    return _t(input).index_add(dim, index, source, alpha)


def index_copy(input, dim, index, source):
    """Write source's slices at index. As torch.index_copy."""
    return _t(input).index_copy(dim, index, source)


def index_fill(input, dim, index, value):
    """Fill value at index along dim. As torch.index_fill."""
    return _t(input).index_fill(dim, index, value)


def scatter(input, dim, index, src=None, *, value=None, reduce=None):
    """Write src at index along dim. As torch.scatter."""
    return _t(input).scatter(dim, index, src, value, reduce)


def scatter_add(input, dim, index, src):
    """Add src at index along dim. As torch.scatter_add."""
    return _t(input).scatter_add(dim, index, src)


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True):
    """Combine src at index with a reduction. As torch.scatter_reduce."""
    return _t(input).scatter_reduce(dim, index, src, reduce, include_self)


def masked_select(input, mask):
    """The elements where mask is true. As torch.masked_select."""
    return _t(input).masked_select(mask)


def masked_fill(input, mask, value):
    """value where mask is true. As torch.masked_fill."""
    return _t(input).masked_fill(mask, value)


def take(input, index):
    """Elements of the flattened tensor at index. As torch.take."""
    return _t(input).take(index)


def take_along_dim(input, indices, dim=None):
    """Values at indices along dim. As torch.take_along_dim."""
    return _t(input).take_along_dim(indices, dim)


def sort(input, dim=-1, descending=False, stable=False):
    """(values, indices) sorted along dim. As torch.sort."""
    return _t(input).sort(dim, descending, stable)


def argsort(input, dim=-1, descending=False, stable=False):
    """Indices that sort along dim. As torch.argsort."""
    return _t(input).argsort(dim, descending, stable)


def msort(input):
    """Sorted along dim 0. As torch.msort."""
    return _t(input).msort()


def topk(input, k, dim=-1, largest=True, sorted=True):
    """(values, indices) of the k largest. As torch.topk."""
    return _t(input).topk(k, dim, largest, sorted)


def nonzero(input, *, as_tuple=False):
    """Indices of the non-zero elements. As torch.nonzero."""
    return _t(input).nonzero(as_tuple)


def argwhere(input):
    """Indices of the non-zero elements. As torch.argwhere."""
    return _t(input).argwhere()


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values. As torch.unique."""
    return _t(input).unique(sorted, return_inverse, return_counts, dim)


def select_scatter(input, src, dim, index):
    """input with one slice replaced by src. As torch.select_scatter."""
    return _t(input).select_scatter(src, dim, index)


def slice_scatter(input, src, dim=0, start=None, end=None, step=1):
    """input with a slice replaced by src. As torch.slice_scatter."""
    return _t(input).slice_scatter(src, dim, start, end, step)


def diagonal_scatter(input, src, offset=0, dim1=0, dim2=1):
    """input with a diagonal replaced by src. As torch.diagonal_scatter."""
    return _t(input).diagonal_scatter(src, offset, dim1, dim2)


def index_put(input, indices, values, accumulate=False):
    """input with entries at indices set to (or increased by) values. As torch.index_put."""
    return _t(input).index_put(indices, values, accumulate)


def masked_scatter(input, mask, source):
    """input with the masked positions filled from source in order. As torch.masked_scatter."""
    return _t(input).masked_scatter(mask, source)


__all__ = [
    "gather", "index_select", "index_add", "index_copy", "index_fill", "scatter", "scatter_add",
    "scatter_reduce", "masked_select", "masked_fill", "take", "take_along_dim", "sort",
    "argsort", "msort", "topk", "nonzero", "argwhere", "unique", "select_scatter",
    "slice_scatter", "diagonal_scatter", "index_put", "masked_scatter",
]
