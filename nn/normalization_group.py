"""Normalisation layers that use one sample at a time: GroupNorm, InstanceNorm1d/2d, RMSNorm,
with PyTorch's names, arguments and parameters (the maths is in `functional_norm.py`).

Why: batch norm's statistics depend on the batch, which breaks with batches of 1 or 2 and
differs between training and evaluation; these layers normalise within each sample.
"""
import numpy as np

from tinygrad_edu import Tensor, get_default_dtype
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import functional_norm as F


class _Affine(Module):
    def _optional_bias(self, bias, channels, dtype):
        if bias:
            self.bias = Parameter(np.zeros(channels, dtype=dtype))
        else:
            self.register_parameter("bias", None)


class GroupNorm(_Affine):
    """Normalise groups of channels of each sample; weight and bias per channel.

    Example:
        >>> GroupNorm(2, 4)(Tensor.ones(3, 4, 5)).shape
        (3, 4, 5)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5, affine: bool = True,
                 device=None, dtype=None, *, bias: bool = True):
        check_device(device, type(self).__name__)
        super().__init__()
        if num_groups < 1 or num_channels % num_groups:
            raise ValueError(f"GroupNorm: num_channels={num_channels} must be divisible by "
                             f"num_groups={num_groups}")
        self.num_groups, self.num_channels, self.eps, self.affine = \
            num_groups, num_channels, eps, affine
        dtype = dtype or get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(num_channels, dtype=dtype))
            self._optional_bias(bias, num_channels, dtype)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input):
        if input.ndim < 2 or input.shape[1] != self.num_channels:
            raise ValueError(f"GroupNorm({self.num_groups}, {self.num_channels}): expected an "
                             f"input (N, {self.num_channels}, ...), got shape {input.shape}")
        return F.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class _InstanceNorm(_Affine):
    dims = 1

    def __init__(self, num_features: int, eps: float = 1e-5, momentum=0.1, affine: bool = False,
                 track_running_stats: bool = False, device=None, dtype=None, *,
                 bias: bool = True):
        check_device(device, type(self).__name__)
        super().__init__()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = dtype or get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(num_features, dtype=dtype))
            self._optional_bias(bias, num_features, dtype)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def forward(self, input):
        name = f"{type(self).__name__}({self.num_features})"
        if input.ndim not in (self.dims + 1, self.dims + 2):
            raise ValueError(f"{name}: expected a {self.dims + 1}-D (unbatched) or "
                             f"{self.dims + 2}-D input, got shape {input.shape}")
        unbatched = input.ndim == self.dims + 1
        x = input.unsqueeze(0) if unbatched else input
        if self.affine and x.shape[1] != self.num_features:
            raise ValueError(f"{name}: input of shape {input.shape} has {x.shape[1]} channels, "
                             f"expected {self.num_features}")
        out = F.instance_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                              self.training or not self.track_running_stats,
                              self.momentum if self.momentum is not None else 0.0, self.eps)
        return out.squeeze(0) if unbatched else out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class InstanceNorm1d(_InstanceNorm):
    """Normalise each channel of each (C, L) sequence over L.

    Example:
        >>> InstanceNorm1d(3)(Tensor.randn(2, 3, 5, seed=0)).shape
        (2, 3, 5)
    """

    dims = 1


class InstanceNorm2d(_InstanceNorm):
    """Normalise each channel of each (C, H, W) image over H and W.

    Example:
        >>> InstanceNorm2d(3)(Tensor.randn(2, 3, 4, 4, seed=0)).shape
        (2, 3, 4, 4)
    """

    dims = 2


class InstanceNorm3d(_InstanceNorm):
    """Normalise each channel of each (C, D, H, W) volume over D, H and W."""

    dims = 3


class RMSNorm(Module):
    """x / sqrt(mean(x^2) + eps) over the last dims, times a learned weight.

    Example:
        >>> RMSNorm(4)(Tensor.ones(2, 4)).shape
        (2, 4)
    """

    def __init__(self, normalized_shape, eps=None, elementwise_affine: bool = True, device=None,
                 dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
            else tuple(normalized_shape)
        self.normalized_shape, self.eps = tuple(int(n) for n in shape), eps
        self.elementwise_affine = elementwise_affine
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype or get_default_dtype()))
        else:
            self.register_parameter("weight", None)

    def forward(self, input):
        return F.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class LocalResponseNorm(Module):
    """Normalisation across `size` neighbouring channels (AlexNet's): x / (k + alpha *
    mean x^2)^beta, with no parameters.

    Example:
        >>> LocalResponseNorm(2)(Tensor.ones(1, 3, 2)).shape
        (1, 3, 2)
    """

    def __init__(self, size: int, alpha: float = 1e-4, beta: float = 0.75, k: float = 1.0):
        super().__init__()
        self.size, self.alpha, self.beta, self.k = size, alpha, beta, k

    def forward(self, input):
        return F.local_response_norm(input, self.size, self.alpha, self.beta, self.k)
