"""LazyLinear and LazyConv2d: layers that learn their input size from the first batch.

Why: in a deep stack of convolutions the number of features reaching the first Linear is
tedious to compute by hand; a lazy layer reads it from the first input it sees (a "dry run"),
as PyTorch's lazy modules do. Until then its parameters are empty placeholders (shape (0,));
the first forward, or `load_state_dict` with a full state, gives them their shapes and PyTorch's
initialisation, in place (the Parameter objects stay the same, so an optimiser built before
still holds them), and the layer then becomes a plain `Linear` / `Conv2d`.
"""
import numpy as np

from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from .linear import Linear
from .conv import Conv2d


class _LazyMixin:
    """Materialise on the first forward or on loading a state dict; then become `cls_to_become`."""

    cls_to_become = None

    def has_uninitialized_params(self) -> bool:
        """True until the input size is known."""
        return type(self) is not self.cls_to_become

    def _empty_parameters(self, dtype):
        self.weight = Parameter(np.empty((0,), dtype=dtype))
        if self.bias is not None:
            self.bias = Parameter(np.empty((0,), dtype=dtype))

    def _materialize(self, in_size: int):
        dtype = self.weight.dtype
        self._set_in_size(in_size)
        self.weight.data = np.empty(self._weight_shape(), dtype=dtype)
        if self.bias is not None:
            self.bias.data = np.empty((self._out_size(),), dtype=dtype)
        self.reset_parameters()
        self.__class__ = self.cls_to_become

    def forward(self, x):
        """First call: read the input size from x, materialise, then run as the plain layer."""
        self._materialize(self._in_size_of(x))
        return self.forward(x)

    def load_state_dict(self, state, strict: bool = True):
        """Take the shapes from `state` (e.g. a PyTorch state dict), then load it as usual."""
        if "weight" in state and self.has_uninitialized_params():
            shape = np.shape(getattr(state["weight"], "data", state["weight"]))
            if len(shape) != len(self._weight_shape()) or shape[0] != self._out_size():
                raise RuntimeError(f"load_state_dict into {type(self).__name__}: 'weight' of "
                                   f"shape {shape} does not fit {self._out_size()} outputs; "
                                   f"nothing was changed")
            self._materialize(shape[1] * getattr(self, "groups", 1))
        return Module.load_state_dict(self, state, strict)


class LazyLinear(_LazyMixin, Linear):
    """A Linear(in_features, out_features) whose in_features is read from the first input.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> layer = LazyLinear(4)
        >>> layer(Tensor.ones(2, 7)).shape, type(layer).__name__, layer.weight.shape
        ((2, 4), 'Linear', (4, 7))
    """

    cls_to_become = Linear

    def __init__(self, out_features: int, bias: bool = True, device=None, dtype=None):
        check_device(device, type(self).__name__)
        super().__init__(0, out_features, bias=bias, dtype=dtype)
        self._empty_parameters(self.weight.dtype)

    def reset_parameters(self):
        """Linear's init once in_features is known (nothing to draw before)."""
        if not self.has_uninitialized_params() or self.in_features:
            Linear.reset_parameters(self)

    def _set_in_size(self, n):
        self.in_features = n

    def _weight_shape(self):
        return (self.out_features, self.in_features)

    def _out_size(self):
        return self.out_features

    def _in_size_of(self, x):
        if x.ndim < 1 or x.shape[-1] < 1:
            raise ValueError(f"LazyLinear({self.out_features}): cannot infer in_features from an "
                             f"input of shape {x.shape}; the features are the last dim")
        return x.shape[-1]


class LazyConv2d(_LazyMixin, Conv2d):
    """A Conv2d whose in_channels is read from dim 1 of the first (N, C, H, W) input.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> conv = LazyConv2d(8, 3, padding=1)
        >>> conv(Tensor.ones(2, 3, 5, 5)).shape, conv.weight.shape
        ((2, 8, 5, 5), (8, 3, 3, 3))
    """

    cls_to_become = Conv2d

    def __init__(self, out_channels: int, kernel_size, stride=1, padding=0, dilation=1,
                 groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None):
        check_device(device, type(self).__name__)
        object.__setattr__(self, "_pending", True)      # (before Module.__init__ has run)
        super().__init__(groups, out_channels, kernel_size, stride=stride, padding=padding,
                         dilation=dilation, bias=bias, padding_mode=padding_mode, dtype=dtype,
                         groups=groups)
        self._pending = False
        self.in_channels = 0
        self._empty_parameters(self.weight.dtype)

    def reset_parameters(self):
        """Conv2d's init once in_channels is known (nothing to draw before)."""
        if not getattr(self, "_pending", False) and self.in_channels:
            Conv2d.reset_parameters(self)

    def _set_in_size(self, n):
        self.in_channels = n

    def _weight_shape(self):
        return (self.out_channels, self.in_channels // self.groups) + self.kernel_size

    def _out_size(self):
        return self.out_channels

    def _in_size_of(self, x):
        if x.ndim != 4:
            raise ValueError(f"LazyConv2d({self.out_channels}): expected an input (N, C, H, W) to "
                             f"infer in_channels, got shape {x.shape}")
        if x.shape[1] % self.groups:
            raise ValueError(f"LazyConv2d({self.out_channels}): input of shape {x.shape} has "
                             f"{x.shape[1]} channels, not divisible by groups={self.groups}")
        return x.shape[1]
