"""Random draws with PyTorch's names: `rand`, `randn`, `randint`, `randint_like`, `randperm`,
`multinomial`, `normal`, `bernoulli`.

All of them draw from the global generator that `manual_seed` seeds, or from the
`Generator` passed as `generator=` (see `random.py`), with PyTorch's CPU algorithms
(`random_draws.py`): the same seed and calls give PyTorch's numbers. The results carry
no gradient unless `requires_grad=True` is asked for a float result.
"""
import numpy as np

from . import random_draws as draws
from .random import resolve
from .argcheck import int_arg
from .dtypes import as_array, get_default_dtype
from .tensor import Tensor
from .grad_mode import is_grad_enabled
from .devices import check_device

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _size(op_name, size):
    if size is None:
        raise TypeError(f"{op_name}: give the shape of the result, e.g. size=(2, 3)")
    size = (size,) if isinstance(size, (int, np.integer)) else tuple(size)
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0 for n in size):
        raise ValueError(f"{op_name}: the size must be non-negative integers, got {size}")
    return tuple(int(n) for n in size)


def _float_dtype(op_name, dtype):
    dtype = np.dtype(dtype) if dtype is not None else np.dtype(get_default_dtype())
    if dtype.kind != "f":
        raise TypeError(f"{op_name}: draws floating-point numbers; dtype {dtype} is not a float "
                        f"dtype (use float32 or float64, or randint for integers)")
    return dtype


def _placement(op_name, device, layout):
    """`device=` and `layout=` as PyTorch code passes them: "cpu" and the strided layout only."""
    if device is not None:
        check_device(device, op_name)
    if layout is not None and str(layout) not in ("strided", "torch.strided"):
        raise ValueError(f"{op_name}: only the strided (dense) layout exists here, got "
                         f"layout={layout!r}; drop the argument")


def rand(*size, generator=None, dtype=None, requires_grad=False, seed=None, device=None,
         layout=None):
    """U[0, 1) samples, PyTorch's values for the same seed: `rand(2, 3)` or `rand((2, 3))`.

    Example:
        >>> import tinygrad_edu as tg
        >>> _ = tg.manual_seed(42); [round(v, 4) for v in tg.rand(3).tolist()]
        [0.8823, 0.915, 0.3829]
    """
    _placement("rand", device, layout)
    shape = Tensor._shape(size)
    dtype = _float_dtype("rand", dtype)
    gen = resolve(generator, seed, "rand")
    values = draws.uniform(gen, int(np.prod(shape)), dtype if dtype in _FLOATS else np.float32)
    return Tensor._creation(values.astype(dtype, copy=False).reshape(shape), requires_grad, dtype)


def randn(*size, generator=None, dtype=None, requires_grad=False, seed=None, device=None,
          layout=None):
    """Standard normal samples, PyTorch's values for the same seed: `randn(2, 3)`.

    Example:
        >>> import tinygrad_edu as tg
        >>> _ = tg.manual_seed(0); [round(v, 4) for v in tg.randn(3).tolist()]
        [1.541, -0.2934, -2.1788]
    """
    _placement("randn", device, layout)
    shape = Tensor._shape(size)
    dtype = _float_dtype("randn", dtype)
    values = draws.normal(resolve(generator, seed, "randn"), int(np.prod(shape)), dtype)
    return Tensor._creation(values.astype(dtype, copy=False).reshape(shape), requires_grad, dtype)


def randint(*args, size=None, generator=None, dtype=None, seed=None, requires_grad=False,
            device=None, layout=None):
    """Random integers in [low, high), as `torch.randint(low=0, high, size)`.

    Example:
        >>> from tinygrad_edu import randint, Generator
        >>> randint(0, 10, (5,), generator=Generator().manual_seed(0)).tolist()
        [4, 9, 3, 0, 3]
    """
    _placement("randint", device, layout)
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
    shape = _size("randint", size)
    dtype = np.dtype(dtype or np.int64)
    values = draws.integers(resolve(generator, seed, "randint"), int(np.prod(shape)), low, high)
    return Tensor(values.reshape(shape).astype(dtype))


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, requires_grad=False,
                 device=None, layout=None, memory_format=None):
    """Random integers in [low, high) with `input`'s shape (and dtype unless `dtype`), as
    torch.randint_like: `randint_like(x, high)` or `randint_like(x, low, high)`.

    Example:
        >>> from tinygrad_edu import Tensor, randint_like, Generator
        >>> randint_like(Tensor.zeros(3), 5, generator=Generator().manual_seed(0)).shape
        (3,)
    """
    if high is None:
        low, high = 0, low
    shape = tuple(getattr(input, "shape", ()))
    result = randint(low, high, shape, generator=generator,
                     dtype=dtype or getattr(input, "dtype", None), device=device, layout=layout)
    return result.requires_grad_() if requires_grad else result


def randperm(n, generator=None, dtype=None, seed=None, requires_grad=False, device=None,
             layout=None):
    """A random permutation of 0 .. n-1 (int64), PyTorch's for the same seed.

    Example:
        >>> from tinygrad_edu import randperm, Generator
        >>> randperm(5, generator=Generator().manual_seed(0)).tolist()
        [4, 0, 1, 3, 2]
    """
    _placement("randperm", device, layout)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError(f"randperm: n must be a non-negative integer, got {n!r}")
    values = draws.permutation(resolve(generator, seed, "randperm"), int(n))
    return Tensor(values.astype(dtype or np.int64), requires_grad=requires_grad)


def multinomial(input, num_samples, replacement=False, generator=None):
    """Sample category indices with probabilities proportional to `input`'s rows (weights,
    not necessarily normalised), as `torch.multinomial`; makemore samples names with it.

    Example:
        >>> from tinygrad_edu import Tensor, multinomial
        >>> multinomial(Tensor([0.0, 1.0, 0.0]), 2, replacement=True).tolist()
        [1, 1]
    """
    data = getattr(input, "data", input)
    float_dtype = data.dtype if isinstance(data, np.ndarray) and data.dtype in _FLOATS else None
    weights = as_array(data, float_dtype or get_default_dtype(), op="multinomial")
    num_samples = int_arg("multinomial", "num_samples", num_samples, minimum=1)
    if weights.ndim not in (1, 2):
        raise ValueError(f"multinomial: input must be 1-D or 2-D (rows of weights), got shape "
                         f"{weights.shape}")
    if not np.all(np.isfinite(weights)) or (weights < 0).any():
        raise ValueError("multinomial: weights must be finite and non-negative")
    rows = weights.reshape(-1, weights.shape[-1])
    if (rows.sum(axis=1) <= 0).any():
        raise ValueError("multinomial: every row of weights needs a positive sum")
    if not replacement and num_samples > int((rows > 0).sum(axis=1).min()):
        raise ValueError(f"multinomial: cannot draw {num_samples} samples without replacement "
                         f"from a row with fewer non-zero weights; pass replacement=True")
    gen = resolve(generator, None, "multinomial")
    out = draws.multinomial(gen, rows, num_samples, bool(replacement))
    return Tensor(out.reshape(weights.shape[:-1] + (num_samples,)))


def normal(mean=0.0, std=1.0, size=None, generator=None, dtype=None, requires_grad=False,
           device=None, layout=None):
    """Samples of N(mean, std^2); `mean` and `std` may be tensors (broadcast), else give
    `size`, as `torch.normal` (and in its order: standard normals, times std, plus mean).

    Example:
        >>> from tinygrad_edu import normal, Generator
        >>> [round(v, 3) for v in normal(1.0, 2.0, size=(2,), generator=Generator().manual_seed(0)).tolist()]
        [4.082, 0.413]
    """
    _placement("normal", device, layout)
    for name, value in (("mean", mean), ("std", std)):
        as_array(getattr(value, "data", value), op=f"normal ({name})")     # refuses non-numbers
    m = np.asarray(getattr(mean, "data", mean))
    s = np.asarray(getattr(std, "data", std))
    if (s < 0).any():
        raise ValueError(f"normal: std must be non-negative, got {std!r}")
    mean_tensor, std_tensor = (isinstance(v, (Tensor, np.ndarray)) for v in (mean, std))
    if size is not None and (mean_tensor or std_tensor):
        raise TypeError("normal: give either size= with number mean and std, or tensor mean/std "
                        "(their broadcast shape is the result's), not both")
    if not (mean_tensor or std_tensor):
        shape = _size("normal", size if size is not None else ())
        dtype = _float_dtype("normal", dtype)
        values = draws.normal(resolve(generator, None, "normal"), int(np.prod(shape)),
                              dtype if dtype in _FLOATS else np.float32, float(m), float(s))
        return Tensor._creation(values.astype(dtype).reshape(shape), requires_grad, dtype)
    tensors = [a for a, is_tensor in ((m, mean_tensor), (s, std_tensor)) if is_tensor]
    shape = np.broadcast_shapes(m.shape, s.shape)
    tensor_dtype = next((a.dtype for a in tensors if a.dtype.kind == "f"), None)
    dtype = _float_dtype("normal", dtype or tensor_dtype)
    gen = resolve(generator, None, "normal")
    n = int(np.prod(shape))
    if not std_tensor:                                             # normal(Tensor, float)
        values = draws.normal(gen, n, dtype, 0.0, float(s)).reshape(shape) + m.astype(dtype)
    else:                                                          # normals * std + mean
        values = draws.normal(gen, n, dtype).reshape(shape) * s.astype(dtype) + m.astype(dtype)
    result = Tensor._creation(values.astype(dtype), requires_grad, dtype)
    return _zero_gradient_to(result, mean, std)


def _zero_gradient_to(result, *inputs):
    """`result`, joined to the inputs that require grad with gradient 0, as PyTorch's `normal`
    and `bernoulli` are (a draw is not differentiated; `rsample` in torch.distributions is the
    reparameterised one). The values are unchanged: (t - t.detach()) * 0 is exactly 0."""
    parts = [t for t in inputs if isinstance(t, Tensor) and t.requires_grad]
    if not parts or not is_grad_enabled():
        return result
    for t in parts:
        joined = ((t - t.detach()) * 0.0).expand(*result.shape) if t.shape != result.shape \
            else (t - t.detach()) * 0.0
        result = result + joined
    return result
    for part in parts:
        result = result + part
    return result


def bernoulli(input, p=None, generator=None):
    """0/1 draws: element i is 1 with probability `input[i]` (or with probability `p` for
    every element when `p` is given), in `input`'s dtype, as `torch.bernoulli`.

    Example:
        >>> from tinygrad_edu import Tensor, bernoulli
        >>> bernoulli(Tensor([0.0, 1.0, 0.0, 1.0])).tolist()
        [0.0, 1.0, 0.0, 1.0]
    """
    data = np.asarray(getattr(input, "data", input))
    if data.dtype.kind != "f":
        raise TypeError(f"bernoulli: input must hold float probabilities, got dtype {data.dtype}")
    probs = data if p is None else np.float64(p)
    if not np.all((probs >= 0) & (probs <= 1)):
        raise ValueError("bernoulli: probabilities must be in [0, 1]" +
                         ("" if p is None else f", got p={p!r}"))
    gen = resolve(generator, None, "bernoulli")
    return _zero_gradient_to(Tensor(draws.bernoulli(gen, probs, data.shape).astype(data.dtype)), input)
