"""Lesson: a residual layer is the identity at zero weights, so deep residual stacks start as Id.

The course notes (lectures), sec. 2.3 (linear and residual networks): a residual layer is
F[W, b](x) = x + (phi(W x + b) - phi(0)), and F[0, 0] = Id -- whatever the activation,
because phi(0) is subtracted (for the sigmoid phi(0) = 1/2, so the subtraction matters).
A residual network therefore starts near the identity and each layer learns how to *change*
its input. The lesson

* builds residual layers with the engine for tanh, sigmoid and ReLU and checks
  F[0, 0](x) = x and that the Jacobian dF/dx at zero weights (by backprop) is the identity;
* stacks many layers with small random weights and measures ||d output / d input||
  (largest singular value of the Jacobian, by backprop one output at a time): a plain tanh
  stack shrinks it geometrically with depth, a residual stack keeps it near 1 -- why residual
  networks can be trained deep.
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 2.3 (linear and residual networks)"

ACTIVATIONS = {"tanh": Tensor.tanh, "sigmoid": Tensor.sigmoid, "relu": Tensor.relu}


def residual_layer(x: Tensor, W, b, activation: str) -> Tensor:
    """F[W, b](x) = x + phi(x W^T + b) - phi(0) for a batch x (rows), with the engine's phi."""
    phi = ACTIVATIONS[activation]
    phi0 = phi(Tensor(np.zeros(1))).data
    return x + phi(x @ Tensor(W).T + Tensor(b)) - Tensor(phi0)


def plain_layer(x: Tensor, W, b, activation: str) -> Tensor:
    """phi(x W^T + b): the same layer without the skip connection."""
    return ACTIVATIONS[activation](x @ Tensor(W).T + Tensor(b))


def input_jacobian(layer, weights, x0: np.ndarray, activation: str) -> np.ndarray:
    """d output / d input of a stack of `layer`s at the point x0, one backprop per output."""
    rows = []
    for i in range(len(x0)):
        x = Tensor(x0[None, :].copy(), requires_grad=True)
        h = x
        for W, b in weights:
            h = layer(h, W, b, activation)
        h[0, i].backward()
        rows.append(x.grad.data[0].copy())
    return np.array(rows)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """F[0,0] = Id for three activations; input-gradient norm of plain vs residual stacks.

    Example:
        >>> run(quick=True)["checks"]["F[0, 0](x) = x for tanh, sigmoid and ReLU"]
        True
    """
    rng = np.random.default_rng(seed)
    d = 6
    x = rng.normal(size=(10, d))
    zero = (np.zeros((d, d)), np.zeros(d))
    identity_gaps, jacobian_gaps = [], []
    for name in ACTIVATIONS:
        identity_gaps.append(float(np.max(np.abs(residual_layer(Tensor(x), *zero, name).data - x))))
        J = input_jacobian(residual_layer, [zero] * 3, x[0], name)
        jacobian_gaps.append(float(np.max(np.abs(J - np.eye(d)))))
        plain = plain_layer(Tensor(x), *zero, name).data
        print(f"  {name:7s}: |F[0,0](x) - x| = {identity_gaps[-1]:.1e}, |dF/dx - I| = "
              f"{jacobian_gaps[-1]:.1e}; without the skip, phi(0 x + 0) = {plain[0, 0]:.2f} everywhere")
    depths = [1, 2, 4, 8, 16] if quick else [1, 2, 4, 8, 16, 32, 64]
    scale = 0.5 / np.sqrt(d)            # small weights: each plain layer contracts
    layers = [(scale * rng.normal(size=(d, d)), np.zeros(d)) for _ in range(max(depths))]
    plain_norms, residual_norms = [], []
    for depth in depths:
        plain_norms.append(np.linalg.norm(input_jacobian(plain_layer, layers[:depth], x[0], "tanh"), 2))
        residual_norms.append(np.linalg.norm(input_jacobian(residual_layer, layers[:depth], x[0], "tanh"),
                                             2))
    print("  ||d output / d input|| with small random weights, depth: plain tanh / residual tanh")
    for depth, p, r in zip(depths, plain_norms, residual_norms):
        print(f"    {depth:3d}: {p:.2e} / {r:.2f}")
    checks = {
        "F[0, 0](x) = x for tanh, sigmoid and ReLU": max(identity_gaps) < 1e-14,
        "dF/dx at zero weights = I (backprop, 3 stacked layers)": max(jacobian_gaps) < 1e-12,
        "plain stack: input gradient shrinks with depth": plain_norms[-1] < 1e-3 * plain_norms[0],
        "residual stack: input gradient does not vanish (>= 0.5 at every depth)": min(residual_norms) >= 0.5,
    }
    figure = plot_lines(out_dir, "residual_identity.png",
                        {"plain tanh layers": (depths, plain_norms),
                         "residual tanh layers": (depths, residual_norms)},
                        xlabel="depth (layers)", ylabel="||d output / d input||", log_y=True,
                        title="Small weights: residual stacks pass the gradient through")
    return {"identity_gaps": identity_gaps, "jacobian_gaps": jacobian_gaps, "depths": depths,
            "plain_norms": plain_norms, "residual_norms": residual_norms, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
