"""The Hopfield network (lecture notes, sec. 1.4): Hebbian weights, asynchronous updates, capacity.

Energy H(X) = -1/2 X^T W X + b^T X over X in {-1, +1}^n, W symmetric with zero diagonal;
a neuron update X_i <- sgn(sum_j w_ij X_j - b_i) (sgn(0) = +1) never raises H.
"""
from math import erfc, sqrt

import numpy as np
from tqdm import tqdm


def random_patterns(s: int, n: int, seed: int = 0) -> np.ndarray:
    """s patterns of n independent fair +-1 signs: the setting of the capacity analysis.

    Why: the cross-talk estimate C_ti ~ N(0, s/n) assumes i.i.d. random signs.

    Example:
        >>> random_patterns(2, 3).shape
        (2, 3)
    """
    return np.where(np.random.default_rng(seed).random((s, n)) < 0.5, -1.0, 1.0)


class Hopfield:
    """A Hopfield network of n binary neurons that stores patterns by Hebb's rule.

    Why: the first model of associative memory, and a dynamical system with a Lyapunov
    function (the energy) that the update rule provably never increases.

    Example:
        >>> net = Hopfield(8)
        >>> p = random_patterns(1, 8)
        >>> net.store(p)
        >>> bool((net.recall(p)[0] == p).all())
        True
    """

    def __init__(self, n: int):
        if int(n) != n or n < 2:
            raise ValueError(f"Hopfield: n (number of neurons) must be an integer >= 2, got {n!r}")
        self.n = int(n)
        self.W = np.zeros((self.n, self.n))
        self.b = np.zeros(self.n)

    def _states(self, X, fn_name) -> np.ndarray:
        X = np.array(X, dtype=np.float64)
        if X.ndim == 1:
            X = X[None]
        if X.ndim != 2 or X.shape[1] != self.n or not np.all(np.abs(X) == 1):
            raise ValueError(f"Hopfield.{fn_name}: expected states of +-1 of shape (k, {self.n}), "
                             f"got shape {X.shape}; map {{0, 1}} bits with 2 * x - 1")
        return X

    def store(self, patterns) -> None:
        """Hebbian weights W = (1/n) sum_t x_t x_t^T with a zero diagonal (the course notes (lectures)).

        Why Hebb's rule: each pattern adds couplings that make its own bits agree with their
        field, so with few patterns each one is a fixed point (cross-talk |C_ti| < 1).

        Example:
            >>> net = Hopfield(3)
            >>> net.store([[1, -1, 1]])
            >>> (net.W * 3).tolist()
            [[0.0, -1.0, 1.0], [-1.0, 0.0, -1.0], [1.0, -1.0, 0.0]]
        """
        P = self._states(patterns, "store")
        self.W = P.T @ P / self.n
        np.fill_diagonal(self.W, 0.0)

    def energy(self, X) -> np.ndarray:
        """H(X) = -1/2 X^T W X + b^T X for each row of X.

        Why: the Lyapunov function of the dynamics; the stored patterns sit in its minima.

        Example:
            >>> net = Hopfield(3)
            >>> net.store([[1, -1, 1]])
            >>> net.energy([[1, -1, 1], [1, 1, 1]]).round(3).tolist()
            [-1.0, 0.333]
        """
        X = self._states(X, "energy")
        return -0.5 * np.einsum("ki,ij,kj->k", X, self.W, X) + X @ self.b

    def sweep(self, X, rng, trace=None) -> int:
        """One asynchronous sweep over the neurons in random order; returns how many flipped.

        Why asynchronous: one neuron at a time is what guarantees the energy never rises
        (synchronous updates can oscillate between two states). Each row of X is its own
        network state, updated in place; `trace`, a list, receives the energies after every
        single-neuron update.

        Example:
            >>> net = Hopfield(3)
            >>> net.store([[1, -1, 1]])
            >>> X = np.array([[1.0, 1.0, 1.0]])
            >>> net.sweep(X, np.random.default_rng(0)), X.tolist()
            (1, [[1.0, -1.0, 1.0]])
        """
        flips = 0
        for i in rng.permutation(self.n):
            field = X @ self.W[i] - self.b[i]             # effective field H_i
            new = np.where(field >= 0, 1.0, -1.0)
            flips += int(np.sum(new != X[:, i]))
            X[:, i] = new
            if trace is not None:
                trace.append(self.energy(X))
        return flips

    def recall(self, X, max_sweeps: int = 50, seed: int = 0, trace=None) -> np.ndarray:
        """Run asynchronous updates from the states X until no neuron changes (a fixed point).

        Why: recall is the dynamics itself, a noisy cue rolls down the energy to a memory.
        Returns the final states (a copy of X).

        Example:
            >>> net = Hopfield(4)
            >>> net.store([[1, 1, -1, -1]])
            >>> net.recall([[1, 1, -1, 1]]).tolist()
            [[1.0, 1.0, -1.0, -1.0]]
        """
        X = self._states(X, "recall")
        rng = np.random.default_rng(seed)
        for _ in range(max_sweeps):
            if self.sweep(X, rng, trace) == 0:
                break
        return X

    def is_fixed_point(self, X) -> np.ndarray:
        """Whether each row is meta-stable: sgn(W x - b) = x in every coordinate.

        Why: the minimal requirement for a pattern to count as memorised (the course notes (lectures)).

        Example:
            >>> net = Hopfield(4)
            >>> net.store([[1, 1, -1, -1]])
            >>> net.is_fixed_point([[1, 1, -1, -1], [1, 1, -1, 1]]).tolist()
            [True, False]
        """
        X = self._states(X, "is_fixed_point")
        return np.all(np.where(X @ self.W.T - self.b >= 0, 1.0, -1.0) == X, axis=1)


def capacity_bound(n: int) -> float:
    """s <= n / (2 log2 n): patterns that are each retrieved with high probability (lecture notes).

    Why: 0.138 n is where recall collapses, but near-perfect recall of a pattern needs the
    sublinear load at which a flipped bit becomes unlikely among all n.

    Example:
        >>> round(capacity_bound(256), 2)
        16.0
    """
    return float(n / (2 * np.log2(n)))


def capacity_experiment(n: int, loads, trials: int = 1, seed: int = 0) -> dict:
    """Store s = load * n random patterns, start at each one and measure what is retrieved.

    Why: the cross-talk C_{t,i} ~ N(0, s/n) (lecture notes) predicts a bit error rate that depends
    on s/n only, and retrieval that breaks down in an avalanche past s/n ~ 0.138.
    Returns, per load, `overlap` (mean x.xi/n at the fixed point reached from pattern xi),
    `bit_errors` (fraction of wrong bits there), `stable` (fraction of patterns that are
    themselves fixed points), `flip_rate` (fraction of bits whose field disagrees with the
    pattern, before any update) and `flip_rate_theory` = 1/2 erfc(sqrt(n / 2s)).

    Example:
        >>> r = capacity_experiment(100, [0.05])
        >>> r["overlap"][0] > 0.95
        True
    """
    out = {"loads": [], "s": [], "overlap": [], "bit_errors": [], "stable": [], "flip_rate": [],
           "flip_rate_theory": []}
    for k, load in enumerate(tqdm(loads, desc="loads", leave=False, disable=None)):
        s = max(1, int(round(load * n)))
        overlaps, stable, flips = [], [], []
        for trial in range(trials):
            P = random_patterns(s, n, seed=seed + 1000 * k + trial)
            net = Hopfield(n)
            net.store(P)
            stable.append(net.is_fixed_point(P))
            flips.append(np.mean(np.where(P @ net.W.T - net.b >= 0, 1.0, -1.0) != P))
            final = net.recall(P.copy(), seed=seed + trial)
            overlaps.append(np.mean(final * P, axis=1))
        overlap = float(np.mean(np.concatenate(overlaps)))
        out["loads"].append(s / n)
        out["s"].append(s)
        out["overlap"].append(overlap)
        out["bit_errors"].append((1 - overlap) / 2)
        out["stable"].append(float(np.mean(np.concatenate(stable))))
        out["flip_rate"].append(float(np.mean(flips)))
        out["flip_rate_theory"].append(0.5 * erfc(sqrt(n / (2 * s))))    # P[-x C >= 1], C ~ N(0, s/n)
    return out
