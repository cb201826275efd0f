"""Pooling layers with PyTorch's names, arguments and defaults (thin modules over
`nn.functional_pool`; the default settings call the engine's pooling primitives directly).

Why pooling: keeping the strongest (max) or the average response of each small window makes a
feature map smaller and the detector robust to small shifts of the pattern.
"""
from tinygrad_edu.argcheck import sizes_arg
from .module import Module
from . import functional_pool as P
from . import functional_unpool as U
from .conv import _LayerErrors


class _PoolNd(Module):
    """Shared parts: kernel_size, stride (None = kernel_size), padding, checked at construction."""

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        for arg, value, least in (("kernel_size", kernel_size, 1), ("stride", stride, 1),
                                  ("padding", padding, 0)):
            if value is not None and not (arg == "stride" and value in ((), [])):
                count = len(value) if isinstance(value, (tuple, list)) else 1
                sizes_arg(type(self).__name__, arg, value, count, minimum=least)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None or stride in ((), []) else stride
        self.padding = padding

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class _MaxPoolNd(_PoolNd):
    def __init__(self, kernel_size, stride=None, padding=0, dilation=1,
                 return_indices: bool = False, ceil_mode: bool = False):
        super().__init__(kernel_size, stride, padding)
        count = len(dilation) if isinstance(dilation, (tuple, list)) else 1
        sizes_arg(type(self).__name__, "dilation", dilation, count, minimum=1)
        self.dilation = dilation
        self.return_indices, self.ceil_mode = bool(return_indices), bool(ceil_mode)

    def _options(self):
        return (self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode,
                self.return_indices)

    def extra_repr(self):
        return (super().extra_repr() + f", dilation={self.dilation}, ceil_mode={self.ceil_mode}"
                + (", return_indices=True" if self.return_indices else ""))


class MaxPool2d(_MaxPoolNd):
    """Max over each window of an (N, C, H, W) batch or a (C, H, W) image; the gradient goes
    to each window's winner. `return_indices=True` also returns the winners' flat indices.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> MaxPool2d(2)(Tensor.ones(1, 3, 8, 8)).shape
        (1, 3, 4, 4)
    """

    def forward(self, input):
        with _LayerErrors(self):
            if not (self.ceil_mode or self.return_indices) and self.dilation in (1, (1, 1)):
                return input.max_pool2d(self.kernel_size, self.stride, self.padding)
            return P.max_pool2d(input, *self._options())


class MaxPool1d(_MaxPoolNd):
    """Max over each window of an (N, C, L) batch or a (C, L) sequence.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> MaxPool1d(2)(Tensor.ones(1, 3, 8)).shape
        (1, 3, 4)
    """

    def forward(self, input):
        with _LayerErrors(self):
            return P.max_pool1d(input, *self._options())


class AvgPool2d(_PoolNd):
    """Mean over each window of an (N, C, H, W) batch or a (C, H, W) image (padding zeros count
    unless count_include_pad=False; divisor_override fixes the divisor).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AvgPool2d(2)(Tensor.ones(1, 3, 8, 8)).shape
        (1, 3, 4, 4)
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override=None):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), bool(count_include_pad)
        self.divisor_override = divisor_override

    def forward(self, input):
        with _LayerErrors(self):
            return P.avg_pool2d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                self.count_include_pad, self.divisor_override)


class AvgPool1d(_PoolNd):
    """Mean over each window of an (N, C, L) batch or a (C, L) sequence.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AvgPool1d(2)(Tensor.ones(1, 3, 8)).shape
        (1, 3, 4)
    """

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
                 count_include_pad: bool = True):
        super().__init__(kernel_size, stride, padding)
        self.ceil_mode, self.count_include_pad = bool(ceil_mode), bool(count_include_pad)

    def forward(self, input):
        with _LayerErrors(self):
            return P.avg_pool1d(input, self.kernel_size, self.stride, self.padding, self.ceil_mode,
                                self.count_include_pad)


class _AdaptivePool(Module):
    function = None

    def __init__(self, output_size):
        super().__init__()
        self.output_size = output_size

    def forward(self, input):
        return type(self).function(input, self.output_size)

    def extra_repr(self):
        return f"output_size={self.output_size}"


class AdaptiveAvgPool1d(_AdaptivePool):
    """Mean over `output_size` nearly equal windows of the last dim, whatever its length.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AdaptiveAvgPool1d(2)(Tensor.ones(1, 3, 7)).shape
        (1, 3, 2)
    """

    function = staticmethod(P.adaptive_avg_pool1d)


class AdaptiveAvgPool2d(_AdaptivePool):
    """Mean over an output_size grid of windows: e.g. AdaptiveAvgPool2d(1) is global average
    pooling, so a CNN head works for any image size.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AdaptiveAvgPool2d((1, 1))(Tensor.ones(2, 3, 9, 7)).shape
        (2, 3, 1, 1)
    """

    function = staticmethod(P.adaptive_avg_pool2d)


class _AdaptiveMaxPool(_AdaptivePool):
    def __init__(self, output_size, return_indices: bool = False):
        super().__init__(output_size)
        self.return_indices = return_indices

    def forward(self, input):
        return type(self).function(input, self.output_size, self.return_indices)


class AdaptiveMaxPool1d(_AdaptiveMaxPool):
    """Maximum over `output_size` nearly equal windows of the last dim.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AdaptiveMaxPool1d(2)(Tensor.ones(1, 3, 7)).shape
        (1, 3, 2)
    """

    function = staticmethod(P.adaptive_max_pool1d)


class AdaptiveMaxPool2d(_AdaptiveMaxPool):
    """Maximum over an output_size grid of nearly equal windows.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AdaptiveMaxPool2d(2)(Tensor.ones(1, 3, 7, 7)).shape
        (1, 3, 2, 2)
    """

    function = staticmethod(P.adaptive_max_pool2d)


class _MaxUnpool(Module):
    function = None

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        self.kernel_size, self.stride, self.padding = kernel_size, stride, padding

    def forward(self, input, indices, output_size=None):
        return type(self).function(input, indices, self.kernel_size, self.stride, self.padding,
                                   output_size)


class MaxUnpool2d(_MaxUnpool):
    """The partial inverse of MaxPool2d(return_indices=True): values back at their indices.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> y, i = MaxPool2d(2, return_indices=True)(Tensor.ones(1, 1, 4, 4))
        >>> MaxUnpool2d(2)(y, i).shape
        (1, 1, 4, 4)
    """

    function = staticmethod(U.max_unpool2d)


class MaxUnpool1d(_MaxUnpool):
    """The partial inverse of MaxPool1d(return_indices=True): values back at their indices."""

    function = staticmethod(U.max_unpool1d)


class _LPPool(Module):
    function = None

    def __init__(self, norm_type: float, kernel_size, stride=None, ceil_mode: bool = False):
        super().__init__()
        self.norm_type, self.kernel_size, self.stride = norm_type, kernel_size, stride
        self.ceil_mode = ceil_mode

    def forward(self, input):
        return type(self).function(input, self.norm_type, self.kernel_size, self.stride,
                                   self.ceil_mode)


class LPPool1d(_LPPool):
    """Power-average pooling (sum of x^p over each window)^(1/p) of (N, C, L) input."""

    function = staticmethod(P.lp_pool1d)


class LPPool2d(_LPPool):
    """Power-average pooling (sum of x^p over each window)^(1/p) of (N, C, H, W) input.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> LPPool2d(2, (1, 2))(Tensor([[[[3.0, 4.0]]]])).tolist()
        [[[[5.0]]]]
    """

    function = staticmethod(P.lp_pool2d)
