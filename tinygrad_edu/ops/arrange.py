"""Shape ops that rearrange or select elements, with PyTorch's names: flip, roll, rot90,
narrow, select, diagonal, diag, diag_embed, tril, triu, tile, unbind, movedim, the stacks,
broadcast_to, unflatten, ravel, mT, repeat_interleave, tensor_split, atleast_*d.

All are composites of the primitives in movement.py (indexing, reshape, permute, expand,
cat, pad), so their gradients come from those ops' rules: one place to check.
"""
import numpy as np

from .reduce import normalize_axes, single_axis
from .movement import _tensor_list
from ..argcheck import int_arg, shape_arg


def _dims(op_name, dims, ndim):
    dims = dims if isinstance(dims, (tuple, list)) else (dims,)
    return [single_axis(op_name, d, ndim) for d in dims]


class ArrangeMethods:
    """Tensor methods of the shape ops above (mixed into the class)."""

    __slots__ = ()

    def flip(self, *dims, **kwargs):
        """Reverse the order of the elements along `dims`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1, 2], [3, 4]]).flip(1).tolist()
            [[2, 1], [4, 3]]
        """
        if "dims" in kwargs:
            dims = (kwargs.pop("dims"),)
        if kwargs:
            raise TypeError(f"flip: unexpected arguments {sorted(kwargs)}; give the dims")
        dims = dims[0] if len(dims) == 1 and isinstance(dims[0], (tuple, list)) else dims
        axes = normalize_axes("flip", tuple(dims), self.ndim) if self.ndim else ()
        return self[tuple(slice(None, None, -1) if d in axes else slice(None)
                          for d in range(self.ndim))]

    def fliplr(self):
        """Flip dim 1 (left/right), for tensors with at least 2 dims."""
        if self.ndim < 2:
            raise ValueError(f"fliplr: needs at least 2 dims, got shape {self.shape}")
        return self.flip(1)

    def flipud(self):
        """Flip dim 0 (up/down), for tensors with at least 1 dim."""
        if self.ndim < 1:
            raise ValueError("fliplr: needs at least 1 dim, got a 0-d tensor")
        return self.flip(0)

    def roll(self, shifts, dims=None):
        """Shift elements along `dims` by `shifts`, wrapping around (flattened when dims is None).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1, 2, 3, 4]).roll(1).tolist()
            [4, 1, 2, 3]
        """
        if dims is None:
            return self.flatten().roll(shifts, 0).reshape(*self.shape)
        shifts = shifts if isinstance(shifts, (tuple, list)) else (shifts,)
        dims = dims if isinstance(dims, (tuple, list)) else (dims,)
        if len(shifts) != len(dims):
            raise ValueError(f"roll: shifts {shifts} and dims {dims} must have the same length")
        out = self
        for shift, dim in zip(shifts, dims):
            axis = single_axis("roll", dim, self.ndim)
            n = self.shape[axis]
            if n == 0:
                continue
            order = (np.arange(n) - int(shift)) % n
            out = out[(slice(None),) * axis + (order,)]
        return out

    def rot90(self, k=1, dims=(0, 1)):
        """Rotate by 90 degrees k times in the plane of `dims` (from the first toward the second)."""
        if len(dims) != 2:
            raise ValueError(f"rot90: dims must name two dims, got {dims}")
        a, b = _dims("rot90", dims, self.ndim)
        if a == b:
            raise ValueError(f"rot90: the two dims must differ, got {dims}")
        k = int(k) % 4
        if k == 0:
            return self.clone()
        if k == 2:
            return self.flip(a, b)
        if k == 1:
            return self.flip(b).transpose(a, b)
        return self.transpose(a, b).flip(b)

    def narrow(self, dim, start, length):
        """The `length` elements from `start` along `dim` (a view in PyTorch).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1, 2, 3, 4]).narrow(0, 1, 2).tolist()
            [2, 3]
        """
        axis = single_axis("narrow", dim, self.ndim, scalar_ok=False)
        start = int(getattr(start, "data", start))
        size = self.shape[axis]
        if not -size <= start <= size:
            raise IndexError(f"narrow: start {start} is out of range for dim {dim} of size {size}")
        start %= size if size else 1
        length = int_arg("narrow", "length", length, minimum=0)
        if start + length > size:
            raise ValueError(f"narrow: start {start} + length {length} exceeds the size {size} of "
                             f"dim {dim}")
        return self[(slice(None),) * axis + (slice(start, start + length),)]

    def select(self, dim, index):
        """The slice at `index` along `dim`, which is removed (as t[:, index] for dim=1)."""
        axis = single_axis("select", dim, self.ndim, scalar_ok=False)
        index = int(index)
        if not -self.shape[axis] <= index < self.shape[axis]:
            raise IndexError(f"select: index {index} is out of range for dim {dim} of size "
                             f"{self.shape[axis]}")
        return self[(slice(None),) * axis + (index,)]

    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of the (dim1, dim2) planes, `offset` above (>0) or below (<0) the main
        one, as a new last dim.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([[1, 2], [3, 4]]).diagonal().tolist()
            [1, 4]
        """
        a, b = _dims("diagonal", (dim1, dim2), self.ndim)
        if a == b:
            raise ValueError(f"diagonal: dim1 and dim2 must differ, got {dim1} and {dim2}")
        rest = [d for d in range(self.ndim) if d not in (a, b)]
        x = self.permute(*rest, a, b)
        n, m = x.shape[-2:]
        rows = np.arange(max(0, -offset), min(n, m - offset)) if m - offset > 0 else np.arange(0)
        rows = rows[rows < n]
        return x[(Ellipsis, rows, rows + offset)]

    def diag(self, diagonal=0):
        """A 1-D tensor: the square matrix with it on the `diagonal`; a 2-D one: its diagonal."""
        if self.ndim == 1:
            return self.diag_embed(diagonal)
        if self.ndim == 2:
            return self.diagonal(diagonal)
        raise ValueError(f"diag: needs a 1-D or 2-D tensor, got shape {self.shape}")

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        """Matrices whose `offset` diagonal (in the planes dim1, dim2 of the result) is the last dim."""
        n = self.shape[-1] + abs(offset)
        out_ndim = self.ndim + 1
        a, b = _dims("diag_embed", (dim1, dim2), out_ndim)
        if a == b:
            raise ValueError(f"diag_embed: dim1 and dim2 must differ, got {dim1} and {dim2}")
        k = np.arange(self.shape[-1])
        rows, cols = (k, k + offset) if offset >= 0 else (k - offset, k)
        eye = np.zeros((self.shape[-1], n, n), dtype=self.dtype)
        eye[k, rows, cols] = 1
        planes = self.unsqueeze(-1).unsqueeze(-1) * self._make(eye, None)     # (..., K, n, n)
        out = planes.sum(-3)
        lead = list(range(out_ndim - 2))
        order = [None] * out_ndim
        order[a], order[b] = out_ndim - 2, out_ndim - 1
        it = iter(lead)
        order = [next(it) if o is None else o for o in order]
        return out.permute(*order)

    def _triangle(self, op_name, diagonal, keep):
        if self.ndim < 2:
            raise ValueError(f"{op_name}: needs a tensor with at least 2 dims, got shape "
                             f"{self.shape}")
        n, m = self.shape[-2:]
        mask = keep(np.arange(n)[:, None] + diagonal, np.arange(m)[None, :])
        zero = self._make(np.zeros((), self.dtype), None)
        return type(self).where(self._make(mask, None), self, zero)

    def tril(self, diagonal=0):
        """The lower triangle (on and below the `diagonal`) of the last two dims, zeros above."""
        return self._triangle("tril", diagonal, lambda i, j: j <= i)

    def triu(self, diagonal=0):
        """The upper triangle (on and above the `diagonal`) of the last two dims, zeros below."""
        return self._triangle("triu", diagonal, lambda i, j: j >= i)

    def tile(self, *dims):
        """Repeat the tensor dims[i] times along dim i (missing leading counts are 1)."""
        dims = shape_arg("tile", dims)
        dims = (1,) * (self.ndim - len(dims)) + tuple(dims)
        return self.repeat(*dims)

    def unbind(self, dim=0):
        """The slices along `dim`, as a tuple (the dim removed)."""
        axis = single_axis("unbind", dim, self.ndim, scalar_ok=False)
        return tuple(self.select(axis, i) for i in range(self.shape[axis]))

    def movedim(self, source, destination):
        """Move dims from `source` to `destination` positions, the others keep their order."""
        src = _dims("movedim", source, self.ndim)
        dst = _dims("movedim", destination, self.ndim)
        if len(src) != len(dst) or len(set(src)) != len(src) or len(set(dst)) != len(dst):
            raise ValueError(f"movedim: source {source} and destination {destination} must be "
                             f"distinct dims of the same count")
        order = [None] * self.ndim
        for s, d in zip(src, dst):
            order[d] = s
        rest = iter(d for d in range(self.ndim) if d not in src)
        return self.permute(*[next(rest) if o is None else o for o in order])

    moveaxis = movedim

    def swapdims(self, dim0, dim1):
        """Swap two dims (PyTorch's other name for transpose)."""
        return self.transpose(dim0, dim1)

    @property
    def mT(self):
        """The matrix transpose of the last two dims (batched)."""
        if self.ndim < 2:
            raise ValueError(f"mT: needs at least 2 dims, got shape {self.shape}")
        return self.transpose(-2, -1)

    def broadcast_to(self, *shape):
        """Expand to `shape` with broadcasting rules."""
        return self.expand(*shape)

    def unflatten(self, dim, sizes):
        """Split dim `dim` into `sizes` (one may be -1)."""
        axis = single_axis("unflatten", dim, self.ndim, scalar_ok=False)
        sizes = tuple(int(s) for s in sizes)
        if not sizes:
            raise ValueError("unflatten: sizes must not be empty")
        return self.reshape(*self.shape[:axis], *sizes, *self.shape[axis + 1:])

    def ravel(self):
        """The elements as a 1-D tensor."""
        return self.reshape(-1)

    def repeat_interleave(self, repeats, dim=None, output_size=None):
        """Repeat each element `repeats` times (an int or one count per element) along `dim`
        (of the flattened tensor when dim is None).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1, 2]).repeat_interleave(2).tolist()
            [1, 1, 2, 2]
        """
        x = self.reshape(-1) if dim is None else self
        axis = 0 if dim is None else single_axis("repeat_interleave", dim, x.ndim)
        counts = np.asarray(getattr(repeats, "data", repeats))
        if counts.dtype.kind not in "iu" or (counts < 0).any():
            raise ValueError(f"repeat_interleave: repeats must be non-negative integers, got "
                             f"{repeats!r}")
        index = np.repeat(np.arange(x.shape[axis]), counts.reshape(-1) if counts.ndim else counts)
        return x[(slice(None),) * axis + (index,)]

    def tensor_split(self, indices_or_sections, dim=0):
        """Split along `dim` into n nearly equal parts (an int) or at the given indices."""
        axis = single_axis("tensor_split", dim, self.ndim, scalar_ok=False)
        size = self.shape[axis]
        spec = getattr(indices_or_sections, "data", indices_or_sections)
        if isinstance(spec, (int, np.integer)) or (isinstance(spec, np.ndarray) and spec.ndim == 0):
            n = int(spec)
            if n <= 0:
                raise ValueError(f"tensor_split: the number of sections must be positive, got {n}")
            sizes = [size // n + (1 if i < size % n else 0) for i in range(n)]
            bounds = np.concatenate([[0], np.cumsum(sizes)])
        else:
            cuts = [int(i) for i in np.asarray(spec).reshape(-1)]
            bounds = [0] + cuts + [size]
        lead = (slice(None),) * axis
        return tuple(self[lead + (slice(int(lo), max(int(lo), int(hi))),)]
                     for lo, hi in zip(bounds[:-1], bounds[1:]))

    def hsplit(self, sections):
        """tensor_split along dim 1 (dim 0 for 1-D tensors)."""
        return self.tensor_split(sections, 1 if self.ndim > 1 else 0)

    def vsplit(self, sections):
        """tensor_split along dim 0."""
        return self.tensor_split(sections, 0)

    def dsplit(self, sections):
        """tensor_split along dim 2."""
        return self.tensor_split(sections, 2)


def atleast(tensors, ndim):
    """torch.atleast_{1,2,3}d: each tensor with at least `ndim` dims (PyTorch's placement)."""
    single = hasattr(tensors, "_operand")
    items = [tensors] if single else _tensor_list(f"atleast_{ndim}d", tensors)
    out = []
    for t in items:
        if t.ndim < ndim:
            if t.ndim == 0:
                t = t.reshape(*(1,) * ndim)
            elif ndim == 2:
                t = t.unsqueeze(0)
            elif ndim == 3:
                t = t.reshape(1, t.shape[0], 1) if t.ndim == 1 else t.unsqueeze(-1)
        out.append(t)
    return out[0] if single else tuple(out)


def hstack(tensors):
    """Concatenate along dim 1 (dim 0 for 1-D tensors)."""
    tensors = atleast(_tensor_list("hstack", tensors), 1)
    return tensors[0].cat(tensors, 0 if tensors[0].ndim == 1 else 1)


def vstack(tensors):
    """Concatenate along dim 0, 1-D tensors as rows."""
    tensors = atleast(_tensor_list("vstack", tensors), 2)
    return tensors[0].cat(tensors, 0)


def dstack(tensors):
    """Concatenate along dim 2 (depth)."""
    tensors = atleast(_tensor_list("dstack", tensors), 3)
    return tensors[0].cat(tensors, 2)


def column_stack(tensors):
    """Stack 1-D tensors as columns (2-D ones are concatenated along dim 1)."""
    tensors = _tensor_list("column_stack", tensors)
    columns = [t.reshape(-1, 1) if t.ndim <= 1 else t for t in tensors]
    return columns[0].cat(columns, 1)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape."""
    tensors = _tensor_list("broadcast_tensors", tensors[0] if len(tensors) == 1 and
                           isinstance(tensors[0], (list, tuple)) else tensors)
    shape = np.broadcast_shapes(*(t.shape for t in tensors))
    return tuple(t.expand(*shape) for t in tensors)


def meshgrid(*tensors, indexing="ij"):
    """Coordinate grids from 1-D tensors ('ij' matrix indexing by default, or 'xy')."""
    tensors = _tensor_list("meshgrid", tensors[0] if len(tensors) == 1 and
                           isinstance(tensors[0], (list, tuple)) else tensors)
    if indexing not in ("ij", "xy"):
        raise ValueError(f"meshgrid: indexing must be 'ij' or 'xy', got {indexing!r}")
    flat = [t.reshape(-1) for t in tensors]
    place = list(range(len(flat)))          # the output dim of each input
    if indexing == "xy" and len(flat) >= 2:
        place[0], place[1] = 1, 0
    shape = [0] * len(flat)
    for k, t in enumerate(flat):
        shape[place[k]] = t.shape[0]
    return tuple(t.reshape(*[-1 if i == place[k] else 1 for i in range(len(flat))]).expand(*shape)
                 for k, t in enumerate(flat))


def block_diag(*tensors):
    """A block-diagonal matrix of the given matrices (0-d and 1-D ones as rows)."""
    mats = [t.reshape(1, -1) if t.ndim < 2 else t for t in tensors]
    if any(m.ndim != 2 for m in mats):
        raise ValueError("block_diag: every input must have at most 2 dims")
    cols = sum(m.shape[1] for m in mats)
    rows, left = [], 0
    for m in mats:
        rows.append(m.pad(((0, 0), (left, cols - left - m.shape[1]))))
        left += m.shape[1]
    return rows[0].cat(rows, 0) if rows else None


def cartesian_prod(*tensors):
    """Every combination of the elements of 1-D tensors, one per row."""
    grids = meshgrid(*tensors, indexing="ij")
    if len(grids) == 1:
        return grids[0]
    return grids[0].stack([g.reshape(-1) for g in grids], 1)
