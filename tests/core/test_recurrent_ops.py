"""The fused recurrent cells (tinygrad_edu/ops/recurrent.py): forward against the seed 002 /
PyTorch equations written in numpy, gradients against float64 central differences (gradcheck)
and second derivatives (gradgradcheck), closed forms of the cell-state path, the numpy backward
against the Tensor-op backward, the sequence helpers, dtypes, PyTorch where installed, and bad
input."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, gradgradcheck, grad
from tinygrad_edu.ops.recurrent import (LSTMCell, GRUCell, lstm_cell, gru_cell, lstm_steps,
                                        gru_steps)

N, N_IN, H = 3, 2, 4            # batch, input size, hidden size


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def arrays(seed, *shapes, scale=0.8):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s) * scale for s in shapes]


def leaves(*values):
    return [Tensor(np.array(v, dtype=np.float64), requires_grad=True) for v in values]


def lstm_inputs(seed=0, bias=True, n=N, hidden=H):
    shapes = [(n, N_IN), (2, n, hidden), (4 * hidden, N_IN), (4 * hidden, hidden)]
    return arrays(seed, *shapes, *([(4 * hidden,)] if bias else []))


def gru_inputs(seed=0, bias=True, n=N, hidden=H):
    shapes = [(n, N_IN), (n, hidden), (3 * hidden, N_IN), (3 * hidden, hidden)]
    return arrays(seed, *shapes, *([(3 * hidden,)] * 2 if bias else []))


def numpy_lstm(x, state, w_ih, w_hh, b=0.0):
    """Seed 002 sec. 8, gates in PyTorch's order i, f, g, o; returns h', c' and the gates."""
    h, c = state
    zi, zf, zg, zo = np.split(x @ w_ih.T + h @ w_hh.T + b, 4, axis=1)
    i, f, g, o = sigmoid(zi), sigmoid(zf), np.tanh(zg), sigmoid(zo)
    c_new = f * c + i * g
    return o * np.tanh(c_new), c_new, (i, f, g, o)


def numpy_gru(x, h, w_ih, w_hh, b_ih=0.0, b_hh=0.0):
    """PyTorch's GRU: r, z, n with r applied after W_hn h + b_hn."""
    a_r, a_z, a_n = np.split(x @ w_ih.T + b_ih, 3, axis=1)
    p_r, p_z, p_n = np.split(h @ w_hh.T + b_hh, 3, axis=1)
    r, z = sigmoid(a_r + p_r), sigmoid(a_z + p_z)
    n = np.tanh(a_n + r * p_n)
    return (1 - z) * n + z * h


# ---------------------------------------------------------------- forward

@pytest.mark.parametrize("bias", [True, False])
def test_lstm_cell_forward_follows_the_seed_equations(bias):
    values = lstm_inputs(1, bias)
    out = lstm_cell(*[Tensor(v) for v in values])
    h, c, _ = numpy_lstm(*values)
    assert out.shape == (2, N, H)
    np.testing.assert_allclose(out.data[0], h, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(out.data[1], c, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("bias", [True, False])
def test_gru_cell_forward_follows_pytorchs_equations(bias):
    values = gru_inputs(2, bias)
    out = gru_cell(*[Tensor(v) for v in values])
    np.testing.assert_allclose(out.data, numpy_gru(*values), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- gradients, float64

@pytest.mark.parametrize("bias", [True, False])
def test_lstm_cell_gradcheck_and_gradgradcheck(bias):
    assert gradcheck(lstm_cell, leaves(*lstm_inputs(3, bias)), atol=1e-7, rtol=1e-5)
    # second derivatives on a smaller cell: the check costs (number of elements)^2
    small = leaves(*lstm_inputs(3, bias, n=2, hidden=2))
    assert gradgradcheck(lstm_cell, small, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("bias", [True, False])
def test_gru_cell_gradcheck_and_gradgradcheck(bias):
    assert gradcheck(gru_cell, leaves(*gru_inputs(4, bias)), atol=1e-7, rtol=1e-5)
    small = leaves(*gru_inputs(4, bias, n=2, hidden=2))
    assert gradgradcheck(gru_cell, small, atol=1e-7, rtol=1e-5)


def test_lstm_cell_gradcheck_with_saturated_gates():
    """Large pre-activations: sigmoid via tanh(z/2) must still give the right slopes."""
    values = lstm_inputs(5)
    values[2] *= 6.0
    assert gradcheck(lstm_cell, leaves(*values), atol=1e-7, rtol=1e-5)


def test_lstm_cell_state_gradient_is_the_forget_gate_and_the_closed_forms():
    """Seed 002 sec. 8: c' = f c + i g, so dc'/dc = f (elementwise) and dc'/dW_hh^(f) etc.
    With a gradient on c' only: dL/dc = G f, dL/dz_f = G c f(1-f), and dL/dW_hh = dz^T h."""
    x, state, w_ih, w_hh, b = lstm_inputs(6)
    tx, ts, tw_ih, tw_hh, tb = leaves(x, state, w_ih, w_hh, b)
    g_c = np.random.default_rng(7).standard_normal((N, H))
    seed = np.stack([np.zeros((N, H)), g_c])                  # no gradient on h'
    lstm_cell(tx, ts, tw_ih, tw_hh, tb).backward(gradient=Tensor(seed))
    _, _, (i, f, g, o) = numpy_lstm(x, state, w_ih, w_hh, b)
    np.testing.assert_allclose(ts.grad.data[1], g_c * f, rtol=1e-12)
    dz = np.concatenate([g_c * g * i * (1 - i), g_c * state[1] * f * (1 - f),
                         g_c * i * (1 - g * g), np.zeros((N, H))], axis=1)
    np.testing.assert_allclose(tw_hh.grad.data, dz.T @ state[0], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tw_ih.grad.data, dz.T @ x, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(tb.grad.data, dz.sum(axis=0), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ts.grad.data[0], dz @ w_hh, rtol=1e-12, atol=1e-14)


def test_gru_cell_gradient_on_h_includes_the_direct_path_z():
    """h' = (1 - z) n + z h: with W_hh = 0 the only way from h to h' is the direct path."""
    x, h, w_ih, w_hh, b_ih, b_hh = gru_inputs(8)
    th = leaves(h)[0]
    gru_cell(Tensor(x), th, Tensor(w_ih), Tensor(np.zeros_like(w_hh)), Tensor(b_ih),
             Tensor(b_hh)).sum().backward()
    z = sigmoid(x @ w_ih[H:2 * H].T + b_ih[H:2 * H] + b_hh[H:2 * H])
    np.testing.assert_allclose(th.grad.data, z, rtol=1e-12)


@pytest.mark.parametrize("cell, make", [(lstm_cell, lstm_inputs), (gru_cell, gru_inputs)])
def test_numpy_backward_equals_the_tensor_op_backward(cell, make):
    """The fast path (no graph) and the create_graph path compute the same gradient."""
    inputs = leaves(*make(9))
    out = cell(*inputs)
    weight = Tensor(np.random.default_rng(10).standard_normal(out.shape))
    fast = grad((out * weight).sum(), inputs, retain_graph=True)
    slow = grad((out * weight).sum(), inputs, create_graph=True)
    assert all(s.requires_grad for s in slow)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a.data, b.data, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("cell, make", [(lstm_cell, lstm_inputs), (gru_cell, gru_inputs)])
def test_backward_twice_with_retain_graph_gives_the_same_gradients(cell, make):
    """The in-place buffers of backward must never overwrite what the node saved."""
    inputs = leaves(*make(11))
    out = cell(*inputs).sum()
    out.backward(retain_graph=True)
    first = [t.grad.data.copy() for t in inputs]
    for t in inputs:
        t.zero_grad()
    out.backward()
    for a, t in zip(first, inputs):
        np.testing.assert_array_equal(a, t.grad.data)


def test_cells_skip_gradients_nobody_needs():
    x, state, w_ih, w_hh, b = lstm_inputs(12)
    tw = leaves(w_hh)[0]
    lstm_cell(Tensor(x), Tensor(state), Tensor(w_ih), tw, Tensor(b)).sum().backward()
    assert tw.grad is not None and tw.grad.shape == (4 * H, H)


# ---------------------------------------------------------------- sequences and dtypes

def test_lstm_steps_equal_a_loop_of_lstm_cell():
    """lstm_steps shares row-major copies of the transposed weights; the results must not
    change, and BPTT through its nodes must give the gradients of the plain loop."""
    rng = np.random.default_rng(13)
    xs = rng.standard_normal((5, N, N_IN))
    _, state, w_ih, w_hh, b = lstm_inputs(14)
    results = []
    for use_steps in (True, False):
        params = leaves(w_ih, w_hh, b)
        s0 = Tensor(state)
        if use_steps:
            states = lstm_steps([Tensor(x) for x in xs], s0, *params)
        else:
            states, s = [], s0
            for x in xs:
                s = lstm_cell(Tensor(x), s, *params)
                states.append(s)
        sum((s * (k + 1)).sum() for k, s in enumerate(states)).backward()
        results.append([s.data for s in states] + [p.grad.data for p in params])
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_gru_steps_equal_the_numpy_recurrence():
    rng = np.random.default_rng(15)
    xs = rng.standard_normal((4, N, N_IN))
    _, h, w_ih, w_hh, b_ih, b_hh = gru_inputs(16)
    weights = [Tensor(v) for v in (w_ih, w_hh, b_ih, b_hh)]
    hs = gru_steps([Tensor(x) for x in xs], Tensor(h), *weights)
    for x, out in zip(xs, hs):
        h = numpy_gru(x, h, w_ih, w_hh, b_ih, b_hh)
        np.testing.assert_allclose(out.data, h, rtol=1e-12, atol=1e-14)
    assert lstm_steps([], Tensor(np.zeros((2, N, H))), Tensor(w_ih), Tensor(w_hh)) == []


@pytest.mark.parametrize("cell, make", [(lstm_cell, lstm_inputs), (gru_cell, gru_inputs)])
def test_float32_in_float32_out_and_gradients(cell, make):
    inputs = [Tensor(v.astype(np.float32), requires_grad=True) for v in make(17)]
    out = cell(*inputs)
    assert out.dtype == np.float32
    out.sum().backward()
    assert all(t.grad.dtype == np.float32 for t in inputs)
    reference = cell(*[Tensor(t.data.astype(np.float64)) for t in inputs])
    np.testing.assert_allclose(out.data, reference.data, rtol=1e-5, atol=1e-6)


def test_graph_has_one_node_per_step():
    """What the primitives are for: a step of either cell is a single node of the graph."""
    x, state, w_ih, w_hh, b = leaves(*lstm_inputs(18))
    out = lstm_cell(x, state, w_ih, w_hh, b)
    assert type(out.grad_fn) is LSTMCell and out.grad_fn.inputs[1] is state
    x, h, w_ih, w_hh, b_ih, b_hh = leaves(*gru_inputs(18))
    out = gru_cell(x, h, w_ih, w_hh, b_ih, b_hh)
    assert type(out.grad_fn) is GRUCell and out.grad_fn.inputs[1] is h


# ---------------------------------------------------------------- PyTorch

def test_cells_match_torch_lstm_cell_and_gru_cell(torch):
    values = lstm_inputs(19)
    x, state, w_ih, w_hh, b = leaves(*values)
    out = lstm_cell(x, state, w_ih, w_hh, b)
    (out * out).sum().backward()
    tv = [torch.tensor(v, requires_grad=True) for v in values]
    th, tc = torch.lstm_cell(tv[0], (tv[1][0], tv[1][1]), tv[2], tv[3], tv[4],
                             torch.zeros(4 * H, dtype=torch.float64))
    ((th * th).sum() + (tc * tc).sum()).backward()
    np.testing.assert_allclose(out.data[0], th.detach().numpy(), rtol=1e-10)
    np.testing.assert_allclose(out.data[1], tc.detach().numpy(), rtol=1e-10)
    for ours, ref in zip((x, state, w_ih, w_hh, b), tv):
        np.testing.assert_allclose(ours.grad.data, ref.grad.numpy(), rtol=1e-9, atol=1e-12)

    values = gru_inputs(20)
    ours = leaves(*values)
    out = gru_cell(*ours)
    (out * out).sum().backward()
    tv = [torch.tensor(v, requires_grad=True) for v in values]
    ref = torch.gru_cell(*tv)
    (ref * ref).sum().backward()
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10)
    for a, b in zip(ours, tv):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- bad input

def _t(*shape):
    return Tensor(np.zeros(shape))


@pytest.mark.parametrize("call, words", [
    (lambda: lstm_cell(_t(N, N_IN), _t(N, H), _t(4 * H, N_IN), _t(4 * H, H)),
     ["lstm_cell", f"({N}, {H})", f"(2, {N}, {H})", "[h; c]"]),
    (lambda: lstm_cell(_t(N, N_IN + 1), _t(2, N, H), _t(4 * H, N_IN), _t(4 * H, H)),
     ["lstm_cell", f"({N}, {N_IN + 1})", f"(N, {N_IN})"]),
    (lambda: lstm_cell(_t(N, N_IN), _t(2, N, H), _t(3 * H, N_IN), _t(4 * H, H)),
     ["lstm_cell", "weight_ih", f"({3 * H}, {N_IN})", f"({4 * H}, I)"]),
    (lambda: lstm_cell(_t(N, N_IN), _t(2, N, H), _t(4 * H, N_IN), _t(3 * H, H)),
     ["lstm_cell", "weight_hh", f"({3 * H}, {H})", "(4*H, H)"]),
    (lambda: lstm_cell(_t(N, N_IN), _t(2, N, H), _t(4 * H, N_IN), _t(4 * H, H), _t(H)),
     ["lstm_cell", "bias", f"({H},)", f"({4 * H},)"]),
    (lambda: gru_cell(_t(N, N_IN), _t(N + 1, H), _t(3 * H, N_IN), _t(3 * H, H)),
     ["gru_cell", f"({N + 1}, {H})", f"({N}, {H})"]),
    (lambda: gru_cell(_t(N, N_IN), _t(N, H), _t(3 * H, N_IN), _t(3 * H, H), _t(3 * H)),
     ["gru_cell", "bias_ih and bias_hh"]),
    (lambda: gru_steps([_t(N, N_IN)], _t(N, H), _t(4 * H, N_IN), _t(3 * H, H)),
     ["gru_cell", "weight_ih", f"({4 * H}, {N_IN})"]),
])
def test_bad_shapes_raise_a_clear_value_error(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))
