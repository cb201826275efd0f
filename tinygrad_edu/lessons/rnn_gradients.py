"""Lesson: RNN gradients through time vanish or explode with the spectral norm of W.

The course notes (summary), sec. 7.2 (recurrent networks, BPTT). For h_t = phi(W h_(t-1) + U x_t)
the chain rule gives d h_T / d h_0 = prod_t diag(phi'(a_t)) W, so ||d h_T / d h_0||_2 <= (max |phi'|
||W||_2)^T: with tanh (|phi'| <= 1) and ||W||_2 = rho < 1 the gradient reaching the start vanishes
at least like rho^T. For a linear RNN with W = rho Q (Q orthogonal) every singular value of the
product is rho^T, so ||v^T d h_T / d h_0|| = rho^T exactly for any unit v: vanishing for rho < 1,
exploding for rho > 1. With tanh and rho > 1 the units saturate (phi' -> 0): a large spectral norm
is necessary for exploding gradients, not sufficient. The gradients come from the engine's backward
pass through the unrolled graph.
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 7.2 (recurrent networks)"


def gradient_norms(W, U, xs, horizons, activation: str, seed: int = 0):
    """||v^T d h_T / d h_0|| for each T in `horizons` (v a fixed random unit vector)."""
    rng = np.random.default_rng(seed)
    v = rng.normal(size=W.shape[0])
    v /= np.linalg.norm(v)
    norms = []
    for T in horizons:
        h0 = Tensor(0.1 * rng.normal(size=W.shape[0]), requires_grad=True)
        h = h0
        for t in range(T):
            a = Tensor(W) @ h + Tensor(U) @ Tensor(xs[t])
            h = a.tanh() if activation == "tanh" else a
        (h * Tensor(v)).sum().backward()
        norms.append(float(np.linalg.norm(h0.grad.data)))
    return np.array(norms)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Gradient norms through time for rho = ||W||_2 below, at and above 1.

    Example:
        >>> run(quick=True)["checks"]["linear RNN: ||grad|| = rho^T"]
        True
    """
    rng = np.random.default_rng(seed)
    H, steps = 16, (30 if quick else 60)
    horizons = list(range(0, steps + 1, 5))
    Q = np.linalg.qr(rng.normal(size=(H, H)))[0]
    U = 0.1 * rng.normal(size=(H, 3))
    xs = rng.normal(size=(steps, 3))
    rhos = [0.8, 1.0, 1.2]
    series, linear_err, tanh_ok, tanh_norms = {}, [], True, {}
    for rho in rhos:
        W = rho * Q
        lin = gradient_norms(W, U, xs, horizons, "linear", seed)
        tanh = gradient_norms(W, U, xs, horizons, "tanh", seed)
        theory = rho ** np.array(horizons, dtype=np.float64)
        linear_err.append(float(np.max(np.abs(lin / theory - 1))))
        tanh_ok &= bool(np.all(tanh <= theory * (1 + 1e-9)))
        tanh_norms[rho] = tanh
        series[f"linear, rho = {rho}"] = (horizons, lin)
        series[f"tanh, rho = {rho}"] = (horizons, tanh)
        print(f"  rho = {rho}: T = {horizons[-1]}: linear {lin[-1]:.3e} (rho^T = {theory[-1]:.3e}), "
              f"tanh {tanh[-1]:.3e}")
    checks = {
        "linear RNN: ||grad|| = rho^T": max(linear_err) < 1e-9,
        "tanh RNN: ||grad|| <= ||W||_2^T": tanh_ok,
        "rho = 0.8: gradient vanishes (< 1e-2 of its start)": tanh_norms[0.8][-1] < 1e-2,
    }
    figure = plot_lines(out_dir, "rnn_gradients.png", series, xlabel="steps back in time T",
                        ylabel="||d(v.h_T)/d h_0||", log_y=True,
                        title="Gradients through time vs spectral norm rho")
    return {"horizons": horizons, "linear_relative_error": max(linear_err),
            "tanh_norms": {str(k): v for k, v in tanh_norms.items()}, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
