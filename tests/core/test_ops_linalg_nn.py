"""matmul in all its shapes, dot, softmax/log_softmax and linear: forward and gradients against
numpy, gradcheck and gradgradcheck in float64, closed forms and stability at logits of 1e3."""
import numpy as np
import pytest
from scipy.special import softmax as np_softmax, log_softmax as np_log_softmax

from tinygrad_edu import Tensor
from core_helpers import helper_test_op, check_gradients

MATMUL_SHAPES = [
    ((3, 4), (4, 5)),            # 2-D
    ((4,), (4,)),                # 1-D . 1-D: a scalar
    ((4,), (4, 3)),              # 1-D @ 2-D
    ((3, 4), (4,)),              # 2-D @ 1-D
    ((2, 3, 4), (2, 4, 5)),      # batched
    ((2, 1, 3, 4), (3, 4, 2)),   # batched with broadcasting of the batch dims
    ((5, 3, 4), (4, 2)),         # N-D @ 2-D: the matrix is shared by the batch
    ((3, 4), (2, 4, 2)),         # 2-D @ N-D
    ((4,), (2, 4, 3)),           # 1-D @ N-D
    ((2, 3, 4), (4,)),           # N-D @ 1-D
]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_matches_numpy(shapes):
    helper_test_op(shapes, lambda a, b: a @ b, np.matmul)
    helper_test_op(shapes, lambda a, b: a.matmul(b), np.matmul)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul_gradcheck_and_gradgradcheck(shapes):
    check_gradients(shapes, lambda a, b: a @ b)


def test_matmul_gradients_equal_the_closed_forms():
    rng = np.random.default_rng(0)
    a, b, g = rng.standard_normal((3, 4)), rng.standard_normal((4, 5)), rng.standard_normal((3, 5))
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    (ta @ tb).backward(gradient=Tensor(g))
    np.testing.assert_allclose(ta.grad.data, g @ b.T, rtol=1e-13)      # dL/dA = G B^T
    np.testing.assert_allclose(tb.grad.data, a.T @ g, rtol=1e-13)      # dL/dB = A^T G


def test_broadcast_batched_matmul_sums_the_shared_operand_gradient_over_the_batch():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((5, 3, 4)), rng.standard_normal((4, 2))
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    (ta @ tb).sum().backward()
    np.testing.assert_allclose(tb.grad.data, sum(a[i].T @ np.ones((3, 2)) for i in range(5)),
                               rtol=1e-13)


def test_matmul_with_a_numpy_array_on_either_side():
    x = Tensor(np.eye(2) * 3.0, requires_grad=True)
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose((m @ x).data, m @ (np.eye(2) * 3.0))
    np.testing.assert_allclose((x @ m).data, (np.eye(2) * 3.0) @ m)


def test_dot_matches_numpy_and_has_both_gradients():
    helper_test_op([(5,), (5,)], lambda a, b: a.dot(b), np.dot)
    check_gradients([(3,), (3,)], lambda a, b: a.dot(b))


@pytest.mark.parametrize("shape, dim", [((5,), -1), ((3, 4), -1), ((3, 4), 0), ((2, 3, 4), 1)],
                         ids=str)
def test_softmax_and_log_softmax_match_scipy(shape, dim):
    helper_test_op([shape], lambda x: x.softmax(dim), lambda x: np_softmax(x, axis=dim))
    helper_test_op([shape], lambda x: x.log_softmax(dim), lambda x: np_log_softmax(x, axis=dim))


@pytest.mark.parametrize("dim", [0, -1])
def test_softmax_and_log_softmax_gradcheck_and_gradgradcheck(dim):
    check_gradients([(2, 3)], lambda x: x.softmax(dim))
    check_gradients([(2, 3)], lambda x: x.log_softmax(dim))


def test_softmax_backward_equals_the_jacobian_diag_s_minus_s_s_transpose():
    x = np.array([0.3, -1.2, 2.0, 0.5])
    g = np.array([1.0, -2.0, 0.5, 3.0])
    s = np_softmax(x)
    t = Tensor(x, requires_grad=True)
    t.softmax().backward(gradient=Tensor(g))
    np.testing.assert_allclose(t.grad.data, (np.diag(s) - np.outer(s, s)) @ g, rtol=1e-13)
    t.zero_grad()
    t.log_softmax().backward(gradient=Tensor(g))       # J = I - 1 s^T, so J^T g = g - s sum(g)
    np.testing.assert_allclose(t.grad.data, g - s * g.sum(), rtol=1e-13)


@pytest.mark.parametrize("scale", [1e3, -1e3])
def test_softmax_and_log_softmax_are_finite_for_logits_of_magnitude_1e3(scale):
    x = np.array([[1.0, 0.5, -1.0, 0.999], [0.2, 0.2, -0.7, 1.0]]) * scale
    w = np.array([[1.0, 2.0, 3.0, 4.0], [-1.0, 0.5, 2.0, 0.0]])
    for method, ref in (("softmax", np_softmax), ("log_softmax", np_log_softmax)):
        t = Tensor(x, requires_grad=True)
        out = getattr(t, method)(dim=-1)
        assert np.isfinite(out.data).all(), method
        np.testing.assert_allclose(out.data, ref(x, axis=-1), rtol=1e-12, atol=1e-300)
        (out * Tensor(w)).sum().backward()
        assert np.isfinite(t.grad.data).all(), method
    # the stable cross-entropy path: -log_softmax at the target, gradient softmax - onehot
    t = Tensor(x, requires_grad=True)
    (-t.log_softmax()[[0, 1], [0, 3]]).sum().backward()
    onehot = np.zeros_like(x)
    onehot[[0, 1], [0, 3]] = 1
    np.testing.assert_allclose(t.grad.data, np_softmax(x, axis=-1) - onehot, atol=1e-12)


@pytest.mark.parametrize("x_shape", [(5, 3), (2, 4, 3), (3,)], ids=str)
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_x_w_transpose_plus_b(x_shape, bias):
    if bias:
        helper_test_op([x_shape, (2, 3), (2,)], lambda x, w, b: x.linear(w, b),
                       lambda x, w, b: x @ w.T + b)
        check_gradients([x_shape, (2, 3), (2,)], lambda x, w, b: x.linear(w, b))
    else:
        helper_test_op([x_shape, (2, 3)], lambda x, w: x.linear(w), lambda x, w: x @ w.T)
        check_gradients([x_shape, (2, 3)], lambda x, w: x.linear(w))


def test_linear_gradients_equal_the_closed_forms():
    rng = np.random.default_rng(2)
    x, w, b = rng.standard_normal((6, 3)), rng.standard_normal((2, 3)), rng.standard_normal(2)
    g = rng.standard_normal((6, 2))
    tx, tw, tb = (Tensor(a, requires_grad=True) for a in (x, w, b))
    tx.linear(tw, tb).backward(gradient=Tensor(g))
    np.testing.assert_allclose(tx.grad.data, g @ w, rtol=1e-13)
    np.testing.assert_allclose(tw.grad.data, g.T @ x, rtol=1e-13)
    np.testing.assert_allclose(tb.grad.data, g.sum(axis=0), rtol=1e-13)


@pytest.mark.parametrize("x_shape, w_shape, b_shape", [((5, 4), (2, 3), None),
                                                       ((5, 3), (3,), None),
                                                       ((5, 3), (2, 3), (3,))], ids=str)
def test_linear_rejects_shapes_that_do_not_fit(x_shape, w_shape, b_shape):
    x, w = Tensor.zeros(*x_shape), Tensor.zeros(*w_shape)
    b = Tensor.zeros(*b_shape) if b_shape else None
    with pytest.raises(ValueError, match=r"linear: .*\(out_features, in_features\)|linear: bias"):
        x.linear(w, b)
