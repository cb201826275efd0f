"""Padding, resampling and patch extraction (PyTorch's F.pad, interpolate / upsample,
pixel_shuffle, pixel_unshuffle, unfold, fold) and F.bilinear, composed from Tensor ops.

Every one of them is a fixed linear map of the input (pad, nearest or linear resampling, patch
gathering), written as indexing with integer arrays (whose gradient adds the output gradients
of every position that read a cell) plus, for linear interpolation, a weighted sum, so no
backward is written here.
"""
import math

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor

_MODES = ("constant", "reflect", "replicate", "circular")


def _take(x, axis, index):
    """x indexed along `axis` by an integer array (a gather: gradients accumulate)."""
    return x[(slice(None),) * axis + (np.asarray(index, dtype=np.int64),)]


def pad(input, pad, mode: str = "constant", value=None):
    """Pad the last len(pad) // 2 dims; `pad` = (left, right, top, bottom, ...) from the last dim
    back, as PyTorch. Modes: 'constant' (value, default 0; negative widths crop), 'reflect'
    (mirror without repeating the edge), 'replicate' (repeat the edge), 'circular' (wrap).

    Example:
        >>> pad(Tensor([[1.0, 2.0, 3.0]]), (2, 1), mode='reflect').tolist()
        [[3.0, 2.0, 1.0, 2.0, 3.0, 2.0]]
    """
    require_tensor("pad", "input", input, Tensor)
    widths = [int(p) for p in pad]
    if len(widths) % 2 or len(widths) // 2 > input.ndim:
        raise ValueError(f"pad: pad must have an even length of at most 2 * ndim = "
                         f"{2 * input.ndim}, got {tuple(pad)} for an input of shape {input.shape}")
    if mode not in _MODES:
        raise ValueError(f"pad: mode must be one of {_MODES}, got {mode!r}")
    if mode != "constant" and value:
        raise ValueError(f"pad: value is only used by mode='constant', got value={value}")
    out = input
    for k in range(len(widths) // 2):
        axis, (left, right) = input.ndim - 1 - k, widths[2 * k:2 * k + 2]
        n = out.shape[axis]
        if mode in ("constant", "circular") and min(left, right) < 0:
            # negative widths crop first; circular then wraps the cropped dim (as PyTorch)
            keep = slice(max(-left, 0), n - max(-right, 0))
            out = out[(slice(None),) * axis + (keep,)]
            left, right = max(left, 0), max(right, 0)
        if mode == "constant":
            spec = [(0, 0)] * out.ndim
            spec[axis] = (left, right)
            out = out.pad(spec, value=0 if value is None else value)
            continue
        n = out.shape[axis]                                  # circular wraps the cropped size
        too_wide = max(left, right) >= n if mode == "reflect" else max(left, right) > n
        if too_wide and mode != "replicate" or n == 0:
            raise ValueError(f"pad: {mode} padding ({left}, {right}) of dim {axis} needs a "
                             f"dim longer than the padding, got size {n}")
        index = np.arange(-left, n + right)
        if mode == "reflect":
            index = np.abs(index)
            index = np.where(index >= n, 2 * (n - 1) - index, index)
        elif mode == "replicate":
            index = np.clip(index, 0, n - 1)
        else:
            index = index % n
        out = _take(out, axis, index)
    return out


def pixel_shuffle(input, upscale_factor: int):
    """(*, C r^2, H, W) -> (*, C, H r, W r): channels become sub-pixel positions (ESPCN).

    Example:
        >>> pixel_shuffle(Tensor.arange(4.0).reshape(1, 4, 1, 1), 2).tolist()
        [[[[0.0, 1.0], [2.0, 3.0]]]]
    """
    r = int(upscale_factor)
    if input.ndim < 3 or input.shape[-3] % (r * r):
        raise ValueError(f"pixel_shuffle: the channels (dim -3) of {input.shape} must be "
                         f"divisible by upscale_factor^2 = {r * r}")
    *lead, c, h, w = input.shape
    k = len(lead)
    x = input.reshape(*lead, c // (r * r), r, r, h, w)
    x = x.permute(*range(k), k, k + 3, k + 1, k + 4, k + 2)
    return x.reshape(*lead, c // (r * r), h * r, w * r)


def pixel_unshuffle(input, downscale_factor: int):
    """The inverse of pixel_shuffle: (*, C, H r, W r) -> (*, C r^2, H, W).

    Example:
        >>> pixel_unshuffle(Tensor.arange(4.0).reshape(1, 1, 2, 2), 2).reshape(-1).tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    r = int(downscale_factor)
    if input.ndim < 3 or input.shape[-1] % r or input.shape[-2] % r:
        raise ValueError(f"pixel_unshuffle: H and W of {input.shape} must be divisible by "
                         f"downscale_factor = {r}")
    *lead, c, h, w = input.shape
    k = len(lead)
    x = input.reshape(*lead, c, h // r, r, w // r, r)
    x = x.permute(*range(k), k, k + 2, k + 4, k + 1, k + 3)
    return x.reshape(*lead, c * r * r, h // r, w // r)


# ---------------------------------------------------------------- interpolation
def _output_sizes(input, size, scale_factor, dims):
    if (size is None) == (scale_factor is None):
        raise ValueError("interpolate: give exactly one of size and scale_factor")
    spatial = input.shape[2:]
    if size is not None:
        sizes = (size,) * dims if isinstance(size, (int, np.integer)) else tuple(size)
        return tuple(int(s) for s in sizes), [None] * dims
    scales = (scale_factor,) * dims if isinstance(scale_factor, (int, float)) \
        else tuple(scale_factor)
    return tuple(int(math.floor(n * s)) for n, s in zip(spatial, scales)), list(scales)


def _nearest(x, axis, out_size, scale, exact):
    n = x.shape[axis]
    ratio = n / out_size if scale is None else 1.0 / scale
    positions = np.arange(out_size)
    source = np.floor((positions + 0.5) * ratio) if exact else np.floor(positions * ratio)
    return _take(x, axis, np.minimum(source.astype(np.int64), n - 1))


def _linear(x, axis, out_size, scale, align_corners):
    n = x.shape[axis]
    positions = np.arange(out_size, dtype=np.float64)
    if align_corners:
        source = positions * ((n - 1) / (out_size - 1)) if out_size > 1 else positions * 0.0
    else:
        ratio = n / out_size if scale is None else 1.0 / scale
        source = np.maximum((positions + 0.5) * ratio - 0.5, 0.0)
    low = np.minimum(np.floor(source).astype(np.int64), n - 1)
    high = np.minimum(low + 1, n - 1)
    shape = [1] * x.ndim
    shape[axis] = out_size
    frac = Tensor((source - low).reshape(shape).astype(x.dtype), dtype=x.dtype)
    return _take(x, axis, low) * (1.0 - frac) + _take(x, axis, high) * frac


def _cubic(x, axis, out_size, scale, align_corners, a=-0.75):
    """Keys' cubic convolution (a = -0.75, as PyTorch) over the 4 nearest source cells, the
    indices clamped at the edges; the source position is _linear's, not clamped at 0."""
    n = x.shape[axis]
    positions = np.arange(out_size, dtype=np.float64)
    if align_corners:
        source = positions * ((n - 1) / (out_size - 1)) if out_size > 1 else positions * 0.0
    else:
        ratio = n / out_size if scale is None else 1.0 / scale
        source = (positions + 0.5) * ratio - 0.5
    floor = np.floor(source)
    t = source - floor

    def near(d):                                       # the kernel for |d| <= 1
        return ((a + 2) * d - (a + 3)) * d * d + 1

    def far(d):                                        # and for 1 < |d| < 2
        return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a

    shape = [1] * x.ndim
    shape[axis] = out_size
    out = None
    for offset, weight in zip((-1, 0, 1, 2), (far(t + 1), near(t), near(1 - t), far(2 - t))):
        index = np.clip(floor.astype(np.int64) + offset, 0, n - 1)
        term = _take(x, axis, index) * Tensor(weight.reshape(shape).astype(x.dtype), dtype=x.dtype)
        out = term if out is None else out + term
    return out


def interpolate(input, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                recompute_scale_factor=None, antialias: bool = False):
    """Resize the spatial dims of (N, C, L), (N, C, H, W) or (N, C, D, H, W) to `size` or by
    `scale_factor`.

    Modes: 'nearest' (PyTorch's: source index floor(i * in / out)), 'nearest-exact',
    'linear' (1-D), 'bilinear' (2-D) and 'trilinear' (3-D), separable (one spatial dim at a
    time), with `align_corners` as PyTorch; 'bicubic' (4-D) is Keys' cubic convolution on the
    same grid, and 'area' (any of them) is the adaptive average pool.

    Example:
        >>> interpolate(Tensor([[[1.0, 2.0]]]), scale_factor=2).tolist()
        [[[1.0, 1.0, 2.0, 2.0]]]
    """
    require_tensor("interpolate", "input", input, Tensor)
    dims = input.ndim - 2
    linear = {"linear": 1, "bilinear": 2, "trilinear": 3, "bicubic": 2}
    if mode not in ("nearest", "nearest-exact", "area", *linear) or dims not in (1, 2, 3):
        raise NotImplementedError(f"interpolate: mode {mode!r} of a {input.ndim}-D input is not "
                                  f"supported (nearest, nearest-exact, area for 3-D to 5-D; "
                                  f"linear for 3-D, bilinear and bicubic for 4-D, trilinear for "
                                  f"5-D)")
    if mode in linear and linear[mode] != dims:
        raise ValueError(f"interpolate: mode {mode!r} needs a {linear[mode] + 2}-D input, got "
                         f"shape {input.shape}")
    if align_corners is not None and mode not in linear:
        raise ValueError("interpolate: align_corners only applies to the linear modes")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported")
    sizes, scales = _output_sizes(input, size, scale_factor, dims)
    if recompute_scale_factor:
        scales = [None] * dims
    if mode == "area":
        from .functional_pool import _adaptive         # local: the pools import nothing from here
        return _adaptive("interpolate", input, sizes, lambda t, axis: t.mean(axis=axis), dims)
    out = input
    for k, (out_size, scale) in enumerate(zip(sizes, scales)):
        if mode == "bicubic":
            out = _cubic(out, 2 + k, out_size, scale, bool(align_corners))
        elif mode in linear:
            out = _linear(out, 2 + k, out_size, scale, bool(align_corners))
        else:
            out = _nearest(out, 2 + k, out_size, scale, mode == "nearest-exact")
    return out


def upsample(input, size=None, scale_factor=None, mode: str = "nearest", align_corners=None):
    """PyTorch's older name of `interpolate`.

    Example:
        >>> upsample(Tensor.ones(1, 1, 2, 2), scale_factor=2).shape
        (1, 1, 4, 4)
    """
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    """PyTorch's older name of interpolate(..., mode='nearest').

    Example:
        >>> upsample_nearest(Tensor.ones(1, 1, 2), scale_factor=3).shape
        (1, 1, 6)
    """
    return interpolate(input, size, scale_factor, "nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    """PyTorch's older name of interpolate(..., mode='bilinear', align_corners=True).

    Example:
        >>> upsample_bilinear(Tensor.ones(1, 1, 2, 2), size=(3, 3)).shape
        (1, 1, 3, 3)
    """
    return interpolate(input, size, scale_factor, "bilinear", align_corners=True)


# ---------------------------------------------------------------- patches
def _pair(v):
    return (int(v), int(v)) if isinstance(v, (int, np.integer)) else tuple(int(a) for a in v)


def _patch_index(hw, kernel, dilation, padding, stride):
    """Flat indices into the padded (H + 2p) x (W + 2p) plane: (kH kW, L) for each patch."""
    (h, w), (kh, kw), (dh, dw), (ph, pw), (sh, sw) = hw, kernel, dilation, padding, stride
    hp, wp = h + 2 * ph, w + 2 * pw
    oh = (hp - dh * (kh - 1) - 1) // sh + 1
    ow = (wp - dw * (kw - 1) - 1) // sw + 1
    if oh < 1 or ow < 1:
        raise ValueError(f"unfold/fold: the kernel {kernel} (dilation {dilation}) does not fit "
                         f"the padded size {(hp, wp)}")
    rows = (np.arange(kh)[:, None] * dh)[:, :, None, None] + (np.arange(oh) * sh)[None, None, :, None]
    cols = (np.arange(kw)[None, :] * dw)[:, :, None, None] + (np.arange(ow) * sw)[None, None, None, :]
    return (rows * wp + cols).reshape(kh * kw, oh * ow), (hp, wp)


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """im2col: every sliding block of (N, C, H, W) as a column, (N, C kH kW, L).

    Example:
        >>> unfold(Tensor.ones(1, 2, 3, 3), 2).shape
        (1, 8, 4)
    """
    x = input.unsqueeze(0) if input.ndim == 3 else input
    if x.ndim != 4:
        raise ValueError(f"unfold: expected a (N, C, H, W) or (C, H, W) input, got {input.shape}")
    kernel, dil, pads, steps = (_pair(v) for v in (kernel_size, dilation, padding, stride))
    index, (hp, wp) = _patch_index(x.shape[2:], kernel, dil, pads, steps)
    n, c = x.shape[:2]
    flat = x.pad(((0, 0), (0, 0), (pads[0], pads[0]), (pads[1], pads[1]))).reshape(n, c, hp * wp)
    out = _take(flat, 2, index).reshape(n, c * index.shape[0], index.shape[1])
    return out.squeeze(0) if input.ndim == 3 else out


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """col2im, the adjoint of unfold: columns (N, C kH kW, L) summed back into (N, C, H, W).

    Example:
        >>> fold(unfold(Tensor.ones(1, 1, 3, 3), 2), (3, 3), 2).tolist()[0][0]
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    x = input.unsqueeze(0) if input.ndim == 2 else input
    kernel, dil, pads, steps = (_pair(v) for v in (kernel_size, dilation, padding, stride))
    hw = _pair(output_size)
    index, (hp, wp) = _patch_index(hw, kernel, dil, pads, steps)
    k, blocks = index.shape
    if x.ndim != 3 or x.shape[1] % k or x.shape[2] != blocks:
        raise ValueError(f"fold: expected an input (N, C * {k}, {blocks}), got {input.shape}")
    n, c = x.shape[0], x.shape[1] // k
    # a 0/1 placement matrix (kH kW L, Hp Wp): each column entry lands on one padded cell
    place = np.zeros((k * blocks, hp * wp), dtype=x.dtype)
    place[np.arange(k * blocks), index.reshape(-1)] = 1
    plane = x.reshape(n, c, k * blocks).matmul(Tensor(place, dtype=x.dtype))
    out = plane.reshape(n, c, hp, wp)[:, :, pads[0]:pads[0] + hw[0], pads[1]:pads[1] + hw[1]]
    return out.squeeze(0) if input.ndim == 2 else out


def bilinear(input1, input2, weight, bias=None):
    """y_o = x1^T A_o x2 + b_o with weight A (out, in1, in2): a bilinear form per output.

    Example:
        >>> bilinear(Tensor.ones(5, 2), Tensor.ones(5, 3), Tensor.ones(4, 2, 3)).shape
        (5, 4)
    """
    out_features, in1, in2 = weight.shape
    if input1.shape[-1] != in1 or input2.shape[-1] != in2 or input1.shape[:-1] != input2.shape[:-1]:
        raise ValueError(f"bilinear: inputs {input1.shape} and {input2.shape} do not fit weight "
                         f"{weight.shape} (out, in1_features, in2_features)")
    flat = weight.permute(1, 0, 2).reshape(in1, out_features * in2)
    mixed = input1.matmul(flat).reshape(*input1.shape[:-1], out_features, in2)
    out = (mixed * input2.unsqueeze(-2)).sum(axis=-1)
    return out + bias if bias is not None else out
