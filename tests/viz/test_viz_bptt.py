"""viz.draw_recurrent, backprop through time drawn: what each step sends to a shared weight.

The per-step gradients must add up to the `.grad` the module's own parameter gets (float64,
1e-6), each step's share must equal what PyTorch's autograd gives a per-step copy of the
weight, the numbers printed on the picture must be those, and the LSTM picture of 3 steps must
fit a 1400 px screen with text of at least 11 px.
"""
import re

import numpy as np
import pytest

from tinygrad_edu import Tensor, manual_seed, nn, viz

NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
LAYERS = {"RNN": nn.RNN, "LSTM": nn.LSTM, "GRU": nn.GRU}
CELLS = {"RNNCell": nn.RNNCell, "LSTMCell": nn.LSTMCell, "GRUCell": nn.GRUCell}


def sequence(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


def own_gradients(module, x, loss_fn=None, cell=False):
    """The .grad that backward through the module's own (fused) forward gives its parameters."""
    for p in module.parameters():
        p.grad = None
    if cell:
        h, hs = None, []
        for t in range(x.shape[0]):
            state = module(Tensor(x[t]), h)
            h = state
            hs.append(state[0] if isinstance(state, tuple) else state)
        output = Tensor.stack(hs)
    else:
        output, _ = module(Tensor(x))
    loss = output.sum() if loss_fn is None else loss_fn(output)
    loss.backward()
    grads = {name: p.grad.data.copy() for name, p in module.named_parameters()}
    for p in module.parameters():
        p.grad = None
    return grads


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_per_step_gradients_sum_to_the_layers_own_grad(kind):
    manual_seed(1)
    layer = LAYERS[kind](3, 4, dtype=np.float64)
    x = sequence((5, 2, 3))
    picture = viz.draw_recurrent(layer, x)
    own = own_gradients(layer, x)
    assert set(picture.sent) == {f"{n}_l0" for n in NAMES}
    for name, sent in picture.sent.items():
        assert sent.shape == (5,) + own[name].shape
        np.testing.assert_allclose(sent.sum(axis=0), own[name], rtol=0, atol=1e-6)
        np.testing.assert_allclose(picture.total[name], own[name], rtol=0, atol=1e-6)
    # W_hh multiplies h_{-1} = 0 at the first step: that step sends it nothing
    assert np.all(picture.sent["weight_hh_l0"][0] == 0)
    assert np.abs(picture.sent["weight_hh_l0"][1:]).sum() > 0


@pytest.mark.parametrize("kind", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cells_unrolled_over_a_sequence(kind):
    manual_seed(2)
    cell = CELLS[kind](2, 3, dtype=np.float64)
    x = sequence((4, 1, 2), seed=2)
    picture = viz.draw_recurrent(cell, x)
    own = own_gradients(cell, x, cell=True)
    for name, total in picture.total.items():
        np.testing.assert_allclose(total, own[name], rtol=0, atol=1e-6)
    assert "cluster_t3" in picture.source


def test_two_layers_batch_first_and_a_given_loss():
    manual_seed(3)
    layer = nn.LSTM(2, 3, num_layers=2, batch_first=True, dtype=np.float64)
    x = sequence((2, 4, 2), seed=3)                  # (N, L, I)
    target = Tensor(sequence((2, 4, 3), seed=4))

    def loss_fn(output):                             # output is (N, L, H), as the layer returns it
        return ((output - target) ** 2).mean()
    picture = viz.draw_recurrent(layer, x, loss_fn=loss_fn)
    own = own_gradients(layer, x, loss_fn)
    assert len(picture.total) == 8
    for name, total in picture.total.items():
        np.testing.assert_allclose(total, own[name], rtol=0, atol=1e-6)
    _, (h_n, c_n) = layer(Tensor(x))
    np.testing.assert_allclose(picture.outputs[2].data, h_n.data[1], atol=1e-12)
    np.testing.assert_allclose(picture.outputs[3].data, c_n.data[1], atol=1e-12)
    assert "layer 1" in picture.source and "loss_fn(output)" in picture.source
    assert np.isclose(picture.loss, float(loss_fn(layer(Tensor(x))[0]).data))


def torch_steps(kind, params, x):
    """What every step sends to each weight, by PyTorch's autograd on one copy per step."""
    import torch
    L, N, _ = x.shape
    H = params["weight_hh"].shape[1]
    copies = {n: [torch.tensor(params[n], requires_grad=True) for _ in range(L)] for n in NAMES}
    h = c = torch.zeros(N, H, dtype=torch.float64)
    outputs = []
    for t in range(L):
        w_ih, w_hh, b_ih, b_hh = (copies[n][t] for n in NAMES)
        xp = torch.tensor(x[t]) @ w_ih.T + b_ih
        hp = h @ w_hh.T + b_hh
        if kind == "LSTM":
            i, f, g, o = (xp + hp).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        elif kind == "GRU":
            r = torch.sigmoid(xp[:, :H] + hp[:, :H])
            z = torch.sigmoid(xp[:, H:2 * H] + hp[:, H:2 * H])
            n = torch.tanh(xp[:, 2 * H:] + r * hp[:, 2 * H:])
            h = (1 - z) * n + z * h
        else:
            h = torch.tanh(xp + hp)
        outputs.append(h)
    torch.stack(outputs).sum().backward()
    return {n: np.stack([copy.grad.numpy() for copy in copies[n]]) for n in NAMES}


@pytest.mark.parametrize("kind", ["RNN", "LSTM", "GRU"])
def test_each_steps_share_matches_pytorch_and_the_sum_matches_torch_nn(kind):
    torch = pytest.importorskip("torch")
    manual_seed(4)
    layer = LAYERS[kind](2, 3, dtype=np.float64)
    x = sequence((4, 2, 2), seed=5)
    picture = viz.draw_recurrent(layer, x)
    params = {n: getattr(layer, n + "_l0").data for n in NAMES}
    expected = torch_steps(kind, params, x)
    reference = getattr(torch.nn, kind)(2, 3).double()
    with torch.no_grad():
        for n in NAMES:
            getattr(reference, n + "_l0").copy_(torch.tensor(params[n]))
    reference(torch.tensor(x))[0].sum().backward()
    for n in NAMES:
        np.testing.assert_allclose(picture.sent[n + "_l0"], expected[n], rtol=0, atol=1e-10)
        np.testing.assert_allclose(picture.total[n + "_l0"],
                                   getattr(reference, n + "_l0").grad.numpy(), rtol=0, atol=1e-10)


def ledger_rows(source, short):
    """(norm, entry) strings of each step's row and of the sum row of the table of `short`."""
    table = re.search(r"<B>" + short + r"</B>.*?</TABLE>", source, re.S).group(0)
    rows = re.findall(r'<TD ALIGN="LEFT">t = \d+</TD><TD ALIGN="RIGHT">([^<]+)</TD>'
                      r'<TD ALIGN="RIGHT">([^<]+)</TD>', table)
    total = re.search(r'SIDES="T"><B>([^<]+)</B></TD><TD ALIGN="RIGHT" BORDER="1" SIDES="T">'
                      r'<B>([^<]+)</B>', table).groups()
    where = tuple(int(i) for i in re.search(r"entry \[([\d,]+)\]", table).group(1).split(","))
    return rows, total, where


def number(text):
    return float(text.replace("−", "-"))


def test_the_numbers_on_the_picture_are_the_gradients():
    manual_seed(5)
    lstm = nn.LSTM(2, 3, dtype=np.float64)
    x = sequence((3, 1, 2), seed=6)
    picture = viz.draw_recurrent(lstm, x)
    own = own_gradients(lstm, x)
    for name, short in (("weight_hh_l0", "W_hh"), ("weight_ih_l0", "W_ih"),
                        ("bias_hh_l0", "b_hh")):
        rows, total, where = ledger_rows(picture.source, short)
        assert len(rows) == 3
        sent = picture.sent[name]
        for t, (norm, entry) in enumerate(rows):
            assert number(norm) == pytest.approx(np.linalg.norm(sent[t]), rel=5e-3, abs=1e-12)
            assert number(entry) == pytest.approx(sent[t][where], rel=5e-3, abs=1e-12)
        assert number(total[0]) == pytest.approx(np.linalg.norm(own[name]), rel=5e-3)
        assert number(total[1]) == pytest.approx(own[name][where], rel=5e-3)
        assert abs(own[name][where]) == pytest.approx(np.abs(own[name]).max())
    assert "L = sum of all outputs h_t" in picture.source


def test_the_module_is_left_as_it_was():
    lstm = nn.LSTM(2, 3)
    before = [p.data.copy() for p in lstm.parameters()]
    viz.draw_recurrent(lstm, Tensor.randn(3, 1, 2, seed=0))
    assert all(p.grad is None for p in lstm.parameters())
    for p, data in zip(lstm.parameters(), before):
        np.testing.assert_array_equal(p.data, data)


def test_the_lstm_picture_of_three_steps_fits_a_screen_with_readable_text(tmp_path):
    manual_seed(0)
    picture = viz.draw_recurrent(nn.LSTM(2, 3), Tensor.randn(3, 1, 2, seed=1))
    svg = open(viz.render(picture, tmp_path / "lstm.svg")).read()
    width, height = (float(v) for v in re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"',
                                                 svg).groups())
    assert width * 4 / 3 < 1400, f"{width} pt = {width * 4 / 3:.0f} CSS px wide"
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) * 4 / 3 >= 11                    # pt in the SVG, 11 CSS px
    for gate in ("input gate", "forget gate", "candidate", "output gate"):
        assert svg.count(gate) == 3                               # once per step
    assert svg.count("step t sends") == 4                         # each weight drawn once


def test_gru_and_rnn_show_their_own_nodes():
    gru = viz.draw_recurrent(nn.GRU(2, 3), Tensor.randn(3, 1, 2, seed=0)).source
    assert "reset gate" in gru and "update gate" in gru and "W_hh h + b_hh" in gru
    rnn = viz.draw_recurrent(nn.RNN(2, 3, nonlinearity="relu"), Tensor.randn(3, 2, 2, seed=0))
    assert "h = relu(z)" in rnn.source and "values of sample 0 of 2" in rnn.source


def test_bad_input_names_the_call_and_the_fix():
    with pytest.raises(TypeError, match="expected nn.RNN, nn.LSTM, nn.GRU"):
        viz.draw_recurrent(nn.Linear(2, 2), np.ones((3, 1, 2)))
    with pytest.raises(ValueError, match="bidirectional=False"):
        viz.draw_recurrent(nn.GRU(2, 3, bidirectional=True), np.ones((3, 1, 2)))
    with pytest.raises(ValueError, match="peepholes=False"):
        viz.draw_recurrent(nn.LSTM(2, 3, peepholes=True), np.ones((3, 1, 2)))
    with pytest.raises(ValueError, match=r"shape \(L, N, I\)"):
        viz.draw_recurrent(nn.GRU(2, 3), np.ones(3))
    with pytest.raises(ValueError, match="input_size is 2"):
        viz.draw_recurrent(nn.GRU(2, 3), np.ones((3, 1, 5)))
    with pytest.raises(TypeError, match="floating point"):
        viz.draw_recurrent(nn.GRU(2, 3), np.ones((3, 1, 2), dtype=np.int64))
    with pytest.raises(ValueError, match="scalar Tensor"):
        viz.draw_recurrent(nn.RNN(2, 3), np.ones((3, 1, 2)), loss_fn=lambda out: out * 2)
    with pytest.raises(TypeError, match="loss_fn must be a function"):
        viz.draw_recurrent(nn.RNN(2, 3), np.ones((3, 1, 2)), loss_fn=3)


def test_an_unbatched_sequence_is_one_sample():
    manual_seed(6)
    rnn = nn.RNN(2, 3, dtype=np.float64)
    x = sequence((4, 2), seed=7)
    picture = viz.draw_recurrent(rnn, x)
    own = own_gradients(rnn, x[:, None, :])
    np.testing.assert_allclose(picture.total["weight_hh_l0"], own["weight_hh_l0"], atol=1e-12)


def test_an_initial_state_and_no_bias():
    manual_seed(7)
    lstm = nn.LSTM(2, 3, dtype=np.float64)
    x, h0, c0 = sequence((3, 2, 2), 8), sequence((1, 2, 3), 9), sequence((1, 2, 3), 10)
    picture = viz.draw_recurrent(lstm, x, hx=(h0, c0))
    for p in lstm.parameters():
        p.grad = None
    output, _ = lstm(Tensor(x), (Tensor(h0), Tensor(c0)))
    output.sum().backward()
    np.testing.assert_allclose(picture.total["weight_hh_l0"], lstm.weight_hh_l0.grad.data, atol=1e-12)
    assert np.abs(picture.sent["weight_hh_l0"][0]).max() > 0        # h_0 is not zero now
    plain = viz.draw_recurrent(nn.GRU(2, 3, bias=False), sequence((3, 1, 2)))
    assert sorted(plain.total) == ["weight_hh_l0", "weight_ih_l0"] and "b_hh" not in plain.source
