"""Tensor math methods with PyTorch's names: `add(alpha=)`, `sub`, `mul`, `div(rounding_mode=)`,
`pow`, `log2`, `log10`, `clamp(min=, max=)`, `masked_fill`, `gather`, `norm`, `multinomial`.

Composite ones are built from existing ops; `log2`, `log10`, `gather` and the 2-norm are
primitives (in `torch_ops.py`) with their own derivatives.
"""
import numpy as np

from .torch_ops import Log2, Log10, Gather, Norm2
from .reduce import normalize_axes, single_axis
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
        """self / other; `rounding_mode='floor'` or `'trunc'` rounds the quotient (no gradient).

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
        b = getattr(other, "data", other)
        if self.data.dtype.kind in "iu" and np.asarray(b).dtype.kind in "iu":
            if rounding_mode == "floor":
                return self._make(np.asarray(np.floor_divide(self.data, b)), None)
            return self._make(np.asarray(np.trunc(self.data / b).astype(self.data.dtype)), None)
        quotient = (self / other).detach()
        rounded = np.floor(quotient.data) if rounding_mode == "floor" else np.trunc(quotient.data)
        return self._make(np.asarray(rounded), None)

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

    def norm(self, p="fro", dim=None, keepdim=False):
        """The p-norm over `dim` (all entries by default): p = 2 / 'fro', 1, inf, or any p > 0.

        The 2-norm's gradient at the zero vector is taken as 0 (as PyTorch).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([3.0, 4.0]).norm().item()
            5.0
        """
        axes = normalize_axes("norm", dim, self.data.ndim)
        if p in ("fro", 2, 2.0):
            return Norm2.apply(self, axes=axes, keepdim=bool(keepdim))
        if p in (1, 1.0):
            return self.abs().sum(axes, keepdim)
        if p in (float("inf"), "inf"):
            return self.abs().amax(axes, keepdim)
        if isinstance(p, (int, float)) and p > 0:
            return (self.abs() ** p).sum(axes, keepdim) ** (1.0 / p)
        raise ValueError(f"norm: p must be 'fro', a positive number or inf, got {p!r}")

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
        """Clamp into [min, max] (either may be None), PyTorch's keywords for `clip`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0).tolist()
            [0.0, 0.5, 1.0]
        """
        if min is None and max is None:
            raise ValueError("clamp: give min, max or both")
        return self.clip(min, max)
