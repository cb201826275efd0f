"""Tensor math methods with PyTorch's names: `add(alpha=)`, `sub`, `mul`, `div(rounding_mode=)`,
`pow`, `log2`, `log10`, `clamp(min=, max=)`, `masked_fill`, `gather`, `norm`, `multinomial`.

Composite ones are built from existing ops; `log2`, `log10`, `gather` and the 2-norm are
primitives (in `torch_ops.py`) with their own derivatives.
"""
import numpy as np

from .torch_ops import Log2, Log10, Gather, Norm2, RoundedDiv
from .reduce import reduce_axes, single_axis
from ..argcheck import number_arg


class TorchMathMethods:
    """Math methods of `Tensor` named as PyTorch's (mixed into the class)."""

    __slots__ = ()

    def add(self, other, alpha=1):
        """self + alpha * other (PyTorch's `add`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).add(Tensor([2.0]), alpha=10).tolist()
            [21.0]
        """
        return self + (other if alpha == 1 else other * number_arg("add", "alpha", alpha))

    def sub(self, other, alpha=1):
        """self - alpha * other (PyTorch's `sub`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).sub(Tensor([2.0]), alpha=0.5).tolist()
            [0.0]
        """
        return self - (other if alpha == 1 else other * number_arg("sub", "alpha", alpha))

    subtract = sub

    def mul(self, other):
        """self * other.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([2.0]).mul(3).tolist()
            [6.0]
        """
        return self * other

    multiply = mul

    def div(self, other, rounding_mode=None):
        """self / other; `rounding_mode='floor'` or `'trunc'` rounds the quotient (its
        gradient is 0 almost everywhere, so a float result requires grad with gradient 0,
        as PyTorch's).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([7, -7]).div(2, rounding_mode="floor").tolist()
            [3, -4]
        """
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got "
                             f"{rounding_mode!r}")
        return RoundedDiv.apply(self, self._operand(other), mode=rounding_mode)

    divide = div

    def pow(self, exponent):
        """self ** exponent.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([2.0]).pow(3).tolist()
            [8.0]
        """
        return self ** exponent

    def log2(self):
        """Base-2 logarithm.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([8.0]).log2().tolist()
            [3.0]
        """
        return Log2.apply(self)

    def log10(self):
        """Base-10 logarithm.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> round(Tensor([100.0]).log10().item(), 5)
            2.0
        """
        return Log10.apply(self)

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
        """out[i][j] = self[i][index[i][j]] for dim=1 (and likewise for other dims), as PyTorch.

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

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """The p-norm over `dim` (all entries by default), as `torch.norm`: p = 2 / 'fro',
        inf, -inf (the largest / smallest |x|), 0 (the number of non-zero entries), any other
        real p ((sum |x|^p)^(1/p), negative p included), or 'nuc' (the nuclear norm, the sum
        of singular values, over two dims: the last two by default).

        The 2-norm's gradient at the zero vector is taken as 0 (as PyTorch).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([3.0, 4.0]).norm().item(), Tensor([3.0, 0.0]).norm(0).item()
            (5.0, 1.0)
        """
        x = self if dtype is None else self.to(dtype)
        if p == "nuc":
            from .linalg import nuclear_norm
            return nuclear_norm(x, dim, keepdim)
        axes = reduce_axes("norm", dim, x.data.ndim)
        if p == "fro" or (isinstance(p, (int, float)) and not isinstance(p, bool) and p == 2):
            return Norm2.apply(x, axes=axes, keepdim=bool(keepdim))
        if isinstance(p, str) and p in ("inf", "-inf"):
            p = float(p)
        if isinstance(p, bool) or not isinstance(p, (int, float, np.number)):
            raise ValueError(f"norm: p must be 'fro', 'nuc' or a number (inf and -inf included), "
                             f"got {p!r}")
        if p == 1:
            return x.abs().sum(axes, keepdim)
        if p == float("inf"):
            return x.abs().amax(axes, keepdim)
        if p == -float("inf"):
            return x.abs().amin(axes, keepdim)
        if p == 0:                  # a count: no gradient flows (PyTorch's is 0 too)
            return (x.abs() * 0 + (x != 0).to(x.dtype)).sum(axes, keepdim)
        return (x.abs() ** p).sum(axes, keepdim) ** (1.0 / p)

    def multinomial(self, num_samples, replacement=False, generator=None):
        """Draw category indices with probabilities proportional to the rows (as PyTorch).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 1.0]).multinomial(3, replacement=True).tolist()
            [1, 1, 1]
        """
        from ..sampling import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)

    def clamp(self, min=None, max=None):
        """Clamp into [min, max] (either may be None; numbers or tensors that broadcast),
        PyTorch's keywords for `clip`. Where min > max the result is max, as PyTorch.

        The gradient goes to self inside [min, max], to a tensor min where self < min < max,
        and to a tensor max where self > max (or max < min).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0).tolist()
            [0.0, 0.5, 1.0]
            >>> Tensor([-2.0, 0.5, 3.0]).clamp(Tensor([0.0, 1.0, 0.0])).tolist()
            [0.0, 1.0, 3.0]
        """
        if min is None and max is None:
            raise ValueError("clamp: give min, max or both")
        if not hasattr(min, "_operand") and not hasattr(max, "_operand"):
            return self.clip(min, max)
        return _clamp_by_tensors(self, min, max)

    def clamp_min(self, min):
        """max(self, min) elementwise, as `clamp(min=min)`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-1.0, 2.0]).clamp_min(0.0).tolist()
            [0.0, 2.0]
        """
        return self.clamp(min=min)

    def clamp_max(self, max):
        """min(self, max) elementwise, as `clamp(max=max)`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-1.0, 2.0]).clamp_max(0.0).tolist()
            [-1.0, 0.0]
        """
        return self.clamp(max=max)


def _clamp_by_tensors(x, lo, hi):
    """clamp with tensor bounds, from `where` (PyTorch's masks for every gradient)."""
    where = type(x).where
    lo = None if lo is None else x._operand(lo)
    hi = None if hi is None else x._operand(hi)
    xd = x.data
    if hi is None:
        below = x._make(np.asarray(xd < lo.data), None)
        return where(below, lo, x)
    if lo is None:
        above = x._make(np.asarray(xd > hi.data), None)
        return where(above, hi, x)
    with np.errstate(invalid="ignore"):
        to_lo = (xd < lo.data) & (lo.data < hi.data)
        to_hi = (xd > hi.data) | (hi.data < lo.data)
    return where(x._make(np.asarray(to_lo), None), lo,
                 where(x._make(np.asarray(to_hi), None), hi, x))
