"""Multi-layer recurrent networks over whole sequences: RNN, LSTM, GRU (PyTorch's interface).

Why: a recurrent network applies the same cell at every time step (summary notes, sec. 7.2), so the
unrolled graph shares its weights across steps and backprop through time (BPTT) sums their
gradients over the steps. Here every time step records its own graph node(s); autograd does BPTT
through them. The gate maths lives in `nn/rnn_cells.py` (composed Tensor ops) and in
`tinygrad_edu/ops/recurrent.py` (the fused cells); the cells of `nn/rnn_cells.py` use the same.

Layout and names are PyTorch's: input (L, N, C), or (N, L, C) with batch_first=True, or
unbatched (L, C); for layer k the parameters `weight_ih_l{k}` (gates*H, I or H), `weight_hh_l{k}`
(gates*H, H), `bias_ih_l{k}`, `bias_hh_l{k}`; `forward(x, h0)` returns (output, h_n), or
(output, (h_n, c_n)) for the LSTM, with h_n of shape (num_layers, N, H).

`bidirectional=True` adds a second direction per layer that reads the sequence backwards, with
the same parameter names plus `_reverse`; the output holds both directions side by side
(L, N, 2H) and h_n is (num_layers * 2, N, H), ordered layer 0 forward, layer 0 backward, layer 1
forward, ... (PyTorch's layout, so its state dicts and h0 load unchanged). `dropout=p` zeroes
outputs of every layer but the last while training (inverted dropout, as PyTorch).

How a time step is computed (speed matters: the engine pays a few microseconds per graph node,
and every fresh array costs page faults). The LSTM and the GRU run one fused primitive per step
(`tinygrad_edu.ops.recurrent`: both matmuls, the gates and the state update in one node with its
derivative written out), so the unrolled graph has one node per step and layer; the LSTM carries
its state as [h; c] stacked in one (2, N, H) tensor. The plain RNN composes Tensor ops in the
seed's form z = W . [x_t, h_{t-1}] + b: W = [W_ih | W_hh] and b = b_ih + b_hh are built once per
forward, and each step is one `cat`, one `linear` and the activation. The peephole LSTM composes
Tensor ops too (`nn.rnn_cells.lstm_peephole_gates`).
"""
import warnings

import numpy as np

from tinygrad_edu import Tensor, get_default_dtype
from tinygrad_edu.ops.recurrent import lstm_steps, gru_steps
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from .rnn_cells import (RNNCell, LSTMCell, GRUCell, rnn_activation, lstm_gates, lstm_peephole_gates,
                        check_float, uniform_init, NONLINEARITIES)

__all__ = ["RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell"]


class _RecurrentBase(Module):
    """Parameters, input handling and the loop over layers shared by RNN, LSTM and GRU."""

    gates = 1
    kind = "RNN"
    has_cell = False        # the LSTM carries a second state c

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 dtype=None, proj_size: int = 0):
        super().__init__()
        if isinstance(proj_size, bool) or not isinstance(proj_size, (int, np.integer)) \
                or not 0 <= proj_size < hidden_size:
            raise ValueError(f"{self.kind}: proj_size must be an int in [0, hidden_size) (0: no "
                             f"projection), got {proj_size!r} with hidden_size={hidden_size!r}")
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size),
                            ("num_layers", num_layers)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{self.kind}: {name} must be a positive integer, got {value!r}")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout < 1:
            raise ValueError(f"{self.kind}: dropout is the probability of zeroing an output of "
                             f"every layer but the last and must be in [0, 1), got {dropout!r}")
        if dropout > 0 and num_layers == 1:
            warnings.warn(f"{self.kind}: dropout={dropout} acts between stacked layers, so it "
                          f"does nothing with num_layers=1 (as in PyTorch)", UserWarning,
                          stacklevel=3)
        self.input_size, self.hidden_size = int(input_size), int(hidden_size)
        self.num_layers, self.bias, self.batch_first = int(num_layers), bool(bias), batch_first
        self.dropout, self.bidirectional = float(dropout), bool(bidirectional)
        # the LSTM's projection: h is proj_size wide, W_hr (proj_size, H) maps o * tanh(c) to it
        self.proj_size = int(proj_size)
        self.state_size = self.proj_size or self.hidden_size
        # PyTorch's names: the backward-in-time direction of layer k has the suffix _reverse
        self.directions = ("", "_reverse") if self.bidirectional else ("",)
        dtype = dtype or get_default_dtype()
        rows = self.gates * self.hidden_size
        for k in range(self.num_layers):
            cols = self.input_size if k == 0 else self.state_size * len(self.directions)
            for sfx in self.directions:
                setattr(self, f"weight_ih_l{k}{sfx}",
                        Parameter(np.empty((rows, cols), dtype=dtype)))
                setattr(self, f"weight_hh_l{k}{sfx}",
                        Parameter(np.empty((rows, self.state_size), dtype=dtype)))
                if self.bias:
                    setattr(self, f"bias_ih_l{k}{sfx}", Parameter(np.empty(rows, dtype=dtype)))
                    setattr(self, f"bias_hh_l{k}{sfx}", Parameter(np.empty(rows, dtype=dtype)))
                else:
                    self.register_parameter(f"bias_ih_l{k}{sfx}", None)
                    self.register_parameter(f"bias_hh_l{k}{sfx}", None)
                if self.proj_size:
                    setattr(self, f"weight_hr_l{k}{sfx}", Parameter(
                        np.empty((self.proj_size, self.hidden_size), dtype=dtype)))

    def reset_parameters(self):
        """Draw fresh weights from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        uniform_init(self, self.hidden_size)

    def layer_params(self, k, suffix=""):
        """(weight_ih, weight_hh, bias_ih, bias_hh) of layer k (biases None without bias);
        suffix '_reverse' for the backward direction of a bidirectional layer."""
        return tuple(getattr(self, f"{name}_l{k}{suffix}")
                     for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"))

    # ------------------------------------------------------------ input checks
    def _name(self):
        return f"{self.kind}({self.extra_repr()})"

    def _check_input(self, x):
        """Return x, its per-step slicing, (L, N), and whether the input came unbatched."""
        x = x if isinstance(x, Tensor) else Tensor(x)
        check_float(self._name(), "input", x)
        layout = "(N, L, C)" if self.batch_first else "(L, N, C)"
        if x.ndim not in (2, 3):
            raise ValueError(f"{self._name()}: input of shape {x.shape} has {x.ndim} dims; "
                             f"expected a batch of sequences {layout} or one unbatched sequence "
                             f"(L, C), with C = input_size = {self.input_size}")
        if x.shape[-1] != self.input_size:
            raise ValueError(f"{self._name()}: input of shape {x.shape} has {x.shape[-1]} features "
                             f"in its last dim, expected input_size = {self.input_size} (layout "
                             f"{layout}{', batch_first=True' if self.batch_first else ''})")
        unbatched = x.ndim == 2
        if unbatched:
            x = x.unsqueeze(1)                 # (L, 1, C): unbatched ignores batch_first
            time_first = True
        else:
            time_first = not self.batch_first
        length, n = (x.shape[0], x.shape[1]) if time_first else (x.shape[1], x.shape[0])
        if length == 0:
            raise ValueError(f"{self._name()}: input of shape {x.shape} has an empty sequence "
                             f"(L = 0); give at least one time step")
        return x, time_first, length, n, unbatched

    def _initial_state(self, state, what, n, unbatched, dtype):
        """The per-layer list of (N, H) initial states: zeros for None, else checked (h of a
        projected LSTM is proj_size wide)."""
        size = self.state_size if what == "h0" else self.hidden_size
        if state is None:
            zeros = Tensor.zeros(n, size, dtype=dtype)
            return [zeros] * (self.num_layers * len(self.directions))
        state = state if isinstance(state, Tensor) else Tensor(state)
        count = self.num_layers * len(self.directions)
        expected = ((count, size) if unbatched else (count, n, size))
        if state.shape != expected:
            layers = "num_layers * 2" if self.bidirectional else "num_layers"
            raise ValueError(f"{self._name()}: {what} of shape {state.shape} does not fit; "
                             f"expected {expected} = ({layers}"
                             f"{'' if unbatched else ', batch'}, "
                             f"{'proj_size' if size != self.hidden_size else 'hidden_size'}) "
                             f"for an input with "
                             f"{'no batch dim' if unbatched else f'batch size {n}'}")
        check_float(self._name(), what, state)
        if unbatched:
            state = state.unsqueeze(1)
        return [state[k] for k in range(count)]

    # ------------------------------------------------------------ the loop
    def forward(self, x, h0=None):
        """Run the whole sequence through all layers; see the class docstring for shapes."""
        x, time_first, length, n, unbatched = self._check_input(x)
        dtype = self.weight_hh_l0.dtype
        if self.has_cell:
            if h0 is None:
                h0 = (None, None)
            elif not isinstance(h0, (tuple, list)) or len(h0) != 2:
                raise TypeError(f"{self._name()}: the initial state must be a tuple (h0, c0) or "
                                f"None, got {type(h0).__name__}")
            states = list(zip(self._initial_state(h0[0], "h0", n, unbatched, dtype),
                              self._initial_state(h0[1], "c0", n, unbatched, dtype)))
        else:
            states = self._initial_state(h0, "h0", n, unbatched, dtype)

        # Layer 0 reads slices of x (no graph node when x needs no grad); layer k > 0 reads
        # the per-step outputs of layer k - 1 (both directions side by side), after dropout.
        inputs = [x[t] if time_first else x[:, t] for t in range(length)]
        finals, dirs = [], len(self.directions)
        for k in range(self.num_layers):
            per_direction = []
            for d, sfx in enumerate(self.directions):
                # the reverse direction reads the sequence backwards, its outputs re-reversed
                hs, final = self._run_layer(k, inputs if d == 0 else inputs[::-1],
                                            states[k * dirs + d], sfx)
                per_direction.append(hs if d == 0 else hs[::-1])
                finals.append(final)
            inputs = (per_direction[0] if dirs == 1 else
                      [Tensor.cat(pair, dim=1) for pair in zip(*per_direction)])
            if k + 1 < self.num_layers and self.dropout and self.training:
                inputs = [h.dropout(self.dropout) for h in inputs]
        output = self._join(inputs, time_first)

        if self.has_cell:
            h_n = Tensor.stack([h for h, _ in finals])
            c_n = Tensor.stack([c for _, c in finals])
            if unbatched:
                return output.squeeze(1), (h_n.squeeze(1), c_n.squeeze(1))
            return output, (h_n, c_n)
        h_n = Tensor.stack(finals)
        if unbatched:
            return output.squeeze(1), h_n.squeeze(1)
        return output, h_n

    def _run_layer(self, k, inputs, state, suffix):
        """Unroll direction `suffix` of layer k over the list of (N, C) inputs; returns the
        list of per-step outputs (N, H) and the final state."""
        raise NotImplementedError

    def _join(self, hs, time_first):
        """The list of per-step outputs (N, W) as one sequence tensor, in two ops (cat, reshape)."""
        n, width = hs[0].shape
        if time_first:
            return Tensor.cat(hs, dim=0).reshape(len(hs), n, width)
        return Tensor.cat(hs, dim=1).reshape(n, len(hs), width)

    def _fused_weights(self, k, suffix=""):
        """W = [W_ih | W_hh] (gates*H, C+H) and b = b_ih + b_hh, built once per forward."""
        w_ih, w_hh, b_ih, b_hh = self.layer_params(k, suffix)
        return Tensor.cat([w_ih, w_hh], dim=1), (b_ih + b_hh if self.bias else None)

    def extra_repr(self):
        parts = [f"{self.input_size}, {self.hidden_size}"]
        if self.num_layers != 1:
            parts.append(f"num_layers={self.num_layers}")
        if not self.bias:
            parts.append("bias=False")
        if self.batch_first:
            parts.append("batch_first=True")
        if self.dropout:
            parts.append(f"dropout={self.dropout}")
        if self.bidirectional:
            parts.append("bidirectional=True")
        if self.proj_size:
            parts.append(f"proj_size={self.proj_size}")
        return ", ".join(parts)


class RNN(_RecurrentBase):
    """Elman RNN over a sequence: h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh) per layer.

    Seed 002 sec. 7.2. The weights are shared by all time steps, so their gradient is the sum
    over the steps (BPTT); with sigma_max(W_hh) < 1 that sum is dominated by recent steps and
    long-range gradients vanish, which motivates the LSTM and GRU.

    Args:
        input_size: features per step (C). hidden_size: H. num_layers: stacked layers.
        nonlinearity: 'tanh' or 'relu'. bias: use `bias_ih_l{k}`, `bias_hh_l{k}`.
        batch_first: input and output are (N, L, C) instead of (L, N, C).

    Example:
        >>> rnn = RNN(3, 5, num_layers=2)
        >>> out, h_n = rnn(Tensor.randn(7, 2, 3, seed=0))      # L=7, N=2
        >>> out.shape, h_n.shape
        ((7, 2, 5), (2, 2, 5))
    """

    kind = "RNN"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1,
                 nonlinearity: str = "tanh", bias: bool = True, batch_first: bool = False,
                 dropout: float = 0.0, bidirectional: bool = False, device=None, dtype=None):
        check_device(device, type(self).__name__)
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"RNN: nonlinearity must be 'tanh' or 'relu', got {nonlinearity!r}")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype=dtype)
        self.nonlinearity = nonlinearity
        self.reset_parameters()

    def _run_layer(self, k, inputs, h, suffix):
        w, b = self._fused_weights(k, suffix)
        hs = []
        for x_t in inputs:
            # 3 ops per step: cat, linear, tanh
            h = rnn_activation(Tensor.cat([x_t, h], dim=1).linear(w, b), self.nonlinearity)
            hs.append(h)
        return hs, h

    def extra_repr(self):
        extra = "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}"
        return super().extra_repr() + extra


class LSTM(_RecurrentBase):
    """Long short-term memory over a sequence (gates i, f, g, o per layer, as PyTorch).

    Per step and layer (the course notes (summary) sec. 8): [i, f, g, o] = W_ih x_t + b_ih + W_hh h + b_hh,
    i, f, o through sigmoid, g through tanh, c_t = f * c_{t-1} + i * g, h_t = o * tanh(c_t).
    The initial state is `(h0, c0)`, each (num_layers, N, H), zeros when None.

    Args:
        input_size: features per step (C). hidden_size: H. num_layers: stacked layers.
        bias: use `bias_ih_l{k}`, `bias_hh_l{k}`.
        batch_first: input and output are (N, L, C) instead of (L, N, C).
        peepholes: add diagonal peephole weights `weight_ci_l{k}`, `weight_cf_l{k}`,
            `weight_co_l{k}` (each (H,)), formula in `nn.rnn_cells.lstm_peephole_gates`;
            PyTorch has none.
        proj_size: if > 0, h_t = W_hr (o * tanh(c_t)) with `weight_hr_l{k}` (proj_size, H)
            (Sak et al.'s LSTMP, as PyTorch): h, h_n and the output are proj_size wide.

    Example:
        >>> lstm = LSTM(3, 5, batch_first=True)
        >>> out, (h_n, c_n) = lstm(Tensor.randn(2, 7, 3, seed=0))    # N=2, L=7
        >>> out.shape, h_n.shape, c_n.shape
        ((2, 7, 5), (1, 2, 5), (1, 2, 5))
    """

    gates = 4
    kind = "LSTM"
    has_cell = True

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 proj_size: int = 0, device=None, dtype=None, *,
                 peepholes: bool = False):
        check_device(device, type(self).__name__)
        if peepholes and proj_size:
            raise ValueError("LSTM: peepholes and proj_size cannot be combined; choose one")
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype=dtype, proj_size=proj_size)
        self.peepholes = bool(peepholes)
        if self.peepholes:
            for k in range(self.num_layers):
                for sfx in self.directions:
                    for gate in ("i", "f", "o"):
                        setattr(self, f"weight_c{gate}_l{k}{sfx}",
                                Parameter(np.empty(self.hidden_size,
                                                   dtype=self.weight_hh_l0.dtype)))
        self.reset_parameters()

    def _run_layer(self, k, inputs, state, suffix):
        w_ih, w_hh, b_ih, b_hh = self.layer_params(k, suffix)
        b = b_ih + b_hh if self.bias else None
        h, c = state
        if self.proj_size:
            w_hr = getattr(self, f"weight_hr_l{k}{suffix}")
            hs = []
            for x_t in inputs:
                # composed Tensor ops: the gates of the full H, then the projection to proj_size
                h, c = lstm_gates(x_t.linear(w_ih, b) + h.linear(w_hh), c, self.hidden_size)
                h = h.linear(w_hr)
                hs.append(h)
            return hs, (h, c)
        if self.peepholes:
            peep = tuple(getattr(self, f"weight_c{gate}_l{k}{suffix}") for gate in ("i", "f", "o"))
            hs = []
            for x_t in inputs:
                # composed Tensor ops: 2 linear, add, then the gates (lstm_peephole_gates)
                h, c = lstm_peephole_gates(x_t.linear(w_ih, b) + h.linear(w_hh), c,
                                           self.hidden_size, peep)
                hs.append(h)
            return hs, (h, c)
        # One graph node per step: the fused LSTMCell primitive on the state [h; c] (2, N, H)
        states = lstm_steps(inputs, Tensor.stack([h, c]), w_ih, w_hh, b)
        # the output takes only the h halves (half the fresh memory of joining whole states)
        return [state[0] for state in states], (states[-1][0], states[-1][1])

    def extra_repr(self):
        return super().extra_repr() + (", peepholes=True" if self.peepholes else "")


class GRU(_RecurrentBase):
    """Gated recurrent unit over a sequence (gates r, z, n per layer, as PyTorch).

    Per step and layer: r = sigmoid(W_ir x + b_ir + W_hr h + b_hr), z likewise,
    n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h' = (1 - z) * n + z * h (see
    `nn.rnn_cells.gru_gates` for how this relates to the summary notes' "gated memory units").

    Args:
        input_size: features per step (C). hidden_size: H. num_layers: stacked layers.
        bias: use `bias_ih_l{k}`, `bias_hh_l{k}`.
        batch_first: input and output are (N, L, C) instead of (L, N, C).

    Example:
        >>> gru = GRU(3, 5)
        >>> out, h_n = gru(Tensor.randn(7, 3, seed=0))         # unbatched (L, C)
        >>> out.shape, h_n.shape
        ((7, 5), (1, 5))
    """

    gates = 3
    kind = "GRU"

    def __init__(self, input_size: int, hidden_size: int, num_layers: int = 1, bias: bool = True,
                 batch_first: bool = False, dropout: float = 0.0, bidirectional: bool = False,
                 device=None, dtype=None):
        check_device(device, type(self).__name__)
        super().__init__(input_size, hidden_size, num_layers, bias, batch_first, dropout,
                         bidirectional, dtype=dtype)
        self.reset_parameters()

    def _run_layer(self, k, inputs, h, suffix):
        # one graph node per step: the fused GRUCell primitive (both matmuls and the gates)
        hs = gru_steps(inputs, h, *self.layer_params(k, suffix))
        return hs, hs[-1]
