"""Module-level functions named as in `torch`, so `torch.zeros(...)` ports as `tg.zeros(...)`.

Each is a thin door to a Tensor method or creation function (the ops live in `ops/`),
exported from `tinygrad_edu` itself. The dtypes are numpy's: `tinygrad_edu.float32 ==
np.float32`, so they go wherever a dtype is taken.

    >>> import tinygrad_edu as tg
    >>> x = tg.tensor([[1.0, -2.0]], requires_grad=True)
    >>> tg.relu(x).sum().item(), tg.zeros(2, 3).size()
    (1.0, (2, 3))
"""
import builtins

import numpy as np

from .tensor import Tensor
from .dtypes import get_default_dtype
from .sampling import randint, randperm, multinomial, normal  # noqa: F401 (re-exported)

float32 = float = np.dtype(np.float32)
float64 = double = np.dtype(np.float64)
float16 = half = np.dtype(np.float16)
int64 = long = np.dtype(np.int64)
int32 = int = np.dtype(np.int32)
int16 = short = np.dtype(np.int16)
int8 = np.dtype(np.int8)
uint8 = np.dtype(np.uint8)
bool = np.dtype(np.bool_)


def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


# ---------------------------------------------------------------- creation
def tensor(data, dtype=None, requires_grad=False):
    """A new tensor holding a copy of `data` (as `torch.tensor`: later changes to the
    numpy array do not reach the tensor, and the reverse).

    Example:
        >>> import numpy as np, tinygrad_edu as tg
        >>> a = np.zeros(2); t = tg.tensor(a); a[0] = 5.0; t.tolist()
        [0.0, 0.0]
    """
    if isinstance(data, Tensor):
        data = data.data
    if isinstance(data, np.ndarray):
        data = data.copy()
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def zeros(*size, dtype=None, requires_grad=False):
    """Zeros of the given shape: `zeros(2, 3)` or `zeros((2, 3))`."""
    return Tensor.zeros(*size, dtype=dtype, requires_grad=requires_grad)


def ones(*size, dtype=None, requires_grad=False):
    """Ones of the given shape."""
    return Tensor.ones(*size, dtype=dtype, requires_grad=requires_grad)


def full(size, fill_value, dtype=None, requires_grad=False):
    """`fill_value` everywhere (a float value gives the default float dtype)."""
    if dtype is None and isinstance(fill_value, (builtins.bool, builtins.int)):
        dtype = np.bool_ if isinstance(fill_value, builtins.bool) else np.int64
    return Tensor.full(size, fill_value, dtype=dtype, requires_grad=requires_grad)


def randn(*size, generator=None, dtype=None, requires_grad=False, seed=None):
    """Standard normal samples from the global generator (`manual_seed`) or `generator`."""
    return Tensor.randn(*size, seed=seed, generator=generator, dtype=dtype,
                        requires_grad=requires_grad)


def rand(*size, generator=None, dtype=None, requires_grad=False, seed=None):
    """U[0, 1) samples from the global generator (`manual_seed`) or `generator`."""
    return Tensor.rand(*size, seed=seed, generator=generator, dtype=dtype,
                       requires_grad=requires_grad)


def arange(start, end=None, step=1, dtype=None, requires_grad=False):
    """Values in [start, end) spaced by step (integers stay int64), as `torch.arange`."""
    t = Tensor.arange(start, end, step, dtype=dtype, requires_grad=requires_grad)
    if dtype is None and t.dtype.kind == "i" and t.dtype != np.int64:
        t = Tensor(t.data.astype(np.int64))
    return t


def linspace(start, end, steps, dtype=None, requires_grad=False):
    """`steps` evenly spaced values from start to end, both included."""
    if isinstance(steps, builtins.bool) or not isinstance(steps, (builtins.int, np.integer)) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative integer (the number of values), "
                         f"got {steps!r}")
    values = np.linspace(start, end, steps)
    return Tensor(values, dtype=dtype or get_default_dtype(), requires_grad=requires_grad)


def eye(n, m=None, dtype=None, requires_grad=False):
    """The n x m identity matrix."""
    return Tensor.eye(n, m, dtype=dtype, requires_grad=requires_grad)


def zeros_like(input, dtype=None, requires_grad=False):
    """Zeros with `input`'s shape and dtype."""
    return _as_tensor(input).zeros_like(dtype=dtype, requires_grad=requires_grad)


def ones_like(input, dtype=None, requires_grad=False):
    """Ones with `input`'s shape and dtype."""
    return _as_tensor(input).ones_like(dtype=dtype, requires_grad=requires_grad)


def full_like(input, fill_value, dtype=None, requires_grad=False):
    """`fill_value` with `input`'s shape and dtype."""
    return _as_tensor(input).full_like(fill_value, dtype=dtype, requires_grad=requires_grad)


def randn_like(input, generator=None, dtype=None, requires_grad=False):
    """Standard normal samples with `input`'s shape and dtype."""
    return _as_tensor(input).randn_like(generator=generator, dtype=dtype,
                                        requires_grad=requires_grad)


def rand_like(input, generator=None, dtype=None, requires_grad=False):
    """U[0, 1) samples with `input`'s shape and dtype."""
    return _as_tensor(input).rand_like(generator=generator, dtype=dtype,
                                       requires_grad=requires_grad)


# ---------------------------------------------------------------- joining and selecting
def cat(tensors, dim=0):
    """Join tensors along an existing dim."""
    return Tensor.cat(list(tensors), dim=dim)


concat = concatenate = cat


def stack(tensors, dim=0):
    """Join tensors along a new dim."""
    return Tensor.stack(list(tensors), dim=dim)


def where(condition, input, other):
    """`input` where `condition` is true, else `other` (broadcast)."""
    return Tensor.where(condition, input, other)


# ---------------------------------------------------------------- math
def matmul(input, other):
    """Matrix product (1-D, 2-D and batched), as `@`."""
    return _as_tensor(input) @ other


def maximum(input, other):
    """Elementwise maximum."""
    return _as_tensor(input).maximum(other)


def minimum(input, other):
    """Elementwise minimum."""
    return _as_tensor(input).minimum(other)


def max(input, dim=None, keepdim=False):
    """`max(a, b)`: the elementwise maximum of two tensors; `max(t)`: the largest entry;
    `max(t, dim)`: `(values, indices)` along dim, as `torch.max`."""
    if isinstance(dim, Tensor):
        return _as_tensor(input).maximum(dim)
    return _as_tensor(input).max(dim, keepdim) if dim is not None else _as_tensor(input).max()


def min(input, dim=None, keepdim=False):
    """`min(a, b)` elementwise, `min(t)` the smallest entry, `min(t, dim)` `(values, indices)`."""
    if isinstance(dim, Tensor):
        return _as_tensor(input).minimum(dim)
    return _as_tensor(input).min(dim, keepdim) if dim is not None else _as_tensor(input).min()


def exp(input):
    """e ** input, elementwise."""
    return _as_tensor(input).exp()


def log(input):
    """Natural log, elementwise."""
    return _as_tensor(input).log()


def tanh(input):
    """Hyperbolic tangent, elementwise."""
    return _as_tensor(input).tanh()


def sigmoid(input):
    """1 / (1 + e^-x), elementwise."""
    return _as_tensor(input).sigmoid()


def relu(input):
    """max(x, 0), elementwise."""
    return _as_tensor(input).relu()


def softmax(input, dim):
    """exp(x) / sum(exp(x)) along `dim`."""
    return _as_tensor(input).softmax(dim)


def sum(input, dim=None, keepdim=False):
    """Sum of entries (along `dim`)."""
    return _as_tensor(input).sum(dim, keepdim)


def mean(input, dim=None, keepdim=False):
    """Mean of entries (along `dim`)."""
    return _as_tensor(input).mean(dim, keepdim)


def all(input, dim=None, keepdim=False):
    """Whether every entry is non-zero (along `dim`), as a bool tensor."""
    return _as_tensor(input).all(dim, keepdim)


def any(input, dim=None, keepdim=False):
    """Whether some entry is non-zero (along `dim`), as a bool tensor."""
    return _as_tensor(input).any(dim, keepdim)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> builtins.bool:
    """Whether |input - other| <= atol + rtol |other| everywhere (a Python bool)."""
    a, b = (np.asarray(getattr(x, "data", x)) for x in (input, other))
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
    lo, hi = builtins.float(min), builtins.float(max)
    if lo == hi and data.size:
        lo, hi = builtins.float(data.min()), builtins.float(data.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if lo > hi:
        raise ValueError(f"histc: max ({max}) must be larger than min ({min})")
    counts, _ = np.histogram(data, bins=bins, range=(lo, hi))
    return Tensor(counts.astype(data.dtype))


def numel(input) -> builtins.int:
    """The number of elements."""
    return _as_tensor(input).numel()


def is_tensor(obj) -> builtins.bool:
    """Whether `obj` is a Tensor."""
    return isinstance(obj, Tensor)


def clone(input):
    """A copy in new memory that stays in the graph."""
    return _as_tensor(input).clone()
