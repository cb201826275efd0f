"""Primitive ops added for PyTorch's names: clone, log2, log10, gather and the 2-norm.

Each is one Function with its derivative next to its forward; the Tensor methods that
use them are in `torch_names.py`.
"""
import math

import numpy as np

from ..function import Function
from ..grad_mode import STATE
from .unary import as_float


class Clone(Function):
    """Copy f(x) = x (new memory);  df/dx = 1"""

    def forward(self, x):
        return x.copy()

    def backward(self, g):
        return g


class Log2(Function):
    """Base-2 log f(x) = log2 x;  df/dx = 1 / (x ln 2)"""

    def forward(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(as_float(x))

    def backward(self, g):
        g, x = self.values(g)
        return g / (x * math.log(2.0))


class Log10(Function):
    """Base-10 log f(x) = log10 x;  df/dx = 1 / (x ln 10)"""

    def forward(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(as_float(x))

    def backward(self, g):
        g, x = self.values(g)
        return g / (x * math.log(10.0))


class Gather(Function):
    """Gather along a dim f(x)[i][j] = x[i][index[i][j]] (dim=1);  df/dx = g scatter-added at index"""

    def forward(self, x, dim, index):
        self.dim, self.index, self.in_shape = dim, index, x.shape
        return np.take_along_axis(x, index, axis=dim)

    def backward(self, g):
        return ScatterAddAlong.apply(g, shape=self.in_shape, dim=self.dim, index=self.index)


class ScatterAddAlong(Function):
    """The adjoint of gather: f(g) = zeros(shape) with g[i][j] added at [i][index[i][j]];
    df/dg = gather of the incoming gradient at index"""

    def forward(self, g, shape, dim, index):
        self.dim, self.index = dim, index
        out = np.zeros(shape, dtype=g.dtype)
        # np.add.at with the full open-mesh index: repeated indices add up (put_along_axis
        # would keep only one of them)
        grid = list(np.ix_(*[np.arange(n) for n in index.shape]))
        grid[dim] = index
        np.add.at(out, tuple(grid), g)
        return out

    def backward(self, gg):
        trim = tuple(slice(None) if d == self.dim else slice(0, n)
                     for d, n in enumerate(self.index.shape))
        return Gather.apply(gg[trim], dim=self.dim, index=self.index)


class Norm2(Function):
    """Euclidean norm f(x) = sqrt(sum x^2) over `axes`;  df/dx = x / f(x), taken as 0 where f(x) == 0

    At the zero vector the norm has no derivative; PyTorch's convention (a subgradient, 0)
    keeps a zero input from filling every gradient with nan.
    """

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim
        x = as_float(x)
        out = np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
        self.save_for_backward(out)
        return out if keepdim else np.squeeze(out, axis=axes)

    def backward(self, g):
        if not STATE.grad_enabled:
            norm = self.saved[-1]
            g = g.data if self.keepdim else np.expand_dims(g.data, self.axes)
            x = self.inputs[0].data
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(norm == 0, 0, g * x / np.where(norm == 0, 1, norm))
        # create_graph: the same formula from differentiable ops (x / ||x|| with the zero
        # case masked on both branches, so second derivatives stay finite)
        x = self.inputs[0]
        norm = Norm2.apply(x, axes=self.axes, keepdim=True)
        zero = norm._make(np.asarray(norm.data == 0), None)
        one = norm._make(np.ones((), norm.dtype), None)
        safe = type(norm).where(zero, one, norm)
        if not self.keepdim:
            g = g.reshape(*norm.shape)
        return type(norm).where(zero, norm._make(np.zeros((), norm.dtype), None), g * x / safe)


class RoundedDiv(Function):
    """Rounded quotient f(a, b) = floor(a / b) or trunc(a / b);  df/da = df/db = 0 (a step function)"""

    def forward(self, a, b, mode):
        if a.dtype.kind in "iub" and b.dtype.kind in "iub":
            if (np.asarray(b) == 0).any():
                raise ZeroDivisionError("div: integer division by zero (rounding_mode="
                                        f"{mode!r}); make the divisor non-zero or use floats")
            if mode == "floor":
                return np.floor_divide(a, b)
            return (np.abs(a) // np.abs(b)) * np.sign(a) * np.sign(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            if mode == "floor":
                return np.floor_divide(as_float(a), b)
            return np.trunc(as_float(a) / b)

    def backward(self, g):
        zero = g * 0
        return zero, zero
