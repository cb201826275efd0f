"""Extremes: max/min (primitives), PyTorch's max(dim)/min(dim) named tuples (values, indices),
amax/amin, and argmax/argmin.

Two gradient rules, as PyTorch: a full reduction (`max()`, `amax(dim)`) splits the gradient
equally between tied extremes; `max(dim)` picks one entry per slice (the index it returns),
so its gradient reaches that entry only (it is indexing, whose backward is in movement.py).
"""
from collections import namedtuple

import numpy as np

from ..function import Function
from .reduce import reduce_axes, kept_shape, aliases, single_axis


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


ReturnMax = namedtuple("max", ("values", "indices"))
ReturnMin = namedtuple("min", ("values", "indices"))


class ExtremaMethods:
    """max, min, amax, amin, argmax, argmin of `Tensor` (mixed into the class); they take
    PyTorch's `dim=` / `keepdim=` and numpy's `axis=` / `keepdims=`."""

    __slots__ = ()

    def max(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Largest element: `max()` of all elements (tied maxima share the gradient equally),
        or `max(dim)`: a named tuple `(values, indices)` along one dim, as PyTorch's, whose
        gradient goes to the returned index only; `max(other)` with a tensor is `maximum`.

        numpy's `axis=` keeps numpy's meaning (the values only, like `amax`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> values, indices = Tensor([[1.0, 5.0], [7.0, 2.0]]).max(dim=1)
            >>> values.tolist(), indices.tolist()
            ([5.0, 7.0], [1, 0])
        """
        if axis is not None or keepdims is not None:
            dim, keepdim = aliases("max", dim, axis, keepdim, keepdims)
            return self.amax(dim, keepdim)
        if hasattr(dim, "_operand"):            # x.max(other): elementwise, as PyTorch
            return self.maximum(dim)
        if isinstance(dim, (int, np.integer)):
            return ReturnMax(*self._select_along("max", np.argmax, dim, keepdim))
        return self.amax(dim, keepdim)

    def min(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Smallest element: `min()` of all (ties share the gradient), or `min(dim)`: a named
        tuple `(values, indices)` whose gradient goes to the returned index (see `max`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).min(0).indices.tolist()
            [0, 1]
        """
        if axis is not None or keepdims is not None:
            dim, keepdim = aliases("min", dim, axis, keepdim, keepdims)
            return self.amin(dim, keepdim)
        if hasattr(dim, "_operand"):            # x.min(other): elementwise, as PyTorch
            return self.minimum(dim)
        if isinstance(dim, (int, np.integer)):
            return ReturnMin(*self._select_along("min", np.argmin, dim, keepdim))
        return self.amin(dim, keepdim)

    def amax(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Largest value over `dim` (int, tuple or None); tied maxima share the gradient equally.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> x = Tensor([2.0, 2.0], requires_grad=True)
            >>> x.amax().backward(); x.grad.tolist()
            [0.5, 0.5]
        """
        dim, keepdim = aliases("amax", dim, axis, keepdim, keepdims)
        axes = reduce_axes("max", dim, self.ndim)
        if any(self.shape[a] == 0 for a in axes) or (not axes and self.data.size == 0 and dim is None):
            self._check_nonempty("max")        # an empty dim has no max (other dims may be empty)
        return Max.apply(self, axes=axes, keepdims=keepdim)

    def amin(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Smallest value over `dim`; tied minima share the gradient equally.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[3.0, 1.0]]).amin(dim=1).tolist()
            [1.0]
        """
        dim, keepdim = aliases("amin", dim, axis, keepdim, keepdims)
        axes = reduce_axes("min", dim, self.ndim)
        if any(self.shape[a] == 0 for a in axes) or (not axes and self.data.size == 0 and dim is None):
            self._check_nonempty("min")        # an empty dim has no min (other dims may be empty)
        return Min.apply(self, axes=axes, keepdims=keepdim)

    def _select_along(self, op_name, arg_fn, dim, keepdim):
        """(values, indices) of max(dim)/min(dim): the values are picked by indexing, so the
        gradient reaches the picked entry only (and indexing's backward does the rest)."""
        axis = single_axis(op_name, dim, self.ndim)
        if self.ndim == 0:
            return self.reshape(()), self._make(np.zeros((), dtype=np.int64), None)
        if self.shape[axis] == 0:
            raise ValueError(f"{op_name}: cannot reduce dim {dim} of size 0 (tensor of shape "
                             f"{self.shape}); there is no {op_name} of nothing")
        index = arg_fn(self.data, axis=axis, keepdims=True)
        grid = list(np.ogrid[tuple(slice(n) for n in index.shape)])
        grid[axis] = index
        values = self[tuple(grid)]
        if not keepdim:
            values = values.reshape(index.shape[:axis] + index.shape[axis + 1:])
            index = index.reshape(values.shape)
        return values, self._make(np.asarray(index, dtype=np.int64), None)

    def argmax(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Index of the largest element along `dim` (flat index when dim is None); not
        differentiable.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 5.0], [7.0, 2.0]]).argmax(dim=1).tolist()
            [1, 0]
        """
        return self._arg("argmax", np.argmax, dim, keepdim, axis, keepdims)

    def argmin(self, dim=None, keepdim: bool = False, *, axis=None, keepdims=None):
        """Index of the smallest element along `dim` (flat index when dim is None).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([3.0, 1.0, 2.0]).argmin().item()
            1
        """
        return self._arg("argmin", np.argmin, dim, keepdim, axis, keepdims)

    def _arg(self, op_name, arg_fn, dim, keepdim, axis, keepdims):
        dim, keepdim = aliases(op_name, dim, axis, keepdim, keepdims)
        self._check_nonempty(op_name)
        if dim is not None:
            dim = single_axis(op_name, dim, self.ndim)
            if self.ndim == 0:
                return self._make(np.zeros((), dtype=np.int64), None)
        out = arg_fn(self.data, axis=dim, keepdims=keepdim)
        return self._make(np.asarray(out, dtype=np.int64), None)

    def _check_nonempty(self, op_name):
        if self.data.size == 0:
            raise ValueError(f"{op_name}: cannot reduce an empty tensor of shape {self.shape}")
