"""`grad(...)` and second derivatives: create_graph, Hessian-vector products against closed-form
Hessians (a quadratic form, log-sum-exp), and gradgradcheck of composite functions."""
import numpy as np
import pytest
from scipy.special import softmax as np_softmax

from tinygrad_edu import Tensor, grad, gradgradcheck


def hvp(f, x, v):
    """H(x) v by double backprop: the gradient of <grad f(x), v> (v a constant)."""
    (g,) = grad(f(x), x, create_graph=True)
    (hv,) = grad((g * Tensor(v)).sum(), x)
    return hv.data


def full_hessian(f, x):
    n = x.data.size
    return np.stack([hvp(f, x, np.eye(n)[i]) for i in range(n)], axis=1)


def test_hvp_of_a_quadratic_form_is_a_plus_a_transpose_times_v():
    rng = np.random.default_rng(0)
    n = 5
    A, b = rng.standard_normal((n, n)), rng.standard_normal(n)
    x = Tensor(rng.standard_normal(n), requires_grad=True)
    v = rng.standard_normal(n)

    def f(t):                                            # f(x) = x^T A x + b^T x
        return t.dot(Tensor(A) @ t) + t.dot(Tensor(b))

    np.testing.assert_allclose(hvp(f, x, v), (A + A.T) @ v, rtol=1e-12)
    np.testing.assert_allclose(full_hessian(f, x), A + A.T, rtol=1e-12)


def test_hessian_of_logsumexp_is_diag_p_minus_p_p_transpose():
    x0 = np.array([0.5, -1.0, 2.0, 0.0])
    p = np_softmax(x0)
    x = Tensor(x0, requires_grad=True)
    v = np.array([1.0, -2.0, 0.5, 3.0])
    expected = np.diag(p) - np.outer(p, p)
    np.testing.assert_allclose(hvp(lambda t: t.logsumexp(), x, v), expected @ v, rtol=1e-12)
    np.testing.assert_allclose(full_hessian(lambda t: t.logsumexp(), x), expected, rtol=1e-11,
                               atol=1e-15)
    # the same Hessian through the log_softmax primitive: -log_softmax(x)_0 = lse(x) - x_0
    np.testing.assert_allclose(full_hessian(lambda t: -t.log_softmax()[0], x), expected,
                               rtol=1e-11, atol=1e-15)


def test_hessian_of_a_small_mlp_loss_is_symmetric_and_matches_finite_differences():
    rng = np.random.default_rng(1)
    X, w2 = rng.standard_normal((4, 3)), rng.standard_normal(2)

    def loss(w_flat):
        h = (Tensor(X) @ w_flat.reshape(3, 2)).tanh()
        return ((h @ Tensor(w2)) ** 2).mean()

    w0 = rng.standard_normal(6)
    H = full_hessian(loss, Tensor(w0, requires_grad=True))
    np.testing.assert_allclose(H, H.T, atol=1e-12)

    def numeric_grad(w):
        t = Tensor(w, requires_grad=True)
        loss(t).backward()
        return t.grad.data

    eps = 1e-6
    H_fd = np.stack([(numeric_grad(w0 + eps * e) - numeric_grad(w0 - eps * e)) / (2 * eps)
                     for e in np.eye(6)], axis=1)
    np.testing.assert_allclose(H, H_fd, rtol=1e-5, atol=1e-8)


def test_grad_with_create_graph_returns_differentiable_gradients():
    x = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    (g,) = grad((x ** 3).sum(), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    np.testing.assert_allclose(g.data, 3 * x.data ** 2)
    (gg,) = grad(g.sum(), x, create_graph=True)          # 6x
    (ggg,) = grad(gg.sum(), x)                           # 6
    np.testing.assert_allclose(gg.data, 6 * x.data)
    np.testing.assert_allclose(ggg.data, [6.0, 6.0])
    assert x.grad is None                                # grad() does not touch .grad


def test_grad_without_create_graph_gives_constants_and_frees_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    y = (x * x).sum()
    (g,) = grad(y, x)
    assert not g.requires_grad and g.grad_fn is None
    with pytest.raises(RuntimeError, match="second time"):
        grad(y, x)


def test_backward_with_create_graph_makes_dot_grad_differentiable():
    x = Tensor([0.5, -1.5], requires_grad=True, dtype=np.float64)
    x.sin().sum().backward(create_graph=True)            # x.grad = cos x, with a graph
    first = x.grad
    assert first.requires_grad
    x.grad = None
    first.sum().backward()                               # d/dx sum(cos x) = -sin x
    np.testing.assert_allclose(x.grad.data, -np.sin(x.data), rtol=1e-14)


def test_grad_of_several_outputs_and_inputs_with_grad_outputs():
    a = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    b = Tensor([3.0], requires_grad=True, dtype=np.float64)
    u, w = a * b, (a * a).sum()
    ga, gb = grad([u, w], [a, b], grad_outputs=[Tensor([1.0, -1.0]), Tensor(2.0)])
    np.testing.assert_allclose(ga.data, np.array([1.0, -1.0]) * 3.0 + 2.0 * 2 * a.data)
    np.testing.assert_allclose(gb.data, [1.0 * 1.0 - 1.0 * 2.0])


def test_grad_of_an_unused_input_is_an_error_unless_allow_unused():
    a = Tensor([1.0], requires_grad=True)
    b = Tensor([2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"input 1 .*not used.*allow_unused=True"):
        grad((a * 2).sum(), [a, b], retain_graph=True)
    ga, gb = grad((a * 2).sum(), [a, b], allow_unused=True)
    assert ga.tolist() == [2.0] and gb is None


def test_gradient_penalty_style_double_backward_into_parameters():
    # d/dw ||d(w.x)/dx||^2 = d/dw ||w||^2 = 2 w  (the shape of a WGAN-GP penalty)
    w = Tensor([0.3, -0.7, 1.1], requires_grad=True, dtype=np.float64)
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
    (gx,) = grad((w * x).sum().tanh(), x, create_graph=True)
    penalty = (gx * gx).sum()
    penalty.backward()
    s = np.tanh(np.dot(w.data, x.data))
    dtanh = 1 - s ** 2                 # penalty = dtanh^2 ||w||^2, differentiate by hand
    expected = 2 * dtanh ** 2 * w.data + np.sum(w.data ** 2) * 2 * dtanh * (-2 * s * dtanh) * x.data
    np.testing.assert_allclose(w.grad.data, expected, rtol=1e-12)


@pytest.mark.parametrize("name, fn", [
    ("mlp_tanh", lambda x, w: (x @ w).tanh().sum(axis=1).log_softmax(dim=0)),
    ("sigmoid_bce", lambda x, w: ((x @ w).sigmoid().log() * 0.3).mean()),
    ("softplus_var", lambda x, w: (x @ w).softplus().var(axis=0)),
    ("elu_pow_div", lambda x, w: ((x @ w).elu() ** 2 / (1 + w.sum() ** 2))),
], ids=lambda v: v if isinstance(v, str) else "")
def test_gradgradcheck_of_composite_functions(name, fn):
    rng = np.random.default_rng(3)
    x = Tensor(rng.standard_normal((3, 2)), requires_grad=True)
    w = Tensor(rng.standard_normal((2, 2)) + 0.1, requires_grad=True)
    assert gradgradcheck(fn, (x, w))
