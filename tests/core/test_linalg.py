"""tinygrad_edu.linalg: numpy's answers for inverses, determinants, solves and powers, the
closed-form gradients (-A^-T g A^-T; Jacobi's det A A^-T), gradcheck and gradgradcheck, and the
refusals (a singular matrix, non-square input)."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, gradgradcheck

RNG = np.random.default_rng(12)
A = RNG.standard_normal((2, 3, 3)) + 3 * np.eye(3)


def test_values_match_numpy():
    a = Tensor(A)
    assert np.allclose(tg.linalg.inv(a).data, np.linalg.inv(A))
    assert np.allclose(tg.det(a).data, np.linalg.det(A))
    sign, logabs = tg.slogdet(a)
    assert np.allclose(sign.data * np.exp(logabs.data), np.linalg.det(A))
    b = RNG.standard_normal((2, 3, 2))
    assert np.allclose(tg.linalg.solve(a, Tensor(b)).data, np.linalg.solve(A, b))
    assert np.allclose(tg.linalg.solve(a, Tensor(b[..., 0])).data, np.linalg.solve(A, b[..., :1])[..., 0])
    assert np.allclose(tg.matrix_power(a, 3).data, np.linalg.matrix_power(A, 3))
    assert np.allclose(tg.matrix_power(a, -2).data, np.linalg.matrix_power(A, -2))
    assert np.allclose(tg.matrix_power(a, 0).data, np.broadcast_to(np.eye(3), A.shape))
    assert np.isclose(tg.linalg.vector_norm(Tensor([3.0, 4.0])).item(), 5.0)
    assert np.allclose(tg.linalg.multi_dot([a[0], a[1], a[0]]).data, A[0] @ A[1] @ A[0])


def test_closed_form_gradients():
    a = Tensor(A[0], requires_grad=True)
    tg.det(a).backward()
    assert np.allclose(a.grad.data, np.linalg.det(A[0]) * np.linalg.inv(A[0]).T)
    a.grad = None
    g = RNG.standard_normal((3, 3))
    (tg.linalg.inv(a) * Tensor(g)).sum().backward()
    inv = np.linalg.inv(A[0])
    assert np.allclose(a.grad.data, -inv.T @ g @ inv.T)


@pytest.mark.parametrize("fn", [tg.linalg.inv, tg.linalg.det, lambda t: tg.slogdet(t)[1],
                                lambda t: tg.linalg.solve(t, t[..., 0]),
                                lambda t: tg.matrix_power(t, -2)],
                         ids=["inv", "det", "slogdet", "solve", "matrix_power"])
def test_gradcheck_and_gradgradcheck(fn):
    a = Tensor(A, requires_grad=True)
    assert gradcheck(fn, [a]) and gradgradcheck(fn, [a])


def test_refusals():
    with pytest.raises(ValueError, match="linalg.inv: a matrix is singular"):
        tg.linalg.inv(Tensor(np.ones((2, 2))))
    with pytest.raises(ValueError, match="needs square matrices"):
        tg.det(Tensor(np.ones((2, 3))))
    with pytest.raises(ValueError, match="linalg.cross: dim -1 must have length 3"):
        tg.linalg.cross(Tensor(np.ones((2, 2))), Tensor(np.ones((2, 2))))
