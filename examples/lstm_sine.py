"""An LSTM continues a sine wave it has seen for 20 steps.

What it teaches: one sample of a wave says nothing about where it goes next; the network
must infer the frequency and phase from several steps, so it needs memory (the LSTM's cell,
the course notes). Its error is set against two baselines a sceptic would propose: always
predicting 0 (the mean) and repeating the last value seen. Then the trained LSTM continues
one wave for 30 steps in two ways: one step ahead from the true values (what it was trained
for: it tracks the wave) and on its own predictions (each prediction becomes the next input:
small errors compound and the wave drifts, the "exposure bias" of sequence models). The
picture shows both against the true continuation.

Run: python examples/lstm_sine.py [--quick] [--out DIR] [--seed N]
"""
import argparse
import os
import sys

import numpy as np

from tinygrad_edu import Tensor, manual_seed, nn, no_grad, optim, viz
from tinygrad_edu.data import sine_continuation
from tinygrad_edu.train import fit

SEQ_LEN = 20


class NextValue(nn.Module):
    """LSTM(1 -> hidden), batch first, and a linear read-out of the last step's state."""

    def __init__(self, hidden: int = 32):
        super().__init__()
        self.lstm = nn.LSTM(1, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        out, _ = self.lstm(x)                    # (N, L, H)
        return self.head(out[:, -1])             # (N, 1)


def one_step_ahead(model, wave, steps):
    """Predict each of the last `steps` values of `wave` from the SEQ_LEN true values before it."""
    windows = np.stack([wave[t - SEQ_LEN:t] for t in range(len(wave) - steps, len(wave))])
    model.eval()
    with no_grad():
        return model(Tensor(windows[:, :, None].astype(np.float32))).data[:, 0]


def roll_out(model, window, steps):
    """Feed the model's predictions back as inputs, `steps` times; returns the predictions."""
    window = list(window)
    predicted = []
    model.eval()
    with no_grad():
        for _ in range(steps):
            x = Tensor(np.asarray(window[-SEQ_LEN:], dtype=np.float32)[None, :, None])
            value = float(model(x).item())
            predicted.append(value)
            window.append(value)
    return np.array(predicted)


def main(argv=None) -> int:
    """Train, compare with the baselines, roll out one wave, draw it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="less data, fewer epochs")
    parser.add_argument("--out", default="examples_out", help="folder for the picture")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights")
    args = parser.parse_args(argv)
    n, epochs = (512, 12) if args.quick else (2048, 25)
    X, y = sine_continuation(n, SEQ_LEN, seed=args.seed, batch_first=True)
    X_val, y_val = sine_continuation(512, SEQ_LEN, seed=args.seed + 1, batch_first=True)
    manual_seed(args.seed)
    model = NextValue()
    history = fit(model, nn.functional.mse_loss, optim.Adam(model.parameters(), lr=0.01), (X, y),
                  epochs=epochs, batch_size=32, val_data=(X_val, y_val), seed=args.seed,
                  label="LSTM")
    mse = history.last("val_loss")
    zero = float((y_val ** 2).mean())
    last = float(((y_val[:, 0] - X_val[:, -1, 0]) ** 2).mean())
    print(f"held-out MSE of the next value: LSTM {mse:.5f}; predicting 0: {zero:.4f}; "
          f"repeating the last value: {last:.4f}")
    # continue one held-out wave for 30 steps, on the model's own predictions
    wave, _ = sine_continuation(1, SEQ_LEN + 30, seed=args.seed + 2, batch_first=True)
    seen, future = wave[0, :SEQ_LEN, 0], wave[0, SEQ_LEN:, 0]
    predicted = roll_out(model, seen, 30)
    tracked = one_step_ahead(model, wave[0, :, 0], 30)
    steps = np.arange(SEQ_LEN + 30)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "lstm_sine_rollout.png")
    viz.plot_lines({"seen by the LSTM": (steps[:SEQ_LEN], seen),
                    "true continuation": (steps[SEQ_LEN:], future),
                    "LSTM, one step ahead": (steps[SEQ_LEN:], tracked),
                    "LSTM, on its own predictions": (steps[SEQ_LEN:], predicted)},
                   styles={"true continuation": {"color": "black", "linestyle": "--", "zorder": 3}},
                   path=path, xlabel="step", ylabel="value",
                   title=f"LSTM continues a sine wave (one-step MSE {mse:.4f})")
    print(f"over the next 30 steps, RMS error one step ahead "
          f"{np.sqrt(((tracked - future) ** 2).mean()):.3f}, on its own predictions "
          f"{np.sqrt(((predicted - future) ** 2).mean()):.3f}; picture: {path}")
    held = mse < last / 4 and mse < zero / 20
    print("claim: the LSTM beats both baselines by far (4x the last value, 20x the mean): "
          + ("holds" if held else "FAILED"))
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
