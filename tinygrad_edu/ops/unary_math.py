"""More elementwise math with PyTorch's names: trigonometric and hyperbolic functions and their
inverses, exp/log variants, erf and erfc, and the rounding functions (whose derivative is 0).

Each primitive is one Function: its numpy forward next to its derivative, written with Tensor
ops so that second derivatives exist too. Integer and boolean inputs give the default float
dtype, as PyTorch (the rounding functions keep integers as they are).
"""
import math

import numpy as np

from ..function import Function
from .unary import as_float, Log2, Log10


class UnaryMath(Function):
    """Base of the smooth unary functions: `numpy_fn` forward, `derivative(x)` in Tensor ops."""

    @staticmethod
    def numpy_fn(x):
        raise NotImplementedError

    @staticmethod
    def derivative(x):
        raise NotImplementedError

    def forward(self, x):
        with np.errstate(all="ignore"):
            return type(self).numpy_fn(as_float(x))

    def backward(self, g):
        return g * type(self).derivative(self.inputs[0])


def _erf(values):
    """erf elementwise: scipy's when installed (imported on first use), else math.erf."""
    try:
        from scipy.special import erf
    except ImportError:                 # pragma: no cover (scipy is in the test extra)
        erf = np.vectorize(math.erf, otypes=[np.float64])
    return np.asarray(erf(values), dtype=values.dtype)


class Tan(UnaryMath):
    """Tangent f(x) = tan x;  df/dx = 1 + tan^2 x"""
    numpy_fn = staticmethod(np.tan)
    derivative = staticmethod(lambda x: 1 + x.tan() * x.tan())


class Asin(UnaryMath):
    """Inverse sine f(x) = asin x;  df/dx = 1 / sqrt(1 - x^2)"""
    numpy_fn = staticmethod(np.arcsin)
    derivative = staticmethod(lambda x: (1 - x * x) ** -0.5)


class Acos(UnaryMath):
    """Inverse cosine f(x) = acos x;  df/dx = -1 / sqrt(1 - x^2)"""
    numpy_fn = staticmethod(np.arccos)
    derivative = staticmethod(lambda x: -((1 - x * x) ** -0.5))


class Atan(UnaryMath):
    """Inverse tangent f(x) = atan x;  df/dx = 1 / (1 + x^2)"""
    numpy_fn = staticmethod(np.arctan)
    derivative = staticmethod(lambda x: 1 / (1 + x * x))


class Sinh(UnaryMath):
    """Hyperbolic sine f(x) = sinh x;  df/dx = cosh x"""
    numpy_fn = staticmethod(np.sinh)
    derivative = staticmethod(lambda x: x.cosh())


class Cosh(UnaryMath):
    """Hyperbolic cosine f(x) = cosh x;  df/dx = sinh x"""
    numpy_fn = staticmethod(np.cosh)
    derivative = staticmethod(lambda x: x.sinh())


class Asinh(UnaryMath):
    """Inverse hyperbolic sine f(x) = asinh x;  df/dx = 1 / sqrt(x^2 + 1)"""
    numpy_fn = staticmethod(np.arcsinh)
    derivative = staticmethod(lambda x: (x * x + 1) ** -0.5)


class Acosh(UnaryMath):
    """Inverse hyperbolic cosine f(x) = acosh x;  df/dx = 1 / sqrt(x^2 - 1)"""
    numpy_fn = staticmethod(np.arccosh)
    derivative = staticmethod(lambda x: (x * x - 1) ** -0.5)


class Atanh(UnaryMath):
    """Inverse hyperbolic tangent f(x) = atanh x;  df/dx = 1 / (1 - x^2)"""
    numpy_fn = staticmethod(np.arctanh)
    derivative = staticmethod(lambda x: 1 / (1 - x * x))


class Log1p(UnaryMath):
    """f(x) = ln(1 + x), accurate for small x;  df/dx = 1 / (1 + x)"""
    numpy_fn = staticmethod(np.log1p)
    derivative = staticmethod(lambda x: 1 / (1 + x))


class Expm1(UnaryMath):
    """f(x) = e^x - 1, accurate for small x;  df/dx = e^x"""
    numpy_fn = staticmethod(np.expm1)
    derivative = staticmethod(lambda x: x.exp())


class Exp2(UnaryMath):
    """f(x) = 2^x;  df/dx = 2^x ln 2"""
    numpy_fn = staticmethod(np.exp2)
    derivative = staticmethod(lambda x: x.exp2() * math.log(2.0))


class Erf(UnaryMath):
    """Error function f(x) = erf x;  df/dx = 2 / sqrt(pi) e^(-x^2)"""
    numpy_fn = staticmethod(_erf)
    derivative = staticmethod(lambda x: (-(x * x)).exp() * (2 / math.sqrt(math.pi)))


class Erfc(UnaryMath):
    """Complementary error function f(x) = 1 - erf x;  df/dx = -2 / sqrt(pi) e^(-x^2)"""
    numpy_fn = staticmethod(lambda x: 1 - _erf(x))
    derivative = staticmethod(lambda x: (-(x * x)).exp() * (-2 / math.sqrt(math.pi)))


def _erfinv(values):
    """erf^-1 elementwise: scipy's when installed, else bisection on erf (erf is increasing)
    and two Newton steps to polish."""
    try:
        from scipy.special import erfinv
        return np.asarray(erfinv(values), dtype=values.dtype)
    except ImportError:                 # pragma: no cover (scipy is in the test extra)
        lo, hi = np.full(values.shape, -6.0), np.full(values.shape, 6.0)
        for _ in range(60):
            mid = (lo + hi) / 2
            below = _erf(mid) < values
            lo, hi = np.where(below, mid, lo), np.where(below, hi, mid)
        y = (lo + hi) / 2
        for _ in range(2):
            y = y - (_erf(y) - values) / (2 / math.sqrt(math.pi) * np.exp(-y * y))
        with np.errstate(invalid="ignore"):
            y = np.where(np.abs(values) == 1, np.sign(values) * np.inf, y)
            return np.where(np.abs(values) > 1, np.nan, y).astype(values.dtype)


def _lgamma(values):
    """ln |Gamma(x)| elementwise (math.lgamma; inf at the poles 0, -1, -2, ...)."""
    def one(v):
        try:
            return math.lgamma(v)
        except ValueError:
            return math.inf
    return np.vectorize(one, otypes=[values.dtype])(values) if values.size else values.copy()


def digamma_array(x):
    """psi(x) = d/dx ln Gamma(x): the recurrence psi(x) = psi(x + 1) - 1/x up to x >= 6, then
    the asymptotic series; reflection for x < 0.5; -inf/nan at the poles as PyTorch."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    reflect = x < 0.5
    z = np.where(reflect, 1 - x, x)
    shift = np.zeros_like(z)
    while (z < 10).any():
        small = z < 10
        shift = np.where(small, shift - 1 / z, shift)
        z = np.where(small, z + 1, z)
    inv2 = 1 / (z * z)
    series = inv2 * (1 / 12 - inv2 * (1 / 120 - inv2 * (1 / 252 - inv2 * (1 / 240 - inv2 / 132))))
    out = np.log(z) - 0.5 / z - series + shift
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(reflect, out - math.pi / np.tan(math.pi * x), out)
    return np.where((x <= 0) & (x == np.floor(x)), np.nan, out)


class Erfinv(UnaryMath):
    """Inverse error function f(x) = erf^-1 x;  df/dx = sqrt(pi) / 2 e^(f(x)^2)"""
    numpy_fn = staticmethod(_erfinv)
    derivative = staticmethod(lambda x: (x.erfinv() ** 2).exp() * (math.sqrt(math.pi) / 2))


class Lgamma(UnaryMath):
    """Log-gamma f(x) = ln |Gamma(x)|;  df/dx = digamma(x) (no second derivative here)"""
    numpy_fn = staticmethod(_lgamma)
    derivative = staticmethod(lambda x: x._make(digamma_array(x.data).astype(x.dtype), None))


class Rounding(Function):
    """A step function (floor, ceil, round, trunc, sign): f'(x) = 0 wherever it exists.

    As PyTorch, the result of a float input requires grad, with gradient 0 (not None).
    """

    def forward(self, x, numpy_fn):
        if x.dtype.kind == "b" and numpy_fn is not np.sign:
            return x.copy()
        return numpy_fn(x)

    def backward(self, g):
        return g * 0


def _round_half_even(decimals):
    """torch.round: halves go to the even neighbour (numpy's rule too), at `decimals` places."""
    return lambda x: np.round(x, decimals)


class UnaryMathMethods:
    """Tensor methods of the functions above (mixed into the class)."""

    __slots__ = ()

    def tan(self):
        """Tangent elementwise."""
        return Tan.apply(self)

    def asin(self):
        """Inverse sine (nan outside [-1, 1])."""
        return Asin.apply(self)

    def acos(self):
        """Inverse cosine (nan outside [-1, 1])."""
        return Acos.apply(self)

    def atan(self):
        """Inverse tangent."""
        return Atan.apply(self)

    def sinh(self):
        """Hyperbolic sine."""
        return Sinh.apply(self)

    def cosh(self):
        """Hyperbolic cosine."""
        return Cosh.apply(self)

    def asinh(self):
        """Inverse hyperbolic sine."""
        return Asinh.apply(self)

    def acosh(self):
        """Inverse hyperbolic cosine (nan below 1)."""
        return Acosh.apply(self)

    def atanh(self):
        """Inverse hyperbolic tangent (nan outside [-1, 1])."""
        return Atanh.apply(self)

    arcsin, arccos, arctan = asin, acos, atan
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    def log2(self):
        """Base-2 logarithm.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([8.0]).log2().tolist()
            [3.0]
        """
        return Log2.apply(self)

    def log10(self):
        """Base-10 logarithm.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> round(Tensor([100.0]).log10().item(), 5)
            2.0
        """
        return Log10.apply(self)

    def log1p(self):
        """ln(1 + x), accurate where x is tiny."""
        return Log1p.apply(self)

    def expm1(self):
        """e^x - 1, accurate where x is tiny."""
        return Expm1.apply(self)

    def exp2(self):
        """2^x elementwise.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([3.0]).exp2().tolist()
            [8.0]
        """
        return Exp2.apply(self)

    def erf(self):
        """The error function 2/sqrt(pi) * integral of e^(-t^2) from 0 to x."""
        return Erf.apply(self)

    def erfc(self):
        """1 - erf(x)."""
        return Erfc.apply(self)

    def erfinv(self):
        """The inverse of erf, on (-1, 1) (+-inf at +-1).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> round(Tensor([0.5]).erf().erfinv().item(), 6)
            0.5
        """
        return Erfinv.apply(self)

    def lgamma(self):
        """ln |Gamma(x)| (its gradient is the digamma function)."""
        return Lgamma.apply(self)

    def neg(self):
        """-x elementwise."""
        return -self

    negative = neg

    def reciprocal(self):
        """1 / x elementwise (integers give floats)."""
        return 1 / self._float()

    def rsqrt(self):
        """1 / sqrt(x) elementwise."""
        return self._float().sqrt().reciprocal()

    def square(self):
        """x * x elementwise (integers stay integers, as PyTorch)."""
        return self * self

    def _float(self):
        return self if self.data.dtype.kind in "fc" else self.to(as_float(self.data).dtype)

    def floor(self):
        """The largest integer <= x (gradient 0)."""
        return Rounding.apply(self, numpy_fn=np.floor)

    def ceil(self):
        """The smallest integer >= x (gradient 0)."""
        return Rounding.apply(self, numpy_fn=np.ceil)

    def trunc(self):
        """x rounded toward 0 (gradient 0)."""
        return Rounding.apply(self, numpy_fn=np.trunc)

    fix = trunc

    def round(self, decimals=0):
        """x rounded to `decimals` places, halves to even, as PyTorch (gradient 0).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.5, 1.5, 2.567]).round().tolist(), Tensor([14.0, 16.0]).round(decimals=-1).tolist()
            ([0.0, 2.0, 3.0], [10.0, 20.0])
        """
        return Rounding.apply(self, numpy_fn=_round_half_even(int(decimals)))

    def sign(self):
        """-1, 0 or 1 by the sign of x (gradient 0)."""
        return Rounding.apply(self, numpy_fn=np.sign)

    sgn = sign

    def frac(self):
        """x - trunc(x), the fractional part with x's sign (gradient 1)."""
        return self - self.trunc()
