"""Lesson: GD on a convex L-smooth function: R(theta_t) - R* <= 2L/(t+1) ||theta_0 - theta*||^2.

The course notes (summary), sec. 6.1 (optimisation for deep networks, classic analysis): for a convex R with
L-Lipschitz gradients, gradient descent with step 1/L has suboptimality O(1/t),
R(theta(t)) - R* <= 2L/(t+1) ||theta(0) - theta*||^2 -- no strong convexity needed, and no
geometric rate either. (The classical proof gives the sharper L ||theta_0 - theta*||^2 / (2t),
which implies the notes' bound for every t >= 1; both are checked.)

Two convex problems that are not strongly convex in practice, with gradients from the engine:

* a quadratic whose Hessian eigenvalues spread from L = 1 down to 1e-6: the flat directions
  make GD sublinear, and over the run the gap comes within a small factor of the sharp bound
  (the worst case of a quadratic is an eigenvalue near L/(2t));
* a one-dimensional quadratic whose curvature L/(2T+1) is the slowest relative to the bound
  at the last step T: there the gap is 1/(2e) ~ 0.18 of the sharp bound, so no bound of
  order faster than 1/t can hold for GD;
* log-cosh regression R(theta) = mean_i log cosh(x_i . theta - y_i), smooth with
  L = lambda_max(X^T X)/N, whose curvature vanishes far from the fit.
The figure puts the gaps under both bounds on log-log axes: slope -1 is O(1/t).
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 6.1 (classic analysis of GD)"


def gd_gaps(loss, theta0, L, steps, best_value):
    """R(theta_t) - R*, t = 0..steps, of GD with step 1/L and the engine's gradient of `loss`."""
    theta, gaps = np.array(theta0, dtype=np.float64), []
    for _ in range(steps + 1):
        t = Tensor(theta, requires_grad=True)
        value = loss(t)
        value.backward()
        gaps.append(value.item() - best_value)
        theta = theta - t.grad.data / L
    return np.array(gaps)


def log_cosh(r: Tensor) -> Tensor:
    """log cosh(r) = r + log(1 + exp(-2r)) - log 2, written with the engine's stable softplus."""
    return r + (r * -2).softplus() - np.log(2.0)


def logcosh_minimiser(X, y, iterations: int = 100):
    """The minimiser of mean log cosh(X theta - y), by damped Newton steps in numpy."""
    value = lambda th: np.mean(np.logaddexp(X @ th - y, y - X @ th) - np.log(2))   # noqa: E731
    theta = np.linalg.lstsq(X, y, rcond=None)[0]
    for _ in range(iterations):
        r = X @ theta - y
        grad = X.T @ np.tanh(r) / len(y)
        hess = X.T @ (X * (1 - np.tanh(r) ** 2)[:, None]) / len(y) + 1e-12 * np.eye(len(theta))
        step = np.linalg.solve(hess, grad)
        while value(theta - step) > value(theta) and np.max(np.abs(step)) > 1e-16:
            step = step / 2
        theta = theta - step
    return theta


def notes_bound(L, distance_sq, t):
    """The course notes' 2L/(t+1) ||theta_0 - theta*||^2."""
    return 2 * L / (t + 1) * distance_sq


def sharp_bound(L, distance_sq, t):
    """The classical L ||theta_0 - theta*||^2 / (2t) (t >= 1)."""
    return L * distance_sq / (2 * np.maximum(t, 1))


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """GD with step 1/L on two convex problems; the gap under both O(1/t) bounds.

    Example:
        >>> run(quick=True)["checks"]["quadratic: gap <= 2L/(t+1) ||theta_0 - theta*||^2"]
        True
    """
    rng = np.random.default_rng(seed)
    steps = 300 if quick else 3000
    t = np.arange(steps + 1)
    eig = np.logspace(0, -6, 40)
    theta0 = rng.normal(size=40)
    quad = gd_gaps(lambda v: 0.5 * (Tensor(eig) * v * v).sum(), theta0, 1.0, steps, 0.0)
    dist_q = float(theta0 @ theta0)

    X = rng.normal(size=(60, 8))
    y = X @ rng.normal(size=8) + 3 * rng.laplace(size=60)     # large residuals: flat log cosh tails
    L = np.linalg.eigvalsh(X.T @ X)[-1] / len(y)
    best = logcosh_minimiser(X, y)
    best_value = float(np.mean(np.logaddexp(X @ best - y, y - X @ best) - np.log(2)))
    start = best + 5 * rng.normal(size=8)
    lc = gd_gaps(lambda v: log_cosh(Tensor(X) @ v - Tensor(y)).mean(), start, L, steps, best_value)
    dist_l = float((start - best) @ (start - best))
    worst_eig = 1.0 / (2 * steps + 1)         # the eigenvalue that is slowest relative to the bound at T
    worst = gd_gaps(lambda v: 0.5 * worst_eig * (v * v).sum(), np.ones(1), 1.0, steps, 0.0)
    tightness = float(worst[-1] / sharp_bound(1.0, 1.0, steps))
    print(f"  quadratic, eigenvalues 1 .. 1e-6: gap after {steps} steps {quad[-1]:.2e}; notes' bound "
          f"{notes_bound(1.0, dist_q, steps):.2e}, sharp bound {sharp_bound(1.0, dist_q, steps):.2e}")
    print(f"  the worst direction for t = {steps} (eigenvalue L/(2t+1)): the gap is {tightness:.2f} of the "
          f"sharp bound, {tightness * 4:.2f} of the notes' -- O(1/t) is the real rate, not a loose bound")
    print(f"  log-cosh regression, L = {L:.2f}: gap after {steps} steps {lc[-1]:.2e}; notes' bound "
          f"{notes_bound(L, dist_l, steps):.2e}")
    checks = {
        "quadratic: gap <= 2L/(t+1) ||theta_0 - theta*||^2":
            bool(np.all(quad <= notes_bound(1.0, dist_q, t))),
        "quadratic: gap <= L ||theta_0 - theta*||^2 / (2t) (sharp form)":
            bool(np.all(quad[1:] <= sharp_bound(1.0, dist_q, t[1:]))),
        "worst direction: the gap at t is within a factor 6 of the sharp bound": tightness > 1 / 6,
        "log-cosh: gap <= 2L/(t+1) ||theta_0 - theta*||^2 and the sharp form":
            bool(np.all(lc <= notes_bound(L, dist_l, t) + 1e-12)
                 and np.all(lc[1:] <= sharp_bound(L, dist_l, t[1:]) + 1e-12)),
    }
    figure = plot_lines(out_dir, "gd_convex_rate.png",
                        {"quadratic: gap": (t[1:], quad[1:]),
                         "quadratic: notes' bound 2L D^2/(t+1)": (t[1:], notes_bound(1.0, dist_q, t[1:])),
                         "quadratic: sharp bound L D^2/(2t)": (t[1:], sharp_bound(1.0, dist_q, t[1:])),
                         "log-cosh: gap": (t[1:], lc[1:]),
                         "log-cosh: notes' bound": (t[1:], notes_bound(L, dist_l, t[1:]))},
                        xlabel="step t", ylabel="R(theta_t) - R*", log_y=True, log_x=True,
                        title="GD on convex L-smooth functions: O(1/t)")
    return {"quadratic": quad, "worst": worst, "logcosh": lc, "distance_sq": (dist_q, dist_l), "L": (1.0, L),
            "tightness": tightness, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
