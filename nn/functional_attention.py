"""Attention: F.scaled_dot_product_attention, softmax(q k^T * scale + mask) v, composed from
Tensor ops (so its gradients of every order are the engine's)."""
import math

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor


def scaled_dot_product_attention(query, key, value, attn_mask=None, dropout_p: float = 0.0,
                                 is_causal: bool = False, scale=None, enable_gqa: bool = False):
    """Attention weights softmax(q k^T * scale + bias) over the last dim, applied to `value`,
    as PyTorch's F.scaled_dot_product_attention.

    Shapes: query (..., L, E), key (..., S, E), value (..., S, Ev) -> (..., L, Ev). The scale is
    1/sqrt(E) unless given. `attn_mask` is either boolean (False: masked out) or added to the
    scores; `is_causal` masks the positions after each query's own (the upper triangle).
    `enable_gqa` lets several query heads (dim -3) share one key/value head.

    Example:
        >>> q = Tensor.ones(1, 2, 4)
        >>> scaled_dot_product_attention(q, q, Tensor([[[1.0], [3.0]]])).tolist()
        [[[2.0], [2.0]]]
    """
    op = "scaled_dot_product_attention"
    for name, t in (("query", query), ("key", key), ("value", value)):
        require_tensor(op, name, t, Tensor)
        if t.ndim < 2:
            raise ValueError(f"{op}: {name} needs at least 2 dims (..., sequence, features), got "
                             f"shape {t.shape}")
    if query.shape[-1] != key.shape[-1] or key.shape[-2] != value.shape[-2]:
        raise ValueError(f"{op}: query (..., L, E), key (..., S, E) and value (..., S, Ev) do not "
                         f"fit: got {query.shape}, {key.shape} and {value.shape}")
    if is_causal and attn_mask is not None:
        raise ValueError(f"{op}: give attn_mask or is_causal=True, not both")
    if enable_gqa and query.ndim >= 3 and key.shape[-3] != query.shape[-3]:
        groups = query.shape[-3] // key.shape[-3]
        key, value = key.repeat_interleave(groups, -3), value.repeat_interleave(groups, -3)
    length, source = query.shape[-2], key.shape[-2]
    factor = 1 / math.sqrt(query.shape[-1]) if scale is None else scale
    scores = (query @ key.transpose(-2, -1)) * factor
    if is_causal:
        attn_mask = Tensor(np.tril(np.ones((length, source), dtype=bool)))
    if attn_mask is not None:
        mask = attn_mask if isinstance(attn_mask, Tensor) else Tensor(np.asarray(attn_mask))
        if mask.dtype.kind == "b":
            blocked = np.broadcast_to(~mask.data, np.broadcast_shapes(mask.shape, scores.shape))
            scores = scores.masked_fill(Tensor(np.ascontiguousarray(blocked)), float("-inf"))
        else:
            scores = scores + mask
    weights = scores.softmax(-1)
    if dropout_p > 0:
        weights = weights.dropout(dropout_p, training=True)
    return weights @ value
