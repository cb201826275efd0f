"""Lesson: the logistic-regression gradient is (sigma(w.x) - y) x, and autodiff agrees.

The course notes (lectures, sec. 2.1; summary, sec. 3.2: losses and likelihoods). For labels y in
{0, 1} and the mean cross-entropy l(w) = -(1/N) sum_i [y_i log sigma(w.x_i) + (1 - y_i) log(1 -
sigma(w.x_i))], the derivative of the log-sigmoid is 1 - sigma, so grad l(w) = (1/N) sum_i
(sigma(w.x_i) - y_i) x_i: prediction error times input. The lesson builds the loss from the engine's
elementary ops (sigmoid, log, mean), backpropagates, and compares with the formula and with central
differences (`gradcheck`), in float64, at several random points.
"""
import numpy as np

from tinygrad_edu import Tensor, gradcheck
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 2.1; summary notes, sec. 3.2 (logistic log-likelihood)"


def logistic_loss(w: Tensor, X: Tensor, y: Tensor) -> Tensor:
    """Mean binary cross-entropy of sigma(X w) against y, written with elementary ops."""
    p = (X @ w).sigmoid()
    return -(y * p.log() + (1 - y) * (1 - p).log()).mean()


def closed_form_gradient(w, X, y) -> np.ndarray:
    """(1/N) sum_i (sigma(w.x_i) - y_i) x_i."""
    return X.T @ (1 / (1 + np.exp(-(X @ w))) - y) / len(y)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Compare the closed-form logistic gradient with backprop at random points.

    Example:
        >>> run(quick=True)["checks"]["autodiff = (sigma(w.x) - y) x"]
        True
    """
    rng = np.random.default_rng(seed)
    errors = []
    for trial in range(3 if quick else 20):
        X = rng.normal(size=(50, 4))
        y = (rng.random(50) < 0.5).astype(np.float64)
        w = Tensor(rng.normal(size=4), requires_grad=True)
        logistic_loss(w, Tensor(X), Tensor(y)).backward()
        errors.append(float(np.max(np.abs(w.grad.data - closed_form_gradient(w.data, X, y)))))
        if trial == 0:
            print(f"  autodiff    {np.round(w.grad.data, 6)}")
            print(f"  closed form {np.round(closed_form_gradient(w.data, X, y), 6)}")
    finite = gradcheck(lambda v: logistic_loss(v, Tensor(X), Tensor(y)),
                       [Tensor(rng.normal(size=4), requires_grad=True)])
    print(f"  largest difference over {len(errors)} points: {max(errors):.2e}")
    checks = {"autodiff = (sigma(w.x) - y) x": max(errors) < 1e-12,
              "gradcheck (central differences) passes": bool(finite)}
    figure = None
    if out_dir is not None:                          # the slope along a line w = t d, both ways
        d = rng.normal(size=4)
        ts = np.linspace(-3, 3, 61)
        formula = [float(d @ closed_form_gradient(t * d, X, y)) for t in ts]
        engine = []
        for t in ts[::4]:
            w = Tensor(t * d, requires_grad=True)
            logistic_loss(w, Tensor(X), Tensor(y)).backward()
            engine.append(float(d @ w.grad.data))
        figure = plot_lines(out_dir, "logistic_gradient.png",
                            {"d . (1/N) sum (sigma(w.x) - y) x (formula)": (ts, formula),
                             "d . w.grad (autodiff)": (ts[::4], engine)},
                            styles={"d . w.grad (autodiff)": {"linestyle": "none", "marker": "o"}},
                            xlabel="t, along the line w = t d", ylabel="slope of the loss along d",
                            title="Logistic loss: the formula's slope and autodiff's agree")
    return {"max_error": max(errors), "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
