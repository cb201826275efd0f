"""Lesson: in 1-D, a sum of m-1 ReLUs is exactly a piecewise-linear function with m pieces.

The course notes (lectures), sec. 2.5, Theorems 2.10-2.12 (Lebesgue's form): the piecewise-linear g with knots
x_0 < x_1 < ... < x_m equals

    g(x) = a x + b + sum_{i=1}^{m-1} c_i (x - x_i)_+   on [x_0, x_m],

with a the first slope and c_i = slope_i - slope_(i-1) the change of slope at x_i. The lesson
builds that function as a network (a ReLU layer of m-1 units with weights 1 and biases -x_i,
a linear read-out with weights c_i, plus the affine part) from the engine's ops, checks that
it reproduces the interpolant of f(x) = sin(2 pi x) + x^2/2 exactly, and that the sup error
|f - g| falls as the width grows (like 1/m^2 for a smooth f: about 4x per doubling).
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 2.5 (ReLU networks)"


def target(x):
    """The function the lesson approximates on [0, 1]."""
    return np.sin(2 * np.pi * x) + 0.5 * x ** 2


def relu_interpolant(f, m: int, lo: float = 0.0, hi: float = 1.0):
    """The Lebesgue form (a, b, knots x_1..x_(m-1), c) of f's interpolant with m equal pieces."""
    knots = np.linspace(lo, hi, m + 1)
    values = f(knots)
    slopes = np.diff(values) / np.diff(knots)
    a = slopes[0]
    b = values[0] - a * knots[0]
    return a, b, knots[1:-1], np.diff(slopes)


def relu_network(x: Tensor, a, b, inner_knots, c) -> Tensor:
    """g(x) = a x + b + relu(x - x_i) @ c: one hidden ReLU layer of len(c) units."""
    hidden = (x.reshape(-1, 1) - Tensor(inner_knots.reshape(1, -1))).relu()
    return x * a + b + hidden @ Tensor(c)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Build ReLU networks of growing width that interpolate f; measure exactness and error.

    Example:
        >>> run(quick=True)["checks"]["m-1 ReLUs = the m-piece interpolant"]
        True
    """
    widths = [2, 4, 8, 16, 32] if quick else [2, 4, 8, 16, 32, 64, 128, 256]
    grid = np.linspace(0.0, 1.0, 2001)
    exact_err, sup_err, outputs = [], [], {}
    for m in widths:
        a, b, inner, c = relu_interpolant(target, m)
        g = relu_network(Tensor(grid), a, b, inner, c).data
        knots = np.linspace(0.0, 1.0, m + 1)
        exact_err.append(float(np.max(np.abs(g - np.interp(grid, knots, target(knots))))))
        sup_err.append(float(np.max(np.abs(g - target(grid)))))
        if m in (4, 8):
            outputs[f"{m - 1} ReLUs ({m} pieces)"] = (grid, g)
        print(f"  m = {m:4d} pieces, {m - 1:4d} ReLUs: sup |f - g| = {sup_err[-1]:.2e}, "
              f"|g - interpolant| = {exact_err[-1]:.1e}")
    ratios = np.array(sup_err[1:]) / np.array(sup_err[:-1])
    checks = {
        "m-1 ReLUs = the m-piece interpolant": max(exact_err) < 1e-12,
        "error falls with every doubling of the width": bool(np.all(ratios < 1)),
        "error ~ 1/m^2 once m >= 8 (ratio 0.2-0.3 per doubling)":
            bool(np.all((ratios[2:] > 0.2) & (ratios[2:] < 0.3))),
    }
    series = {"f(x)": (grid, target(grid)), **outputs}
    figure = plot_lines(out_dir, "universal_approximation.png", series, xlabel="x", ylabel="y",
                        title="Piecewise-linear fits as sums of ReLUs")
    return {"widths": widths, "sup_error": sup_err, "exactness": exact_err, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
