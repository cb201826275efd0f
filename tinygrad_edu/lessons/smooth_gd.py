"""Lesson: gradient descent with eta = 1/L on an L-smooth function decreases it at every step.

The course notes (lectures), sec. 3.2. If ||grad^2 h|| <= L, Taylor's theorem gives for theta' =
theta - eta g: h(theta') <= h(theta) - eta (1 - L eta / 2) ||g||^2, so eta = 1/L gives the
sufficient decrease h(theta') <= h(theta) - ||g||^2 / (2L), and summing over T steps (Lemma 3.2)
min_t ||g_t||^2 <= 2L (h(theta_0) - h*) / T.

OCR/derivation notes: the notes' derivation has "L eta^2 / 2 ||h(theta_1)||^2" where it means
||grad h(theta_1)||^2, and ends with "=" where only "<=" holds (equality needs a quadratic with
curvature L along g); the sufficient-decrease inequality is checked here step by step.

The function: logistic regression (convex, not quadratic), whose Hessian is
X^T diag(p(1-p)) X / N <= X^T X / (4N), so L = lambda_max(X^T X)/(4N). The gradients come
from the engine. A quadratic with eta = 2.1/L shows the other side: beyond 2/L, GD diverges.
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 3.2 (gradient descent on L-smooth functions)"


def _loss_and_grad(theta, X, y):
    w = Tensor(theta, requires_grad=True)
    z = Tensor(X) @ w
    loss = (z.softplus() - Tensor(y) * z).mean()     # logistic loss: log(1 + e^z) - y z
    loss.backward()
    return loss.item(), w.grad.data


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """GD with eta = 1/L on logistic regression; sufficient decrease and Lemma 3.2 checked.

    Example:
        >>> run(quick=True)["checks"]["sufficient decrease at every step"]
        True
    """
    rng = np.random.default_rng(seed)
    N, d = 200, 6
    X = rng.normal(size=(N, d)) * np.linspace(0.3, 3, d)
    y = (rng.random(N) < 1 / (1 + np.exp(-X @ rng.normal(size=d)))).astype(np.float64)
    L = np.linalg.eigvalsh(X.T @ X)[-1] / (4 * N)
    steps = 100 if quick else 1000
    theta = np.zeros(d)
    losses, grad_sq, slack = [], [], []
    for _ in range(steps):
        loss, g = _loss_and_grad(theta, X, y)
        theta = theta - g / L
        losses.append(loss)
        grad_sq.append(float(g @ g))
        slack.append((loss - grad_sq[-1] / (2 * L)) - _loss_and_grad(theta, X, y)[0])
    losses, grad_sq = np.array(losses), np.array(grad_sq)
    T = np.arange(1, steps + 1)
    lemma = 2 * L * (losses[0] - 0.0) / T                   # h* >= 0 for the logistic loss
    A = np.diag([1.0, 10.0])
    big, small = [np.array([1.0, 1.0])], [np.array([1.0, 1.0])]
    for _ in range(30):
        big.append(big[-1] - 2.1 / 10.0 * (A @ big[-1]))
        small.append(small[-1] - 1 / 10.0 * (A @ small[-1]))
    quad = [0.5 * v @ A @ v for v in big]
    print(f"  L = {L:.3f}; {steps} steps; smallest slack of the sufficient decrease "
          f"{min(slack):.2e} (>= 0)")
    print(f"  quadratic, eta = 2.1/L: h goes {quad[0]:.2f} -> {quad[-1]:.3g} (diverges)")
    checks = {
        "sufficient decrease at every step": min(slack) >= -1e-12,
        "min_t ||g_t||^2 <= 2L (h_0 - h*) / T for every T":
            bool(np.all(np.minimum.accumulate(grad_sq) <= lemma)),
        "eta = 2.1/L > 2/L diverges on a quadratic": quad[-1] > 100 * quad[0],
    }
    figure = plot_lines(out_dir, "smooth_gd.png",
                        {"h(theta_t) - h(theta_T)": losses[:-1] - losses[-1] + 1e-16,
                         "||grad h(theta_t)||^2 / (2L)": grad_sq[:-1] / (2 * L)},
                        xlabel="step", log_y=True, title="GD with eta = 1/L (logistic regression)")
    return {"L": L, "losses": losses, "grad_sq": grad_sq, "min_slack": min(slack),
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
