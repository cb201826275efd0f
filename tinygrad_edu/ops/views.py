"""The movement family's PyTorch names that are compositions: `view`, `view_as`/`reshape_as`,
`expand_as`, `t`, `repeat`, `clone` and `contiguous`. Each is built from movement.py's
primitives (reshape, expand, transpose, Clone), so its gradient is theirs.
"""
import numpy as np

from .movement import Clone
from ..argcheck import require_tensor, shape_arg


class ViewMethods:
    """Tensor's composite movement methods (mixed into the class)."""

    __slots__ = ()

    def clone(self):
        """A copy in new memory that stays in the graph (gradient 1), as PyTorch's `clone`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> a = Tensor([1.0]); b = a.clone(); b += 1; a.tolist(), b.tolist()
            ([1.0], [2.0])
        """
        return Clone.apply(self)

    def contiguous(self):
        """This tensor (numpy arrays need no contiguous copy for any op here).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> t = Tensor.zeros(2, 3); t.t().contiguous().shape
            (3, 2)
        """
        return self

    def view(self, *shape):
        """`reshape` under PyTorch's other name (numpy makes a view when it can).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 6).view(-1, 4).shape
            (3, 4)
        """
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)) and \
                not isinstance(shape[0], (tuple, list)):
            return self.to(shape[0])           # view(dtype): a reinterpretation in PyTorch
        return self.reshape(*shape)

    def view_as(self, other):
        """Reshape to `other`'s shape.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(6).view_as(Tensor.zeros(2, 3)).shape
            (2, 3)
        """
        return self.reshape(*require_tensor("view_as", "other", other, type(self)).shape)

    reshape_as = view_as

    def expand_as(self, other):
        """Broadcast to `other`'s shape.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).expand_as(Tensor.zeros(3, 2)).shape
            (3, 2)
        """
        return self.expand(*require_tensor("expand_as", "other", other, type(self)).shape)

    def t(self):
        """Transpose of a 2-D tensor (0-D and 1-D tensors are returned as they are), as PyTorch.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1.0, 2.0]]).t().tolist()
            [[1.0], [2.0]]
        """
        if self.data.ndim > 2:
            raise ValueError(f"t: expects a tensor with at most 2 dimensions, got shape {self.shape}; "
                             f"use transpose(dim0, dim1) or permute")
        return self.transpose(0, 1) if self.data.ndim == 2 else self

    def repeat(self, *sizes):
        """Tile: repeat the tensor `sizes[i]` times along dim i (more sizes add leading dims).

        Built as reshape -> expand -> reshape, so the gradient is the sum over the copies.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).repeat(2, 2).tolist()
            [[1.0, 2.0, 1.0, 2.0], [1.0, 2.0, 1.0, 2.0]]
        """
        sizes = shape_arg("repeat", sizes)
        if len(sizes) < self.data.ndim:
            raise ValueError(f"repeat: give at least one count per dimension ({self.data.ndim}), "
                             f"got {sizes}")
        shape = (1,) * (len(sizes) - self.data.ndim) + self.shape
        interleaved = [d for n in shape for d in (1, n)]
        expanded = [d for r, n in zip(sizes, shape) for d in (r, n)]
        final = tuple(r * n for r, n in zip(sizes, shape))
        return self.reshape(*interleaved).expand(*expanded).reshape(*final)
