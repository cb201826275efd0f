"""Module-level special functions named as in `torch`: the error function family and the gamma
family (`torch.lgamma(x)` ports as `tinygrad_edu.lgamma(x)`). Each is a door to the Tensor
method of the same name in ops/special.py, where the function and its derivative live.

    >>> import tinygrad_edu as tg
    >>> round(tg.lgamma(tg.tensor([5.0])).exp().item(), 6)     # Gamma(5) = 4!
    24.0
"""
from .tensor import Tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def erf(input):
    """The error function. As torch.erf."""
    return _t(input).erf()


def erfc(input):
    """1 - erf(x). As torch.erfc."""
    return _t(input).erfc()


def erfinv(input):
    """The inverse error function. As torch.erfinv."""
    return _t(input).erfinv()


def lgamma(input):
    """ln |Gamma(x)|. As torch.lgamma."""
    return _t(input).lgamma()


def digamma(input):
    """psi(x), the derivative of lgamma. As torch.digamma."""
    return _t(input).digamma()


def polygamma(n, input):
    """psi^(n)(x), the n-th derivative of digamma. As torch.polygamma (n comes first)."""
    return _t(input).polygamma(n)


def mvlgamma(input, p):
    """The multivariate log-gamma of dimension p. As torch.mvlgamma."""
    return _t(input).mvlgamma(p)


__all__ = ["erf", "erfc", "erfinv", "lgamma", "digamma", "polygamma", "mvlgamma"]
