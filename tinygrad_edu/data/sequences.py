"""Synthetic sequence tasks for recurrent networks: adding problem, sign of the running sum,
delayed echo.

Why: each task needs a specific kind of memory and has a known chance level, so a test or a
lesson can tell "the network learned" from "the network guessed" with one number:

- `adding_problem` (Hochreiter & Schmidhuber 1997): remember two marked values anywhere in the
  sequence and add them. Predicting the mean gives MSE 1/6 (two U(0, 1) values: 2 * 1/12).
- `running_sum_sign`: at every step, is the sum so far positive? Needs an integrator (the
  LSTM's additive cell is one); chance is 50% per step.
- `delayed_echo`: output the bit seen `delay` steps ago: a pure memory span test, chance 50%.

Every generator takes an explicit `seed`, returns numpy arrays, sequence-first (L, N, C) like
the recurrent layers, or (N, L, C) with `batch_first=True`.
"""
import numpy as np

from ..dtypes import get_default_dtype


def _check_sizes(fn_name, **sizes):
    for name, (value, minimum) in sizes.items():
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
            raise ValueError(f"{fn_name}: {name} must be an integer >= {minimum}, got {value!r}")


def _layout(x, batch_first):
    """(N, L, ...) arrays as generated -> (L, N, ...) unless batch_first."""
    return x if batch_first else np.ascontiguousarray(np.swapaxes(x, 0, 1))


def adding_problem(n_samples: int, seq_len: int, seed=None, batch_first: bool = False,
                   dtype=None):
    """The adding problem: sum the two values whose marker is 1.

    Each step has two features: a value from U(0, 1) and a marker in {0, 1}. Exactly two steps
    are marked, one in the first half and one in the second half of the sequence; the target is
    the sum of their values (in [0, 2]).

    Args:
        n_samples: number of sequences (N).
        seq_len: steps per sequence (L >= 2).
        seed: seed of the random draws (reproducible data).
        batch_first: return x as (N, L, 2) instead of (L, N, 2).
        dtype: float dtype of x and y (default: the engine's default dtype).

    Returns:
        (x, y): x of shape (L, N, 2), y of shape (N, 1). Always predicting 1.0 has MSE 1/6.

    Example:
        >>> x, y = adding_problem(4, 10, seed=0)
        >>> x.shape, y.shape, x[:, :, 1].sum(axis=0).tolist()
        ((10, 4, 2), (4, 1), [2.0, 2.0, 2.0, 2.0])
    """
    _check_sizes("adding_problem", n_samples=(n_samples, 1), seq_len=(seq_len, 2))
    rng = np.random.default_rng(seed)
    values = rng.random((n_samples, seq_len))
    half = seq_len // 2
    first = rng.integers(0, half, n_samples)
    second = rng.integers(half, seq_len, n_samples)
    markers = np.zeros((n_samples, seq_len))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    y = (values[rows, first] + values[rows, second])[:, None]
    dtype = dtype or get_default_dtype()
    x = np.stack([values, markers], axis=-1).astype(dtype)
    return _layout(x, batch_first), y.astype(dtype)


def running_sum_sign(n_samples: int, seq_len: int, seed=None, batch_first: bool = False,
                     dtype=None):
    """Per-step labels: 1 where the running sum x_1 + ... + x_t is positive, else 0.

    The inputs are standard normal, so the running sum is a random walk and the label flips
    whenever it crosses zero: the network must keep a (signed) total in its state.

    Args:
        n_samples: number of sequences (N).
        seq_len: steps per sequence (L).
        seed: seed of the random draws.
        batch_first: return (N, L, ...) instead of (L, N, ...).
        dtype: float dtype of x (default: the engine's default dtype).

    Returns:
        (x, y): x of shape (L, N, 1) (float), y of shape (L, N) (int64 labels 0/1); chance
        accuracy is 50%.

    Example:
        >>> x, y = running_sum_sign(3, 5, seed=0)
        >>> bool(((np.cumsum(x[:, :, 0], axis=0) > 0) == y).all())
        True
    """
    _check_sizes("running_sum_sign", n_samples=(n_samples, 1), seq_len=(seq_len, 1))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n_samples, seq_len, 1)).astype(dtype or get_default_dtype())
    y = (np.cumsum(x[:, :, 0], axis=1, dtype=np.float64) > 0).astype(np.int64)
    return _layout(x, batch_first), _layout(y, batch_first)


def delayed_echo(n_samples: int, seq_len: int, delay: int, seed=None, batch_first: bool = False,
                 dtype=None):
    """Random bits in, the same bits out `delay` steps later (label 0 before the first echo).

    Args:
        n_samples: number of sequences (N).
        seq_len: steps per sequence (L > delay).
        delay: how many steps the network must remember (>= 0).
        seed: seed of the random draws.
        batch_first: return (N, L, ...) instead of (L, N, ...).
        dtype: float dtype of x.

    Returns:
        (x, y): x of shape (L, N, 1) with values in {0, 1}, y of shape (L, N) int64 with
        y[t] = x[t - delay] for t >= delay; chance accuracy on those steps is 50%.

    Example:
        >>> x, y = delayed_echo(2, 6, delay=2, seed=0)
        >>> bool((y[2:] == x[:-2, :, 0]).all())
        True
    """
    _check_sizes("delayed_echo", n_samples=(n_samples, 1), delay=(delay, 0),
                 seq_len=(seq_len, delay + 1))
    rng = np.random.default_rng(seed)
    bits = rng.integers(0, 2, (n_samples, seq_len))
    y = np.zeros_like(bits)
    y[:, delay:] = bits[:, :seq_len - delay]
    x = bits[:, :, None].astype(dtype or get_default_dtype())
    return _layout(x, batch_first), _layout(y.astype(np.int64), batch_first)
