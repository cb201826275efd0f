"""The weight_sharing lesson: seeded, cites the course notes, and its figures show its claim.

The BPTT figure's sums must equal the lesson's own numpy recursion (rnn_bptt) on the steps it
draws, and the convolution figure's sum of terms must equal autograd's kernel gradient.
"""
import re

import numpy as np

from tinygrad_edu import Tensor, nn
from tinygrad_edu.lessons import weight_sharing


def test_the_same_seed_gives_the_same_numbers_and_another_seed_others():
    first, again = weight_sharing.run(quick=True, seed=4), weight_sharing.run(quick=True, seed=4)
    other = weight_sharing.run(quick=True, seed=5)
    keys = ("bptt_error", "conv_error", "rot180_error")
    assert [first[k] for k in keys] == [again[k] for k in keys]
    assert [first[k] for k in keys] != [other[k] for k in keys]


def test_it_cites_the_course_notes_chapters():
    text = weight_sharing.__doc__
    assert "the course notes" in text.lower() and "ch. 4" in text and "sec. 7.2" in text
    assert "seed 00" not in text.lower() and "ch. 5" not in text


def test_the_figures_show_the_sums_the_lesson_checks(lesson_result):
    result, out = lesson_result("weight_sharing")
    names = sorted(p.rsplit("/", 1)[-1] for p in result["figures"])
    assert names == ["weight_sharing_bptt.svg", "weight_sharing_conv.png"]
    # redo the lesson's first draws to know the RNN it drew (quick, seed 0)
    import tinygrad_edu
    tinygrad_edu.manual_seed(0)
    rng = np.random.default_rng(0)
    rnn = nn.RNN(3, 5, dtype=np.float64)
    xs, ys = rng.normal(size=(6, 3)), rng.normal(size=(6, 5))
    dW_ih, dW_hh = weight_sharing.rnn_bptt(rnn.weight_ih_l0.data, rnn.weight_hh_l0.data,
                                           rnn.bias_ih_l0.data + rnn.bias_hh_l0.data, xs[:4], ys[:4])
    svg = (out / "weight_sharing_bptt.svg").read_text()
    assert "RNN(3 → 5) unrolled over 4 steps" in svg
    sums = re.findall(r'font-weight="bold"[^>]*>([0-9.e−-]+)</text>', svg)
    shown = {f"{np.linalg.norm(dW_hh):.3g}", f"{np.linalg.norm(dW_ih):.3g}"}
    assert shown <= set(sums), (shown, sums)
    png = (out / "weight_sharing_conv.png").read_bytes()
    assert png[:4] == b"\x89PNG" and len(png) > 20_000


def test_the_conv_figure_of_the_lesson_sums_to_autograd():
    from tinygrad_edu import viz
    rng = np.random.default_rng(1)
    x, w, g = rng.normal(size=(2, 5, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=(3, 3, 3))
    conv = nn.Conv2d(2, 3, 3, bias=False, dtype=np.float64)
    conv.weight.data[...] = w
    fig = viz.draw_weight_sharing(conv, x, loss_fn=lambda y: (y * Tensor(g[None])).sum())
    dw, dx = weight_sharing.conv_grads_by_loops(x, w, g)
    np.testing.assert_allclose(fig.sharing.terms.sum(axis=(2, 3)), dw, atol=1e-12)
    np.testing.assert_allclose(fig.sharing.input_rot180, dx, atol=1e-12)
