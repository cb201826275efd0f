"""The 3-D normalisation and padding layers (BatchNorm3d, InstanceNorm3d, ConstantPad3d,
ZeroPad3d, ReflectionPad3d, ReplicationPad3d, CircularPad3d): closed forms against numpy."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, nn

X = np.random.default_rng(14).standard_normal((2, 3, 2, 3, 4))


def test_norms_normalise_per_channel():
    out = nn.BatchNorm3d(3, affine=False)(Tensor(X)).data
    assert np.allclose(out.mean(axis=(0, 2, 3, 4)), 0, atol=1e-6)
    assert np.allclose(out.var(axis=(0, 2, 3, 4)), 1, atol=1e-3)
    inst = nn.InstanceNorm3d(3)(Tensor(X)).data
    assert np.allclose(inst.mean(axis=(2, 3, 4)), 0, atol=1e-6)
    with pytest.raises(ValueError, match="BatchNorm3d"):
        nn.BatchNorm3d(3)(Tensor(X[0]))


@pytest.mark.parametrize("layer, mode", [(nn.ZeroPad3d(1), "constant"),
                                         (nn.ReflectionPad3d(1), "reflect"),
                                         (nn.ReplicationPad3d(1), "edge"),
                                         (nn.CircularPad3d(1), "wrap")])
def test_pads_match_numpy(layer, mode):
    expected = np.pad(X, [(0, 0), (0, 0), (1, 1), (1, 1), (1, 1)], mode=mode)
    assert np.allclose(layer(Tensor(X)).data, expected)
    assert nn.ConstantPad3d((1, 0, 0, 0, 0, 2), 5.0)(Tensor(X)).shape == (2, 3, 4, 3, 5)
