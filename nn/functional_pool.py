"""PyTorch's pooling functions (F.max_pool1d/2d, F.avg_pool1d/2d with every option, the
adaptive pools, the power-average pools lp_pool1d/2d) reduced to the engine's pooling
primitives and Tensor ops (max unpooling is in functional_unpool.py).

The primitives (`Tensor.max_pool2d`, `Tensor.avg_pool2d`) take symmetric integer padding and
floor the output size. The options are built around them:

- ceil_mode pads the end of each spatial dim so that the last, partial window exists; for the
  max that padding is the lowest value (it never wins), for the mean it is excluded from the
  divisor, as PyTorch does;
- count_include_pad=False and divisor_override divide the window sums by a constant array of
  per-window divisors, so the gradient follows from the composed ops;
- return_indices gives, for every output, the flat index h * W + w of the winning input cell
  (the first maximum in row-major window order), found once on the numpy array;
- an input without the batch dim ((C, H, W) or (C, L)) is pooled as a batch of one.
"""
import math

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.ops.window import Window


def _pair(value) -> tuple:
    if isinstance(value, (int, np.integer)):
        return (int(value), int(value))
    value = tuple(value)
    return value * 2 if len(value) == 1 else value


def pool_output_size(size, kernel, stride, padding, ceil_mode, dilation=1) -> int:
    """Output length of a pooling window, with PyTorch's ceil_mode rule.

    floor or ceil of (size + 2p - d(k - 1) - 1) / s, plus 1; with ceil_mode a last window that
    would start in the right padding is dropped.

    Example:
        >>> pool_output_size(5, 2, 2, 0, False), pool_output_size(5, 2, 2, 0, True)
        (2, 3)
    """
    rounding = math.ceil if ceil_mode else math.floor
    out = rounding((size + 2 * padding - dilation * (kernel - 1) - 1) / stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def _geometry(op, input, kernel_size, stride, padding, dilation, ceil_mode):
    """(kernel, stride, padding, dilation, extra end padding for ceil_mode) as pairs."""
    if input.ndim != 4:
        raise ValueError(f"{op}: expected a 3-D (C, H, W) or 4-D (N, C, H, W) input, got shape "
                         f"{input.shape}")
    kernel = _pair(kernel_size)
    steps = kernel if stride is None or (isinstance(stride, (tuple, list)) and not stride) \
        else _pair(stride)
    pads, dils = _pair(padding), _pair(dilation)
    extra = (0, 0)
    if ceil_mode:
        extra = tuple(max((pool_output_size(n, k, s, p, True, d) - 1) * s + d * (k - 1) + 1
                          - (n + 2 * p), 0)
                      for n, k, s, p, d in zip(input.shape[2:], kernel, steps, pads, dils))
    return kernel, steps, pads, dils, extra


def _batched(fn, input, ndim, op):
    """Run fn on a batch of one when the input lacks the batch dim. As PyTorch, only the batch
    dim may be empty: a pool over no channels or no positions is refused."""
    per_sample = input.shape[1:] if input.ndim == ndim else input.shape
    if input.ndim in (ndim - 1, ndim) and 0 in per_sample:
        layout = "(N, C, H, W) or (C, H, W)" if ndim == 4 else "(N, C, L) or (C, L)"
        raise ValueError(f"{op}: expected a {layout} input whose dims other than the batch dim N "
                         f"are non-zero, got shape {tuple(input.shape)}; only N may be 0")
    if input.ndim == ndim - 1:
        out = fn(input.unsqueeze(0))
        return tuple(o.squeeze(0) for o in out) if isinstance(out, tuple) else out.squeeze(0)
    return fn(input)


def _argmax_indices(data, kernel, steps, pads, dils, extra, out_hw):
    """Flat input index h * W + w of the first maximum of every window (PyTorch's indices)."""
    n, c, h, w = data.shape
    lowest = -np.inf if data.dtype.kind == "f" else np.iinfo(data.dtype).min
    padded = np.full((n, c, h + 2 * pads[0] + extra[0], w + 2 * pads[1] + extra[1]), lowest,
                     dtype=data.dtype)
    padded[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + w] = data
    win = Window(padded.shape[2:], kernel, steps, (0, 0), dils)
    windows = win.view(padded)[:, :, :out_hw[0], :out_hw[1]]
    best = windows.reshape(windows.shape[:4] + (-1,)).argmax(axis=-1)
    i, j = np.divmod(best, kernel[1])
    rows = np.arange(out_hw[0])[:, None] * steps[0] + i * dils[0] - pads[0]
    cols = np.arange(out_hw[1])[None, :] * steps[1] + j * dils[1] - pads[1]
    return Tensor(rows * w + cols, dtype=np.int64)


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Maximum over each window of an (N, C, H, W) batch or a (C, H, W) image.

    With `ceil_mode` the output size rounds up, so the last, partial window at the bottom and
    right edges is kept (PyTorch's rule); `return_indices` also returns the flat index
    h * W + w of each window's winner (what `max_unpool2d` takes).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> max_pool2d(Tensor.ones(1, 1, 5, 5), 2, ceil_mode=True).shape
        (1, 1, 3, 3)
    """
    def pool(x):
        kernel, steps, pads, dils, extra = _geometry("max_pool2d", x, kernel_size, stride,
                                                     padding, dilation, ceil_mode)
        padded = x
        if any(extra):     # the lowest value at the end: the partial window exists, never wins
            lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
            padded = x.pad(((0, 0), (0, 0), (0, extra[0]), (0, extra[1])), value=lowest)
        out = padded.max_pool2d(kernel, steps, pads, dils)
        if not return_indices:
            return out
        return out, _argmax_indices(x.data, kernel, steps, pads, dils, extra, out.shape[2:])
    return _batched(pool, input, 4, "max_pool2d")


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Maximum over windows of an (N, C, L) batch or a (C, L) sequence (options as max_pool2d).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> max_pool1d(Tensor([[1.0, 3.0, 2.0]]), 2, ceil_mode=True).tolist()
        [[3.0, 2.0]]
    """
    def pool(x):
        k, s, p, d = (_single(v) for v in (kernel_size, stride, padding, dilation))
        out = max_pool2d(x.unsqueeze(2), (1, k), None if s is None else (1, s), (0, p), (1, d),
                         ceil_mode, return_indices)
        return tuple(o.squeeze(2) for o in out) if return_indices else out.squeeze(2)
    return _batched(pool, input, 3, "max_pool1d")


def _single(value):
    if isinstance(value, (tuple, list)):
        return value[0] if value else None
    return value


def _divisors(size_hw, kernel, steps, pads, out_hw, count_include_pad, divisor_override):
    """Per-output divisor (OH, OW) of average pooling, by PyTorch's rule."""
    if divisor_override is not None:
        return np.full(out_hw, float(divisor_override))
    counts = []
    for n, k, s, p, o in zip(size_hw, kernel, steps, pads, out_hw):
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)          # the window stops at the padded edge
        if count_include_pad:
            counts.append(end - start)
        else:
            counts.append(np.minimum(end, n) - np.maximum(start, 0))
    return np.outer(counts[0], counts[1]).astype(np.float64)


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None):
    """Mean over each window of an (N, C, H, W) batch or a (C, H, W) image (PyTorch's options).

    By default the padding zeros count in the mean; `count_include_pad=False` divides by the
    number of real cells instead, `divisor_override` by a fixed number; `ceil_mode` keeps the
    last, partial window (its cells beyond the padding never count).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> avg_pool2d(Tensor.ones(1, 1, 3, 3), 2, ceil_mode=True).tolist()
        [[[[1.0, 1.0], [1.0, 1.0]]]]
    """
    if not ceil_mode and count_include_pad and divisor_override is None:
        return input.avg_pool2d(kernel_size, stride, padding)        # the primitive, as it is
    if divisor_override is not None and (isinstance(divisor_override, bool)
                                         or not isinstance(divisor_override, (int, np.integer))
                                         or divisor_override == 0):
        raise ValueError(f"avg_pool2d: divisor_override must be a nonzero int, got "
                         f"{divisor_override!r}")

    def pool(x):
        kernel, steps, pads, _, extra = _geometry("avg_pool2d", x, kernel_size, stride, padding,
                                                  1, ceil_mode)
        if any(2 * p > k for p, k in zip(pads, kernel)):      # the primitive's message
            return x.avg_pool2d(kernel, steps, pads)
        padded = x.pad(((0, 0), (0, 0), (pads[0], pads[0] + extra[0]),
                        (pads[1], pads[1] + extra[1])))
        sums = padded.avg_pool2d(kernel, steps, 0) * float(kernel[0] * kernel[1])
        divisor = _divisors(x.shape[2:], kernel, steps, pads, sums.shape[2:], count_include_pad,
                            divisor_override)
        return sums / Tensor(divisor.astype(x.dtype), dtype=x.dtype)
    return _batched(pool, input, 4, "avg_pool2d")


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True):
    """Mean over windows of an (N, C, L) batch or a (C, L) sequence (options as avg_pool2d).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> avg_pool1d(Tensor([[1.0, 3.0, 2.0]]), 2, ceil_mode=True).tolist()
        [[2.0, 2.0]]
    """
    def pool(x):
        k, s, p = (_single(v) for v in (kernel_size, stride, padding))
        return avg_pool2d(x.unsqueeze(2), (1, k), None if s is None else (1, s), (0, p),
                          ceil_mode, count_include_pad).squeeze(2)
    return _batched(pool, input, 3, "avg_pool1d")


# ---------------------------------------------------------------- adaptive pools
def _adaptive_bounds(size: int, out: int):
    """PyTorch's adaptive windows: [floor(i n / o), ceil((i + 1) n / o)) for output i."""
    return [((i * size) // out, -(-((i + 1) * size) // out)) for i in range(out)]


def _adaptive(op, input, output_size, reduce, dims):
    sizes = (output_size,) * dims if isinstance(output_size, (int, np.integer)) or \
        output_size is None else tuple(output_size)
    if len(sizes) != dims:
        raise ValueError(f"{op}: output_size must be an int or {dims} ints, got {output_size!r}")
    if input.ndim not in (dims + 1, dims + 2):
        raise ValueError(f"{op}: expected a {dims + 1}-D or {dims + 2}-D input, got shape "
                         f"{input.shape}")
    spatial = input.shape[input.ndim - dims:]
    sizes = tuple(n if o is None else int(o) for o, n in zip(sizes, spatial))
    if any(o < 0 for o in sizes) or any(n == 0 for n in spatial):
        raise ValueError(f"{op}: output_size {sizes} must be >= 0 and the input's spatial dims "
                         f"non-empty, got input of shape {input.shape}")
    out = input
    for axis_from_end, o in zip(range(dims, 0, -1), sizes):
        axis = out.ndim - axis_from_end
        n = out.shape[axis]
        cut = (slice(None),) * axis
        parts = [reduce(out[cut + (slice(a, b),)], axis) for a, b in _adaptive_bounds(n, o)]
        out = Tensor.stack(parts, dim=axis) if parts else out[cut + (slice(0, 0),)]
    return out


def adaptive_avg_pool1d(input, output_size):
    """Mean over `output_size` nearly equal windows of the last dim of (N, C, L) or (C, L).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> adaptive_avg_pool1d(Tensor([[1.0, 2.0, 3.0, 4.0]]), 2).tolist()
        [[1.5, 3.5]]
    """
    return _adaptive("adaptive_avg_pool1d", input, output_size,
                     lambda t, axis: t.mean(axis=axis), 1)


def adaptive_avg_pool2d(input, output_size):
    """Mean over an output_size grid of nearly equal windows of (N, C, H, W) or (C, H, W)
    (None in output_size keeps that dim).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> adaptive_avg_pool2d(Tensor.ones(2, 3, 7, 5), 1).shape
        (2, 3, 1, 1)
    """
    return _adaptive("adaptive_avg_pool2d", input, output_size,
                     lambda t, axis: t.mean(axis=axis), 2)


def _adaptive_max_indices(data, out_hw):
    """Flat index (h * W + w) of the first maximum of every adaptive window, as PyTorch's."""
    h, w = data.shape[-2:]
    index = np.zeros(data.shape[:-2] + tuple(out_hw), dtype=np.int64)
    for i, (r0, r1) in enumerate(_adaptive_bounds(h, out_hw[0])):
        for j, (c0, c1) in enumerate(_adaptive_bounds(w, out_hw[1])):
            window = data[..., r0:r1, c0:c1].reshape(data.shape[:-2] + (-1,))
            rows, cols = np.divmod(window.argmax(axis=-1), c1 - c0)
            index[..., i, j] = (rows + r0) * w + cols + c0
    return index


def _adaptive_max(op, input, output_size, return_indices, dims):
    # max(dim): the gradient goes to the first maximum only, as PyTorch's
    out = _adaptive(op, input, output_size, lambda t, axis: t.max(axis)[0], dims)
    if not return_indices:
        return out
    data = input.data if dims == 2 else input.data[..., None, :]
    hw = out.shape[-2:] if dims == 2 else (1, out.shape[-1])
    index = _adaptive_max_indices(data, hw)
    return out, Tensor(index if dims == 2 else index[..., 0, :], dtype=np.int64)


def adaptive_max_pool1d(input, output_size, return_indices: bool = False):
    """Maximum over `output_size` nearly equal windows of the last dim of (N, C, L) or (C, L).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> adaptive_max_pool1d(Tensor([[1.0, 5.0, 3.0, 4.0]]), 2).tolist()
        [[5.0, 4.0]]
    """
    return _adaptive_max("adaptive_max_pool1d", input, output_size, return_indices, 1)


def adaptive_max_pool2d(input, output_size, return_indices: bool = False):
    """Maximum over an output_size grid of nearly equal windows of (N, C, H, W) or (C, H, W).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> adaptive_max_pool2d(Tensor.ones(2, 3, 7, 5), (2, 2)).shape
        (2, 3, 2, 2)
    """
    return _adaptive_max("adaptive_max_pool2d", input, output_size, return_indices, 2)


def lp_pool2d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False):
    """The power-average pool (sum over each window of x^p)^(1/p), as PyTorch's F.lp_pool2d
    (p = 1 sums, p -> inf approaches max pooling); computed as PyTorch does, from avg_pool2d.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> lp_pool2d(Tensor([[[[3.0, 4.0]]]]), 2, (1, 2)).tolist()
        [[[[5.0]]]]
    """
    kh, kw = _pair(kernel_size)
    out = avg_pool2d(input ** norm_type, (kh, kw), stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu() * (kh * kw)) ** (1.0 / norm_type)


def lp_pool1d(input, norm_type, kernel_size, stride=None, ceil_mode: bool = False):
    """The power-average pool of (N, C, L) input, as PyTorch's F.lp_pool1d."""
    k = _single(kernel_size)
    out = avg_pool1d(input ** norm_type, k, stride, 0, ceil_mode)
    return (out.sign() * out.abs().relu() * k) ** (1.0 / norm_type)
