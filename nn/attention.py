"""`MultiheadAttention`, PyTorch's layer: queries, keys and values projected, split into heads,
each head's softmax(q k^T / sqrt(d) + mask) v, the heads joined and projected back.

Parameter names, shapes, initialisation (and so the random draws for a seed) and the forward's
arguments are PyTorch's, so a PyTorch state dict loads and gives the same outputs; it is
composed from Tensor ops, so its gradients are the engine's.
"""
import math

import numpy as np

from tinygrad_edu import Tensor, get_default_dtype
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from .linear import Linear
from . import init
from .functional_act import linear
from .functional_shape import pad


def _float_mask(mask, name, dtype):
    """A boolean mask (True: not attended) as an additive one (-inf there), a float mask as is."""
    if mask is None:
        return None
    mask = mask if isinstance(mask, Tensor) else Tensor(np.asarray(mask))
    if mask.dtype.kind == "b":
        return Tensor(np.where(mask.data, -np.inf, 0.0).astype(dtype))
    if mask.dtype.kind != "f":
        raise TypeError(f"MultiheadAttention: {name} must be boolean or floating, got {mask.dtype}")
    return mask


class MultiheadAttention(Module):
    """Attention with `num_heads` heads over an embedding of size `embed_dim`.

    Inputs are (L, N, E) (or (N, L, E) with batch_first, or unbatched (L, E)); the output has
    the query's shape, and the attention weights are (N, L, S), averaged over the heads unless
    average_attn_weights=False. `key_padding_mask` (N, S) hides padded keys; `attn_mask`
    (L, S) or (N * num_heads, L, S) is boolean (True: hidden) or added to the scores.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> attention = MultiheadAttention(4, 2)
        >>> x = Tensor.ones(3, 1, 4)
        >>> out, weights = attention(x, x, x)
        >>> out.shape, weights.shape
        ((3, 1, 4), (1, 3, 3))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim=None, vdim=None,
                 batch_first: bool = False, device=None, dtype=None):
        super().__init__()
        check_device(device, "MultiheadAttention")
        if embed_dim <= 0 or num_heads <= 0 or embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim ({embed_dim}) must be a positive "
                             f"multiple of num_heads ({num_heads})")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        self.head_dim, self.batch_first = embed_dim // num_heads, batch_first
        self.add_zero_attn = add_zero_attn
        dtype = dtype or get_default_dtype()

        def empty(*shape):
            return Parameter(np.empty(shape, dtype=dtype))
        if self._qkv_same_embed_dim:
            self.in_proj_weight = empty(3 * embed_dim, embed_dim)
            self.q_proj_weight = self.k_proj_weight = self.v_proj_weight = None
        else:
            self.in_proj_weight = None
            self.q_proj_weight = empty(embed_dim, embed_dim)
            self.k_proj_weight = empty(embed_dim, self.kdim)
            self.v_proj_weight = empty(embed_dim, self.vdim)
        self.in_proj_bias = empty(3 * embed_dim) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        self.bias_k = empty(1, 1, embed_dim) if add_bias_kv else None
        self.bias_v = empty(1, 1, embed_dim) if add_bias_kv else None
        self._reset_parameters()

    def _reset_parameters(self):
        """PyTorch's initialisation, in its order: Xavier-uniform projections, zero biases,
        Xavier-normal bias_k and bias_v (out_proj.weight keeps Linear's draw)."""
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _project(self, query, key, value):
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            weights = (self.in_proj_weight[:e], self.in_proj_weight[e:2 * e],
                       self.in_proj_weight[2 * e:])
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        b = self.in_proj_bias
        biases = (None, None, None) if b is None else (b[:e], b[e:2 * e], b[2 * e:])
        return [linear(x, w, bias) for x, w, bias in zip((query, key, value), weights, biases)]

    def forward(self, query, key, value, key_padding_mask=None, need_weights: bool = True,
                attn_mask=None, average_attn_weights: bool = True, is_causal: bool = False):
        batched = query.ndim == 3
        if batched and self.batch_first:
            query, key, value = (x.transpose(0, 1) for x in (query, key, value))
        if not batched:
            query, key, value = (x.unsqueeze(1) for x in (query, key, value))
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        if is_causal and attn_mask is None:
            raise RuntimeError("MultiheadAttention: is_causal is a hint that attn_mask is causal; "
                               "pass the mask too (e.g. Transformer.generate_square_subsequent_mask)")
        length, batch, _ = query.shape
        heads, head_dim = self.num_heads, self.head_dim
        padding = _float_mask(key_padding_mask, "key_padding_mask", query.dtype)
        mask = _float_mask(attn_mask, "attn_mask", query.dtype)
        q, k, v = self._project(query, key, value)
        if mask is not None:
            want = (length, key.shape[0]) if mask.ndim == 2 else (batch * heads, length, key.shape[0])
            if mask.ndim not in (2, 3) or tuple(mask.shape) != want:
                raise ValueError(f"MultiheadAttention: attn_mask must have shape {want}, got "
                                 f"{tuple(mask.shape)}")
            mask = mask.unsqueeze(0) if mask.ndim == 2 else mask
        if self.bias_k is not None:
            k = Tensor.cat([k, self.bias_k.repeat(1, batch, 1)])
            v = Tensor.cat([v, self.bias_v.repeat(1, batch, 1)])
            mask = None if mask is None else pad(mask, (0, 1))
            padding = None if padding is None else pad(padding, (0, 1))
        q = q.reshape(length, batch * heads, head_dim).transpose(0, 1)
        k = k.reshape(k.shape[0], batch * heads, head_dim).transpose(0, 1)
        v = v.reshape(v.shape[0], batch * heads, head_dim).transpose(0, 1)
        if self.add_zero_attn:
            zeros = Tensor.zeros(batch * heads, 1, head_dim, dtype=k.dtype)
            k, v = Tensor.cat([k, zeros], dim=1), Tensor.cat([v, zeros], dim=1)
            mask = None if mask is None else pad(mask, (0, 1))
            padding = None if padding is None else pad(padding, (0, 1))
        source = k.shape[1]
        if padding is not None:
            padding = padding.reshape(batch, 1, 1, source).expand(batch, heads, 1, source)
            padding = padding.reshape(batch * heads, 1, source)
            mask = padding if mask is None else mask + padding
        scores = (q * math.sqrt(1.0 / head_dim)) @ k.transpose(-2, -1)
        weights = (scores if mask is None else mask + scores).softmax(-1)
        if self.training and self.dropout > 0:
            weights = weights.dropout(self.dropout)
        out = (weights @ v).transpose(0, 1).reshape(length * batch, self.embed_dim)
        out = self.out_proj(out).reshape(length, batch, self.embed_dim)
        weights = weights.reshape(batch, heads, length, source)
        if average_attn_weights:
            weights = weights.mean(1)
        if not batched:
            out, weights = out.squeeze(1), weights.squeeze(0)
        elif self.batch_first:
            out = out.transpose(0, 1)
        return out, (weights if need_weights else None)
