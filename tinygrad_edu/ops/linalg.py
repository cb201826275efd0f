"""Matrix multiplication: one primitive for 2-D and batched N-D; 1-D cases reshape into it."""
import numpy as np

from ..function import Function
from ..broadcast import broadcast_shape
from ..grad_mode import STATE


class MatMul(Function):
    """Matrix product f(A, B) = A @ B;  df/dA = g @ B^T, df/dB = A^T @ g (batch dims summed by the walk)"""

    def forward(self, a, b):
        return np.matmul(a, b)

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        g, a, b = self.values(g)
        return (g @ b.swapaxes(-1, -2) if need_a else None,
                a.swapaxes(-1, -2) @ g if need_b else None)


class NuclearNorm(Function):
    """Nuclear norm of the matrices in the last two dims f(X) = sum of singular values;
    df/dX = U V^T (from X = U S V^T, for distinct non-zero singular values)"""

    def forward(self, x):
        u, singular, vh = np.linalg.svd(x, full_matrices=False)
        self.save_for_backward(u @ vh)
        return singular.sum(axis=-1)

    def backward(self, g):
        if STATE.grad_enabled:
            raise RuntimeError("norm(p='nuc'): second derivatives of the nuclear norm are not "
                               "implemented; compute the first derivative without create_graph")
        return g.data[..., None, None] * self.saved[0]


def nuclear_norm(x, dim=None, keepdim=False):
    """torch.norm(x, 'nuc', dim): the nuclear norm over two dims (the last two by default)."""
    from .reduce import normalize_axes
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
