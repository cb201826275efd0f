"""F.scaled_dot_product_attention: the formula written out by hand, causal and boolean masks,
grouped heads, gradcheck, and PyTorch's values (and dropout masks for a seed) when installed."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, nn

F = nn.functional
RNG = np.random.default_rng(2)
Q, K, V = (RNG.standard_normal(s) for s in [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)])


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def test_the_formula_and_the_masks():
    out = F.scaled_dot_product_attention(Tensor(Q), Tensor(K), Tensor(V))
    expected = _softmax(Q @ K.swapaxes(-1, -2) / math.sqrt(8)) @ V
    assert np.allclose(out.data, expected)
    causal = F.scaled_dot_product_attention(Tensor(Q), Tensor(K[:, :, :4]), Tensor(V[:, :, :4]),
                                            is_causal=True)
    scores = Q @ K[:, :, :4].swapaxes(-1, -2) / math.sqrt(8)
    scores[..., np.triu_indices(4, 1)[0], np.triu_indices(4, 1)[1]] = -np.inf
    assert np.allclose(causal.data, _softmax(scores) @ V[:, :, :4])
    keep = RNG.random((4, 5)) < 0.7
    keep[:, 0] = True
    masked = F.scaled_dot_product_attention(Tensor(Q), Tensor(K), Tensor(V), attn_mask=Tensor(keep))
    scores = np.where(keep, Q @ K.swapaxes(-1, -2) / math.sqrt(8), -np.inf)
    assert np.allclose(masked.data, _softmax(scores) @ V)


def test_gradients_and_refusals():
    q, k, v = (Tensor(a[0, 0], requires_grad=True) for a in (Q, K, V))
    assert gradcheck(lambda a, b, c: F.scaled_dot_product_attention(a, b, c, scale=0.3), [q, k, v])
    with pytest.raises(ValueError, match="do not fit"):
        F.scaled_dot_product_attention(q, Tensor(K[0, 0, :, :4]), v)
    with pytest.raises(ValueError, match="not both"):
        F.scaled_dot_product_attention(q, k, v, attn_mask=Tensor(np.ones((4, 5), bool)),
                                       is_causal=True)


def test_matches_pytorch_with_grouped_heads_and_dropout():
    torch = pytest.importorskip("torch")
    kv = (K[:, :1], V[:, :1])
    ours = F.scaled_dot_product_attention(Tensor(Q), *map(Tensor, kv), enable_gqa=True)
    theirs = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(Q), *map(torch.tensor, kv), enable_gqa=True)
    assert np.allclose(ours.data, theirs.numpy(), atol=1e-12)
    tg.manual_seed(5)
    ours = F.scaled_dot_product_attention(Tensor(Q), Tensor(K), Tensor(V), dropout_p=0.3)
    torch.manual_seed(5)
    theirs = torch.nn.functional.scaled_dot_product_attention(
        torch.tensor(Q), torch.tensor(K), torch.tensor(V), dropout_p=0.3)
    assert np.allclose(ours.data, theirs.numpy(), atol=1e-12)
