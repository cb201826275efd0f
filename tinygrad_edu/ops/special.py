"""The special functions: the error function family (erf, erfc, erfinv) and the gamma family
(lgamma, digamma, polygamma, mvlgamma), with PyTorch's names.

Each derivative is written with Tensor ops, so that every order exists: d lgamma = digamma,
d digamma = polygamma(1), d polygamma(n) = polygamma(n + 1). The numbers come from
scipy.special (an install dependency), imported on first use to keep `import tinygrad_edu`
light. Integer and boolean inputs give the default float dtype, as PyTorch.
"""
import math

import numpy as np

from .unary import as_float
from .unary_math import UnaryMath
from ..dtypes import get_default_dtype
from ..function import Function


def _scipy_special():
    from scipy import special
    return special


def _erf(values):
    return np.asarray(_scipy_special().erf(values), dtype=values.dtype)


class Erf(UnaryMath):
    """Error function f(x) = erf x;  df/dx = 2 / sqrt(pi) e^(-x^2)"""
    numpy_fn = staticmethod(_erf)
    derivative = staticmethod(lambda x: (-(x * x)).exp() * (2 / math.sqrt(math.pi)))


class Erfc(UnaryMath):
    """Complementary error function f(x) = 1 - erf x;  df/dx = -2 / sqrt(pi) e^(-x^2)"""
    numpy_fn = staticmethod(lambda x: np.asarray(_scipy_special().erfc(x), dtype=x.dtype))
    derivative = staticmethod(lambda x: (-(x * x)).exp() * (-2 / math.sqrt(math.pi)))


class Erfinv(UnaryMath):
    """Inverse error function f(x) = erf^-1 x;  df/dx = sqrt(pi) / 2 e^(f(x)^2)"""
    numpy_fn = staticmethod(lambda x: np.asarray(_scipy_special().erfinv(x), dtype=x.dtype))
    derivative = staticmethod(lambda x: (x.erfinv() ** 2).exp() * (math.sqrt(math.pi) / 2))


class Lgamma(UnaryMath):
    """Log-gamma f(x) = ln |Gamma(x)| (+inf at the poles 0, -1, -2, ...);  df/dx = digamma(x)"""
    numpy_fn = staticmethod(lambda x: np.asarray(_scipy_special().gammaln(x), dtype=x.dtype))
    derivative = staticmethod(lambda x: x.digamma())


def _polygamma(n, values):
    """psi^(n)(x), the n-th derivative of digamma, where PyTorch gives: -inf at 0 and nan at the
    negative integers for digamma (n = 0); scipy's values elsewhere."""
    special = _scipy_special()
    if n == 0:
        out = special.digamma(values)
        out = np.where(values == 0, -np.inf, out)
    else:
        out = special.polygamma(n, values)
    return np.asarray(out, dtype=values.dtype)


class Polygamma(Function):
    """f(x) = psi^(n)(x), the (n+1)-th derivative of ln Gamma;  df/dx = psi^(n+1)(x)"""

    def forward(self, x, n):
        self.n = n
        with np.errstate(all="ignore"):
            return _polygamma(n, as_float(x))

    def backward(self, g):
        return g * Polygamma.apply(self.inputs[0], n=self.n + 1)


class SpecialMethods:
    """Tensor methods of the functions above (mixed into the class)."""

    __slots__ = ()

    def erf(self):
        """The error function 2/sqrt(pi) * integral of e^(-t^2) from 0 to x."""
        return Erf.apply(self)

    def erfc(self):
        """1 - erf(x), accurate where erf(x) is close to 1."""
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
        """ln |Gamma(x)|: the log of the factorial's extension (its gradient is digamma)."""
        return Lgamma.apply(self)

    def digamma(self):
        """psi(x) = d/dx ln Gamma(x), the gradient of lgamma.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> round(Tensor([1.0]).digamma().item(), 6)    # minus the Euler-Mascheroni constant
            -0.577216
        """
        return Polygamma.apply(self, n=0)

    def polygamma(self, n):
        """psi^(n)(x), the n-th derivative of digamma; as torch's `x.polygamma(n)`."""
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise ValueError(f"polygamma: n must be a non-negative integer, got {n!r}")
        return Polygamma.apply(self, n=int(n))

    def mvlgamma(self, p):
        """The multivariate log-gamma ln Gamma_p(x) = p(p-1)/4 ln pi + sum_j lgamma(x - j/2),
        j = 0..p-1 (the normaliser of the Wishart distribution); defined for x > (p-1)/2."""
        if isinstance(p, bool) or not isinstance(p, (int, np.integer)) or p < 1:
            raise ValueError(f"mvlgamma: p has to be an integer of at least 1, got {p!r}")
        if not (self.data > (p - 1) / 2).all():
            raise ValueError(f"mvlgamma: every element must be greater than (p-1)/2 = {(p - 1) / 2} "
                             f"for p={p}; the smallest is {self.data.min()!r}")
        x = self if self.dtype.kind == "f" else self.to(get_default_dtype())
        terms = [(x - j / 2).lgamma() for j in range(p)]
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total + p * (p - 1) / 4 * math.log(math.pi)
