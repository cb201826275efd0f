"""Reductions over dims: sum (primitive), mean, var, std, logsumexp, prod (composites), all/any,
with PyTorch's `dim=` / `keepdim=` and numpy's `axis=` / `keepdims=` as aliases. The extremes
(max, min, amax, amin, argmax, argmin) are in extrema.py."""
import numpy as np

from ..function import Function
from ..argcheck import DimensionError, describe
from ..grad_mode import STATE
from ..dtypes import get_default_dtype
from .elementwise import Where


def normalize_axes(op_name, axis, ndim):
    """`axis` (None, int or tuple, negatives allowed) as a sorted tuple of non-negative axes."""
    if axis is None:
        return tuple(range(ndim))
    if type(axis) is int or isinstance(axis, np.integer):
        axes = (axis,)
    else:
        axes = _axes_tuple(op_name, axis)
    size = max(ndim, 1)         # a 0-d tensor accepts axis 0 or -1, as in PyTorch
    result = []
    for a in axes:
        if not -size <= a < size:
            raise DimensionError(f"{op_name}: axis {a} is out of range for a tensor with {ndim} "
                                 f"dimension(s); use an axis in [{-size}, {size - 1}]")
        result.append(int(a) % size)
    if len(set(result)) != len(result):
        raise ValueError(f"{op_name}: axis {axis} names the same dimension twice")
    return tuple(sorted(result))


def _axes_tuple(op_name, axis):
    """A tuple or list of int dims as a tuple, or a TypeError (not numpy's) naming the op and value."""
    parts = tuple(axis) if isinstance(axis, (tuple, list, range, np.ndarray)) else None
    if parts is None or not all(type(a) is int or isinstance(a, np.integer) for a in parts):
        raise TypeError(f"{op_name}: dim must be an int, a tuple of ints or None, got "
                        f"{describe(axis)}" + ("; pass the number, not a string"
                                               if isinstance(axis, str) else ""))
    return parts


def single_axis(op_name, dim, ndim, scalar_ok=True):
    """One dim (an int, negatives allowed) as a non-negative int, for ops that take exactly one.

    None, floats, strings and tuples raise a TypeError naming the op (None would otherwise
    mean "all dims" and silently pick dim 0). On a 0-d tensor only 0 and -1 exist, as in
    PyTorch, and only for ops where that makes sense (`scalar_ok`).
    """
    if not (type(dim) is int or isinstance(dim, np.integer)):
        raise TypeError(f"{op_name}: dim must be an int, got {describe(dim)}")
    if ndim == 0 and not scalar_ok:
        raise DimensionError(f"{op_name}: a 0-d tensor has no dimension {dim}; make it 1-D "
                             f"first, e.g. x.reshape(1)")
    return normalize_axes(op_name, dim, ndim)[0]


def reduce_axes(op_name, axis, ndim):
    """`normalize_axes` for a reduction: on a 0-d tensor, axis 0 / -1 leaves nothing to reduce."""
    axes = normalize_axes(op_name, axis, ndim)
    return axes if ndim else ()


def kept_shape(shape, axes):
    """The shape after reducing `axes` with keepdims=True."""
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


class Sum(Function):
    """Sum over axes f(x) = sum_i x_i;  df/dx_i = 1 (the gradient is broadcast back)"""

    def forward(self, x, axes, keepdims):
        self.in_shape = x.shape
        self.axes = axes
        return np.sum(x, axis=axes, keepdims=keepdims)

    def backward(self, g):
        g, _ = self.values(g)
        g = g.reshape(kept_shape(self.in_shape, self.axes))
        return np.broadcast_to(g, self.in_shape) if type(g) is np.ndarray else g.expand(*self.in_shape)


class SqrtOfSpread(Function):
    """Square root of a variance f(v) = sqrt(v);  df/dv = 1 / (2 sqrt(v)), taken as 0 where v == 0

    At zero spread (a constant column) the exact derivative of sqrt is infinite while the
    derivative of the variance is 0, and inf * 0 = nan would poison every upstream gradient.
    Like PyTorch's std, the 0/0 is defined as 0 (the std of a constant input is flat
    along every direction that keeps it constant).
    """

    def forward(self, v):
        out = np.sqrt(v)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        if not STATE.grad_enabled:
            out = self.saved[-1]
            zero = out == 0
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(zero, 0, g.data / (2 * np.where(zero, 1, out)))
        out = SqrtOfSpread.apply(self.inputs[0])
        zero = out._make(out.data == 0, None)
        # the "double where": the masked branch never sees the division by 0, so second
        # derivatives stay finite too
        safe = Where.apply(zero, out._make(np.ones((), out.dtype), None), out)
        return Where.apply(zero, out._make(np.zeros((), out.dtype), None), g / (2 * safe))


def aliases(op_name, dim, axis, keepdim, keepdims):
    """Resolve numpy's `axis=` / `keepdims=` into PyTorch's `dim=` / `keepdim=`."""
    if axis is not None:
        if dim is not None:
            raise TypeError(f"{op_name}: got both dim={dim!r} and axis={axis!r}; they are the same "
                            f"argument (PyTorch's and numpy's name), give one")
        dim = axis
    if keepdims is not None:
        keepdim = keepdims
    return dim, bool(keepdim)


def _float_input(t):
    """Integer and boolean tensors are promoted to the default float dtype (as PyTorch does)."""
    if t.data.dtype.kind in "fc":
        return t
    return t._make(t.data.astype(get_default_dtype()), None)


class ReduceMethods:
    """Reductions of `Tensor` (mixed into the class).

    Every reduction takes PyTorch's `dim=` (None, an int or a tuple) and `keepdim=`, and
    numpy's `axis=` / `keepdims=` as aliases.
    """

    __slots__ = ()

    def sum(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Sum of elements over `dim` (all dims by default).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(dim=0).tolist()
            [4.0, 6.0]
        """
        if axis is not None or keepdims is not None:
            dim, keepdim = aliases("sum", dim, axis, keepdim, keepdims)
        return Sum.apply(self, axes=reduce_axes("sum", dim, self.ndim), keepdims=keepdim)

    def mean(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Arithmetic mean over `dim` (a sum divided by the count, so its gradient is 1/n).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 2.0], [3.0, 6.0]]).mean(dim=1).tolist()
            [1.5, 4.5]
        """
        dim, keepdim = aliases("mean", dim, axis, keepdim, keepdims)
        x = _float_input(self)
        axes = reduce_axes("mean", dim, x.ndim)
        count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        return x.sum(axes, keepdim) / count

    def var(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, ddof=None,
            axis=None, keepdims=None):
        """Variance over `dim`: the summed squared deviation divided by n - correction.

        As PyTorch: `correction=1` by default (the unbiased sample variance); `unbiased=False`
        or `correction=0` divide by n. numpy's `ddof=` is the same number as `correction=`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> x = Tensor([1.0, 2.0, 3.0, 4.0])
            >>> x.var().item(), x.var(correction=0).item(), x.var(ddof=0).item()
            (1.6666666269302368, 1.25, 1.25)
        """
        if isinstance(dim, (bool, np.bool_)):     # var(True): PyTorch's positional unbiased
            dim, unbiased = None, bool(dim)
        dim, keepdim = aliases("var", dim, axis, keepdim, keepdims)
        given = [name for name, v in (("unbiased", unbiased), ("correction", correction),
                                      ("ddof", ddof)) if v is not None]
        if len(given) > 1:
            raise TypeError(f"var: {' and '.join(given)} say the same thing (unbiased=True is "
                            f"correction=1 is ddof=1); give one of them")
        label = {"unbiased": f"unbiased={unbiased}", "correction": f"correction={correction}",
                 "ddof": f"ddof={ddof}"}[given[0]] if given else "correction=1 (the default)"
        correction = (1 if unbiased is None or unbiased else 0) if correction is None else correction
        correction = correction if ddof is None else ddof
        x = _float_input(self)
        axes = reduce_axes("var", dim, x.ndim)
        count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
        if count - correction <= 0:
            raise ValueError(f"var: {count} element(s) over dim {dim} with {label} leave no "
                             f"degrees of freedom; reduce over more elements, or use "
                             f"correction=0 (unbiased=False) for the biased variance")
        deviation = x - x.mean(axes, keepdim=True)
        return (deviation * deviation).sum(axes, keepdim) / (count - correction)

    def std(self, dim=None, unbiased=None, keepdim: bool = False, *, correction=None, ddof=None,
            axis=None, keepdims=None):
        """Standard deviation: the square root of `var` (same arguments, `correction=1` by
        default); its gradient at zero spread is 0, as in PyTorch, not nan.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> x = Tensor([[1.0, 1.0], [1.0, 3.0]], requires_grad=True)
            >>> x.std(dim=0, unbiased=False).sum().backward(); x.grad.tolist()
            [[0.0, -0.5], [0.0, 0.5]]
        """
        if isinstance(dim, (bool, np.bool_)):     # std(True): PyTorch's positional unbiased
            dim, unbiased = None, bool(dim)
        dim, keepdim = aliases("std", dim, axis, keepdim, keepdims)
        variance = self.var(dim, unbiased, keepdim, correction=correction, ddof=ddof)
        return SqrtOfSpread.apply(variance)

    def logsumexp(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """ln(sum(e^x)) over `dim`, stable for large |x|: the max is subtracted first
        (log sum e^x = m + log sum e^(x - m)); its gradient is softmax(x). Over an empty
        dim the sum is 0 and the result -inf, as in PyTorch.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> round(Tensor([0.0, 0.0]).logsumexp(dim=0).item(), 4)
            0.6931
        """
        dim, keepdim = aliases("logsumexp", dim, axis, keepdim, keepdims)
        x = _float_input(self)
        axes = reduce_axes("logsumexp", dim, x.ndim)
        m = np.max(x.data, axis=axes, keepdims=True, initial=-np.inf)
        m = np.where(np.isfinite(m), m, 0).astype(x.dtype)     # all -inf rows: keep them -inf
        shift = x._make(m, None)
        out = (x - shift).exp().sum(axes, keepdim=True).log() + shift
        if not keepdim:
            out = out.reshape(*[n for i, n in enumerate(x.shape) if i not in axes])
        return out

    def prod(self, dim=None, keepdim: bool = False, *, dtype=None, axis=None, keepdims=None):
        """Product of elements over `dim` (in `dtype` when given), built from multiplications (a
        tree of halves), so zeros are handled exactly and every derivative order comes from
        Mul's rule.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> x = Tensor([2.0, 0.0, 3.0], requires_grad=True)
            >>> x.prod().backward(); x.grad.tolist()
            [0.0, 6.0, 0.0]
        """
        dim, keepdim = aliases("prod", dim, axis, keepdim, keepdims)
        if dtype is not None:                   # PyTorch's dtype=: cast first, then multiply
            self = self.to(dtype)
        axes = reduce_axes("prod", dim, self.ndim)
        kept = [i for i in range(self.ndim) if i not in axes]
        out_shape = tuple(n for i, n in enumerate(self.shape) if i not in axes)
        count = int(np.prod([self.shape[a] for a in axes])) if axes else 1
        x = self.permute(*kept, *axes).reshape(*out_shape, count) if self.ndim else self.reshape(1)
        if count == 0:
            x = x.pad(((0, 0),) * (x.ndim - 1) + ((0, 1),), value=1)     # empty product: 1
        while x.shape[-1] > 1:
            half = x.shape[-1] // 2
            odd = x.shape[-1] % 2
            paired = x[..., :half] * x[..., half:2 * half]
            x = self.cat([paired, x[..., 2 * half:]], dim=-1) if odd else paired
        out = x.reshape(*out_shape)
        return out.reshape(*kept_shape(self.shape, axes)) if keepdim else out

    def all(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """True where every element over `dim` is nonzero (a boolean tensor, no gradient).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 0.0], [2.0, 3.0]]).all(dim=1).tolist()
            [False, True]
        """
        dim, keepdim = aliases("all", dim, axis, keepdim, keepdims)
        axes = reduce_axes("all", dim, self.ndim)
        return self._make(np.asarray(np.all(self.data, axis=axes, keepdims=keepdim)), None)

    def any(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """True where some element over `dim` is nonzero (a boolean tensor, no gradient).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 0.0], [0.0, 0.0]]).any(dim=1).tolist()
            [True, False]
        """
        dim, keepdim = aliases("any", dim, axis, keepdim, keepdims)
        axes = reduce_axes("any", dim, self.ndim)
        return self._make(np.asarray(np.any(self.data, axis=axes, keepdims=keepdim)), None)
