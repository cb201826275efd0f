"""nn.utils: gradient clipping under PyTorch's names (`torch.nn.utils.clip_grad_norm_`).

The clipping itself lives in `optim.clip` (one implementation); `clip_grad_norm_` here returns
the total norm as a 0-d Tensor, as PyTorch's does, so `norm.item()` works in ported code.
"""
import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.optim import clip as _clip
from tinygrad_edu.optim.clip import clip_grad_value_

__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters"]


def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False, foreach=None) -> Tensor:
    """Rescale all gradients together so their joint norm is at most `max_norm`.

    Why: one exploding gradient (a long RNN unroll, a bad batch) would otherwise throw the
    weights far away; scaling every gradient by the same factor keeps the step's direction.
    See `optim.clip_grad_norm_` for the formula; `foreach` is accepted and ignored.

    Returns:
        The total norm before clipping, a 0-d float64 Tensor (PyTorch returns a Tensor too).

    Example:
        >>> w = Tensor([0.0, 0.0], requires_grad=True)
        >>> (w * Tensor([3.0, 4.0])).sum().backward()
        >>> clip_grad_norm_([w], max_norm=1.0).item()
        5.0
    """
    total = _clip.clip_grad_norm_(parameters, max_norm, norm_type=norm_type,
                                  error_if_nonfinite=error_if_nonfinite)
    return Tensor(np.array(total, dtype=np.float64))


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and joined into one vector (differentiable), as PyTorch.

    Example:
        >>> from tinygrad_edu import nn
        >>> parameters_to_vector(nn.Linear(3, 2).parameters()).shape
        (8,)
    """
    return Tensor.cat([p.reshape(-1) for p in parameters], dim=0)


def vector_to_parameters(vec, parameters) -> None:
    """Copy the slices of a vector back into the parameters' data, in order (no gradient).

    Example:
        >>> from tinygrad_edu import nn
        >>> layer = nn.Linear(1, 1)
        >>> vector_to_parameters(Tensor([2.0, 3.0]), layer.parameters())
        >>> layer.weight.item(), layer.bias.item()
        (2.0, 3.0)
    """
    params = list(parameters)
    data = getattr(vec, "data", vec)
    total = sum(p.data.size for p in params)
    if data.ndim != 1 or data.shape[0] != total:
        raise ValueError(f"vector_to_parameters: expected a vector of {total} entries (the "
                         f"parameters' total size), got shape {data.shape}")
    offset = 0
    for p in params:
        p.data[...] = data[offset:offset + p.data.size].reshape(p.shape)
        offset += p.data.size
