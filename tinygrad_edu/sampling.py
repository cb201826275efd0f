"""Random draws with PyTorch's names: `randint`, `randperm`, `multinomial`, `normal`.

All of them draw from the global generator that `manual_seed` seeds, or from the
`Generator` passed as `generator=` (see `random.py`). The results carry no gradient.
"""
import numpy as np

from .random import resolve
from .argcheck import int_arg
from .dtypes import as_array
from .dtypes import get_default_dtype
from .tensor import Tensor


def _size(op_name, size):
    if size is None:
        raise TypeError(f"{op_name}: give the shape of the result, e.g. size=(2, 3)")
    size = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    if any(not isinstance(n, (int, np.integer)) or n < 0 for n in size):
        raise ValueError(f"{op_name}: the size must be non-negative integers, got {size}")
    return size


def randint(*args, size=None, generator=None, dtype=None, seed=None, requires_grad=False):
    """Random integers in [low, high), as `torch.randint(low=0, high, size)`.

    Example:
        >>> from tinygrad_edu import randint, Generator
        >>> t = randint(0, 10, (3,), generator=Generator().manual_seed(0))
        >>> t.shape, t.dtype.name, bool((t.data >= 0).all() and (t.data < 10).all())
        ((3,), 'int64', True)
    """
    if requires_grad:
        raise TypeError("randint: integer tensors cannot require grad")
    if size is None and args and not isinstance(args[-1], (int, np.integer)):
        args, size = args[:-1], args[-1]
    if len(args) == 1:
        low, high = 0, args[0]
    elif len(args) == 2:
        low, high = args
    else:
        raise TypeError(f"randint: expects (high, size) or (low, high, size), got {len(args)} "
                        f"numbers before the size")
    low, high = (int_arg("randint", k, v) for k, v in (("low", low), ("high", high)))
    if high <= low:
        raise ValueError(f"randint: the range [low, high) = [{low}, {high}) is empty; need low < high")
    values = resolve(generator, seed, "randint").integers(low, high, _size("randint", size))
    return Tensor(values.astype(dtype or np.int64))


def randperm(n, generator=None, dtype=None, seed=None, requires_grad=False):
    """A random permutation of 0 .. n-1 (int64), as `torch.randperm`.

    Example:
        >>> from tinygrad_edu import randperm
        >>> sorted(randperm(5).tolist())
        [0, 1, 2, 3, 4]
    """
    if not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"randperm: n must be a non-negative integer, got {n!r}")
    values = resolve(generator, seed, "randperm").permutation(n).astype(dtype or np.int64)
    return Tensor(values, requires_grad=requires_grad)


def multinomial(input, num_samples, replacement=False, generator=None):
    """Sample category indices with probabilities proportional to `input`'s rows (weights,
    not necessarily normalised), as `torch.multinomial`; makemore samples names with it.

    Example:
        >>> from tinygrad_edu import Tensor, multinomial
        >>> multinomial(Tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
        [1, 1]
    """
    weights = as_array(getattr(input, "data", input), np.float64, op="multinomial")
    num_samples = int_arg("multinomial", "num_samples", num_samples, minimum=1)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: input must be 1-D or 2-D (rows of weights), got shape "
                         f"{weights.shape}")
    if not np.all(np.isfinite(weights)) or (weights < 0).any():
        raise ValueError("multinomial: weights must be finite and non-negative")
    rows = weights.reshape(-1, weights.shape[-1])
    totals = rows.sum(axis=1)
    if (totals <= 0).any():
        raise ValueError("multinomial: every row of weights needs a positive sum")
    if not replacement and num_samples > int((rows > 0).sum(axis=1).min()):
        raise ValueError(f"multinomial: cannot draw {num_samples} samples without replacement "
                         f"from a row with fewer non-zero weights; pass replacement=True")
    rng = resolve(generator, None, "multinomial")
    out = np.empty((rows.shape[0], num_samples), dtype=np.int64)
    for i, (row, total) in enumerate(zip(rows, totals)):
        out[i] = rng.choice(row.size, size=num_samples, replace=replacement, p=row / total)
    return Tensor(out.reshape(weights.shape[:-1] + (num_samples,)))


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None):
    """Samples of N(mean, std^2); `mean` and `std` may be tensors (broadcast), else give
    `size`, as `torch.normal`.

    Example:
        >>> from tinygrad_edu import normal
        >>> normal(0.0, 1.0, size=(2, 3)).shape
        (2, 3)
    """
    for name, value in (("mean", mean), ("std", std)):
        as_array(getattr(value, "data", value), op=f"normal ({name})")     # refuses non-numbers
    m = np.asarray(getattr(mean, "data", mean))
    s = np.asarray(getattr(std, "data", std))
    if (s < 0).any():
        raise ValueError(f"normal: std must be non-negative, got {std!r}")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else _size("normal", size)
    float_dtype = dtype or next((a.dtype for a in (m, s) if a.dtype.kind == "f" and a.ndim),
                                get_default_dtype())
    draw = resolve(generator, None, "normal").standard_normal(shape)
    return Tensor((m + s * draw).astype(float_dtype))
