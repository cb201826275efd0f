"""Toy 2-D datasets (two moons, blobs, circles), a seeded split and a minibatch iterator.

Why: the first networks of a course are trained on tiny point clouds that can be drawn
and checked by eye. These generators follow the definitions of scikit-learn's
`make_moons` / `make_blobs` / `make_circles` (the demo of micrograd trains on 100
moons) but need only numpy, and every random draw goes through an explicit `seed`.

Every generator returns `(X, y)`: `X` of shape (n_samples, n_features) in the engine's
default float dtype (or `dtype=`), `y` an int64 label vector. Use `2 * y - 1` for
labels in {-1, +1} (the hinge loss).
"""
import numpy as np

from ..dtypes import get_default_dtype


def _check_count(fn_name, n_samples, minimum=1):
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or n_samples < minimum:
        raise ValueError(f"{fn_name}: n_samples must be an integer >= {minimum}, got {n_samples!r}")
    return int(n_samples)


def _check_noise(fn_name, noise):
    noise = 0.0 if noise is None else float(noise)
    if not noise >= 0.0:
        raise ValueError(f"{fn_name}: noise is the standard deviation of the Gaussian noise and "
                         f"must be >= 0, got {noise}")
    return noise


def _finish(X, y, rng, noise, shuffle, dtype):
    """Shuffle the rows, add N(0, noise^2) to every coordinate, cast."""
    if shuffle:
        order = rng.permutation(len(y))
        X, y = X[order], y[order]
    if noise > 0:
        X = X + rng.normal(scale=noise, size=X.shape)
    return X.astype(dtype or get_default_dtype()), y.astype(np.int64)


def make_moons(n_samples: int = 100, noise: float = 0.0, seed=None, shuffle: bool = True,
               dtype=None):
    """Two interleaving half circles: the classic dataset a linear model cannot separate.

    The upper moon (label 0) is (cos t, sin t) and the lower one (label 1) is
    (1 - cos t, 1/2 - sin t) for t evenly spaced in [0, pi]; the upper moon gets
    n_samples // 2 points. Gaussian noise of standard deviation `noise` is then added.

    Args:
        n_samples: total number of points (at least 2).
        noise: standard deviation of the Gaussian noise added to each coordinate.
        seed: seed of the numpy generator (None: a fresh random draw).
        shuffle: shuffle the rows (otherwise all label-0 points come first).
        dtype: dtype of X (the engine's default float dtype when None).

    Example:
        >>> X, y = make_moons(100, noise=0.1, seed=1)
        >>> X.shape, y.shape, int(y.sum())
        ((100, 2), (100,), 50)
    """
    n_samples = _check_count("make_moons", n_samples, minimum=2)
    noise = _check_noise("make_moons", noise)
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, np.pi, n_out)
    t_in = np.linspace(0.0, np.pi, n_in)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return _finish(X, y, rng, noise, shuffle, dtype)


def make_circles(n_samples: int = 100, noise: float = 0.0, factor: float = 0.8, seed=None,
                 shuffle: bool = True, dtype=None):
    """A small circle (label 1) inside a large one (label 0): needs a non-linear boundary.

    The outer circle has radius 1 and n_samples // 2 points at evenly spaced angles;
    the inner circle has radius `factor`.

    Example:
        >>> X, y = make_circles(10, factor=0.5, seed=0)
        >>> sorted(set(np.round(np.hypot(X[:, 0], X[:, 1]), 6).tolist()))
        [0.5, 1.0]
    """
    n_samples = _check_count("make_circles", n_samples, minimum=2)
    noise = _check_noise("make_circles", noise)
    if not 0.0 <= factor < 1.0:
        raise ValueError(f"make_circles: factor is the inner radius relative to the outer one and "
                         f"must be in [0, 1), got {factor}")
    rng = np.random.default_rng(seed)
    n_out = n_samples // 2
    n_in = n_samples - n_out
    t_out = np.linspace(0.0, 2 * np.pi, n_out, endpoint=False)
    t_in = np.linspace(0.0, 2 * np.pi, n_in, endpoint=False)
    outer = np.stack([np.cos(t_out), np.sin(t_out)], axis=1)
    inner = factor * np.stack([np.cos(t_in), np.sin(t_in)], axis=1)
    X = np.concatenate([outer, inner])
    y = np.concatenate([np.zeros(n_out), np.ones(n_in)])
    return _finish(X, y, rng, noise, shuffle, dtype)


def make_blobs(n_samples: int = 100, centers=3, n_features: int = 2, cluster_std: float = 1.0,
               center_box=(-10.0, 10.0), seed=None, shuffle: bool = True, dtype=None):
    """Isotropic Gaussian clusters, one label per cluster (a first multi-class problem).

    Args:
        n_samples: total number of points, split as evenly as possible over the clusters.
        centers: the number of clusters (their centres drawn uniformly in `center_box`),
            or an array (k, n_features) of centres.
        n_features: dimension of the points (ignored when centres are given).
        cluster_std: standard deviation of every cluster (a number or one per cluster).
        center_box: (low, high) bounds of the random centres.
        seed: seed of the numpy generator.

    Example:
        >>> X, y = make_blobs(90, centers=3, seed=0)
        >>> X.shape, np.bincount(y).tolist()
        ((90, 2), [30, 30, 30])
    """
    n_samples = _check_count("make_blobs", n_samples)
    rng = np.random.default_rng(seed)
    if isinstance(centers, (int, np.integer)):
        if centers < 1:
            raise ValueError(f"make_blobs: centers must be >= 1, got {centers}")
        low, high = center_box
        centers = rng.uniform(low, high, size=(int(centers), int(n_features)))
    else:
        centers = np.asarray(centers, dtype=np.float64)
        if centers.ndim != 2 or len(centers) == 0:
            raise ValueError(f"make_blobs: centers must be an int or an array of shape (k, "
                             f"n_features), got shape {centers.shape}")
    k = len(centers)
    std = np.broadcast_to(np.asarray(cluster_std, dtype=np.float64), (k,))
    if np.any(std < 0):
        raise ValueError(f"make_blobs: cluster_std must be >= 0, got {cluster_std}")
    counts = np.full(k, n_samples // k)
    counts[: n_samples % k] += 1
    X = np.concatenate([rng.normal(c, s, size=(n, centers.shape[1]))
                        for c, s, n in zip(centers, std, counts)])
    y = np.repeat(np.arange(k), counts)
    return _finish(X, y, rng, 0.0, shuffle, dtype)


def train_test_split(*arrays, test_size=0.25, seed=None, shuffle: bool = True):
    """Split arrays (same first dimension) into train and test parts, reproducibly.

    Returns `train_0, test_0, train_1, test_1, ...` as scikit-learn does.

    Args:
        *arrays: numpy arrays (or Tensors) with the same number of rows.
        test_size: a fraction in (0, 1) or a number of test rows.
        seed: seed of the shuffle (the same seed always gives the same split).
        shuffle: shuffle before splitting (otherwise the last rows are the test set).

    Example:
        >>> X, y = make_moons(100, seed=0)
        >>> X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
        >>> len(X_train), len(X_test)
        (80, 20)
    """
    n = _common_length("train_test_split", arrays)
    if isinstance(test_size, float):
        if not 0.0 < test_size < 1.0:
            raise ValueError(f"train_test_split: a fractional test_size must be in (0, 1), got "
                             f"{test_size}")
        n_test = int(np.ceil(test_size * n))
    else:
        n_test = int(test_size)
    if not 0 < n_test < n:
        raise ValueError(f"train_test_split: test_size={test_size} leaves {n_test} test rows out "
                         f"of {n}; both parts must be non-empty")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    train_idx, test_idx = order[: n - n_test], order[n - n_test:]
    result = []
    for a in arrays:
        result.extend([a[train_idx], a[test_idx]])
    return result


def iterate_minibatches(*arrays, batch_size: int = 32, shuffle: bool = True, seed=None,
                        drop_last: bool = False):
    """Yield aligned minibatches for one epoch: `for xb, yb in iterate_minibatches(X, y): ...`.

    With `shuffle` the row order is a fresh permutation from `seed` each call; the last
    batch is smaller unless `drop_last=True`.

    Example:
        >>> X, y = make_moons(10, seed=0)
        >>> [len(xb) for xb, yb in iterate_minibatches(X, y, batch_size=4, seed=0)]
        [4, 4, 2]
    """
    n = _common_length("iterate_minibatches", arrays)
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
            or batch_size < 1:
        raise ValueError(f"iterate_minibatches: batch_size must be a positive integer, got "
                         f"{batch_size!r}")
    order = np.random.default_rng(seed).permutation(n) if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        idx = order[start:start + batch_size]
        yield tuple(a[idx] for a in arrays)


def _common_length(fn_name, arrays):
    if not arrays:
        raise ValueError(f"{fn_name}: give at least one array")
    lengths = [len(a) for a in arrays]
    if len(set(lengths)) != 1:
        raise ValueError(f"{fn_name}: all arrays need the same number of rows, got lengths "
                         f"{lengths}")
    return lengths[0]
