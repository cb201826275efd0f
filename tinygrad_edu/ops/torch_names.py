"""Tensor methods with PyTorch's names, so course code runs after renaming the import.

Sizes (`size()`, `numel()`, `dim()`), conversions (`long()`, `int()`, `bool()`, `type()`,
`int(t)`, `float(t)`), the device (CPU only), and small ops PyTorch has as methods
(`add(alpha=)`, `pow`, `clone`, `log2`, `gather`, `masked_fill`, `repeat`, `norm`,
`view`, `new_zeros`, ...). Composite ops are built from primitives; the new primitives
are in `torch_ops.py`.
"""
import numpy as np

from .torch_ops import Clone, Log2, Log10, Gather, Norm2
from .reduce import normalize_axes


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
        return self.data.shape[normalize_axes("size", dim, self.data.ndim)[0]]

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
        """The number of dimensions (same as `.ndim`)."""
        return self.data.ndim

    ndimension = dim

    def element_size(self) -> int:
        """Bytes per element."""
        return self.data.itemsize

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating one (only those can require grad)."""
        return self.data.dtype.kind == "f"

    # ------------------------------------------------------------ device
    @property
    def device(self) -> device:
        """Always the CPU: the engine computes with numpy."""
        return device("cpu")

    is_cuda = False

    def cpu(self):
        """This tensor (it is already on the CPU)."""
        return self

    def cuda(self, *args, **kwargs):
        """Not available: raises an error that says why (numpy runs on the CPU)."""
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

    def long(self):
        """Convert to int64 (PyTorch's long), e.g. class labels."""
        return self.to(np.int64)

    def int(self):
        """Convert to int32."""
        return self.to(np.int32)

    def bool(self):
        """Convert to bool."""
        return self.to(np.bool_)

    def type(self, dtype=None):
        """Without argument, the type name (e.g. 'tinygrad_edu.FloatTensor'); with a dtype,
        the converted tensor (as `.to(dtype)`)."""
        if dtype is None:
            return f"tinygrad_edu.{_TYPE_NAMES.get(self.dtype.name, self.dtype.name)}"
        return self.to(dtype)

    def type_as(self, other):
        """Convert to `other`'s dtype."""
        return self.to(other.dtype)

    def clone(self):
        """A copy in new memory that stays in the graph (gradient 1), as PyTorch's `clone`."""
        return Clone.apply(self)

    def contiguous(self):
        """This tensor (numpy arrays need no contiguous copy for any op here)."""
        return self

    # ------------------------------------------------------------ shape
    def view(self, *shape):
        """`reshape` under PyTorch's other name (numpy makes a view when it can)."""
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)) and \
                not isinstance(shape[0], (tuple, list)):
            return self.to(shape[0])           # view(dtype): a reinterpretation in PyTorch
        return self.reshape(*shape)

    def view_as(self, other):
        """Reshape to `other`'s shape."""
        return self.reshape(*other.shape)

    reshape_as = view_as

    def expand_as(self, other):
        """Broadcast to `other`'s shape."""
        return self.expand(*other.shape)

    def t(self):
        """Transpose of a 2-D tensor (0-D and 1-D tensors are returned as they are), as PyTorch."""
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
        sizes = tuple(sizes[0]) if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)) else sizes
        if len(sizes) < self.data.ndim:
            raise ValueError(f"repeat: give at least one count per dimension ({self.data.ndim}), "
                             f"got {sizes}")
        shape = (1,) * (len(sizes) - self.data.ndim) + self.shape
        interleaved = [d for n in shape for d in (1, n)]
        expanded = [d for r, n in zip(sizes, shape) for d in (r, n)]
        final = tuple(r * n for r, n in zip(sizes, shape))
        return self.reshape(*interleaved).expand(*expanded).reshape(*final)

    def new_zeros(self, *size, dtype=None, requires_grad=False):
        """Zeros of shape `size` with this tensor's dtype (unless `dtype`)."""
        return type(self).zeros(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_ones(self, *size, dtype=None, requires_grad=False):
        """Ones of shape `size` with this tensor's dtype (unless `dtype`)."""
        return type(self).ones(*size, dtype=dtype or self.dtype, requires_grad=requires_grad)

    def new_full(self, size, fill_value, dtype=None, requires_grad=False):
        """`fill_value` everywhere, of shape `size`, with this tensor's dtype (unless `dtype`)."""
        return type(self).full(size, fill_value, dtype=dtype or self.dtype,
                               requires_grad=requires_grad)

    def new_tensor(self, data, dtype=None, requires_grad=False):
        """A new tensor (a copy of `data`) with this tensor's dtype (unless `dtype`)."""
        return type(self)(np.array(getattr(data, "data", data)), dtype=dtype or self.dtype,
                          requires_grad=requires_grad)

    # ------------------------------------------------------------ arithmetic names
    def add(self, other, alpha=1):
        """self + alpha * other (PyTorch's `add`)."""
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, alpha=1):
        """self - alpha * other (PyTorch's `sub`)."""
        return self - (other if alpha == 1 else other * alpha)

    subtract = sub

    def mul(self, other):
        """self * other."""
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
        """self ** exponent."""
        return self ** exponent

    def log2(self):
        """Base-2 logarithm."""
        return Log2.apply(self)

    def log10(self):
        """Base-10 logarithm."""
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
        axis = normalize_axes("gather", dim, self.data.ndim)[0]
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
        """Draw category indices with probabilities proportional to the rows (as PyTorch)."""
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
