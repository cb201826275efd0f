"""Asking a tensor what it is and converting it: sizes with PyTorch's names (`size()`,
`numel()`, `dim()`, `element_size()`, `is_floating_point()`), other dtypes (`long()`, `int()`,
`bool()`, `type()`, `type_as()`) and Python numbers (`int(t)`, `float(t)`, `t` as an index).
"""
import numpy as np

from .reduce import single_axis
from ..argcheck import require_tensor

_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class ConversionMethods:
    """Tensor's size and conversion methods (mixed into the class)."""

    __slots__ = ()

    # ------------------------------------------------------------ sizes
    def size(self, dim=None):
        """The shape, as PyTorch's `size()`; `size(d)` is the length of dimension d.

        (numpy's `.size`, the number of elements, is `numel()` here, as in PyTorch.)

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 3).size(), Tensor.zeros(2, 3).size(-1)
            ((2, 3), 3)
        """
        if dim is None:
            return self.data.shape
        return self.data.shape[single_axis("size", dim, self.data.ndim, scalar_ok=False)]

    def numel(self) -> int:
        """The number of elements (numpy's `.size`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 3).numel()
            6
        """
        return self.data.size

    nelement = numel

    def dim(self) -> int:
        """The number of dimensions (same as `.ndim`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 3).dim()
            2
        """
        return self.data.ndim

    ndimension = dim

    def element_size(self) -> int:
        """Bytes per element.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, dtype=np.float64).element_size()
            8
        """
        return self.data.itemsize

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating one (only those can require grad).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).is_floating_point(), Tensor([1]).is_floating_point()
            (True, False)
        """
        return self.data.dtype.kind == "f"

    # ------------------------------------------------------------ conversion
    def __int__(self):
        return int(self.item())

    def __float__(self):
        return float(self.item())

    def __index__(self):
        if self.data.dtype.kind not in "iub":
            raise TypeError(f"only integer tensors of a single element can be converted to an "
                            f"index; this one has dtype {self.dtype} and shape {self.shape}")
        return int(self.item())

    def long(self, memory_format=None):
        """Convert to int64 (PyTorch's long), e.g. class labels.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.7, -2.2]).long().tolist()
            [1, -2]
        """
        return self.to(np.int64)

    def int(self, memory_format=None):
        """Convert to int32.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.7]).int().dtype.name
            'int32'
        """
        return self.to(np.int32)

    def bool(self, memory_format=None):
        """Convert to bool.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 2.0]).bool().tolist()
            [False, True]
        """
        return self.to(np.bool_)

    def half(self, memory_format=None):
        """Convert to float16."""
        return self.to(np.float16)

    def short(self, memory_format=None):
        """Convert to int16."""
        return self.to(np.int16)

    def char(self, memory_format=None):
        """Convert to int8 (PyTorch's char)."""
        return self.to(np.int8)

    def byte(self, memory_format=None):
        """Convert to uint8 (PyTorch's byte)."""
        return self.to(np.uint8)

    # ------------------------------------------------------------ complex parts
    # Tensors here are real, so these are the tensor itself, as PyTorch's are for real tensors.
    def conj(self):
        """The complex conjugate: the tensor itself (tensors here are real)."""
        return self

    conj_physical = resolve_conj = resolve_neg = conj

    def is_complex(self) -> bool:
        """False: tensors here are real."""
        return False

    def type(self, dtype=None):
        """Without argument, the type name (e.g. 'tinygrad_edu.FloatTensor'); with a dtype,
        the converted tensor (as `.to(dtype)`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> t = Tensor([1.0]); t.type(), t.type(np.float64).dtype.name
            ('tinygrad_edu.FloatTensor', 'float64')
        """
        if dtype is None:
            return f"tinygrad_edu.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}"
        return self.to(dtype)

    def type_as(self, other):
        """Convert to `other`'s dtype.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.5]).type_as(Tensor([1])).tolist()
            [1]
        """
        return self.to(require_tensor("type_as", "other", other, type(self)).dtype)
