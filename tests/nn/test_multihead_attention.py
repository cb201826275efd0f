"""nn.MultiheadAttention: shapes and the head split in closed form, gradcheck, refusals, and
PyTorch's outputs, weights and gradients for the same state dict (and its initial weights for
the same seed) when PyTorch is installed."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, nn

RNG = np.random.default_rng(8)


def test_one_head_is_softmax_attention_of_the_projections():
    layer = nn.MultiheadAttention(4, 1, bias=False)
    x = RNG.standard_normal((3, 1, 4))
    out, weights = layer(Tensor(x), Tensor(x), Tensor(x))
    w = layer.in_proj_weight.data
    q, k, v = (x[:, 0] @ w[i * 4:(i + 1) * 4].T for i in range(3))
    scores = q @ k.T / 2.0
    attention = np.exp(scores - scores.max(1, keepdims=True))
    attention /= attention.sum(1, keepdims=True)
    assert np.allclose(weights.data[0], attention, atol=1e-6)
    assert np.allclose(out.data[:, 0], attention @ v @ layer.out_proj.weight.data.T, atol=1e-5)


def test_gradients_and_refusals():
    layer = nn.MultiheadAttention(4, 2, dtype=np.float64)
    x = Tensor(RNG.standard_normal((3, 2, 4)), requires_grad=True)
    assert gradcheck(lambda t: layer(t, t, t)[0], [x])
    with pytest.raises(ValueError, match="positive multiple of num_heads"):
        nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match=r"attn_mask must have shape \(3, 3\)"):
        layer(x, x, x, attn_mask=Tensor(np.zeros((2, 2))))
    with pytest.raises(RuntimeError, match="is_causal is a hint"):
        layer(x, x, x, is_causal=True)


@pytest.mark.parametrize("options, call", [
    ({}, {}),
    ({"batch_first": True}, {"key_padding_mask": np.array([[False, False, True]] * 2)}),
    ({"add_bias_kv": True, "add_zero_attn": True}, {"average_attn_weights": False}),
    ({"kdim": 3, "vdim": 5}, {"need_weights": False}),
    ({}, {"attn_mask": np.triu(np.ones((3, 3), bool), 1)}),
])
def test_matches_pytorch(options, call):
    torch = pytest.importorskip("torch")
    tg.manual_seed(4)
    ours = nn.MultiheadAttention(6, 2, dtype=np.float64, **options)
    torch.manual_seed(4)
    theirs = torch.nn.MultiheadAttention(6, 2, dtype=torch.float64, **options)
    for name, value in theirs.state_dict().items():          # the same initial draws
        assert np.allclose(ours.state_dict()[name].data, value.numpy()), name
    shapes = [(2, 3, 6) if options.get("batch_first") else (3, 2, 6)] * 3
    shapes[1] = shapes[1][:2] + (options.get("kdim", 6),)
    shapes[2] = shapes[2][:2] + (options.get("vdim", 6),)
    inputs = [RNG.standard_normal(s) for s in shapes]
    o = ours(*[Tensor(a, requires_grad=True) for a in inputs],
             **{k: (Tensor(v) if isinstance(v, np.ndarray) else v) for k, v in call.items()})
    t_inputs = [torch.tensor(a, requires_grad=True) for a in inputs]
    t = theirs(*t_inputs, **{k: (torch.tensor(v) if isinstance(v, np.ndarray) else v)
                             for k, v in call.items()})
    assert np.allclose(o[0].data, t[0].detach().numpy(), atol=1e-10)
    assert (o[1] is None) == (t[1] is None)
    if t[1] is not None:
        assert np.allclose(o[1].data, t[1].detach().numpy(), atol=1e-10)
