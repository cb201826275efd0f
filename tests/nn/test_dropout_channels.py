"""Channel dropout (F.dropout1d/2d/3d and their modules): whole channels are zeroed, the rest
scaled by 1/(1-p), the identity in eval mode; the masks are PyTorch's for the same seed."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import nn

F = nn.functional


@pytest.mark.parametrize("fn, shape", [(F.dropout1d, (4, 6, 5)), (F.dropout1d, (6, 5)),
                                       (F.dropout2d, (4, 6, 3, 3)), (F.dropout3d, (2, 6, 2, 2, 2)),
                                       (F.dropout3d, (6, 2, 2, 2))])
def test_whole_channels_are_dropped_and_the_rest_scaled(fn, shape):
    tg.manual_seed(3)
    out = fn(tg.ones(*shape, dtype=np.float64), 0.5).data
    batched = out if len(shape) in (3, 4, 5) and shape[0] != 6 else out[None]
    per_channel = batched.reshape(batched.shape[0], batched.shape[1], -1)
    assert np.all(per_channel == per_channel[..., :1])             # one value per channel
    assert set(np.unique(per_channel)) <= {0.0, 2.0} and 0 < (per_channel == 0).mean() < 1


def test_eval_mode_p_and_refusals():
    x = tg.ones(2, 3, 4)
    assert nn.Dropout1d(0.5).eval()(x).tolist() == x.tolist()
    assert F.dropout2d(tg.ones(1, 2, 2, 2), 1.0).data.sum() == 0
    with pytest.raises(ValueError, match=r"dropout1d: expects \(N, C, L\) or \(C, L\) input"):
        F.dropout1d(tg.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match="Dropout2d: p is the probability"):
        nn.Dropout2d(1.5)
    with pytest.warns(UserWarning, match="3-D input is read as"):
        F.dropout2d(tg.ones(2, 3, 4))


@pytest.mark.parametrize("name, shape", [("dropout1d", (3, 4, 5)), ("dropout2d", (2, 3, 4, 4)),
                                         ("dropout3d", (3, 2, 2, 2))])
def test_masks_are_pytorchs(name, shape):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(1).standard_normal(shape)
    tg.manual_seed(11)
    ours = getattr(F, name)(tg.tensor(x), 0.3)
    torch.manual_seed(11)
    theirs = getattr(torch.nn.functional, name)(torch.tensor(x), 0.3)
    assert np.array_equal(ours.data, theirs.numpy())
