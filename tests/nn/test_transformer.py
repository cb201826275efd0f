"""The Transformer layers: shapes, the causal mask, the stacks' copies, gradcheck of a small
encoder layer, and PyTorch's outputs for the same weights (module_db compares every option)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, nn

RNG = np.random.default_rng(9)


def test_shapes_mask_and_copies():
    layer = nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0, batch_first=True)
    stack = nn.TransformerEncoder(layer, 3)
    assert len(stack.layers) == 3
    assert np.array_equal(stack.layers[0].linear1.weight.data, stack.layers[2].linear1.weight.data)
    x = Tensor(RNG.standard_normal((2, 5, 8)))
    mask = nn.Transformer.generate_square_subsequent_mask(5)
    assert mask.tolist()[0][1] == float("-inf") and mask.tolist()[1][0] == 0.0
    assert stack(x, mask=mask).shape == (2, 5, 8)
    model = nn.Transformer(8, 2, 1, 1, 16, dropout=0.0)
    assert model(Tensor(RNG.standard_normal((5, 2, 8))), Tensor(RNG.standard_normal((4, 2, 8)))).shape \
        == (4, 2, 8)
    with pytest.raises(ValueError, match="activation must be 'relu', 'gelu' or a function"):
        nn.TransformerEncoderLayer(8, 2, activation="tanh")


def test_encoder_layer_gradients():
    layer = nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.0, dtype=np.float64,
                                       activation="gelu", norm_first=True)
    x = Tensor(RNG.standard_normal((3, 1, 4)), requires_grad=True)
    assert gradcheck(lambda t: layer(t), [x])


def test_decoder_layer_matches_pytorch():
    torch = pytest.importorskip("torch")
    tg.manual_seed(1)
    ours = nn.TransformerDecoderLayer(6, 3, dim_feedforward=10, dropout=0.0, dtype=np.float64)
    torch.manual_seed(1)
    theirs = torch.nn.TransformerDecoderLayer(6, 3, dim_feedforward=10, dropout=0.0,
                                              dtype=torch.float64)
    for name, value in theirs.state_dict().items():          # PyTorch's initial draws
        assert np.allclose(ours.state_dict()[name].data, value.numpy()), name
    tgt, memory = RNG.standard_normal((4, 2, 6)), RNG.standard_normal((5, 2, 6))
    mask = nn.Transformer.generate_square_subsequent_mask(4, dtype=np.float64)
    o = ours(Tensor(tgt), Tensor(memory), tgt_mask=mask)
    t = theirs(torch.tensor(tgt), torch.tensor(memory), tgt_mask=torch.tensor(mask.data))
    assert np.allclose(o.data, t.detach().numpy(), atol=1e-10)
