"""Lesson: the optimal GAN discriminator is q = p / (p + p_theta), and its value is JS(p, p_theta) - ln 2.

The course notes (summary), sec. 10.3 (generative adversarial models). Mix data x ~ p (label y = 1) and
generated x ~ p_theta (y = 0) half and half; the Bayes-optimal classifier is the posterior
q_theta(x) = p(x) / (p(x) + p_theta(x)), and its expected log-likelihood

    l*(theta) = E[y ln q(x) + (1 - y) ln(1 - q(x))] = JS(p, p_theta) - ln 2,

with JS the Jensen-Shannon divergence (1/2 KL(p || m) + 1/2 KL(p_theta || m), m the average):
between -ln 2 (p_theta = p, q = 1/2 everywhere: the generator has won) and 0. The lesson
takes distributions on 12 points, trains a discriminator (one logit per point) by gradient
ascent with the engine -- for several generators p_theta = (1 - theta) u + theta p sliding
from a fixed u to the data p -- and checks that the trained q equals p / (p + p_theta) and its
log-likelihood equals JS - ln 2, reaching -ln 2 at theta = 1.
"""
import numpy as np

from tinygrad_edu import Tensor, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 10.3 (generative adversarial models)"


def js_divergence(p: np.ndarray, r: np.ndarray) -> float:
    """Jensen-Shannon divergence in nats of two distributions on the same points."""
    m = 0.5 * (p + r)
    return float(0.5 * np.sum(p * np.log(p / m)) + 0.5 * np.sum(r * np.log(r / m)))


def train_discriminators(p: np.ndarray, generators: np.ndarray, steps: int):
    """Maximise 1/2 sum p ln q + 1/2 sum p_theta ln(1 - q) over logits, one row per generator.

    Returns (q, the log-likelihood at the end) as numpy arrays of shapes (rows, points), (rows,).
    """
    logits = Tensor(np.zeros(generators.shape), requires_grad=True)
    opt = optim.Adam([logits], lr=0.1)
    for _ in range(steps):
        opt.zero_grad()
        q = logits.sigmoid()
        likelihood = (0.5 * (Tensor(p) * q.log()).sum(axis=1)
                      + 0.5 * (Tensor(generators) * (1 - q).log()).sum(axis=1))
        (-likelihood.sum()).backward()
        opt.step()
    q = logits.sigmoid().data
    return q, 0.5 * (p * np.log(q)).sum(axis=1) + 0.5 * (generators * np.log(1 - q)).sum(axis=1)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Train discriminators for a family of generators; compare with p/(p + p_theta) and JS - ln 2.

    Example:
        >>> run(quick=True)["checks"]["trained q = p / (p + p_theta)"]
        True
    """
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(12))
    u = rng.dirichlet(np.ones(12))
    thetas = np.linspace(0, 1, 6 if quick else 11)
    generators = (1 - thetas)[:, None] * u + thetas[:, None] * p
    q, likelihood = train_discriminators(p, generators, 600 if quick else 3000)
    optimal = p / (p + generators)
    js = np.array([js_divergence(p, g) for g in generators])
    q_gap = float(np.max(np.abs(q - optimal)))
    at_optimum = (0.5 * (p * np.log(optimal)).sum(axis=1)
                  + 0.5 * (generators * np.log(1 - optimal)).sum(axis=1))
    value_gap = float(np.max(np.abs(at_optimum - (js - np.log(2)))))
    shortfall = at_optimum - likelihood
    for theta, value, j in zip(thetas, likelihood, js):
        print(f"  theta = {theta:.1f}: trained discriminator's log-likelihood {value:+.5f}, "
              f"JS - ln 2 = {j - np.log(2):+.5f}")
    print(f"  l* at the optimal q equals JS - ln 2 to {value_gap:.1e}; training falls short of it by at most "
          f"{shortfall.max():.1e}")
    print(f"  largest |q - p/(p + p_theta)| = {q_gap:.1e}; at theta = 1 (p_theta = p) q = "
          f"{q[-1].min():.4f} .. {q[-1].max():.4f}")
    checks = {
        "trained q = p / (p + p_theta)": q_gap < 1e-3,
        "l* at q = p/(p + p_theta) equals JS(p, p_theta) - ln 2": value_gap < 1e-12,
        "no trained discriminator beats l*, and training gets within 1e-4 of it":
            bool(np.all(shortfall >= -1e-12) and np.all(shortfall < 1e-4)),
        "0 <= JS <= ln 2, and JS = 0 (l* = -ln 2) when p_theta = p":
            bool(np.all((js >= 0) & (js <= np.log(2)))) and abs(at_optimum[-1] + np.log(2)) < 1e-12,
    }
    figure = plot_lines(out_dir, "gan_discriminator.png",
                        {"trained discriminator's log-likelihood": (thetas, likelihood),
                         "JS(p, p_theta) - ln 2": (thetas, js - np.log(2)),
                         "-ln 2 (bound: p_theta = p)": (thetas, np.full(len(thetas), -np.log(2)))},
                        styles={"trained discriminator's log-likelihood":
                                {"linestyle": "none", "marker": "o", "markersize": 9, "fillstyle": "none"}},
                        xlabel="generator theta (p_theta = (1 - theta) u + theta p)",
                        ylabel="expected log-likelihood",
                        title="The optimal discriminator's value is JS - ln 2")
    return {"q": q, "optimal_q": optimal, "likelihood": likelihood, "js": js, "p": p,
            "generators": generators,
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
