"""RNN / LSTM / GRU and their cells: BPTT closed form (seed 002), deep unrolling, PyTorch parity,
float64 gradcheck of every cell and layer, peephole formula, op count per step, bad input."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn.rnn_cells import lstm_gates, gru_gates
from tinygrad_edu import Tensor, gradcheck, gradgradcheck

F64 = np.float64
LAYERS = {"rnn_tanh": lambda i, h, **kw: nn.RNN(i, h, **kw),
          "rnn_relu": lambda i, h, **kw: nn.RNN(i, h, nonlinearity="relu", **kw),
          "lstm": lambda i, h, **kw: nn.LSTM(i, h, **kw),
          "gru": lambda i, h, **kw: nn.GRU(i, h, **kw)}


def _rng(seed=0):
    return np.random.default_rng(seed)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _count_nodes(tensor):
    """Number of distinct op nodes in the graph behind `tensor` (walked with a stack)."""
    seen, stack = set(), [tensor.grad_fn]
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        stack.extend(t.grad_fn for t in node.inputs)
    return len(seen)


def _swap_parameters(module, names, tensors):
    """Make `module` compute with `tensors` (gradcheck's float64 copies) in place of its weights."""
    for name, t in zip(names, tensors):
        module._parameters[name] = t


# ---------------------------------------------------------------- BPTT, seed 002 sec. 7.2

def test_recurrent_weight_gradient_is_the_bptt_sum_over_time_steps():
    """dR/dW = sum_t delta_t h_{t-1}^T, dR/dU = sum_t delta_t x_t^T with delta_t = dR/dh_t *
    sigma'_t and dR/dh_t = v_t + W^T delta_{t+1} (seed 002: "notice weight sharing")."""
    rng = _rng(1)
    L, N, I, H = 5, 3, 2, 4
    rnn = nn.RNN(I, H, dtype=F64)
    x = rng.standard_normal((L, N, I))
    v = rng.standard_normal((L, N, H))          # additive loss R = sum_t <v_t, h_t>
    out, _ = rnn(Tensor(x))
    (out * Tensor(v)).sum().backward()

    W, U = rnn.weight_hh_l0.data, rnn.weight_ih_l0.data
    b = rnn.bias_ih_l0.data + rnn.bias_hh_l0.data
    hs = [np.zeros((N, H))]
    for t in range(L):                           # forward, step by step
        hs.append(np.tanh(x[t] @ U.T + hs[-1] @ W.T + b))
    dW_terms, dU_terms, db = [], [], np.zeros(H)
    dh_next = np.zeros((N, H))                   # W^T delta_{t+1}, carried backwards
    for t in reversed(range(L)):
        delta = (v[t] + dh_next) * (1 - hs[t + 1] ** 2)   # dR/dh_t * sigma'_t
        dW_terms.append(delta.T @ hs[t])                   # delta_t h_{t-1}^T
        dU_terms.append(delta.T @ x[t])                    # delta_t x_t^T
        db += delta.sum(axis=0)
        dh_next = delta @ W
    np.testing.assert_allclose(rnn.weight_hh_l0.grad.data, sum(dW_terms), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rnn.weight_ih_l0.grad.data, sum(dU_terms), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(rnn.bias_hh_l0.grad.data, db, rtol=1e-10, atol=1e-12)
    # every step contributes: the sum is not dominated by one term
    last_only = dW_terms[0]
    assert np.abs(rnn.weight_hh_l0.grad.data - last_only).max() > 1e-3


def test_cell_loop_gives_the_same_gradients_as_the_layer():
    rng = _rng(2)
    layer, cell = nn.LSTM(3, 4, dtype=F64), nn.LSTMCell(3, 4, dtype=F64)
    cell.load_state_dict({k[:-3]: v for k, v in layer.state_dict().items()})
    x = rng.standard_normal((6, 2, 3))
    out, _ = layer(Tensor(x))
    out.sum().backward()
    state, total = None, 0
    for x_t in x:
        state = cell(Tensor(x_t), state)
        total = total + state[0].sum()
    total.backward()
    np.testing.assert_allclose(cell.weight_hh.grad.data, layer.weight_hh_l0.grad.data, rtol=1e-12)
    np.testing.assert_allclose(cell.bias_ih.grad.data, layer.bias_ih_l0.grad.data, rtol=1e-12)


def test_thousand_step_lstm_runs_backward_without_recursion_error():
    lstm = nn.LSTM(2, 3)
    x = Tensor.randn(1000, 1, 2, seed=3)
    _, (h_n, _) = lstm(x)
    h_n.sum().backward()
    grads = [p.grad.data for p in lstm.parameters()]
    assert all(np.isfinite(g).all() for g in grads)
    assert np.abs(lstm.weight_ih_l0.grad.data).sum() > 0


@pytest.mark.parametrize("kind, per_step", [("lstm", 1), ("gru", 1), ("rnn_tanh", 3)])
def test_layers_record_their_op_budget_per_time_step(kind, per_step):
    """The speed budget: the LSTM and the GRU record one fused cell node per step (the input
    x needs no grad, so slicing it records nothing); the RNN records cat, linear, tanh."""
    layer = LAYERS[kind](3, 4)

    def nodes(length):
        _, final = layer(Tensor.randn(length, 2, 3, seed=0))
        return _count_nodes(final[0] if kind == "lstm" else final)

    assert (nodes(20) - nodes(10)) / 10 == per_step


def test_peephole_lstm_with_zero_peepholes_equals_the_fused_lstm():
    """Two implementations of the same maths: the composed Tensor ops of the peephole path
    (peepholes switched off by zero weights) and the fused LSTMCell primitive."""
    rng = _rng(11)
    fused, composed = nn.LSTM(3, 4, num_layers=2, dtype=F64), \
        nn.LSTM(3, 4, num_layers=2, peepholes=True, dtype=F64)
    state = fused.state_dict()
    state.update({k: np.zeros(4) for k in composed.state_dict() if k.startswith("weight_c")})
    composed.load_state_dict(state)
    x = rng.standard_normal((5, 2, 3))
    h0, c0 = rng.standard_normal((2, 2, 4)), rng.standard_normal((2, 2, 4))
    grads = []
    for layer in (fused, composed):
        tx = Tensor(x, requires_grad=True)
        out, (h_n, c_n) = layer(tx, (Tensor(h0), Tensor(c0)))
        (out.sum() + (h_n * 2).sum() + (c_n * 3).sum()).backward()
        grads.append([out.data, h_n.data, c_n.data, tx.grad.data]
                     + [layer.state_dict()[k].grad.data for k in fused.state_dict()])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-11, atol=1e-13)


def test_gru_layer_equals_the_composed_gru_gates():
    """The fused GRUCell primitive against `gru_gates` (Tensor ops) looped by hand."""
    rng = _rng(12)
    gru = nn.GRU(3, 4, dtype=F64)
    x, h = rng.standard_normal((6, 2, 3)), rng.standard_normal((2, 4))
    out, _ = gru(Tensor(x), Tensor(h[None]))
    w_ih, w_hh, b_ih, b_hh = gru.layer_params(0)
    state = Tensor(h)
    for t in range(6):
        state = gru_gates(Tensor(x[t]).linear(w_ih, b_ih), state.linear(w_hh, b_hh), state, 4)
        np.testing.assert_allclose(out.data[t], state.data, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_second_derivatives_through_time(kind):
    """gradgradcheck through two steps of a layer: BPTT of the fused cells under create_graph
    (the Hessian-vector products a gradient penalty or RNGD-style method would need)."""
    rng = _rng(13)
    layer = LAYERS[kind](2, 2, dtype=F64)
    x = Tensor(rng.standard_normal((2, 1, 2)), requires_grad=True)
    w_hh = Tensor(layer.weight_hh_l0.data, requires_grad=True)

    def fn(x, w_hh):
        layer._parameters["weight_hh_l0"] = w_hh
        out, _ = layer(x)
        return out

    assert gradgradcheck(fn, [x, w_hh], atol=1e-7, rtol=1e-5)


def test_lstm_cell_module_is_one_cell_node_per_call():
    cell = nn.LSTMCell(3, 4)
    state = (Tensor.randn(2, 4, seed=1), Tensor.randn(2, 4, seed=2))
    h, c = cell(Tensor.randn(2, 3, seed=0), state)
    assert type(h.grad_fn.inputs[0].grad_fn).__name__ == "LSTMCell"
    assert h.grad_fn.inputs[0] is c.grad_fn.inputs[0]        # both halves of one state


# ---------------------------------------------------------------- PyTorch parity (float64)

def _torch_layer(torch, kind, i, h, **kw):
    cls = {"rnn_tanh": torch.nn.RNN, "rnn_relu": torch.nn.RNN, "lstm": torch.nn.LSTM,
           "gru": torch.nn.GRU}[kind]
    if kind.startswith("rnn"):
        kw["nonlinearity"] = kind[4:]
    torch.manual_seed(0)
    return cls(i, h, **kw).double()


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("kind", sorted(LAYERS))
def test_layers_match_pytorch_outputs_and_gradients(kind, batch_first):
    torch = pytest.importorskip("torch")
    L, N, I, H, layers = 5, 3, 4, 6, 2
    ref = _torch_layer(torch, kind, I, H, num_layers=layers, batch_first=batch_first)
    ours = LAYERS[kind](I, H, num_layers=layers, batch_first=batch_first, dtype=F64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    assert list(ours.state_dict()) == list(ref.state_dict())

    rng = _rng(4)
    x = rng.standard_normal((N, L, I) if batch_first else (L, N, I))
    states = [rng.standard_normal((layers, N, H)) for _ in range(2 if kind == "lstm" else 1)]
    weights = [rng.standard_normal(s) for s in [(N, L, H) if batch_first else (L, N, H)]
               + [(layers, N, H)] * len(states)]

    tx = torch.tensor(x, requires_grad=True)
    ts = [torch.tensor(s, requires_grad=True) for s in states]
    t_out, t_fin = ref(tx, tuple(ts) if kind == "lstm" else ts[0])
    t_res = [t_out, *(t_fin if kind == "lstm" else (t_fin,))]
    sum((r * torch.tensor(w)).sum() for r, w in zip(t_res, weights)).backward()

    ox = Tensor(x, requires_grad=True)
    os_ = [Tensor(s, requires_grad=True) for s in states]
    o_out, o_fin = ours(ox, tuple(os_) if kind == "lstm" else os_[0])
    o_res = [o_out, *(o_fin if kind == "lstm" else (o_fin,))]
    sum((r * Tensor(w)).sum() for r, w in zip(o_res, weights)).backward()

    for a, b in zip(o_res, t_res):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-6, atol=1e-6)
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-6, atol=1e-6,
                                   err_msg=name)
    for a, b in zip([ox, *os_], [tx, *ts]):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("kind", ["rnn_tanh", "lstm", "gru"])
def test_unbatched_and_bias_free_layers_match_pytorch(kind):
    torch = pytest.importorskip("torch")
    ref = _torch_layer(torch, kind, 3, 4, bias=False)
    ours = LAYERS[kind](3, 4, bias=False, dtype=F64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    x = _rng(5).standard_normal((7, 3))
    t_out, _ = ref(torch.tensor(x))
    o_out, o_fin = ours(Tensor(x))
    assert o_out.shape == (7, 4)
    assert (o_fin[0] if kind == "lstm" else o_fin).shape == (1, 4)
    np.testing.assert_allclose(o_out.data, t_out.detach().numpy(), rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_cells_match_pytorch(kind):
    torch = pytest.importorskip("torch")
    torch.manual_seed(1)
    ref = {"rnn": torch.nn.RNNCell, "lstm": torch.nn.LSTMCell, "gru": torch.nn.GRUCell}[kind]
    ref = ref(3, 5).double()
    ours = {"rnn": nn.RNNCell, "lstm": nn.LSTMCell, "gru": nn.GRUCell}[kind](3, 5, dtype=F64)
    ours.load_state_dict({k: v.detach().numpy() for k, v in ref.state_dict().items()})
    rng = _rng(6)
    x, h, c = (rng.standard_normal(s) for s in [(4, 3), (4, 5), (4, 5)])
    tx, th, tc = (torch.tensor(a, requires_grad=True) for a in (x, h, c))
    ox, oh, oc = (Tensor(a, requires_grad=True) for a in (x, h, c))
    t_out = ref(tx, (th, tc)) if kind == "lstm" else (ref(tx, th),)
    o_out = ours(ox, (oh, oc)) if kind == "lstm" else (ours(ox, oh),)
    sum((r * (k + 1)).sum() for k, r in enumerate(t_out)).backward()
    sum((r * (k + 1)).sum() for k, r in enumerate(o_out)).backward()
    for a, b in zip(o_out, t_out):
        np.testing.assert_allclose(a.data, b.detach().numpy(), rtol=1e-6, atol=1e-9)
    for (name, p), (_, q) in zip(ours.named_parameters(), ref.named_parameters()):
        np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-6, atol=1e-9,
                                   err_msg=name)
    for a, b in zip((ox, oh), (tx, th)):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-6, atol=1e-9)


# ---------------------------------------------------------------- gradcheck, float64

def _gradcheck_module(module, x, states, scalarize):
    """gradcheck w.r.t. the input, the initial states and every parameter of `module`."""
    names = [n for n, _ in module.named_parameters()]
    params = [Tensor(p.data, requires_grad=True) for _, p in module.named_parameters()]
    n_states = len(states)

    def fn(x, *rest):
        _swap_parameters(module, names, rest[n_states:])
        state = rest[:n_states]
        return scalarize(module, x, state)

    inputs = [Tensor(x, requires_grad=True)] + [Tensor(s, requires_grad=True) for s in states]
    assert gradcheck(fn, inputs + params, eps=1e-6, atol=1e-7, rtol=1e-5)


@pytest.mark.parametrize("kind", sorted(LAYERS) + ["lstm_peepholes"])
def test_layer_gradcheck_float64(kind):
    rng = _rng(7)
    L, N, I, H, layers = 3, 2, 2, 3, 2
    peep = kind == "lstm_peepholes"
    module = (nn.LSTM(I, H, num_layers=layers, peepholes=True, dtype=F64) if peep
              else LAYERS[kind](I, H, num_layers=layers, dtype=F64))
    if kind == "rnn_relu":      # keep pre-activations away from the kink of relu
        for p in module.parameters():
            p.data[...] = np.abs(p.data) + 0.1
    n_states = 2 if kind.startswith("lstm") else 1
    states = [rng.standard_normal((layers, N, H)) for _ in range(n_states)]
    x = rng.standard_normal((L, N, I)) if kind != "rnn_relu" else rng.random((L, N, I))
    proj = [Tensor(rng.standard_normal(s)) for s in [(L, N, H), (layers, N, H), (layers, N, H)]]

    def scalarize(module, x, state):
        out, fin = module(x, tuple(state) if n_states == 2 else state[0])
        res = [out, *(fin if n_states == 2 else (fin,))]
        return sum((r * p).sum() for r, p in zip(res, proj))

    _gradcheck_module(module, x, states, scalarize)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "lstm_peepholes", "gru"])
def test_cell_gradcheck_float64(kind):
    rng = _rng(8)
    module = {"rnn": lambda: nn.RNNCell(2, 3, dtype=F64),
              "lstm": lambda: nn.LSTMCell(2, 3, dtype=F64),
              "lstm_peepholes": lambda: nn.LSTMCell(2, 3, peepholes=True, dtype=F64),
              "gru": lambda: nn.GRUCell(2, 3, dtype=F64)}[kind]()
    n_states = 2 if kind.startswith("lstm") else 1
    states = [rng.standard_normal((2, 3)) for _ in range(n_states)]

    def full_jacobian(module, x, state):     # every output element is checked
        return module(x, tuple(state)) if n_states == 2 else module(x, state[0])

    _gradcheck_module(module, rng.standard_normal((2, 2)), states, full_jacobian)


def test_peephole_lstm_follows_the_documented_formula():
    """i, f peek at c_{t-1}, o at c_t, through diagonal weights (Gers & Schmidhuber; seed 002)."""
    rng = _rng(9)
    lstm = nn.LSTM(2, 3, peepholes=True, dtype=F64)
    assert {"weight_ci_l0", "weight_cf_l0", "weight_co_l0"} <= set(lstm.state_dict())
    x = rng.standard_normal((4, 2, 2))
    out, (h_n, c_n) = lstm(Tensor(x))
    W_ih, W_hh = lstm.weight_ih_l0.data, lstm.weight_hh_l0.data
    b = lstm.bias_ih_l0.data + lstm.bias_hh_l0.data
    w_ci, w_cf, w_co = (lstm.state_dict()[f"weight_c{g}_l0"].data for g in "ifo")
    h, c = np.zeros((2, 3)), np.zeros((2, 3))
    for t in range(4):
        zi, zf, zg, zo = np.split(x[t] @ W_ih.T + h @ W_hh.T + b, 4, axis=1)
        i, f = _sigmoid(zi + w_ci * c), _sigmoid(zf + w_cf * c)
        c = f * c + i * np.tanh(zg)
        h = _sigmoid(zo + w_co * c) * np.tanh(c)
        np.testing.assert_allclose(out.data[t], h, rtol=1e-12)
    np.testing.assert_allclose(c_n.data[0], c, rtol=1e-12)


def test_lstm_gates_without_peepholes_match_the_seed_equations():
    rng = _rng(10)
    z, c = rng.standard_normal((2, 8)), rng.standard_normal((2, 2))
    h_new, c_new = lstm_gates(Tensor(z), Tensor(c), 2)
    i, f, g, o = np.split(z, 4, axis=1)
    expected_c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    np.testing.assert_allclose(c_new.data, expected_c, rtol=1e-12)
    np.testing.assert_allclose(h_new.data, _sigmoid(o) * np.tanh(expected_c), rtol=1e-12)
    # the layers' fast form: i, f, o pre-activations halved, sigmoid(z) = (1 + tanh(z/2)) / 2
    halved = z * np.repeat([0.5, 0.5, 1.0, 0.5], 2)
    h_fast, c_fast = lstm_gates(Tensor(halved), Tensor(c), 2, halved=True)
    np.testing.assert_allclose(c_fast.data, expected_c, rtol=1e-12)
    np.testing.assert_allclose(h_fast.data, h_new.data, rtol=1e-12)


# ---------------------------------------------------------------- construction

def test_parameter_names_shapes_and_init_range_follow_pytorch():
    lstm = nn.LSTM(5, 8, num_layers=2)
    shapes = {k: v.shape for k, v in lstm.state_dict().items()}
    assert shapes == {"weight_ih_l0": (32, 5), "weight_hh_l0": (32, 8), "bias_ih_l0": (32,),
                      "bias_hh_l0": (32,), "weight_ih_l1": (32, 8), "weight_hh_l1": (32, 8),
                      "bias_ih_l1": (32,), "bias_hh_l1": (32,)}
    bound = 1 / np.sqrt(8)
    for p in lstm.parameters():
        assert np.abs(p.data).max() <= bound and p.data.std() > bound / 4
    assert nn.GRU(5, 8).weight_hh_l0.shape == (24, 8)
    assert nn.RNNCell(5, 8).weight_ih.shape == (8, 5)
    assert [n for n, _ in nn.GRU(5, 8, bias=False).named_parameters()] == \
        ["weight_ih_l0", "weight_hh_l0"]
    assert repr(nn.LSTM(5, 8, num_layers=2, batch_first=True)).startswith(
        "LSTM(5, 8, num_layers=2, batch_first=True)")


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("call, words", [
    (lambda: nn.LSTM(4, 3)(Tensor.zeros(2, 5, 6, 4)), ["LSTM(4, 3)", "(2, 5, 6, 4)", "(L, N, C)"]),
    (lambda: nn.GRU(4, 3)(Tensor.zeros(5)), ["GRU(4, 3)", "(5,)", "1 dims"]),
    (lambda: nn.RNN(4, 3, batch_first=True)(Tensor.zeros(2, 5, 3)),
     ["RNN(4, 3, batch_first=True)", "(2, 5, 3)", "input_size = 4", "(N, L, C)"]),
    (lambda: nn.RNN(4, 3, num_layers=2)(Tensor.zeros(5, 2, 4), Tensor.zeros(1, 2, 3)),
     ["RNN(4, 3, num_layers=2)", "h0", "(1, 2, 3)", "(2, 2, 3)"]),
    (lambda: nn.LSTM(4, 3)(Tensor.zeros(5, 2, 4), (Tensor.zeros(1, 2, 3), Tensor.zeros(1, 3, 3))),
     ["LSTM(4, 3)", "c0", "(1, 3, 3)", "(1, 2, 3)"]),
    (lambda: nn.GRU(4, 3)(Tensor.zeros(5, 4), Tensor.zeros(1, 2, 3)),
     ["GRU(4, 3)", "(1, 2, 3)", "(1, 3)", "no batch dim"]),
    (lambda: nn.LSTM(4, 3)(Tensor.zeros(0, 2, 4)), ["LSTM(4, 3)", "L = 0"]),
    (lambda: nn.LSTMCell(4, 3)(Tensor.zeros(2, 5)), ["LSTMCell(4, 3)", "(2, 5)", "(N, 4)"]),
    (lambda: nn.GRUCell(4, 3)(Tensor.zeros(2, 4), Tensor.zeros(3, 3)),
     ["GRUCell(4, 3)", "(3, 3)", "(2, 3)"]),
    (lambda: nn.RNN(4, 3, nonlinearity="sigmoid"), ["RNN", "'sigmoid'", "'tanh' or 'relu'"]),
    (lambda: nn.LSTM(0, 3), ["LSTM", "input_size", "positive"]),
])
def test_bad_input_raises_a_clear_value_error(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value), (word, str(info.value))


def test_bad_state_type_and_dtype_raise_type_errors():
    with pytest.raises(TypeError, match=r"LSTM\(4, 3\).*tuple \(h0, c0\)"):
        nn.LSTM(4, 3)(Tensor.zeros(5, 2, 4), Tensor.zeros(1, 2, 3))
    with pytest.raises(TypeError, match=r"GRU\(4, 3\).*int64.*floating"):
        nn.GRU(4, 3)(Tensor(np.zeros((5, 2, 4), dtype=np.int64)))
    with pytest.raises(TypeError, match=r"LSTMCell\(4, 3\).*tuple \(h, c\)"):
        nn.LSTMCell(4, 3)(Tensor.zeros(2, 4), Tensor.zeros(2, 3))
