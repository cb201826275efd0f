"""Lesson: a stack of linear layers collapses to one; hidden units are interchangeable.

The course notes (lectures), sec. 2.2-2.3 (layers; linear and residual networks), and the
summary notes, sec. 1.3: "the composition of linear maps
F = F_L o ... o F_1 is a linear map", so every L-level hierarchy of linear (affine) layers
is one affine layer, x -> W x + b with W = W_L ... W_1 -- depth adds nothing. The lesson

* composes a deep `nn.Sequential` of `nn.Linear` layers, computes the single (W, b) by hand
  and checks the two give the same outputs;
* trains a deep linear network and a ReLU network of the same shape on XOR: the linear one
  cannot go below the least-squares error of the best affine map (0.25 for XOR with targets
  0/1: the best affine fit predicts 1/2 everywhere), the ReLU one goes to zero;
* checks the permutation symmetry of sec. 2.2: reordering the hidden units of a layer (P W,
  P b) and the columns of the next layer (W' P^T) gives the same function, so a network's
  parameters are never unique.
"""
import numpy as np

import tinygrad_edu
from tinygrad_edu import Tensor, nn, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 2.2-2.3; summary notes, sec. 1.3"

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([[0.0], [1.0], [1.0], [0.0]])


def linear_stack(sizes, activation=None):
    """nn.Sequential of float64 nn.Linear layers of the given sizes, `activation` between them."""
    layers = []
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, dtype=np.float64))
        if activation is not None and k < len(sizes) - 2:
            layers.append(activation())
    return nn.Sequential(*layers)


def collapse(model):
    """The one affine map (W, b) of a stack of nn.Linear layers: W = W_L...W_1, b accumulated."""
    W, b = None, None
    for layer in model:
        Wl, bl = layer.weight.data, layer.bias.data
        W, b = (Wl, bl) if W is None else (Wl @ W, Wl @ b + bl)
    return W, b


def least_squares_floor(X, Y) -> float:
    """Mean squared error of the best affine map X -> Y (what no linear network can beat)."""
    A = np.hstack([X, np.ones((len(X), 1))])
    residual = Y - A @ np.linalg.lstsq(A, Y, rcond=None)[0]
    return float(np.mean(residual ** 2))


def _train_xor(model, steps):
    opt = optim.Adam(model.parameters(), lr=0.03)
    losses = []
    for _ in range(steps):
        opt.zero_grad()
        loss = ((model(Tensor(XOR_X)) - Tensor(XOR_Y)) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Collapse a deep linear stack; train linear vs ReLU on XOR; permute hidden units.

    Example:
        >>> run(quick=True)["checks"]["deep linear stack = one affine layer"]
        True
    """
    tinygrad_edu.manual_seed(seed)
    rng = np.random.default_rng(seed)
    sizes = [3, 7, 5, 6, 2]
    deep = linear_stack(sizes)
    W, b = collapse(deep)
    x = rng.normal(size=(20, 3))
    collapse_gap = float(np.max(np.abs(deep(Tensor(x)).data - (x @ W.T + b))))
    print(f"  {len(sizes) - 1} linear layers {sizes}: one layer W ({W.shape[0]}x{W.shape[1]}), b; "
          f"largest output difference {collapse_gap:.1e}")

    steps = 400 if quick else 2000
    floor = least_squares_floor(XOR_X, XOR_Y)
    linear_losses = _train_xor(linear_stack([2, 8, 8, 1]), steps)
    relu_losses = _train_xor(linear_stack([2, 8, 8, 1], nn.ReLU), steps)
    print(f"  XOR, {steps} Adam steps: deep linear net ends at {linear_losses[-1]:.4f} "
          f"(best affine map: {floor:.4f}); ReLU net of the same shape {relu_losses[-1]:.2e}")

    net = linear_stack([4, 6, 3], nn.Tanh)
    xs = Tensor(rng.normal(size=(10, 4)))
    before = net(xs).data
    P = np.eye(6)[rng.permutation(6)]
    net[0].weight.data[...] = P @ net[0].weight.data
    net[0].bias.data[...] = P @ net[0].bias.data
    net[2].weight.data[...] = net[2].weight.data @ P.T
    perm_gap = float(np.max(np.abs(net(xs).data - before)))
    print(f"  hidden units of a tanh layer reordered: outputs change by {perm_gap:.1e}")
    checks = {
        "deep linear stack = one affine layer": collapse_gap < 1e-12,
        "deep linear net on XOR stays at the best affine fit (0.25)": linear_losses.min() >= floor - 1e-9,
        "ReLU net of the same shape fits XOR": relu_losses[-1] < 0.01,
        "permuting hidden units leaves the function unchanged": perm_gap < 1e-12,
    }
    figure = plot_lines(out_dir, "linear_collapse.png",
                        {"deep linear net": linear_losses, "ReLU net": np.maximum(relu_losses, 1e-12),
                         "best affine map (a bound)": np.full(steps, floor)},
                        xlabel="Adam step", ylabel="mean squared error", log_y=True,
                        title="XOR: depth without nonlinearity adds nothing")
    return {"collapse_gap": collapse_gap, "linear_losses": linear_losses, "relu_losses": relu_losses,
            "floor": floor, "permutation_gap": perm_gap, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
