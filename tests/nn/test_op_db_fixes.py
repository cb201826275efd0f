"""Corner cases of nn.functional that PyTorch's OpInfo database found (issue 19): each compared
with PyTorch in float64 (values and input gradients) and gradient-checked by central differences
where a new code path computes a gradient."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.nn import functional as F


def _rng(seed=0):
    return np.random.default_rng(seed)


def _against_torch(torch, ours, theirs, *arrays):
    """Same float64 inputs through both: values and the gradients of a weighted sum agree."""
    mine = [Tensor(a, requires_grad=True) for a in arrays]
    tts = [torch.tensor(a, requires_grad=True) for a in arrays]
    m_out, t_out = ours(*mine), theirs(*tts)
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = _rng(7).standard_normal(t_out.shape)
    (t_out * torch.tensor(weights)).sum().backward()
    (m_out * Tensor(weights)).sum().backward()
    for m, t in zip(mine, tts):
        expected = np.zeros(m.shape) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(m.grad.data, expected, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("p", [0, float("-inf")])
def test_normalize_p0_and_minus_inf_follow_pytorch(p):
    torch = pytest.importorskip("torch")
    x = _rng(1).standard_normal((3, 4))
    x[0, 1] = 0.0
    _against_torch(torch, lambda t: F.normalize(t, p=p, dim=1),
                   lambda t: torch.nn.functional.normalize(t, p=p, dim=1), x)


@pytest.mark.parametrize("p", [0, float("-inf")])
def test_normalize_p0_and_minus_inf_gradcheck(p):
    x = Tensor(_rng(2).standard_normal((3, 4)) + 3.0, requires_grad=True)
    assert gradcheck(lambda t: F.normalize(t, p=p, dim=1), [x])


@pytest.mark.parametrize("shape", [(0, 2), (0, 4, 3)])
def test_group_norm_of_an_empty_batch_is_empty_like_pytorch(shape):
    torch = pytest.importorskip("torch")
    x = np.zeros(shape)
    weight, bias = _rng(3).standard_normal(shape[1]), _rng(4).standard_normal(shape[1])
    _against_torch(torch, lambda t, w, b: F.group_norm(t, 2, w, b),
                   lambda t, w, b: torch.nn.functional.group_norm(t, 2, w, b), x, weight, bias)


def test_group_norm_gradcheck_through_the_explicit_group_shape():
    x = Tensor(_rng(5).standard_normal((2, 4, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.group_norm(t, 2), [x])


def test_rms_norm_refuses_an_empty_normalized_shape_like_pytorch():
    x = Tensor(np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match=r"rms_norm: normalized_shape must name at least one dim"):
        F.rms_norm(x, [])


@pytest.mark.parametrize("widths", [(-1, 1, -2, 1), (1, -1, 0, 2), (-1, -1, 2, -1), (-1, 3, 0, 0)])
def test_circular_pad_crops_then_wraps_the_cropped_dim_like_pytorch(widths):
    torch = pytest.importorskip("torch")
    x = _rng(6).standard_normal((1, 2, 4, 4))
    _against_torch(torch, lambda t: F.pad(t, widths, mode="circular"),
                   lambda t: torch.nn.functional.pad(t, widths, mode="circular"), x)


def test_circular_pad_with_negative_widths_gradcheck():
    x = Tensor(_rng(8).standard_normal((1, 1, 4, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.pad(t, (-1, 2, 1, -2), mode="circular"), [x])


def test_max_unpool2d_writes_a_shared_cell_once_and_sends_its_gradient_to_every_source():
    torch = pytest.importorskip("torch")
    x = _rng(9).standard_normal((1, 2, 4, 5))
    values, index = torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1, return_indices=True)
    assert len(np.unique(index.numpy()[0, 0])) < index[0, 0].numel()   # overlapping windows share
    _against_torch(torch, lambda t: F.max_unpool2d(t, index.numpy(), 3, 2, 1, output_size=(4, 5)),
                   lambda t: torch.nn.functional.max_unpool2d(t, index, 3, 2, 1, output_size=(4, 5)),
                   values.numpy())


def test_max_unpool2d_gradient_is_the_gather_of_the_output_gradient():
    """With shared cells the forward is one write, so central differences see only the written
    input; PyTorch's gradient (followed here) is the gather g[index] for every input: closed form."""
    index = np.array([[[[0, 0, 1, 0]]]])
    x = Tensor(_rng(10).standard_normal((1, 1, 1, 4)), requires_grad=True)
    out = F.max_unpool2d(x, index, (1, 2), output_size=(1, 8))
    np.testing.assert_array_equal(out.data[0, 0, 0, :2], [x.data[0, 0, 0, 3], x.data[0, 0, 0, 2]])
    g = _rng(11).standard_normal((1, 1, 1, 8))
    (out * Tensor(g)).sum().backward()
    np.testing.assert_array_equal(x.grad.data, g[0, 0, 0][index])


def test_max_unpool2d_without_shared_cells_gradcheck():
    index = np.array([[[[0, 3, 1, 6]]]])
    x = Tensor(_rng(10).standard_normal((1, 1, 1, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.max_unpool2d(t, index, (1, 2), output_size=(1, 8)), [x])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_multi_margin_loss_of_a_0d_score_is_one_sample_of_one_class(reduction):
    torch = pytest.importorskip("torch")
    _against_torch(torch, lambda t: F.multi_margin_loss(t, np.array(0), reduction=reduction),
                   lambda t: torch.nn.functional.multi_margin_loss(t, torch.tensor(0), reduction=reduction),
                   np.array(0.5))


def test_triplet_margin_loss_refuses_a_margin_that_is_not_positive():
    a, p, n = (Tensor(_rng(k).standard_normal((3, 4))) for k in (12, 13, 14))
    with pytest.raises(ValueError, match=r"triplet_margin_loss: margin must be greater than 0, got -1.0"):
        F.triplet_margin_loss(a, p, n, margin=-1.0)


OUTPUT_PADDING_PAST_STRIDE = [
    dict(stride=[3, 2], padding=[1, 2], output_padding=[2, 3], groups=2, dilation=[4, 4]),
    dict(stride=1, padding=0, output_padding=[2, 1], dilation=3, groups=1),
    dict(stride=2, padding=3, output_padding=2, dilation=3, groups=2),
]


@pytest.mark.parametrize("kwargs", OUTPUT_PADDING_PAST_STRIDE)
def test_conv_transpose2d_with_output_padding_past_the_stride_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    x, w = _rng(15).standard_normal((2, 4, 4, 3)), _rng(16).standard_normal((4, 2, 4, 5))
    b = _rng(17).standard_normal(2 * kwargs["groups"])
    _against_torch(torch, lambda *t: F.conv_transpose2d(*t, **kwargs),
                   lambda *t: torch.nn.functional.conv_transpose2d(*t, **kwargs), x, w, b)


def test_conv_transpose2d_with_output_padding_past_the_stride_gradcheck():
    x = Tensor(_rng(18).standard_normal((1, 2, 2, 3)), requires_grad=True)
    w = Tensor(_rng(19).standard_normal((2, 1, 2, 2)), requires_grad=True)
    assert gradcheck(lambda a, b: F.conv_transpose2d(a, b, stride=1, padding=[1, 0], output_padding=2,
                                                     dilation=3, groups=2), [x, w])


VOLUMETRIC = [dict(mode="nearest", scale_factor=(2, 1.5, 0.7)), dict(mode="nearest-exact", size=(3, 5, 2)),
              dict(mode="trilinear", size=(3, 5, 4), align_corners=True),
              dict(mode="trilinear", scale_factor=1.7, align_corners=False)]


@pytest.mark.parametrize("kwargs", VOLUMETRIC)
def test_interpolate_of_a_5d_volume_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    x = _rng(20).standard_normal((2, 3, 2, 4, 3))
    _against_torch(torch, lambda t: F.interpolate(t, **kwargs),
                   lambda t: torch.nn.functional.interpolate(t, **kwargs), x)


@pytest.mark.parametrize("kwargs", VOLUMETRIC)
def test_interpolate_of_a_5d_volume_gradcheck(kwargs):
    x = Tensor(_rng(21).standard_normal((1, 1, 2, 4, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, **kwargs), [x])


@pytest.mark.parametrize("shape,kwargs", [((2, 3, 7), dict(size=3)), ((1, 2, 5, 6), dict(scale_factor=0.6)),
                                          ((1, 2, 3, 4, 5), dict(size=(2, 3, 3)))])
def test_interpolate_area_is_the_adaptive_average_like_pytorch(shape, kwargs):
    torch = pytest.importorskip("torch")
    x = _rng(22).standard_normal(shape)
    _against_torch(torch, lambda t: F.interpolate(t, mode="area", **kwargs),
                   lambda t: torch.nn.functional.interpolate(t, mode="area", **kwargs), x)


def test_interpolate_area_gradcheck():
    x = Tensor(_rng(23).standard_normal((1, 1, 3, 5, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, size=(2, 3, 3), mode="area"), [x])


@pytest.mark.parametrize("kwargs", [dict(size=(5, 7)), dict(scale_factor=1.6, align_corners=True),
                                    dict(scale_factor=(0.6, 2.0)), dict(size=(1, 3), align_corners=True)])
def test_interpolate_bicubic_matches_pytorch(kwargs):
    torch = pytest.importorskip("torch")
    x = _rng(24).standard_normal((2, 3, 4, 5))
    _against_torch(torch, lambda t: F.interpolate(t, mode="bicubic", **kwargs),
                   lambda t: torch.nn.functional.interpolate(t, mode="bicubic", **kwargs), x)


def test_interpolate_bicubic_gradcheck():
    x = Tensor(_rng(25).standard_normal((1, 2, 3, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.interpolate(t, size=(5, 6), mode="bicubic"), [x])


def test_interpolate_bicubic_reproduces_a_linear_ramp_inside():
    """Keys' kernel reproduces polynomials up to degree 2 away from the clamped edges."""
    ramp = Tensor(np.tile(np.arange(8.0), (1, 1, 8, 1)))
    out = F.interpolate(ramp, size=(8, 15), mode="bicubic", align_corners=True).data[0, 0, 0]
    np.testing.assert_allclose(out[3:-3], np.linspace(0, 7, 15)[3:-3], atol=1e-12)


def test_embedding_refuses_a_weight_that_is_not_a_2d_table():
    with pytest.raises(ValueError, match=r"embedding: weight must be a 2-D table .* got shape \(1, 1, 1\)"):
        F.embedding(np.zeros((2, 2), dtype=np.int64), Tensor(np.ones((1, 1, 1))))


@pytest.mark.parametrize("training", [True, False])
def test_batch_norm_of_an_empty_1d_input_with_empty_statistics_is_empty(training):
    torch = pytest.importorskip("torch")
    stats = (np.zeros(0), np.ones(0))
    _against_torch(torch, lambda t: F.batch_norm(t, *(Tensor(s) for s in stats), training=training),
                   lambda t: torch.nn.functional.batch_norm(t, *(torch.tensor(s) for s in stats),
                                                            training=training), np.zeros(0))
    with pytest.raises(ValueError, match=r"batch_norm: input needs a batch and a channel dim"):
        F.batch_norm(Tensor(np.zeros(3)), Tensor(np.zeros(3)), Tensor(np.ones(3)), training=training)
