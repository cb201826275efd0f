"""nn.init: bounds and moments of every initialiser against its formula, gains, seeding."""
import math

import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import init

SHAPE = (200, 300)                 # fan_out = 200, fan_in = 300; 60 000 samples


def _param(shape=SHAPE, dtype=np.float32):
    return nn.Parameter(np.zeros(shape, dtype=dtype))


def test_uniform_normal_and_constants_fill_in_place():
    init.manual_seed(0)
    p = _param()
    assert init.uniform_(p, -2.0, 3.0) is p
    assert p.data.min() >= -2.0 and p.data.max() < 3.0
    assert abs(p.data.mean() - 0.5) < 0.05 and abs(p.data.var() - 25 / 12) < 0.05
    init.normal_(p, 1.0, 0.5)
    assert abs(p.data.mean() - 1.0) < 0.01 and abs(p.data.std() - 0.5) < 0.01
    assert p.dtype == np.float32 and p.requires_grad and p.grad_fn is None
    init.zeros_(p)
    assert not p.data.any()
    init.ones_(p)
    assert np.all(p.data == 1)
    init.constant_(p, 0.25)
    assert np.all(p.data == 0.25)


@pytest.mark.parametrize("shape, fan_in, fan_out", [(SHAPE, 300, 200),
                                                    ((64, 16, 3, 3), 16 * 9, 64 * 9)])
def test_xavier_uniform_bound_and_variance(shape, fan_in, fan_out):
    p = _param(shape)
    init.xavier_uniform_(p, gain=2.0)
    bound = 2.0 * math.sqrt(6.0 / (fan_in + fan_out))
    assert np.abs(p.data).max() <= bound
    assert np.abs(p.data).max() > 0.99 * bound                    # the whole range is used
    np.testing.assert_allclose(p.data.var(), bound ** 2 / 3, rtol=0.03)


def test_xavier_normal_std():
    p = init.xavier_normal_(_param())
    np.testing.assert_allclose(p.data.std(), math.sqrt(2.0 / 500), rtol=0.02)


def test_kaiming_uniform_default_and_pytorch_linear_variant():
    p = init.kaiming_uniform_(_param())                           # a=0: gain sqrt(2)
    bound = math.sqrt(2.0) * math.sqrt(3.0 / 300)
    assert np.abs(p.data).max() <= bound
    np.testing.assert_allclose(p.data.var(), bound ** 2 / 3, rtol=0.03)
    init.kaiming_uniform_(p, a=math.sqrt(5))                      # what Linear's default amounts to
    assert np.abs(p.data).max() <= 1 / math.sqrt(300) + 1e-7
    assert np.abs(p.data).max() > 0.99 / math.sqrt(300)


def test_kaiming_normal_fan_modes():
    p = init.kaiming_normal_(_param(), nonlinearity="relu")
    np.testing.assert_allclose(p.data.std(), math.sqrt(2.0 / 300), rtol=0.02)
    init.kaiming_normal_(p, mode="fan_out", nonlinearity="relu")
    np.testing.assert_allclose(p.data.std(), math.sqrt(2.0 / 200), rtol=0.02)


def test_linear_default_init_is_pytorchs():
    layer = nn.Linear(50, 400)
    bound = 1 / math.sqrt(50)
    for p in (layer.weight, layer.bias):
        assert np.abs(p.data).max() <= bound + 1e-7
    np.testing.assert_allclose(layer.weight.data.var(), bound ** 2 / 3, rtol=0.05)


def test_calculate_gain_matches_pytorch():
    torch = pytest.importorskip("torch")
    for name, param in [("linear", None), ("sigmoid", None), ("tanh", None), ("relu", None),
                        ("leaky_relu", None), ("leaky_relu", 0.2), ("selu", None),
                        ("conv2d", None)]:
        assert init.calculate_gain(name, param) == pytest.approx(
            torch.nn.init.calculate_gain(name, param)), name


def test_manual_seed_makes_models_reproducible():
    init.manual_seed(42)
    a = nn.MLP([2, 8, 1])
    init.manual_seed(42)
    b = nn.MLP([2, 8, 1])
    c = nn.MLP([2, 8, 1])
    for (name, pa), pb, pc in zip(a.named_parameters(), b.parameters(), c.parameters()):
        np.testing.assert_array_equal(pa.data, pb.data, err_msg=name)
        assert not np.array_equal(pa.data, pc.data)


def test_float64_parameters_stay_float64():
    p = init.xavier_uniform_(_param((3, 4), dtype=np.float64))
    assert p.dtype == np.float64


def test_errors_are_clear():
    with pytest.raises(ValueError, match=r"at least 2 dims, got shape \(5,\)"):
        init.xavier_uniform_(_param((5,)))
    with pytest.raises(ValueError, match="unknown nonlinearity 'swish'"):
        init.calculate_gain("swish")
