"""Batch normalisation layers: BatchNorm1d and BatchNorm2d, with PyTorch's names and rules.

Why: normalising each channel over the batch keeps the inputs of the next layer at zero
mean and unit variance while training, which lets deep networks use larger learning
rates (the course notes (summary), batch normalisation). The learned scale and shift (`weight`, `bias`)
can undo the normalisation, so no expressive power is lost.

In training mode a layer normalises with the statistics of the current batch and moves
its running statistics towards them; in eval mode it uses the running statistics, so a
single example gives a deterministic answer. The computation is `F.batch_norm`, made
of Tensor ops only (no hand-written backward).
"""
import numpy as np

from tinygrad_edu import Tensor, get_default_dtype
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import functional as F
from . import init


class _BatchNorm(Module):
    """Shared code of BatchNorm1d/2d; subclasses say which input ranks they accept."""

    accepted_ndims = ()

    def __init__(self, num_features: int, eps: float = 1e-5, momentum=0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *,
                 bias: bool = True):
        check_device(device, type(self).__name__)
        super().__init__()
        if isinstance(num_features, bool) or not isinstance(num_features, (int, np.integer)) \
                or num_features < 1:
            raise ValueError(f"{type(self).__name__}: num_features (the number of channels) must "
                             f"be a positive integer, got {num_features!r}")
        if momentum is not None and not 0.0 <= momentum <= 1.0:
            raise ValueError(f"{type(self).__name__}: momentum must be in [0, 1] or None "
                             f"(cumulative average), got {momentum}")
        self.num_features = int(num_features)
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        dtype = dtype or get_default_dtype()
        if affine:
            self.weight = Parameter(np.ones(self.num_features, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.num_features, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(self.num_features, dtype=dtype)))
            self.register_buffer("running_var", Tensor(np.ones(self.num_features, dtype=dtype)))
            self.register_buffer("num_batches_tracked", Tensor(np.array(0, dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self):
        """Forget the running statistics: mean 0, variance 1, no batch seen."""
        if self.track_running_stats:
            self.running_mean.data[...] = 0
            self.running_var.data[...] = 1
            self.num_batches_tracked.data[...] = 0

    def reset_parameters(self):
        """Running statistics reset, weight 1 and bias 0 (the identity transform)."""
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input(self, x):
        name = type(self).__name__
        if x.ndim not in self.accepted_ndims:
            raise ValueError(f"{name}({self.num_features}): expected a "
                             f"{' or '.join(f'{n}-d' for n in self.accepted_ndims)} input "
                             f"{self.layout}, got shape {x.shape}")
        if x.shape[1] != self.num_features:
            raise ValueError(f"{name}({self.num_features}): input of shape {x.shape} has "
                             f"{x.shape[1]} channels in dim 1, expected {self.num_features}")
        if x.dtype.kind != "f":
            raise TypeError(f"{name}: input must be floating point, got dtype {x.dtype}; convert "
                            f"with .float()")

    def forward(self, x):
        self._check_input(x)
        updating = self.training and self.track_running_stats
        momentum = self.momentum
        if momentum is None:
            # cumulative moving average: after k batches the running stats are their plain mean
            momentum = 1.0 / (float(self.num_batches_tracked.data) + 1) if updating else 0.0
        out = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                           training=self.training or not self.track_running_stats,
                           momentum=momentum, eps=self.eps)
        if updating:        # counted after the forward succeeded: a failed call changes nothing
            self.num_batches_tracked.data[...] += 1
        return out

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) features or (N, C, L) sequences, per channel C.

    y = (x - mean) / sqrt(var + eps) * weight + bias, with the batch statistics in
    training mode (running_var gets the unbiased batch variance) and the running ones in
    eval mode. Parameters `weight`, `bias` (when affine) and buffers `running_mean`,
    `running_var`, `num_batches_tracked` (when track_running_stats) are named as in
    PyTorch, so its state dicts load unchanged.

    Args:
        num_features: the number of channels C.
        eps: added to the variance before the square root (the delta of the notes).
        momentum: weight of the new batch in the running statistics (None: plain average).
        affine: learn a per-channel scale and shift.
        track_running_stats: keep running statistics for eval mode (otherwise always
            normalise with batch statistics).

    Example:
        >>> bn = BatchNorm1d(3)
        >>> y = bn(Tensor.randn(8, 3, seed=0))
        >>> bool(abs(y.data.mean(axis=0)).max() < 1e-5), int(bn.num_batches_tracked.item())
        (True, 1)
    """

    accepted_ndims = (2, 3)
    layout = "(N, C) or (N, C, L)"


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel C (over N, H and W).

    Same rules, names and arguments as `BatchNorm1d`; use it after a Conv2d.

    Example:
        >>> bn = BatchNorm2d(4).eval()
        >>> bn(Tensor.ones(2, 4, 5, 5)).shape
        (2, 4, 5, 5)
    """

    accepted_ndims = (4,)
    layout = "(N, C, H, W)"


class BatchNorm3d(_BatchNorm):
    """Batch normalisation of (N, C, D, H, W) volumes, per channel C; as `BatchNorm2d`."""

    accepted_ndims = (5,)
    layout = "(N, C, D, H, W)"


class LayerNorm(Module):
    """Layer normalisation: each sample normalised over its last dims (no batch statistics).

    y = (x - mean) / sqrt(var + eps) * weight + bias, mean and biased variance over the last
    len(normalized_shape) dims. Why: unlike BatchNorm it does not depend on the other samples
    of the batch, so it behaves the same in training and evaluation and suits sequences and
    batch size 1 (transformers use it). Parameters `weight` (ones) and `bias` (zeros) have
    shape normalized_shape, as in PyTorch.

    Example:
        >>> ln = LayerNorm(4)
        >>> y = ln(Tensor.randn(2, 3, 4, seed=0))
        >>> bool(abs(y.data.mean(axis=-1)).max() < 1e-5)
        True
    """

    def __init__(self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True,
                 bias: bool = True, device=None, dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, (int, np.integer)) \
            else tuple(normalized_shape)
        if not shape or any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1
                            for n in shape):
            raise ValueError(f"LayerNorm: normalized_shape must be a positive int or a tuple of "
                             f"them (the trailing dims to normalise), got {normalized_shape!r}")
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dtype = dtype or get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dtype))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def reset_parameters(self):
        """Weight 1 and bias 0 (the identity after normalising)."""
        if self.weight is not None:
            init.ones_(self.weight)
        if self.bias is not None:
            init.zeros_(self.bias)

    def forward(self, x):
        try:
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        except ValueError as error:
            raise ValueError(f"LayerNorm({self.normalized_shape}): {error}") from None

    def extra_repr(self):
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}"
                + (f", bias={self.bias is not None}" if self.elementwise_affine else ""))
