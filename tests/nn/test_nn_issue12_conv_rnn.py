"""PyTorch's options on the conv, pooling and recurrent layers (issue 12): Conv2d(groups=,
padding='same'), MaxPool2d(ceil_mode=), RNN/LSTM/GRU(dropout=, bidirectional=). Same state dict
in, same outputs and gradients out, float64; plus gradchecks and the error messages."""
import numpy as np
import pytest

from tinygrad_edu import nn, Tensor, gradcheck, manual_seed
from tinygrad_edu.nn import functional as F

F64 = np.float64


def _rng(seed=0):
    return np.random.default_rng(seed)


def _torch_state(torch_module):
    return {k: v.detach().numpy() for k, v in torch_module.state_dict().items()}


# ---------------------------------------------------------------- convolution
CONV_CASES = [  # (in, out, kernel, options)
    (4, 6, 3, dict(groups=2, padding=1)),
    (4, 4, 3, dict(groups=4, stride=2)),                  # depthwise
    (3, 5, 3, dict(padding="same")),
    (3, 2, (2, 4), dict(padding="same")),                 # even kernels: the extra cell at the end
    (4, 4, 3, dict(padding="same", dilation=2, groups=2)),
    (2, 3, 3, dict(padding="valid", bias=False)),
]


@pytest.mark.filterwarnings("ignore:Using padding='same'")     # PyTorch's note on even kernels
@pytest.mark.parametrize("cin,cout,k,options", CONV_CASES)
def test_conv2d_groups_and_same_padding_match_torch(torch, cin, cout, k, options):
    theirs = torch.nn.Conv2d(cin, cout, k, **options).double()
    ours = nn.Conv2d(cin, cout, k, dtype=F64, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(_torch_state(theirs))
    x = _rng(1).standard_normal((2, cin, 7, 6))
    tx, mx = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    t_out, m_out = theirs(tx), ours(mx)
    assert m_out.shape == tuple(t_out.shape)
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
    g = _rng(2).standard_normal(t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * Tensor(g)).sum().backward()
    np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-11, atol=1e-12)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad.data, p.grad.numpy(), rtol=1e-11,
                                   atol=1e-12)


def test_conv2d_groups_gradcheck():
    x = Tensor(_rng(3).standard_normal((1, 4, 5, 5)), requires_grad=True)
    w = Tensor(_rng(4).standard_normal((2, 2, 2, 3)), requires_grad=True)
    b = Tensor(_rng(5).standard_normal(2), requires_grad=True)
    assert gradcheck(lambda x_, w_, b_: F.conv2d(x_, w_, b_, padding="same", groups=2),
                     [x, w, b])


def test_conv1d_groups_and_same_match_torch(torch):
    theirs = torch.nn.Conv1d(4, 6, 4, padding="same", groups=2).double()
    ours = nn.Conv1d(4, 6, 4, padding="same", groups=2, dtype=F64)
    ours.load_state_dict(_torch_state(theirs))
    x = _rng(6).standard_normal((3, 4, 9))
    np.testing.assert_allclose(ours(Tensor(x)).data, theirs(torch.tensor(x)).detach().numpy(),
                               rtol=1e-12, atol=1e-13)


def test_conv_option_errors_are_clear():
    with pytest.raises(ValueError, match="groups=3 must divide"):
        nn.Conv2d(4, 6, 3, groups=3)
    with pytest.raises(ValueError, match="'same' needs stride=1"):
        nn.Conv2d(2, 2, 3, padding="same", stride=2)
    with pytest.raises(ValueError, match="'same' or 'valid'"):
        nn.Conv2d(2, 2, 3, padding="full")
    with pytest.raises(ValueError, match=r"Conv2d\(4, 4.*groups=2.*2 channels per group"):
        nn.Conv2d(4, 4, 3, groups=2)(Tensor.ones(1, 6, 5, 5))


# ---------------------------------------------------------------- pooling
@pytest.mark.parametrize("size,kernel,stride,padding", [
    ((5, 5), 2, None, 0), ((7, 6), 3, 2, 1), ((6, 7), (2, 3), (2, 2), 0), ((4, 4), 2, None, 0),
    ((9, 8), 3, 3, 1)])
def test_max_pool2d_ceil_mode_matches_torch(torch, size, kernel, stride, padding):
    x = _rng(7).standard_normal((2, 3) + size)
    for ceil_mode in (False, True):
        ours = nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil_mode)
        theirs = torch.nn.MaxPool2d(kernel, stride, padding, ceil_mode=ceil_mode)
        tx, mx = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
        t_out, m_out = theirs(tx), ours(mx)
        assert m_out.shape == tuple(t_out.shape)
        np.testing.assert_array_equal(m_out.data, t_out.detach().numpy())
        g = _rng(8).standard_normal(t_out.shape)
        (t_out * torch.tensor(g)).sum().backward()
        (m_out * Tensor(g)).sum().backward()
        np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-14)


def test_max_pool2d_ceil_mode_output_size_and_gradcheck():
    # seed 002's output size with the ceiling: ceil((5 - 2) / 2) + 1 = 3
    x = Tensor(_rng(9).standard_normal((1, 1, 5, 5)), requires_grad=True)
    out = F.max_pool2d(x, 2, ceil_mode=True)
    assert out.shape == (1, 1, 3, 3)
    np.testing.assert_array_equal(out.data[0, 0, 2, 2], x.data[0, 0, 4, 4])   # 1-cell window
    assert gradcheck(lambda t: F.max_pool2d(t, 2, ceil_mode=True), [x])
    assert "ceil_mode=True" in repr(nn.MaxPool2d(2, ceil_mode=True))


# ---------------------------------------------------------------- recurrent
KINDS = ["RNN", "LSTM", "GRU"]


def _pair(torch, kind, **options):
    theirs = getattr(torch.nn, kind)(3, 4, **options).double()
    ours = getattr(nn, kind)(3, 4, dtype=F64, **options)
    assert list(ours.state_dict()) == list(theirs.state_dict())
    ours.load_state_dict(_torch_state(theirs))
    return ours, theirs


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("num_layers", [1, 2])
def test_bidirectional_matches_torch(torch, kind, batch_first, num_layers):
    ours, theirs = _pair(torch, kind, num_layers=num_layers, bidirectional=True,
                         batch_first=batch_first)
    x = _rng(10).standard_normal((2, 5, 3) if batch_first else (5, 2, 3))
    h0 = _rng(11).standard_normal((2 * num_layers, 2, 4))
    state = ((h0, _rng(12).standard_normal(h0.shape)) if kind == "LSTM" else h0)
    wrap = (lambda f, s: tuple(f(a) for a in s)) if kind == "LSTM" else (lambda f, s: f(s))
    tx, mx = torch.tensor(x, requires_grad=True), Tensor(x, requires_grad=True)
    t_state = wrap(lambda a: torch.tensor(a, requires_grad=True), state)
    m_state = wrap(lambda a: Tensor(a, requires_grad=True), state)
    t_out, t_h = theirs(tx, t_state)
    m_out, m_h = ours(mx, m_state)
    t_h, m_h = (t_h[0], m_h[0]) if kind == "LSTM" else (t_h, m_h)
    assert m_out.shape == tuple(t_out.shape) and m_h.shape == (2 * num_layers, 2, 4)
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-12, atol=1e-13)
    np.testing.assert_allclose(m_h.data, t_h.detach().numpy(), rtol=1e-12, atol=1e-13)
    g = _rng(13).standard_normal(t_out.shape)
    (t_out * torch.tensor(g)).sum().backward()
    (m_out * Tensor(g)).sum().backward()
    np.testing.assert_allclose(mx.grad.data, tx.grad.numpy(), rtol=1e-11, atol=1e-12)
    t_h0 = t_state[0] if kind == "LSTM" else t_state
    m_h0 = m_state[0] if kind == "LSTM" else m_state
    np.testing.assert_allclose(m_h0.grad.data, t_h0.grad.numpy(), rtol=1e-11, atol=1e-12)
    for name, p in theirs.named_parameters():
        np.testing.assert_allclose(getattr(ours, name).grad.data, p.grad.numpy(), rtol=1e-11,
                                   atol=1e-12, err_msg=name)


@pytest.mark.parametrize("kind", KINDS)
def test_bidirectional_gradcheck_unbatched(kind):
    layer = getattr(nn, kind)(2, 3, bidirectional=True, dtype=F64)
    x = Tensor(_rng(14).standard_normal((4, 2)), requires_grad=True)
    out = layer(x)[0]
    assert out.shape == (4, 6)
    assert gradcheck(lambda t: layer(t)[0], [x])


def test_bidirectional_reverse_direction_reads_backwards():
    # the reverse half of the output at t = 0 has seen the whole sequence; the forward half
    # at t = 0 has seen only x_0
    rnn = nn.RNN(1, 2, bidirectional=True, dtype=F64)
    x = _rng(15).standard_normal((6, 1, 1))
    y = x.copy()
    y[-1] += 1.0
    a, b = rnn(Tensor(x))[0].data, rnn(Tensor(y))[0].data
    np.testing.assert_array_equal(a[0, :, :2], b[0, :, :2])
    assert np.all(a[0, :, 2:] != b[0, :, 2:])


@pytest.mark.parametrize("kind", KINDS)
def test_dropout_between_layers_eval_matches_torch_train_draws_masks(torch, kind):
    ours, theirs = _pair(torch, kind, num_layers=3, dropout=0.5)
    ours.eval(), theirs.eval()
    x = _rng(16).standard_normal((4, 2, 3))
    np.testing.assert_allclose(ours(Tensor(x))[0].data,
                               theirs(torch.tensor(x))[0].detach().numpy(), rtol=1e-12,
                               atol=1e-13)
    ours.train()
    manual_seed(3)
    first = ours(Tensor(x))[0].data
    manual_seed(3)
    np.testing.assert_array_equal(first, ours(Tensor(x))[0].data)     # seeded masks
    assert not np.allclose(first, ours.eval()(Tensor(x))[0].data)


def test_dropout_masks_sit_between_layers():
    # a 2-layer RNN with dropout equals layer 1 on dropout(layer 0's output), same draws
    rnn = nn.RNN(3, 4, num_layers=2, dropout=0.5, dtype=F64)
    single = [nn.RNN(3, 4, dtype=F64), nn.RNN(4, 4, dtype=F64)]
    for k, layer in enumerate(single):
        layer.load_state_dict({name.replace(f"_l{k}", "_l0"): value
                               for name, value in rnn.state_dict().items() if f"_l{k}" in name})
    x = Tensor(_rng(17).standard_normal((5, 2, 3)))
    manual_seed(4)
    out = rnn(x)[0]
    manual_seed(4)
    hidden = single[0](x)[0]
    masked = Tensor.stack([hidden[t].dropout(0.5) for t in range(5)])
    np.testing.assert_allclose(out.data, single[1](masked)[0].data, rtol=1e-14)


def test_recurrent_option_errors():
    with pytest.raises(ValueError, match=r"dropout .* \[0, 1\)"):
        nn.LSTM(2, 3, num_layers=2, dropout=1.5)
    with pytest.warns(UserWarning, match="num_layers=1"):
        nn.GRU(2, 3, dropout=0.2)
    gru = nn.GRU(2, 3, num_layers=2, bidirectional=True)
    with pytest.raises(ValueError, match=r"num_layers \* 2"):
        gru(Tensor.ones(5, 1, 2), Tensor.zeros(2, 1, 3))
    assert "bidirectional=True" in repr(gru)


def test_bidirectional_peephole_lstm_names_and_gradcheck():
    lstm = nn.LSTM(2, 3, num_layers=2, bidirectional=True, peepholes=True, dtype=F64)
    names = [n for n, _ in lstm.named_parameters()]
    assert "weight_ci_l1_reverse" in names and "weight_ih_l1_reverse" in names
    assert lstm.weight_ih_l1.shape == (12, 6)              # layer 1 reads both directions
    x = Tensor(_rng(18).standard_normal((3, 1, 2)), requires_grad=True)
    assert lstm(x)[0].shape == (3, 1, 6)
    assert gradcheck(lambda t: lstm(t)[0], [x])
