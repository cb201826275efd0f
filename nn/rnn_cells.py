"""One time step of the recurrent networks: RNNCell, LSTMCell, GRUCell, and the gate maths they
share with the multi-layer RNN, LSTM and GRU of `nn/recurrent.py`.

Why cells: a cell is the body of the loop that a recurrent network unrolls over time (summary notes,
section 7.2: h^t = F(h^{t-1}, x^t)). Writing your own loop over a cell makes BPTT visible: every
step adds nodes to the graph, and the gradient of the shared weights is the sum over the steps.

Parameter names, shapes, gate order and initialisation are exactly PyTorch's (`weight_ih`
(gates*H, I), `weight_hh` (gates*H, H), `bias_ih`, `bias_hh`, all U(-1/sqrt(H), 1/sqrt(H))), so
a PyTorch state dict loads unchanged. No hand-written backward here: LSTMCell and GRUCell
call the engine's fused cell primitives (`tinygrad_edu.ops.recurrent`, one graph node per step,
gradcheck-tested there), everything else composes Tensor ops. The composed gate functions below
(`lstm_gates`, `gru_gates`) are the same maths written out, used by the peephole LSTM and as
references in the tests.
"""
import math

import numpy as np

from tinygrad_edu import Tensor, get_default_dtype
from tinygrad_edu.ops.recurrent import lstm_cell, gru_cell
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import init

NONLINEARITIES = ("tanh", "relu")


# ---------------------------------------------------------------- gate maths (shared with layers)

def rnn_activation(z, nonlinearity):
    """h = tanh(z) or relu(z): the Elman RNN, the course notes (summary) sec. 7.2, F = sigma o F_bar."""
    return z.tanh() if nonlinearity == "tanh" else z.relu()


def lstm_gates(z, c, hidden, peepholes=None, halved=False):
    """One LSTM update from the pre-activations `z` (N, 4H), gate order i, f, g, o as PyTorch.

    Seed 002 sec. 8:  i, f, o = sigmoid(.), g = tanh(.),  c' = f * c + i * g,  h' = o * tanh(c').

    With `halved=True` the caller has folded a factor 1/2 into the i, f, o rows of its weights
    and bias, so z holds (z_i/2, z_f/2, z_g, z_o/2) and one tanh gives all four gates through
    sigmoid(z) = (1 + tanh(z/2)) / 2 (the fused cell `tinygrad_edu.ops.recurrent.LSTMCell` uses
    the same identity inside).

    This is the LSTM step as composed Tensor ops (about a dozen graph nodes); the layers and
    `LSTMCell` without peepholes run the fused one-node primitive instead, and the tests check
    that both agree.

    With `peepholes = (w_ci, w_cf, w_co)` see `lstm_peephole_gates`.

    Returns (h', c').
    """
    if peepholes is not None:
        return lstm_peephole_gates(z, c, hidden, peepholes)
    if halved:
        t = z.tanh()
        s = t * 0.5 + 0.5                  # sigmoid of the i, f, o pre-activations
        g = t[:, 2 * hidden:3 * hidden]
    else:
        s = z.sigmoid()                    # all 4H columns at once; the g block goes unused
        g = z[:, 2 * hidden:3 * hidden].tanh()
    i, f, o = s[:, :hidden], s[:, hidden:2 * hidden], s[:, 3 * hidden:]
    c = f * c + i * g
    return o * c.tanh(), c


def lstm_peephole_gates(z, c, hidden, peepholes):
    """LSTM update whose gates also look at the cell, through diagonal weights (w_ci, w_cf, w_co).

    Gers & Schmidhuber 2000; the summary notes, sec. 8, write the full form W . [C_{t-1}, h_{t-1}, x_t]:
        i = sigmoid(z_i + w_ci * c),  f = sigmoid(z_f + w_cf * c),  g = tanh(z_g),
        c' = f * c + i * g,  o = sigmoid(z_o + w_co * c'),  h' = o * tanh(c').
    The output gate peeks at the *new* cell c', as in Gers et al. 2002 (the OCR of the summary notes shows
    C_{t-1} there); the input and forget gates see the old cell c.

    Returns (h', c').
    """
    w_ci, w_cf, w_co = peepholes
    i = (z[:, :hidden] + w_ci * c).sigmoid()
    f = (z[:, hidden:2 * hidden] + w_cf * c).sigmoid()
    c = f * c + i * z[:, 2 * hidden:3 * hidden].tanh()
    o = (z[:, 3 * hidden:] + w_co * c).sigmoid()
    return o * c.tanh(), c


def gru_gates(xp, hp, h, hidden):
    """One GRU update from xp = W_ih x + b_ih and hp = W_hh h + b_hh (N, 3H), order r, z, n.

        r = sigmoid(xp_r + hp_r),  z = sigmoid(xp_z + hp_z),  n = tanh(xp_n + r * hp_n),
        h' = (1 - z) * n + z * h  (computed as n + z * (h - n): one op fewer).

    This is PyTorch's GRU. Seed 002 sec. 8 ("gated memory units") writes the same unit with the
    roles of z and 1 - z swapped (h_t = (1 - z) h_{t-1} + z h~) and r applied to h before the
    matrix; PyTorch (Cho et al. 2014 variant) applies r after W_hn, so b_hn sits inside r * (.).
    """
    a = xp + hp                            # the n block of `a` is unused (one add for r and z)
    rz = a[:, :2 * hidden].sigmoid()
    r, z = rz[:, :hidden], rz[:, hidden:]
    n = (xp[:, 2 * hidden:] + r * hp[:, 2 * hidden:]).tanh()
    return n + z * (h - n)


# ---------------------------------------------------------------- gates as separate nodes (viz)

def _named(t, name):
    t.name = name
    return t


def lstm_gate_view(z, c, hidden):
    """The LSTM step with each gate its own named graph node, for pictures (`viz.draw_recurrent`).

    Same maths as `lstm_gates` (summary notes, sec. 8), written gate by gate so a drawn graph shows
    i, f, g, o, the new cell c and the new state h. Slower than the fused primitive: it is for
    looking at, the default path stays fused. Returns (h', c').
    """
    i = _named(z[:, :hidden].sigmoid(), "i (input gate)")
    f = _named(z[:, hidden:2 * hidden].sigmoid(), "f (forget gate)")
    g = _named(z[:, 2 * hidden:3 * hidden].tanh(), "g (candidate)")
    o = _named(z[:, 3 * hidden:].sigmoid(), "o (output gate)")
    c = _named(f * c + i * g, "c = f*c + i*g")
    return _named(o * c.tanh(), "h = o*tanh(c)"), c


def gru_gate_view(xp, hp, h, hidden):
    """The GRU step (as `gru_gates`, PyTorch's order r, z, n) with each gate a named node."""
    r = _named((xp[:, :hidden] + hp[:, :hidden]).sigmoid(), "r (reset gate)")
    z = _named((xp[:, hidden:2 * hidden] + hp[:, hidden:2 * hidden]).sigmoid(), "z (update gate)")
    n = _named((xp[:, 2 * hidden:] + r * hp[:, 2 * hidden:]).tanh(), "n (candidate)")
    return _named(n + z * (h - n), "h = n + z*(h-n)")


# ---------------------------------------------------------------- checks and init

def _as_tensor(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def check_float(layer, what, t):
    """Raise a TypeError naming `layer` unless `t` has a floating dtype."""
    if t.dtype.kind != "f":
        raise TypeError(f"{layer}: {what} has dtype {t.dtype}; recurrent layers need floating "
                        f"point input, e.g. x.float() or Tensor(data, dtype=np.float32)")


def uniform_init(module, hidden_size):
    """PyTorch's recurrent init: every parameter from U(-1/sqrt(H), 1/sqrt(H)).

    Why this scale: the recurrent sum over H inputs then has a variance of order 1/3, so the
    gates start in the responsive middle of sigmoid and tanh rather than saturated.
    """
    bound = 1.0 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
    for p in module.parameters():
        init.uniform_(p, -bound, bound)


class _CellBase(Module):
    """Parameters, init, input checks and repr shared by the three cells."""

    gates = 1
    kind = "RNNCell"
    # True: the LSTM/GRU step as one named node per gate (for drawing), not the fused primitive
    unfused = False

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        for name, value in (("input_size", input_size), ("hidden_size", hidden_size)):
            if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"{self.kind}: {name} must be a positive integer, got {value!r}")
        self.input_size, self.hidden_size, self.bias = int(input_size), int(hidden_size), bias
        dtype = dtype or get_default_dtype()
        rows = self.gates * self.hidden_size
        self.weight_ih = Parameter(np.empty((rows, self.input_size), dtype=dtype))
        self.weight_hh = Parameter(np.empty((rows, self.hidden_size), dtype=dtype))
        if bias:
            self.bias_ih = Parameter(np.empty(rows, dtype=dtype))
            self.bias_hh = Parameter(np.empty(rows, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)

    def reset_parameters(self):
        """Draw fresh weights from U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), as PyTorch."""
        uniform_init(self, self.hidden_size)

    def _name(self):
        return f"{self.kind}({self.input_size}, {self.hidden_size})"

    def _check_input(self, x):
        """x as a 2-D (N, I) tensor, and whether it came unbatched as (I,)."""
        x = _as_tensor(x)
        check_float(self._name(), "input", x)
        if x.ndim not in (1, 2) or x.shape[-1] != self.input_size:
            raise ValueError(f"{self._name()}: input of shape {x.shape}, expected (N, "
                             f"{self.input_size}) or unbatched ({self.input_size},): one time "
                             f"step of input_size={self.input_size} features (loop over the "
                             f"sequence, or use the multi-step layer for (L, N, C) input)")
        return (x.unsqueeze(0), True) if x.ndim == 1 else (x, False)

    def _check_state(self, state, what, x, unbatched):
        """A state (h or c) as (N, H): zeros when None, else checked against the input's batch."""
        n = x.shape[0]
        if state is None:
            return Tensor.zeros(n, self.hidden_size, dtype=self.weight_hh.dtype)
        state = _as_tensor(state)
        expected = (self.hidden_size,) if unbatched else (n, self.hidden_size)
        if state.shape != expected:
            raise ValueError(f"{self._name()}: {what} of shape {state.shape} does not fit input "
                             f"of shape {x.shape[1:] if unbatched else x.shape}; expected "
                             f"{expected} (batch, hidden_size)")
        return state.unsqueeze(0) if unbatched else state

    def _project(self, x, h):
        """W_ih x + b_ih + W_hh h + b_hh: the pre-activations of all gates, (N, gates*H)."""
        return x.linear(self.weight_ih, self.bias_ih) + h.linear(self.weight_hh, self.bias_hh)

    def extra_repr(self):
        return f"{self.input_size}, {self.hidden_size}" + ("" if self.bias else ", bias=False")


class RNNCell(_CellBase):
    """One step of an Elman RNN: h' = tanh(W_ih x + b_ih + W_hh h + b_hh) (or relu).

    The building block of the course notes (summary) sec. 7.2; loop over time yourself to see BPTT at work.

    Args:
        input_size: features per time step (I).
        hidden_size: size of the hidden state (H).
        bias: add `bias_ih` and `bias_hh`.
        nonlinearity: 'tanh' or 'relu'.

    Example:
        >>> cell = RNNCell(3, 5)
        >>> h = None
        >>> for x_t in Tensor.randn(4, 2, 3, seed=0):     # 4 steps, batch 2
        ...     h = cell(x_t, h)
        >>> h.shape
        (2, 5)
    """

    kind = "RNNCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        check_device(device, type(self).__name__)
        if nonlinearity not in NONLINEARITIES:
            raise ValueError(f"RNNCell: nonlinearity must be 'tanh' or 'relu', got "
                             f"{nonlinearity!r}")
        super().__init__(input_size, hidden_size, bias, dtype=dtype)
        self.nonlinearity = nonlinearity
        self.reset_parameters()

    def forward(self, x, h=None):
        """x (N, I) or (I,), h (N, H) or None (zeros) -> h' of the same batch shape."""
        x, unbatched = self._check_input(x)
        h = self._check_state(h, "h", x, unbatched)
        h = rnn_activation(self._project(x, h), self.nonlinearity)
        return h.squeeze(0) if unbatched else h

    def extra_repr(self):
        extra = "" if self.nonlinearity == "tanh" else f", nonlinearity={self.nonlinearity!r}"
        return super().extra_repr() + extra


class LSTMCell(_CellBase):
    """One step of an LSTM (gates i, f, g, o, as PyTorch; the course notes (summary) sec. 8), one graph node.

    The cell state c is updated additively, c' = f * c + i * g, so the gradient along c is
    multiplied only by the forget gate from step to step: that is why an LSTM remembers over
    long spans where a plain RNN's gradient vanishes.

    Args:
        input_size: features per time step (I).
        hidden_size: size of h and c (H).
        bias: add `bias_ih` and `bias_hh`.
        peepholes: add the diagonal peephole weights `weight_ci`, `weight_cf`, `weight_co`
            (each (H,)), see `lstm_gates`; a PyTorch state dict has no such keys.

    Example:
        >>> cell = LSTMCell(3, 5)
        >>> h, c = cell(Tensor.randn(2, 3, seed=0))
        >>> h.shape, c.shape
        ((2, 5), (2, 5))
    """

    gates = 4
    kind = "LSTMCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None, *, peepholes: bool = False):
        check_device(device, type(self).__name__)
        super().__init__(input_size, hidden_size, bias, dtype=dtype)
        self.peepholes = bool(peepholes)
        if self.peepholes:
            for name in ("weight_ci", "weight_cf", "weight_co"):
                setattr(self, name, Parameter(np.empty(self.hidden_size,
                                                       dtype=self.weight_hh.dtype)))
        self.reset_parameters()

    def forward(self, x, hx=None):
        """x (N, I) or (I,), hx = (h, c) each (N, H), or None (zeros) -> (h', c')."""
        x, unbatched = self._check_input(x)
        if hx is None:
            hx = (None, None)
        elif not isinstance(hx, (tuple, list)) or len(hx) != 2:
            raise TypeError(f"{self._name()}: hx must be a tuple (h, c) or None, got "
                            f"{type(hx).__name__}")
        h = self._check_state(hx[0], "h", x, unbatched)
        c = self._check_state(hx[1], "c", x, unbatched)
        if self.peepholes:
            peep = (self.weight_ci, self.weight_cf, self.weight_co)
            h, c = lstm_peephole_gates(self._project(x, h), c, self.hidden_size, peep)
        elif self.unfused:                  # gate by gate, for pictures (viz.draw_recurrent)
            h, c = lstm_gate_view(self._project(x, h), c, self.hidden_size)
        else:
            # the fused primitive: one graph node for both matmuls, the gates and the update
            bias = self.bias_ih + self.bias_hh if self.bias else None
            state = lstm_cell(x, Tensor.stack([h, c]), self.weight_ih, self.weight_hh, bias)
            h, c = state[0], state[1]
        return (h.squeeze(0), c.squeeze(0)) if unbatched else (h, c)

    def extra_repr(self):
        return super().extra_repr() + (", peepholes=True" if self.peepholes else "")


class GRUCell(_CellBase):
    """One step of a GRU (gates r, z, n, as PyTorch; see `gru_gates` for the equations), one
    graph node (the fused `tinygrad_edu.ops.recurrent.GRUCell` primitive).

    Two gates instead of the LSTM's three and no separate cell: h' interpolates between the old
    state and a candidate n, so, like the LSTM's cell, h can be carried over many steps.

    Example:
        >>> cell = GRUCell(3, 5)
        >>> cell(Tensor.randn(2, 3, seed=0)).shape
        (2, 5)
    """

    gates = 3
    kind = "GRUCell"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        check_device(device, type(self).__name__)
        super().__init__(input_size, hidden_size, bias, dtype=dtype)
        self.reset_parameters()

    def forward(self, x, h=None):
        """x (N, I) or (I,), h (N, H) or None (zeros) -> h' of the same batch shape."""
        x, unbatched = self._check_input(x)
        h = self._check_state(h, "h", x, unbatched)
        if self.unfused:                    # gate by gate, for pictures (viz.draw_recurrent)
            h = gru_gate_view(x.linear(self.weight_ih, self.bias_ih),
                              h.linear(self.weight_hh, self.bias_hh), h, self.hidden_size)
        else:
            h = gru_cell(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h.squeeze(0) if unbatched else h
