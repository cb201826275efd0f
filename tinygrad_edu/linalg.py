"""`tinygrad_edu.linalg`, the part of `torch.linalg` that course code reaches for: inverses,
determinants, solving linear systems, vector norms, matrix powers and products, and the
vector helpers (cross, vecdot, diagonal). Every function is differentiable to any order;
the primitives are in ops/inverse.py.

    >>> import tinygrad_edu as tg
    >>> a = tg.tensor([[2.0, 0.0], [0.0, 4.0]])
    >>> tg.linalg.inv(a).tolist(), tg.linalg.det(a).item()
    ([[0.5, 0.0], [0.0, 0.25]], 8.0)
"""
from collections import namedtuple

import numpy as np

from .tensor import Tensor
from .ops.inverse import inverse, determinant

SlogdetResult = namedtuple("slogdet", ("sign", "logabsdet"))


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def inv(A):
    """The inverse of each square matrix (a clear error for a singular one). As torch.linalg.inv."""
    return inverse(_t(A))


def det(A):
    """The determinant of each square matrix. As torch.linalg.det."""
    return determinant(_t(A))


def slogdet(A):
    """(sign, log |det A|), stable where det A under- or overflows. As torch.linalg.slogdet."""
    d = determinant(_t(A))
    return SlogdetResult(d.sign(), d.abs().log())


def logdet(A):
    """log det A (nan where the determinant is negative). As torch.logdet."""
    return determinant(_t(A)).log()


def solve(A, B, *, left=True):
    """X with A X = B (or X A = B with left=False), for each square A; B is a vector (..., n)
    or a stack of columns (..., n, k), by PyTorch's rule. As torch.linalg.solve."""
    A, B = _t(A), _t(B)
    inverse_a = inverse(A)
    vector = B.ndim == 1 or (B.ndim == A.ndim - 1 and tuple(B.shape) == tuple(A.shape[:-1]))
    if vector:
        return (inverse_a @ B.unsqueeze(-1)).squeeze(-1) if left else \
            (B.unsqueeze(-2) @ inverse_a).squeeze(-2)
    return inverse_a @ B if left else B @ inverse_a


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None):
    """The ord-norm of vectors (all entries when dim is None; 0, inf, -inf and any real ord).
    As torch.linalg.vector_norm."""
    x = _t(x)
    if isinstance(ord, str):
        raise ValueError(f"linalg.vector_norm: ord must be a number, got {ord!r}; use matrix "
                         f"norms for 'fro' and 'nuc'")
    return x.norm(ord, dim, keepdim, dtype)


def matrix_power(A, n):
    """A multiplied by itself n times (the identity for n = 0, powers of the inverse for n < 0).
    As torch.linalg.matrix_power."""
    A = _t(A)
    if A.ndim < 2 or A.shape[-1] != A.shape[-2]:
        raise ValueError(f"linalg.matrix_power: needs square matrices, got shape {A.shape}")
    if n == 0:
        eye = np.broadcast_to(np.eye(A.shape[-1], dtype=A.dtype), A.shape)
        return Tensor(np.ascontiguousarray(eye)) + A * 0
    base = inverse(A) if n < 0 else A
    result, n = None, abs(int(n))
    while n:                            # binary exponentiation, as PyTorch
        if n & 1:
            result = base if result is None else result @ base
        n >>= 1
        if n:
            base = base @ base
    return result


def multi_dot(tensors):
    """The product of a chain of matrices (a first or last 1-D one is a vector). As
    torch.linalg.multi_dot."""
    tensors = [_t(t) for t in tensors]
    if len(tensors) < 2:
        raise ValueError(f"linalg.multi_dot: needs at least 2 tensors, got {len(tensors)}")
    result = tensors[0]
    for t in tensors[1:]:
        result = result @ t
    return result


def cross(input, other, *, dim=-1):
    """The cross product of 3-vectors along dim (the last by default); unlike torch.cross, both
    inputs must have the same number of dims and length 3 there. As torch.linalg.cross."""
    input, other = _t(input), _t(other)
    if input.ndim != other.ndim:
        raise ValueError(f"linalg.cross: inputs must have the same number of dims, got shapes "
                         f"{input.shape} and {other.shape}")
    if input.ndim == 0 or input.shape[dim] != 3 or other.shape[dim] != 3:
        raise ValueError(f"linalg.cross: dim {dim} must have length 3 in both inputs, got shapes "
                         f"{input.shape} and {other.shape}")
    return input.cross(other, dim=dim)


def vecdot(x, y, *, dim=-1):
    """The dot product of vectors along dim, broadcast elsewhere. As torch.linalg.vecdot."""
    return (_t(x) * y).sum(dim)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1):
    """The diagonals of the matrices in (dim1, dim2). As torch.linalg.diagonal."""
    return _t(A).diagonal(offset, dim1, dim2)


__all__ = ["inv", "det", "slogdet", "logdet", "solve", "vector_norm", "matrix_power",
           "multi_dot", "cross", "vecdot", "diagonal"]
