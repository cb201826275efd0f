"""More elementwise math with PyTorch's names: trigonometric and hyperbolic functions and their
inverses, exp/log variants, and the rounding functions (whose derivative is 0). The error and
gamma functions are in special.py.

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

    def neg(self):
        """-x elementwise."""
        return -self

    negative = neg

    def positive(self):
        """x itself, as torch.positive (refused for booleans, as there)."""
        if self.data.dtype.kind == "b":
            raise TypeError("positive: not defined for bool tensors; use the tensor itself")
        return self

    def deg2rad(self):
        """Degrees to radians, x pi / 180 (integers give floats)."""
        return self._float() * (math.pi / 180)

    def rad2deg(self):
        """Radians to degrees, x 180 / pi (integers give floats)."""
        return self._float() * (180 / math.pi)

    def sinc(self):
        """The normalised sinc sin(pi x) / (pi x), 1 at x = 0 (where its gradient is 0).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 0.5]).sinc().tolist()[0]
            1.0
        """
        x = self._float()
        zero = self._make(x.data == 0, None)
        safe = type(x).where(zero, x._make(np.ones((), x.dtype), None), x) * math.pi
        return type(x).where(zero, x._make(np.ones((), x.dtype), None), safe.sin() / safe)

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
