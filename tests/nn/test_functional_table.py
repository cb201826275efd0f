"""One table row per nn.functional function added for PyTorch conformance (issue 19): each is
gradchecked in float64 against central differences (torch-free), and compared with
torch.nn.functional (values, integer side outputs and every input gradient for a fixed
upstream gradient) when PyTorch is installed.

A row is `fn(F, T, *xs)`: F is `tinygrad_edu.nn.functional` or `torch.nn.functional`, T makes a
constant tensor of the same library from a numpy array (integer targets, fixed weights), and
xs are the float64 inputs that require grad, drawn from the row's shapes. The module_db test
(tests/differential/test_module_db.py) covers the modules; this table covers the functions
and the options that PyTorch's module database does not reach.
"""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.nn import functional as OURS_F

RNG = np.random.default_rng(19)


def _ours_t(a):
    return Tensor(np.asarray(a), dtype=np.asarray(a).dtype)


def row(name, fn, *shapes, scale=1.0, positive=False, grad=True, grad_rtol=1e-9):
    arrays = [RNG.standard_normal(s) * scale for s in shapes]
    if positive:
        arrays = [np.abs(a) + 0.1 for a in arrays]
    return pytest.param(fn, arrays, grad, grad_rtol, id=name)


LABELS = np.array([1.0, -1.0, 1.0, -1.0])
CLASSES = np.array([2, 0, 1, 2])
ROWS = [
    # activations (inputs scaled so that no entry sits within 1e-6 of a kink)
    row("hardtanh", lambda F, T, x: F.hardtanh(x, -0.5, 1.5), (3, 4), scale=2),
    row("relu6", lambda F, T, x: F.relu6(x), (3, 4), scale=5),
    # PyTorch's CPU hardsigmoid backward multiplies by 1/6 rounded to float32 (its kernel's
    # constant), so its float64 gradient is off by a relative 3e-8; ours is exact
    row("hardsigmoid", lambda F, T, x: F.hardsigmoid(x), (3, 4), scale=4, grad_rtol=1e-7),
    row("hardswish", lambda F, T, x: F.hardswish(x), (3, 4), scale=4),
    row("threshold", lambda F, T, x: F.threshold(x, 0.1, 20.0), (3, 4)),
    row("softshrink", lambda F, T, x: F.softshrink(x, 0.3), (3, 4)),
    row("hardshrink", lambda F, T, x: F.hardshrink(x, 0.3), (3, 4)),
    row("selu", lambda F, T, x: F.selu(x), (3, 4)),
    row("celu", lambda F, T, x: F.celu(x, 2.0), (3, 4)),
    row("mish", lambda F, T, x: F.mish(x), (3, 4)),
    row("logsigmoid", lambda F, T, x: F.logsigmoid(x), (3, 4), scale=5),
    row("softsign", lambda F, T, x: F.softsign(x), (3, 4)),
    row("tanhshrink", lambda F, T, x: F.tanhshrink(x), (3, 4)),
    row("glu", lambda F, T, x: F.glu(x, 1), (3, 4)),
    row("prelu", lambda F, T, x, w: F.prelu(x, w), (2, 3, 4), (3,)),
    row("softmin", lambda F, T, x: F.softmin(x, dim=1), (3, 4)),
    row("softplus-threshold", lambda F, T, x: F.softplus(x, beta=3, threshold=0.2), (3, 4)),
    row("softmax-dtype", lambda F, T, x: F.softmax(x, dim=0, dtype=x.dtype), (3, 4)),
    row("log_softmax-dtype", lambda F, T, x: F.log_softmax(x, dim=1, dtype=x.dtype), (3, 4)),
    # losses
    row("smooth_l1", lambda F, T, x, y: F.smooth_l1_loss(x, y, beta=0.5), (4, 3), (4, 3)),
    row("huber", lambda F, T, x, y: F.huber_loss(x, y, reduction="sum", delta=0.7), (4, 3), (4, 3)),
    row("kl_div", lambda F, T, x, y: F.kl_div(x.log_softmax(1), y.softmax(1), reduction="batchmean"),
        (4, 3), (4, 3)),
    row("kl_div-log_target", lambda F, T, x, y: F.kl_div(x, y, reduction="none", log_target=True),
        (4, 3), (4, 3)),
    row("poisson_nll", lambda F, T, x, y: F.poisson_nll_loss(x, y.abs() * 3, full=True), (4, 3), (4, 3)),
    row("poisson_nll-rates", lambda F, T, x, y: F.poisson_nll_loss(x, y, log_input=False),
        (4, 3), (4, 3), positive=True),
    row("gaussian_nll", lambda F, T, x, y, v: F.gaussian_nll_loss(x, y, v.abs() + 0.1, full=True),
        (4, 3), (4, 3), (4, 1)),
    row("margin_ranking", lambda F, T, a, b: F.margin_ranking_loss(a, b, T(LABELS), margin=0.2),
        (4,), (4,)),
    row("soft_margin", lambda F, T, x: F.soft_margin_loss(x, T(LABELS)), (4,)),
    row("hinge_embedding", lambda F, T, x: F.hinge_embedding_loss(x, T(LABELS), margin=0.5), (4,)),
    row("cosine_embedding", lambda F, T, a, b: F.cosine_embedding_loss(a, b, T(LABELS), margin=0.1),
        (4, 3), (4, 3)),
    row("multi_margin", lambda F, T, x: F.multi_margin_loss(
        x, T(CLASSES), p=2, margin=0.7, weight=T(np.array([1.0, 2.0, 0.5]))), (4, 3)),
    row("multilabel_margin", lambda F, T, x: F.multilabel_margin_loss(
        x, T(np.array([[2, 0, -1], [1, -1, 0], [0, 1, 2], [-1, 0, 0]]))), (4, 3)),
    row("multilabel_soft_margin", lambda F, T, x: F.multilabel_soft_margin_loss(
        x, T(np.array([[1.0, 0, 1], [0, 0, 1], [1, 1, 1], [0, 1, 0]])),
        weight=T(np.array([1.0, 2.0, 0.5]))), (4, 3)),
    row("triplet_margin", lambda F, T, a, p, n: F.triplet_margin_loss(a, p, n, margin=2.0, p=3,
                                                                      swap=True), (4, 3), (4, 3), (4, 3)),
    row("pairwise_distance", lambda F, T, a, b: F.pairwise_distance(a, b, p=1.5, keepdim=True),
        (4, 3), (4, 3)),
    row("cosine_similarity", lambda F, T, a, b: F.cosine_similarity(a, b, dim=0), (4, 3), (1, 3)),
    row("normalize", lambda F, T, x: F.normalize(x, p=1.0, dim=0), (4, 3)),
    row("cross_entropy-label_smoothing", lambda F, T, x: F.cross_entropy(
        x, T(np.array([2, 0, 1, 2])), weight=T(np.array([1.0, 2.0, 0.5])), ignore_index=1,
        label_smoothing=0.2), (4, 3)),
    row("cross_entropy-probabilities-smoothing", lambda F, T, x, y: F.cross_entropy(
        x, y.softmax(1), label_smoothing=0.3), (4, 3), (4, 3)),
    row("cross_entropy-all-ignored", lambda F, T, x: F.cross_entropy(
        x, T(np.array([1, 1, 1, 1])), ignore_index=1), (4, 3), grad=False),   # nan loss: no
    # central differences; its zero gradient is checked against PyTorch and below
    row("bce-weight", lambda F, T, x: F.binary_cross_entropy(
        x.sigmoid(), T(np.array([1.0, 0.0, 1.0, 0.0])), weight=T(np.array([1.0, 2.0, 3.0, 4.0]))),
        (4,)),
    row("bce_logits-weight", lambda F, T, x: F.binary_cross_entropy_with_logits(
        x, T(np.array([1.0, 0.0, 1.0, 0.0])), weight=T(np.array([1.0, 2.0, 3.0, 4.0])),
        pos_weight=T(np.array([2.0]))), (4,)),
    # normalisation
    row("group_norm", lambda F, T, x, w, b: F.group_norm(x, 2, w, b), (2, 4, 3), (4,), (4,)),
    row("instance_norm", lambda F, T, x: F.instance_norm(x), (2, 3, 4)),
    row("rms_norm", lambda F, T, x, w: F.rms_norm(x, (3,), w, eps=1e-3), (2, 3), (3,)),
    # convolution and pooling
    row("conv_transpose2d", lambda F, T, x, w, b: F.conv_transpose2d(
        x, w, b, stride=2, padding=1, output_padding=1, groups=2, dilation=2), (1, 4, 3, 3),
        (4, 1, 2, 2), (2,)),
    row("conv_transpose1d", lambda F, T, x, w: F.conv_transpose1d(x, w, stride=3), (2, 2, 4),
        (2, 3, 2)),
    row("conv1d-groups-same", lambda F, T, x, w: F.conv1d(x, w, groups=2, padding="same"),
        (2, 4, 5), (2, 2, 4)),
    row("conv1d-valid-unbatched", lambda F, T, x, w: F.conv1d(x, w, padding="valid"), (2, 5),
        (3, 2, 2)),
    row("conv2d-unbatched", lambda F, T, x, w: F.conv2d(x, w, stride=2), (2, 5, 5), (3, 2, 2, 2)),
    row("max_pool2d-options", lambda F, T, x: F.max_pool2d(x, 3, 2, 1, dilation=2, ceil_mode=True,
                                                           return_indices=True), (2, 7, 8)),
    row("max_pool1d-ceil-indices", lambda F, T, x: F.max_pool1d(x, 2, ceil_mode=True,
                                                                return_indices=True), (2, 3, 5)),
    row("avg_pool2d-all-seven", lambda F, T, x: F.avg_pool2d(x, 3, 2, 1, True, False, None),
        (1, 2, 6, 5)),
    row("avg_pool2d-divisor", lambda F, T, x: F.avg_pool2d(x, 2, 2, 1, True, True, 3), (1, 2, 5, 5)),
    row("avg_pool1d-ceil", lambda F, T, x: F.avg_pool1d(x, 3, 2, 1, ceil_mode=True,
                                                        count_include_pad=False), (2, 6)),
    row("adaptive_avg_pool2d", lambda F, T, x: F.adaptive_avg_pool2d(x, (2, 3)), (1, 2, 5, 7)),
    row("adaptive_avg_pool1d", lambda F, T, x: F.adaptive_avg_pool1d(x, 3), (2, 7)),
    row("adaptive_max_pool2d", lambda F, T, x: F.adaptive_max_pool2d(x, (3, 2), True), (2, 5, 7)),
    row("adaptive_max_pool1d", lambda F, T, x: F.adaptive_max_pool1d(x, 4, True), (1, 2, 9)),
    row("max_unpool2d", lambda F, T, x: F.max_unpool2d(
        *F.max_pool2d(x, 2, return_indices=True), 2), (1, 2, 4, 4)),
    # padding, resampling, patches
    row("pad-constant-negative", lambda F, T, x: F.pad(x, (1, -1, 2, 0), value=0.5), (2, 3, 4)),
    row("pad-reflect", lambda F, T, x: F.pad(x, (2, 1, 1, 2), mode="reflect"), (1, 2, 3, 4)),
    row("pad-replicate", lambda F, T, x: F.pad(x, (3, 1), mode="replicate"), (2, 3, 4)),
    row("pad-circular", lambda F, T, x: F.pad(x, (1, 2, 2, 1), mode="circular"), (1, 2, 3, 4)),
    row("interpolate-nearest", lambda F, T, x: F.interpolate(x, size=(5, 3)), (1, 2, 3, 4)),
    row("interpolate-nearest-exact", lambda F, T, x: F.interpolate(x, scale_factor=1.7,
                                                                   mode="nearest-exact"), (1, 2, 4)),
    row("interpolate-bilinear", lambda F, T, x: F.interpolate(x, scale_factor=2, mode="bilinear"),
        (1, 2, 3, 3)),
    row("interpolate-bilinear-corners", lambda F, T, x: F.interpolate(
        x, size=(4, 5), mode="bilinear", align_corners=True), (1, 1, 3, 3)),
    row("interpolate-linear", lambda F, T, x: F.interpolate(x, size=7, mode="linear"), (1, 2, 4)),
    row("upsample_nearest", lambda F, T, x: F.upsample_nearest(x, scale_factor=2), (1, 2, 3, 2)),
    row("upsample_bilinear", lambda F, T, x: F.upsample_bilinear(x, size=(4, 5)), (1, 2, 3, 2)),
    row("pixel_shuffle", lambda F, T, x: F.pixel_shuffle(x, 2), (1, 8, 2, 3)),
    row("pixel_unshuffle", lambda F, T, x: F.pixel_unshuffle(x, 2), (1, 2, 4, 2)),
    row("unfold", lambda F, T, x: F.unfold(x, (2, 3), dilation=1, padding=1, stride=2), (1, 2, 4, 5)),
    row("fold", lambda F, T, x: F.fold(x, (4, 5), (2, 3), padding=1, stride=2), (1, 12, 9)),
    row("bilinear", lambda F, T, a, b, w, c: F.bilinear(a, b, w, c), (3, 2), (3, 4), (5, 2, 4), (5,)),
]


def _first(out):
    return out[0] if isinstance(out, tuple) else out


@pytest.mark.parametrize("fn, arrays, check_grad, grad_rtol", [r for r in ROWS if r.values[2]])
def test_gradcheck_float64(fn, arrays, check_grad, grad_rtol):
    inputs = [Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    assert gradcheck(lambda *xs: _first(fn(OURS_F, _ours_t, *xs)), inputs)


@pytest.mark.filterwarnings("ignore:Using padding=.same.")
@pytest.mark.parametrize("fn, arrays, check_grad, grad_rtol", ROWS)
def test_matches_pytorch(fn, arrays, check_grad, grad_rtol):
    torch = pytest.importorskip("torch")
    theirs_in = [torch.tensor(a, requires_grad=True) for a in arrays]
    ours_in = [Tensor(a, requires_grad=True, dtype=np.float64) for a in arrays]
    previous = tinygrad_edu.get_default_dtype()
    tinygrad_edu.set_default_dtype(np.float64)
    try:
        ours = fn(OURS_F, _ours_t, *ours_in)
    finally:
        tinygrad_edu.set_default_dtype(previous)
    theirs = fn(torch.nn.functional, lambda a: torch.tensor(np.asarray(a)), *theirs_in)
    ours_all = ours if isinstance(ours, tuple) else (ours,)
    theirs_all = theirs if isinstance(theirs, tuple) else (theirs,)
    for o, t in zip(ours_all, theirs_all):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-10, atol=1e-12,
                                   equal_nan=True)
    upstream = RNG.standard_normal(_first(ours).shape)
    _first(ours).backward(Tensor(upstream, dtype=np.float64))
    _first(theirs).backward(torch.tensor(upstream))
    for k, (o, t) in enumerate(zip(ours_in, theirs_in)):
        t_grad = np.zeros(o.shape) if t.grad is None else t.grad.numpy()
        o_grad = np.zeros(o.shape) if o.grad is None else o.grad.data
        np.testing.assert_allclose(o_grad, t_grad, rtol=grad_rtol, atol=1e-11,
                                   err_msg=f"gradient of input {k}")


def test_integer_max_pool_with_ceil_mode_is_exact():
    """An int64 max pool with ceil_mode (it crashed with OverflowError before issue 19)."""
    x = Tensor(np.arange(25).reshape(1, 1, 5, 5), dtype=np.int64)
    out = OURS_F.max_pool2d(x, 2, ceil_mode=True)
    assert out.dtype == np.int64
    assert out.tolist() == [[[[6, 8, 9], [16, 18, 19], [21, 23, 24]]]]


def test_cross_entropy_all_ignored_gives_nan_loss_and_zero_gradient():
    x = Tensor(RNG.standard_normal((4, 3)), requires_grad=True, dtype=np.float64)
    loss = OURS_F.cross_entropy(x, np.array([1, 1, 1, 1]), ignore_index=1)
    loss.backward()
    assert np.isnan(loss.item())
    assert np.array_equal(x.grad.data, np.zeros((4, 3)))


def test_softplus_switches_to_the_identity_above_the_threshold():
    x = Tensor([0.05, 0.1], requires_grad=True, dtype=np.float64)       # beta x = 0.15, 0.3
    out = OURS_F.softplus(x, beta=3, threshold=0.2)
    out.sum().backward()
    assert out.data[1] == 0.1 and x.grad.data[1] == 1.0
    assert abs(out.data[0] - np.log1p(np.exp(0.15)) / 3) < 1e-15


@pytest.mark.parametrize("call, error, pattern", [
    (lambda: OURS_F.glu(Tensor.ones(3, 5), 1), ValueError, r"glu: dim 1 .* even size"),
    (lambda: OURS_F.pad(Tensor.ones(2, 3), (3, 3), mode="reflect"), ValueError,
     r"pad: reflect padding \(3, 3\) .* size 3"),
    (lambda: OURS_F.pad(Tensor.ones(2, 3), (1,)), ValueError, r"pad: pad must have an even length"),
    (lambda: OURS_F.interpolate(Tensor.ones(1, 1, 2, 2), mode="bilinear"), ValueError,
     r"exactly one of size and scale_factor"),
    (lambda: OURS_F.group_norm(Tensor.ones(2, 3, 4), 2), ValueError, r"divisible by num_groups=2"),
    (lambda: OURS_F.cross_entropy(Tensor.ones(2, 3), np.array([0, 1]), label_smoothing=1.5),
     ValueError, r"label_smoothing must be in \[0, 1\]"),
    (lambda: OURS_F.conv_transpose2d(Tensor.ones(1, 2, 3, 3), Tensor.ones(2, 1, 2, 2),
                                     stride=2, output_padding=2), ValueError,
     r"output_padding \(2, 2\) must be smaller than stride"),
    (lambda: OURS_F.prelu(Tensor.ones(2, 3), Tensor.ones(2)), ValueError,
     r"prelu: weight of shape \(2,\) must hold 1 slope or one per channel"),
    (lambda: OURS_F.pixel_shuffle(Tensor.ones(1, 3, 2, 2), 2), ValueError,
     r"divisible by upscale_factor\^2 = 4"),
])
def test_bad_input_is_refused_clearly(call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()
