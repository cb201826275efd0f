"""Lesson: gradient descent on least squares reaches the closed-form OLS solution.

The course notes (lectures), sec. 2.1. For h(w) = (1/2N) ||X w - y||^2 the normal equations give
w_ols = (X^T X)^{-1} X^T y; h is L-smooth with L = lambda_max(X^T X)/N and mu-strongly convex
with mu = lambda_min(X^T X)/N, so GD with eta = 1/L (here `optim.SGD` on the full batch, the
gradient by autodiff) contracts ||w_t - w_ols|| by at least (1 - mu/L) per step. The lesson
checks the end point against the closed form and the distance against that rate at every step.
"""
import numpy as np

from tinygrad_edu import Tensor, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 2.1 (regression) and 3.2 (gradient descent)"


def least_squares_data(N: int = 200, d: int = 5, noise: float = 0.1, seed: int = 0):
    """A design matrix with an intercept column and mildly correlated features, and targets."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, d - 1)) @ (np.eye(d - 1) + 0.3 * rng.normal(size=(d - 1, d - 1)))
    X = np.concatenate([X, np.ones((N, 1))], axis=1)
    y = X @ rng.normal(size=d) + noise * rng.normal(size=N)
    return X, y


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Fit OLS in closed form and by gradient descent; compare.

    Example:
        >>> run(quick=True)["checks"]["GD reaches w_ols"]
        True
    """
    X, y = least_squares_data(seed=seed)
    N = X.shape[0]
    w_ols = np.linalg.solve(X.T @ X, X.T @ y)
    eig = np.linalg.eigvalsh(X.T @ X / N)
    L, mu = eig[-1], eig[0]
    steps = 400 if quick else 1500
    w = Tensor(np.zeros(X.shape[1]), requires_grad=True)
    opt = optim.SGD([w], lr=1.0 / L)
    Xt, yt = Tensor(X), Tensor(y)
    distance = [np.linalg.norm(w.data - w_ols)]
    for _ in range(steps):
        opt.zero_grad()
        loss = ((Xt @ w - yt) ** 2).sum() / (2 * N)
        loss.backward()
        opt.step()
        distance.append(np.linalg.norm(w.data - w_ols))
    distance = np.array(distance)
    rate_bound = distance[0] * (1 - mu / L) ** np.arange(steps + 1)
    print(f"  L = {L:.3f}, mu = {mu:.3f}, condition number {L / mu:.1f}; {steps} steps of eta = 1/L")
    print(f"  ||w_gd - w_ols|| = {distance[-1]:.2e}; closed form w_ols = {np.round(w_ols, 4)}")
    checks = {
        "GD reaches w_ols": distance[-1] < 1e-6 * max(1.0, np.linalg.norm(w_ols)),
        "||w_t - w_ols|| <= (1 - mu/L)^t ||w_0 - w_ols||": bool(np.all(distance <= rate_bound + 1e-12)),
    }
    shown = min(steps, int(np.argmax(distance < 1e-14)) + 20) + 1      # stop where float64 stops
    figure = plot_lines(out_dir, "ols_vs_gd.png",
                        {"||w_t - w_ols||": np.maximum(distance[:shown], 1e-16),
                         "(1 - mu/L)^t bound": rate_bound[:shown]},
                        xlabel="step", ylabel="distance to the OLS solution", log_y=True,
                        title="Gradient descent (eta = 1/L) vs closed form")
    return {"w_ols": w_ols, "w_gd": w.data.copy(), "distance": distance, "L": L, "mu": mu,
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
