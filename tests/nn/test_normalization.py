"""BatchNorm1d / BatchNorm2d: closed forms, running statistics, gradcheck, PyTorch parity."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu import Tensor, gradcheck, gradgradcheck

RNG = np.random.default_rng(1234)


def _layer(cls, channels, **kwargs):
    """A float64 layer with a non-trivial weight and bias."""
    layer = cls(channels, dtype=np.float64, **kwargs)
    if layer.affine:
        layer.weight.data[...] = RNG.normal(size=channels)
        layer.bias.data[...] = RNG.normal(size=channels)
    return layer


def _axes(x):
    return (0,) + tuple(range(2, x.ndim))


def _stat_shape(x):
    return (1, x.shape[1]) + (1,) * (x.ndim - 2)


# ---------------------------------------------------------------- closed forms (seed 002)

@pytest.mark.parametrize("cls, shape", [(nn.BatchNorm1d, (6, 3)), (nn.BatchNorm1d, (5, 3, 4)),
                                        (nn.BatchNorm2d, (4, 3, 5, 2))])
def test_train_forward_is_the_normalisation_of_the_notes(cls, shape):
    layer = _layer(cls, 3)
    x = RNG.normal(2.0, 3.0, size=shape)
    y = layer(Tensor(x)).data
    mu = x.mean(axis=_axes(x), keepdims=True)
    sigma = np.sqrt(1e-5 + x.var(axis=_axes(x), keepdims=True))
    expected = (x - mu) / sigma * layer.weight.data.reshape(_stat_shape(x)) \
        + layer.bias.data.reshape(_stat_shape(x))
    np.testing.assert_allclose(y, expected, rtol=1e-12, atol=1e-12)


def test_running_stats_use_momentum_and_the_unbiased_variance():
    layer = _layer(nn.BatchNorm1d, 2)
    x1, x2 = RNG.normal(1.0, 2.0, (8, 2)), RNG.normal(-1.0, 0.5, (8, 2))
    layer(Tensor(x1))
    layer(Tensor(x2))
    m1, m2 = x1.mean(0), x2.mean(0)
    v1, v2 = x1.var(0, ddof=1), x2.var(0, ddof=1)
    np.testing.assert_allclose(layer.running_mean.data, 0.9 * (0.1 * m1) + 0.1 * m2, rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.data, 0.9 * (0.9 + 0.1 * v1) + 0.1 * v2,
                               rtol=1e-12)
    assert layer.num_batches_tracked.item() == 2
    assert layer.num_batches_tracked.dtype == np.int64


def test_momentum_none_is_the_cumulative_average():
    layer = _layer(nn.BatchNorm2d, 3, momentum=None)
    batches = [RNG.normal(k, 1.0, (2, 3, 2, 2)) for k in range(4)]
    for x in batches:
        layer(Tensor(x))
    np.testing.assert_allclose(layer.running_mean.data,
                               np.mean([x.mean(axis=(0, 2, 3)) for x in batches], axis=0),
                               rtol=1e-12)
    np.testing.assert_allclose(layer.running_var.data,
                               np.mean([x.var(axis=(0, 2, 3), ddof=1) for x in batches], axis=0),
                               rtol=1e-12)


def test_eval_uses_running_stats_and_changes_nothing():
    layer = _layer(nn.BatchNorm1d, 3)
    for _ in range(3):
        layer(Tensor(RNG.normal(1.0, 2.0, (10, 3))))
    layer.eval()
    mean, var = layer.running_mean.data.copy(), layer.running_var.data.copy()
    x = RNG.normal(size=(4, 3))
    y = layer(Tensor(x)).data
    np.testing.assert_allclose(y, (x - mean) / np.sqrt(var + 1e-5) * layer.weight.data
                               + layer.bias.data, rtol=1e-12)
    np.testing.assert_array_equal(layer.running_mean.data, mean)
    np.testing.assert_array_equal(layer.running_var.data, var)
    assert layer.num_batches_tracked.item() == 3
    # a single example is fine in eval mode, and its answer does not depend on the batch
    np.testing.assert_allclose(layer(Tensor(x[:1])).data, y[:1], rtol=1e-12)


def test_backward_matches_the_closed_form_batchnorm_gradient():
    # dL/dx = w / (N sigma) * (N g - sum g - x^ sum(g x^)), dL/dw = sum(g x^), dL/db = sum g
    layer = _layer(nn.BatchNorm1d, 4)
    x = RNG.normal(size=(7, 4))
    g = RNG.normal(size=(7, 4))
    xt = Tensor(x, requires_grad=True)
    (layer(xt) * Tensor(g)).sum().backward()
    n, sigma = x.shape[0], np.sqrt(x.var(0) + 1e-5)
    x_hat = (x - x.mean(0)) / sigma
    w = layer.weight.data
    dx = w / (n * sigma) * (n * g - g.sum(0) - x_hat * (g * x_hat).sum(0))
    np.testing.assert_allclose(xt.grad.data, dx, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(layer.weight.grad.data, (g * x_hat).sum(0), rtol=1e-10)
    np.testing.assert_allclose(layer.bias.grad.data, g.sum(0), rtol=1e-10)


# ---------------------------------------------------------------- gradcheck in float64

@pytest.mark.parametrize("shape", [(5, 3), (3, 3, 2), (2, 3, 2, 2)])
def test_gradcheck_train_mode(shape):
    x = Tensor(RNG.normal(size=shape), requires_grad=True)
    w = Tensor(RNG.normal(size=3), requires_grad=True)
    b = Tensor(RNG.normal(size=3), requires_grad=True)
    assert gradcheck(lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True), (x, w, b))


def test_gradcheck_eval_mode_and_second_derivatives():
    running_mean, running_var = Tensor(RNG.normal(size=3)), Tensor(RNG.uniform(0.5, 2, size=3))
    x = Tensor(RNG.normal(size=(4, 3)), requires_grad=True)
    w = Tensor(RNG.normal(size=3), requires_grad=True)
    assert gradcheck(lambda x, w: F.batch_norm(x, running_mean, running_var, w), (x, w))
    small = Tensor(RNG.normal(size=(3, 2)), requires_grad=True)
    assert gradgradcheck(lambda x: F.batch_norm(x, None, None, training=True), (small,))


def test_gradcheck_through_the_module():
    layer = _layer(nn.BatchNorm2d, 2)
    x = Tensor(RNG.normal(size=(3, 2, 2, 2)), requires_grad=True)
    assert gradcheck(lambda x: layer(x), (x,))


# ---------------------------------------------------------------- options and names

def test_names_shapes_and_order_match_pytorch():
    layer = nn.BatchNorm2d(5)
    assert list(layer.state_dict()) == ["weight", "bias", "running_mean", "running_var",
                                        "num_batches_tracked"]
    assert [n for n, _ in layer.named_parameters()] == ["weight", "bias"]
    assert layer.weight.shape == layer.running_var.shape == (5,)
    np.testing.assert_array_equal(layer.weight.data, 1)
    np.testing.assert_array_equal(layer.bias.data, 0)
    assert not any(b.requires_grad for b in layer.buffers())
    assert (layer.momentum, layer.eps) == (0.1, 1e-5)
    assert repr(layer).startswith("BatchNorm2d(5, eps=1e-05, momentum=0.1, affine=True, "
                                  "track_running_stats=True)")
    assert repr(layer).endswith("# 10 parameters")


def test_affine_false_and_no_running_stats():
    layer = nn.BatchNorm1d(3, affine=False, track_running_stats=False)
    assert list(layer.parameters()) == [] and list(layer.state_dict()) == []
    assert layer.running_mean is None
    x = RNG.normal(3.0, 2.0, (6, 3))
    for mode in (True, False):            # without running stats eval also uses the batch
        y = layer.train(mode)(Tensor(x)).data
        np.testing.assert_allclose(y.mean(0), 0, atol=1e-6)
        np.testing.assert_allclose(y.var(0), 1, rtol=1e-4)


def test_train_eval_propagate_through_a_container():
    model = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3), nn.ReLU())
    x = Tensor(RNG.normal(size=(4, 2)).astype(np.float32))
    model(x)
    assert model[1].num_batches_tracked.item() == 1
    model.eval()
    assert not model[1].training
    model(x)
    assert model[1].num_batches_tracked.item() == 1


def test_buffers_get_no_gradient_and_the_graph_does_not_hold_them():
    layer = _layer(nn.BatchNorm1d, 2)
    x = Tensor(RNG.normal(size=(4, 2)), requires_grad=True)
    layer(x).sum().backward()
    assert layer.running_mean.grad is None and layer.running_var.grad is None
    assert not layer.running_mean.requires_grad


# ---------------------------------------------------------------- errors

def test_bad_inputs_raise_clear_errors_and_change_nothing():
    layer = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\).*4 channels.*expected 3"):
        layer(Tensor.ones(2, 4))
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\).*2-d or 3-d.*\(2, 3, 4, 5\)"):
        layer(Tensor.ones(2, 3, 4, 5))
    with pytest.raises(ValueError, match=r"BatchNorm2d\(3\).*4-d.*\(2, 3\)"):
        nn.BatchNorm2d(3)(Tensor.ones(2, 3))
    with pytest.raises(ValueError, match="more than 1 value per channel"):
        layer(Tensor.ones(1, 3))
    with pytest.raises(TypeError, match="floating point"):
        layer(Tensor(np.ones((2, 3), dtype=np.int64)))
    assert layer.num_batches_tracked.item() == 0
    np.testing.assert_array_equal(layer.running_mean.data, 0)
    np.testing.assert_array_equal(layer.running_var.data, 1)
    with pytest.raises(ValueError, match="num_features"):
        nn.BatchNorm1d(0)
    with pytest.raises(ValueError, match="momentum"):
        nn.BatchNorm1d(2, momentum=1.5)


def test_reset_running_stats():
    layer = nn.BatchNorm1d(2)
    layer(Tensor(RNG.normal(3.0, 2.0, (5, 2)).astype(np.float32)))
    layer.reset_running_stats()
    np.testing.assert_array_equal(layer.running_mean.data, 0)
    np.testing.assert_array_equal(layer.running_var.data, 1)
    assert layer.num_batches_tracked.item() == 0


# ---------------------------------------------------------------- PyTorch as reference

@pytest.mark.parametrize("kind, shape, momentum", [("1d", (6, 3), 0.1), ("1d", (5, 3, 4), 0.3),
                                                   ("2d", (4, 3, 5, 2), 0.1),
                                                   ("2d", (3, 3, 2, 2), None)])
def test_matches_pytorch_forward_grads_and_running_stats(kind, shape, momentum):
    torch = pytest.importorskip("torch")
    ours = _layer(nn.BatchNorm1d if kind == "1d" else nn.BatchNorm2d, 3, momentum=momentum)
    ref = (torch.nn.BatchNorm1d if kind == "1d" else torch.nn.BatchNorm2d)(
        3, momentum=momentum).double()
    ref.load_state_dict({k: torch.from_numpy(np.array(v.data)) for k, v in
                         ours.state_dict().items()})
    for _ in range(3):
        x, g = RNG.normal(2.0, 3.0, size=shape), RNG.normal(size=shape)
        xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        yo, yt = ours(xo), ref(xt)
        (yo * Tensor(g)).sum().backward()
        (yt * torch.tensor(g)).sum().backward()
        np.testing.assert_allclose(yo.data, yt.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(ours.weight.grad.data, ref.weight.grad.numpy(), rtol=1e-9)
        np.testing.assert_allclose(ours.bias.grad.data, ref.bias.grad.numpy(), rtol=1e-9)
        ours.zero_grad()
        ref.zero_grad()
    for name, value in ref.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name].data, value.numpy(), rtol=1e-12,
                                   err_msg=name)
    ours.eval()
    ref.eval()
    x = RNG.normal(size=shape)
    np.testing.assert_allclose(ours(Tensor(x)).data, ref(torch.tensor(x)).detach().numpy(),
                               rtol=1e-10, atol=1e-12)


def test_a_pytorch_state_dict_loads_unchanged():
    torch = pytest.importorskip("torch")
    ref = torch.nn.BatchNorm1d(4)
    ref(torch.randn(16, 4, generator=torch.Generator().manual_seed(0)) * 3 + 1)
    ours = nn.BatchNorm1d(4)
    ours.load_state_dict({k: v.numpy() for k, v in ref.state_dict().items()})
    ours.eval()
    ref.eval()
    x = RNG.normal(size=(5, 4)).astype(np.float32)
    np.testing.assert_allclose(ours(Tensor(x)).data, ref(torch.from_numpy(x)).detach().numpy(),
                               rtol=1e-5, atol=1e-6)
    assert ours.num_batches_tracked.item() == 1
