"""Shape ops: reshape, permute, expand, indexing, pad, concatenate (and the composites
built on them: transpose, flatten, squeeze, unsqueeze, stack, split, chunk)."""
import numpy as np

from ..function import Function
from ..grad_mode import STATE
from ..indexed_grad import IndexedGrad, _is_basic
from .reduce import normalize_axes, single_axis
from ..argcheck import describe, int_arg


def _tensor_list(op_name, tensors):
    """`tensors` as a list, every item checked to be a Tensor (a clear TypeError otherwise)."""
    if hasattr(tensors, "_operand") or not hasattr(tensors, "__iter__"):
        raise TypeError(f"{op_name}: expected a list or tuple of Tensors, got "
                        f"{describe(tensors)}; e.g. Tensor.{op_name}([a, b], dim=0)")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not hasattr(t, "_operand"):
            raise TypeError(f"{op_name}: item {i} of the list is {describe(t)}, not a Tensor; wrap "
                            f"numbers or arrays with Tensor(...) first")
    return tensors


class Reshape(Function):
    """Reshape f(x) = x viewed with a new shape;  df/dx = g reshaped back"""

    def forward(self, x, shape):
        self.in_shape = x.shape
        try:
            out = x.reshape(shape)
        except (ValueError, TypeError):
            out = None
        if out is None or out.shape != shape:     # numpy refused, or inferred a -1 (or any < 0)
            _check_reshape(x, shape)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        return g.reshape(self.in_shape)


def _check_reshape(x, shape):
    """Explain why `shape` does not fit `x` (numpy either refused it or read -2 as -1)."""
    shape = tuple(shape)
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in shape):
        raise TypeError(f"reshape: the sizes must be ints, got shape {shape}")
    inferred = [n for n in shape if n < 0]
    if len(inferred) > 1 or any(n != -1 for n in inferred):
        raise ValueError(f"reshape: shape {shape} is invalid: sizes are >= 0, and only one of them "
                         f"may be -1 (the size worked out from the others)")
    known = int(np.prod([n for n in shape if n >= 0]))
    if inferred and known and x.size % known == 0:
        return                                  # a valid -1: numpy's result is right
    raise ValueError(f"reshape: cannot view a tensor of shape {x.shape} ({x.size} elements) "
                     f"as shape {shape}; the number of elements must stay the same")


class Permute(Function):
    """Axis permutation f(x) = x with axes reordered;  df/dx = g with the inverse order"""

    def forward(self, x, dims):
        self.dims = dims
        return np.transpose(x, dims)

    def backward(self, g):
        return g.permute(*np.argsort(self.dims))


class Expand(Function):
    """Broadcast to a larger shape (no copy);  df/dx = g summed back (done by the walk)"""

    def forward(self, x, shape):
        try:
            return np.broadcast_to(x, shape)
        except ValueError:
            raise ValueError(f"expand: cannot expand shape {x.shape} to {tuple(shape)}; only "
                             f"dimensions of size 1 can grow") from None

    def backward(self, g):
        return g


def _numpy_index(index):
    """Turn Tensors inside an index into numpy arrays."""
    if isinstance(index, tuple):
        return tuple(_numpy_index(i) for i in index)
    if hasattr(index, "_operand"):
        return index.data
    if isinstance(index, list):
        return np.asarray(index)
    return index


class GetItem(Function):
    """Indexing f(x) = x[index];  df/dx = g scattered into zeros, summed where indices repeat"""

    def forward(self, x, index):
        self.in_shape = x.shape
        self.index = index
        try:
            return x[index]
        except IndexError as error:
            raise IndexError(f"indexing a tensor of shape {x.shape}: {error}") from None

    def backward(self, g):
        if STATE.grad_enabled:          # create_graph: a differentiable op
            return ScatterAdd.apply(g, shape=self.in_shape, index=self.index)
        return IndexedGrad(self.in_shape, self.index, g.data)


class ScatterAdd(Function):
    """The adjoint of indexing: f(g) = zeros(shape) with g added at index;  df/dg = (.)[index]"""

    def forward(self, g, shape, index):
        self.index = index
        out = np.zeros(shape, dtype=g.dtype)
        if _is_basic(index):
            out[index] = g
        else:
            np.add.at(out, index, g)
        return out

    def backward(self, gg):
        return gg[self.index]


class Pad(Function):
    """Constant padding f(x) = x surrounded by `value`;  df/dx = the centre slice of g"""

    def forward(self, x, widths, value):
        self.centre = tuple(slice(lo, lo + n) for (lo, _), n in zip(widths, x.shape))
        return np.pad(x, widths, mode="constant", constant_values=value)

    def backward(self, g):
        return g[self.centre]


class Cat(Function):
    """Concatenation along an axis;  df/dx_k = the slice of g that came from x_k"""

    def forward(self, *arrays, axis):
        self.axis = axis
        self.bounds = np.cumsum([0] + [a.shape[axis] for a in arrays])
        try:
            return np.concatenate(arrays, axis=axis)
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(f"cat: shapes {shapes} differ outside dim {axis}; all sizes except "
                             f"along the concatenation dim must match") from None

    def backward(self, g):
        lead = (slice(None),) * self.axis
        return tuple(g[lead + (slice(int(lo), int(hi)),)] if need else None
                     for lo, hi, need in zip(self.bounds[:-1], self.bounds[1:],
                                             self.needs_input_grad))


class Clone(Function):
    """Copy f(x) = x (new memory);  df/dx = 1"""

    def forward(self, x):
        return x.copy()

    def backward(self, g):
        return g


def _pad_widths(pad_width, ndim):
    """Accept numpy-style widths: an int, one (before, after) pair, or a pair per dimension."""
    if ndim == 0:
        raise ValueError("pad: a 0-d tensor has no dimension to pad; make it 1-D first, e.g. "
                         "x.reshape(1).pad(...)")
    try:
        widths = np.asarray(pad_width)
    except ValueError:                       # ragged pairs
        widths = np.asarray(None)
    if widths.dtype.kind not in "iu":
        raise TypeError(f"pad: pad_width must be ints (an int, a pair, or a pair per dimension), "
                        f"got {describe(pad_width)}")
    if (widths < 0).any():
        raise ValueError(f"pad: negative widths {pad_width} are not allowed; to crop, index with "
                         f"a slice instead")
    if widths.ndim == 0:
        return ((int(widths), int(widths)),) * ndim
    if widths.shape == (2,):
        return ((int(widths[0]), int(widths[1])),) * ndim
    if widths.shape == (ndim, 2):
        return tuple((int(a), int(b)) for a, b in widths)
    raise ValueError(f"pad: pad_width of shape {widths.shape} does not fit a {ndim}-d tensor; give "
                     f"an int, a (before, after) pair, or {ndim} such pairs")


class MovementMethods:
    """Shape and indexing methods of `Tensor` (mixed into the class)."""

    __slots__ = ()

    def reshape(self, *shape):
        """The same elements viewed with a new shape; one dimension may be -1.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.arange(6).reshape(2, 3).shape
            (2, 3)
        """
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        return Reshape.apply(self, shape=shape)     # a new tensor even when nothing changes

    view = reshape

    def permute(self, *dims):
        """Reorder the axes: result axis i is input axis dims[i]."""
        dims = tuple(dims[0]) if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        if sorted(normalize_axes("permute", dims, self.ndim)) != list(range(self.ndim)) \
                or len(dims) != self.ndim:
            raise ValueError(f"permute: dims {dims} are not a permutation of the {self.ndim} axes "
                             f"of a tensor of shape {self.shape}")
        return Permute.apply(self, dims=tuple(int(d) % self.ndim for d in dims))

    def transpose(self, dim0: int = -2, dim1: int = -1):
        """Swap two axes (by default the last two, the matrix transpose)."""
        a, b = (single_axis("transpose", d, self.ndim) for d in (dim0, dim1))
        dims = list(range(self.ndim))
        if dims:                                    # a 0-d tensor is its own transpose
            dims[a], dims[b] = dims[b], dims[a]
        return Permute.apply(self, dims=tuple(dims))

    def swapaxes(self, dim0: int, dim1: int):
        """Swap two axes (numpy's name for `transpose(dim0, dim1)`)."""
        return self.transpose(dim0, dim1)

    @property
    def T(self):
        """All axes reversed (the transpose of a matrix)."""
        return Permute.apply(self, dims=tuple(reversed(range(self.ndim))))

    def expand(self, *shape):
        """Broadcast to `shape` without copying; -1 keeps a dimension."""
        shape = tuple(shape[0]) if len(shape) == 1 and isinstance(shape[0], (tuple, list)) else shape
        lead = len(shape) - self.ndim
        if -1 in shape[:max(lead, 0)]:
            raise ValueError(f"expand: size -1 (keep) is not allowed in the new leading dims of "
                             f"{tuple(shape)}, which a tensor of shape {self.shape} does not have; "
                             f"give their sizes")
        shape = tuple(self.shape[i - lead] if n == -1 else n for i, n in enumerate(shape))
        return Expand.apply(self, shape=shape)      # a new tensor even when nothing changes

    def flatten(self, start_dim: int = 0, end_dim: int = -1):
        """Merge dims start_dim..end_dim into one."""
        if self.ndim == 0:
            for d in (start_dim, end_dim):      # only 0 and -1 exist (as in PyTorch)
                single_axis("flatten", d, 0)
            return self.reshape(1)
        start, end = (single_axis("flatten", d, self.ndim) for d in (start_dim, end_dim))
        if start > end:
            raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim} for a "
                             f"tensor of shape {self.shape}; give start_dim <= end_dim")
        merged = int(np.prod(self.shape[start:end + 1]))
        return self.reshape(*self.shape[:start], merged, *self.shape[end + 1:])

    def unsqueeze(self, dim: int):
        """Insert an axis of size 1 at `dim`."""
        dim = single_axis("unsqueeze", dim, self.ndim + 1)
        return self.reshape(*self.shape[:dim], 1, *self.shape[dim:])

    def squeeze(self, dim=None):
        """Remove axes of size 1 (only `dim` when given, and only if its size is 1)."""
        axes = normalize_axes("squeeze", dim, self.ndim)
        return self.reshape(*[n for i, n in enumerate(self.shape) if not (i in axes and n == 1)])

    def __getitem__(self, index):
        """Index like numpy: ints, slices, None, Ellipsis, integer arrays/Tensors, boolean masks.

        Repeated integer indices accumulate their gradients.
        """
        return GetItem.apply(self, index=_numpy_index(index))

    def pad(self, pad_width, value=0):
        """Pad with a constant; `pad_width` as numpy: an int, a pair, or a pair per dimension."""
        return Pad.apply(self, widths=_pad_widths(pad_width, self.ndim), value=value)

    @staticmethod
    def cat(tensors, dim: int = 0):
        """Concatenate tensors along an existing dim."""
        tensors = _tensor_list("cat", tensors)
        if not tensors:
            raise ValueError("cat: needs at least one tensor")
        if any(t.ndim > 1 for t in tensors):    # PyTorch skips 1-D empty tensors (its old
            kept = [t for t in tensors if not (t.ndim == 1 and t.shape[0] == 0)]   # "no shape")
            tensors = kept or tensors
        ref = tensors[0]
        if any(t.ndim != ref.ndim for t in tensors):
            raise ValueError("cat: tensors have different numbers of dimensions: "
                             + ", ".join(str(t.shape) for t in tensors))
        if ref.ndim == 0:
            raise ValueError("cat: 0-d tensors have no dimension to join along; use "
                             "Tensor.stack(tensors) to make a 1-D tensor of them")
        return Cat.apply(*tensors, axis=single_axis("cat", dim, ref.ndim))

    @staticmethod
    def stack(tensors, dim: int = 0):
        """Stack same-shaped tensors along a new dim."""
        tensors = _tensor_list("stack", tensors)
        if not tensors:
            raise ValueError("stack: needs at least one tensor")
        shapes = {t.shape for t in tensors}
        if len(shapes) > 1:
            raise ValueError(f"stack: all tensors must have the same shape, got {sorted(shapes)}")
        dim = single_axis("stack", dim, tensors[0].ndim + 1)
        return MovementMethods.cat([t.unsqueeze(dim) for t in tensors], dim=dim)

    def split(self, split_size, dim: int = 0):
        """Cut into pieces of `split_size` along `dim` (or of the listed sizes)."""
        dim = single_axis("split", dim, self.ndim, scalar_ok=False)
        length = self.shape[dim]
        if not isinstance(split_size, (int, np.integer, list, tuple)) or isinstance(split_size, bool):
            raise TypeError(f"split: split_size must be an int or a list of ints, got "
                            f"{describe(split_size)}")
        if isinstance(split_size, (int, np.integer)):
            if split_size <= 0:
                raise ValueError(f"split: split_size must be positive, got {split_size}")
            # an empty dim still gives one (empty) piece, as in PyTorch
            sizes = [min(split_size, length - s) for s in range(0, length, split_size)] or [0]
        else:
            sizes = [int_arg("split", "each size in split_size", n, minimum=0) for n in split_size]
            if sum(sizes) != length:
                raise ValueError(f"split: sizes {sizes} add up to {sum(sizes)}, but dim {dim} has "
                                 f"size {length}")
        lead = (slice(None),) * dim
        bounds = np.cumsum([0] + sizes)
        return tuple(self[lead + (slice(int(a), int(b)),)] for a, b in zip(bounds[:-1], bounds[1:]))

    def chunk(self, chunks: int, dim: int = 0):
        """Cut into `chunks` nearly equal pieces along `dim` (the last may be smaller; an empty
        dim gives `chunks` empty pieces)."""
        if int_arg("chunk", "chunks", chunks) <= 0:
            raise ValueError(f"chunk: chunks must be a positive number of pieces, got {chunks}")
        axis = single_axis("chunk", dim, self.ndim, scalar_ok=False)
        length = self.shape[axis]
        if length == 0:             # an empty dim gives `chunks` empty pieces, as PyTorch
            return self.split([0] * chunks, dim)
        return self.split(max(1, -(-length // chunks)), dim)
