"""Lesson: sigmoid networks are universal, polynomial ones are not; Barron's O(1/m) rate.

The course notes (lectures), sec. 2.4 (sigmoid networks; Theorems 2.5 and 2.7), and the
summary notes, sec. 2.1 (a polynomial activation is not universal). Leshno et al.:
if phi is smooth and not a polynomial, span{phi(a x + b)} approximates every continuous
function on a compact set; a polynomial activation of degree k only spans polynomials of
degree <= k, so a one-hidden-layer network with it is not universal, however wide. Barron:
for f with a finite Fourier moment C_f there are one-hidden-layer networks g_m with m units
whose mean squared error over a ball is O(1/m), independent of the input dimension n. The
notes also note tanh(z) = 2 sigma(2z) - 1, so tanh and sigmoid networks are the same class.
The lesson

* fits the output weights of m sigmoid units (random a, b; least squares) to a kinked,
  wiggly target on [-1, 1]: the error keeps falling with m; with the cube activation z^3 it
  stops at the error of the best cubic polynomial, which no width improves;
* checks tanh(z) = 2 sigma(2z) - 1 on the engine's ops;
* follows Barron's argument (Maurey's sampling lemma) for f(x) = exp(-||x||^2 / 2) =
  E_w cos(w . x), w ~ N(0, I): averaging m random ridge units cos(w_k . x) gives a mean squared
  error of exactly V / m with V = E_x[(1 + e^(-2||x||^2))/2 - e^(-||x||^2)], in any dimension n;
  the lesson measures m * error for n = 2, 8, 32 and compares with V.
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, new_figure, draw_lines, save

SOURCE = "the course notes (lectures), sec. 2.4, Theorems 2.5 and 2.7; summary notes, sec. 2.1"


def target(x):
    """A continuous, non-smooth, non-polynomial function on [-1, 1]."""
    return np.abs(x - 0.2) + 0.5 * np.sin(6 * x)


def ridge_fit_error(x, y, m, activation, rng):
    """Largest error on x of the least-squares fit of sum_k c_k phi(a_k x + b_k) + c_0, random a, b."""
    a, b = rng.normal(scale=8.0, size=m), rng.uniform(-8, 8, size=m)
    features = np.hstack([activation(np.outer(x, a) + b), np.ones((len(x), 1))])
    coef = np.linalg.lstsq(features, y, rcond=None)[0]
    return float(np.max(np.abs(features @ coef - y)))


def sampled_ridge_mse(n, m, points, rng):
    """Mean squared error over `points` of (1/m) sum_k cos(w_k . x), w_k ~ N(0, I), against e^(-|x|^2/2)."""
    W = rng.normal(size=(m, n))
    approx = np.cos(points @ W.T).mean(axis=1)
    return float(np.mean((approx - np.exp(-np.sum(points ** 2, axis=1) / 2)) ** 2))


def maurey_constant(points):
    """V = E_x Var_w cos(w . x) = E_x[(1 + e^(-2|x|^2))/2 - e^(-|x|^2)]: m * E error -> V exactly."""
    r2 = np.sum(points ** 2, axis=1)
    return float(np.mean((1 + np.exp(-2 * r2)) / 2 - np.exp(-r2)))


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Sigmoid vs cube activations by width; tanh = 2 sigma(2z) - 1; Barron's 1/m in n dimensions.

    Example:
        >>> run(quick=True)["checks"]["cube activation: stuck at the best cubic, whatever m"]
        True
    """
    rng = np.random.default_rng(seed)
    x = np.linspace(-1, 1, 501 if quick else 2001)
    y = target(x)
    widths = [4, 8, 16, 32, 64] if quick else [4, 8, 16, 32, 64, 128, 256, 512]
    sigmoid_errors = [ridge_fit_error(x, y, m, lambda z: 1 / (1 + np.exp(-z)), rng) for m in widths]
    cube_errors = [ridge_fit_error(x, y, m, lambda z: (z / 8) ** 3, rng) for m in widths]
    cubic = float(np.max(np.abs(np.polyval(np.polyfit(x, y, 3), x) - y)))
    for m, s, c in zip(widths, sigmoid_errors, cube_errors):
        print(f"  m = {m:4d}: sigmoid units, largest error {s:.2e}; cube units {c:.3f}")
    print(f"  best cubic polynomial (least squares): largest error {cubic:.3f}")

    z = Tensor(np.linspace(-6, 6, 101))
    tanh_gap = float(np.max(np.abs(z.tanh().data - (2 * (z * 2).sigmoid() - 1).data)))
    print(f"  tanh(z) - (2 sigma(2z) - 1): {tanh_gap:.1e}")

    ms = [4, 16, 64] if quick else [4, 16, 64, 256]
    repeats = 60 if quick else 1000
    scaled, worst_z = {}, 0.0
    for n in (2, 8, 32):
        points = rng.normal(size=(100, n)) / np.sqrt(n)          # inside a ball of radius ~ 1
        V = maurey_constant(points)
        scaled[n] = []
        for m in ms:
            samples = np.array([m * sampled_ridge_mse(n, m, points, rng) / V for _ in range(repeats)])
            standard_error = samples.std() / np.sqrt(repeats)
            worst_z = max(worst_z, abs(samples.mean() - 1) / standard_error)
            scaled[n].append(float(samples.mean()))
        print(f"  n = {n:2d}: m * error / V for m = {ms}: {np.round(scaled[n], 3).tolist()} "
              "(1 = Barron's V/m)")
    print(f"  (the farthest from 1 is {worst_z:.1f} standard errors of its {repeats} repeats)")
    checks = {
        "sigmoid units: the error keeps falling with m (< 0.02 at the widest)":
            sigmoid_errors[-1] < 0.02 and sigmoid_errors[-1] < sigmoid_errors[0] / 10,
        "cube activation: stuck at the best cubic, whatever m":
            all(abs(c - cubic) < 1e-6 for c in cube_errors),
        "tanh(z) = 2 sigma(2z) - 1": tanh_gap < 1e-14,
        "sampled ridge units: m * error = V for n = 2, 8, 32 (within 5 standard errors)": worst_z < 5,
    }
    figures = []
    if out_dir is not None:
        figure, (left, right) = new_figure(2, width=12.0, height=4.4)
        draw_lines(left, {"sigmoid units": (widths, sigmoid_errors), "cube units z^3": (widths, cube_errors),
                          "best cubic (bound for z^3)": (widths, [cubic] * len(widths))},
                   xlabel="hidden units m", ylabel="largest error on [-1, 1]", log_y=True, log_x=True,
                   title="Universality needs a non-polynomial phi")
        draw_lines(right, {f"n = {n}": (ms, np.array(r) / np.array(ms)) for n, r in scaled.items()}
                   | {"1/m (reference)": (ms, 1 / np.array(ms))},
                   xlabel="ridge units m", ylabel="mean squared error / V", log_y=True, log_x=True,
                   title="Barron: O(1/m) in every dimension")
        figures.append(save(figure, out_dir, "sigmoid_universality.png"))
    return {"widths": widths, "sigmoid_errors": sigmoid_errors, "cube_errors": cube_errors,
            "best_cubic": cubic, "tanh_gap": tanh_gap, "barron_ratios": scaled, "checks": checks,
            "ok": all_hold(checks), "figures": figures}
