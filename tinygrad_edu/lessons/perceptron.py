"""Lesson: the perceptron stops after at most R^2/gamma^2 updates (Novikoff), and never on XOR.

The course notes (lectures), sec. 1.2. On data separated with margin gamma by a unit vector w*, every update
raises w*.w_t by at least gamma (Lemma 1.1: w*.w_t >= t gamma) and the norm only grows like
||w_t|| <= R sqrt(t) (Lemma 1.2), so t <= R^2/gamma^2. The lesson checks both lemmas after
every update, and the bound for margins from 0.3 down to 0.02. On XOR (with a bias feature)
no hyperplane separates the labels; the perceptron's integer weights come back to a state
they had before, which proves it cycles for ever.

OCR note: the notes' theorem says "less than ceil(R^2/gamma^2) steps" and its proof ends with
floor; the proof gives t <= R^2/gamma^2, which is what is checked here.
"""
import numpy as np

from tinygrad_edu.classic import (XOR_X, XOR_Y, is_linearly_separable, novikoff_bound,
                                  perceptron, separable_data, with_bias_feature)
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 1.2, Theorem 1.3 (Novikoff)"


def lemma_gaps(run, X, w_star, gamma) -> tuple:
    """min over t of (w*.w_t - t gamma) and of (R sqrt(t) - ||w_t||): both >= 0 by Lemmas 1.1-1.2."""
    t = np.arange(len(run.history))
    radius = np.max(np.linalg.norm(X, axis=1))
    alignment = run.history @ w_star - t * gamma
    norm_gap = radius * np.sqrt(t) - np.linalg.norm(run.history, axis=1)
    return float(alignment.min()), float(norm_gap.min())


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Run the perceptron on data of shrinking margin and on XOR; return updates, bounds, checks.

    Example:
        >>> run(quick=True)["checks"]["updates <= R^2/gamma^2"]
        True
    """
    gammas = [0.3, 0.1, 0.05] if quick else [0.3, 0.2, 0.1, 0.05, 0.03, 0.02]
    updates, bounds, lemma_min = [], [], []
    for k, gamma in enumerate(gammas):
        X, y, w_star = separable_data(100 if quick else 300, 5, gamma, seed=seed + k)
        result = perceptron(X, y, max_epochs=10_000)
        bound = novikoff_bound(X, w_star, y)
        real_gamma = float(np.min(y * (X @ w_star)))
        lemma_min.append(min(lemma_gaps(result, X, w_star, real_gamma)))
        updates.append(result.updates)
        bounds.append(bound)
        print(f"  margin {gamma:<5}: {result.updates:5d} updates, bound R^2/gamma^2 = {bound:9.1f}, "
              f"converged={result.converged}")
    xor = perceptron(with_bias_feature(XOR_X), XOR_Y, max_epochs=1000)
    print(f"  XOR: converged={xor.converged}, weights repeated after {xor.epochs} epochs "
          f"(cycled={xor.cycled}); linearly separable: "
          f"{is_linearly_separable(with_bias_feature(XOR_X), XOR_Y)}")
    checks = {
        "updates <= R^2/gamma^2": all(u <= b for u, b in zip(updates, bounds)),
        "Lemmas 1.1 and 1.2 after every update": min(lemma_min) >= -1e-9,
        "XOR: no convergence, weights cycle": (not xor.converged) and xor.cycled,
    }
    figure = plot_lines(out_dir, "perceptron_novikoff.png",
                        {"updates made": (gammas, updates), "R^2/gamma^2": (gammas, bounds)},
                        xlabel="margin gamma", ylabel="updates", log_y=True,
                        title="Perceptron: updates vs Novikoff's bound")
    return {"gammas": gammas, "updates": updates, "bounds": bounds, "xor_converged": xor.converged,
            "xor_cycled": xor.cycled, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
