"""Tensor methods with PyTorch's names, so course code runs after renaming the import.

Sizes (`size()`, `numel()`, `dim()`), conversions (`long()`, `int()`, `bool()`, `type()`,
`int(t)`, `float(t)`, `clone()`), the device (CPU only) and shapes (`view`, `t`, `repeat`,
`new_zeros`, ...). The math names live with their families (binary_math.py: `add(alpha=)`,
`div(rounding_mode=)`; indexing.py: `gather`, `masked_fill`; linalg.py: `norm`; ...).
"""
import numpy as np

from .movement import Clone
from .reduce import single_axis
from ..argcheck import require_tensor, shape_arg


class device(str):
    """PyTorch's `torch.device`, for the one device there is: `device("cpu")`.

    It is a string, so `t.device == "cpu"` holds, and has PyTorch's `.type` and `.index`.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Tensor([1.0]).device.type
        'cpu'
    """

    def __new__(cls, name="cpu", index=None):
        check_device(name if index is None else f"{name}:{index}", "device")
        return super().__new__(cls, "cpu")

    @property
    def type(self) -> str:
        return "cpu"

    @property
    def index(self):
        return None

    def __repr__(self):
        return "device(type='cpu')"


def check_device(name, op_name) -> None:
    """Accept "cpu" (or "cpu:0", or a device), refuse the others with the reason and the fix."""
    if str(name).split(":")[0] != "cpu":
        raise RuntimeError(f"{op_name}: tinygrad_edu computes with numpy on the CPU only, so the "
                           f"device {str(name)!r} is not available; use 'cpu' (or drop the "
                           f".to(device) / .cuda() call)")


_TYPE_NAMES = {"float32": "FloatTensor", "float64": "DoubleTensor", "float16": "HalfTensor",
               "int64": "LongTensor", "int32": "IntTensor", "int16": "ShortTensor",
               "int8": "CharTensor", "uint8": "ByteTensor", "bool": "BoolTensor"}


class TorchNameMethods:
    """Methods of `Tensor` named as PyTorch's (mixed into the class)."""

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

    # ------------------------------------------------------------ device
    @property
    def device(self) -> device:
        """Always the CPU: the engine computes with numpy."""
        return device("cpu")

    is_cuda = False

    def cpu(self):
        """This tensor (it is already on the CPU).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> t = Tensor([1.0]); t.cpu() is t
            True
        """
        return self

    def cuda(self, *args, **kwargs):
        """Not available: raises an error that says why (numpy runs on the CPU).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).cuda()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            RuntimeError: cuda: tinygrad_edu computes with numpy on the CPU only, ...
        """
        check_device("cuda", "cuda")

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

    # ------------------------------------------------------------ shape
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

    def new_zeros(self, *size, dtype=None, requires_grad=False, device=None):
        """Zeros of shape `size` with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1], dtype=np.int64).new_zeros(2, 2).dtype.name
            'int64'
        """
        return type(self).zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad,
                                device=device)

    def new_ones(self, *size, dtype=None, requires_grad=False, device=None):
        """Ones of shape `size` with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).new_ones(2).tolist()
            [1.0, 1.0]
        """
        return type(self).ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad,
                               device=device)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False, device=None):
        """`fill_value` everywhere, of shape `size`, with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).new_full((2,), 3.0).tolist()
            [3.0, 3.0]
        """
        return type(self).full(size, fill_value, dtype=dtype or self.dtype,
                               requires_grad=requires_grad, device=device)

    def new_tensor(self, data, dtype=None, requires_grad=False, device=None):
        """A new tensor (a copy of `data`) with this tensor's dtype (unless `dtype`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0], dtype=np.float64).new_tensor([1, 2]).dtype.name
            'float64'
        """
        if device is not None:
            check_device(device, "new_tensor")
        return type(self)(np.array(getattr(data, "data", data)), dtype=dtype or self.dtype,
                          requires_grad=requires_grad)

    def multinomial(self, num_samples, replacement=False, generator=None):
        """Draw category indices with probabilities proportional to the rows (as PyTorch).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 1.0]).multinomial(3, replacement=True).tolist()
            [1, 1, 1]
        """
        from ..sampling import multinomial
        return multinomial(self, num_samples, replacement, generator=generator)
