"""The matrix inverse and the determinant as primitives (of the last two dims, batched), with
derivatives written in Tensor ops so that every order exists:

    d(A^-1) = -A^-1 dA A^-1, so the gradient is -A^-T g A^-T;
    d det A = det A tr(A^-1 dA), so the gradient is g det(A) A^-T (Jacobi's formula).

Solving, log-determinants and matrix powers are built on these (linalg.py).
"""
import numpy as np

from ..function import Function
from ..grad_mode import STATE


def _check_square(op_name, x):
    if x.ndim < 2 or x.shape[-1] != x.shape[-2]:
        raise ValueError(f"{op_name}: needs square matrices in the last two dims, got shape "
                         f"{x.shape}")
    if x.dtype.kind != "f":
        raise TypeError(f"{op_name}: needs a floating tensor, got dtype {x.dtype}")


class Inverse(Function):
    """f(A) = A^-1;  df/dA = -A^-T g A^-T"""

    def forward(self, a):
        try:
            out = np.linalg.inv(a)
        except np.linalg.LinAlgError:
            raise ValueError("linalg.inv: a matrix is singular (not invertible); check its rank, "
                             "or use pinv") from None
        self.save_for_backward(out)
        return out

    def backward(self, g):
        if STATE.grad_enabled:              # create_graph: the inverse as a differentiable op
            inv_t = Inverse.apply(self.inputs[0]).transpose(-2, -1)
        else:
            inv_t = g._make(np.swapaxes(self.saved[0], -1, -2), None)
        return -(inv_t @ g @ inv_t)


class Determinant(Function):
    """f(A) = det A;  df/dA = g det(A) A^-T (Jacobi's formula)"""

    def forward(self, a):
        return np.asarray(np.linalg.det(a), dtype=a.dtype)

    def backward(self, g):
        a = self.inputs[0]
        det = Determinant.apply(a) if STATE.grad_enabled else a._make(np.linalg.det(a.data), None)
        inv_t = Inverse.apply(a).transpose(-2, -1) if STATE.grad_enabled else \
            a._make(np.swapaxes(np.linalg.inv(a.data), -1, -2), None)
        scale = (g * det).reshape(*g.shape, 1, 1)
        return scale * inv_t


def inverse(x):
    """A^-1 of each matrix in the last two dims.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> inverse(Tensor([[2.0, 0.0], [0.0, 4.0]])).tolist()
        [[0.5, 0.0], [0.0, 0.25]]
    """
    _check_square("linalg.inv", x)
    return Inverse.apply(x)


def determinant(x):
    """det A of each matrix in the last two dims."""
    _check_square("linalg.det", x)
    return Determinant.apply(x)
