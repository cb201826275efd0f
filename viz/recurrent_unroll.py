"""Unroll an RNN, LSTM or GRU gate by gate, with one copy of every shared weight per time step.

Why copies: a weight used at T steps is T uses of one tensor, and backward adds what each use
sends it. Giving step t its own copy (same values) lets autograd hand each copy exactly what
step t sends; the copies' gradients then add up to the gradient the module's own weight gets
(backprop through time is the chain rule summed over the uses of a weight). The module itself
is not touched: its parameters and their `.grad` stay as they were.
"""
from dataclasses import dataclass, field

import numpy as np

from tinygrad_edu import Tensor

KINDS = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru", "RNNCell": "rnn", "LSTMCell": "lstm",
         "GRUCell": "gru"}
WEIGHT_NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


@dataclass
class Unrolled:
    """What `unroll` computed: the gate tensors of every step and the per-step weight gradients.

    `nodes[t][k]` maps the node names of step t, layer k to tensors (values in `.data`, and for
    z, the pre-activations, h and c their gradient in `.grad`). `sent[name]` is an array
    (T, *shape): row t is what step t sends to the shared parameter `name` (the module's
    attribute name, e.g. 'weight_hh_l0'); `total[name]` is their sum.
    """
    kind: str
    mode: str
    hidden: int
    layers: int
    steps: int
    batch: int
    loss: float
    nodes: list
    inputs: list
    parameters: dict = field(default_factory=dict)     # attribute name -> (layer, short name)
    sent: dict = field(default_factory=dict)
    total: dict = field(default_factory=dict)
    outputs: list = field(default_factory=list)


def _pre_activations(x, h, params, mode):
    """The affine parts of one step: {'z': ...} (RNN, LSTM) or {'xp': ..., 'hp': ...} (GRU)."""
    w_ih, w_hh, b_ih, b_hh = params
    xp, hp = x.linear(w_ih, b_ih), h.linear(w_hh, b_hh)
    if mode == "gru":
        return {"xp": xp, "hp": hp}
    return {"z": xp + hp}


def _step(mode, x, state, params, hidden, nonlinearity):
    """One time step as named nodes (dict, in drawing order) and the new state."""
    H = hidden
    h = state[0] if mode == "lstm" else state
    nodes = _pre_activations(x, h, params, mode)
    if mode == "rnn":
        z = nodes["z"]
        nodes["h"] = z.tanh() if nonlinearity == "tanh" else z.relu()
        return nodes, nodes["h"]
    if mode == "lstm":
        z = nodes["z"]
        nodes.update(i=z[:, :H].sigmoid(), f=z[:, H:2 * H].sigmoid(), g=z[:, 2 * H:3 * H].tanh(),
                     o=z[:, 3 * H:].sigmoid())
        nodes["c"] = nodes["f"] * state[1] + nodes["i"] * nodes["g"]
        nodes["h"] = nodes["o"] * nodes["c"].tanh()
        return nodes, (nodes["h"], nodes["c"])
    xp, hp = nodes["xp"], nodes["hp"]
    nodes["r"] = (xp[:, :H] + hp[:, :H]).sigmoid()
    nodes["z"] = (xp[:, H:2 * H] + hp[:, H:2 * H]).sigmoid()
    nodes["n"] = (xp[:, 2 * H:] + nodes["r"] * hp[:, 2 * H:]).tanh()
    nodes["h"] = nodes["n"] + nodes["z"] * (h - nodes["n"])
    return nodes, nodes["h"]


def check_module(module, caller):
    """The drawing mode ('rnn', 'lstm', 'gru') of `module`, or a clear error."""
    kind = type(module).__name__
    mode = KINDS.get(kind)
    if mode is None:
        raise TypeError(f"{caller}: expected nn.RNN, nn.LSTM, nn.GRU or one of their cells "
                        f"(nn.RNNCell, nn.LSTMCell, nn.GRUCell), got {kind}")
    if getattr(module, "bidirectional", False):
        raise ValueError(f"{caller}: draw one direction at a time: build the module with "
                         f"bidirectional=False to see its gates")
    if getattr(module, "peepholes", False):
        raise ValueError(f"{caller}: peephole LSTMs are not drawn; use an LSTM with "
                         f"peepholes=False (as PyTorch's)")
    return mode


def _sequence(x, module, caller):
    """x as a time-first float Tensor (L, N, I) and whether it came unbatched (L, I)."""
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x))
    if x.dtype.kind != "f":
        raise TypeError(f"{caller}: x has dtype {x.dtype}; a recurrent module needs floating "
                        f"point input, e.g. Tensor(data, dtype=np.float32)")
    if x.ndim not in (2, 3):
        layout = "(N, L, I)" if getattr(module, "batch_first", False) else "(L, N, I)"
        raise ValueError(f"{caller}: x must be a sequence of shape {layout} or one unbatched "
                         f"sequence (L, I), got shape {x.shape}")
    if x.shape[-1] != module.input_size:
        raise ValueError(f"{caller}: x of shape {x.shape} has {x.shape[-1]} features per step "
                         f"but the module's input_size is {module.input_size}")
    unbatched = x.ndim == 2
    if unbatched:
        x = x.reshape(x.shape[0], 1, x.shape[1])
    elif getattr(module, "batch_first", False):
        x = x.transpose(0, 1)
    return x, unbatched


def _initial_states(hx, mode, layers, batch, hidden, dtype, is_cell, unbatched):
    """The state each layer starts from: h, or (h, c) for the LSTM (zeros when hx is None)."""
    def tensor(a, k):
        a = a if isinstance(a, Tensor) else Tensor(np.asarray(a, dtype=dtype))
        a = a if is_cell else a[k]
        return a.reshape(1, hidden) if unbatched else a
    states = []
    for k in range(layers):
        if hx is None:
            zeros = Tensor.zeros(batch, hidden, dtype=dtype)
            states.append((zeros, Tensor.zeros(batch, hidden, dtype=dtype)) if mode == "lstm" else zeros)
        elif mode == "lstm":
            states.append((tensor(hx[0], k), tensor(hx[1], k)))
        else:
            states.append(tensor(hx, k))
    return states


def unroll(module, x, hx=None, loss_fn=None, caller="viz.draw_recurrent") -> Unrolled:
    """Run `module` over `x` gate by gate, backprop `loss_fn(output)`, keep every step's gradients.

    `output` is what the module returns first (every step's h of the last layer, in the module's
    layout; for a cell, the h of every step stacked (L, N, H)); the default loss is its sum.
    """
    mode = check_module(module, caller)
    kind = type(module).__name__
    is_cell = kind.endswith("Cell")
    xs, unbatched = _sequence(x, module, caller)
    layers = 1 if is_cell else module.num_layers
    hidden, steps, batch = module.hidden_size, xs.shape[0], xs.shape[1]
    dtype = module.weight_hh.dtype if is_cell else module.weight_hh_l0.dtype
    if xs.dtype != dtype:
        xs = Tensor(xs.data.astype(dtype))
    nonlinearity = getattr(module, "nonlinearity", "tanh")
    states = _initial_states(hx, mode, layers, batch, hidden, dtype, is_cell, unbatched)
    result = Unrolled(kind, mode, hidden, layers, steps, batch, 0.0, [], [])
    copies = {}
    for k in range(layers):
        for short in WEIGHT_NAMES:
            name = short if is_cell else f"{short}_l{k}"
            p = getattr(module, name, None)
            if p is not None:
                result.parameters[name] = (k, short)
                copies[name] = [Tensor(p.data.copy(), requires_grad=True) for _ in range(steps)]
    top = []
    for t in range(steps):
        inp, row = xs[t], []
        result.inputs.append(inp.data)
        for k in range(layers):
            params = [copies[n][t] if n in copies else None
                      for n in ((s if is_cell else f"{s}_l{k}") for s in WEIGHT_NAMES)]
            nodes, states[k] = _step(mode, inp, states[k], params, hidden, nonlinearity)
            for name in ("z", "xp", "hp", "h", "c"):
                if name in nodes:
                    nodes[name].retain_grad()
            row.append(nodes)
            inp = nodes["h"]
        result.nodes.append(row)
        top.append(inp)
    output = Tensor.stack(top)                                  # (L, N, H)
    if unbatched:
        output = output.reshape(steps, hidden)
    elif getattr(module, "batch_first", False):
        output = output.transpose(0, 1)
    loss = output.sum() if loss_fn is None else loss_fn(output)
    if not isinstance(loss, Tensor) or loss.data.size != 1:
        raise ValueError(f"{caller}: loss_fn must return a scalar Tensor (e.g. output.sum() or "
                         f"((output - target) ** 2).mean()), got "
                         f"{getattr(loss, 'shape', type(loss).__name__)}")
    loss.backward()
    result.loss = float(loss.data)
    for name, per_step in copies.items():
        grads = [c.grad.data if c.grad is not None else np.zeros_like(c.data) for c in per_step]
        result.sent[name] = np.stack(grads)
        result.total[name] = result.sent[name].sum(axis=0)
    result.outputs = [s for state in states for s in (state if mode == "lstm" else (state,))]
    return result
