"""XOR: the problem one linear unit cannot solve and one hidden layer can.

What it teaches: a linear classifier draws one straight line, and no line puts the four
quadrants of XOR on the right sides (Minsky and Papert's point, 1969); the best it can do is
about three quadrants out of four. A hidden layer of a few ReLUs bends the boundary and gets
every point. Both are trained by `tinygrad_edu.train.fit`; one picture shows their decision
regions side by side (two matplotlib Axes, each filled by `viz.decision_regions(..., ax=ax)`):
the straight line and the bent boundary.

Run: python examples/xor.py [--quick] [--out DIR] [--seed N]
"""
import argparse
import os
import sys

from matplotlib.figure import Figure

from tinygrad_edu import manual_seed, nn, optim, viz
from tinygrad_edu.data import make_xor
from tinygrad_edu.train import fit, evaluate

F = nn.functional


def train(model, X, y, X_test, y_test, epochs, seed):
    """Adam on cross-entropy; returns the test accuracy."""
    fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.05), (X, y), epochs=epochs,
        batch_size=32, seed=seed, progress=True, label=type(model).__name__)
    return evaluate(model, F.cross_entropy, (X_test, y_test), metrics=["accuracy"])["accuracy"]


def main(argv=None) -> int:
    """Train a linear model and an MLP on XOR, draw both, check the claim."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    parser.add_argument("--out", default="examples_out", help="folder for the pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights")
    args = parser.parse_args(argv)
    X, y = make_xor(200, noise=0.05, seed=args.seed)
    X_test, y_test = make_xor(400, noise=0.05, seed=args.seed + 1)
    epochs = 40 if args.quick else 100
    manual_seed(args.seed)
    linear = nn.Linear(2, 2)
    manual_seed(args.seed)
    mlp = nn.MLP([2, 8, 2])
    acc_linear = train(linear, X, y, X_test, y_test, epochs, args.seed)
    acc_mlp = train(mlp, X, y, X_test, y_test, epochs, args.seed)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "xor_linear_vs_mlp.png")
    figure = Figure(figsize=(11, 4.6), layout="constrained")
    left, right = figure.subplots(1, 2)
    viz.decision_regions(linear, X, y, ax=left, title=f"linear model: test accuracy {acc_linear:.0%}")
    viz.decision_regions(mlp, X, y, ax=right, title=f"MLP 2-8-2 (ReLU): test accuracy {acc_mlp:.0%}")
    figure.savefig(path, dpi=150)
    print(f"test accuracy: linear {acc_linear:.1%}, MLP with one hidden layer {acc_mlp:.1%}")
    print(f"picture: {path}")
    held = acc_linear <= 0.8 and acc_mlp >= 0.95
    print("claim: no line separates XOR (linear <= 80%), one hidden layer does (MLP >= 95%): "
          + ("holds" if held else "FAILED"))
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
