"""The floating-point steps of PyTorch's CPU transforms, reproduced to the last bit in numpy.

Why this file exists: matching PyTorch's numbers needs more than its formulas. Its compiled
kernels fuse `a * b + c` into one rounding (FMA); its float32 normals use a vectorised
log/sin/cos (Cephes polynomials, as in the public `avx_mathfun.h`) rather than the C
library's; its float64 normals call the C library's `log`, `log1p`, `sin`, `cos`, which
round differently from numpy's own SIMD versions in about one case in 300. Each function
here says which of these it reproduces. All work on whole arrays (log1p calls the C
library once per value: no other way gives its last bit).
"""
import math

import numpy as np

_F32 = np.float32


def fma32(a: np.ndarray, b, c) -> np.ndarray:
    """float32 a * b + c with one rounding (the product is exact in float64; the sum is
    rounded to odd at 53 bits, so the final rounding to 24 bits is the correct one)."""
    product = np.asarray(a, np.float64) * np.float64(b)
    total = product + np.float64(c)
    error = (product - (total - (total - product))) + (np.float64(c) - (total - product))
    even = (total.view(np.int64) & 1) == 0
    fix = (error != 0) & even
    if fix.any():
        total[fix] = np.nextafter(total[fix], np.where(error[fix] > 0, np.inf, -np.inf))
    return total.astype(_F32)


def _split(x):
    big = x * 134217729.0                     # 2**27 + 1: Dekker's split into two 26-bit halves
    high = big - (big - x)
    return high, x - high


def fma64(a: np.ndarray, b: float, c: float) -> np.ndarray:
    """float64 a * b + c with one rounding: the exact product (Dekker) and the exact sum
    (Knuth) are added with a final correction."""
    a = np.asarray(a, np.float64)
    if b == 1.0 and c == 0.0:
        return a.copy()
    product = a * b
    a_hi, a_lo = _split(a)
    b_hi, b_lo = _split(np.float64(b))
    product_error = ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo
    total = product + c
    virtual = total - product
    sum_error = (product - (total - virtual)) + (c - virtual)
    return total + (product_error + sum_error)


# -------------------------------------------------------------------- float32: Cephes
# The float32 steps run on float64 arrays that hold float32 values: a product of two of them
# is exact in float64, so `_r32(a * b + c)` is float32's fused multiply-add, and `_r32(a * b)`
# float32's product (both operands already float64: numpy's mixed-dtype loops are slow).
# A double rounding (53 bits, then 24) could differ from one rounding only when the exact
# sum needs more than 53 bits and falls exactly halfway between two float32 numbers; the
# terms here are within a few binades of each other, so this does not happen (checked
# against PyTorch on millions of draws).
_LOG_POLY = (7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1,
             1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1,
             3.3333331174e-1)
_SQRT_HALF_MANTISSA = 0x3504F3        # the mantissa bits of float32 sqrt(1/2)


def _r32(x: np.ndarray) -> np.ndarray:
    """Round float64 values to float32 and keep them in float64."""
    return x.astype(_F32).astype(np.float64)


def _f32(value) -> float:
    return float(_F32(value))


def log_cephes32(x: np.ndarray) -> np.ndarray:
    """Natural log of normal positive float32 values as PyTorch's AVX2 normal sampler computes
    it (Cephes' logf: split off the exponent, a degree-8 polynomial in the mantissa)."""
    bits = np.ascontiguousarray(x, _F32).view(np.int32)
    fraction = bits & 0x7FFFFF
    small = fraction < _SQRT_HALF_MANTISSA                      # mantissa < sqrt(1/2): use 2m - 1
    exponent = ((bits >> 23) - 126 - small).astype(np.float64)
    mantissa = (fraction | 0x3F000000).view(_F32).astype(np.float64)      # in [0.5, 1)
    m = mantissa * (1.0 + small) - 1.0                          # exact, as in float32
    z = _r32(m * m)
    y = _r32(m * _f32(_LOG_POLY[0]) + _f32(_LOG_POLY[1]))
    for coefficient in _LOG_POLY[2:]:
        y = _r32(y * m + _f32(coefficient))
    y = _r32(_r32(y * m) * z + _r32(exponent * _f32(-2.12194440e-4)))
    y = _r32(y - z * 0.5)
    return (exponent * 0.693359375 + _r32(m + y)).astype(_F32)


def sincos_cephes32(x: np.ndarray):
    """(sin x, cos x) of float32 angles x >= 0 as PyTorch's AVX2 normal sampler computes them
    (Cephes' sinf/cosf: reduce by multiples of pi/4 in three parts, two polynomials)."""
    octant = ((x * _F32(1.27323954473516)).astype(np.int32) + 1) & ~1        # 4/pi, even
    y = octant.astype(np.float64)
    x = np.asarray(x, np.float64)
    for part in (-0.78515625, -2.4187564849853515625e-4, -3.77489497744594108e-8):
        x = _r32(y * part + x)                                           # x - y * pi/4
    z = _r32(x * x)
    cos_poly = _r32(z * _f32(2.443315711809948e-5) + _f32(-1.388731625493765e-3))
    cos_poly = _r32(cos_poly * z + _f32(4.166664568298827e-2))
    cos_poly = _r32(_r32(_r32(cos_poly * z) * z - z * 0.5) + 1.0)
    sin_poly = _r32(z * _f32(-1.9515295891e-4) + _f32(8.3321608736e-3))
    sin_poly = _r32(sin_poly * z + _f32(-1.6666654611e-1))
    sin_poly = _r32(sin_poly * z) * x + x
    use_sin_poly = (octant & 2) == 0
    sin = np.where(use_sin_poly, sin_poly, cos_poly).astype(_F32)
    cos = np.where(use_sin_poly, cos_poly, sin_poly).astype(_F32)
    np.negative(sin, out=sin, where=(octant & 4) != 0)
    np.negative(cos, out=cos, where=((octant - 2) & 4) == 0)
    return sin, cos


# -------------------------------------------------------------------- float64: the C library
def _near_halfway(extended: np.ndarray, rounded: np.ndarray, margin: float) -> np.ndarray:
    """Where an extended-precision value lies within `margin` ulp of a halfway point between
    float64 neighbours (there the C library's result cannot be told from rounding alone)."""
    residual = (extended - rounded).astype(np.float64)         # exact: both are long doubles
    ulps = np.abs(residual) / np.spacing(np.abs(rounded))
    return np.abs(ulps - 0.5) < margin


def clib_log(x: np.ndarray) -> np.ndarray:
    """The C library's float64 `log`, as PyTorch's float64 normal sampler calls it.

    Computed in long double and rounded: the C library's log rounds correctly except
    within 0.02 ulp of a halfway point, so the few values near one (about 6 in 100) are
    recomputed by the C library itself, through Python's math module. numpy's own SIMD
    log differs from it in about 1 value in 300, which would show in the last digit.
    """
    x = np.asarray(x, np.float64)
    extended = np.log(x.astype(np.longdouble))
    rounded = extended.astype(np.float64)
    if np.finfo(np.longdouble).nmant < 60:            # no long double here: every value by libm
        unsure = np.ones(x.shape, bool)
    else:
        unsure = _near_halfway(extended, rounded, 0.03)
    if unsure.any():
        rounded[unsure] = [math.log(v) for v in x[unsure].tolist()]
    return rounded


def clib_log1p(x: np.ndarray) -> np.ndarray:
    """The C library's float64 `log1p`, value by value through Python's math module: its
    log1p is not correctly rounded (errors below 1 ulp), so no other computation gives
    its last bit. PyTorch calls it for its short normal draws and its exponential draws."""
    x = np.asarray(x, np.float64)
    return np.fromiter(map(math.log1p, x.ravel().tolist()), np.float64, x.size).reshape(x.shape)
