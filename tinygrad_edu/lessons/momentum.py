"""Lesson: heavy ball, Nesterov, AdaGrad and Adam on an ill-conditioned quadratic.

The course notes (lectures), sec. 3.3 (and the summary notes, sec. 6.2). h(theta) = 1/2 theta^T A
theta with eigenvalues of A from mu = 1 to L = 100 (condition number kappa = 100). The engine's
optimisers are run on a Tensor parameter and compared with the notes' formulas written out in numpy:

* heavy ball theta_(t+1) = theta_t - eta grad h(theta_t) + beta (theta_t - theta_(t-1)) is
  `optim.SGD(momentum=beta)` exactly (its buffer v_t = beta v_(t-1) + g_t gives
  theta_(t+1) - theta_t = -eta v_t); with eta = 4/(sqrt L + sqrt mu)^2 and
  beta = ((sqrt kappa - 1)/(sqrt kappa + 1))^2 it converges like sqrt(beta)^t, against
  (1 - 1/kappa)^t for GD with eta = 1/L;
* Nesterov chi_(t+1) = theta_t + beta (theta_t - theta_(t-1)),
  theta_(t+1) = chi_(t+1) - eta grad h(chi_(t+1)) is `optim.SGD(momentum=beta,
  nesterov=True)`, whose parameter is the look-ahead point chi_(t+1) (derived, and checked
  here to 1e-12 step by step);
* AdaGrad and Adam scale each coordinate by its own gradient history: on an axis-aligned A
  that undoes the ill-conditioning, on a rotated A it cannot.

Note: the lecture notes' Adam has no bias correction; `optim.Adam` (like PyTorch's, and the
summary notes)
divides the moments by 1 - beta^t. The notes' constant-gradient sum for the heavy ball should
run over tau = 0..t-1 (it gives eta delta (1 - beta^t)/(1 - beta), the effective step
eta/(1 - beta)).
"""
import numpy as np

from tinygrad_edu import Tensor, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 3.3; summary notes, sec. 6.2"


def quadratic(d: int = 10, mu: float = 1.0, L: float = 100.0, rotated: bool = True, seed: int = 0):
    """A = Q diag(mu..L) Q^T (Q random orthogonal, or the identity when not rotated)."""
    eig = np.geomspace(mu, L, d)
    Q = np.linalg.qr(np.random.default_rng(seed).normal(size=(d, d)))[0] if rotated else np.eye(d)
    return Q @ np.diag(eig) @ Q.T


def run_optimizer(A, theta0, make_opt, steps: int):
    """h(theta_t) and theta_t for t = 0..steps with an engine optimiser and autodiff gradients."""
    theta = Tensor(theta0.copy(), requires_grad=True)
    opt = make_opt([theta])
    At = Tensor(A)
    values, path = [], [theta0.copy()]
    for _ in range(steps):
        opt.zero_grad()
        h = (theta @ (At @ theta)) * 0.5
        h.backward()
        values.append(h.item())
        opt.step()
        path.append(theta.data.copy())
    values.append(0.5 * path[-1] @ A @ path[-1])
    return np.array(values), np.array(path)


def seed_heavy_ball(A, theta0, eta, beta, steps):
    """The notes' heavy-ball recursion in numpy (theta_(-1) = theta_0)."""
    prev, theta, path = theta0.copy(), theta0.copy(), [theta0.copy()]
    for _ in range(steps):
        prev, theta = theta, theta - eta * (A @ theta) + beta * (theta - prev)
        path.append(theta)
    return np.array(path)


def seed_nesterov_lookahead(A, theta0, eta, beta, steps):
    """The notes' Nesterov recursion; returns the look-ahead points chi_1 = theta_0, chi_2, ..."""
    prev, theta, chis = theta0.copy(), theta0.copy(), []
    for _ in range(steps + 1):
        chi = theta + beta * (theta - prev)
        chis.append(chi)
        prev, theta = theta, chi - eta * (A @ chi)
    return np.array(chis)


def steps_to(values, tol):
    """First t with h(theta_t) <= tol * h(theta_0) (len(values) if never)."""
    below = np.nonzero(values <= tol * values[0])[0]
    return int(below[0]) if below.size else len(values)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Race the optimisers on rotated and axis-aligned quadratics with kappa = 100.

    Example:
        >>> run(quick=True)["checks"]["SGD(momentum) = the notes' heavy ball"]
        True
    """
    mu, L, steps, tol = 1.0, 100.0, (1000 if quick else 2000), 1e-8
    sk = np.sqrt(L / mu)
    hb_eta, hb_beta = 4 / (np.sqrt(L) + np.sqrt(mu)) ** 2, ((sk - 1) / (sk + 1)) ** 2
    nag_beta = (sk - 1) / (sk + 1)
    theta0 = np.random.default_rng(seed + 1).normal(size=10)
    makers = {
        "GD, eta = 1/L": lambda p: optim.SGD(p, lr=1 / L),
        "heavy ball": lambda p: optim.SGD(p, lr=hb_eta, momentum=hb_beta),
        "Nesterov": lambda p: optim.SGD(p, lr=1 / L, momentum=nag_beta, nesterov=True),
        "AdaGrad": lambda p: optim.Adagrad(p, lr=1.0),
        "Adam": lambda p: optim.Adam(p, lr=0.05),
    }
    results = {}
    for geometry in ("rotated", "axis-aligned"):
        A = quadratic(mu=mu, L=L, rotated=geometry == "rotated", seed=seed)
        for name, make in makers.items():
            values, path = run_optimizer(A, theta0, make, steps)
            results[(geometry, name)] = (values, path)
    A = quadratic(mu=mu, L=L, seed=seed)
    hb_err = np.max(np.abs(results[("rotated", "heavy ball")][1]
                           - seed_heavy_ball(A, theta0, hb_eta, hb_beta, steps)))
    nag_err = np.max(np.abs(results[("rotated", "Nesterov")][1]
                            - seed_nesterov_lookahead(A, theta0, 1 / L, nag_beta, steps)))
    hits = {key: steps_to(v, tol) for key, (v, _) in results.items()}
    print(f"  steps until h <= {tol:g} h(theta_0), kappa = {L / mu:g} (max {steps}):")
    for name in makers:
        print(f"    {name:14s} rotated {hits[('rotated', name)]:5d}   "
              f"axis-aligned {hits[('axis-aligned', name)]:5d}")
    hb_values = results[("rotated", "heavy ball")][0]
    k = hits[("rotated", "heavy ball")]
    hb_rate = (hb_values[k] / hb_values[k // 2]) ** (1 / (2 * (k - k // 2)))   # per step, of ||theta||
    print(f"  heavy ball: measured rate {hb_rate:.3f} per step, theory sqrt(beta) = {np.sqrt(hb_beta):.3f}")
    checks = {
        "SGD(momentum) = the notes' heavy ball": hb_err < 1e-10,
        "SGD(nesterov=True) = the notes' Nesterov look-ahead": nag_err < 1e-10,
        "heavy ball and Nesterov >= 5x faster than GD (which gets there)":
            5 * max(hits[("rotated", "heavy ball")], hits[("rotated", "Nesterov")])
            <= hits[("rotated", "GD, eta = 1/L")] <= steps,
        "heavy-ball rate within 10% of sqrt(beta)": abs(hb_rate - np.sqrt(hb_beta)) < 0.1 * np.sqrt(hb_beta),
        "AdaGrad: axis-aligned faster than rotated":
            hits[("axis-aligned", "AdaGrad")] < hits[("rotated", "AdaGrad")],
    }
    if not quick:       # full mode: the speed-up grows like sqrt(kappa) (GD needs ~kappa steps, HB ~sqrt)
        kappa2 = 400.0
        sk2 = np.sqrt(kappa2)
        A2 = quadratic(mu=mu, L=kappa2, seed=seed)
        gd2 = steps_to(run_optimizer(A2, theta0, lambda p: optim.SGD(p, lr=1 / kappa2), 6000)[0], tol)
        hb2 = steps_to(run_optimizer(A2, theta0, lambda p: optim.SGD(
            p, lr=4 / (sk2 + 1) ** 2, momentum=((sk2 - 1) / (sk2 + 1)) ** 2), 6000)[0], tol)
        speedup = hits[("rotated", "GD, eta = 1/L")] / hits[("rotated", "heavy ball")]
        print(f"  kappa = {kappa2:g}: GD {gd2} steps, heavy ball {hb2}: speed-up {gd2 / hb2:.1f} "
              f"(at kappa = {L / mu:g}: {speedup:.1f}; theory: x2 for 4x kappa, as kappa -> inf)")
        checks["heavy ball's speed-up over GD grows with kappa (x1.3 or more for 4x kappa)"] = \
            gd2 / hb2 >= 1.3 * speedup
    shown = min(steps, 800) + 1
    figure = plot_lines(out_dir, "momentum.png",
                        {name: np.maximum(results[("rotated", name)][0][:shown]
                                          / results[("rotated", name)][0][0], 1e-12) for name in makers},
                        xlabel="step", ylabel="h(theta_t) / h(theta_0)", log_y=True,
                        title="Ill-conditioned quadratic (kappa = 100, rotated)")
    return {"steps_to_tol": {f"{g}/{n}": v for (g, n), v in hits.items()}, "heavy_ball_rate": hb_rate,
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
