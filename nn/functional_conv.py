"""PyTorch's F.conv2d with `groups` and `padding='same'|'valid'`, and F.max_pool2d with `ceil_mode`.

The engine's primitives (`Tensor.conv2d`, `Tensor.max_pool2d`) take one group and symmetric
integer padding; these functions reduce the PyTorch options to them with Tensor ops only:
groups split the channels and concatenate the per-group convolutions, 'same' pads the input
(with PyTorch's rule: the odd extra cell goes at the end), and ceil_mode pads the end with -inf
so that the last partial window exists and never wins.
"""
import math

import numpy as np


def _pair(value) -> tuple:
    return (value, value) if isinstance(value, (int, np.integer)) else tuple(value)


def _check_groups(input, weight, groups):
    if isinstance(groups, bool) or not isinstance(groups, (int, np.integer)) or groups < 1:
        raise ValueError(f"conv2d: groups must be a positive int, got {groups!r}")
    channels, out_channels = input.shape[1], weight.shape[0]
    if channels % groups or out_channels % groups:
        raise ValueError(f"conv2d: groups={groups} must divide both the input channels "
                         f"({channels}) and the output channels ({out_channels})")
    if weight.shape[1] * groups != channels:
        raise ValueError(f"conv2d: weight of shape {weight.shape} expects {weight.shape[1]} "
                         f"channels per group, but the input of shape {input.shape} has "
                         f"{channels} channels in {groups} groups ({channels // groups} each); "
                         f"weight is (out_channels, in_channels / groups, kH, kW)")


def same_padding(kernel_size, dilation) -> tuple:
    """((top, bottom), (left, right)) that keeps H and W at stride 1, as PyTorch pads 'same'.

    Example:
        >>> same_padding((3, 4), 1)
        ((1, 1), (1, 2))
    """
    pads = []
    for k, d in zip(_pair(kernel_size), _pair(dilation)):
        total = d * (k - 1)
        pads.append((total // 2, total - total // 2))
    return tuple(pads)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """2-D convolution of an NCHW batch, as PyTorch's F.conv2d (cross-correlation).

    Args:
        weight: (out_channels, in_channels / groups, kH, kW).
        padding: an int, a pair, 'valid' (no padding) or 'same' (output size = input size;
            stride must be 1).
        groups: split the channels into `groups` independent convolutions (groups =
            in_channels is a depthwise convolution).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> conv2d(Tensor.ones(1, 4, 5, 5), Tensor.ones(4, 2, 3, 3), groups=2, padding='same').shape
        (1, 4, 5, 5)
    """
    if input.ndim != 4 or weight.ndim != 4:
        # the engine's message names the layouts
        return input.conv2d(weight, bias, stride=stride, padding=padding, dilation=dilation)
    if isinstance(padding, str):
        if padding == "valid":
            padding = 0
        elif padding == "same":
            if _pair(stride) != (1, 1):
                raise ValueError(f"conv2d: padding='same' needs stride=1 (the output could not "
                                 f"keep the input size with stride={stride}); give an int "
                                 f"padding instead")
            (top, bottom), (left, right) = same_padding(weight.shape[2:], dilation)
            if (top, left) == (bottom, right):
                padding = (top, left)
            else:
                input = input.pad(((0, 0), (0, 0), (top, bottom), (left, right)))
                padding = 0
        else:
            raise ValueError(f"conv2d: padding must be an int, a pair, 'same' or 'valid', got "
                             f"{padding!r}")
    if groups == 1:
        return input.conv2d(weight, bias, stride=stride, padding=padding, dilation=dilation)
    _check_groups(input, weight, groups)
    xs = input.split(input.shape[1] // groups, dim=1)
    ws = weight.split(weight.shape[0] // groups, dim=0)
    bs = bias.split(weight.shape[0] // groups, dim=0) if bias is not None else [None] * groups
    outs = [x.conv2d(w, b, stride=stride, padding=padding, dilation=dilation)
            for x, w, b in zip(xs, ws, bs)]
    return type(input).cat(outs, dim=1)


def pool_output_size(size, kernel, stride, padding, ceil_mode) -> int:
    """Output length of a pooling window, with PyTorch's ceil_mode rule.

    floor or ceil of (size + 2p - k) / s, plus 1; with ceil_mode a last window that would start
    in the right padding is dropped.

    Example:
        >>> pool_output_size(5, 2, 2, 0, False), pool_output_size(5, 2, 2, 0, True)
        (2, 3)
    """
    rounding = math.ceil if ceil_mode else math.floor
    out = rounding((size + 2 * padding - kernel) / stride) + 1
    if ceil_mode and (out - 1) * stride >= size + padding:
        out -= 1
    return out


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode: bool = False,
               return_indices: bool = False):
    """Maximum over each window of an NCHW batch (stride defaults to kernel_size).

    With `ceil_mode` the output size rounds up, so the last, partial window at the bottom and
    right edges is kept (PyTorch's rule).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> max_pool2d(Tensor.ones(1, 1, 5, 5), 2, ceil_mode=True).shape
        (1, 1, 3, 3)
    """
    if _pair(dilation) != (1, 1) or return_indices:
        raise NotImplementedError("max_pool2d: dilation > 1 and return_indices=True are not "
                                  "supported; use dilation=1 and take the indices from argmax")
    if stride is None or (isinstance(stride, (tuple, list)) and not stride):
        stride = kernel_size
    if not ceil_mode or input.ndim != 4:
        return input.max_pool2d(kernel_size, stride, padding)
    kernel, steps, pads = _pair(kernel_size), _pair(stride), _pair(padding)
    extra = []
    for size, k, s, p in zip(input.shape[2:], kernel, steps, pads):
        out = pool_output_size(size, k, s, p, True)
        extra.append(max((out - 1) * s + k - (size + 2 * p), 0))
    if any(extra):
        # -inf cells at the end: the partial window exists and only real cells can win it
        input = input.pad(((0, 0), (0, 0), (0, extra[0]), (0, extra[1])), value=-np.inf)
    return input.max_pool2d(kernel_size, stride, padding)
