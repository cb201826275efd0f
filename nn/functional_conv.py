"""PyTorch's F.conv1d / F.conv2d with `groups` and `padding='same'|'valid'`, and the
transposed convolutions F.conv_transpose1d / F.conv_transpose2d.

The engine's primitive (`Tensor.conv2d`) takes one group and symmetric integer padding; these
functions reduce the PyTorch options to it with Tensor ops only: groups split the channels and
concatenate the per-group convolutions, 'same' pads the input (with PyTorch's rule: the odd
extra cell goes at the end). A transposed convolution is the adjoint of a convolution, so it is
the engine's conv input-gradient primitive (`Conv2dInputGrad`, itself differentiable) applied to
the input. Inputs without the batch dim are run as a batch of one.
"""
import numpy as np

from tinygrad_edu.ops.conv import Conv2dInputGrad
from tinygrad_edu.ops.window import Window


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
    if input.ndim == 3 and weight.ndim == 4:          # one (C, H, W) image: a batch of one
        return conv2d(input.unsqueeze(0), weight, bias, stride, padding, dilation,
                      groups).squeeze(0)
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


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups: int = 1):
    """1-D convolution of an (N, C, L) batch or a (C, L) sequence, as PyTorch's F.conv1d.

    Args:
        weight: (out_channels, in_channels / groups, k).
        padding: an int, 'valid' or 'same' (as conv2d).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> conv1d(Tensor.ones(1, 4, 6), Tensor.ones(2, 2, 3), groups=2, padding='same').shape
        (1, 2, 6)
    """
    if groups == 1 and not isinstance(padding, str):
        return input.conv1d(weight, bias, stride=stride, padding=padding, dilation=dilation)
    if input.ndim == 2 and weight.ndim == 3:
        return conv1d(input.unsqueeze(0), weight, bias, stride, padding, dilation,
                      groups).squeeze(0)
    if input.ndim != 3 or weight.ndim != 3:
        raise ValueError(f"conv1d: expected a (N, C, L) or (C, L) input and a (out_channels, "
                         f"in_channels / groups, k) weight, got {input.shape} and {weight.shape}")
    single = (lambda v: v[0] if isinstance(v, (tuple, list)) else v)
    pad = padding if isinstance(padding, str) else (0, single(padding))
    return conv2d(input.unsqueeze(2), weight.unsqueeze(2), bias, stride=(1, single(stride)),
                  padding=pad, dilation=(1, single(dilation)), groups=groups).squeeze(2)


def conv_transpose2d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups: int = 1, dilation=1):
    """Transposed 2-D convolution (the adjoint of conv2d; "deconvolution"), as PyTorch's.

    It maps each input cell to a kH x kW patch of the output, `stride` apart: the decoder of
    a convolutional autoencoder upsamples with it. Output size per dim:
    (n - 1) s - 2 p + d (k - 1) + output_padding + 1.

    Args:
        weight: (in_channels, out_channels / groups, kH, kW), PyTorch's layout.
        output_padding: extra cells at the end of each output dim (< stride or dilation),
            to pick one of the sizes that a strided conv2d maps to the same input size.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> conv_transpose2d(Tensor.ones(1, 4, 5, 5), Tensor.ones(4, 2, 3, 3), stride=2).shape
        (1, 2, 11, 11)
    """
    if input.ndim == 3 and weight.ndim == 4:
        return conv_transpose2d(input.unsqueeze(0), weight, bias, stride, padding,
                                output_padding, groups, dilation).squeeze(0)
    if input.ndim != 4 or weight.ndim != 4:
        raise ValueError(f"conv_transpose2d: expected a (N, C, H, W) or (C, H, W) input and a "
                         f"(in_channels, out_channels / groups, kH, kW) weight, got "
                         f"{input.shape} and {weight.shape}")
    if input.dtype.kind != "f" or weight.dtype.kind != "f":
        raise TypeError(f"conv_transpose2d: input and weight must be floating point, got "
                        f"{input.dtype} and {weight.dtype}")
    steps, pads, extra, dils = (_pair(v) for v in (stride, padding, output_padding, dilation))
    if input.shape[1] != weight.shape[0] or input.shape[1] % groups:
        raise ValueError(f"conv_transpose2d: input of shape {input.shape} has {input.shape[1]} "
                         f"channels, weight of shape {weight.shape} expects {weight.shape[0]} "
                         f"(divisible by groups={groups})")
    if any(e >= max(s, d) or e < 0 for e, s, d in zip(extra, steps, dils)):
        raise ValueError(f"conv_transpose2d: output_padding {extra} must be smaller than stride "
                         f"{steps} or dilation {dils}")
    kernel = weight.shape[2:]
    out_hw = tuple((n - 1) * s - 2 * p + d * (k - 1) + e + 1 for n, s, p, d, k, e in
                   zip(input.shape[2:], steps, pads, dils, kernel, extra))
    if any(n <= 0 for n in out_hw):
        raise ValueError(f"conv_transpose2d: the output size {out_hw} is not positive (input "
                         f"{input.shape}, kernel {kernel}, stride {steps}, padding {pads})")
    win = Window(out_hw, kernel, steps, pads, dils)
    full = win.out_hw != tuple(input.shape[2:])
    if full:
        # output_padding >= stride (allowed when the dilation is larger): conv2d of the padded
        # output would have more positions than the input has, so the adjoint is taken on the
        # unpadded, uncropped output and the requested window is cut out of it below
        win = Window(tuple((n - 1) * s + d * (k - 1) + 1 for n, s, d, k in
                           zip(input.shape[2:], steps, dils, kernel)), kernel, steps, (0, 0), dils)
    xs = input.split(input.shape[1] // groups, dim=1) if groups > 1 else [input]
    ws = weight.split(weight.shape[0] // groups, dim=0) if groups > 1 else [weight]
    outs = [Conv2dInputGrad.apply(x, w, win=win) for x, w in zip(xs, ws)]
    out = type(input).cat(outs, dim=1) if groups > 1 else outs[0]
    if full:
        out = _cut_out(out, pads, out_hw)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1, 1)
    return out


def _cut_out(full, pads, out_hw):
    """Cells [p, p + size) of each spatial dim of the uncropped output, zeros past its end."""
    spec = [(0, 0), (0, 0)] + [(0, max(p + size - n, 0))
                               for p, size, n in zip(pads, out_hw, full.shape[2:])]
    out = full.pad(spec, value=0) if any(right for _, right in spec) else full
    return out[:, :, pads[0]:pads[0] + out_hw[0], pads[1]:pads[1] + out_hw[1]]


def conv_transpose1d(input, weight, bias=None, stride=1, padding=0, output_padding=0,
                     groups: int = 1, dilation=1):
    """Transposed 1-D convolution of (N, C, L) or (C, L): conv_transpose2d on a height-1 image.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> conv_transpose1d(Tensor.ones(1, 4, 5), Tensor.ones(4, 2, 3), stride=2).shape
        (1, 2, 11)
    """
    if input.ndim == 2 and weight.ndim == 3:
        return conv_transpose1d(input.unsqueeze(0), weight, bias, stride, padding,
                                output_padding, groups, dilation).squeeze(0)
    if input.ndim != 3 or weight.ndim != 3:
        raise ValueError(f"conv_transpose1d: expected a (N, C, L) or (C, L) input and a "
                         f"(in_channels, out_channels / groups, k) weight, got {input.shape} and "
                         f"{weight.shape}")
    one = (lambda v: v[0] if isinstance(v, (tuple, list)) else v)
    return conv_transpose2d(input.unsqueeze(2), weight.unsqueeze(2), bias, (1, one(stride)),
                            (0, one(padding)), (0, one(output_padding)), groups,
                            (1, one(dilation))).squeeze(2)
