"""A sequence regression task: see a stretch of a sine wave, predict how it continues.

Why: this is the first task where a recurrent network must *infer* something (the
frequency and phase of the wave) from several steps before it can answer; one step alone
says nothing about where the wave goes next. It has two honest baselines that tell
learning from guessing: predicting 0 (the mean of the targets; its MSE is the targets'
mean square, about 1/2 * E[amplitude^2]) and repeating the last value seen.
"""
import numpy as np

from ..dtypes import get_default_dtype
from .sequences import _check_sizes, _layout


def sine_continuation(n_samples: int, seq_len: int = 20, horizon: int = 1, freq_range=(0.02, 0.12),
                      amp_range=(0.5, 1.5), noise: float = 0.0, seed=None, batch_first: bool = False,
                      dtype=None):
    """Waves a * sin(2 pi f t + phi) with random a, f, phi: x is the first `seq_len` samples,
    y the next `horizon` ones.

    Args:
        n_samples: number of sequences (N).
        seq_len: steps the network sees (L >= 2).
        horizon: steps it must predict after the last one seen (>= 1).
        freq_range: (low, high) frequency in cycles per step, drawn uniformly (keep it below
            0.5, the Nyquist frequency, or the samples cannot tell the waves apart).
        amp_range: (low, high) amplitude, drawn uniformly.
        noise: standard deviation of Gaussian noise added to the inputs (the targets stay clean).
        seed: seed of the random draws (reproducible data).
        batch_first: return x as (N, L, 1) instead of (L, N, 1).
        dtype: float dtype of x and y (default: the engine's default dtype).

    Returns:
        (x, y): x of shape (L, N, 1) (or (N, L, 1)), y of shape (N, horizon). Predicting 0
        has MSE `(y ** 2).mean()`; repeating the last input, `((y - x_last) ** 2).mean()`.

    Example:
        >>> x, y = sine_continuation(4, seq_len=10, horizon=2, seed=0)
        >>> x.shape, y.shape
        ((10, 4, 1), (4, 2))
    """
    _check_sizes("sine_continuation", n_samples=(n_samples, 1), seq_len=(seq_len, 2),
                 horizon=(horizon, 1))
    f_low, f_high = (float(v) for v in freq_range)
    if not 0.0 < f_low <= f_high < 0.5:
        raise ValueError(f"sine_continuation: freq_range must satisfy 0 < low <= high < 0.5 "
                         f"(cycles per step, below Nyquist), got {tuple(freq_range)}")
    a_low, a_high = (float(v) for v in amp_range)
    if not 0.0 < a_low <= a_high:
        raise ValueError(f"sine_continuation: amp_range must satisfy 0 < low <= high, got "
                         f"{tuple(amp_range)}")
    if not float(noise) >= 0.0:
        raise ValueError(f"sine_continuation: noise is a standard deviation and must be >= 0, "
                         f"got {noise!r}")
    rng = np.random.default_rng(seed)
    amp = rng.uniform(a_low, a_high, (n_samples, 1))
    freq = rng.uniform(f_low, f_high, (n_samples, 1))
    phase = rng.uniform(0.0, 2 * np.pi, (n_samples, 1))
    t = np.arange(seq_len + horizon)[None, :]
    wave = amp * np.sin(2 * np.pi * freq * t + phase)
    x = wave[:, :seq_len]
    if noise > 0:
        x = x + rng.normal(scale=noise, size=x.shape)
    dtype = dtype or get_default_dtype()
    return _layout(x[:, :, None].astype(dtype), batch_first), wave[:, seq_len:].astype(dtype)
