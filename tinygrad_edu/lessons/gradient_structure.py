"""Lesson: the gradient-structure identity <theta, grad_theta f(x)> = (L+1) f(x).

The Fisher-Rao cheat sheet (Liang et al., Lemma 2.1): for a ReLU network without biases and with L+1 weight
layers, f(x) = W_(L+1) relu(W_L ... relu(W_1 x)), scaling every weight by c scales f by
c^(L+1) (relu(c z) = c relu(z) for c > 0), and Euler's theorem for homogeneous functions gives
sum over all weights of (d f / d W) * W = (L+1) f(x). Both sides come from
`optim.fisher.gradient_structure_identity` (the gradient by the engine's backward pass), on
random networks and on networks after training, for L+1 = 2, 3, 4 and for leaky ReLU too.
With biases f is no longer homogeneous and the identity fails: the lesson computes the same
weight sum for a network with biases and shows the gap.
"""
import numpy as np

import tinygrad_edu

from tinygrad_edu import Tensor, nn, optim
from tinygrad_edu.optim.fisher import gradient_structure_identity
from ._common import all_hold, plot_lines

SOURCE = "the Fisher-Rao cheat sheet (Liang et al.), Lemma 2.1"


def relu_net(sizes, bias: bool, leaky: bool = False):
    """Linear layers of `sizes` with ReLU (or leaky ReLU) between them, float64."""
    layers = []
    for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b, bias=bias, dtype=np.float64))
        if k < len(sizes) - 2:
            layers.append(nn.LeakyReLU(0.1) if leaky else nn.ReLU())
    return nn.Sequential(*layers)


def weight_sum(model, x):
    """sum over the weight matrices (not the biases) of W * dO/dW, and (L+1) O, per input row.

    O is the sum of the outputs. Unlike `optim.fisher.gradient_structure_identity`, this accepts
    biases (and ignores them in the sum), to show the identity failing.
    """
    linears = [m for m in model.modules() if isinstance(m, nn.Linear)]
    lhs, rhs = [], []
    for row in x:
        model.zero_grad()
        out = model(Tensor(row[None])).sum()            # several outputs: the identity is linear
        out.backward()
        lhs.append(sum(float(np.sum(m.weight.data * m.weight.grad.data)) for m in linears))
        rhs.append(len(linears) * out.item())
    return np.array(lhs), np.array(rhs)


def train_briefly(model, x, steps: int, seed: int):
    """A few SGD steps on a random regression target, so the weights are 'trained' ones."""
    y = Tensor(np.random.default_rng(seed).normal(size=(x.shape[0], 1)))
    opt = optim.SGD(model.parameters(), lr=0.01)
    for _ in range(steps):
        opt.zero_grad()
        ((model(Tensor(x)) - y) ** 2).mean().backward()
        opt.step()


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Both sides of the identity for bias-free ReLU nets (random, trained) and with biases.

    Example:
        >>> run(quick=True)["checks"]["identity holds without biases"]
        True
    """
    tinygrad_edu.manual_seed(seed)                  # the networks' initial weights
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(8 if quick else 32, 3))
    rows, worst, with_bias_gap = [], 0.0, []
    for depth in (2, 3, 4):
        sizes = [3] + [6] * (depth - 1) + [1]
        for leaky in (False, True):
            for trained in (False, True):
                model = relu_net(sizes, bias=False, leaky=leaky)
                if trained:
                    train_briefly(model, x, 20 if quick else 200, seed)
                lhs, rhs = gradient_structure_identity(model, x)
                error = float(np.max(np.abs(lhs - rhs)) / np.max(np.abs(rhs)))
                worst = max(worst, error)
                rows.append((depth, leaky, trained, error))
        biased = relu_net(sizes, bias=True)
        for layer in biased:
            if isinstance(layer, nn.Linear):            # biases of the size of the weights' effect
                layer.bias.data[...] = 0.5 * rng.normal(size=layer.bias.data.shape)
        lhs_b, rhs_b = lhs, rhs
        lhs, rhs = weight_sum(biased, x)
        with_bias_gap.append(float(np.max(np.abs(lhs - rhs)) / np.max(np.abs(rhs))))
    print("  Each row: the largest gap between <theta, grad f(x)> and (L+1) f(x) over the inputs, relative")
    print("  to the largest |f|. Gaps near 1e-16 are float64 rounding: the two sides agree to the last")
    print("  digit, for random and trained weights, ReLU and leaky ReLU alike.")
    print("  L+1  activation  weights   relative gap")
    for depth, leaky, trained, error in rows:
        kind = "leaky ReLU" if leaky else "ReLU"
        print(f"  {depth:3d}  {kind:10s}  {'trained' if trained else 'random':7s}   {error:.1e}")
    print(f"  With biases the weights' sum misses the biases' share of f: relative gaps per depth "
          f"{np.round(with_bias_gap, 2).tolist()}, far above rounding.")
    checks = {"identity holds without biases": worst < 1e-10,
              "identity fails with biases": min(with_bias_gap) > 1e-2}
    return {"rows": rows, "worst_error": worst, "with_bias_gap": with_bias_gap, "checks": checks,
            "ok": all_hold(checks), "figures": [f for f in [_figure(out_dir, lhs_b, rhs_b, lhs, rhs)] if f]}


def _figure(out_dir, lhs, rhs, lhs_bias, rhs_bias):
    """Both sides of the identity per input: on the diagonal without biases, off it with them."""
    if out_dir is None:
        return None
    lhs, rhs, lhs_bias, rhs_bias = (np.ravel(v) for v in (lhs, rhs, lhs_bias, rhs_bias))
    scale, scale_bias = np.max(np.abs(rhs)), np.max(np.abs(rhs_bias))     # each net on [-1, 1]
    lhs, rhs, lhs_bias, rhs_bias = lhs / scale, rhs / scale, lhs_bias / scale_bias, rhs_bias / scale_bias
    both = np.concatenate([rhs, rhs_bias])
    line = np.linspace(both.min(), both.max(), 2)
    dots = {"linestyle": "none", "marker": "o", "markersize": 7}
    return plot_lines(out_dir, "gradient_structure.png",
                      {"no biases (deepest net)": (rhs, lhs), "with biases": (rhs_bias, lhs_bias),
                       "<theta, grad f> = (L+1) f (reference)": (line, line)},
                      styles={"no biases (deepest net)": dots, "with biases": dict(dots, marker="s")},
                      xlabel="(L+1) f(x), scaled by its largest |value|",
                      ylabel="<theta, grad f(x)>, same scale",
                      title="The identity holds exactly only without biases")
