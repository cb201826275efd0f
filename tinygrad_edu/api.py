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
from .argcheck import int_arg, number_arg
from .dtypes import check_dtype
from .sampling import (  # noqa: F401 (re-exported; the random draws live in sampling.py)
    rand, randn, randint, randint_like, randperm, multinomial, normal, bernoulli)
from .api_math import (  # noqa: F401 (re-exported: one torch-like namespace)
    all, allclose, any, cat, clone, concat, concatenate, exp, histc, is_tensor, log, matmul, max,
    maximum, mean, min, minimum, numel, relu, sigmoid, softmax, stack, sum, tanh, where, hstack,
    vstack, dstack, column_stack, broadcast_tensors, meshgrid, block_diag, cartesian_prod,
    atleast_1d, atleast_2d, atleast_3d, searchsorted, bucketize, einsum, histogram)

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


def _no_out(op_name, out, layout):
    """PyTorch's `out=` and non-strided layouts have no meaning here: refused, with the fix."""
    if out is not None:
        raise TypeError(f"{op_name}: out= is not supported (tinygrad_edu never writes into an "
                        f"existing tensor's memory); assign the result instead: t = {op_name}(...)")
    if layout is not None and str(layout) not in ("strided", "torch.strided"):
        raise ValueError(f"{op_name}: only the strided (dense) layout exists here, got "
                         f"layout={layout!r}; drop the argument")


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


def zeros(*size, dtype=None, requires_grad=False, device=None, layout=None, out=None):
    """Zeros of the given shape: `zeros(2, 3)` or `zeros((2, 3))`.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.zeros(2, 3).shape
        (2, 3)
    """
    _no_out("zeros", out, layout)
    return Tensor.zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def empty(*size, dtype=None, requires_grad=False, device=None, layout=None, out=None,
          memory_format=None, pin_memory=False):
    """A tensor to be filled in (`torch.empty(n).uniform_()`): PyTorch leaves its memory
    uninitialised; here it holds zeros, so a forgotten fill gives zeros, not garbage.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.empty(2, 3).uniform_(-1, 1).shape
        (2, 3)
    """
    _no_out("empty", out, layout)
    return Tensor.zeros(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def empty_like(input, dtype=None, requires_grad=False, device=None, layout=None,
               memory_format=None):
    """A tensor with `input`'s shape and dtype, to be filled in (zeros here; see `empty`)."""
    return zeros_like(input, dtype=dtype, requires_grad=requires_grad, device=device,
                      layout=layout)


def logspace(start, end, steps, base=10.0, dtype=None, requires_grad=False, device=None,
             layout=None, out=None):
    """`steps` values base ** t for t evenly spaced from start to end, as torch.logspace
    (computed in float64, then converted to the dtype).

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.logspace(0, 2, 3).tolist()
        [1.0, 10.0, 100.0]
    """
    exponents = linspace(start, end, steps, dtype=np.float64, layout=layout, out=out)
    dtype = Tensor._dtype(dtype, "logspace")
    values = np.power(np.float64(base), exponents.data)
    if dtype.kind in "iu":
        values = np.trunc(values)
    return Tensor._creation(values.astype(dtype), requires_grad, dtype, device)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, n) row and column indices of the lower triangle of a row x col matrix (diagonal
    `offset` included), row by row, as torch.tril_indices.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.tril_indices(2, 2).tolist()
        [[0, 1, 1], [0, 0, 1]]
    """
    return _triangle_indices("tril_indices", np.tril_indices, row, col, offset, dtype, device,
                             layout)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None):
    """The (2, n) indices of the upper triangle (diagonal `offset` included), as
    torch.triu_indices."""
    return _triangle_indices("triu_indices", np.triu_indices, row, col, offset, dtype, device,
                             layout)


def _triangle_indices(op, numpy_fn, row, col, offset, dtype, device, layout):
    _no_out(op, None, layout)
    row, col = (int_arg(op, name, v, minimum=0) for name, v in (("row", row), ("col", col)))
    offset = int_arg(op, "offset", offset)
    dtype = np.dtype(np.int64) if dtype is None else check_dtype(op, dtype)
    rows, cols = numpy_fn(row, offset, col)
    return Tensor._creation(np.stack([rows, cols]).astype(dtype), False, dtype, device)


def scalar_tensor(s, dtype=None, device=None, layout=None, requires_grad=False):
    """A 0-d tensor holding the number s, in the default float dtype unless `dtype`."""
    _no_out("scalar_tensor", None, layout)
    value = number_arg("scalar_tensor", "s", s)
    dtype = Tensor._dtype(dtype, "scalar_tensor")
    return Tensor._creation(np.asarray(value, dtype=dtype), requires_grad, dtype, device)


def ones(*size, dtype=None, requires_grad=False, device=None, layout=None, out=None):
    """Ones of the given shape.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.ones(2, dtype=tg.int64).tolist()
        [1, 1]
    """
    _no_out("ones", out, layout)
    return Tensor.ones(*size, dtype=dtype, requires_grad=requires_grad, device=device)


def full(size, fill_value, dtype=None, requires_grad=False, device=None, layout=None, out=None):
    """`fill_value` everywhere (a float value gives the default float dtype).

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.full((2,), 7).tolist(), tg.full((1,), 0.5).dtype.name
        ([7, 7], 'float32')
    """
    if dtype is None and isinstance(fill_value, (builtins.bool, builtins.int)):
        dtype = np.bool_ if isinstance(fill_value, builtins.bool) else np.int64
    _no_out("full", out, layout)
    return Tensor.full(size, fill_value, dtype=dtype, requires_grad=requires_grad, device=device)


def arange(start, end=None, step=1, dtype=None, requires_grad=False, device=None, layout=None,
           out=None):
    """Values in [start, end) spaced by step (integers stay int64), as `torch.arange`.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.arange(1, 10, 3).tolist(), tg.arange(3).dtype.name
        ([1, 4, 7], 'int64')
    """
    _no_out("arange", out, layout)
    t = Tensor.arange(start, end, step, dtype=dtype, requires_grad=requires_grad, device=device)
    if dtype is None and t.dtype.kind == "i" and t.dtype != np.int64:
        t = Tensor(t.data.astype(np.int64))
    return t


def linspace(start, end, steps, dtype=None, requires_grad=False, device=None, layout=None, out=None):
    """`steps` evenly spaced values from start to end, both included (start and end may be
    0-d tensors). With an integer dtype the values are computed in float64 and truncated, the
    first half counted up from start and the second half down from end,
    as PyTorch does.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.linspace(-1, 1, 5).tolist(), tg.linspace(0, 3, 3, dtype=tg.int64).tolist()
        ([-1.0, -0.5, 0.0, 0.5, 1.0], [0, 1, 3])
    """
    _no_out("linspace", out, layout)
    if isinstance(steps, builtins.bool) or not isinstance(steps, (builtins.int, np.integer)) or steps < 0:
        raise ValueError(f"linspace: steps must be a non-negative integer (the number of values), "
                         f"got {steps!r}")
    start, end = (np.asarray(number_arg("linspace", name, v)).item()
                  for name, v in (("start", start), ("end", end)))
    dtype = Tensor._dtype(dtype, "linspace")
    if dtype.kind in "iu" and steps > 1:
        start, end = np.trunc(start), np.trunc(end)
        step = (end - start) / (steps - 1)
        # PyTorch's kernel rounds start + step * i once (a fused multiply-add): extended
        # precision before the final rounding to float64 gives the same truncated integers
        index = np.arange(steps, dtype=np.longdouble)
        wide = np.longdouble(step)
        first = (np.longdouble(start) + wide * index).astype(np.float64)
        second = (np.longdouble(end) - wide * (steps - 1 - index)).astype(np.float64)
        values = np.trunc(np.where(index < steps // 2, first, second))
    else:
        values = np.linspace(start, end, steps)
    return Tensor._creation(values.astype(dtype), requires_grad, dtype, device)


def eye(n, m=None, dtype=None, requires_grad=False, device=None, layout=None, out=None):
    """The n x m identity matrix.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.eye(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """
    _no_out("eye", out, layout)
    return Tensor.eye(n, m, dtype=dtype, requires_grad=requires_grad, device=device)


def zeros_like(input, dtype=None, requires_grad=False, device=None, layout=None, memory_format=None):
    """Zeros with `input`'s shape and dtype.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.zeros_like(tg.ones(2, dtype=tg.float64)).dtype.name
        'float64'
    """
    _no_out("zeros_like", None, layout)
    return _as_tensor(input).zeros_like(dtype=dtype, requires_grad=requires_grad, device=device)


def ones_like(input, dtype=None, requires_grad=False, device=None, layout=None, memory_format=None):
    """Ones with `input`'s shape and dtype.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.ones_like(tg.zeros(2)).tolist()
        [1.0, 1.0]
    """
    _no_out("ones_like", None, layout)
    return _as_tensor(input).ones_like(dtype=dtype, requires_grad=requires_grad, device=device)


def full_like(input, fill_value, dtype=None, requires_grad=False, device=None, layout=None,
              memory_format=None):
    """`fill_value` with `input`'s shape and dtype.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.full_like(tg.zeros(2), 3.0).tolist()
        [3.0, 3.0]
    """
    _no_out("full_like", None, layout)
    return _as_tensor(input).full_like(fill_value, dtype=dtype, requires_grad=requires_grad,
                                       device=device)


def randn_like(input, generator=None, dtype=None, requires_grad=False, device=None, layout=None,
               memory_format=None):
    """Standard normal samples with `input`'s shape and dtype.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.randn_like(tg.zeros(2, 3)).shape
        (2, 3)
    """
    _no_out("randn_like", None, layout)
    return _as_tensor(input).randn_like(generator=generator, dtype=dtype,
                                        requires_grad=requires_grad, device=device)


def rand_like(input, generator=None, dtype=None, requires_grad=False, device=None, layout=None,
              memory_format=None):
    """U[0, 1) samples with `input`'s shape and dtype.

    Example:
        >>> import tinygrad_edu as tg
        >>> tg.rand_like(tg.zeros(4)).shape
        (4,)
    """
    _no_out("rand_like", None, layout)
    return _as_tensor(input).rand_like(generator=generator, dtype=dtype,
                                       requires_grad=requires_grad, device=device)
