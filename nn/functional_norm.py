"""Normalisations of parts of a sample (PyTorch's F.group_norm, instance_norm, rms_norm,
normalize), composed from Tensor ops: the gradient flows through the statistics too.

Unlike batch norm they use no other sample of the batch (instance norm may keep running
statistics, as PyTorch's does), so they behave the same for any batch size.
"""
import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor


def _standardise(x, axes, eps):
    """(x - mean) / sqrt(var + eps) over `axes`, with the biased variance."""
    mean = x.mean(axis=axes, keepdims=True)
    centred = x - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)
    return centred / (var + eps).sqrt()


def _affine(out, weight, bias, channels_at=1):
    """Per-channel scale and shift (weight, bias of shape (C,)) on dim `channels_at`."""
    shape = (1,) * channels_at + (-1,) + (1,) * (out.ndim - channels_at - 1)
    if weight is not None:
        out = out * weight.reshape(*shape)
    if bias is not None:
        out = out + bias.reshape(*shape)
    return out


def group_norm(input, num_groups: int, weight=None, bias=None, eps: float = 1e-5):
    """Normalise each group of C / num_groups channels of each sample (Wu & He's GroupNorm).

    Example:
        >>> group_norm(Tensor([[1.0, 3.0, 5.0, 7.0]]), 2, eps=0.0).tolist()
        [[-1.0, 1.0, -1.0, 1.0]]
    """
    require_tensor("group_norm", "input", input, Tensor)
    if input.ndim < 2 or input.shape[1] % num_groups:
        raise ValueError(f"group_norm: the input {input.shape} needs a channel dim (dim 1) "
                         f"divisible by num_groups={num_groups}")
    n, c = input.shape[:2]
    per_group = (c // num_groups) * int(np.prod(input.shape[2:], dtype=np.int64))
    grouped = input.reshape(n, num_groups, per_group)       # explicit: an empty batch has no -1 to infer
    out = _standardise(grouped, (2,), eps).reshape(*input.shape)
    return _affine(out, weight, bias)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats: bool = True, momentum: float = 0.1, eps: float = 1e-5):
    """Normalise each channel of each sample over its spatial dims (style transfer's norm).

    With `use_input_stats` the statistics are the instance's own, and running statistics,
    when given, move towards their average over the batch (unbiased variance, as batch
    norm); otherwise the running statistics are used.

    Example:
        >>> instance_norm(Tensor([[[1.0, 3.0]]]), eps=0.0).tolist()
        [[[-1.0, 1.0]]]
    """
    require_tensor("instance_norm", "input", input, Tensor)
    if input.ndim < 3:
        raise ValueError(f"instance_norm: expected an input (N, C, ...) with spatial dims, got "
                         f"shape {input.shape}")
    axes = tuple(range(2, input.ndim))
    if not use_input_stats:
        if running_mean is None or running_var is None:
            raise ValueError("instance_norm: use_input_stats=False needs running_mean and "
                             "running_var")
        shape = (1, -1) + (1,) * len(axes)
        mean = Tensor(running_mean.data.reshape(shape), dtype=input.dtype)
        var = Tensor(running_var.data.reshape(shape), dtype=input.dtype)
        return _affine((input - mean) / (var + eps).sqrt(), weight, bias)
    if running_mean is not None and running_var is not None and input.data.size:
        count = int(np.prod(input.shape[2:]))
        means = input.data.mean(axis=axes)
        variances = input.data.var(axis=axes) * (count / max(count - 1, 1))
        running_mean.data[...] = (1 - momentum) * running_mean.data + momentum * means.mean(0)
        running_var.data[...] = (1 - momentum) * running_var.data + momentum * variances.mean(0)
    return _affine(_standardise(input, axes, eps), weight, bias)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """x / sqrt(mean(x^2) + eps) over the last dims (no centring), times weight (LLaMA's norm).

    eps defaults to the machine epsilon of the input's dtype, as PyTorch's.

    Example:
        >>> rms_norm(Tensor([[1.0, 7.0]]), (2,), eps=0.0).tolist()
        [[0.20000000298023224, 1.399999976158142]]
    """
    require_tensor("rms_norm", "input", input, Tensor)
    shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
        else tuple(normalized_shape)
    if not shape:
        raise ValueError(f"rms_norm: normalized_shape must name at least one dim (got {shape}); pass "
                         f"the trailing dims of the input {input.shape} to normalise over")
    if input.shape[input.ndim - len(shape):] != shape or len(shape) > input.ndim:
        raise ValueError(f"rms_norm: normalized_shape {shape} must equal the last dims of the "
                         f"input, got input of shape {input.shape}")
    eps = float(np.finfo(input.dtype).eps) if eps is None else eps
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    out = input / ((input * input).mean(axis=axes, keepdims=True) + eps).sqrt()
    return out * weight if weight is not None else out


def normalize(input, p: float = 2.0, dim: int = 1, eps: float = 1e-12, out=None):
    """x / max(||x||_p, eps) along `dim`: unit vectors (eps guards zero vectors).

    Example:
        >>> normalize(Tensor([[3.0, 4.0]], dtype=np.float64)).tolist()
        [[0.6, 0.8]]
    """
    require_tensor("normalize", "input", input, Tensor)
    if out is not None:
        raise TypeError("normalize: out= is not supported; use the returned tensor")
    size = input.abs()
    if p == float("inf"):
        norm = size.amax(dim, True)
    elif p == float("-inf"):
        norm = size.amin(dim, True)
    elif p == 0:                         # PyTorch's 0-"norm": the count of nonzeros, gradient 0
        norm = Tensor((size.data != 0).sum(axis=dim, keepdims=True).astype(size.data.dtype))
    else:
        norm = (size ** p).sum(axis=dim, keepdims=True) ** (1.0 / p)
    norm = Tensor.where(norm.data > eps, norm, eps)          # clamp_min: no gradient below eps
    return input / norm


def local_response_norm(input, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0):
    """Each value divided by (k + alpha * mean of the squares of `size` neighbouring channels)
    ^ beta (AlexNet's normalisation across channels), as PyTorch's F.local_response_norm.

    Example:
        >>> round(local_response_norm(Tensor.ones(1, 3, 1), 2, alpha=1.0).tolist()[0][1][0], 4)
        0.5946
    """
    require_tensor("local_response_norm", "input", input, Tensor)
    if input.ndim < 3:
        raise ValueError(f"local_response_norm: expects (N, C, ...) input with at least 3 dims, "
                         f"got shape {input.shape}")
    if input.numel() == 0:
        return input
    from .functional_pool import avg_pool2d          # (pooling imports normalisation helpers)
    from .functional_shape import pad
    n, c = input.shape[:2]
    squares = (input * input).reshape(n, 1, c, -1)   # channels as rows: a (size, 1) window
    padded = pad(squares, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(padded, (size, 1), stride=1).reshape(*input.shape)
    return input / (div * alpha + k) ** beta
