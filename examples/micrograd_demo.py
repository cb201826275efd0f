"""micrograd's demo, in tinygrad_edu: a 2-16-16-1 MLP learns 100 two-moons points to 100%.

What it teaches: the whole of training in a dozen lines. A max-margin (hinge) loss with
labels in {-1, +1}, an L2 penalty, full-batch gradient descent with a decaying learning
rate, 100 steps, as in Andrej Karpathy's micrograd `demo.ipynb`; then the decision regions
of the trained network, which bend around the moons. Every gradient comes from
`loss.backward()`.

Run: python examples/micrograd_demo.py [--quick] [--out DIR] [--seed N]
"""
import argparse
import os
import sys

from tinygrad_edu import Tensor, manual_seed, nn, viz
from tinygrad_edu.data import make_moons


def train(steps: int, seed: int):
    """Full-batch training of MLP([2, 16, 16, 1]) on 100 moons; returns model, X, y, accuracy."""
    X, y = make_moons(100, noise=0.1, seed=seed)
    signs = (2.0 * y - 1.0)[:, None]                  # labels in {-1, +1}
    manual_seed(seed)
    model = nn.MLP([2, 16, 16, 1])
    for name, p in model.named_parameters():          # micrograd's init: w ~ U(-1, 1), b = 0
        nn.init.uniform_(p, -1.0, 1.0) if name.endswith("weight") else nn.init.zeros_(p)
    inputs, targets = Tensor(X), Tensor(signs)
    for k in range(steps):
        scores = model(inputs)
        data_loss = (1 - targets * scores).relu().mean()           # hinge: max(0, 1 - y s)
        reg_loss = 1e-4 * sum((p * p).sum() for p in model.parameters())
        loss = data_loss + reg_loss
        accuracy = float(((scores.data > 0) == (signs > 0)).mean())
        model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * k / steps                                 # decays from 1.0 to 0.1
        for p in model.parameters():
            p.data -= lr * p.grad.data
        if k % 10 == 0 or k == steps - 1:
            print(f"step {k:3d} loss {loss.item():.4f}, accuracy {accuracy:.0%}")
    scores = model(inputs).data
    return model, X, y, float(((scores > 0) == (signs > 0)).mean())


def main(argv=None) -> int:
    """Train, draw the decision regions, say whether 100% was reached."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="60 steps instead of 100")
    parser.add_argument("--out", default="examples_out", help="folder for the picture")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights")
    args = parser.parse_args(argv)
    model, X, y, accuracy = train(60 if args.quick else 100, args.seed)
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "micrograd_moons.png")
    viz.decision_regions(model, X, y, path=path,
                         title=f"micrograd demo: 2-16-16-1 MLP, accuracy {accuracy:.0%}")
    print(f"final accuracy {accuracy:.0%} on the 100 training points; picture: {path}")
    return 0 if accuracy == 1.0 or args.quick else 1


if __name__ == "__main__":
    sys.exit(main())
