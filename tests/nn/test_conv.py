"""Conv1d, Conv2d, pooling and Dropout modules: PyTorch's parameter names, shapes and
initialisation, layer-named errors, train/eval behaviour, the functional forms, and a
whole small CNN against PyTorch with the same weights."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu import Tensor, gradcheck, set_default_dtype
from tinygrad_edu.ops.pool import manual_seed

RNG = np.random.default_rng(0)


def test_conv2d_parameters_names_shapes_and_init_bounds():
    nn.init.manual_seed(0)
    layer = nn.Conv2d(3, 8, (3, 5), stride=2, padding=1)
    assert [(name, p.shape) for name, p in layer.named_parameters()] == \
        [("weight", (8, 3, 3, 5)), ("bias", (8,))]
    bound = 1 / np.sqrt(3 * 3 * 5)                      # 1/sqrt(fan_in), as PyTorch
    for p in layer.parameters():
        assert np.abs(p.data).max() <= bound and np.abs(p.data).max() > 0.8 * bound
    assert layer.weight.dtype == np.float32
    assert list(nn.Conv2d(1, 2, 3, bias=False).state_dict()) == ["weight"]
    assert nn.Conv1d(2, 4, 3).weight.shape == (4, 2, 3)


def test_reprs_read_like_pytorch():
    assert "Conv2d(1, 8, kernel_size=(3, 3), stride=(1, 1))" in repr(nn.Conv2d(1, 8, 3))
    assert "padding=(1, 1), dilation=(2, 2), bias=False" in \
        repr(nn.Conv2d(1, 8, 3, padding=1, dilation=2, bias=False))
    assert "MaxPool2d(kernel_size=2, stride=2, padding=0, dilation=1, ceil_mode=False)" in \
        repr(nn.MaxPool2d(2))
    assert "Dropout(p=0.25)" in repr(nn.Dropout(0.25))


@pytest.mark.parametrize("options", [dict(), dict(stride=2, padding=1), dict(dilation=2),
                                     dict(kernel_size=(2, 3), stride=(1, 2), bias=False)])
def test_conv2d_module_equals_the_op_and_gradchecks(options):
    options = dict(dict(kernel_size=3), **options)
    layer = nn.Conv2d(2, 3, dtype=np.float64, **options)
    x = Tensor(RNG.standard_normal((2, 2, 7, 7)), requires_grad=True)
    kwargs = {k: options.get(k, d) for k, d in (("stride", 1), ("padding", 0), ("dilation", 1))}
    np.testing.assert_array_equal(layer(x).data,
                                  x.conv2d(layer.weight, layer.bias, **kwargs).data)
    weights = np.random.default_rng(1).standard_normal(layer(x).shape)
    assert gradcheck(lambda t: (layer(t) * Tensor(weights)).sum(), [x])


def test_layers_load_pytorch_state_dicts_and_match_outputs(torch):
    pairs = [(nn.Conv2d(3, 4, 3, stride=2, padding=1), torch.nn.Conv2d(3, 4, 3, 2, 1)),
             (nn.Conv1d(3, 4, 5, padding=2, dilation=2),
              torch.nn.Conv1d(3, 4, 5, padding=2, dilation=2))]
    for ours, theirs in pairs:
        ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
        shape = (2, 3, 9, 8) if isinstance(ours, nn.Conv2d) else (2, 3, 11)
        x = RNG.standard_normal(shape).astype(np.float32)
        np.testing.assert_allclose(ours(Tensor(x)).data,
                                   theirs(torch.tensor(x)).detach().numpy(), atol=1e-5)


def test_small_cnn_matches_pytorch_loss_and_every_gradient(torch):
    """The benchmark network (conv, relu, pool, conv, relu, pool, linear) at batch 4."""
    def build(lib):
        return lib.Sequential(lib.Conv2d(1, 8, 3), lib.ReLU(), lib.MaxPool2d(2),
                              lib.Conv2d(8, 16, 3), lib.ReLU(), lib.MaxPool2d(2),
                              lib.Flatten(), lib.Linear(16 * 5 * 5, 10))
    set_default_dtype(np.float64)                       # (restored by tests/conftest.py)
    theirs, ours = build(torch.nn).double(), build(nn)
    ours.load_state_dict({k: v.detach().numpy() for k, v in theirs.state_dict().items()})
    x, y = RNG.standard_normal((4, 1, 28, 28)), np.array([1, 7, 3, 3])
    loss = F.cross_entropy(ours(Tensor(x)), y)
    loss.backward()
    ref = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
    ref.backward()
    assert abs(loss.item() - ref.item()) < 1e-10
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-8, atol=1e-10,
                                   err_msg=name)


def test_pool_modules_default_stride_and_functional_forms():
    x = Tensor(RNG.standard_normal((2, 3, 8, 8)))
    assert nn.MaxPool2d(2).stride == 2
    np.testing.assert_array_equal(nn.MaxPool2d(3, 2, 1)(x).data, F.max_pool2d(x, 3, 2, 1).data)
    np.testing.assert_array_equal(nn.AvgPool2d(2)(x).data, F.avg_pool2d(x, 2).data)
    np.testing.assert_allclose(nn.AvgPool2d(2)(x).data,
                               x.data.reshape(2, 3, 4, 2, 4, 2).mean(axis=(3, 5)), atol=1e-12)
    seq = Tensor(RNG.standard_normal((2, 3, 9)))
    np.testing.assert_array_equal(nn.MaxPool1d(3)(seq).data, F.max_pool1d(seq, 3).data)
    np.testing.assert_array_equal(nn.AvgPool1d(3, 1)(seq).data, F.avg_pool1d(seq, 3, 1).data)
    w = Tensor(RNG.standard_normal((4, 3, 3, 3)))
    np.testing.assert_array_equal(F.conv2d(x, w, padding=1).data, x.conv2d(w, padding=1).data)
    w1 = Tensor(RNG.standard_normal((4, 3, 2)))
    np.testing.assert_array_equal(F.conv1d(seq, w1, stride=2).data, seq.conv1d(w1, stride=2).data)


def test_dropout_module_respects_train_and_eval():
    layer = nn.Dropout(0.5)
    x = Tensor(np.ones((50, 40)))
    manual_seed(0)
    out = layer(x).data
    assert 0.4 < (out == 0).mean() < 0.6 and set(np.unique(out)) == {0.0, 2.0}
    layer.eval()
    assert layer(x) is x
    model = nn.Sequential(nn.Linear(40, 5), nn.Dropout(0.9)).eval()
    np.testing.assert_array_equal(model(x).data, model(x).data)   # deterministic in eval
    model.train()
    assert not np.array_equal(model(x).data, model(x).data)
    manual_seed(7)
    a = F.dropout(x, 0.3).data
    manual_seed(7)
    np.testing.assert_array_equal(a, F.dropout(x, 0.3).data)
    assert F.dropout(x, 0.3, training=False) is x
    for p in (1.5, -0.5):           # p = 1 is allowed, as PyTorch: everything dropped
        with pytest.raises(ValueError, match=r"Dropout: p .* must be in \[0, 1\]"):
            nn.Dropout(p)
    assert not nn.Dropout(1.0)(x).data.any()


@pytest.mark.parametrize("layer,x,pattern", [
    (nn.Conv2d(3, 8, 3), Tensor.ones(2, 1, 8, 8),
     r"Conv2d\(3, 8, kernel_size=\(3, 3\).*\): conv2d: input of shape \(2, 1, 8, 8\) has 1 "
     r"channels but weight of shape \(8, 3, 3, 3\) expects 3"),
    (nn.Conv2d(1, 8, 5), Tensor.ones(2, 1, 4, 4),
     r"Conv2d\(1, 8.*larger than the padded input \(4, 4\) \(input shape \(2, 1, 4, 4\)"),
    (nn.Conv2d(1, 8, 3), Tensor.ones(8, 8),
     r"Conv2d\(1, 8.*expected a 4-D input \(N, C, H, W\), or a 3-D one without the batch dim, "
     r"got shape \(8, 8\)"),
    (nn.Conv1d(2, 4, 3), Tensor.ones(5, 3, 10),
     r"Conv1d\(2, 4.*input of shape \(5, 3, 10\) has 3 channels"),
    (nn.MaxPool2d(4), Tensor.ones(1, 1, 3, 3),
     r"MaxPool2d\(kernel_size=4.*larger than the padded input \(3, 3\)"),
    (nn.AvgPool2d(2), Tensor.ones(3, 3), r"AvgPool2d\(kernel_size=2.*expected a 4-D input"),
])
def test_bad_input_errors_name_the_layer_and_shapes(layer, x, pattern):
    with pytest.raises(ValueError, match=pattern):
        layer(x)


def test_bad_constructor_arguments():
    with pytest.raises(ValueError, match="Conv2d: in_channels must be a positive int"):
        nn.Conv2d(0, 4, 3)
    with pytest.raises(ValueError, match="Conv1d: out_channels must be a positive int"):
        nn.Conv1d(2, 2.5, 3)
