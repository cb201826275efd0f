"""viz.draw_weight_sharing: a conv kernel's gradient as the sum of one term per output position.

The terms must add up to autograd's weight.grad, each term must be that position's input patch
times its upstream gradient, the input gradient through the rot180 kernel must equal x.grad,
all against PyTorch when installed; the numbers written in the figure must be those.
"""
import numpy as np
import pytest

from tinygrad_edu import Tensor, manual_seed, nn, viz

SETTINGS = [dict(), dict(stride=2), dict(padding=1), dict(stride=2, padding=1),
            dict(padding="same")]


def image(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


@pytest.mark.parametrize("settings", SETTINGS)
def test_terms_sum_to_autograd_and_rot180_gives_the_input_gradient(settings):
    manual_seed(0)
    conv = nn.Conv2d(2, 3, 3, dtype=np.float64, **settings)
    x = image((2, 5, 6))
    fig = viz.draw_weight_sharing(conv, x, out_channel=1, in_channel=1)
    s = fig.sharing
    # autograd through the module's own forward
    xt = Tensor(x[None], requires_grad=True)
    (conv(xt) ** 2 * 0.5).sum().backward()
    np.testing.assert_allclose(s.terms.sum(axis=(2, 3)), conv.weight.grad.data, rtol=0, atol=1e-10)
    np.testing.assert_allclose(s.kernel_autograd, conv.weight.grad.data, rtol=0, atol=1e-10)
    np.testing.assert_allclose(s.input_rot180, xt.grad.data[0], rtol=0, atol=1e-10)
    np.testing.assert_allclose(s.upstream, s.y, rtol=0, atol=0)       # L = 1/2 sum y^2


@pytest.mark.parametrize("settings", SETTINGS[:4])
def test_each_term_and_both_gradients_match_pytorch(settings):
    torch = pytest.importorskip("torch")
    manual_seed(1)
    conv = nn.Conv2d(2, 2, 3, dtype=np.float64, **settings)
    x = image((2, 5, 6), seed=1)
    target = Tensor(image((1, 2) + conv(Tensor(x[None])).shape[2:], seed=2))
    fig = viz.draw_weight_sharing(conv, x, loss_fn=lambda y: ((y - target) ** 2).sum())
    s = fig.sharing
    tx = torch.tensor(x[None], requires_grad=True)
    tw = torch.tensor(conv.weight.data, requires_grad=True)
    ty = torch.nn.functional.conv2d(tx, tw, torch.tensor(conv.bias.data), stride=conv.stride,
                                    padding=conv.padding)
    ty.retain_grad()
    ((ty - torch.tensor(target.data)) ** 2).sum().backward()
    g = ty.grad.numpy()[0]
    np.testing.assert_allclose(s.upstream, g, atol=1e-12)
    padded = np.pad(x, ((0, 0),) + tuple((p, p) for p in conv.padding))
    sh, sw = conv.stride
    for i in range(g.shape[1]):
        for j in range(g.shape[2]):
            patch = padded[:, i * sh:i * sh + 3, j * sw:j * sw + 3]
            for o in range(2):
                np.testing.assert_allclose(s.terms[o, :, i, j], g[o, i, j] * patch, atol=1e-12)
    np.testing.assert_allclose(s.kernel_sum, tw.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(s.input_rot180, tx.grad.numpy()[0], atol=1e-10)


def texts(ax):
    return [t.get_text() for t in ax.texts]


def shown(values):
    return [f"{v:.2f}".replace("-", "−") if abs(v) >= 0.005 else "0.00" for v in values.ravel()]


def test_the_figure_writes_the_terms_the_sum_and_autograds_numbers():
    manual_seed(2)
    conv = nn.Conv2d(1, 1, 3, dtype=np.float64)
    fig = viz.draw_weight_sharing(conv, image((5, 5), seed=3))
    s = fig.sharing
    by_title = {ax.get_title(): ax for ax in fig.get_axes() if ax.get_title()}
    assert texts(by_title["sum of the 9 terms"]) == shown(s.kernel_sum[0, 0])
    autograd = [t for t in by_title if t.startswith("autograd:\nweight.grad[0, 0]")]
    assert len(autograd) == 1 and texts(by_title[autograd[0]]) == shown(s.kernel_autograd[0, 0])
    terms = [ax for t, ax in by_title.items() if "× patch" in t]
    assert len(terms) == 9
    first = by_title["(0,0): " + f"{s.upstream[0, 0, 0]:+.2f}".replace("-", "−") + " × patch"]
    assert texts(first) == shown(s.terms[0, 0, 0, 0])
    rot = by_title["rot180(w[0, 0])"]
    assert texts(rot) == shown(conv.weight.data[0, 0, ::-1, ::-1])


def test_readable_size_render_and_the_module_left_alone(tmp_path):
    manual_seed(3)
    conv = nn.Conv2d(1, 1, 3)
    before = conv.weight.data.copy()
    fig = viz.draw_weight_sharing(conv, image((1, 1, 5, 5)))
    width, height = fig.get_size_inches() * fig.dpi
    assert 700 < width <= 1400 and height < 1500
    points = [t.get_fontsize() for ax in fig.get_axes() for t in ax.texts]
    assert min(points) * fig.dpi / 72 >= 11                       # every number at least 11 px
    out = viz.render(fig, tmp_path / "sharing.png")
    assert open(out, "rb").read(4) == b"\x89PNG"
    assert conv.weight.grad is None and np.array_equal(conv.weight.data, before)


def test_bad_input_names_the_call_and_the_fix():
    with pytest.raises(TypeError, match="expected an nn.Conv2d"):
        viz.draw_weight_sharing(nn.Linear(2, 2), image((5, 5)))
    with pytest.raises(ValueError, match="groups=1 and dilation=1"):
        viz.draw_weight_sharing(nn.Conv2d(2, 2, 3, groups=2), image((2, 5, 5)))
    with pytest.raises(ValueError, match=r"one image \(1, C, H, W\)"):
        viz.draw_weight_sharing(nn.Conv2d(2, 1, 3), image((3, 2, 5, 5)))
    with pytest.raises(ValueError, match="max_positions"):
        viz.draw_weight_sharing(nn.Conv2d(1, 1, 3), image((12, 12)))
    with pytest.raises(ValueError, match="smaller than the kernel"):
        viz.draw_weight_sharing(nn.Conv2d(1, 1, 3), image((2, 2)))
    with pytest.raises(ValueError, match=r"out_channel must be an integer in \[0, 1\]"):
        viz.draw_weight_sharing(nn.Conv2d(1, 2, 3), image((5, 5)), out_channel=2)
    with pytest.raises(ValueError, match="scalar Tensor"):
        viz.draw_weight_sharing(nn.Conv2d(1, 1, 3), image((5, 5)), loss_fn=lambda y: y)


@pytest.mark.parametrize("module_name", ["tinygrad_edu.viz.weight_sharing",
                                         "tinygrad_edu.viz.picture"])
def test_docstring_examples(module_name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(module_name))
    assert result.attempted > 0 and result.failed == 0
