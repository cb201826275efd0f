"""Convolution, pooling and dropout layers (thin modules over the engine's primitives).

Convolution and pooling are engine ops (`Tensor.conv2d`, `Tensor.max_pool2d`, ...) with
their own checked gradients; these modules hold the weights, PyTorch's parameter names
and initialisation, and re-raise bad-input errors with the layer's name in front.
"""
import math

import numpy as np

from tinygrad_edu import get_default_dtype
from tinygrad_edu.argcheck import sizes_arg
from .module import Module, Parameter
from . import init
from .functional_conv import conv2d as _conv2d, max_pool2d as _max_pool2d


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
                 dtype=None):
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
        shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.empty(shape, dtype=dtype))
        if bias:
            self.bias = Parameter(np.empty(self.out_channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        """PyTorch's default: weight and bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
        fan_in = in_channels / groups * prod(kernel_size) (kaiming_uniform with a = sqrt(5))."""
        fan_in = self.in_channels // self.groups * int(np.prod(self.kernel_size))
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))       # PyTorch's draws, in its order
        if self.bias is not None and fan_in != 0:
            bound = 1.0 / math.sqrt(fan_in)
            init.uniform_(self.bias, -bound, bound)

    def _options(self):
        unwrap = (lambda t: t[0]) if self.dims == 1 else (lambda t: t)
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

    def forward(self, x):
        with _LayerErrors(self):
            if self.groups == 1 and not isinstance(self.padding, str):
                return x.conv2d(self.weight, self.bias, **self._options())
            return _conv2d(x, self.weight, self.bias, groups=self.groups, **self._options())


class Conv1d(_ConvNd):
    """1-D convolution over (N, C, L) sequences: weight (out_channels, in_channels, k).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Conv1d(2, 4, 3)(Tensor.ones(5, 2, 10)).shape
        (5, 4, 8)
    """

    dims = 1

    def forward(self, x):
        with _LayerErrors(self):
            if self.groups == 1 and not isinstance(self.padding, str):
                return x.conv1d(self.weight, self.bias, **self._options())
            if x.ndim != 3:
                raise ValueError(f"expected a 3-D input (N, C, L), got shape {x.shape}")
            # groups / 'same' through the 2-D function on a height-1 image
            pad = self.padding if isinstance(self.padding, str) else (0, self.padding[0])
            return _conv2d(x.unsqueeze(2), self.weight.unsqueeze(2), self.bias,
                           stride=(1, self.stride[0]), padding=pad,
                           dilation=(1, self.dilation[0]), groups=self.groups).squeeze(2)


class _PoolNd(Module):
    """Shared parts of the pooling layers: kernel_size, stride (None = kernel_size), padding."""

    op = "max_pool2d"

    def __init__(self, kernel_size, stride=None, padding=0):
        super().__init__()
        for arg, value, least in (("kernel_size", kernel_size, 1), ("stride", stride, 1),
                                  ("padding", padding, 0)):
            if value is not None:
                count = len(value) if isinstance(value, (tuple, list)) else 1
                sizes_arg(type(self).__name__, arg, value, count, minimum=least)
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding

    def forward(self, x):
        with _LayerErrors(self):
            return getattr(x, self.op)(self.kernel_size, self.stride, self.padding)

    def extra_repr(self):
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class MaxPool2d(_PoolNd):
    """Max over each window of an NCHW batch; the gradient goes to each window's winner.

    Why: keeps the strongest response of a detector and makes it robust to small shifts.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> MaxPool2d(2)(Tensor.ones(1, 3, 8, 8)).shape
        (1, 3, 4, 4)
    """

    op = "max_pool2d"

    def __init__(self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False,
                 ceil_mode: bool = False):
        super().__init__(kernel_size, stride, padding)
        if dilation not in (1, (1, 1)) or return_indices:
            raise NotImplementedError("MaxPool2d: dilation > 1 and return_indices=True are not "
                                      "supported")
        self.ceil_mode = bool(ceil_mode)

    def forward(self, x):
        with _LayerErrors(self):
            return _max_pool2d(x, self.kernel_size, self.stride, self.padding,
                               ceil_mode=self.ceil_mode)

    def extra_repr(self):
        return super().extra_repr() + (", ceil_mode=True" if self.ceil_mode else "")


class AvgPool2d(_PoolNd):
    """Mean over each window of an NCHW batch (padding zeros count, as in PyTorch).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> AvgPool2d(2)(Tensor.ones(1, 3, 8, 8)).shape
        (1, 3, 4, 4)
    """

    op = "avg_pool2d"


class MaxPool1d(_PoolNd):
    """Max over each window of an (N, C, L) batch."""

    op = "max_pool1d"


class AvgPool1d(_PoolNd):
    """Mean over each window of an (N, C, L) batch."""

    op = "avg_pool1d"


class Dropout(Module):
    """Inverted dropout while training (zero with probability p, scale by 1/(1-p)); the
    identity in eval mode.

    Why: a unit cannot rely on any particular other unit being present, which regularises
    the network like an average over many thinned networks (seed 002, section 6.6); the
    1/(1-p) scaling keeps expectations equal, so nothing changes at test time.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> layer = Dropout(0.5).eval()
        >>> layer(Tensor.ones(4)).tolist()
        [1.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, p: float = 0.5):
        super().__init__()
        if not isinstance(p, (int, float)) or not 0 <= p < 1:
            raise ValueError(f"Dropout: p is the probability of zeroing an element and must be "
                             f"in [0, 1), got {p!r}")
        self.p = float(p)

    def forward(self, x):
        return x.dropout(self.p, training=self.training)

    def extra_repr(self):
        return f"p={self.p}"
