"""`draw_recurrent`: an RNN, LSTM or GRU unrolled over time, with its gates as nodes.

The layers run one fused graph node per time step (fast, but a picture of it shows no gates).
For a picture we run the same maths gate by gate (`nn.rnn_cells.lstm_gate_view`,
`gru_gate_view`) with the module's own parameters, each time step inside a region `t=k`.
The weights are made outside the steps, so they are drawn outside the boxes with one edge
into every step: weight sharing, and the sum over time of BPTT, become visible.
"""
from tinygrad_edu import Tensor
from tinygrad_edu.nn.rnn_cells import gru_gate_view, lstm_gate_view, rnn_activation
from .graph import draw_graph
from .regions import region

_KINDS = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru", "RNNCell": "rnn", "LSTMCell": "lstm",
          "GRUCell": "gru"}


def _parameters(module, kind, layer):
    """(W_ih, b_ih, W_hh, b_hh) of one layer (biases may be None), named for the picture."""
    suffix = "" if kind.endswith("Cell") else f"_l{layer}"
    found = []
    for name in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"):
        p = getattr(module, name + suffix, None)
        if p is not None and not p.name:
            p.name = name + suffix
        found.append(p)
    return found


def _step(mode, x, state, params, hidden, nonlinearity):
    """One time step gate by gate; `state` is h, or (h, c) for the LSTM."""
    w_ih, b_ih, w_hh, b_hh = params
    h = state[0] if mode == "lstm" else state
    xp, hp = x.linear(w_ih, b_ih), h.linear(w_hh, b_hh)
    if mode == "lstm":
        return lstm_gate_view(xp + hp, state[1], hidden)
    if mode == "gru":
        return gru_gate_view(xp, hp, h, hidden)
    h = rnn_activation(xp + hp, nonlinearity)
    h.name = "h"
    return h


def draw_recurrent(module, x, hx=None, **options):
    """Unroll an RNN/LSTM/GRU (layer or cell) over `x` and draw it, gates and time steps visible.

    Why: the fused LSTM node hides what an LSTM is. Here each step is a box `t=k` holding the
    gates (LSTM: i, f, g, o, then c and h; GRU: r, z, n, then h) as named nodes, and the
    weights sit outside the boxes with an edge into every step: the same W at every time
    step is what makes the gradient of W a sum over time (BPTT, seed 002 sec. 7.2). The
    numbers are those of the module (the same maths as its fused forward); the module is
    not changed. Keep sequences short (3 to 5 steps): every step adds a dozen nodes.

    Args:
        module: nn.RNN, nn.LSTM, nn.GRU (unidirectional, any num_layers, batch_first as
            set), or nn.RNNCell, nn.LSTMCell, nn.GRUCell (then `x` is (L, N, I)).
        x: the input sequence, a Tensor or array (L, N, I) (or (N, L, I) with batch_first).
        hx: initial state as the module takes it (None: zeros).
        **options: passed to `draw_graph` (e.g. show_data=False, rankdir="TB").

    Returns:
        the picture (`graphviz.Digraph`, inline in Jupyter); `.outputs` holds the final states.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> from tinygrad_edu import Tensor
        >>> picture = viz.draw_recurrent(nn.LSTM(2, 3), Tensor.randn(3, 1, 2, seed=0))
        >>> "f (forget gate)" in picture.source and "t=2" in picture.source
        True
    """
    caller = "viz.draw_recurrent"
    kind = type(module).__name__
    mode = _KINDS.get(kind)
    if mode is None:
        raise TypeError(f"{caller}: expected nn.RNN, nn.LSTM, nn.GRU or one of their cells, got {kind}")
    if getattr(module, "bidirectional", False):
        raise ValueError(f"{caller}: draw one direction at a time: build the module with "
                         f"bidirectional=False to see its gates")
    x = x if isinstance(x, Tensor) else Tensor(x)
    if x.ndim != 3:
        raise ValueError(f"{caller}: x must be a sequence of shape (L, N, I), got shape {x.shape}")
    if getattr(module, "batch_first", False):
        x = x.transpose(0, 1)
    layers = 1 if kind.endswith("Cell") else module.num_layers
    hidden = module.hidden_size
    steps, batch = x.shape[0], x.shape[1]
    nonlinearity = getattr(module, "nonlinearity", "tanh")
    params = [_parameters(module, kind, k) for k in range(layers)]
    states = []
    for k in range(layers):
        if hx is None:
            h = Tensor.zeros(batch, hidden, dtype=x.dtype)
            states.append((h, Tensor.zeros(batch, hidden, dtype=x.dtype)) if mode == "lstm" else h)
        elif mode == "lstm":
            h0, c0 = hx
            states.append((h0, c0) if kind.endswith("Cell") else (h0[k], c0[k]))
        else:
            states.append(hx if kind.endswith("Cell") else hx[k])
    for t in range(steps):
        with region(f"t={t}"):
            inp = x[t]
            for k in range(layers):
                if layers > 1:
                    with region(f"layer {k}"):
                        states[k] = _step(mode, inp, states[k], params[k], hidden, nonlinearity)
                else:
                    states[k] = _step(mode, inp, states[k], params[k], hidden, nonlinearity)
                inp = states[k][0] if mode == "lstm" else states[k]
    roots = [s for state in states for s in (state if mode == "lstm" else (state,))]
    picture = draw_graph(roots, **options)
    picture.outputs = roots
    return picture
