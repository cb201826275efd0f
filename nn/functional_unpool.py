"""Max unpooling (PyTorch's F.max_unpool1d, max_unpool2d): the partial inverse of max pooling,
each value put back at the index its pool recorded."""
import numpy as np

from tinygrad_edu import Tensor
from .functional_pool import _pair, _single


def max_unpool2d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool2d: each value goes back to the cell its index names,
    zeros elsewhere (the indices are those of `max_pool2d(..., return_indices=True)`).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> from tinygrad_edu.nn.functional import max_pool2d
        >>> x = Tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
        >>> y, i = max_pool2d(x, 2, return_indices=True)
        >>> max_unpool2d(y, i, 2).tolist()
        [[[[0.0, 0.0], [0.0, 4.0]]]]
    """
    index = np.asarray(getattr(indices, "data", indices))
    if index.shape != input.shape or index.dtype.kind not in "iu":
        raise ValueError(f"max_unpool2d: indices must be integers of the input's shape "
                         f"{input.shape}, got {index.dtype} {index.shape}")
    kernel, pads = _pair(kernel_size), _pair(padding)
    steps = kernel if stride is None else _pair(stride)
    if output_size is None:
        hw = tuple((o - 1) * s - 2 * p + k for o, s, p, k in
                   zip(input.shape[-2:], steps, pads, kernel))
    else:
        hw = tuple(output_size)[-2:]
    plane = hw[0] * hw[1]
    if index.size and (index.min() < 0 or index.max() >= plane):
        raise ValueError(f"max_unpool2d: index {int(index.max())} is out of range for an output "
                         f"of size {hw}")
    lead = input.shape[:-2]
    flat_in = input.reshape(*lead, -1)
    # a one-hot placement matrix per (n, c) row would be large; scatter by a gather instead:
    # out[.., q] = sum over p of [index p == q] in[.., p], built as a sparse selection
    flat_index = index.reshape(*lead, -1)
    selector = np.zeros(lead + (plane, flat_index.shape[-1]), dtype=input.dtype)
    np.put_along_axis(selector, flat_index[..., None, :], 1, axis=-2)
    out = (Tensor(selector, dtype=input.dtype) * flat_in.unsqueeze(-2)).sum(axis=-1)
    duplicates = selector.sum(axis=-1) > 1
    if duplicates.any():
        # several inputs name one cell (overlapping pooling windows): PyTorch writes one of them
        # (we keep the last) but sends the cell's gradient to all; subtract the others' sum as a
        # constant, so the value is one write and the gradient stays the sum's
        last = np.where(np.cumsum(selector[..., ::-1], axis=-1)[..., ::-1] == 1, selector, 0)
        extra = ((selector - last) * flat_in.data[..., None, :]).sum(axis=-1)
        out = out - Tensor(extra, dtype=input.dtype)
    return out.reshape(*lead, *hw)


def max_unpool1d(input, indices, kernel_size, stride=None, padding=0, output_size=None):
    """The partial inverse of max_pool1d on (N, C, L) or (C, L) input, as PyTorch's.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> max_unpool1d(Tensor([[2.0]]), Tensor([[1]]), 2).tolist()
        [[0.0, 2.0]]
    """
    index = np.asarray(getattr(indices, "data", indices))
    k, p = _single(kernel_size), _single(padding)
    s = k if stride is None else _single(stride)
    size = None if output_size is None else (1, tuple(output_size)[-1])
    out = max_unpool2d(input.unsqueeze(-2), index[..., None, :], (1, k), (1, s), (0, p), size)
    return out.squeeze(-2)
