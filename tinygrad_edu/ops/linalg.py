"""Linear algebra: matrix multiplication (one primitive for 2-D and batched N-D; 1-D cases
reshape into it), the products with PyTorch's names built on it (mm, bmm, mv, outer, inner,
tensordot, kron, cross, addmm, baddbmm, cdist, ...), and the norms (Euclidean, nuclear)."""
import numpy as np

from ..function import Function
from ..broadcast import broadcast_shape
from ..grad_mode import STATE
from .unary import as_float
from .reduce import reduce_axes, normalize_axes


class MatMul(Function):
    """Matrix product f(A, B) = A @ B;  df/dA = g @ B^T, df/dB = A^T @ g (batch dims summed by the walk)"""

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        g, a, b = self.values(g)
        return (g @ b.swapaxes(-1, -2) if need_a else None,
                a.swapaxes(-1, -2) @ g if need_b else None)


class Norm2(Function):
    """Euclidean norm f(x) = sqrt(sum x^2) over `axes`;  df/dx = x / f(x), taken as 0 where f(x) == 0

    At the zero vector the norm has no derivative; PyTorch's convention (a subgradient, 0)
    keeps a zero input from filling every gradient with nan.
    """

    def forward(self, x, axes, keepdim):
        self.axes, self.keepdim = axes, keepdim
        x = as_float(x)
        out = np.sqrt(np.sum(x * x, axis=axes, keepdims=True))
        self.save_for_backward(out)
        return out if keepdim else np.squeeze(out, axis=axes)

    def backward(self, g):
        if not STATE.grad_enabled:
            norm = self.saved[-1]
            g = g.data if self.keepdim else np.expand_dims(g.data, self.axes)
            x = self.inputs[0].data
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(norm == 0, 0, g * x / np.where(norm == 0, 1, norm))
        # create_graph: the same formula from differentiable ops (x / ||x|| with the zero
        # case masked on both branches, so second derivatives stay finite)
        x = self.inputs[0]
        norm = Norm2.apply(x, axes=self.axes, keepdim=True)
        zero = norm._make(np.asarray(norm.data == 0), None)
        one = norm._make(np.ones((), norm.dtype), None)
        safe = type(norm).where(zero, one, norm)
        if not self.keepdim:
            g = g.reshape(*norm.shape)
        return type(norm).where(zero, norm._make(np.zeros((), norm.dtype), None), g * x / safe)


class NuclearNorm(Function):
    """Nuclear norm of the matrices in the last two dims f(X) = sum of singular values;
    df/dX = U V^T (from X = U S V^T, for distinct non-zero singular values)"""

    def forward(self, x):
        u, singular, vh = np.linalg.svd(x, full_matrices=False)
        self.save_for_backward(u @ vh)
        return singular.sum(axis=-1)

    def backward(self, g):
        if STATE.grad_enabled:          # create_graph: U V^T as a differentiable op
            return g.reshape(*g.shape, 1, 1) * PolarFactor.apply(self.inputs[0])
        return g.data[..., None, None] * self.saved[0]


class PolarFactor(Function):
    """The orthogonal factor of the polar decomposition f(X) = U V^T (X = U S V^T, full rank),
    the nuclear norm's gradient. For m >= n its derivative is
    dQ = U [(M - M^T) / (s_i + s_j)] V^T + (I - U U^T) dX V S^-1 V^T with M = U^T dX V,
    and the backward below is that map's adjoint (wide matrices are handled transposed)."""

    def forward(self, x):
        self.wide = x.shape[-2] < x.shape[-1]
        x = x.swapaxes(-1, -2) if self.wide else x
        u, s, vh = np.linalg.svd(x, full_matrices=False)
        self.save_for_backward(u, s, vh)
        q = u @ vh
        return q.swapaxes(-1, -2) if self.wide else q

    def backward(self, g):
        if STATE.grad_enabled:
            raise RuntimeError("norm(p='nuc'): third derivatives of the nuclear norm are not "
                               "implemented; stop at the second (one create_graph=True)")
        u, s, vh = self.saved
        g = g.data.swapaxes(-1, -2) if self.wide else g.data
        v = vh.swapaxes(-1, -2)
        m = u.swapaxes(-1, -2) @ g @ v
        inner = (m - m.swapaxes(-1, -2)) / (s[..., :, None] + s[..., None, :])
        outside = g - u @ (u.swapaxes(-1, -2) @ g)          # (I - U U^T) G
        grad = u @ inner @ vh + outside @ (v / s[..., None, :]) @ vh
        return grad.swapaxes(-1, -2) if self.wide else grad


def nuclear_norm(x, dim=None, keepdim=False):
    """torch.norm(x, 'nuc', dim): the nuclear norm over two dims (the last two by default)."""
    if dim is None:
        if x.ndim != 2:
            raise ValueError(f"norm(p='nuc'): needs a matrix, or dim= naming two dims; got shape "
                             f"{x.shape}")
        dim = (0, 1)
    axes = normalize_axes("norm(p='nuc')", dim, x.ndim)
    if len(axes) != 2:
        raise ValueError(f"norm(p='nuc'): dim must name exactly two dims, got {dim!r}")
    rest = [d for d in range(x.ndim) if d not in axes]
    out = NuclearNorm.apply(x.permute(*rest, *axes))
    if keepdim:
        out = out.reshape(*[1 if d in axes else n for d, n in enumerate(x.shape)])
    return out


def check_matmul_shapes(a_shape, b_shape):
    """Raise a clear error unless (..., n, k) @ (..., k, m) with broadcastable batch dims."""
    if len(a_shape) == 0 or len(b_shape) == 0:
        raise ValueError(f"matmul: both operands need at least 1 dimension, got shapes {a_shape} "
                         f"and {b_shape}; use * to multiply by a scalar")
    k_a = a_shape[-1]
    k_b = b_shape[0] if len(b_shape) == 1 else b_shape[-2]
    if k_a != k_b:
        raise ValueError(f"matmul: shapes {a_shape} and {b_shape} are not aligned: the last dim of "
                         f"the first ({k_a}) must equal the "
                         f"{'first' if len(b_shape) == 1 else 'second-to-last'} dim of the second "
                         f"({k_b}); transpose or reshape one operand")
    if len(a_shape) > 2 and len(b_shape) > 2:
        broadcast_shape("matmul (batch dims)", a_shape[:-2], b_shape[:-2])


class LinalgMethods:
    """Matrix products of `Tensor` (mixed into the class)."""

    __slots__ = ()

    def matmul(self, other):
        """Matrix product with numpy's rules: 1-D, 2-D and batched N-D with broadcasting.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> (Tensor.ones(2, 3) @ Tensor.ones(3, 4)).shape
            (2, 4)
        """
        other = self._operand(other)
        check_matmul_shapes(self.shape, other.shape)
        if self.ndim >= 2 and other.ndim >= 2:
            return MatMul.apply(self, other)
        if self.ndim == 1 and other.ndim == 1:
            return (self * other).sum()
        if self.ndim == 1:
            return MatMul.apply(self.unsqueeze(0), other).squeeze(-2)
        return MatMul.apply(self, other.unsqueeze(-1)).squeeze(-1)

    def __matmul__(self, other):
        return self.matmul(other)

    def __rmatmul__(self, other):
        return self._operand(other).matmul(self)

    def dot(self, other):
        """Inner product of two 1-D tensors."""
        other = self._operand(other)
        if self.ndim != 1 or other.ndim != 1:
            raise ValueError(f"dot: needs two 1-D tensors, got shapes {self.shape} and "
                             f"{other.shape}; use matmul (@) for matrices")
        return self.matmul(other)


class ProductMethods:
    """Matrix products with PyTorch's names (mixed into Tensor), composites of matmul, `*` and sum."""

    __slots__ = ()

    def _ndim_is(self, op_name, other, want_self, want_other):
        if self.ndim != want_self or other.ndim != want_other:
            raise ValueError(f"{op_name}: needs {want_self}-D and {want_other}-D tensors, got shapes "
                             f"{self.shape} and {other.shape}")

    def mm(self, mat2):
        """The product of two matrices (2-D only; matmul for the general case)."""
        mat2 = self._operand(mat2)
        self._ndim_is("mm", mat2, 2, 2)
        return self.matmul(mat2)

    def bmm(self, mat2):
        """Batched matrix product (b, n, m) @ (b, m, p), no broadcasting."""
        mat2 = self._operand(mat2)
        self._ndim_is("bmm", mat2, 3, 3)
        if self.shape[0] != mat2.shape[0]:
            raise ValueError(f"bmm: batch sizes differ: {self.shape} and {mat2.shape}")
        return self.matmul(mat2)

    def mv(self, vec):
        """Matrix times vector."""
        vec = self._operand(vec)
        self._ndim_is("mv", vec, 2, 1)
        return self.matmul(vec)

    def outer(self, vec2):
        """The outer product of two vectors: out[i, j] = self[i] * vec2[j]."""
        vec2 = self._operand(vec2)
        self._ndim_is("outer", vec2, 1, 1)
        return self.reshape(-1, 1) * vec2.reshape(1, -1)

    ger = outer

    def inner(self, other):
        """Sum over the last dims of both (a scalar product for vectors, broadcast for 0-d)."""
        other = self._operand(other)
        if self.ndim == 0 or other.ndim == 0:
            return self * other
        if self.shape[-1] != other.shape[-1]:
            raise ValueError(f"inner: the last dims differ: {self.shape} and {other.shape}")
        return self.tensordot(other, ([self.ndim - 1], [other.ndim - 1]))

    def vdot(self, other):
        """The dot product of two 1-D tensors (real numbers: as dot)."""
        return self.dot(other)

    def tensordot(self, other, dims=2):
        """Sum of products over `dims`: the last `dims` dims of self with the first of other,
        or the listed pairs ([dims of self], [dims of other])."""
        other = self._operand(other)
        if isinstance(dims, (int, np.integer)):
            if dims < 0:
                raise ValueError(f"tensordot: dims must be >= 0, got {dims}")
            a_axes = list(range(self.ndim - dims, self.ndim))
            b_axes = list(range(dims))
        else:
            a_axes, b_axes = ([int(d) for d in np.atleast_1d(getattr(part, "data", part))]
                              for part in dims)
        a_axes = [d % self.ndim for d in a_axes]
        b_axes = [d % other.ndim for d in b_axes]
        a_shape, b_shape = list(self.shape), list(other.shape)
        for da, db in zip(a_axes, b_axes):      # a size-1 dim broadcasts, as in PyTorch
            if a_shape[da] == 1 or b_shape[db] == 1:
                a_shape[da] = b_shape[db] = max(a_shape[da], b_shape[db])
        self, other = self.expand(*a_shape), other.expand(*b_shape)
        if [self.shape[d] for d in a_axes] != [other.shape[d] for d in b_axes]:
            raise ValueError(f"tensordot: contracted sizes differ: {self.shape} dims {a_axes} and "
                             f"{other.shape} dims {b_axes}")
        a_free = [d for d in range(self.ndim) if d not in a_axes]
        b_free = [d for d in range(other.ndim) if d not in b_axes]
        k = int(np.prod([self.shape[d] for d in a_axes]))
        a = self.permute(*a_free, *a_axes).reshape(-1, k)
        b = other.permute(*b_axes, *b_free).reshape(k, -1)
        return (a @ b).reshape(*[self.shape[d] for d in a_free], *[other.shape[d] for d in b_free])

    def kron(self, other):
        """The Kronecker product: every element of self times a copy of other."""
        other = self._operand(other)
        n = max(self.ndim, other.ndim)
        a = self.reshape(*(1,) * (n - self.ndim), *self.shape)
        b = other.reshape(*(1,) * (n - other.ndim), *other.shape)
        a = a.reshape(*[s for d in a.shape for s in (d, 1)])
        b = b.reshape(*[s for d in b.shape for s in (1, d)])
        return (a * b).reshape(*[x * y for x, y in zip(a.shape[::2], b.shape[1::2])])

    def cross(self, other, dim=None):
        """The cross product of 3-vectors along `dim` (the first dim of size 3 when None)."""
        other = self._operand(other)
        shape = np.broadcast_shapes(self.shape, other.shape)
        a, b = self.expand(*shape), other.expand(*shape)
        if dim is None:
            dim = next((d for d, n in enumerate(shape) if n == 3), None)
            if dim is None:
                raise ValueError(f"cross: no dim of size 3 in shape {shape}")
        axis = dim % len(shape) if shape else 0
        if not shape or shape[axis] != 3:
            raise ValueError(f"cross: dim {dim} must have size 3, got shape {shape}")
        lead = (slice(None),) * axis

        def part(t, i):
            return t[lead + (slice(i, i + 1),)]
        parts = [part(a, 1) * part(b, 2) - part(a, 2) * part(b, 1),
                 part(a, 2) * part(b, 0) - part(a, 0) * part(b, 2),
                 part(a, 0) * part(b, 1) - part(a, 1) * part(b, 0)]
        return self.cat(parts, axis)

    def addmm(self, mat1, mat2, beta=1, alpha=1):
        """beta * self + alpha * (mat1 @ mat2)."""
        return _scaled_sum(self, self._operand(mat1).mm(mat2), beta, alpha)

    def addmv(self, mat, vec, beta=1, alpha=1):
        """beta * self + alpha * (mat @ vec)."""
        return _scaled_sum(self, self._operand(mat).mv(vec), beta, alpha)

    def addr(self, vec1, vec2, beta=1, alpha=1):
        """beta * self + alpha * outer(vec1, vec2)."""
        return _scaled_sum(self, self._operand(vec1).outer(vec2), beta, alpha)

    def baddbmm(self, batch1, batch2, beta=1, alpha=1):
        """beta * self + alpha * (batch1 @ batch2), batch by batch."""
        return _scaled_sum(self, self._operand(batch1).bmm(batch2), beta, alpha)

    def addbmm(self, batch1, batch2, beta=1, alpha=1):
        """beta * self + alpha * the sum over the batch of batch1[i] @ batch2[i]."""
        return _scaled_sum(self, self._operand(batch1).bmm(batch2).sum(0), beta, alpha)

    def trace(self):
        """The sum of the main diagonal of a matrix."""
        if self.ndim != 2:
            raise ValueError(f"trace: needs a matrix, got shape {self.shape}")
        return self.diagonal().sum()

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

    def cdist(self, x2, p=2.0, compute_mode=None):
        """Pairwise p-norm distances between the rows of self (..., P, M) and x2 (..., R, M)."""
        x2 = self._operand(x2)
        if self.ndim < 2 or x2.ndim < 2 or self.shape[-1] != x2.shape[-1]:
            raise ValueError(f"cdist: needs (..., P, M) and (..., R, M) tensors, got shapes "
                             f"{self.shape} and {x2.shape}")
        if p < 0:
            raise ValueError(f"cdist: p must be >= 0, got {p}")
        difference = self.unsqueeze(-2) - x2.unsqueeze(-3)
        return difference.norm(p, dim=-1)

    def chain_matmul(self, *matrices):
        """self @ m1 @ m2 @ ..."""
        out = self
        for m in matrices:
            out = out.mm(m)
        return out


def _scaled_sum(base, product, beta, alpha):
    """beta * base + alpha * product, with PyTorch's rule that beta == 0 ignores base (NaN too)."""
    product = product if alpha == 1 else product * alpha
    if beta == 0:
        np.broadcast_shapes(base.shape, product.shape)          # still checked
        return product
    return (base if beta == 1 else base * beta) + product
