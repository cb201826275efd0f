"""The perceptron (the course notes (lectures), sec. 1.2, Algorithm 1) and Novikoff's mistake bound.

The algorithm is homogeneous: it learns `w` with `sign(w . x)`; append a constant 1 to every
input (`with_bias_feature`) to learn a bias. Labels are -1 and +1.
"""
from typing import NamedTuple

import numpy as np


class PerceptronRun(NamedTuple):
    """What one run of the perceptron did: final weights, number of updates, and the path."""

    weights: np.ndarray
    updates: int
    converged: bool
    epochs: int
    history: np.ndarray    # w_0 = 0, w_1, ..., w_t: the weights after each update
    cycled: bool           # the same weights came back at the same place in an epoch


def _check_data(fn_name, X, y):
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"{fn_name}: expected X of shape (s, n) and y of shape (s,), got X "
                         f"{X.shape} and y {y.shape}; pass one row per point and one label each")
    if not np.all(np.isin(y, (-1, 1))):
        raise ValueError(f"{fn_name}: labels must be -1 or +1, got values {np.unique(y)[:5]}; "
                         f"map {{0, 1}} labels with 2 * y - 1")
    return X, y.astype(np.float64)


def with_bias_feature(X) -> np.ndarray:
    """Append a column of ones, so that a homogeneous `w` carries a bias as its last entry.

    Example:
        >>> with_bias_feature([[2.0, 3.0]]).tolist()
        [[2.0, 3.0, 1.0]]
    """
    X = np.asarray(X, dtype=np.float64)
    return np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)


def perceptron(X, y, max_epochs: int = 1000) -> PerceptronRun:
    """Run Rosenblatt's mistake-driven perceptron until an epoch makes no mistake.

    Why mistake-driven: each update w <- w + y x moves w towards every separator (Lemma 1.1:
    w*.w_t >= t gamma) while its norm grows only like R sqrt(t) (Lemma 1.2); together they
    bound the number of updates (Novikoff). On data no hyperplane separates it never stops;
    with integer data the weights then come back to an earlier state (`cycled`), which proves
    it never will.

    Example:
        >>> run = perceptron([[1.0, 0.0], [-1.0, 0.0]], [1, -1])
        >>> run.converged, run.updates, run.weights.tolist()
        (True, 1, [1.0, 0.0])
    """
    X, y = _check_data("perceptron", X, y)
    w = np.zeros(X.shape[1])
    history, seen = [w.copy()], set()
    cycled = False
    for epoch in range(1, max_epochs + 1):
        mistakes = 0
        for xi, yi in zip(X, y):
            if yi * (w @ xi) <= 0:          # a mistake (a point on the hyperplane counts as one)
                w = w + yi * xi             # seed 004 Algorithm 1
                history.append(w.copy())
                mistakes += 1
        if mistakes == 0:
            return PerceptronRun(w, len(history) - 1, True, epoch, np.array(history), False)
        key = w.tobytes()
        if key in seen:                     # same weights at the start of an epoch: a cycle
            cycled = True
            break
        seen.add(key)
    return PerceptronRun(w, len(history) - 1, False, epoch, np.array(history), cycled)


def margin(w, X, y) -> float:
    """The margin gamma[w] = min_i y_i w.x_i / ||w|| of a separator `w` (negative if it errs).

    Why: Novikoff's bound is stated for the margin of a unit-norm separator.

    Example:
        >>> margin([0.0, 2.0], [[1.0, 1.0], [0.0, -3.0]], [1, -1])
        1.0
    """
    X, y = _check_data("margin", X, y)
    w = np.asarray(w, dtype=np.float64)
    return float(np.min(y * (X @ w)) / np.linalg.norm(w))


def novikoff_bound(X, w_star, y) -> float:
    """R^2 / gamma^2 for the separator `w_star`: an upper bound on the perceptron's updates.

    Any separator gives a valid bound (the best one the smallest); R = max ||x_i||.

    Example:
        >>> novikoff_bound([[1.0, 0.0], [-2.0, 0.0]], [1.0, 0.0], [1, -1])
        4.0
    """
    X, y = _check_data("novikoff_bound", X, y)
    gamma = margin(w_star, X, y)
    if gamma <= 0:
        raise ValueError(f"novikoff_bound: w_star does not separate the data (margin {gamma:.3g} "
                         f"<= 0); pass a separator, e.g. the weights of a converged perceptron")
    radius = float(np.max(np.linalg.norm(X, axis=1)))
    return radius ** 2 / gamma ** 2


def separable_data(s: int, n: int, gamma: float, seed: int = 0):
    """s points in the unit ball of R^n labelled by a random unit w*, none closer than gamma to it.

    Why: a data set whose margin we know, to test Novikoff's bound against. Returns (X, y, w*).

    Example:
        >>> X, y, w = separable_data(20, 3, 0.1)
        >>> bool(margin(w, X, y) >= 0.1)
        True
    """
    rng = np.random.default_rng(seed)
    w_star = rng.normal(size=n)
    w_star /= np.linalg.norm(w_star)
    points = []
    while len(points) < s:
        x = rng.uniform(-1, 1, size=n)
        if np.linalg.norm(x) <= 1 and abs(x @ w_star) >= gamma:
            points.append(x)
    X = np.array(points)
    return X, np.sign(X @ w_star), w_star


XOR_X = np.array([[0.0, 0.0], [1.0, 1.0], [0.0, 1.0], [1.0, 0.0]])
XOR_Y = np.array([1.0, 1.0, -1.0, -1.0])      # seed 004, the XOR example after Theorem 1.3
