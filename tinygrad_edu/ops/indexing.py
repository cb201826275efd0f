"""Indexing ops with PyTorch's names: index_select, index_add, index_copy, index_fill, scatter,
scatter_add, masked_select, take, take_along_dim, nonzero, argwhere, count_nonzero
(scatter_reduce is in scatter_reduce.py).

They are composites: reading is indexing (GetItem) or gather (Gather, below), writing is
their adjoint (ScatterAdd / ScatterAddAlong) combined with `where`, so every gradient comes
from those primitives' rules.
"""
import numpy as np

from .movement import ScatterAdd
from ..function import Function
from .reduce import reduce_axes, single_axis


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


def _index_array(op_name, index, ndim_max=1):
    index = np.asarray(getattr(index, "data", index))
    if index.dtype.kind not in "iu":
        raise TypeError(f"{op_name}: index must be an integer tensor, got dtype {index.dtype}")
    if index.ndim > ndim_max:
        raise ValueError(f"{op_name}: index must be 0-d or 1-D, got shape {index.shape}")
    return index.reshape(-1).astype(np.int64)


def _check_range(op_name, index, size, dim):
    if index.size and (index.min() < -size or index.max() >= size):
        raise IndexError(f"{op_name}: index values must be in [{-size}, {size}) for dim {dim} of "
                         f"size {size}, got {index.min()}..{index.max()}")


def _along(axis, index):
    return (slice(None),) * axis + (index,)


class IndexingMethods:
    """Tensor methods of the indexing ops (mixed into the class)."""

    __slots__ = ()

    def masked_fill(self, mask, value):
        """`value` where `mask` is true, self elsewhere (the mask broadcasts; no gradient to it).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0, 3.0]).masked_fill(Tensor([True, False, True]), 0.0).tolist()
            [0.0, 2.0, 0.0]
        """
        mask_array = np.asarray(getattr(mask, "data", mask))
        if mask_array.dtype != np.bool_:
            raise TypeError(f"masked_fill: the mask must be a boolean tensor, got dtype "
                            f"{mask_array.dtype}; compare first, e.g. t.masked_fill(t < 0, 0.0)")
        if np.iscomplexobj(getattr(value, "data", value)) and self.dtype.kind != "c":
            raise TypeError(f"masked_fill: a complex value cannot be stored in a {self.dtype} "
                            f"tensor; give a real number")
        if hasattr(value, "_operand") and value.ndim != 0:
            raise ValueError(f"masked_fill: the value must be a number or a 0-d tensor, got a "
                             f"tensor of shape {value.shape}; use Tensor.where(mask, value, t) to "
                             f"fill from a tensor")
        value = value if hasattr(value, "_operand") else self._make(np.asarray(value, self.dtype),
                                                                    None)
        return type(self).where(mask_array, value, self)

    def gather(self, dim, index):
        """`out[i][j] = self[i][index[i][j]]` for dim=1 (and likewise for other dims), as PyTorch.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, Tensor([[1], [0]])).tolist()
            [[2.0], [3.0]]
        """
        index = np.asarray(getattr(index, "data", index))
        if index.dtype.kind not in "iu":
            raise TypeError(f"gather: index must be an integer tensor, got dtype {index.dtype}")
        if index.size == 0:                     # nothing picked: any index shape, as PyTorch
            single_axis("gather", dim, self.data.ndim)
            return self.reshape(-1)[np.zeros(0, dtype=np.int64)].reshape(*index.shape)
        if self.data.ndim == 0 and index.ndim <= 1:     # a 0-d input is a 1-element vector
            return self.reshape(1).gather(0, index.reshape(-1)).reshape(*index.shape)
        if index.ndim != self.data.ndim:
            raise ValueError(f"gather: index must have as many dimensions as the input "
                             f"({self.data.ndim}), got index of shape {index.shape}")
        axis = single_axis("gather", dim, self.data.ndim)
        for d, (n_index, n_self) in enumerate(zip(index.shape, self.shape)):
            if d != axis and n_index > n_self:
                raise ValueError(f"gather: index shape {index.shape} is larger than the input "
                                 f"shape {self.shape} in dimension {d}")
        if index.size and (index.min() < 0 or index.max() >= self.shape[axis]):
            raise IndexError(f"gather: index values must be in [0, {self.shape[axis]}) for "
                             f"dimension {axis} of a tensor of shape {self.shape}")
        trimmed = self[tuple(slice(0, n) if d != axis else slice(None)
                             for d, n in enumerate(index.shape))]
        return Gather.apply(trimmed, dim=axis, index=index)

    def index_select(self, dim, index):
        """The slices at `index` (a 1-D integer tensor) along `dim`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1, 2], [3, 4]]).index_select(0, Tensor([1, 1])).tolist()
            [[3, 4], [3, 4]]
        """
        axis = single_axis("index_select", dim, self.ndim)
        index = _index_array("index_select", index)
        if self.ndim == 0:
            _check_range("index_select", index, 1, dim)
            return self.reshape(1)[index].reshape(()) if index.size == 1 else self.reshape(1)[index]
        _check_range("index_select", index, self.shape[axis], dim)
        return self[_along(axis, index)]

    def _placed(self, op_name, dim, index, source):
        """(axis, index, source spread into self's shape at `index` along dim, summed on repeats)."""
        axis = single_axis(op_name, dim, self.ndim)
        index = _index_array(op_name, index)
        source = self._operand(source)
        if self.ndim == 0:
            return axis, index, source.reshape(())
        _check_range(op_name, index, self.shape[axis], dim)
        expected = self.shape[:axis] + (len(index),) + self.shape[axis + 1:]
        if source.ndim == 0 and len(index) == 1:
            source = source.reshape(*expected)
        if source.shape != expected:
            raise ValueError(f"{op_name}: source must have shape {expected} (self's shape with "
                             f"dim {dim} of the index's length), got {source.shape}")
        return axis, index, ScatterAdd.apply(source, shape=self.shape, index=_along(axis, index))

    def _mask_along(self, axis, index):
        mask = np.zeros(self.shape, dtype=bool)
        if self.ndim == 0:
            mask[()] = index.size > 0
        else:
            mask[_along(axis, index)] = True
        return self._make(mask, None)

    def index_add(self, dim, index, source, alpha=1):
        """self with alpha * source's slices added at `index` along `dim` (repeats add up)."""
        _, _, placed = self._placed("index_add", dim, index, source)
        return self + (placed if alpha == 1 else placed * alpha)

    def index_copy(self, dim, index, source):
        """self with source's slices written at `index` along `dim`."""
        axis, index, placed = self._placed("index_copy", dim, index, source)
        return type(self).where(self._mask_along(axis, index), placed, self)

    def index_fill(self, dim, index, value):
        """self with `value` (a number or 0-d tensor) at `index` along `dim`."""
        axis = single_axis("index_fill", dim, self.ndim)
        index = _index_array("index_fill", index)
        _check_range("index_fill", index, self.shape[axis] if self.ndim else 1, dim)
        value = self._operand(value)
        if value.ndim != 0:
            raise ValueError(f"index_fill: value must be a number or a 0-d tensor, got shape "
                             f"{value.shape}")
        return type(self).where(self._mask_along(axis, index), value.to(self.dtype), self)

    def _scatter_args(self, op_name, dim, index, src):
        axis = single_axis(op_name, dim, self.ndim)
        index = np.asarray(getattr(index, "data", index))
        if index.dtype.kind not in "iu":
            raise TypeError(f"{op_name}: index must be an integer tensor, got dtype {index.dtype}")
        if index.ndim != self.ndim and index.size:
            raise ValueError(f"{op_name}: index must have as many dims as self ({self.ndim}), got "
                             f"shape {index.shape}")
        src = self._operand(src)
        if src.ndim == 0 and hasattr(src, "_operand"):
            src = src.expand(*index.shape)
        if index.size:
            _check_range(op_name, index, self.shape[axis] if self.ndim else 1, dim)
            src = src[tuple(slice(0, n) for n in index.shape)] if src.ndim else src
        return axis, index, src

    def scatter(self, dim, index, src=None, value=None, reduce=None):
        """self with `src[i][j]` written at `[i][index[i][j]]` (dim=1), as PyTorch's scatter.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 3).scatter(1, Tensor([[2], [0]]), Tensor([[5.0], [7.0]])).tolist()
            [[0.0, 0.0, 5.0], [7.0, 0.0, 0.0]]
        """
        if reduce is not None:
            return self.scatter_reduce(dim, index, src if src is not None else value,
                                       {"add": "sum", "multiply": "prod"}.get(reduce, reduce))
        src = value if src is None else src
        axis, index, src = self._scatter_args("scatter", dim, index, src)
        if index.size == 0:
            return self.clone()
        x = self.reshape(1) if self.ndim == 0 else self
        placed = ScatterAddAlong.apply(src.reshape(*index.shape), shape=x.shape, dim=axis,
                                       index=index.reshape(x.ndim * (1,)) if x.ndim != index.ndim
                                       else index)
        mask = np.zeros(x.shape, dtype=bool)
        mask[_open_index(index.reshape(placed.ndim * (1,)) if placed.ndim != index.ndim
                         else index, axis)] = True
        out = type(self).where(self._make(mask, None), placed, x)
        return out.reshape(*self.shape)

    def scatter_add(self, dim, index, src):
        """self with `src[i][j]` added at `[i][index[i][j]]` (dim=1); repeated indices add up."""
        axis, index, src = self._scatter_args("scatter_add", dim, index, src)
        if index.size == 0:
            return self.clone()
        x = self.reshape(1) if self.ndim == 0 else self
        index = index.reshape(x.ndim * (1,)) if x.ndim != index.ndim else index
        placed = ScatterAddAlong.apply(src.reshape(*index.shape), shape=x.shape, dim=axis, index=index)
        return (x + placed).reshape(*self.shape)

    def masked_select(self, mask):
        """The elements where `mask` (broadcast with self) is true, as a 1-D tensor."""
        mask = np.asarray(getattr(mask, "data", mask))
        if mask.dtype != np.bool_:
            raise TypeError(f"masked_select: the mask must be boolean, got dtype {mask.dtype}")
        shape = np.broadcast_shapes(self.shape, mask.shape)
        return self.expand(*shape)[np.broadcast_to(mask, shape)]

    def take(self, index):
        """The elements of the flattened tensor at `index` (the result has index's shape)."""
        index = np.asarray(getattr(index, "data", index))
        if index.dtype.kind not in "iu":
            raise TypeError(f"take: index must be an integer tensor, got dtype {index.dtype}")
        _check_range("take", index.reshape(-1), self.data.size, "(flattened)")
        return self.reshape(-1)[index]

    def take_along_dim(self, indices, dim=None):
        """Values at `indices` along `dim` (self and indices broadcast elsewhere), as numpy's
        take_along_axis; the flattened tensor when dim is None."""
        indices = np.asarray(getattr(indices, "data", indices))
        if dim is None:
            return self.reshape(-1).gather(0, indices.reshape(-1))
        axis = single_axis("take_along_dim", dim, self.ndim)
        if indices.ndim != self.ndim:
            raise ValueError(f"take_along_dim: indices must have {self.ndim} dims, got shape "
                             f"{indices.shape}")
        size = self.shape[axis]
        _check_range("take_along_dim", indices.reshape(-1), size, dim)
        indices = np.where(indices < 0, indices + size, indices)      # negatives count from the end
        shape = [max(a, b) for a, b in zip(self.shape, indices.shape)]
        x_shape = [n if d == axis else s for d, (n, s) in enumerate(zip(self.shape, shape))]
        i_shape = [n if d == axis else s for d, (n, s) in enumerate(zip(indices.shape, shape))]
        return self.expand(*x_shape).gather(axis, np.broadcast_to(indices, i_shape))

    def nonzero(self, as_tuple=False):
        """The indices of the non-zero elements: an (n, ndim) int64 tensor, or one per dim."""
        found = np.nonzero(self.data) if self.ndim else np.nonzero(self.data.reshape(1))
        if as_tuple:
            return tuple(self._make(np.asarray(i, dtype=np.int64), None) for i in found)
        array = np.stack(found, axis=1) if self.ndim else np.zeros((len(found[0]), 0), np.int64)
        return self._make(array.astype(np.int64), None)

    def argwhere(self):
        """The indices of the non-zero elements, as nonzero()."""
        return self.nonzero()

    def count_nonzero(self, dim=None):
        """The number of non-zero elements over `dim` (int64)."""
        axes = reduce_axes("count_nonzero", dim, self.ndim)
        return self._make(np.asarray(np.count_nonzero(self.data, axis=axes), dtype=np.int64), None)


def _take(array, index, axis):
    """array's values at `index` along axis, other dims cut to index's sizes (as gather)."""
    trim = tuple(slice(None) if d == axis else slice(0, n) for d, n in enumerate(index.shape))
    return np.take_along_axis(array[trim], index, axis)


def _open_index(index, axis):
    """The full index tuple of `index` placed along `axis` (for np.add.at style writes)."""
    grid = list(np.ix_(*[np.arange(n) for n in index.shape]))
    grid[axis] = index
    return tuple(grid)
