"""Sorting and order statistics with PyTorch's names: sort, argsort, msort, topk, kthvalue,
median, nanmedian, cummax, cummin, searchsorted, bucketize, unique, unique_consecutive,
bincount.

The order is found on the numpy data (it has no derivative); the values are then picked with
`gather`, so the gradient of each value goes back to the element it came from.
"""
from collections import namedtuple

import numpy as np

from .reduce import single_axis

SortResult = namedtuple("sort", ("values", "indices"))
TopkResult = namedtuple("topk", ("values", "indices"))
KthvalueResult = namedtuple("kthvalue", ("values", "indices"))
MedianResult = namedtuple("median", ("values", "indices"))
CummaxResult = namedtuple("cummax", ("values", "indices"))
CumminResult = namedtuple("cummin", ("values", "indices"))
ModeResult = namedtuple("mode", ("values", "indices"))


def stable_order(data, axis, descending):
    """Indices that sort `data` along axis, ties in their original order (NaN counted largest)."""
    if not descending:
        return np.argsort(data, axis=axis, kind="stable")
    flipped = np.flip(data, axis)
    order = np.flip(np.argsort(flipped, axis=axis, kind="stable"), axis)
    return data.shape[axis] - 1 - order


def _running_extreme(data, axis, better):
    """Running max/min along axis and the index where it was (last index on ties, NaN sticks)."""
    data = np.moveaxis(data, axis, -1)
    values = np.empty_like(data)
    indices = np.zeros(data.shape, dtype=np.int64)
    if data.shape[-1]:
        values[..., 0], best = data[..., 0], np.zeros(data.shape[:-1], dtype=np.int64)
        for k in range(1, data.shape[-1]):
            current, previous = data[..., k], values[..., k - 1]
            take = better(current, previous) | (current == previous) | np.isnan(current)
            take &= ~np.isnan(previous)
            values[..., k] = np.where(take, current, previous)
            best = np.where(take, k, best)
            indices[..., k] = best
    return np.moveaxis(values, -1, axis), np.moveaxis(indices, -1, axis)


class SortingMethods:
    """Tensor methods of the sorting ops (mixed into the class)."""

    __slots__ = ()

    def _pick(self, axis, indices):
        """Values at `indices` along `axis` (differentiable: gather)."""
        if self.ndim == 0:
            return self.clone()
        return self.gather(axis, self._make(indices, None))

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) sorted along `dim`; ties keep their order (a stable sort).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([3.0, 1.0, 2.0]).sort().indices.tolist()
            [1, 2, 0]
        """
        axis = single_axis("sort", dim, self.ndim)
        if self.ndim == 0:
            return SortResult(self.clone(), self._make(np.zeros((), np.int64), None))
        order = stable_order(self.data, axis, descending)
        return SortResult(self._pick(axis, order), self._make(order.astype(np.int64), None))

    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort along `dim`."""
        return self.sort(dim, descending, stable).indices

    def msort(self):
        """Sorted along dim 0 (the values)."""
        return self.sort(0).values

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """(values, indices) of the k largest (or smallest) elements along `dim`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 5.0, 3.0]).topk(2).values.tolist()
            [5.0, 3.0]
        """
        axis = single_axis("topk", dim, self.ndim)
        size = self.shape[axis] if self.ndim else 1
        if not 0 <= int(k) <= size:
            raise ValueError(f"topk: k ({k}) must be in [0, {size}], the size of dim {dim}")
        if self.ndim == 0:
            return TopkResult(self.clone(), self._make(np.zeros((), np.int64), None))
        order = stable_order(self.data, axis, largest)
        order = np.take(order, np.arange(int(k)), axis=axis)
        return TopkResult(self._pick(axis, order), self._make(order.astype(np.int64), None))

    def kthvalue(self, k, dim=-1, keepdim=False):
        """(values, indices) of the k-th smallest element (k from 1) along `dim`."""
        axis = single_axis("kthvalue", dim, self.ndim)
        size = self.shape[axis] if self.ndim else 1
        if not 1 <= int(k) <= size:
            raise ValueError(f"kthvalue: k ({k}) must be in [1, {size}], the size of dim {dim}")
        return self._order_statistic("kthvalue", KthvalueResult, axis, int(k) - 1, keepdim)

    def _order_statistic(self, op_name, result, axis, rank, keepdim):
        if self.ndim == 0:
            return result(self.clone(), self._make(np.zeros((), np.int64), None))
        order = stable_order(self.data, axis, False)
        index = np.take(order, [rank], axis=axis)
        values = self._pick(axis, index)
        if not keepdim:
            values, index = values.squeeze(axis), np.squeeze(index, axis)
        return result(values, self._make(index.astype(np.int64), None))

    def median(self, dim=None, keepdim=False):
        """The lower median: of all elements (a value), or (values, indices) along `dim`.
        NaN wins, as in PyTorch (it sorts last, and a NaN median is reported).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([4.0, 1.0, 3.0, 2.0]).median().item()
            2.0
        """
        if dim is None:
            flat = self.reshape(-1)
            if flat.shape[0] == 0:
                return self._make(np.asarray(np.nan, self.dtype), None)
            return flat.median(0).values
        axis = single_axis("median", dim, self.ndim)
        size = self.shape[axis] if self.ndim else 1
        if size == 0:
            raise ValueError(f"median: dim {dim} is empty (shape {self.shape})")
        data = self.data if self.ndim else self.data.reshape(1)
        nan_rows = np.isnan(data).any(axis=axis, keepdims=True) if data.dtype.kind == "f" else None
        out = self._order_statistic("median", MedianResult, axis, (size - 1) // 2, True)
        if nan_rows is not None and nan_rows.any() and self.ndim:
            first_nan = np.argmax(np.isnan(data), axis=axis, keepdims=True)
            index = np.where(nan_rows, first_nan, out.indices.data)
            out = MedianResult(self._pick(axis, index), self._make(index.astype(np.int64), None))
        if not keepdim and self.ndim:
            out = MedianResult(out.values.squeeze(axis), out.indices.squeeze(axis))
        return out

    def nanmedian(self, dim=None, keepdim=False):
        """The lower median of the non-NaN elements (NaN only where every element is NaN): of
        all elements (a value), or (values, indices) along `dim`, as torch.nanmedian."""
        if dim is None:
            flat = self.reshape(-1)
            if flat.shape[0] == 0:
                return self._make(np.asarray(np.nan, self.dtype), None)
            return flat.nanmedian(0).values
        axis = single_axis("nanmedian", dim, self.ndim)
        if self.ndim and self.shape[axis] == 0:
            raise ValueError(f"nanmedian: dim {dim} is empty (shape {self.shape})")
        data = self.data if self.ndim else self.data.reshape(1)
        order = np.argsort(data, axis=axis, kind="stable")           # NaN sorts last
        present = (~np.isnan(data)).sum(axis=axis, keepdims=True) if data.dtype.kind == "f" \
            else np.full_like(np.take(data, [0], axis=axis), data.shape[axis], dtype=np.int64)
        index = np.take_along_axis(order, np.maximum(present - 1, 0) // 2, axis=axis)
        out = MedianResult(self._pick(axis, index) if self.ndim else self.clone(),
                           self._make(index.astype(np.int64).reshape(index.shape if self.ndim
                                                                     else ()), None))
        if not keepdim and self.ndim:
            out = MedianResult(out.values.squeeze(axis), out.indices.squeeze(axis))
        return out

    def unique_consecutive(self, return_inverse=False, return_counts=False, dim=None):
        """The tensor with each run of equal consecutive values (slices along `dim`) kept
        once, optionally with the inverse indices and the run lengths, as PyTorch."""
        if dim is None:
            flat = self.data.reshape(-1)
            starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]]) if flat.size else \
                np.zeros(0, np.int64)
            values = self._make(flat[starts], None)
            inverse = (np.cumsum(np.r_[True, flat[1:] != flat[:-1]]) - 1).reshape(self.shape) \
                if flat.size else np.zeros(self.shape, np.int64)
            total = flat.size
        else:
            axis = single_axis("unique_consecutive", dim, self.ndim, scalar_ok=False)
            moved = np.moveaxis(self.data, axis, 0)
            n = moved.shape[0]
            change = np.r_[True, [not np.array_equal(moved[k], moved[k - 1]) for k in range(1, n)]] \
                if n else np.zeros(0, bool)
            starts = np.flatnonzero(change)
            values = self._make(np.moveaxis(moved[starts], 0, axis), None)
            inverse = np.cumsum(change) - 1 if n else np.zeros(0, np.int64)
            total = n
        counts = np.diff(np.r_[starts, total]).astype(np.int64)
        result = (values,)
        if return_inverse:
            result += (self._make(np.asarray(inverse, dtype=np.int64), None),)
        if return_counts:
            result += (self._make(counts, None),)
        return result[0] if len(result) == 1 else result

    def bincount(self, weights=None, minlength=0):
        """How often each value 0, 1, ... occurs in a 1-D non-negative integer tensor (the sum
        of `weights` at those places when given), as torch.bincount."""
        if self.ndim != 1 or self.data.dtype.kind not in "iu" or (self.data < 0).any():
            raise ValueError(f"bincount: needs a 1-D tensor of non-negative integers, got shape "
                             f"{self.shape} and dtype {self.dtype}")
        w = None if weights is None else np.asarray(getattr(weights, "data", weights))
        counts = np.bincount(self.data, weights=w, minlength=minlength)
        if w is not None:
            counts = counts.astype(w.dtype if w.dtype.kind == "f" else np.float64)
        return self._make(counts, None)

    def _running(self, op_name, result, dim, better):
        axis = single_axis(op_name, dim, self.ndim)
        if self.ndim == 0:
            return result(self.clone(), self._make(np.zeros((), np.int64), None))
        _, indices = _running_extreme(self.data, axis, better)
        return result(self._pick(axis, indices), self._make(indices, None))

    def cummax(self, dim):
        """(values, indices): the running maximum along `dim` and where it was."""
        return self._running("cummax", CummaxResult, dim, np.greater)

    def cummin(self, dim):
        """(values, indices): the running minimum along `dim` and where it was."""
        return self._running("cummin", CumminResult, dim, np.less)

    def mode(self, dim=-1, keepdim=False):
        """(values, indices): the most frequent value along `dim` (the smallest on ties) and
        the last index where it occurs, as PyTorch.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([5.0, 5.0, 1.0, 1.0, 1.0, 5.0]).mode().indices.item()
            4
        """
        axis = single_axis("mode", dim, self.ndim)
        if self.ndim == 0:
            return ModeResult(self.clone(), self._make(np.zeros((), np.int64), None))
        data = np.moveaxis(self.data, axis, -1)
        rows = data.reshape(-1, data.shape[-1])
        best = np.zeros(rows.shape[0], dtype=np.int64)
        for r, row in enumerate(rows):
            values, counts = np.unique(row, return_counts=True)
            top = values[np.argmax(counts)]         # np.unique sorts: the smallest of the most frequent
            best[r] = np.flatnonzero(row == top)[-1] if top == top else np.flatnonzero(row != row)[-1]
        index = np.expand_dims(best.reshape(data.shape[:-1]), axis)
        values = self._pick(axis, index)
        if not keepdim:
            values, index = values.squeeze(axis), np.squeeze(index, axis)
        return ModeResult(values, self._make(index, None))

    def unique(self, sorted=True, return_inverse=False, return_counts=False, dim=None):
        """The distinct values (sorted; of slices along `dim` when given), optionally with the
        inverse indices and the counts.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([2, 1, 2]).unique(return_counts=True)[1].tolist()
            [1, 2]
        """
        if dim is None:
            values, inverse, counts = np.unique(self.data, return_inverse=True, return_counts=True)
            inverse = inverse.reshape(self.shape)
        else:
            axis = single_axis("unique", dim, self.ndim, scalar_ok=False)
            values, inverse, counts = np.unique(self.data, axis=axis, return_inverse=True,
                                                return_counts=True)
            inverse = inverse.reshape(-1)
        out = [self._make(values, None)]
        if return_inverse:
            out.append(self._make(inverse.astype(np.int64), None))
        if return_counts:
            out.append(self._make(counts.astype(np.int64), None))
        return out[0] if len(out) == 1 else tuple(out)


def searchsorted(sorted_sequence, values, out_int32=False, right=False, side=None, sorter=None):
    """Where `values` would go in `sorted_sequence` (its last dim; leading dims pair up) to keep
    it sorted: the first such place, or the last with right=True / side='right'."""
    seq = np.asarray(getattr(sorted_sequence, "data", sorted_sequence))
    vals_t = values
    vals = np.asarray(getattr(values, "data", values))
    if side is not None:
        if side not in ("left", "right"):
            raise ValueError(f"searchsorted: side must be 'left' or 'right', got {side!r}")
        if right and side == "left":
            raise ValueError("searchsorted: right=True and side='left' contradict each other")
        right = side == "right"
    if sorter is not None:
        order = np.asarray(getattr(sorter, "data", sorter))
        seq = np.take_along_axis(seq, order, axis=-1)
    how = "right" if right else "left"
    if vals.size == 0 or seq.shape[-1:] == (0,):
        out = np.zeros(vals.shape, dtype=np.int64)
    elif seq.ndim <= 1:
        out = np.searchsorted(seq, vals, side=how)
    else:
        if vals.shape[:-1] != seq.shape[:-1]:
            raise ValueError(f"searchsorted: the leading dims of the values {vals.shape} and of the "
                             f"sorted sequence {seq.shape} must match")
        flat_seq = seq.reshape(-1, seq.shape[-1])
        flat_vals = vals.reshape(-1, vals.shape[-1])
        out = np.stack([np.searchsorted(s, v, side=how) for s, v in zip(flat_seq, flat_vals)])
        out = out.reshape(vals.shape)
    ref = vals_t if hasattr(vals_t, "_operand") else sorted_sequence
    return ref._make(np.asarray(out, dtype=np.int32 if out_int32 else np.int64), None)


def bucketize(input, boundaries, out_int32=False, right=False):
    """The bucket of each value: i with boundaries[i-1] < x <= boundaries[i] (right=False)."""
    return searchsorted(boundaries, input, out_int32=out_int32, right=right)
