"""Lesson: an LSTM carries information across a long gap where a plain RNN loses it.

The course notes (summary), sec. 8 (memory and attention: the LSTM). The task: the first step of a
sequence holds a random bit (+-1 on channel 0), every step holds noise (channel 1), and the label is
that first bit, read from the last hidden state T steps later. A tanh RNN's gradient to the first
step shrinks like a product of T Jacobians (see the `rnn_gradients` lesson), so with a long gap it
learns little; the LSTM's cell state c_t = f_t * c_(t-1) + i_t * g_t passes the gradient through the
forget gates almost unchanged and learns the task. The forget-gate bias starts at 3 (sigma(3) =
0.95): with the usual 1 (sigma(1) = 0.73) the cell keeps 0.73^40 ~ 3e-6 of the bit after 40 steps
and the LSTM, too, stayed at chance in our runs. Both models have the same hidden size, optimiser
(Adam, lr 0.01), steps and data. The check is two-sided: the LSTM must learn (accuracy >= 0.95)
and the RNN must stay at chance (0.4 < accuracy < 0.6; the standard error on 1000 test sequences
is 0.016).

The notes also give the LSTM with peepholes, gates that look at the cell,
i_t = sigma(W_i [c_(t-1), h_(t-1), x_t] + b_i) and likewise f_t, o_t, and the GRU,
z_t = sigma(W_z [h_(t-1), x_t]), r_t = sigma(W_r [h_(t-1), x_t]),
h~_t = tanh(W [r_t * h_(t-1), x_t]), h_t = (1 - z_t) h_(t-1) + z_t h~_t. The lesson checks one
step of `nn.LSTM(peepholes=True)` against the peephole equations written out in numpy (diagonal
peephole weights; the output gate looks at the new cell c_t, as in Gers et al. 2002), and one
step of `nn.GRU` against its equations. `nn.GRU` is PyTorch's unit: its z is the notes' 1 - z,
and r multiplies W_hn h after the matrix instead of h before it -- a slightly different unit from
the notes', and the lesson prints how far the two are apart on the same weights.
"""
import numpy as np
from tqdm import tqdm

import tinygrad_edu
from tinygrad_edu import Tensor, nn, optim
from tinygrad_edu.nn import functional as F
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 8 (memory: LSTM, with peepholes, and GRU)"

FORGET_BIAS = 3.0     # sigma(3) = 0.95: the cell keeps 0.95^T of its content at initialisation


def first_bit_task(n: int, T: int, rng):
    """x of shape (T, n, 2): the bit at t = 0 on channel 0, noise on channel 1; y the bit in {0, 1}."""
    bits = rng.integers(0, 2, n)
    x = np.zeros((T, n, 2))
    x[0, :, 0] = 2 * bits - 1
    x[:, :, 1] = rng.normal(size=(T, n))
    return x, bits.astype(np.float64)


class Reader(nn.Module):
    """A recurrent layer followed by a linear read-out of the last hidden state."""

    def __init__(self, cell: str, hidden: int):
        super().__init__()
        self.rnn = nn.LSTM(2, hidden) if cell == "lstm" else nn.RNN(2, hidden)
        if cell == "lstm":          # forget-gate bias FORGET_BIAS (gate order i, f, g, o)
            self.rnn.bias_ih_l0.data[hidden:2 * hidden] = FORGET_BIAS
        self.out = nn.Linear(hidden, 1)

    def forward(self, x):
        """Logits of shape (N,) from the hidden state after the last step of x (T, N, 2)."""
        output, _ = self.rnn(x)
        return self.out(output[-1]).reshape(-1)


def train(cell: str, T: int, steps: int, seed: int, hidden: int = 16):
    """Train one model; returns (loss per step, test accuracy)."""
    tinygrad_edu.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = Reader(cell, hidden)
    opt = optim.Adam(model.parameters(), lr=0.01)
    losses = []
    for _ in tqdm(range(steps), desc=f"training the {cell.upper()}", leave=False, disable=None):
        x, y = first_bit_task(64, T, rng)
        opt.zero_grad()
        loss = F.binary_cross_entropy_with_logits(model(Tensor(x, dtype=np.float32)),
                                                  Tensor(y, dtype=np.float32))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    x, y = first_bit_task(1000, T, rng)
    with tinygrad_edu.no_grad():
        accuracy = float(np.mean((model(Tensor(x, dtype=np.float32)).data > 0) == (y > 0.5)))
    return np.array(losses), accuracy


def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def gate_equation_gaps(seed: int, hidden: int = 3, inputs: int = 2):
    """One step of nn.LSTM(peepholes=True) and nn.GRU against the notes' equations in numpy.

    Returns (peephole LSTM gap, GRU gap, largest difference between nn.GRU and the notes' GRU
    variant with r applied before the matrix).
    """
    tinygrad_edu.manual_seed(seed)
    rng = np.random.default_rng(seed)
    x, h, c = rng.normal(size=(1, inputs)), rng.normal(size=(1, hidden)), rng.normal(size=(1, hidden))
    lstm = nn.LSTM(inputs, hidden, peepholes=True, dtype=np.float64)
    for name in ("weight_ci_l0", "weight_cf_l0", "weight_co_l0"):
        getattr(lstm, name).data[...] = rng.normal(size=hidden)
    W, U = lstm.weight_ih_l0.data, lstm.weight_hh_l0.data
    z = x @ W.T + h @ U.T + lstm.bias_ih_l0.data + lstm.bias_hh_l0.data
    H = hidden
    i = _sigmoid(z[:, :H] + lstm.weight_ci_l0.data * c)
    f = _sigmoid(z[:, H:2 * H] + lstm.weight_cf_l0.data * c)
    c_new = f * c + i * np.tanh(z[:, 2 * H:3 * H])
    o = _sigmoid(z[:, 3 * H:] + lstm.weight_co_l0.data * c_new)
    out, (h_t, c_t) = lstm(Tensor(x[None]), (Tensor(h[None]), Tensor(c[None])))
    peephole_gap = max(float(np.max(np.abs(h_t.data[0] - o * np.tanh(c_new)))),
                       float(np.max(np.abs(c_t.data[0] - c_new))))
    gru = nn.GRU(inputs, hidden, dtype=np.float64)
    Wx, Wh = gru.weight_ih_l0.data, gru.weight_hh_l0.data
    bx, bh = gru.bias_ih_l0.data, gru.bias_hh_l0.data
    r = _sigmoid(x @ Wx[:H].T + bx[:H] + h @ Wh[:H].T + bh[:H])
    keep = _sigmoid(x @ Wx[H:2 * H].T + bx[H:2 * H] + h @ Wh[H:2 * H].T + bh[H:2 * H])   # notes' 1 - z
    candidate = np.tanh(x @ Wx[2 * H:].T + bx[2 * H:] + r * (h @ Wh[2 * H:].T + bh[2 * H:]))
    expected = keep * h + (1 - keep) * candidate
    _, h_gru = gru(Tensor(x[None]), Tensor(h[None]))
    gru_gap = float(np.max(np.abs(h_gru.data[0] - expected)))
    notes_candidate = np.tanh(x @ Wx[2 * H:].T + bx[2 * H:] + (r * h) @ Wh[2 * H:].T + bh[2 * H:])
    notes_difference = float(np.max(np.abs(keep * h + (1 - keep) * notes_candidate - expected)))
    return peephole_gap, gru_gap, notes_difference


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Train an RNN and an LSTM on the first-bit task with a long gap; compare accuracies.

    Example:
        >>> r = run(quick=True)
        >>> r["accuracy"]["lstm"] > r["accuracy"]["rnn"]
        True
    """
    T, steps = (40, 120) if quick else (60, 400)
    results = {cell: train(cell, T, steps, seed) for cell in ("rnn", "lstm")}
    accuracy = {cell: acc for cell, (_, acc) in results.items()}
    print(f"  gap T = {T}, {steps} Adam steps of 64 sequences; test accuracy "
          f"RNN {accuracy['rnn']:.3f}, LSTM {accuracy['lstm']:.3f} (chance 0.5)")
    peephole_gap, gru_gap, notes_difference = gate_equation_gaps(seed)
    print(f"  one step of nn.LSTM(peepholes=True) vs the peephole equations: {peephole_gap:.1e}; "
          f"nn.GRU vs its equations: {gru_gap:.1e}")
    print(f"  (the notes' GRU, with r applied to h before the matrix, differs from nn.GRU by "
          f"{notes_difference:.2f} on the same weights)")
    checks = {"LSTM learns the long dependency (accuracy >= 0.95)": accuracy["lstm"] >= 0.95,
              "plain RNN stays at chance (0.4 < accuracy < 0.6)": 0.4 < accuracy["rnn"] < 0.6,
              "nn.LSTM(peepholes=True) and nn.GRU follow the gate equations":
                  peephole_gap < 1e-12 and gru_gap < 1e-12}
    window = 10
    smooth = {f"{cell.upper()} loss": np.convolve(losses, np.ones(window) / window, "valid")
              for cell, (losses, _) in results.items()}
    figure = plot_lines(out_dir, "lstm_vs_rnn.png", smooth, xlabel="step",
                        ylabel="training loss (moving average)",
                        title=f"Remember the first bit for T = {T} steps")
    return {"T": T, "accuracy": accuracy, "gate_gaps": (peephole_gap, gru_gap), "checks": checks,
            "ok": all_hold(checks),
            "figures": [figure] if figure else []}
