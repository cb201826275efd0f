"""Lesson: the softmax cross-entropy gradient is p(y|x) - onehot(y*); squared error is a Gaussian NLL.

The course notes (summary), sec. 4 (backpropagation: the output layer) and sec. 3.2 (output
units and objectives: losses as likelihoods).
With logits z and the class y*, the multinomial logistic loss is
R = -z_{y*} + log sum_i exp(z_i), so

    -dR/dz_y = delta_{y y*} - exp(z_y) / sum_i exp(z_i) = delta_{y y*} - p(y|x),

the same "target minus prediction" as squared error's -grad_y 1/2 ||y* - y||^2 = y* - y.
The lesson backpropagates the engine's `cross_entropy` (mean over a batch, so each row's
gradient is divided by the batch size) and compares with softmax(z) - onehot, then checks
that the gradient of each row sums to zero (probabilities and a one-hot both sum to 1).

The second claim: with a Gaussian output of fixed variance gamma^2,
-log p(y|x) = m log(sqrt(2 pi) gamma) + ||y - F(x)||^2 / (2 gamma^2): minimising the negative
log-likelihood is minimising squared error. The lesson writes the Gaussian density out,
takes -log of it with the engine, and compares value and gradient with the squared error.
"""
import numpy as np

from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.nn import functional as F
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 4 and 3.2"


def softmax_gradient(logits: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The closed form of d mean_i CE(z_i, y_i) / dz: (softmax(z) - onehot(y)) / batch."""
    z = logits - logits.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p[np.arange(len(target)), target] -= 1.0
    return p / len(target)


def gaussian_nll(prediction: Tensor, y: Tensor, gamma: float) -> Tensor:
    """-log of the density N(y; prediction, gamma^2 I), summed over the batch, from the formula."""
    density = (-((y - prediction) ** 2) / (2 * gamma ** 2)).exp() / (np.sqrt(2 * np.pi) * gamma)
    return -(density.log()).sum()


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Backprop through cross_entropy against softmax - onehot; Gaussian NLL against squared error.

    Example:
        >>> run(quick=True)["checks"]["d CE / dz = p(y|x) - onehot(y*)"]
        True
    """
    rng = np.random.default_rng(seed)
    errors, row_sums = [], []
    for trial in range(3 if quick else 30):
        logits = rng.normal(size=(8, 5)) * 3
        target = rng.integers(0, 5, size=8)
        z = Tensor(logits, requires_grad=True)
        F.cross_entropy(z, Tensor(target)).backward()
        errors.append(float(np.max(np.abs(z.grad.data - softmax_gradient(logits, target)))))
        row_sums.append(float(np.max(np.abs(z.grad.data.sum(axis=1)))))
        if trial == 0:
            first = (logits[0], target[0], z.grad.data[0] * len(target))
    passed = gradcheck(lambda v: F.cross_entropy(v, Tensor(target)), [Tensor(logits, requires_grad=True)])
    print(f"  one example, class y* = {first[1]}: -dR/dz = {np.round(-first[2], 4)}")
    print("  (the true class gets 1 - p, every other class -p)")
    print(f"  largest |autodiff - (p - onehot)| over {len(errors)} batches: {max(errors):.1e}")

    gamma, m = 0.7, 3
    pred = Tensor(rng.normal(size=(6, m)), requires_grad=True)
    y = Tensor(rng.normal(size=(6, m)))
    nll = gaussian_nll(pred, y, gamma)
    nll.backward()
    squared = 0.5 * ((y.data - pred.data) ** 2).sum() / gamma ** 2
    constant = 6 * m * np.log(np.sqrt(2 * np.pi) * gamma)
    nll_gap = abs(nll.item() - (constant + squared))
    grad_gap = float(np.max(np.abs(pred.grad.data - (pred.data - y.data) / gamma ** 2)))
    print(f"  Gaussian NLL {nll.item():.6f} = constant {constant:.6f} + squared error / (2 gamma^2) "
          f"{squared:.6f} (gap {nll_gap:.1e}); gradients differ by {grad_gap:.1e}")
    checks = {
        "d CE / dz = p(y|x) - onehot(y*)": max(errors) < 1e-12,
        "each row of the gradient sums to 0": max(row_sums) < 1e-12,
        "gradcheck of cross_entropy passes": bool(passed),
        "-log N(y; F, gamma^2 I) = C(gamma) + ||y - F||^2 / (2 gamma^2)": nll_gap < 1e-9 and grad_gap < 1e-9,
    }
    shift = np.linspace(-6, 6, 121)
    probs = np.exp(shift) / (np.exp(shift) + 4.0)        # class y* against four logits at 0
    figure = plot_lines(out_dir, "softmax_gradient.png",
                        {"-dR/dz_y* = 1 - p(y*|x)": (shift, 1 - probs),
                         "-dR/dz_y (other class) = -p(y|x)": (shift, -(1 - probs) / 4),
                         "p(y*|x)": (shift, probs)},
                        xlabel="logit of the true class (four others at 0)",
                        ylabel="value", title="Cross-entropy gradient: target minus prediction")
    return {"max_error": max(errors), "nll_gap": nll_gap, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
