"""Reproduce Sun & Nielsen's Sec. 5.1: one sigmoid neuron (logistic regression) on "3" vs "5".

The model is eq. 28: p(y = 1) = sigm(theta^T z), z = (A (x - a), 1), trained on the average
cross-entropy (eq. 29) from theta = 0 by "a gradient descent optimizer with constant learning
rate and momentum". The four methods, exactly as Sec. 5.1 lists them (`METHODS`):
    GD        fixes A = I, a = 0, and applies gradient descent
    WhiteGD   pre-computes the whitening A, a (zero mean, unit covariance except on singular
              directions, which are dropped), then gradient descent
    NGD       fixes A = I, a = 0, and updates theta by eq. 30:
              theta -= lr (g^y(theta) + eps I)^-1 grad L, with g^y the mini-batch's
              mean sigm(1 - sigm) z z^T (eq. 14), one matrix product (nu z)^T z, and the
              damping eps tr(g^y)/D, eps = 0.1 (--eps; the paper's 1e-2 diverged at every
              learning rate on MNIST-shaped 784-pixel inputs here, 0.1 learns on both)
    WhiteNGD  whitening and eq. 30
Momentum (heavy ball) acts on the step each method computes. Grid: learning rate in {1e-2,
1e-1, 1, 10, 100} x momentum in {0, 0.8}; for each method the configuration with the lowest
training cost after the last epoch is kept, and its curve (averaged over --runs mini-batch
orders) is plotted on a log scale with `viz.plot_training_curves`.

Runs are reproducible (theta starts at 0; the mini-batch order comes from the run's seed). A run
whose cost or weights stop being finite, or whose metric cannot be inverted, is recorded as
diverged (cost inf from there on) and the grid goes on.

Data: scikit-learn's 8x8 digits by default (pip install "tinygrad_edu[examples]"), or real MNIST
with --mnist DIR (the four IDX files). Run `python examples/rngd_single_neuron.py --quick` for a
30-second version.
"""
from __future__ import annotations

import argparse
import itertools
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from tinygrad_edu import nn  # noqa: E402
from tinygrad_edu import optim  # noqa: E402
import tinygrad_edu  # noqa: E402
from tinygrad_edu import Tensor, no_grad  # noqa: E402
from rngd_data import load, save_curves, whitening  # noqa: E402

# name -> (whitened inputs?, eq. 30 natural gradient?), the paper's Sec. 5.1
METHODS = {"GD": (False, False), "WhiteGD": (True, False), "NGD": (False, True),
           "WhiteNGD": (True, True)}
LRS = (1e-2, 1e-1, 1.0, 10.0, 100.0)
MOMENTA = (0.0, 0.8)


def binary_pair(x, y, a: int, b: int):
    """Keep the digits a and b; label b as 1."""
    keep = (y == a) | (y == b)
    return x[keep], (y[keep] == b).astype(np.float64)


def cost(model, x, y) -> float:
    """Average cross-entropy (eq. 29) on the whole set, from the logit theta^T z.

    -ln sigm(s) = ln(1 + exp(-s)) written with logaddexp, so a cost of 1e-30 stays 1e-30
    instead of rounding to 0 through sigm(s) = 1 (the curves are drawn on a log scale).
    """
    with no_grad():
        logit = model[0](Tensor(x)).data.reshape(-1).astype(np.float64)
    with np.errstate(invalid="ignore"):                 # NaN weights: a diverged run, inf below
        value = float(np.mean(np.logaddexp(0.0, np.where(y > 0.5, -logit, logit))))
    return value if np.isfinite(value) else float("inf")


def train(method: str, lr: float, momentum: float, x, y, epochs: int, batch: int, seed: int,
          eps: float = 0.1):
    """Train one neuron; returns (training cost after each epoch, inf once diverged; error)."""
    tinygrad_edu.manual_seed(seed)
    model = nn.Sequential(nn.Linear(x.shape[1], 1), nn.Sigmoid())
    model[0].weight.data[...] = 0.0  # theta = 0: every method starts from the same point
    model[0].bias.data[...] = 0.0
    if METHODS[method][1]:  # eq. 30: this batch's metric (lam = 0), inverted at every step
        # min_damping: a floor of 1e-8 (eps tr(g)/D is ~1e-3 here) for when sigm saturates
        opt = optim.RNGD(model, lr=lr, lam=0.0, T=1, eps=eps, momentum=momentum)
    else:
        opt = optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    rng = np.random.default_rng(seed)
    curve = []
    for _ in range(epochs):
        order = rng.permutation(len(x))
        for start in range(0, len(x), batch):
            idx = order[start:start + batch]
            opt.zero_grad()
            out = model(Tensor(x[idx])).reshape(-1)
            nn.functional.binary_cross_entropy(out, Tensor(y[idx])).backward()
            try:
                opt.step()
            except np.linalg.LinAlgError:       # the metric went singular: diverged
                model[0].weight.data[...] = np.nan
                break
        curve.append(cost(model, x, y))
        if not np.isfinite(curve[-1]) or not np.all(np.isfinite(model[0].weight.data)):
            curve[-1] = float("inf")
            curve += [float("inf")] * (epochs - len(curve))
            break
    errors = float(np.mean((model(Tensor(x)).data.reshape(-1) > 0.5) != y))
    return curve, errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="10 epochs, 1 run (about 30 s)")
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3, help="curves are averaged over runs "
                        "(different mini-batch orders); the paper uses 10")
    parser.add_argument("--batch-size", type=int, default=50, help="mini-batch size, 0 for the "
                        "full batch (the paper does not state it; its curves average 10 runs)")
    parser.add_argument("--pair", default="3,5", help="the two digits, e.g. 4,9")
    parser.add_argument("--mnist", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--out", default="rngd_out", help="folder for the CSV/PNG curves")
    parser.add_argument("--eps", type=float, default=0.1, help="NGD's relative damping "
                        "eps tr(g)/D (default 0.1; the paper's 1e-2 diverges at every learning rate "
                        "on MNIST-shaped 784-pixel inputs)")
    args = parser.parse_args(argv)
    if args.quick:
        args.epochs, args.runs = min(args.epochs, 10), 1
    tinygrad_edu.set_default_dtype(np.float64)
    a, b = (int(v) for v in args.pair.split(","))
    x_train, y_train, _, _ = load(args.mnist)
    x, y = binary_pair(x_train, y_train, a, b)
    args.batch_size = args.batch_size or len(x)
    A, mean = whitening(x)
    inputs = {"raw": x, "white": (x - mean) @ A.T}
    print(f"{len(x)} training images of {a} vs {b}, {x.shape[1]} pixels "
          f"({A.shape[0]} non-singular whitened dimensions)")
    try:
        from tqdm import tqdm
    except ImportError:
        def tqdm(it, **_):
            return it
    configs = list(itertools.product(METHODS, LRS, MOMENTA))
    results = {}
    for method, lr, mom in tqdm(configs, desc="configurations"):
        data = inputs["white" if METHODS[method][0] else "raw"]
        with np.errstate(over="ignore", invalid="ignore"):  # diverging lrs are part of the grid
            runs = [train(method, lr, mom, data, y, args.epochs, args.batch_size, seed, args.eps)
                    for seed in range(args.runs)]
        curve = np.mean([r[0] for r in runs], axis=0)
        results[(method, lr, mom)] = (curve, float(np.mean([r[1] for r in runs])))
    best, rows = {}, []
    for method in METHODS:
        key = min((k for k in results if k[0] == method), key=lambda k: results[k][0][-1])
        curve, err = results[key]
        best[f"{method} (lr={key[1]:g}, m={key[2]:g})"] = curve
        below = np.nonzero(curve < 1e-3)[0]
        reach = int(below[0]) + 1 if len(below) else None  # first epoch with cost < 1e-3
        rows.append((method, key[1], key[2], curve[-1], err, curve[min(9, len(curve) - 1)], reach))
    print(f"\nbest configuration of each method after {args.epochs} epochs:")
    print(f"{'method':10s} {'lr':>6s} {'mom':>4s} {'final cost':>11s} {'cost@10':>10s} "
          f"{'epochs to 1e-3':>14s} {'train error':>11s}")
    for method, lr, mom, final, err, cost10, reach in rows:
        print(f"{method:10s} {lr:6g} {mom:4g} {final:11.4g} {cost10:10.4g} "
              f"{str(reach if reach else '-'):>14s} {err:11.2%}")
    diverged = [f"{m} lr={lr:g} m={mom:g}" for (m, lr, mom), (curve, _) in results.items()
                if not np.isfinite(curve[-1])]
    print(f"diverged configurations ({len(diverged)} of {len(results)}): {', '.join(diverged) or 'none'}")
    title = f"{a} vs {b}: one sigmoid neuron, mean of {args.runs} runs"
    files = save_curves(args.out, f"rngd_single_neuron_{a}v{b}", best, title=title)
    print("curves written to: " + ", ".join(files))
    return rows


if __name__ == "__main__":
    main()
