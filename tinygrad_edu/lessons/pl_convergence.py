"""Lesson: under the Polyak-Lojasiewicz inequality, GD with eta = 1/L converges geometrically.

The course notes (lectures), sec. 3.2, Definition 3.3 and Lemma 3.4: if 1/2 ||grad h||^2 >= mu (h -
h*) and h is L-smooth, then h(theta_T) - h* <= (1 - mu/L)^T (h(theta_0) - h*). PL needs neither
convexity nor a unique minimiser. Two examples, both with the gradient from the engine:

* under-determined least squares h = 1/(2N) ||X theta - y||^2 with N < d: a whole affine
  space of minimisers (not strongly convex), yet PL with mu = lambda_min(X X^T)/N and
  L = lambda_max(X X^T)/N;
* the non-convex h(x) = x^2 + 3 sin^2(x) (Karimi, Nutini and Schmidt, 2016): h* = 0 at x = 0,
  L = max |h''| = max |2 + 6 cos 2x| = 8, and the PL constant mu = min_x h'(x)^2 / (2 h(x))
  measured on a grid (about 0.18 here; 1/32 is a safe textbook value).

Where the bound is tight: started with its residual along the weakest direction of X X^T, the
least-squares gap is exactly (1 - mu/L)^(2t) gap_0 -- between the bound (1 - mu/L)^t and
(1 - 2mu/L)^t, so a PL constant twice too large (min h'^2 / h instead of min h'^2 / (2h)) breaks
the bound there. The lesson also checks the PL inequality 1/2 ||grad h||^2 >= mu (h - h*) itself
at every iterate and on the grid: the grid's minimising point is where it is an equality.

OCR note: the notes' proof applies the sufficient decrease and PL at theta^T where they belong
at theta^(T-1): h(theta^T) - h(theta^(T-1)) <= -||grad h(theta^(T-1))||^2/(2L)
<= -(mu/L)(h(theta^(T-1)) - h*), which gives the (1 - mu/L) factor per step.
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 3.2, Definition 3.3 and Lemma 3.4"


def _gd(h, theta0, eta, steps):
    """Values h(theta_t), t = 0..steps, of GD with autodiff gradients."""
    theta, values = np.array(theta0, dtype=np.float64), []
    for _ in range(steps + 1):
        t = Tensor(theta, requires_grad=True)
        value = h(t)
        value.backward()
        values.append(value.item())
        theta = theta - eta * t.grad.data
    return np.array(values)


def _pl_slack(grad, value, theta0, eta, steps, mu) -> float:
    """min over the GD iterates of 1/2 ||grad h||^2 - mu h (h* = 0 here): >= 0 when PL holds."""
    theta, slack = np.array(theta0, dtype=np.float64), np.inf
    for _ in range(steps):
        g = grad(theta)
        slack = min(slack, 0.5 * float(np.sum(g * g)) - mu * value(theta))
        theta = theta - eta * g
    return slack


def nonconvex_pl(x: Tensor) -> Tensor:
    """h(x) = x^2 + 3 sin^2(x): PL but not convex (h'' = 2 + 6 cos 2x < 0 near x = pi/2)."""
    return (x * x + 3 * x.sin() * x.sin()).sum()


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """GD on two PL functions; the gap must stay below (1 - mu/L)^t times the initial gap.

    Example:
        >>> run(quick=True)["checks"]["least squares: gap <= (1 - mu/L)^t gap_0"]
        True
    """
    rng = np.random.default_rng(seed)
    N, d = 20, 50
    X, y = rng.normal(size=(N, d)), rng.normal(size=N)
    eig = np.linalg.eigvalsh(X @ X.T / N)
    mu_ls, L_ls = eig[0], eig[-1]
    steps = 150 if quick else 600
    ls = _gd(lambda t: ((Tensor(X) @ t - Tensor(y)) ** 2).sum() / (2 * N), np.zeros(d), 1 / L_ls, steps)
    ls_bound = ls[0] * (1 - mu_ls / L_ls) ** np.arange(steps + 1)     # h* = 0: N < d, full row rank

    # the weakest direction: residual X theta - y along the eigenvector of the smallest eigenvalue
    eigval, eigvec = np.linalg.eigh(X @ X.T / N)
    theta_star = np.linalg.lstsq(X, y, rcond=None)[0]                 # min-norm solution: h = 0
    start = theta_star + X.T @ eigvec[:, 0] / eigval[0] / N * 3.0     # X start - y = 3 u_min
    weak = _gd(lambda t: ((Tensor(X) @ t - Tensor(y)) ** 2).sum() / (2 * N), start, 1 / L_ls, steps)
    t_ls = np.arange(steps + 1)
    weak_bound = weak[0] * (1 - mu_ls / L_ls) ** t_ls
    doubled_bound = weak[0] * (1 - 2 * mu_ls / L_ls) ** t_ls
    pl_ls = _pl_slack(lambda th: X.T @ (X @ th - y) / N,
                      lambda th: 0.5 * np.sum((X @ th - y) ** 2) / N, start, 1 / L_ls, 60, mu_ls)

    grid = np.linspace(-20, 20, 400001)
    grid = grid[grid != 0]
    h = grid ** 2 + 3 * np.sin(grid) ** 2
    dh = 2 * grid + 3 * np.sin(2 * grid)
    mu_nc, L_nc = float(np.min(dh ** 2 / (2 * h))), 8.0
    nc_steps = 60 if quick else 200
    nc = _gd(nonconvex_pl, np.array([2.0, -3.0, 7.5]), 1 / L_nc, nc_steps)
    nc_bound = nc[0] * (1 - mu_nc / L_nc) ** np.arange(nc_steps + 1)
    pl_grid = float(np.min(0.5 * dh ** 2 - mu_nc * h))                 # >= 0, = 0 at the worst point
    pl_nc = _pl_slack(lambda x: 2 * x + 3 * np.sin(2 * x),
                      lambda x: float(np.sum(x ** 2 + 3 * np.sin(x) ** 2)),
                      np.array([2.0, -3.0, 7.5]), 1 / L_nc, nc_steps, mu_nc)
    print(f"  least squares N={N} < d={d}: mu = {mu_ls:.3f}, L = {L_ls:.3f}, gap after {steps} "
          f"steps {ls[-1]:.2e} (bound {ls_bound[-1]:.2e})")
    print(f"  least squares, residual along the weakest direction: gap after {steps} steps "
          f"{weak[-1]:.3e}; bound (1 - mu/L)^t: {weak_bound[-1]:.3e}; with 2 mu: {doubled_bound[-1]:.3e}")
    print(f"    (the gap is exactly (1 - mu/L)^(2t) gap_0: "
          f"{np.max(np.abs(weak / (weak[0] * (1 - mu_ls / L_ls) ** (2 * t_ls)) - 1)):.1e} relative)")
    print(f"  x^2 + 3 sin^2 x: mu = {mu_nc:.3f} (grid), L = 8, gap after {nc_steps} steps "
          f"{nc[-1]:.2e} (bound {nc_bound[-1]:.2e})")
    checks = {
        "least squares: gap <= (1 - mu/L)^t gap_0": bool(np.all(ls <= ls_bound * (1 + 1e-9) + 1e-300)),
        "x^2 + 3 sin^2 x: gap <= (1 - mu/L)^t gap_0": bool(np.all(nc <= nc_bound * (1 + 1e-9))),
        "weakest direction: gap <= (1 - mu/L)^t gap_0, but > (1 - 2 mu/L)^t gap_0 (tight to 2x)":
            bool(np.all(weak <= weak_bound * (1 + 1e-9)) and np.all(weak[1:] > doubled_bound[1:])),
        "PL inequality 1/2 |grad h|^2 >= mu (h - h*) at every iterate and on the grid":
            min(pl_ls, pl_nc) >= -1e-12 and pl_grid >= -1e-12,
        "x^2 + 3 sin^2 x is not convex (h'' < 0 somewhere)": float(np.min(2 + 6 * np.cos(2 * grid))) < 0,
    }
    figure = plot_lines(out_dir, "pl_convergence.png",
                        {"least squares gap": np.maximum(ls, 1e-16), "(1 - mu/L)^t bound": ls_bound,
                         "x^2 + 3 sin^2 x gap": np.maximum(nc, 1e-16), "its bound": nc_bound,
                         "least squares, weakest direction": weak,
                         "its bound (1 - mu/L)^t": weak_bound,
                         "with 2 mu (1 - 2mu/L)^t: not a bound": doubled_bound},
                        xlabel="step", ylabel="h(theta_t) - h*", log_y=True,
                        title="Geometric convergence under PL")
    return {"least_squares": ls, "weakest_direction": weak, "mu_least_squares": mu_ls,
            "L_least_squares": L_ls, "least_squares_bound": ls_bound, "nonconvex": nc,
            "nonconvex_bound": nc_bound, "mu_nonconvex": mu_nc, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
