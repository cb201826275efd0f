"""`tinygrad-edu regions --widths 2,8,8,1`: count and draw the linear regions of a ReLU MLP.

The count is printed next to the two bounds of the course notes (lectures): Zaslavsky's upper bound for one
layer of m hyperplanes in R^n (applied to all hidden units at once, it bounds a one-layer
network) and Montufar et al.'s lower bound of what depth can reach.
"""
import os

import numpy as np

from tinygrad_edu import nn
from .common import CliError, add_common, prepare_out, print_files, seed_everything, parse_widths


def add_parser(commands):
    """Register `regions`."""
    parser = commands.add_parser(
        "regions", help="count and draw the linear regions of a ReLU network with 2 inputs",
        description="Build a ReLU MLP with the given widths (2 inputs), optionally train it on "
                    "two moons, enumerate its linear regions exactly in a box, draw them "
                    "(regions.svg) and print their number next to the Zaslavsky and Montufar "
                    "bounds.",
        epilog="example: tinygrad-edu regions --widths 2,8,8,1 --train moons")
    parser.add_argument("--widths", default="2,8,8,1", help="layer widths, input first (default "
                                                            "2,8,8,1; the input must be 2)")
    parser.add_argument("--train", choices=("moons",), default=None,
                        help="train on two moons first (the regions move to where the data is)")
    parser.add_argument("--box", type=float, default=None,
                        help="half-width of the square box (default 1.5, or the data's range)")
    add_common(parser, "runs/regions")
    parser.set_defaults(run=run)


def run(args) -> int:
    """Build (and train), count, draw, compare with the bounds."""
    from tinygrad_edu import viz
    widths = parse_widths(args.widths)
    if widths[0] != 2:
        raise CliError(f"--widths {args.widths}: the input width must be 2 (regions are drawn in "
                       f"the plane), e.g. --widths 2,8,8,1")
    if len(widths) < 3:
        raise CliError(f"--widths {args.widths}: give at least one hidden layer, e.g. 2,8,1")
    if sum(widths[1:-1]) > 64:
        raise CliError(f"--widths {args.widths}: at most 64 hidden units in all (the count of "
                       f"regions grows fast and so does the time to enumerate them)")
    if args.box is not None and not args.box > 0:
        raise CliError(f"--box must be > 0, got {args.box}")
    out = prepare_out(args.out)
    seed_everything(args.seed)
    model = nn.MLP(widths)
    X = y = None
    if args.train:
        X, y = _train_on_moons(model, widths[-1], args.seed)
        centre = X.mean(axis=0)
        half = args.box or float(np.abs(X - centre).max() * 1.15)
    else:
        centre, half = np.zeros(2), args.box or 1.5
    bounds = (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    found = viz.linear_regions(model, bounds)
    hidden = widths[1:-1]
    upper_one_layer = viz.zaslavsky_bound(sum(hidden), 2)
    print(f"network {'-'.join(map(str, widths))}: {found.count} linear regions in the box "
          f"[{bounds[0]:.2f}, {bounds[1]:.2f}] x [{bounds[2]:.2f}, {bounds[3]:.2f}]")
    print(f"  Zaslavsky: {sum(hidden)} lines in the plane make at most {upper_one_layer} regions "
          f"(a one-layer net with all {sum(hidden)} units)")
    if all(w >= 2 for w in hidden):
        lower = viz.montufar_lower_bound(2, hidden)
        print(f"  Montufar et al.: widths {'-'.join(map(str, hidden))} can reach at least {lower} "
              f"regions in the whole plane (depth multiplies, width adds)")
    else:
        print("  Montufar et al.: needs every hidden width >= 2 (the input dimension)")
    path = os.path.join(out, "regions.svg")
    title = f"{found.count} linear regions of a {'-'.join(map(str, widths))} ReLU net" + \
        (" trained on moons" if args.train else " (random weights)")
    viz.plot_regions(found, X=X, y=y, path=path, title=title)
    print_files([path])
    return 0


def _train_on_moons(model, outputs, seed):
    """A short Adam run on 200 moons (hinge loss for one output, cross-entropy for more)."""
    from tinygrad_edu import optim
    from tinygrad_edu.data import make_moons
    from tinygrad_edu.train import fit
    X, y = make_moons(200, noise=0.1, seed=seed)
    if outputs == 1:
        target, loss = (2.0 * y - 1.0)[:, None].astype(X.dtype), nn.functional.hinge_loss
    else:
        target, loss = y, nn.functional.cross_entropy
    history = fit(model, loss, optim.Adam(model.parameters(), lr=0.02), (X, target), epochs=60,
                  batch_size=50, metrics=["accuracy"], seed=seed, progress=True)
    print(f"trained on 200 moons: loss {history.last('loss'):.3f}, accuracy "
          f"{history.last('accuracy'):.1%}")
    return X, y
