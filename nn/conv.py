"""Convolution and dropout layers (thin modules over the engine's primitives; pooling layers
are in `pooling.py`).

Convolution and pooling are engine ops (`Tensor.conv2d`, `Tensor.max_pool2d`, ...) with
their own checked gradients; these modules hold the weights, PyTorch's parameter names
and initialisation, and re-raise bad-input errors with the layer's name in front.
"""
import math

import numpy as np

from tinygrad_edu import get_default_dtype
from tinygrad_edu.argcheck import sizes_arg
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import init
from .functional_conv import conv2d as _conv2d, conv1d as _conv1d, conv_transpose2d, conv_transpose1d


def _tuple(value, n: int) -> tuple:
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


class _LayerErrors:
    """Context manager: prefix ValueError/TypeError messages with the layer's short repr."""

    def __init__(self, layer):
        self.layer = layer

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if kind in (ValueError, TypeError):
            raise kind(f"{type(self.layer).__name__}({self.layer.extra_repr()}): {error}") \
                from None
        return False


class _ConvNd(Module):
    """Shared parts of Conv1d and Conv2d: parameters, PyTorch's init, the repr."""

    dims = 2

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        if padding_mode != "zeros":
            raise ValueError(f"{type(self).__name__}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        for name, value in (("in_channels", in_channels), ("out_channels", out_channels),
                            ("groups", groups)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{type(self).__name__}: {name} must be a positive int, "
                                 f"got {value!r}")
        if in_channels % groups or out_channels % groups:
            raise ValueError(f"{type(self).__name__}: groups={groups} must divide in_channels="
                             f"{in_channels} and out_channels={out_channels}")
        if padding not in ("same", "valid") and isinstance(padding, str):
            raise ValueError(f"{type(self).__name__}: padding must be an int, a tuple, 'same' or "
                             f"'valid', got {padding!r}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.groups = int(groups)
        self.kernel_size = _tuple(kernel_size, self.dims)
        self.stride = _tuple(stride, self.dims)
        self.padding = padding if isinstance(padding, str) else _tuple(padding, self.dims)
        if padding == "same" and any(s != 1 for s in self.stride):
            raise ValueError(f"{type(self).__name__}: padding='same' needs stride=1, got "
                             f"stride={stride}")
        self.dilation = _tuple(dilation, self.dims)
        for arg, value, least in (("kernel_size", kernel_size, 1), ("stride", stride, 1),
                                  ("dilation", dilation, 1), ("padding", padding, 0)):
            if not (arg == "padding" and isinstance(value, str)):     # before any array is made
                sizes_arg(type(self).__name__, arg, value, self.dims, minimum=least)
        dtype = dtype or get_default_dtype()
        self.weight = Parameter(np.empty(self._weight_shape(), dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def _weight_shape(self) -> tuple:
        return (self.out_channels, self.in_channels // self.groups) + self.kernel_size

    def reset_parameters(self):
        """PyTorch's default: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
        fan_in = in_channels / groups * prod(kernel_size) (kaiming_uniform with a = sqrt(5))."""
        fan_in = self.in_channels // self.groups * int(np.prod(self.kernel_size))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))       # PyTorch's draws, in its order
        if self.bias is not None and fan_in != 0:
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def _options(self):
        unwrap = (lambda t: t[0] if isinstance(t, tuple) else t) if self.dims == 1 else (lambda t: t)
        return dict(stride=unwrap(self.stride), padding=unwrap(self.padding),
                    dilation=unwrap(self.dilation))

    def extra_repr(self):
        text = f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, " \
               f"stride={self.stride}"
        if isinstance(self.padding, str) or any(self.padding):
            text += f", padding={self.padding!r}"
        if any(d != 1 for d in self.dilation):
            text += f", dilation={self.dilation}"
        if self.groups != 1:
            text += f", groups={self.groups}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_ConvNd):
    """2-D convolution over NCHW images: weight (out_channels, in_channels, kH, kW), bias (out,).

    Why a layer: one small kernel slides over the whole image, so the same few weights
    detect a pattern anywhere (weight sharing; the weight gradient sums over positions).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> conv = Conv2d(1, 8, 3, padding=1)
        >>> conv(Tensor.ones(2, 1, 28, 28)).shape
        (2, 8, 28, 28)
    """

    dims = 2

    def forward(self, input):
        with _LayerErrors(self):
            if self.groups == 1 and not isinstance(self.padding, str):
                return input.conv2d(self.weight, self.bias, **self._options())
            return _conv2d(input, self.weight, self.bias, groups=self.groups, **self._options())


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) sequences: weight (out_channels, in_channels, k).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Conv1d(2, 4, 3)(Tensor.ones(5, 2, 10)).shape
        (5, 4, 8)
    """

    dims = 1

    def forward(self, input):
        with _LayerErrors(self):
            return _conv1d(input, self.weight, self.bias, groups=self.groups, **self._options())


class _ConvTransposeNd(_ConvNd):
    """Shared parts of ConvTranspose1d/2d: PyTorch's (in, out / groups, *k) weight and init."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None):
        check_device(device, type(self).__name__)
        if isinstance(padding, str):
            raise ValueError(f"{type(self).__name__}: padding must be an int or a tuple, got "
                             f"{padding!r}")
        self.__dict__["output_padding"] = _tuple(output_padding, self.dims)
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, dtype=dtype)

    def _weight_shape(self) -> tuple:
        return (self.in_channels, self.out_channels // self.groups) + self.kernel_size

    def reset_parameters(self):
        """PyTorch's default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) with its fan_in of the
        transposed weight, out_channels / groups * prod(kernel_size)."""
        bound = 1.0 / math.sqrt(self.weight.shape[1] * int(np.prod(self.kernel_size)))
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def _transposed_options(self):
        unwrap = (lambda t: t[0] if isinstance(t, tuple) else t) if self.dims == 1 else (lambda t: t)
        return dict(stride=unwrap(self.stride), padding=unwrap(self.padding),
                    output_padding=unwrap(self.output_padding), groups=self.groups,
                    dilation=unwrap(self.dilation))

    def extra_repr(self):
        text = super().extra_repr()
        if any(self.output_padding):
            text += f", output_padding={self.output_padding}"
        return text


class ConvTranspose2d(_ConvTransposeNd):
    """Transposed 2-D convolution: each input cell paints a kH x kW patch of the output.

    Why: it is the adjoint of Conv2d, so with stride 2 it doubles the image size; the
    decoder of a convolutional autoencoder is made of these. Weight (in_channels,
    out_channels / groups, kH, kW), bias (out_channels,), as PyTorch.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ConvTranspose2d(8, 1, 2, stride=2)(Tensor.ones(4, 8, 14, 14)).shape
        (4, 1, 28, 28)
    """

    dims = 2

    def forward(self, input, output_size=None):
        if output_size is not None:
            raise NotImplementedError("ConvTranspose2d: output_size= is not supported; give "
                                      "output_padding to the constructor instead")
        with _LayerErrors(self):
            return conv_transpose2d(input, self.weight, self.bias, **self._transposed_options())


class ConvTranspose1d(_ConvTransposeNd):
    """Transposed 1-D convolution of (N, C, L) sequences (see ConvTranspose2d).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ConvTranspose1d(4, 2, 3, stride=2)(Tensor.ones(1, 4, 5)).shape
        (1, 2, 11)
    """

    dims = 1

    def forward(self, input, output_size=None):
        if output_size is not None:
            raise NotImplementedError("ConvTranspose1d: output_size= is not supported; give "
                                      "output_padding to the constructor instead")
        with _LayerErrors(self):
            return conv_transpose1d(input, self.weight, self.bias, **self._transposed_options())
