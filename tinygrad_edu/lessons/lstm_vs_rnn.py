"""Lesson: an LSTM carries information across a long gap where a plain RNN loses it.

The course notes (summary), sec. 8 (memory and attention: the LSTM). The task: the first step of a
sequence holds a random bit (+-1 on channel 0), every step holds noise (channel 1), and the label is
that first bit, read from the last hidden state T steps later. A tanh RNN's gradient to the first
step shrinks like a product of T Jacobians (see the `rnn_gradients` lesson), so with a long gap it
learns little; the LSTM's cell state c_t = f_t * c_(t-1) + i_t * g_t passes the gradient through the
forget gates almost unchanged and learns the task. The forget-gate bias starts at 3 (sigma(3) =
0.95): with the usual 1 (sigma(1) = 0.73) the cell keeps 0.73^40 ~ 3e-6 of the bit after 40 steps
and the LSTM, too, stayed at chance in our runs. Both models have the same hidden size, optimiser
(Adam, lr 0.01), steps and data.
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
        if cell == "lstm":          # forget-gate bias 1 (gates i, f, g, o)
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
    checks = {"LSTM learns the long dependency (accuracy >= 0.95)": accuracy["lstm"] >= 0.95,
              "plain RNN stays near chance (accuracy < 0.7)": accuracy["rnn"] < 0.7}
    window = 10
    smooth = {f"{cell.upper()} loss": np.convolve(losses, np.ones(window) / window, "valid")
              for cell, (losses, _) in results.items()}
    figure = plot_lines(out_dir, "lstm_vs_rnn.png", smooth, xlabel="step",
                        ylabel="training loss (moving average)",
                        title=f"Remember the first bit for T = {T} steps")
    return {"T": T, "accuracy": accuracy, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
