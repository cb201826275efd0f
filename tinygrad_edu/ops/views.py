"""The movement family's PyTorch names that are compositions: `view`, `view_as`/`reshape_as`,
`expand_as`, `t`, `repeat`, `clone`, `contiguous`, `unfold` (sliding windows),
`split_with_sizes` and `diagflat`. Each is built from movement.py's
primitives (reshape, expand, transpose, Clone), so its gradient is theirs.
"""
import numpy as np

from .movement import Clone
from .reduce import single_axis
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

    def unfold(self, dimension, size, step):
        """Every window of `size` elements along `dimension`, `step` apart: that dim becomes the
        number of windows and a last dim of length `size` is added, as PyTorch's Tensor.unfold
        (indexing, so each element's gradient sums over the windows that contain it).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 1.0, 2.0, 3.0]).unfold(0, 2, 1).tolist()
            [[0.0, 1.0], [1.0, 2.0], [2.0, 3.0]]
        """
        if self.ndim == 0:
            return self.reshape(1).unfold(0, size, step).reshape(-1)
        axis = single_axis("unfold", dimension, self.ndim)
        length = self.shape[axis]
        if isinstance(size, bool) or not 0 <= size <= length:
            raise ValueError(f"unfold: size {size!r} must be between 0 and the length {length} of "
                             f"dim {dimension} (shape {self.shape})")
        if isinstance(step, bool) or step <= 0:
            raise ValueError(f"unfold: step must be a positive integer, got {step!r}")
        count = (length - size) // step + 1
        index = np.arange(count)[:, None] * step + np.arange(size)[None, :]
        return self[(slice(None),) * axis + (index,)].movedim(axis + 1, -1)

    def split_with_sizes(self, split_sizes, dim=0):
        """Pieces of the given sizes along `dim` (they must add up to its length), as PyTorch."""
        sizes = [int(n) for n in split_sizes]
        axis = single_axis("split_with_sizes", dim, self.ndim, scalar_ok=False)
        if sum(sizes) != self.shape[axis] or min(sizes, default=0) < 0:
            raise ValueError(f"split_with_sizes: sizes {sizes} must be non-negative and add up to "
                             f"the length {self.shape[axis]} of dim {dim}")
        return self.split(sizes, dim)

    def diagflat(self, offset=0):
        """A square matrix with the flattened tensor on diagonal `offset`, as torch.diagflat."""
        return self.reshape(-1).diag(offset)
