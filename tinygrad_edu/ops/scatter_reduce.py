"""scatter_reduce: src combined into self at index along a dim with 'sum', 'prod', 'mean', 'amax'
or 'amin', with PyTorch's gradients.

'sum' and 'mean' are scatter_add and a division, so their derivatives of every order come from
ScatterAddAlong. 'prod' is its own primitive (ScatterProd) whose backward is written with Tensor
ops, ScatterProd among them, so its second derivative exists too. 'amax'/'amin' share the
gradient between tied contributors, as PyTorch.
"""
import numpy as np

from ..function import Function
from .indexing import ScatterAddAlong, _open_index, _take


class ScatterProd(Function):
    """out = x with each src element multiplied in at index along axis (x's own value left out
    at the places hit when not include_self);  d out_j / d factor = the product of the other
    factors at j"""

    def forward(self, x, src, axis, index, include_self):
        self.axis, self.index, self.include_self = axis, index, include_self
        out = x.copy()
        where = _open_index(index, axis)
        if not include_self:
            out[where] = 1
        np.multiply.at(out, where, src)
        return out

    def again(self, x, src):
        """The same product of other tensors (differentiable when the backward builds a graph)."""
        return ScatterProd.apply(x, src, axis=self.axis, index=self.index,
                                 include_self=self.include_self)

    def backward(self, g):
        x, src = self.inputs
        axis, index = self.axis, self.index
        where = _open_index(index, axis)
        hit = np.zeros(x.shape, dtype=bool)
        hit[where] = True
        if self.include_self:
            # the product of the others at j: the product with x_j set to 1, which is exact
            # when x_j = 0 (dividing the result by x_j would not be)
            x_or_one = x.masked_fill(x == 0, 1)
            grad_x = g * (self.again(x_or_one, src) / x_or_one)
        else:
            grad_x = g * x._make((~hit).astype(x.dtype), None)
        # src: result / src_k where src_k != 0; where src_k is the only zero sent to j, the
        # product with that zero set to 1 (several zeros at j: every other product is 0)
        src_zero = src.data == 0
        zeros_at = np.zeros(x.shape, dtype=np.int64)
        np.add.at(zeros_at, where, src_zero)
        only_zero = src_zero & (_take(zeros_at, index, axis) == 1)
        gathered = (g * self.again(x, src)).gather(axis, index)
        grad_src = gathered / src.masked_fill(src._make(src_zero, None), 1)
        if only_zero.any():
            mask = src._make(only_zero, None)
            with_one = (g * self.again(x, src.masked_fill(mask, 1))).gather(axis, index)
            grad_src = type(src).where(mask, with_one, grad_src)
        return grad_x, grad_src


class ScatterReduceMethods:
    """Tensor.scatter_reduce (mixed into the class)."""

    __slots__ = ()

    def scatter_reduce(self, dim, index, src, reduce, include_self=True):
        """Combine src into self at index along dim with 'sum', 'prod', 'mean', 'amax' or 'amin'.

        Every mode has PyTorch's first derivative ('amax'/'amin' share it between tied
        contributors, 'prod' sends each factor the product of the others); 'sum', 'mean' and
        'prod' also have second derivatives.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).scatter_reduce(0, Tensor([0, 0, 1]), Tensor([3.0, 4.0, 5.0]),
            ...                                   "prod").tolist()
            [12.0, 10.0]
        """
        if reduce not in ("sum", "prod", "mean", "amax", "amin"):
            raise ValueError(f"scatter_reduce: reduce must be 'sum', 'prod', 'mean', 'amax' or "
                             f"'amin', got {reduce!r}")
        if self.ndim == 0:                      # a 0-d tensor is a 1-element vector
            index = np.asarray(getattr(index, "data", index)).reshape(-1)
            src = self._operand(src).reshape(-1)
            return self.reshape(1).scatter_reduce(0, index, src, reduce, include_self).reshape(())
        axis, index, src = self._scatter_args("scatter_reduce", dim, index, src)
        if index.size == 0:
            return self.clone()
        if reduce == "sum":
            out = self.scatter_add(dim, index, src)
            return out if include_self else out - self._only_hit(axis, index)
        if reduce == "mean":
            counts = np.zeros(self.shape, dtype=self.dtype)
            np.add.at(counts, _open_index(index, axis), 1)
            total = self.scatter_reduce(dim, index, src, "sum", include_self)
            divisor = counts + (1 if include_self else (counts == 0))
            if self.dtype.kind in "iu":
                return total.div(self._make(divisor.astype(self.dtype), None), rounding_mode="floor")
            return total / self._make(divisor, None)
        if reduce == "prod":
            return ScatterProd.apply(self, src.reshape(*index.shape), axis=axis, index=index,
                                     include_self=include_self)
        return self._scatter_extremum(reduce, axis, index, src, include_self)

    def _scatter_extremum(self, reduce, axis, index, src, include_self):
        """'amax'/'amin': the gradient is shared equally by every contributor equal to the
        result (self when included, and the src elements sent there), as PyTorch."""
        result = self._reduce_values(reduce, axis, index, src, include_self)
        if not (self.requires_grad or src.requires_grad):
            return result
        hit_value = _take(result.data, index, axis)
        src_wins = src.data == hit_value
        self_wins = (self.data == result.data) & (include_self | ~self._hit_mask(axis, index))
        count = self_wins.astype(self.dtype)
        np.add.at(count, _open_index(index, axis), src_wins)
        share = self._make(np.where(self_wins, 1 / np.maximum(count, 1), 0).astype(self.dtype), None)
        src_share = src._make((src_wins / _take(np.maximum(count, 1), index, axis)).astype(src.dtype),
                              None)
        spread = ScatterAddAlong.apply(src * src_share, shape=self.shape, dim=axis, index=index)
        weighted = self * share + spread
        return weighted - weighted.detach() + result

    def _hit_mask(self, axis, index):
        hit = np.zeros(self.shape, dtype=bool)
        hit[_open_index(index, axis)] = True
        return hit

    def _reduce_values(self, reduce, axis, index, src, include_self):
        """scatter_reduce's values for 'amax', 'amin' (no graph)."""
        data = self.data.copy()
        ufunc = {"amax": np.maximum, "amin": np.minimum}[reduce]
        where = _open_index(index, axis)
        if not include_self:
            hit = self._hit_mask(axis, index)
            data[hit] = {"amax": -np.inf, "amin": np.inf}[reduce] if self.dtype.kind == "f" else (
                np.iinfo(self.dtype).min if reduce == "amax" else np.iinfo(self.dtype).max)
        ufunc.at(data, where, src.data)
        return self._make(data, None)

    def _only_hit(self, axis, index):
        zero = self._make(np.zeros((), self.dtype), None)
        return type(self).where(self._make(self._hit_mask(axis, index), None), self, zero)
