"""Module-level math with `torch`'s names: joining (`cat`, `stack`, `where`), elementwise
functions, reductions (`tinygrad_edu.max(a, b)` is elementwise, as `torch.max`), `allclose`,
`histc`. Each is a door to the Tensor method of the same name; `api.py` has the creation
functions and the dtypes, and exports these too.

Several names here (max, min, sum, all, any) shadow Python builtins inside this module,
so the code below reaches the builtins through `builtins.`.
"""
import builtins

import numpy as np

from .tensor import Tensor
from .dtypes import as_array
from .argcheck import int_arg, number_arg
from .broadcast import broadcast_shape


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# ---------------------------------------------------------------- joining and selecting
def cat(tensors, dim=0):
    """Join tensors along an existing dim.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.cat([tg.ones(2), tg.zeros(1)]).tolist()
        [1.0, 1.0, 0.0]
    """
    return Tensor.cat(tensors, dim=dim)         # (Tensor.cat checks that these are tensors)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join tensors along a new dim.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.stack([tg.ones(2), tg.zeros(2)], dim=1).shape
        (2, 2)
    """
    return Tensor.stack(tensors, dim=dim)


def where(condition, input, other):
    """`input` where `condition` is true, else `other` (broadcast).

    Example:
        >>> import tinygrad_edu as tg
        >>> x = tg.tensor([-1.0, 2.0]); tg.where(x > 0, x, 0.0).tolist()
        [0.0, 2.0]
    """
    return Tensor.where(condition, input, other)


# ---------------------------------------------------------------- math
def matmul(input, other):
    """Matrix product (1-D, 2-D and batched), as `@`.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.matmul(tg.ones(2, 3), tg.ones(3)).tolist()
        [3.0, 3.0]
    """
    return _as_tensor(input) @ other


def maximum(input, other):
    """Elementwise maximum.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.maximum(tg.tensor([1.0, 5.0]), tg.tensor([3.0, 2.0])).tolist()
        [3.0, 5.0]
    """
    return _as_tensor(input).maximum(other)


def minimum(input, other):
    """Elementwise minimum.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.minimum(tg.tensor([1.0, 5.0]), tg.tensor([3.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    return _as_tensor(input).minimum(other)


def max(input, dim=None, keepdim=False):
    """`max(a, b)`: the elementwise maximum of two tensors; `max(t)`: the largest entry;
    `max(t, dim)`: `(values, indices)` along dim, as `torch.max`.

    Example:
        >>> import tinygrad_edu as tg
        >>> a, b = tg.tensor([[1.0, 5.0]]), tg.tensor([[3.0, 2.0]])
        >>> tg.max(a, b).tolist(), tg.max(a).item(), tg.max(a, 1).indices.tolist()
        ([[3.0, 5.0]], 5.0, [1])
    """
    if isinstance(dim, Tensor):
        return _as_tensor(input).maximum(dim)
    return _as_tensor(input).max(dim, keepdim) if dim is not None else _as_tensor(input).max()


def min(input, dim=None, keepdim=False):
    """`min(a, b)` elementwise, `min(t)` the smallest entry, `min(t, dim)` `(values, indices)`.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.min(tg.tensor([1.0, 5.0]), tg.tensor([3.0, 2.0])).tolist()
        [1.0, 2.0]
    """
    if isinstance(dim, Tensor):
        return _as_tensor(input).minimum(dim)
    return _as_tensor(input).min(dim, keepdim) if dim is not None else _as_tensor(input).min()


def exp(input):
    """e ** input, elementwise.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.exp(tg.zeros(1)).tolist()
        [1.0]
    """
    return _as_tensor(input).exp()


def log(input):
    """Natural log, elementwise.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.log(tg.ones(1)).tolist()
        [0.0]
    """
    return _as_tensor(input).log()


def tanh(input):
    """Hyperbolic tangent, elementwise.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.tanh(tg.zeros(1)).tolist()
        [0.0]
    """
    return _as_tensor(input).tanh()


def sigmoid(input):
    """1 / (1 + e^-x), elementwise.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.sigmoid(tg.zeros(1)).tolist()
        [0.5]
    """
    return _as_tensor(input).sigmoid()


def relu(input):
    """max(x, 0), elementwise.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.relu(tg.tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return _as_tensor(input).relu()


def softmax(input, dim, dtype=None):
    """exp(x) / sum(exp(x)) along `dim` (computed in `dtype` when given, as PyTorch's).

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.softmax(tg.zeros(1, 4), dim=1).tolist()
        [[0.25, 0.25, 0.25, 0.25]]
    """
    return _as_tensor(input).softmax(dim, dtype=dtype)


def sum(input, dim=None, keepdim=False):
    """Sum of entries (along `dim`).

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.sum(tg.ones(2, 3), 1).tolist()
        [3.0, 3.0]
    """
    return _as_tensor(input).sum(dim, keepdim)


def mean(input, dim=None, keepdim=False):
    """Mean of entries (along `dim`).

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.mean(tg.tensor([1.0, 3.0])).item()
        2.0
    """
    return _as_tensor(input).mean(dim, keepdim)


def all(input, dim=None, keepdim=False):
    """Whether every entry is non-zero (along `dim`), as a bool tensor.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.all(tg.tensor([1.0, 0.0])).item()
        False
    """
    return _as_tensor(input).all(dim, keepdim)


def any(input, dim=None, keepdim=False):
    """Whether some entry is non-zero (along `dim`), as a bool tensor.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.any(tg.tensor([1.0, 0.0])).item()
        True
    """
    return _as_tensor(input).any(dim, keepdim)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> builtins.bool:
    """Whether |input - other| <= atol + rtol |other| everywhere (a Python bool).

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.allclose(tg.ones(2), tg.ones(2) + 1e-9)
        True
    """
    for x in (input, other):
        as_array(getattr(x, "data", x), op="allclose")          # refuses strings, None, objects
    a, b = (np.asarray(getattr(x, "data", x)) for x in (input, other))
    broadcast_shape("allclose", a.shape, b.shape)
    return builtins.bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))


def histc(input, bins=100, min=0, max=0):
    """Histogram with `bins` equal bins over [min, max] (the data's range when min == max);
    values outside are ignored, as `torch.histc`.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.histc(tg.tensor([1.0, 2.0, 1.0]), bins=4, min=0, max=3).tolist()
        [0.0, 2.0, 1.0, 0.0]
    """
    data = np.asarray(getattr(input, "data", input))
    if data.dtype.kind != "f":
        raise TypeError(f"histc: input must be a floating tensor, got dtype {data.dtype}")
    bins = int_arg("histc", "bins", bins, minimum=1)
    lo, hi = (builtins.float(number_arg("histc", k, v)) for k, v in (("min", min), ("max", max)))
    if lo == hi and data.size:
        lo, hi = builtins.float(data.min()), builtins.float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise ValueError(f"histc: max ({max}) must be larger than min ({min})")
    counts, _ = np.histogram(data, bins=bins, range=(lo, hi))
    return Tensor(counts.astype(data.dtype))


def histogram(input, bins=100, *, range=None, weight=None, density=False):
    """(hist, bin_edges) of the values, as `torch.histogram`: `bins` equal bins over `range`
    (the data's min and max by default) or the given edges (a 1-D tensor); optional weights;
    `density` divides by the total and the bin widths.

    Example:
        >>> import tinygrad_edu as tg
        >>> hist, edges = tg.histogram(tg.tensor([1.0, 2.0, 1.0]), bins=2)
        >>> hist.tolist(), edges.tolist()
        ([2.0, 1.0], [1.0, 1.5, 2.0])
    """
    data = np.asarray(getattr(input, "data", input))
    if data.dtype.kind != "f":
        raise TypeError(f"histogram: input must be a floating tensor, got dtype {data.dtype}")
    edges = np.asarray(getattr(bins, "data", bins))
    if edges.ndim == 0:
        edges = int_arg("histogram", "bins", builtins.int(edges), minimum=1)
        if range is None:
            lo, hi = (data.min(), data.max()) if data.size else (0.0, 1.0)
        else:
            lo, hi = (builtins.float(v) for v in range)
            if lo > hi:
                raise ValueError(f"histogram: range {range} must have min <= max")
        if lo == hi:                    # one point: a unit range around it, as PyTorch
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, edges + 1, dtype=data.dtype)
    weights = None if weight is None else np.asarray(getattr(weight, "data", weight))
    with np.errstate(invalid="ignore", divide="ignore"):     # density of nothing: nan
        counts, edges = np.histogram(data.reshape(-1), bins=edges.astype(data.dtype),
                                     weights=None if weights is None else weights.reshape(-1),
                                     density=density)
    return Tensor(counts.astype(data.dtype)), Tensor(edges.astype(data.dtype))


def numel(input) -> builtins.int:
    """The number of elements.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.numel(tg.zeros(2, 5))
        10
    """
    return _as_tensor(input).numel()


def is_tensor(obj) -> builtins.bool:
    """Whether `obj` is a Tensor.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.is_tensor(tg.zeros(1)), tg.is_tensor([0.0])
        (True, False)
    """
    return isinstance(obj, Tensor)


def clone(input):
    """A copy in new memory that stays in the graph.

    Example:
        >>> import tinygrad_edu as tg
        >>> a = tg.ones(2); b = tg.clone(a); b += 1; a.tolist()
        [1.0, 1.0]
    """
    return _as_tensor(input).clone()


# ---------------------------------------------------------------- shape functions (ops/arrange.py)
from .ops.arrange import (  # noqa: E402,F401 (module-level shape functions, as torch's)
    hstack, vstack, dstack, column_stack, broadcast_tensors, meshgrid, block_diag, cartesian_prod)
from .ops.sorting import searchsorted, bucketize  # noqa: E402,F401
from .ops.einsum import einsum  # noqa: E402,F401


def atleast_1d(*tensors):
    """Each tensor with at least 1 dim.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.atleast_1d(tg.tensor(3.0)).shape
        (1,)
    """
    from .ops.arrange import atleast
    return atleast(tensors[0] if len(tensors) == 1 else tensors, 1)


def atleast_2d(*tensors):
    """Each tensor with at least 2 dims (a 1-D one becomes a row)."""
    from .ops.arrange import atleast
    return atleast(tensors[0] if len(tensors) == 1 else tensors, 2)


def atleast_3d(*tensors):
    """Each tensor with at least 3 dims."""
    from .ops.arrange import atleast
    return atleast(tensors[0] if len(tensors) == 1 else tensors, 3)
