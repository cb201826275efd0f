"""Fused recurrent cells: one primitive op per time step of an LSTM or a GRU.

Why primitives: written with Tensor ops, one LSTM step is a dozen graph nodes (two matmuls,
adds, gate activations, slices, products). At the small sizes of recurrent networks the
engine's cost per node and the fresh memory each node's result needs, not the arithmetic,
set the speed, so here one node does a whole step: both matmuls, the gates and the state
update, with the derivative written out (the course notes (summary) sec. 8 for the equations). A layer still
records one node per time step, so BPTT is still autograd summing over the unrolled steps.

Each cell has two backward paths, as `Linear` and `CrossEntropy` have: numpy with buffers
written in place when no graph is recorded, and the same formulas in Tensor ops under
create_graph, so that second derivatives (gradgradcheck, Hessian-vector products) work.

Why the projections of x are inside the cell: computing x W_ih^T for all steps at once
looks cheaper, but its (L, N, 4H) result and that result's gradient are fresh arrays of
megabytes every training step, and on Linux each fresh page costs a page fault (measured on
the W3 benchmark: three times the page faults and about 20% slower than projecting per step).
"""
from functools import lru_cache

import numpy as np

from ..function import Function
from ..grad_mode import STATE


@lru_cache(maxsize=None)
def _gate_scales(hidden, dtype):
    """Constant rows with  gates = tanh(z * scale) * scale + shift  over the LSTM's 4H columns:
    sigmoid(z) = tanh(z/2)/2 + 1/2 for the i, f, o gates and plain tanh(z) for g, so one tanh
    call serves all four gates. (The absolute error stays at machine epsilon; the relative
    precision of gates below ~1e-8 is lost, which a gate that multiplies does not notice.)"""
    scale = np.full(4 * hidden, 0.5, dtype=dtype)
    scale[2 * hidden:3 * hidden] = 1.0
    shift = scale.copy()
    shift[2 * hidden:3 * hidden] = 0.0
    scale.flags.writeable = shift.flags.writeable = False
    return scale, shift


def _project(a, w, w_t):
    """a @ w.T; with w_t, a row-major copy of w.T (OpenBLAS is up to 2x slower on the
    transposed view for these small shapes)."""
    return np.matmul(a, w.T if w_t is None else w_t)


def _sigmoid_(a):
    """sigmoid in place, as (1 + tanh(a/2)) / 2: one fast tanh instead of exp, add, divide."""
    a *= 0.5
    np.tanh(a, out=a)
    a *= 0.5
    a += 0.5
    return a


class LSTMCell(Function):
    """LSTM step f(x, s, W_ih, W_hh, b) = s' with the state s = [h; c] stacked as (2, N, H),
    gate order i, f, g, o (PyTorch), b = b_ih + b_hh; the course notes (summary) sec. 8:
        z = x W_ih^T + h W_hh^T + b,  (i, f, g, o) = (sigm, sigm, tanh, sigm)(z),
        c' = f c + i g,  h' = o tanh(c'),  s' = [h'; c'].
    With incoming (g_h, g_c) and  dc = g_c + g_h o (1 - tanh^2 c'):
        dz = (dc g i(1-i), dc c f(1-f), dc i (1-g^2), g_h tanh(c') o(1-o)),
        df/dx = dz W_ih,  df/dh = dz W_hh,  df/dc = dc f,  df/dW_ih = dz^T x,
        df/dW_hh = dz^T h,  df/db = sum of dz over the batch.
    """

    def forward(self, x, state, w_ih, w_hh, bias=None, transposed=(None, None)):
        hidden = w_hh.shape[1]
        h, c = state[0], state[1]
        dtype = np.result_type(x, state, w_ih, w_hh)
        gates = _project(h, w_hh, transposed[1]).astype(dtype, copy=False)
        gates += _project(x, w_ih, transposed[0])
        if bias is not None:
            gates += bias
        scale, shift = _gate_scales(hidden, dtype)
        gates *= scale                        # now the gate activations (i, f, g, o)
        np.tanh(gates, out=gates)
        gates *= scale
        gates += shift
        i, f = gates[:, :hidden], gates[:, hidden:2 * hidden]
        g, o = gates[:, 2 * hidden:3 * hidden], gates[:, 3 * hidden:]
        out = np.empty((2,) + h.shape, dtype=dtype)
        c_new = out[1]
        np.multiply(f, c, out=c_new)
        c_new += i * g
        np.tanh(c_new, out=out[0])
        out[0] *= o
        # saved: the gates and the output (whose c' gives tanh(c') again in backward: one
        # tanh there is cheaper than keeping another fresh array per step alive)
        self.save_for_backward(gates, out)
        return out

    def backward(self, grad):
        if STATE.grad_enabled:
            return self._backward_tensors(grad)
        need = self.needs_input_grad
        grad, x, state, w_ih, w_hh = self.values(grad)[:5]
        gates, out = self.saved
        hidden = w_hh.shape[1]
        h, c = state[0], state[1]
        g_h, g_c = grad[0], grad[1]
        i, f = gates[:, :hidden], gates[:, hidden:2 * hidden]
        g, o = gates[:, 2 * hidden:3 * hidden], gates[:, 3 * hidden:]

        tanh_c = np.tanh(out[1])
        dc = tanh_c * tanh_c                  # dc = g_c + g_h o (1 - tanh^2 c')
        np.subtract(1, dc, out=dc)
        dc *= o
        dc *= g_h
        dc += g_c
        dz = np.empty_like(gates)             # first d/d(gate), then d/dz
        np.multiply(dc, g, out=dz[:, :hidden])
        np.multiply(dc, c, out=dz[:, hidden:2 * hidden])
        np.multiply(dc, i, out=dz[:, 2 * hidden:3 * hidden])
        np.multiply(g_h, tanh_c, out=dz[:, 3 * hidden:])
        slope = gates * gates                 # gate derivatives: a - a^2 for the sigmoids,
        np.subtract(gates, slope, out=slope)
        np.subtract(1, g * g, out=slope[:, 2 * hidden:3 * hidden])     # 1 - g^2 for tanh
        dz *= slope

        grad_state = None
        if need[1]:
            grad_state = np.empty(state.shape, dtype=dz.dtype)
            np.matmul(dz, w_hh, out=grad_state[0])
            np.multiply(dc, f, out=grad_state[1])
        return (dz @ w_ih if need[0] else None, grad_state,
                dz.T @ x if need[2] else None, dz.T @ h if need[3] else None,
                dz.sum(axis=0) if len(need) > 4 and need[4] else None)

    def _backward_tensors(self, grad):
        """The same derivative in Tensor ops, the gates recomputed from the inputs, so that the
        gradient is itself differentiable (create_graph)."""
        x, state, w_ih, w_hh = self.inputs[:4]
        bias = self.inputs[4] if len(self.inputs) > 4 else None
        hidden = w_hh.shape[1]
        h, c = state[0], state[1]
        z = x.linear(w_ih, bias) + h.linear(w_hh)
        i, f = z[:, :hidden].sigmoid(), z[:, hidden:2 * hidden].sigmoid()
        g, o = z[:, 2 * hidden:3 * hidden].tanh(), z[:, 3 * hidden:].sigmoid()
        tanh_c = (f * c + i * g).tanh()
        g_h, g_c = grad[0], grad[1]
        dc = g_c + g_h * o * (1 - tanh_c * tanh_c)
        dz = x.cat([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g),
                    g_h * tanh_c * o * (1 - o)], dim=1)
        grads = (dz @ w_ih, x.stack([dz @ w_hh, dc * f]), dz.T @ x, dz.T @ h)
        return grads + ((dz.sum(axis=0),) if bias is not None else ())


class GRUCell(Function):
    """GRU step f(x, h, W_ih, W_hh, b_ih, b_hh) = h', gate order r, z, n (PyTorch):
        a = x W_ih^T + b_ih,  p = h W_hh^T + b_hh,  r = sigm(a_r + p_r),  z = sigm(a_z + p_z),
        n = tanh(a_n + r p_n),  h' = (1 - z) n + z h.
    With incoming g:  dn = g (1-z) (1-n^2),  dr = dn p_n r(1-r),  dz = g (h-n) z(1-z),
        df/da = (dr, dz, dn),  df/dp = (dr, dz, dn r),  df/dh = g z + (df/dp) W_hh,
        df/dx = (df/da) W_ih,  df/dW_ih = (df/da)^T x,  df/dW_hh = (df/dp)^T h,
        df/db_ih, df/db_hh = df/da, df/dp summed over the batch.
    Seed 002 sec. 8 ("gated memory units") writes the same unit with z and 1 - z swapped and
    r applied to h before the matrix; PyTorch (Cho et al. 2014) applies r after W_hn h + b_hn.
    """

    def forward(self, x, h, w_ih, w_hh, b_ih=None, b_hh=None, transposed=(None, None)):
        hidden = w_hh.shape[1]
        dtype = np.result_type(x, h, w_ih, w_hh)
        gates = _project(x, w_ih, transposed[0]).astype(dtype, copy=False)    # becomes r, z, n
        p = _project(h, w_hh, transposed[1])
        if b_ih is not None:
            gates += b_ih
            p += b_hh
        rz = gates[:, :2 * hidden]
        rz += p[:, :2 * hidden]
        _sigmoid_(rz)
        r, z = gates[:, :hidden], gates[:, hidden:2 * hidden]
        n = gates[:, 2 * hidden:]
        n += r * p[:, 2 * hidden:]
        np.tanh(n, out=n)
        out = h - n                            # h' = n + z (h - n)
        out *= z
        out += n
        self.save_for_backward(gates, p)
        return out

    def backward(self, grad):
        if STATE.grad_enabled:
            return self._backward_tensors(grad)
        need = self.needs_input_grad
        grad, x, h, w_ih, w_hh = self.values(grad)[:5]
        gates, p = self.saved
        hidden = w_hh.shape[1]
        r, z, n = gates[:, :hidden], gates[:, hidden:2 * hidden], gates[:, 2 * hidden:]
        da = np.empty_like(gates)             # d/d(x W_ih^T + b_ih), blocks r, z, n
        dr, dz, dn = da[:, :hidden], da[:, hidden:2 * hidden], da[:, 2 * hidden:]
        np.subtract(1, n * n, out=dn)         # dn = g (1 - z) (1 - n^2)
        dn *= grad
        dn -= dn * z
        np.multiply(dn, p[:, 2 * hidden:], out=dr)
        dr *= r - r * r
        np.subtract(h, n, out=dz)             # dz = g (h - n) z (1 - z)
        dz *= grad
        dz *= z - z * z
        dp = da.copy()                        # d/d(h W_hh^T + b_hh): the n block is dn * r
        dp[:, 2 * hidden:] *= r

        grad_h = None
        if need[1]:
            grad_h = dp @ w_hh
            grad_h += grad * z
        grads = (da @ w_ih if need[0] else None, grad_h,
                 da.T @ x if need[2] else None, dp.T @ h if need[3] else None)
        if len(need) > 4:
            grads += (da.sum(axis=0) if need[4] else None, dp.sum(axis=0) if need[5] else None)
        return grads

    def _backward_tensors(self, grad):
        """The same derivative in Tensor ops, for create_graph (see LSTMCell)."""
        x, h, w_ih, w_hh = self.inputs[:4]
        b_ih, b_hh = self.inputs[4:] if len(self.inputs) > 4 else (None, None)
        hidden = w_hh.shape[1]
        a, p = x.linear(w_ih, b_ih), h.linear(w_hh, b_hh)
        r = (a[:, :hidden] + p[:, :hidden]).sigmoid()
        z = (a[:, hidden:2 * hidden] + p[:, hidden:2 * hidden]).sigmoid()
        p_n = p[:, 2 * hidden:]
        n = (a[:, 2 * hidden:] + r * p_n).tanh()
        dn = grad * (1 - z) * (1 - n * n)
        dr = dn * p_n * r * (1 - r)
        dz = grad * (h - n) * z * (1 - z)
        da, dp = x.cat([dr, dz, dn], dim=1), x.cat([dr, dz, dn * r], dim=1)
        grads = (da @ w_ih, grad * z + dp @ w_hh, da.T @ x, dp.T @ h)
        if b_ih is not None:
            grads += (da.sum(axis=0), dp.sum(axis=0))
        return grads


# ---------------------------------------------------------------- checked entry points

def _check_cell(op, x, state, w_ih, w_hh, biases, gates):
    """Raise a ValueError naming `op` unless the shapes fit one step of a `gates`-gate cell."""
    hidden = w_hh.shape[-1]
    n_in = w_ih.shape[-1] if w_ih.ndim == 2 else None
    batch = x.shape[0] if x.ndim else 1
    state_shape = (2, batch, hidden) if op == "lstm_cell" else (batch, hidden)
    problems = []
    if w_hh.ndim != 2 or w_hh.shape[0] != gates * hidden:
        problems.append(f"weight_hh of shape {w_hh.shape} should be ({gates}*H, H)")
    elif w_ih.ndim != 2 or w_ih.shape[0] != gates * hidden:
        problems.append(f"weight_ih of shape {w_ih.shape} should be ({gates * hidden}, I)")
    elif x.ndim != 2 or x.shape[1] != n_in:
        problems.append(f"input of shape {x.shape} should be (N, {n_in})")
    elif state.shape != state_shape:
        problems.append(f"state of shape {state.shape} should be {state_shape}"
                        + (" = [h; c] stacked" if op == "lstm_cell" else " (N, H)"))
    for b in biases:
        if b is not None and b.shape != (gates * hidden,):
            problems.append(f"bias of shape {b.shape} should be ({gates * hidden},)")
    if problems:
        raise ValueError(f"{op}: {problems[0]}; for hidden size H = {hidden}, input size I and "
                         f"batch N the shapes are x (N, I), weight_ih ({gates}H, I), weight_hh "
                         f"({gates}H, H)")


def lstm_cell(x, state, weight_ih, weight_hh, bias=None):
    """One LSTM step as one graph node: the new state [h'; c'] of shape (2, N, H).

    Args:
        x: input (N, I).
        state: [h; c] stacked, (2, N, H) (e.g. `Tensor.stack([h, c])`).
        weight_ih, weight_hh: (4H, I) and (4H, H), gates i, f, g, o as in PyTorch.
        bias: b_ih + b_hh, (4H,), or None.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> s = lstm_cell(Tensor.ones(2, 3), Tensor.zeros(2, 2, 5), Tensor.ones(20, 3),
        ...               Tensor.ones(20, 5))
        >>> s.shape, s[0].shape          # s[0] is h', s[1] is c'
        ((2, 2, 5), (2, 5))
    """
    _check_cell("lstm_cell", x, state, weight_ih, weight_hh, (bias,), 4)
    extra = () if bias is None else (bias,)
    return LSTMCell.apply(x, state, weight_ih, weight_hh, *extra)


def gru_cell(x, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """One GRU step as one graph node: h' of shape (N, H) (gates r, z, n as in PyTorch).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> gru_cell(Tensor.ones(2, 3), Tensor.zeros(2, 5), Tensor.ones(15, 3),
        ...          Tensor.ones(15, 5)).shape
        (2, 5)
    """
    _check_cell("gru_cell", x, h, weight_ih, weight_hh, (bias_ih, bias_hh), 3)
    if (bias_ih is None) != (bias_hh is None):
        raise ValueError("gru_cell: give both bias_ih and bias_hh or neither (b_hn must stay "
                         "inside r * (W_hn h + b_hn), so the two cannot be merged)")
    extra = () if bias_ih is None else (bias_ih, bias_hh)
    return GRUCell.apply(x, h, weight_ih, weight_hh, *extra)


def _transposed(*weights):
    """Row-major copies of w.T, made once per sequence and shared by all its steps."""
    return tuple(np.ascontiguousarray(w.data.T) for w in weights)


def lstm_steps(inputs, state, weight_ih, weight_hh, bias=None):
    """Run `lstm_cell` over a sequence: a list of (N, I) inputs -> the list of states (2, N, H).

    The graph gets one node per step (BPTT is autograd through them). Unlike calling
    `lstm_cell` in a loop, the transposed weights are copied to row-major once for the whole
    sequence, which makes each step's matmuls faster.
    """
    inputs = list(inputs)
    if not inputs:
        return []
    _check_cell("lstm_cell", inputs[0], state, weight_ih, weight_hh, (bias,), 4)
    extra = () if bias is None else (bias,)
    transposed = _transposed(weight_ih, weight_hh)
    states = []
    for x in inputs:
        state = LSTMCell.apply(x, state, weight_ih, weight_hh, *extra, transposed=transposed)
        states.append(state)
    return states


def gru_steps(inputs, h, weight_ih, weight_hh, bias_ih=None, bias_hh=None):
    """Run `gru_cell` over a sequence: a list of (N, I) inputs -> the list of h's (N, H).

    One node per step, with the transposed weights made row-major once (see `lstm_steps`).
    """
    inputs = list(inputs)
    if not inputs:
        return []
    _check_cell("gru_cell", inputs[0], h, weight_ih, weight_hh, (bias_ih, bias_hh), 3)
    extra = () if bias_ih is None else (bias_ih, bias_hh)
    transposed = _transposed(weight_ih, weight_hh)
    hs = []
    for x in inputs:
        h = GRUCell.apply(x, h, weight_ih, weight_hh, *extra, transposed=transposed)
        hs.append(h)
    return hs
