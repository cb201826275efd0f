"""Lesson: L2 weight decay shrinks the solution along each Hessian eigendirection by lambda_i/(lambda_i + mu).

The course notes (summary), sec. 6.4 (L2 regularisation). Near a minimum w* with Hessian H = sum_i
lambda_i q_i q_i^T, adding mu/2 ||w||^2 moves the minimum to w_mu = (H + mu I)^(-1) H w*, so in the
eigenbasis q_i^T w_mu = lambda_i / (lambda_i + mu) q_i^T w*: directions of high curvature (well
determined by the data) are kept, flat ones (lambda_i << mu) are shrunk to almost 0. For least
squares this is exact. The lesson builds data whose Hessian X^T X / N has eigenvalues from 0.01 to
4, trains with `optim.SGD(weight_decay=mu)` (the decay inside the optimiser, the gradient by
autodiff) and compares each ratio with the formula.
"""
import numpy as np

from tinygrad_edu import Tensor, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 6.4 (norm-based regularisation)"


def designed_regression(eigenvalues, N: int = 200, seed: int = 0):
    """X (N x d) with X^T X / N = Q diag(eigenvalues) Q^T exactly, Q, and targets y."""
    rng = np.random.default_rng(seed)
    d = len(eigenvalues)
    U = np.linalg.qr(rng.normal(size=(N, d)))[0]
    Q = np.linalg.qr(rng.normal(size=(d, d)))[0]
    X = U @ np.diag(np.sqrt(N * np.asarray(eigenvalues))) @ Q.T
    y = X @ rng.normal(size=d) + 0.5 * rng.normal(size=N)
    return X, y, Q


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Train ridge regression with SGD(weight_decay=mu); measure the shrinkage per eigendirection.

    Example:
        >>> run(quick=True)["checks"]["shrinkage = lambda_i/(lambda_i + mu)"]
        True
    """
    eigenvalues = np.geomspace(0.01, 4.0, 6 if quick else 10)
    mu = 0.1
    X, y, Q = designed_regression(eigenvalues, seed=seed)
    N = X.shape[0]
    w_star = np.linalg.lstsq(X, y, rcond=None)[0]
    w = Tensor(np.zeros(X.shape[1]), requires_grad=True)
    opt = optim.SGD([w], lr=1 / (eigenvalues[-1] + mu), weight_decay=mu)
    Xt, yt = Tensor(X), Tensor(y)
    for _ in range(1500 if quick else 3000):
        opt.zero_grad()
        (((Xt @ w - yt) ** 2).sum() / (2 * N)).backward()
        opt.step()
    measured = (Q.T @ w.data) / (Q.T @ w_star)
    predicted = eigenvalues / (eigenvalues + mu)
    for lam, m, p in zip(eigenvalues, measured, predicted):
        print(f"  lambda = {lam:7.4f}: q^T w_mu / q^T w* = {m:.6f}, lambda/(lambda+mu) = {p:.6f}")
    checks = {"shrinkage = lambda_i/(lambda_i + mu)": bool(np.allclose(measured, predicted, atol=1e-6)),
              "flat directions shrink most": bool(np.all(np.diff(measured) > 0))}
    dense = np.geomspace(1e-3, 100, 200)
    figure = plot_lines(out_dir, "weight_decay.png",
                        {"lambda / (lambda + mu)": (np.log10(dense), dense / (dense + mu)),
                         "measured, SGD(weight_decay)": (np.log10(eigenvalues), measured)},
                        xlabel="log10 lambda_i (Hessian eigenvalue)", ylabel="shrinkage factor",
                        title=f"Weight decay mu = {mu} along eigendirections")
    return {"eigenvalues": eigenvalues, "mu": mu, "measured": measured, "predicted": predicted,
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
