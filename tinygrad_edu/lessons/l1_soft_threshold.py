"""Lesson: L1 regularisation is soft thresholding, w* = sign(w0) max(|w0| - mu, 0): exact zeros.

The course notes (summary), sec. 6.4 (norm-based regularisation, L1): Omega(theta) = mu sum |W_ij| is not
differentiable at 0, but with the subderivative the minimiser of 1/2 (w - w0)^2 + mu |w| is
the soft-thresholding operator w* = sign(w0) max(|w0| - mu, 0): weights with |w0| <= mu become
exactly zero (sparsity), the others move mu towards zero. L2 (weight decay) instead gives
w0 / (1 + mu): every weight shrinks, none reaches zero. The lesson

* compares `optim.regularizers.soft_threshold` with a brute-force minimisation on a fine grid;
* solves a lasso problem with an orthonormal design (X^T X = N I), where the answer is the
  least-squares fit soft-thresholded, by proximal gradient descent (ISTA: a gradient step from
  the engine, then `l1_proximal_step_`), and checks the subgradient optimality conditions
  (grad_j + mu sign(w_j) = 0 where w_j != 0, |grad_j| <= mu where w_j = 0);
* trains the same problem with plain subgradient steps on mu |w|: no weight is ever exactly 0.
"""
import numpy as np

from tinygrad_edu import Tensor, optim
from tinygrad_edu.optim.regularizers import l1_penalty, l1_proximal_step_, soft_threshold
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 6.4 (L1 regularisation)"


def brute_force_prox(w0: float, mu: float, grid: np.ndarray) -> float:
    """argmin over `grid` of 1/2 (w - w0)^2 + mu |w|."""
    return float(grid[np.argmin(0.5 * (grid - w0) ** 2 + mu * np.abs(grid))])


def orthonormal_lasso(N: int, d: int, seed: int):
    """X with X^T X = N I and y = X w_true + noise, w_true sparse-ish."""
    rng = np.random.default_rng(seed)
    X = np.linalg.qr(rng.normal(size=(N, d)))[0] * np.sqrt(N)
    w_true = rng.normal(size=d) * (rng.random(d) < 0.5)
    return X, X @ w_true + 0.5 * rng.normal(size=N)


def _train(X, y, mu, steps, proximal):
    w = Tensor(np.zeros((X.shape[1], 1)), requires_grad=True)       # 2-D: a weight, not a bias
    opt = optim.SGD([w], lr=0.5)
    for _ in range(steps):
        opt.zero_grad()
        loss = ((Tensor(X) @ w - Tensor(y[:, None])) ** 2).sum() / (2 * len(y))
        if not proximal:
            loss = loss + l1_penalty([w], mu)
        loss.backward()
        opt.step()
        if proximal:
            l1_proximal_step_([w], lr=0.5, mu=mu)
    return w.data[:, 0]


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Soft thresholding against brute force; ISTA on a lasso against the closed form and KKT.

    Example:
        >>> run(quick=True)["checks"]["soft_threshold = brute-force argmin"]
        True
    """
    rng = np.random.default_rng(seed)
    grid = np.linspace(-4, 4, 80001)
    spacing = grid[1] - grid[0]
    w0s, mus = rng.uniform(-3, 3, size=50 if quick else 500), rng.uniform(0, 1.5, size=50 if quick else 500)
    prox_gap = max(abs(brute_force_prox(w0, mu, grid) - soft_threshold(np.array(w0), mu))
                   for w0, mu in zip(w0s, mus))
    print(f"  soft threshold vs brute-force minimisation over {len(w0s)} (w0, mu): largest gap "
          f"{prox_gap:.1e} (grid spacing {spacing:.0e})")

    N, d, mu = 100, 12, 0.3
    X, y = orthonormal_lasso(N, d, seed)
    ols = X.T @ y / N
    closed = soft_threshold(ols, mu)
    steps = 60 if quick else 300
    ista = _train(X, y, mu, steps, proximal=True)
    subgradient = _train(X, y, mu, steps, proximal=False)
    grad = X.T @ (X @ ista - y) / N
    nonzero = ista != 0
    kkt_active = float(np.max(np.abs(grad[nonzero] + mu * np.sign(ista[nonzero])), initial=0.0))
    kkt_zero = float(np.max(np.abs(grad[~nonzero]), initial=0.0))
    print(f"  lasso, X^T X = N I, mu = {mu}: ISTA has {int(np.sum(~nonzero))} of {d} weights exactly 0, "
          f"|ISTA - soft_threshold(OLS)| = {np.max(np.abs(ista - closed)):.1e}")
    print(f"  optimality: |grad + mu sign(w)| = {kkt_active:.1e} where w != 0; |grad| = {kkt_zero:.2f} "
          f"<= mu where w = 0")
    print(f"  plain subgradient steps: {int(np.sum(subgradient == 0))} weights exactly 0; the smallest "
          f"is {np.min(np.abs(subgradient)):.1e} (it oscillates around 0)")
    checks = {
        "soft_threshold = brute-force argmin": prox_gap <= spacing,
        "ISTA reaches sign(w0) max(|w0| - mu, 0) of the OLS fit":
            float(np.max(np.abs(ista - closed))) < 1e-10,
        "subgradient optimality (KKT) holds": kkt_active < 1e-10 and kkt_zero <= mu + 1e-12,
        "L1 gives exact zeros where |w0| <= mu": bool(np.all((ista == 0) == (np.abs(ols) <= mu))),
        "plain subgradient steps give no exact zero": bool(np.all(subgradient != 0)),
    }
    w0 = np.linspace(-3, 3, 301)
    figure = plot_lines(out_dir, "l1_soft_threshold.png",
                        {"L1: sign(w0) max(|w0| - mu, 0)": (w0, soft_threshold(w0, 1.0)),
                         "L2: w0 / (1 + mu)": (w0, w0 / 2.0), "no penalty: w0": (w0, w0)},
                        xlabel="unregularised weight w0", ylabel="regularised weight w*",
                        title="L1 sets |w0| <= mu to zero (mu = 1); L2 only shrinks")
    return {"prox_gap": prox_gap, "ista": ista, "closed_form": closed, "subgradient": subgradient,
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
