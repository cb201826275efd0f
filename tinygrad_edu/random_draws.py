"""PyTorch's CPU transforms from raw Mersenne Twister words to numbers, on whole arrays.

Each function takes a `Generator` (random.py) and returns a numpy array; the same seed and
call sequence give PyTorch's values bit for bit (the tests compare with torch). The rules,
found by experiment against torch and its documented algorithms:

- uniform float32: the low 24 bits of one 32-bit word times 2**-24; float64: the low 53 bits
  of one 64-bit word (two 32-bit words, the first high) times 2**-53; then x * (b - a) + a
  with one rounding (FMA), in the tensor's dtype.
- normal, 16 or more contiguous values: all uniforms first, then Box-Muller on blocks of 16
  (u[0:8] give the radius, u[8:16] the angle; cos fills the first 8, sin the last 8); when
  the size is not a multiple of 16 the last 16 values are redrawn from 16 fresh uniforms.
  float32 uses Cephes' log/sin/cos (PyTorch's AVX2 path); float64 the C library's.
- normal, fewer than 16 (or a non-contiguous target): one float64 Box-Muller pair per two
  values from two 53-bit uniforms, r = sqrt(-2 log1p(-u2)), angle 2 pi u1; r cos is
  returned and r sin kept in the generator for the next normal draw of this kind.
- integers in [low, high): word % (high - low) + low, a 64-bit word when high - low >= 2**28.
- permutations: Fisher-Yates from the front, swap i with i + word % (n - i), 32-bit words.
- bernoulli(p): 53-bit uniform < p; with a float32 probability tensor, 24-bit uniform < p.
- exponential: -log1p(-u) from 53-bit uniforms.
"""
import math

import numpy as np

from .random_math import clib_log, clib_log1p, fma32, fma64, log_cephes32, sincos_cephes32

_F32, _F64 = np.float32, np.float64
_MASK24, _MASK53 = np.uint64((1 << 24) - 1), np.uint64((1 << 53) - 1)
_LARGE_RANGE = 1 << 28          # from here on randint draws 64-bit words (measured on torch)
_LARGE_PERMUTATION = (2 ** 32 - 1) // 20     # from here on randperm changes algorithm


def uniform01(gen, n: int, dtype) -> np.ndarray:
    """n uniforms in [0, 1): float32 from 24 bits of a 32-bit word, float64 from 53 bits."""
    if np.dtype(dtype) == _F64:
        return (gen.random64(n) & _MASK53).astype(np.float64) * 2.0 ** -53
    return (gen.random32(n) & _MASK24).astype(_F32) * _F32(2.0 ** -24)


def below(gen, n: int, p: float) -> np.ndarray:
    """n booleans `u < p` for 53-bit uniforms u (PyTorch's bernoulli(p) and dropout keep
    draws), compared as integers: u < p exactly when the 53 bits are below ceil(p * 2**53)."""
    words = gen.random64(n) & _MASK53
    return words < np.uint64(min(math.ceil(p * 2.0 ** 53), 2 ** 53))


def uniform(gen, n: int, dtype, low: float = 0.0, high: float = 1.0) -> np.ndarray:
    """n samples of U[low, high) in `dtype` (float32 or float64), as `Tensor.uniform_`."""
    dtype = np.dtype(dtype)
    x = uniform01(gen, n, dtype)
    if low == 0.0 and high == 1.0:
        return x
    if dtype == _F64:
        return fma64(x, high - low, low)
    low32, high32 = _F32(low), _F32(high)
    return fma32(x, high32 - low32, low32)


_CHUNK_BLOCKS = 1024     # blocks of 16 per pass: keeps the float64 temporaries small (no page faults)


def _box_muller_16_f32(u: np.ndarray) -> np.ndarray:
    blocks = u.reshape(-1, 16)
    out = np.empty_like(blocks)
    for start in range(0, len(blocks), _CHUNK_BLOCKS):
        chunk = blocks[start:start + _CHUNK_BLOCKS]
        radius = np.sqrt(_F32(-2.0) * log_cephes32(_F32(1.0) - chunk[:, :8]))
        sin, cos = sincos_cephes32(_F32(2.0 * math.pi) * chunk[:, 8:])
        np.multiply(radius, cos, out=out[start:start + _CHUNK_BLOCKS, :8])
        np.multiply(radius, sin, out=out[start:start + _CHUNK_BLOCKS, 8:])
    return out.reshape(-1)


def _box_muller_16_f64(u: np.ndarray) -> np.ndarray:
    blocks = u.reshape(-1, 16)
    radius = np.sqrt(-2.0 * clib_log(1.0 - blocks[:, :8]))
    angle = 2.0 * math.pi * blocks[:, 8:]
    return np.concatenate([radius * np.cos(angle), radius * np.sin(angle)], axis=1).reshape(-1)


def _normal_blocks(gen, n: int, dtype) -> np.ndarray:
    transform = _box_muller_16_f64 if dtype == _F64 else _box_muller_16_f32
    u = uniform01(gen, n, dtype)
    whole = n - n % 16
    out = np.empty(n, dtype)
    out[:whole] = transform(u[:whole])
    if whole != n:                              # PyTorch redraws the last 16 values
        out[n - 16:] = transform(uniform01(gen, 16, dtype))
    return out


def _normal_pairs(gen, n: int) -> np.ndarray:
    """n standard normals by PyTorch's one-at-a-time path (float64, with the kept sin)."""
    out = np.empty(n, np.float64)
    start = 0
    if n and gen._next_double_normal is not None:
        out[0], gen._next_double_normal, start = gen._next_double_normal, None, 1
    pairs = (n - start + 1) // 2
    if pairs:
        u = uniform01(gen, 2 * pairs, _F64)
        radius = np.sqrt(-2.0 * clib_log1p(-u[1::2]))
        angle = 2.0 * math.pi * u[0::2]
        both = np.empty(2 * pairs, np.float64)
        both[0::2], both[1::2] = radius * np.cos(angle), radius * np.sin(angle)
        out[start:] = both[:n - start]
        if (n - start) % 2:
            gen._next_double_normal = float(both[-1])
    return out


def normal(gen, n: int, dtype, mean: float = 0.0, std: float = 1.0, contiguous: bool = True):
    """n samples of N(mean, std^2) in `dtype`, as `Tensor.normal_` (see the module's rules)."""
    dtype = np.dtype(dtype)
    if n >= 16 and contiguous and dtype in (_F32, _F64):
        out = _normal_blocks(gen, n, dtype)
        if mean == 0.0 and std == 1.0:
            return out
        if dtype == _F64:
            return fma64(out, std, mean)
        return fma32(out, _F32(std), _F32(mean))
    return fma64(_normal_pairs(gen, n), std, mean).astype(dtype)


def integers(gen, n: int, low: int, high: int) -> np.ndarray:
    """n integers in [low, high) as int64, as `torch.randint` / `random_(low, high)`."""
    span = high - low
    words = gen.random64(n) if span >= _LARGE_RANGE else gen.random32(n)
    return (words % np.uint64(span)).astype(np.int64) + np.int64(low)


def permutation(gen, n: int) -> np.ndarray:
    """A permutation of 0 .. n-1 (int64) as `torch.randperm` builds it on the CPU."""
    order = list(range(n))
    if n < _LARGE_PERMUTATION:
        if n > 1:
            offsets = (gen.random32(n - 1) % np.arange(n, 1, -1, dtype=np.uint64)).tolist()
            for i, offset in enumerate(offsets):        # each swap depends on the ones before
                j = i + offset
                order[i], order[j] = order[j], order[i]
    else:                                               # "inside-out" Fisher-Yates, 64-bit words
        picks = (gen.random64(n) % np.arange(1, n + 1, dtype=np.uint64)).tolist()
        for i, j in enumerate(picks):
            order[i] = order[j]
            order[j] = i
    return np.array(order, dtype=np.int64)


def bernoulli(gen, p, shape: tuple) -> np.ndarray:
    """0/1 float64 draws of the given shape with probability p (a number, or an array that
    broadcasts to shape; a float32 array uses 24-bit uniforms, as PyTorch does)."""
    n = int(np.prod(shape, dtype=np.int64))
    if not isinstance(p, np.ndarray):
        return below(gen, n, float(p)).reshape(shape).astype(np.float64)
    u = uniform01(gen, n, _F32 if p.dtype == _F32 else _F64).reshape(shape)
    return (u < p).astype(np.float64)


def exponential(gen, n: int, dtype) -> np.ndarray:
    """n samples of Exp(1) in `dtype`, as `Tensor.exponential_()`: -log1p(-u), 53-bit u."""
    return (-clib_log1p(-uniform01(gen, n, _F64))).astype(dtype)


def multinomial(gen, rows: np.ndarray, num_samples: int, replacement: bool) -> np.ndarray:
    """Category indices (int64, one row of samples per row of weights), as torch.multinomial.

    Without replacement (or for one sample) PyTorch takes the largest weights / Exp(1)
    draws (the exponential race); with replacement it inverts each row's cumulative sum
    (in the weights' dtype) with one 53-bit uniform per sample, row after row.
    """
    if not replacement or num_samples == 1:
        race = rows / exponential(gen, rows.size, rows.dtype).reshape(rows.shape)
        if num_samples == 1:
            return np.argmax(race, axis=1)[:, None].astype(np.int64)
        return np.argsort(-race, axis=1, kind="stable")[:, :num_samples].astype(np.int64)
    out = np.empty((rows.shape[0], num_samples), np.int64)
    for i, row in enumerate(rows):
        cumulative = np.cumsum(row, dtype=row.dtype)
        cumulative = cumulative / cumulative[-1]
        cumulative[-1] = 1
        out[i] = np.searchsorted(cumulative.astype(np.float64), uniform01(gen, num_samples, _F64))
    return out
