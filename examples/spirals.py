"""Three spiral arms: a boundary with many bends, and how a ReLU network draws it.

What it teaches: classes that wind around each other need a boundary that bends many times.
A ReLU MLP is piecewise linear, so it bends only where its linear regions meet; the picture
of its decision regions shows the spirals carved out of straight pieces, and the count of
its linear regions says how many pieces it had to work with. Trained with
`tinygrad_edu.train.fit` (Adam, cross-entropy, held-out accuracy each epoch).

Run: python examples/spirals.py [--quick] [--out DIR] [--seed N]
"""
import argparse
import os
import sys

from tinygrad_edu import manual_seed, nn, optim, viz
from tinygrad_edu.data import make_spirals
from tinygrad_edu.train import fit


def main(argv=None) -> int:
    """Train an MLP on three spirals, draw decision and linear regions, check the accuracy."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    parser.add_argument("--out", default="examples_out", help="folder for the pictures")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights")
    args = parser.parse_args(argv)
    X, y = make_spirals(300, n_classes=3, noise=0.1, turns=1.5, seed=args.seed)
    X_val, y_val = make_spirals(300, n_classes=3, noise=0.1, turns=1.5, seed=args.seed + 1)
    manual_seed(args.seed)
    model = nn.MLP([2, 32, 32, 3])
    history = fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.02),
                  (X, y), epochs=80 if args.quick else 200, batch_size=32, val_data=(X_val, y_val),
                  metrics=["accuracy"], seed=args.seed, label="spirals")
    os.makedirs(args.out, exist_ok=True)
    decision = os.path.join(args.out, "spirals_decision_regions.png")
    regions = os.path.join(args.out, "spirals_linear_regions.png")
    curves = os.path.join(args.out, "spirals_curves.png")
    accuracy = history.last("val_accuracy")
    viz.decision_regions(model, X, y, path=decision,
                         title=f"MLP 2-32-32-3 on three spirals: held-out accuracy {accuracy:.0%}")
    found = viz.plot_regions(model, bounds=(-1.2, 1.2, -1.2, 1.2), X=X, y=y, path=regions).regions
    history.plot(curves, title="spirals: training (solid) and held-out (dashed) per epoch")
    print(f"after {history.epochs} epochs: training accuracy {history.last('accuracy'):.1%}, "
          f"held-out {accuracy:.1%} (chance 33%); {found.count} linear regions in [-1.2, 1.2]^2")
    print(f"pictures: {decision}, {regions}, {curves}")
    return 0 if accuracy >= (0.8 if args.quick else 0.9) else 1


if __name__ == "__main__":
    sys.exit(main())
