"""Padding, resampling and patch layers with PyTorch's names and arguments: ZeroPad*,
ConstantPad*, ReflectionPad*, ReplicationPad*, CircularPad* (1-D, 2-D and 3-D), Upsample,
UpsamplingNearest2d, UpsamplingBilinear2d, PixelShuffle, PixelUnshuffle, Unfold, Fold.
The maths is in `functional_shape.py`.
"""
from .module import Module
from . import functional_shape as F


class _PadNd(Module):
    dims = 1
    mode = "constant"

    def __init__(self, padding, value: float = 0.0):
        super().__init__()
        self.padding = (int(padding),) * (2 * self.dims) if isinstance(padding, int) \
            else tuple(int(p) for p in padding)
        if len(self.padding) != 2 * self.dims:
            raise ValueError(f"{type(self).__name__}: padding must be an int or "
                             f"{2 * self.dims} ints, got {padding!r}")
        self.value = value

    def forward(self, input):
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"{type(self).__name__}: expected a {self.dims + 1}-D or "
                             f"{self.dims + 2}-D input, got shape {input.shape}")
        value = self.value if self.mode == "constant" else None
        return F.pad(input, self.padding, self.mode, value)

    def extra_repr(self):
        extra = f", value={self.value}" if self.mode == "constant" and self.value else ""
        return f"{self.padding}{extra}"


class ConstantPad1d(_PadNd):
    """Pad the last dim with `value`: padding (left, right) or one int.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ConstantPad1d(1, 9.0)(Tensor([[1.0]])).tolist()
        [[9.0, 1.0, 9.0]]
    """

    dims = 1


class ConstantPad2d(_PadNd):
    """Pad the last two dims with `value`: (left, right, top, bottom) or one int.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ConstantPad2d(1, 0.5)(Tensor.ones(1, 2, 2)).shape
        (1, 4, 4)
    """

    dims = 2


class ConstantPad3d(_PadNd):
    """Pad the last three dims with `value`: (left, right, top, bottom, front, back) or one int."""

    dims = 3


class ZeroPad1d(ConstantPad1d):
    """Pad the last dim with zeros.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ZeroPad1d((1, 0))(Tensor([[1.0]])).tolist()
        [[0.0, 1.0]]
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ZeroPad2d(ConstantPad2d):
    """Pad the last two dims with zeros.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ZeroPad2d(2)(Tensor.ones(1, 1, 3, 3)).shape
        (1, 1, 7, 7)
    """

    def __init__(self, padding):
        super().__init__(padding, 0.0)


class ZeroPad3d(ConstantPad3d):
    """Pad the last three dims with zeros."""

    def __init__(self, padding):
        super().__init__(padding, 0.0)


def _mode_pad(mode_name, dims_count, doc):
    class Pad(_PadNd):
        dims = dims_count
        mode = mode_name

        def __init__(self, padding):
            super().__init__(padding)
    Pad.__doc__ = doc
    return Pad


ReflectionPad1d = _mode_pad("reflect", 1, "Mirror the last dim at its edges (edge not repeated).")
ReflectionPad2d = _mode_pad("reflect", 2, "Mirror the last two dims at their edges.")
ReplicationPad1d = _mode_pad("replicate", 1, "Repeat the edge values of the last dim.")
ReplicationPad2d = _mode_pad("replicate", 2, "Repeat the edge values of the last two dims.")
CircularPad1d = _mode_pad("circular", 1, "Wrap the last dim around (periodic padding).")
CircularPad2d = _mode_pad("circular", 2, "Wrap the last two dims around (periodic padding).")
ReflectionPad3d = _mode_pad("reflect", 3, "Mirror the last three dims at their edges.")
ReplicationPad3d = _mode_pad("replicate", 3, "Repeat the edge values of the last three dims.")
CircularPad3d = _mode_pad("circular", 3, "Wrap the last three dims around (periodic padding).")
for _cls, _name in ((ReflectionPad1d, "ReflectionPad1d"), (ReflectionPad2d, "ReflectionPad2d"),
                    (ReplicationPad1d, "ReplicationPad1d"), (ReplicationPad2d, "ReplicationPad2d"),
                    (CircularPad1d, "CircularPad1d"), (CircularPad2d, "CircularPad2d"),
                    (ReflectionPad3d, "ReflectionPad3d"), (ReplicationPad3d, "ReplicationPad3d"),
                    (CircularPad3d, "CircularPad3d")):
    _cls.__name__ = _cls.__qualname__ = _name


class Upsample(Module):
    """Resize by `scale_factor` or to `size` (modes nearest, nearest-exact, linear, bilinear).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Upsample(scale_factor=2, mode='bilinear')(Tensor.ones(1, 1, 2, 2)).shape
        (1, 1, 4, 4)
    """

    def __init__(self, size=None, scale_factor=None, mode: str = "nearest", align_corners=None,
                 recompute_scale_factor=None):
        super().__init__()
        self.size, self.scale_factor, self.mode = size, scale_factor, mode
        self.align_corners, self.recompute_scale_factor = align_corners, recompute_scale_factor

    def forward(self, input):
        return F.interpolate(input, self.size, self.scale_factor, self.mode, self.align_corners,
                             self.recompute_scale_factor)

    def extra_repr(self):
        what = f"scale_factor={self.scale_factor}" if self.size is None else f"size={self.size}"
        return f"{what}, mode={self.mode!r}"


class UpsamplingNearest2d(Upsample):
    """Nearest-neighbour upsampling of images.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> UpsamplingNearest2d(scale_factor=2)(Tensor.ones(1, 1, 2, 2)).shape
        (1, 1, 4, 4)
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "nearest")


class UpsamplingBilinear2d(Upsample):
    """Bilinear upsampling of images with align_corners=True (PyTorch's definition).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> UpsamplingBilinear2d(scale_factor=2)(Tensor.ones(1, 1, 2, 2)).shape
        (1, 1, 4, 4)
    """

    def __init__(self, size=None, scale_factor=None):
        super().__init__(size, scale_factor, "bilinear", align_corners=True)


class PixelShuffle(Module):
    """(*, C r^2, H, W) -> (*, C, H r, W r).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> PixelShuffle(2)(Tensor.ones(1, 8, 3, 3)).shape
        (1, 2, 6, 6)
    """

    def __init__(self, upscale_factor: int):
        super().__init__()
        self.upscale_factor = upscale_factor

    def forward(self, input):
        return F.pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self):
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """(*, C, H r, W r) -> (*, C r^2, H, W).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> PixelUnshuffle(2)(Tensor.ones(1, 2, 6, 6)).shape
        (1, 8, 3, 3)
    """

    def __init__(self, downscale_factor: int):
        super().__init__()
        self.downscale_factor = downscale_factor

    def forward(self, input):
        return F.pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self):
        return f"downscale_factor={self.downscale_factor}"


class Unfold(Module):
    """Sliding blocks of an image as columns (im2col).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Unfold(2)(Tensor.ones(1, 3, 4, 4)).shape
        (1, 12, 9)
    """

    def __init__(self, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.kernel_size, self.dilation, self.padding, self.stride = \
            kernel_size, dilation, padding, stride

    def forward(self, input):
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class Fold(Module):
    """Columns summed back into an image (col2im, the adjoint of Unfold).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Fold((4, 4), 2)(Tensor.ones(1, 12, 9)).shape
        (1, 3, 4, 4)
    """

    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1):
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def forward(self, input):
        return F.fold(input, self.output_size, self.kernel_size, self.dilation, self.padding,
                      self.stride)
