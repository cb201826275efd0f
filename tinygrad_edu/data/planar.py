"""Two more 2-D classification sets: interleaved spirals and XOR.

Why: after the two moons, these are the next pictures of a course. XOR is the smallest
problem no single linear unit solves (one hidden layer of two ReLUs does); the spirals
need several bends in the boundary, so the decision regions show what depth and width
buy. Both follow the conventions of `toy.py`: `(X, y)` with `X` of shape (n_samples, 2)
in the engine's default float dtype (or `dtype=`), `y` an int64 label vector, and every
random draw made from an explicit `seed`.
"""
import numpy as np

from .toy import _check_count, _check_noise, _finish


def make_spirals(n_samples: int = 300, n_classes: int = 3, noise: float = 0.2, turns: float = 1.0,
                 seed=None, shuffle: bool = True, dtype=None):
    """Interleaved spiral arms, one arm per class (the classic "spiral" of CS231n).

    Point i of arm k sits at radius r = t_i and angle 2 pi (turns * t_i + k / n_classes),
    with t_i evenly spaced in [0, 1] (so the arms start together at the centre and end on
    the unit circle). `noise` is the standard deviation of a Gaussian added to the angle,
    in radians, so the arms stay arms; points near the centre overlap.

    Args:
        n_samples: total number of points, split as evenly as possible over the arms.
        n_classes: number of arms (at least 2).
        noise: standard deviation of the angle noise (radians, >= 0).
        turns: how many full turns each arm makes (> 0); more turns, harder problem.
        seed: seed of the numpy generator (None: a fresh random draw).
        shuffle: shuffle the rows (otherwise the arms come one after the other).
        dtype: dtype of X (the engine's default float dtype when None).

    Returns:
        (X, y): X of shape (n_samples, 2) inside the unit disc, y int64 of shape
        (n_samples,) with labels 0 .. n_classes - 1.

    Example:
        >>> X, y = make_spirals(300, n_classes=3, seed=0)
        >>> X.shape, np.bincount(y).tolist(), bool(np.all(np.hypot(X[:, 0], X[:, 1]) <= 1))
        ((300, 2), [100, 100, 100], True)
    """
    n_samples = _check_count("make_spirals", n_samples, minimum=2)
    noise = _check_noise("make_spirals", noise)
    if isinstance(n_classes, bool) or not isinstance(n_classes, (int, np.integer)) or n_classes < 2:
        raise ValueError(f"make_spirals: n_classes is the number of arms and must be an integer "
                         f">= 2, got {n_classes!r}")
    if not float(turns) > 0:
        raise ValueError(f"make_spirals: turns must be > 0 (how far each arm winds), got {turns!r}")
    rng = np.random.default_rng(seed)
    counts = np.full(n_classes, n_samples // n_classes)
    counts[: n_samples % n_classes] += 1
    points, labels = [], []
    for k, count in enumerate(counts):
        t = np.linspace(0.0, 1.0, count)
        angle = 2 * np.pi * (turns * t + k / n_classes)
        if noise > 0:
            angle = angle + rng.normal(scale=noise, size=count)
        points.append(np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1))
        labels.append(np.full(count, k))
    # the noise went into the angle, so _finish adds none to the coordinates
    return _finish(np.concatenate(points), np.concatenate(labels), rng, 0.0, shuffle, dtype)


def make_xor(n_samples: int = 200, noise: float = 0.0, margin: float = 0.1, seed=None,
             dtype=None):
    """Points in the four quadrants, label 1 where exactly one coordinate is positive.

    Each point is drawn uniformly from [-1, 1]^2 with both |coordinates| >= `margin` (an
    empty cross between the quadrants, so the classes are separable); the label is
    `(x0 > 0) xor (x1 > 0)`, computed before Gaussian noise of standard deviation `noise`
    moves the points (with noise, a few points cross into the wrong quadrant).

    Args:
        n_samples: number of points (at least 4).
        noise: standard deviation of the Gaussian noise added to each coordinate.
        margin: half-width of the empty band around both axes, in [0, 1).
        seed: seed of the numpy generator (None: a fresh random draw).
        dtype: dtype of X (the engine's default float dtype when None).

    Returns:
        (X, y): X of shape (n_samples, 2), y int64 of shape (n_samples,) in {0, 1}.

    Example:
        >>> X, y = make_xor(8, seed=0)
        >>> bool(np.all(y == ((X[:, 0] > 0) ^ (X[:, 1] > 0))))
        True
    """
    n_samples = _check_count("make_xor", n_samples, minimum=4)
    noise = _check_noise("make_xor", noise)
    if not 0.0 <= margin < 1.0:
        raise ValueError(f"make_xor: margin is the half-width of the empty band around the axes "
                         f"and must be in [0, 1), got {margin!r}")
    rng = np.random.default_rng(seed)
    magnitude = rng.uniform(margin, 1.0, size=(n_samples, 2))
    sign = rng.choice([-1.0, 1.0], size=(n_samples, 2))
    X = magnitude * sign
    y = ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(np.int64)
    return _finish(X, y, rng, noise, False, dtype)
