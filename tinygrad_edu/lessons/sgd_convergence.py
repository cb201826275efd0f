"""Lesson: the minibatch gradient is unbiased; with decaying steps SGD converges, O(1/t) or O(1/sqrt t).

The course notes (summary), sec. 6.2 (SGD). For a random subset S_K of the N examples,
E R(S_K) = R(S_N), hence E grad R(S_K) = grad R(S_N): the minibatch gradient is an unbiased
estimate of the full one. SGD converges when the step sizes decay with
sum_t eta(t)^2 < inf and sum_t eta(t) = inf (typically eta(t) = C t^-alpha, 1/2 < alpha <= 1);
the suboptimality falls as O(1/t) for a strongly convex objective and O(1/sqrt t) for a convex
one. The lesson checks

* unbiasedness exactly: the engine's minibatch gradients averaged over all C(N, K) subsets
  equal the full-batch gradient;
* on strongly convex least squares (single-example SGD, many independent runs): a constant
  step stalls at a noise floor, eta(t) = 1/(mu (t + t0)) (alpha = 1) makes the mean
  suboptimality fall like 1/t (slope -1 on log-log axes);
* on the convex, non-smooth h(theta) = E|theta - xi|, xi ~ N(0, 1) (subgradients bounded by
  G = 1): the averaged iterate with the step D/(G sqrt T) stays below the classical bound
  D G / sqrt(T) for every horizon T (D = |theta_0 - theta*|).
"""
from itertools import combinations
from math import erf

import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 6.2 (SGD)"


def minibatch_gradient(theta, X, y) -> np.ndarray:
    """The engine's gradient of R(S) = 1/(2|S|) sum_{i in S} (x_i . theta - y_i)^2."""
    t = Tensor(theta, requires_grad=True)
    (((Tensor(X) @ t - Tensor(y)) ** 2).sum() / (2 * len(y))).backward()
    return t.grad.data


def sgd_least_squares(X, y, steps, runs, step_size, rng):
    """Single-example SGD on least squares, `runs` chains at once; returns the iterates (steps+1, runs, d)."""
    theta = np.zeros((runs, X.shape[1]))
    path = [theta]
    for t in range(1, steps + 1):
        i = rng.integers(0, len(y), size=runs)
        grad = (np.einsum("rd,rd->r", X[i], theta) - y[i])[:, None] * X[i]
        theta = theta - step_size(t) * grad
        path.append(theta)
    return np.array(path)


def abs_risk(theta):
    """h(theta) = E|theta - xi| for xi ~ N(0, 1): theta (2 Phi(theta) - 1) + 2 phi(theta)."""
    theta = np.asarray(theta, dtype=float)
    cdf = 0.5 * (1 + np.vectorize(erf)(theta / np.sqrt(2)))
    return theta * (2 * cdf - 1) + 2 * np.exp(-theta ** 2 / 2) / np.sqrt(2 * np.pi)


def averaged_subgradient_gap(T, theta0, runs, rng) -> float:
    """Mean over runs of h(mean of the first T iterates) - h*, SGD with the step |theta0| / sqrt(T)."""
    eta, theta, total = abs(theta0) / np.sqrt(T), np.full(runs, theta0), np.zeros(runs)
    for _ in range(T):
        total += theta
        theta = theta - eta * np.sign(theta - rng.normal(size=runs))
    return float(np.mean(abs_risk(total / T)) - abs_risk(0.0))


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Unbiased minibatch gradients; 1/t with decaying steps; the convex 1/sqrt(T) bound.

    Example:
        >>> run(quick=True)["checks"]["mean minibatch gradient over all subsets = full gradient"]
        True
    """
    rng = np.random.default_rng(seed)
    N, K, d = 10, 3, 4
    X, y = rng.normal(size=(N, d)), rng.normal(size=N)
    theta = rng.normal(size=d)
    subsets = list(combinations(range(N), K))
    mean_grad = np.mean([minibatch_gradient(theta, X[list(s)], y[list(s)]) for s in subsets], axis=0)
    full = minibatch_gradient(theta, X, y)
    unbiased_gap = float(np.max(np.abs(mean_grad - full)))
    print(f"  N = {N}, K = {K}: mean over all {len(subsets)} minibatch gradients - full gradient: "
          f"{unbiased_gap:.1e}")

    N, d = 200, 5
    X = rng.normal(size=(N, d)) * np.linspace(0.5, 1.5, d)
    y = X @ rng.normal(size=d) + 2.0 * rng.normal(size=N)
    H = X.T @ X / N
    mu, smooth = np.linalg.eigvalsh(H)[[0, -1]]
    best = np.linalg.solve(H, X.T @ y / N)
    gap = lambda th: 0.5 * np.einsum("...d,de,...e->...", th - best, H, th - best)   # noqa: E731
    steps, runs = (4000, 100) if quick else (40000, 300)
    t0 = 2 * np.max(np.sum(X ** 2, axis=1)) / mu          # large enough that the first steps are stable
    decaying = gap(sgd_least_squares(X, y, steps, runs, lambda t: 1 / (mu * (t + t0)), rng)).mean(axis=1)
    constant = gap(sgd_least_squares(X, y, steps, runs, lambda t: 0.05 / smooth, rng)).mean(axis=1)
    t = np.arange(steps + 1)
    window = t >= steps // 4
    slope = float(np.polyfit(np.log(t[window] + t0), np.log(decaying[window]), 1)[0])
    plateau = constant[steps // 2:].mean() / constant[-steps // 4:].mean()
    print(f"  least squares, mu = {mu:.2f}: eta = 1/(mu (t + t0)) gives slope {slope:.2f} on log-log "
          f"axes (1/t is -1); constant eta ends at {constant[-1]:.1e} (a floor), decaying at "
          f"{decaying[-1]:.1e}")

    horizons = [100, 400, 1600] if quick else [100, 400, 1600, 6400, 25600]
    theta0 = 3.0
    avg_gaps = [averaged_subgradient_gap(T, theta0, 400, rng) for T in horizons]
    bounds = [theta0 * 1.0 / np.sqrt(T) for T in horizons]
    for T, g, b in zip(horizons, avg_gaps, bounds):
        print(f"  E|theta - xi|, T = {T:5d}: averaged iterate's gap {g:.2e} <= D G / sqrt(T) = {b:.2e}")
    checks = {
        "mean minibatch gradient over all subsets = full gradient": unbiased_gap < 1e-12,
        "eta = 1/(mu t): suboptimality falls like 1/t (slope in [-1.25, -0.75])": -1.25 <= slope <= -0.75,
        "constant eta stalls at a noise floor above the decaying schedule":
            0.5 < plateau < 2 and constant[-1] > 3 * decaying[-1],
        "convex case: averaged gap <= D G / sqrt(T) for every T":
            all(g <= b for g, b in zip(avg_gaps, bounds)),
    }
    figure = plot_lines(out_dir, "sgd_convergence.png",
                        {"constant eta": (t[1:], constant[1:]),
                         "eta = 1/(mu (t + t0))": (t[1:], decaying[1:]),
                         "C / t (reference)": (t[1:], decaying[steps] * (steps + t0) / (t[1:] + t0)),
                         "convex: averaged iterate": (horizons, avg_gaps),
                         "convex: D G / sqrt(T) bound": (horizons, bounds)},
                        xlabel="step t (convex case: horizon T)", ylabel="mean suboptimality",
                        log_y=True, log_x=True,
                        title="SGD: decaying steps converge, a constant step stalls")
    return {"unbiased_gap": unbiased_gap, "slope": slope, "decaying": decaying, "constant": constant,
            "horizons": horizons, "averaged_gaps": avg_gaps, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
