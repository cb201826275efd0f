"""Scans (running reductions along one dim) and the reductions built on the basic ones, with
PyTorch's names: cumsum (a primitive), cumprod, logcumsumexp, diff, var_mean, std_mean,
aminmax, nansum, nanmean, quantile, nanquantile; and the statistics of two variables, dist,
cov, corrcoef.
"""
from collections import namedtuple

import numpy as np

from ..function import Function
from .reduce import single_axis, reduce_axes, kept_shape
from .unary import as_float

AminmaxResult = namedtuple("aminmax", ("min", "max"))


class Cumsum(Function):
    """Running sum f(x)_k = sum_{i<=k} x_i along dim;  df/dx applied to g = the reversed running sum of g"""

    def forward(self, x, axis):
        self.axis = axis
        return np.cumsum(x, axis=axis)

    def backward(self, g):
        reverse = (slice(None),) * self.axis + (slice(None, None, -1),)
        return Cumsum.apply(g[reverse], axis=self.axis)[reverse]


def _scan_input(t, op_name, dim, dtype):
    axis = single_axis(op_name, dim, t.ndim)
    if dtype is not None:
        t = t.to(dtype)
    elif t.data.dtype.kind in "bu" or (t.data.dtype.kind == "i" and t.data.dtype != np.int64):
        t = t.to(np.int64)              # PyTorch's sums of integers and booleans are int64
    return t, axis


def _observation_weights(name, given, n, like):
    """cov's fweights / aweights as a Tensor of n non-negative weights (None when not given)."""
    if given is None:
        return None
    weights = given if hasattr(given, "_operand") else like._make(np.asarray(given), None)
    if weights.shape != (n,) or (weights.data < 0).any():
        raise ValueError(f"cov: {name} must be {n} non-negative numbers (one per observation), "
                         f"got shape {weights.shape}")
    if name == "fweights" and weights.dtype.kind not in "iu":
        raise TypeError(f"cov: fweights must be integers (frequencies), got dtype {weights.dtype}")
    return weights


class ScanMethods:
    """Tensor methods of the scans and composite reductions (mixed into the class)."""

    __slots__ = ()

    def cumsum(self, dim, dtype=None):
        """Running sum along `dim`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1, 2, 3]).cumsum(0).tolist()
            [1, 3, 6]
        """
        x, axis = _scan_input(self, "cumsum", dim, dtype)
        if x.ndim == 0:
            return x.clone()
        return Cumsum.apply(x, axis=axis)

    def cumprod(self, dim, dtype=None):
        """Running product along `dim`, built from multiplications (exact with zeros, and every
        derivative from Mul's rule)."""
        x, axis = _scan_input(self, "cumprod", dim, dtype)
        if x.ndim == 0 or x.shape[axis] <= 1:
            return x.clone()
        lead = (slice(None),) * axis
        running = [x[lead + (slice(0, 1),)]]
        for k in range(1, x.shape[axis]):
            running.append(running[-1] * x[lead + (slice(k, k + 1),)])
        return x.cat(running, axis)

    def logcumsumexp(self, dim):
        """ln of the running sum of e^x along `dim`, shifted by the max for stability."""
        x, axis = _scan_input(self, "logcumsumexp", dim, None)
        if x.data.dtype.kind not in "fc":
            x = x.to(np.float64 if x.dtype == np.int64 else x.dtype)
        if x.ndim == 0 or x.data.size == 0:
            return x.clone()
        m = np.max(x.data, axis=axis, keepdims=True)
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)
        shift = x._make(m, None)
        with np.errstate(divide="ignore"):
            return (x - shift).exp().cumsum(axis).log() + shift

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        """The n-th forward difference along `dim` (prepend/append joined first)."""
        axis = single_axis("diff", dim, self.ndim, scalar_ok=False)
        if int(n) < 0:
            raise ValueError(f"diff: the order n must be >= 0, got {n}")
        if int(n) == 0:
            return self
        x = self
        if prepend is not None or append is not None:
            parts = [x._operand(p) for p in (prepend,) if p is not None] + [x] + \
                    [x._operand(a) for a in (append,) if a is not None]
            parts = [p if p.ndim else p.reshape(*kept_shape(x.shape, (axis,))).expand(
                *[1 if d == axis else s for d, s in enumerate(x.shape)]) for p in parts]
            x = x.cat(parts, axis)
        lead = (slice(None),) * axis
        for _ in range(int(n)):
            if x.dtype == np.bool_:
                x = x._make(x.data[lead + (slice(1, None),)] ^ x.data[lead + (slice(None, -1),)], None)
            else:
                x = x[lead + (slice(1, None),)] - x[lead + (slice(None, -1),)]
        return x

    def var_mean(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """(variance, mean) over `dim`, as `torch.var_mean`."""
        return (self.var(dim, unbiased, keepdim, correction=correction),
                self.mean(dim if not isinstance(dim, bool) else None, keepdim))

    def std_mean(self, dim=None, unbiased=None, keepdim=False, *, correction=None):
        """(standard deviation, mean) over `dim`, as `torch.std_mean`."""
        return (self.std(dim, unbiased, keepdim, correction=correction),
                self.mean(dim if not isinstance(dim, bool) else None, keepdim))

    def aminmax(self, *, dim=None, keepdim=False):
        """(min, max) over `dim` (all elements by default), a named tuple."""
        return AminmaxResult(self.amin(dim, keepdim), self.amax(dim, keepdim))

    def nansum(self, dim=None, keepdim=False, dtype=None):
        """Sum over `dim`, NaN counted as 0."""
        x = self if dtype is None else self.to(dtype)
        if x.data.dtype.kind in "fc":
            x = x.nan_to_num(nan=0.0, posinf=np.inf, neginf=-np.inf)
        return x.sum(dim, keepdim)

    def nanmean(self, dim=None, keepdim=False, dtype=None):
        """Mean over `dim` of the values that are not NaN."""
        x = self if dtype is None else self.to(dtype)
        axes = reduce_axes("nanmean", dim, x.ndim)
        count = (~np.isnan(x.data)).sum(axis=axes, keepdims=keepdim)
        return x.nansum(axes, keepdim) / x._make(np.asarray(count, dtype=x.dtype), None)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """The q-th quantiles (q in [0, 1], a number or a 1-D tensor) over `dim` (all elements
        when None), interpolating between the sorted neighbours as numpy/PyTorch ('linear',
        'lower', 'higher', 'midpoint', 'nearest'). NaN anywhere gives NaN."""
        return self._quantile("quantile", q, dim, keepdim, interpolation, ignore_nan=False)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        """`quantile` ignoring NaN values."""
        return self._quantile("nanquantile", q, dim, keepdim, interpolation, ignore_nan=True)

    def _quantile(self, op_name, q, dim, keepdim, interpolation, ignore_nan):
        if interpolation not in ("linear", "lower", "higher", "midpoint", "nearest"):
            raise ValueError(f"{op_name}: unknown interpolation {interpolation!r}")
        qs = np.asarray(getattr(q, "data", q), dtype=np.float64)
        if qs.ndim > 1 or ((qs < 0) | (qs > 1)).any():
            raise ValueError(f"{op_name}: q must be a number or a 1-D tensor of values in [0, 1]")
        x = self.reshape(-1) if dim is None else self
        axis = 0 if dim is None else single_axis(op_name, dim, x.ndim)
        if x.ndim == 0:
            x, axis = x.reshape(1), 0
        ordered = x.sort(axis).values.movedim(axis, -1)          # NaN sorts last
        data = ordered.data
        valid = (~np.isnan(data)).sum(-1, keepdims=True) if ignore_nan else \
            np.full(data.shape[:-1] + (1,), data.shape[-1])
        outs = []
        q_tensor = q if hasattr(q, "_operand") and q.requires_grad else None
        for k, qk in enumerate(qs.reshape(-1)):
            pos = qk * np.maximum(valid - 1, 0)
            lo, hi = np.floor(pos).astype(np.int64), np.ceil(pos).astype(np.int64)
            frac = pos - lo
            if interpolation == "lower":
                hi, frac = lo, frac * 0
            elif interpolation == "higher":
                lo, frac = hi, frac * 0
            elif interpolation == "nearest":
                lo = hi = np.where(frac > 0.5, hi, np.where(frac < 0.5, lo, lo + (lo % 2)))
                frac = frac * 0
            elif interpolation == "midpoint":
                frac = np.where(hi > lo, 0.5, 0.0)
            a, b = ordered.gather(-1, lo), ordered.gather(-1, hi)
            if q_tensor is not None and interpolation == "linear":     # d/dq = (b - a)(n - 1)
                q_k = q_tensor.reshape(-1)[k]
                frac = q_k * x._make(np.maximum(valid - 1, 0).astype(x.dtype), None) \
                    - x._make(lo.astype(x.dtype), None)
            else:
                frac = x._make(frac.astype(x.dtype), None)
            value = a + (b - a) * frac
            bad = (np.isnan(data).any(-1, keepdims=True) if not ignore_nan else valid == 0)
            value = value.masked_fill(x._make(bad, None), np.nan) if bad.any() else value
            outs.append(value.squeeze(-1))
        out = outs[0].stack(outs, 0) if qs.ndim else outs[0]
        if keepdim:
            shape = kept_shape(self.shape, tuple(range(self.ndim)) if dim is None else (axis,))
            out = out.reshape(*((len(outs),) if qs.ndim else ()), *shape)
        return out

    # ------------------------------------------------------------ statistics of two variables
    def dist(self, other, p=2):
        """The p-norm of self - other (broadcast), as torch.dist."""
        return (self - other).norm(p)

    def cov(self, *, correction=1, fweights=None, aweights=None):
        """The covariance matrix of the variables in the rows (observations in the columns), as
        torch.cov: with integer frequency weights fweights and observation weights aweights,
        sum_i w_i (x_i - mean_w)(x_i - mean_w)^T / (sum w - correction * sum(w a) / sum w).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[0.0, 1.0, 2.0], [2.0, 1.0, 0.0]]).cov().tolist()
            [[1.0, -1.0], [-1.0, 1.0]]
        """
        if self.ndim > 2:
            raise ValueError(f"cov: expects a tensor of at most 2 dims (variables x observations), "
                             f"got shape {self.shape}")
        x = self.reshape(1, -1) if self.ndim < 2 else self
        x = x if x.dtype.kind in "fc" else x.to(as_float(x.data).dtype)
        n = x.shape[1]
        fw = _observation_weights("fweights", fweights, n, x)
        aw = _observation_weights("aweights", aweights, n, x)
        # the order of PyTorch's arithmetic, so that float32 weights round as there
        if fw is None and aw is None:
            centred = x - x.mean(1, keepdim=True)
            out = (centred @ centred.transpose(0, 1)) / max(n - correction, 0)
        else:
            w = fw if aw is None else aw if fw is None else fw * aw    # aweights stay in the graph
            total = w.sum()
            centred = x - (x * w).sum(1, keepdim=True) / total
            norm = total - correction * (w * aw).sum() / total if aw is not None and correction \
                else total - correction
            if norm.data <= 0:
                norm = norm * 0
            out = (centred @ (centred * w).transpose(0, 1)) / norm
        return out.reshape(()) if out.shape == (1, 1) else out

    def corrcoef(self):
        """Pearson's correlation matrix of the variables in the rows (cov normalised by the
        standard deviations, clipped to [-1, 1]), as torch.corrcoef."""
        c = self.cov()
        if c.ndim == 0:
            return c / c                    # one variable: 1 (nan when it has no variance)
        d = c.diagonal().sqrt()
        return (c / d.reshape(-1, 1) / d.reshape(1, -1)).clamp(-1, 1)
