"""Dropout, elementwise and by channel (PyTorch's F.dropout, dropout1d, dropout2d, dropout3d).

The masks are drawn as PyTorch draws them (`bernoulli_(1 - p)` on the mask's shape, then divided
by 1 - p), so a seed gives PyTorch's masks; channel dropout draws one value per (sample,
channel) and broadcasts it over the positions.
"""
import warnings

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor
from tinygrad_edu.ops.pool import Dropout, dropout_mask


def dropout(input, p: float = 0.5, training: bool = True, inplace: bool = False,
            generator=None):
    """Inverted dropout: zero with probability p and scale the rest by 1/(1-p) while training;
    the identity when training=False (as PyTorch's F.dropout). `inplace` is accepted for
    PyTorch code (the result is always a new tensor); `generator` draws the mask.

    Example:
        >>> dropout(Tensor.ones(3), 0.5, training=False).tolist()
        [1.0, 1.0, 1.0]
    """
    require_tensor("dropout", "input", input, Tensor)
    return input.dropout(p, training=training, generator=generator)


def check_p(op, p):
    """p must be a probability: a number in [0, 1] (1 drops everything, as PyTorch)."""
    if isinstance(p, bool) or not isinstance(p, (int, float)) or not 0 <= p <= 1:
        raise ValueError(f"{op}: p is the probability of zeroing and must be in [0, 1], got "
                         f"{p!r}")


def _feature_dropout(input, p, training):
    """Zero whole channels: one keep/drop draw per (sample, channel), the rest scaled."""
    if not training or p == 0:
        return input
    if p == 1:
        return input * 0.0
    shape = tuple(input.shape[:2]) + (1,) * (input.ndim - 2)
    return Dropout.apply(input, mask=dropout_mask(shape, p, input.dtype))


def dropout1d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Channel dropout of (N, C, L) or (C, L) input: each channel of each sample is zeroed with
    probability p (the others scaled by 1/(1-p)), as PyTorch's F.dropout1d.

    Example:
        >>> dropout1d(Tensor.ones(2, 3), 0.5, training=False).shape
        (2, 3)
    """
    require_tensor("dropout1d", "input", input, Tensor)
    check_p("dropout1d", p)
    if input.ndim not in (2, 3):
        raise ValueError(f"dropout1d: expects (N, C, L) or (C, L) input, got shape {input.shape}")
    if input.ndim == 2:
        return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)
    return _feature_dropout(input, p, training)


def dropout2d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Channel dropout of (N, C, H, W) input, as PyTorch's F.dropout2d (which reads a 3-D input
    as (N, C, L), with a warning, and so does this)."""
    require_tensor("dropout2d", "input", input, Tensor)
    check_p("dropout2d", p)
    if input.ndim == 3:
        warnings.warn("dropout2d: a 3-D input is read as (N, C, L), as PyTorch does; use "
                      "dropout1d for channel dropout of sequences", UserWarning, stacklevel=2)
    elif input.ndim != 4:
        warnings.warn(f"dropout2d: expects (N, C, H, W) input, got {input.ndim}-D; channel "
                      f"dropout over its first two dims is applied, as PyTorch does",
                      UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training)


def dropout3d(input, p: float = 0.5, training: bool = True, inplace: bool = False):
    """Channel dropout of (N, C, D, H, W) or (C, D, H, W) input, as PyTorch's F.dropout3d."""
    require_tensor("dropout3d", "input", input, Tensor)
    check_p("dropout3d", p)
    if input.ndim == 4:
        return _feature_dropout(input.unsqueeze(0), p, training).squeeze(0)
    if input.ndim != 5:
        warnings.warn(f"dropout3d: expects (N, C, D, H, W) input, got {input.ndim}-D; channel "
                      f"dropout over its first two dims is applied, as PyTorch does",
                      UserWarning, stacklevel=2)
    return _feature_dropout(input, p, training)
