"""Out-of-place writes with PyTorch's names: a copy of the tensor with one region replaced,
`select_scatter`, `slice_scatter`, `diagonal_scatter`, `index_put` and `masked_scatter`.

Each is a clone followed by an indexed assignment (`out[region] = src`), so the gradient is
the assignment's: the incoming gradient outside the region goes to the input, inside it to
the source (summed over repeated indices for `index_put(accumulate=True)`).
"""
import numpy as np

from .reduce import single_axis


def _region(axis, index):
    return (slice(None),) * axis + (index,)


class ScatterViewMethods:
    """Tensor methods of the out-of-place writes (mixed into the class)."""

    __slots__ = ()

    def select_scatter(self, src, dim, index):
        """A copy with the slice at `index` along `dim` replaced by src, as torch.select_scatter.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 2).select_scatter(Tensor([1.0, 2.0]), 0, 1).tolist()
            [[0.0, 0.0], [1.0, 2.0]]
        """
        axis = single_axis("select_scatter", dim, self.ndim, scalar_ok=False)
        size = self.shape[axis]
        if not -size <= index < size:
            raise IndexError(f"select_scatter: index {index} is out of range for dim {dim} of "
                             f"size {size}")
        return self._written(_region(axis, int(index)), src)

    def slice_scatter(self, src, dim=0, start=None, end=None, step=1):
        """A copy with self[start:end:step] along `dim` replaced by src, as torch.slice_scatter."""
        axis = single_axis("slice_scatter", dim, self.ndim, scalar_ok=False)
        return self._written(_region(axis, slice(start, end, step)), src)

    def diagonal_scatter(self, src, offset=0, dim1=0, dim2=1):
        """A copy with the diagonal of the (dim1, dim2) planes replaced by src (laid out as
        `diagonal` returns it: the diagonal as the last dim), as torch.diagonal_scatter."""
        a1 = single_axis("diagonal_scatter", dim1, self.ndim, scalar_ok=False)
        a2 = single_axis("diagonal_scatter", dim2, self.ndim, scalar_ok=False)
        moved = self.movedim((a1, a2), (-2, -1))
        rows, cols = moved.shape[-2], moved.shape[-1]
        length = max(0, min(rows, cols - offset) if offset >= 0 else min(rows + offset, cols))
        start_row, start_col = max(-offset, 0), max(offset, 0)
        index = (Ellipsis, np.arange(length) + start_row, np.arange(length) + start_col)
        return moved._written(index, src).movedim((-2, -1), (a1, a2))

    def index_put(self, indices, values, accumulate=False):
        """A copy with the entries at `indices` (a tuple of index tensors, as for `x[indices]`)
        set to values, or with values added there (repeated indices adding up) when
        accumulate=True, as torch.index_put."""
        index = tuple(np.asarray(getattr(i, "data", i)) for i in indices)
        for i in index:
            if i.dtype.kind not in "iub":
                raise TypeError(f"index_put: indices must be integer or boolean tensors, got "
                                f"dtype {i.dtype}")
        if not accumulate:
            return self._written(index, values)
        from .movement import ScatterAdd
        picked_shape = self.data[index].shape
        values = self._operand(values)
        spread = values.expand(*picked_shape) if values.shape != picked_shape else values
        return self + ScatterAdd.apply(spread, shape=self.shape, index=index)

    def masked_scatter(self, mask, source):
        """A copy where the positions of `mask` (broadcast to self) take source's elements in
        order, as torch.masked_scatter."""
        mask = np.asarray(getattr(mask, "data", mask))
        if mask.dtype != bool:
            raise TypeError(f"masked_scatter: the mask must be boolean, got dtype {mask.dtype}")
        shape = np.broadcast_shapes(self.shape, mask.shape)
        where = np.broadcast_to(mask, shape)
        count = int(where.sum())
        source = self._operand(source)
        if source.numel() < count:
            raise ValueError(f"masked_scatter: the mask selects {count} positions but source has "
                             f"only {source.numel()} elements")
        base = self.expand(*shape) if self.shape != shape else self
        return base._written(np.nonzero(where), source.reshape(-1)[:count])

    def _written(self, index, src):
        out = self.clone()
        out[index] = src
        return out
