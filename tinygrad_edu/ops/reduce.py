"""Reductions over axes: sum, max/min (primitives) and mean, var, logsumexp (composites)."""
import numpy as np

from ..function import Function
from ..argcheck import DimensionError, describe


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


class Max(Function):
    """Max over axes f(x) = max_i x_i;  df/dx_i = [x_i is a maximum] / (number of maxima)"""

    reduce = staticmethod(np.max)

    def forward(self, x, axes, keepdims):
        self.in_shape = x.shape
        self.axes = axes
        out = self.reduce(x, axis=axes, keepdims=True)
        hits = x == out
        self.save_for_backward(hits / hits.sum(axis=axes, keepdims=True))
        return out if keepdims else out.reshape([n for i, n in enumerate(x.shape) if i not in axes])

    def backward(self, g):
        g, _ = self.values(g)
        return g.reshape(kept_shape(self.in_shape, self.axes)) * self.saved[0].astype(g.dtype)


class Min(Max):
    """Min over axes f(x) = min_i x_i;  df/dx_i = [x_i is a minimum] / (number of minima)"""

    reduce = staticmethod(np.min)


class ReduceMethods:
    """Reductions of `Tensor` (mixed into the class). `axis` may be None, an int or a tuple."""

    __slots__ = ()

    def sum(self, axis=None, keepdims: bool = False):
        """Sum of elements over `axis` (all axes by default).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).sum(axis=0).tolist()
            [4.0, 6.0]
        """
        return Sum.apply(self, axes=reduce_axes("sum", axis, self.ndim), keepdims=keepdims)

    def max(self, axis=None, keepdims: bool = False):
        """Largest element over `axis`; tied maxima share the gradient equally."""
        self._check_nonempty("max")
        return Max.apply(self, axes=reduce_axes("max", axis, self.ndim), keepdims=keepdims)

    def min(self, axis=None, keepdims: bool = False):
        """Smallest element over `axis`; tied minima share the gradient equally."""
        self._check_nonempty("min")
        return Min.apply(self, axes=reduce_axes("min", axis, self.ndim), keepdims=keepdims)

    def mean(self, axis=None, keepdims: bool = False):
        """Arithmetic mean over `axis` (a sum divided by the count, so its gradient is 1/n)."""
        axes = reduce_axes("mean", axis, self.ndim)
        count = int(np.prod([self.shape[a] for a in axes])) if axes else 1
        return self.sum(axis=axes, keepdims=keepdims) / count

    def var(self, axis=None, ddof: int = 0, keepdims: bool = False):
        """Variance over `axis`: mean squared deviation, divided by n - ddof (ddof=1: unbiased)."""
        axes = reduce_axes("var", axis, self.ndim)
        count = int(np.prod([self.shape[a] for a in axes])) if axes else 1
        if count - ddof <= 0:
            raise ValueError(f"var: {count} element(s) over axis {axis} with ddof={ddof} leaves no "
                             f"degrees of freedom; use a smaller ddof")
        deviation = self - self.mean(axis=axes, keepdims=True)
        return (deviation * deviation).sum(axis=axes, keepdims=keepdims) / (count - ddof)

    def std(self, axis=None, ddof: int = 0, keepdims: bool = False):
        """Standard deviation: the square root of `var`."""
        return self.var(axis=axis, ddof=ddof, keepdims=keepdims).sqrt()

    def logsumexp(self, axis=None, keepdims: bool = False):
        """ln(sum(e^x)) over `axis`, stable for large |x|: the max is subtracted first
        (log sum e^x = m + log sum e^(x - m)); its gradient is softmax(x)."""
        axes = reduce_axes("logsumexp", axis, self.ndim)
        m = self.data.max(axis=axes, keepdims=True)
        m = np.where(np.isfinite(m), m, 0)          # all -inf rows: keep them -inf, not nan
        shift = self._make(m, None)
        out = (self - shift).exp().sum(axis=axes, keepdims=True).log() + shift
        if not keepdims:
            out = out.reshape(*[n for i, n in enumerate(self.shape) if i not in axes])
        return out

    def argmax(self, axis=None, keepdims: bool = False):
        """Index of the largest element (flat index when axis is None); not differentiable."""
        if axis is not None:
            axis = normalize_axes("argmax", axis, self.ndim)[0]
        return self._make(np.argmax(self.data, axis=axis, keepdims=keepdims), None)

    def argmin(self, axis=None, keepdims: bool = False):
        """Index of the smallest element (flat index when axis is None); not differentiable."""
        if axis is not None:
            axis = normalize_axes("argmin", axis, self.ndim)[0]
        return self._make(np.argmin(self.data, axis=axis, keepdims=keepdims), None)

    def _check_nonempty(self, op_name):
        if self.data.size == 0:
            raise ValueError(f"{op_name}: cannot reduce an empty tensor of shape {self.shape}")
