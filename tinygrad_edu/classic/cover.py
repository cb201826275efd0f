"""Cover's function counting theorem (lecture notes, Theorem 1.4), and a brute-force check of it.

The seed writes C(s+1, n) = 2 sum_{i=0}^{n-1} binom(s, i); shifted by one this is the form
used here, C(s, n) = 2 sum_{i<n} binom(s-1, i): the number of labellings of s points in
general position in R^n that a hyperplane through the origin realises (y_i w.x_i > 0).
"""
import itertools
from math import comb

import numpy as np


def cover_count(s: int, n: int) -> int:
    """C(s, n) = 2 sum_{i=0}^{n-1} binom(s-1, i): linear dichotomies of s points in R^n.

    Why: it says how many of the 2^s labellings a linear classifier can fit; all of them up to
    s = n, exactly half at s = 2n, a vanishing fraction beyond.

    Example:
        >>> cover_count(4, 2), cover_count(3, 3), cover_count(6, 3)
        (8, 8, 32)
    """
    if int(s) != s or int(n) != n or s < 1 or n < 1:
        raise ValueError(f"cover_count: s (points) and n (dimension) must be positive integers, "
                         f"got s={s!r}, n={n!r}")
    return 2 * sum(comb(s - 1, i) for i in range(n))


def cover_recursion(s: int, n: int) -> int:
    """C(s, n) by the proof's recursion C(s+1, n) = C(s, n) + C(s, n-1), C(1, n) = C(s, 1) = 2.

    Why: the recursion is how the theorem is proved; it must agree with the closed form.

    Example:
        >>> cover_recursion(6, 3)
        32
    """
    if s == 1 or n == 1:
        return 2
    return cover_recursion(s - 1, n) + cover_recursion(s - 1, n - 1)


def is_linearly_separable(X, y) -> bool:
    """Whether some w has y_i w.x_i > 0 for every i: a linear program (scipy's HiGHS).

    Why a linear program: y_i w.x_i > 0 for all i has a solution exactly when y_i w.x_i >= 1
    has one (scale w), and that is a feasibility LP, decided exactly.

    Example:
        >>> is_linearly_separable([[1.0, 0.0], [0.0, 1.0]], [1, -1])
        True
    """
    try:
        from scipy.optimize import linprog
    except ImportError as error:     # scipy is in the `test` extra
        raise ImportError("is_linearly_separable needs scipy (pip install scipy)") from error
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    result = linprog(np.zeros(X.shape[1]), A_ub=-(y[:, None] * X), b_ub=-np.ones(len(y)),
                     bounds=[(None, None)] * X.shape[1], method="highs")
    return result.status == 0


def linear_dichotomies(X) -> list:
    """Every labelling in {-1, +1}^s of the rows of X that a hyperplane through 0 realises.

    Brute force: all 2^s labellings, each decided by `is_linearly_separable`; use it for
    s up to about 12.

    Example:
        >>> len(linear_dichotomies(np.random.default_rng(0).normal(size=(4, 2))))
        8
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] > 16:
        raise ValueError(f"linear_dichotomies: expected X of shape (s, n) with s <= 16 (2^s LPs), "
                         f"got {X.shape}")
    return [labels for labels in itertools.product((-1.0, 1.0), repeat=X.shape[0])
            if is_linearly_separable(X, np.array(labels))]
