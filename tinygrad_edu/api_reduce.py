"""Module-level reductions and scans named as in `torch` (`torch.cumsum(x, 0)` ports as
`tinygrad_edu.cumsum(x, 0)`). Each is a door to the Tensor method of the same name (ops/reduce.py,
extrema.py, scan.py, sorting.py); a non-Tensor input is made a Tensor first.

    >>> import tinygrad_edu as tg
    >>> tg.cumsum(tg.tensor([1.0, 2.0, 3.0]), 0).tolist(), tg.median(tg.tensor([3.0, 1.0, 2.0])).item()
    ([1.0, 3.0, 6.0], 2.0)
"""
from .tensor import Tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def prod(input, dim=None, keepdim=False, *, dtype=None):
    """Product over dim. As torch.prod."""
    return _t(input).prod(dim, keepdim, dtype=dtype)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Variance over dim (correction=1 by default). As torch.var."""
    return _t(input).var(dim, unbiased, keepdim, correction=correction)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """Standard deviation over dim. As torch.std."""
    return _t(input).std(dim, unbiased, keepdim, correction=correction)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(variance, mean) over dim. As torch.var_mean."""
    return _t(input).var_mean(dim, unbiased, keepdim, correction=correction)


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(standard deviation, mean) over dim. As torch.std_mean."""
    return _t(input).std_mean(dim, unbiased, keepdim, correction=correction)


def logsumexp(input, dim, keepdim=False):
    """ln(sum(e^x)) over dim, stable. As torch.logsumexp."""
    return _t(input).logsumexp(dim, keepdim)


def argmax(input, dim=None, keepdim=False):
    """Index of the largest element. As torch.argmax."""
    return _t(input).argmax(dim, keepdim)


def argmin(input, dim=None, keepdim=False):
    """Index of the smallest element. As torch.argmin."""
    return _t(input).argmin(dim, keepdim)


def amax(input, dim=(), keepdim=False):
    """Largest value over dim (ties share the gradient). As torch.amax."""
    return _t(input).amax(None if dim == () else dim, keepdim)


def amin(input, dim=(), keepdim=False):
    """Smallest value over dim. As torch.amin."""
    return _t(input).amin(None if dim == () else dim, keepdim)


def aminmax(input, *, dim=None, keepdim=False):
    """(min, max) over dim. As torch.aminmax."""
    return _t(input).aminmax(dim=dim, keepdim=keepdim)


def cumsum(input, dim, *, dtype=None):
    """Running sum along dim. As torch.cumsum."""
    return _t(input).cumsum(dim, dtype=dtype)


def cumprod(input, dim, *, dtype=None):
    """Running product along dim. As torch.cumprod."""
    return _t(input).cumprod(dim, dtype=dtype)


def cummax(input, dim):
    """(values, indices) of the running maximum. As torch.cummax."""
    return _t(input).cummax(dim)


def cummin(input, dim):
    """(values, indices) of the running minimum. As torch.cummin."""
    return _t(input).cummin(dim)


def logcumsumexp(input, dim):
    """ln of the running sum of e^x. As torch.logcumsumexp."""
    return _t(input).logcumsumexp(dim)


def median(input, dim=None, keepdim=False):
    """The lower median (values, indices along dim). As torch.median."""
    return _t(input).median(dim, keepdim)


def mode(input, dim=-1, keepdim=False):
    """(values, indices) of the most frequent value. As torch.mode."""
    return _t(input).mode(dim, keepdim)


def kthvalue(input, k, dim=-1, keepdim=False):
    """(values, indices) of the k-th smallest. As torch.kthvalue."""
    return _t(input).kthvalue(k, dim, keepdim)


def quantile(input, q, dim=None, keepdim=False, *, interpolation='linear'):
    """The q-th quantiles. As torch.quantile."""
    return _t(input).quantile(q, dim, keepdim, interpolation=interpolation)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation='linear'):
    """Quantiles ignoring NaN. As torch.nanquantile."""
    return _t(input).nanquantile(q, dim, keepdim, interpolation=interpolation)


def nansum(input, dim=None, keepdim=False, *, dtype=None):
    """Sum with NaN counted as 0. As torch.nansum."""
    return _t(input).nansum(dim, keepdim, dtype=dtype)


def nanmean(input, dim=None, keepdim=False, *, dtype=None):
    """Mean of the values that are not NaN. As torch.nanmean."""
    return _t(input).nanmean(dim, keepdim, dtype=dtype)


def count_nonzero(input, dim=None):
    """The number of non-zero elements. As torch.count_nonzero."""
    return _t(input).count_nonzero(dim)


def diff(input, n=1, dim=-1, prepend=None, append=None):
    """The n-th forward difference. As torch.diff."""
    return _t(input).diff(n, dim, prepend, append)


def norm(input, p='fro', dim=None, keepdim=False, dtype=None):
    """The p-norm ('fro', 'nuc', inf, -inf, 0 or any real p). As torch.norm."""
    return _t(input).norm(p, dim, keepdim, dtype)


def trace(input):
    """The sum of the main diagonal. As torch.trace."""
    return _t(input).trace()


def nanmedian(input, dim=None, keepdim=False):
    """The median of the non-NaN elements. As torch.nanmedian."""
    return _t(input).nanmedian(dim, keepdim)


def bincount(input, weights=None, minlength=0):
    """Counts (or summed weights) of each non-negative integer. As torch.bincount."""
    return _t(input).bincount(weights, minlength)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Runs of equal values kept once. As torch.unique_consecutive."""
    return _t(input).unique_consecutive(return_inverse, return_counts, dim)


def dist(input, other, p=2):
    """The p-norm of input - other. As torch.dist."""
    return _t(input).dist(other, p)


def cov(input, *, correction=1, fweights=None, aweights=None):
    """The covariance matrix of the rows' variables. As torch.cov."""
    return _t(input).cov(correction=correction, fweights=fweights, aweights=aweights)


def corrcoef(input):
    """Pearson's correlation matrix of the rows' variables. As torch.corrcoef."""
    return _t(input).corrcoef()


__all__ = [
    "prod", "var", "std", "var_mean", "std_mean", "logsumexp", "argmax", "argmin", "amax", "amin",
    "aminmax", "cumsum", "cumprod", "cummax", "cummin", "logcumsumexp", "median", "mode",
    "kthvalue", "quantile", "nanquantile", "nansum", "nanmean", "count_nonzero", "diff", "norm",
    "trace", "nanmedian", "bincount", "unique_consecutive", "dist", "cov", "corrcoef",
]
