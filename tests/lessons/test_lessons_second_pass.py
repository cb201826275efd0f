"""The second pass of lessons: each claim recomputed from independent references.

Every test name holds its lesson's name, so `pytest -k LESSON` selects it. The references are
PyTorch (skipped when absent), SciPy, closed forms and numpy written here, never the lesson's
own `checks`.
"""
from itertools import combinations

import numpy as np
import pytest

from tinygrad_edu import Tensor
from tinygrad_edu.lessons import (adaptive_optimizers, factor_analysis, gan_discriminator, gd_convex_rate,
                                  l1_soft_threshold, linear_collapse, residual_identity, sgd_convergence,
                                  sigmoid_universality, softmax_gradient, stochastic_backprop)


def test_softmax_gradient_closed_form_against_torch(torch):
    rng = np.random.default_rng(11)
    logits, target = rng.normal(size=(7, 4)) * 2, rng.integers(0, 4, size=7)
    z = torch.tensor(logits, requires_grad=True)
    torch.nn.functional.cross_entropy(z, torch.tensor(target)).backward()
    np.testing.assert_allclose(softmax_gradient.softmax_gradient(logits, target), z.grad.numpy(), atol=1e-14)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)           # delta_{yy*} - p by hand
    np.testing.assert_allclose(-7 * z.grad.numpy(), np.eye(4)[target] - p, atol=1e-13)


def test_softmax_gradient_gaussian_nll_against_torch(torch):
    rng = np.random.default_rng(12)
    pred, y, gamma = rng.normal(size=(5, 3)), rng.normal(size=(5, 3)), 0.6
    reference = -torch.distributions.Normal(torch.tensor(pred), gamma).log_prob(torch.tensor(y)).sum()
    assert softmax_gradient.gaussian_nll(Tensor(pred), Tensor(y), gamma).item() == pytest.approx(
        reference.item(), rel=1e-12)


def test_linear_collapse_is_the_matrix_product():
    model = linear_collapse.linear_stack([3, 4, 5, 2])
    W, b = linear_collapse.collapse(model)
    (W1, b1), (W2, b2), (W3, b3) = [(m.weight.data, m.bias.data) for m in model]
    np.testing.assert_allclose(W, W3 @ W2 @ W1, atol=1e-14)
    np.testing.assert_allclose(b, W3 @ (W2 @ b1 + b2) + b3, atol=1e-14)
    x = np.random.default_rng(0).normal(size=(6, 3))
    np.testing.assert_allclose(model(Tensor(x)).data, x @ W.T + b, atol=1e-13)


def test_linear_collapse_xor_floor_is_a_quarter(lesson_result):
    # the best affine fit of XOR (targets 0/1) is the constant 1/2: squared error 1/4 on each point
    floor = linear_collapse.least_squares_floor(linear_collapse.XOR_X, linear_collapse.XOR_Y)
    assert floor == pytest.approx(0.25)
    result, _ = lesson_result("linear_collapse")
    assert result["linear_losses"].min() >= 0.25 - 1e-9 and result["relu_losses"][-1] < 0.01


def test_residual_identity_layer_against_torch(torch):
    rng = np.random.default_rng(3)
    x, W, b = rng.normal(size=(4, 5)), rng.normal(size=(5, 5)), rng.normal(size=5)
    for name, phi in (("tanh", torch.tanh), ("sigmoid", torch.sigmoid), ("relu", torch.relu)):
        tx = torch.tensor(x)
        phi0 = phi(torch.zeros(1, dtype=torch.float64))
        expected = tx + phi(tx @ torch.tensor(W).T + torch.tensor(b)) - phi0
        np.testing.assert_allclose(residual_identity.residual_layer(Tensor(x), W, b, name).data,
                                   expected.numpy(), atol=1e-14)
        zero = residual_identity.residual_layer(Tensor(x), np.zeros((5, 5)), np.zeros(5), name).data
        np.testing.assert_allclose(zero, x, atol=1e-15)                      # F[0, 0] = Id


def test_residual_identity_jacobian_against_torch(torch):
    rng = np.random.default_rng(4)
    layers = [(0.3 * rng.normal(size=(4, 4)), rng.normal(size=4)) for _ in range(3)]
    x0 = rng.normal(size=4)

    def stack(v):
        for W, b in layers:
            v = v + torch.tanh(torch.tensor(W) @ v + torch.tensor(b)) - 0.0
        return v
    J = torch.autograd.functional.jacobian(stack, torch.tensor(x0)).numpy()
    ours = residual_identity.input_jacobian(residual_identity.residual_layer, layers, x0, "tanh")
    np.testing.assert_allclose(ours, J, atol=1e-12)


def test_sgd_convergence_minibatch_gradient_is_unbiased():
    rng = np.random.default_rng(5)
    X, y, theta = rng.normal(size=(7, 3)), rng.normal(size=7), rng.normal(size=3)
    grads = []
    for subset in combinations(range(7), 2):
        S = list(subset)
        g = sgd_convergence.minibatch_gradient(theta, X[S], y[S])
        np.testing.assert_allclose(g, X[S].T @ (X[S] @ theta - y[S]) / 2, atol=1e-13)
        grads.append(g)
    np.testing.assert_allclose(np.mean(grads, axis=0), X.T @ (X @ theta - y) / 7, atol=1e-13)


def test_sgd_convergence_abs_risk_and_rates(lesson_result):
    from scipy import integrate, stats
    for theta in (-1.3, 0.0, 0.7, 3.0):
        exact = integrate.quad(lambda x: abs(theta - x) * stats.norm.pdf(x), -np.inf, np.inf)[0]
        assert sgd_convergence.abs_risk(theta) == pytest.approx(exact, rel=1e-8)
    result, _ = lesson_result("sgd_convergence")
    decaying, steps = result["decaying"], len(result["decaying"]) - 1
    t = np.arange(steps // 4, steps + 1)
    slope = np.polyfit(np.log(t), np.log(decaying[t]), 1)[0]
    assert -1.3 < slope < -0.7
    assert all(g <= 3.0 / np.sqrt(T) for g, T in zip(result["averaged_gaps"], result["horizons"]))


def test_gd_convex_rate_gaps_in_closed_form(lesson_result):
    result, _ = lesson_result("gd_convex_rate")
    steps = len(result["quadratic"]) - 1
    theta0 = np.random.default_rng(0).normal(size=40)
    eig = np.logspace(0, -6, 40)
    t = np.arange(steps + 1)[:, None]
    closed = 0.5 * np.sum(eig * (1 - eig) ** (2 * t) * theta0 ** 2, axis=1)       # GD with step 1/L = 1
    np.testing.assert_allclose(result["quadratic"], closed, rtol=1e-9, atol=1e-15)
    D2 = theta0 @ theta0
    assert np.all(closed <= 2 * 1.0 / (t[:, 0] + 1) * D2)                         # the notes' bound
    lam = 1 / (2 * steps + 1)
    assert result["worst"][-1] == pytest.approx(0.5 * lam * (1 - lam) ** (2 * steps), rel=1e-9)
    assert result["worst"][-1] > (1 / 6) * 1.0 / (2 * steps)                      # O(1/t) is reached
    assert gd_convex_rate.notes_bound(2.0, 3.0, 5) == pytest.approx(2 * 2.0 / 6 * 3.0)


def test_l1_soft_threshold_against_scipy_and_the_lasso(lesson_result):
    from scipy.optimize import minimize_scalar
    from tinygrad_edu.optim.regularizers import soft_threshold
    for w0, mu in ((2.5, 0.7), (-0.4, 0.5), (-3.0, 1.2), (0.9, 0.0)):
        best = minimize_scalar(lambda w: 0.5 * (w - w0) ** 2 + mu * abs(w), bounds=(-5, 5), method="bounded",
                               options={"xatol": 1e-10}).x
        assert soft_threshold(np.array(w0), mu) == pytest.approx(best, abs=1e-6)
    result, _ = lesson_result("l1_soft_threshold")
    X, y = l1_soft_threshold.orthonormal_lasso(100, 12, 0)
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(result["ista"], np.sign(ols) * np.maximum(np.abs(ols) - 0.3, 0), atol=1e-10)
    assert np.sum(result["ista"] == 0) >= 1 and np.all(result["subgradient"] != 0)


def test_adaptive_optimizers_against_torch(torch):
    rng = np.random.default_rng(6)
    grads = rng.normal(size=(50, 3)) * [0.01, 1.0, 100.0]

    def torch_path(make):
        p = torch.zeros(3, dtype=torch.float64, requires_grad=True)
        opt, path = make([p]), [np.zeros(3)]
        for g in grads:
            opt.zero_grad()
            p.grad = torch.tensor(g)
            opt.step()
            path.append(p.detach().numpy().copy())
        return np.array(path)
    np.testing.assert_allclose(adaptive_optimizers.notes_adam(grads, 0.01),
                               torch_path(lambda p: torch.optim.Adam(p, lr=0.01)), atol=1e-12)
    np.testing.assert_allclose(adaptive_optimizers.notes_rmsprop(grads, 0.01)[0],
                               torch_path(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.99)), atol=1e-12)


def test_adaptive_optimizers_bias_correction_by_hand(lesson_result):
    result, _ = lesson_result("adaptive_optimizers")
    np.testing.assert_allclose(result["corrected_steps"], 1.0, atol=1e-6)
    t = np.arange(1, len(result["uncorrected_steps"]) + 1)
    by_hand = 0.1 * (1 - 0.9 ** t) / 0.1 / np.sqrt(1 - 0.999 ** t)               # m / sqrt(v), g constant
    np.testing.assert_allclose(result["uncorrected_steps"][:, 0], by_hand, rtol=1e-6)


def test_sigmoid_universality_maurey_constant_and_tanh(torch):
    rng = np.random.default_rng(7)
    points = rng.normal(size=(5, 3)) / 2
    W = rng.normal(size=(400000, 3))
    cosines = np.cos(points @ W.T)
    np.testing.assert_allclose(cosines.mean(axis=1), np.exp(-np.sum(points ** 2, axis=1) / 2), atol=5e-3)
    variance = np.mean(cosines.var(axis=1))
    assert sigmoid_universality.maurey_constant(points) == pytest.approx(variance, rel=1e-2)
    z = torch.linspace(-5, 5, 51, dtype=torch.float64)
    np.testing.assert_allclose(torch.tanh(z).numpy(), (2 * torch.sigmoid(2 * z) - 1).numpy(), atol=1e-15)


def test_sigmoid_universality_cube_units_span_only_cubics(lesson_result):
    result, _ = lesson_result("sigmoid_universality")
    x = np.linspace(-1, 1, 501)
    best = np.max(np.abs(np.polyval(np.polyfit(x, sigmoid_universality.target(x), 3), x)
                         - sigmoid_universality.target(x)))
    np.testing.assert_allclose(result["cube_errors"], best, atol=1e-6)
    assert result["sigmoid_errors"][-1] < best / 10


def test_stochastic_backprop_closed_form_by_finite_differences():
    value, grad_mu, grad_sigma = stochastic_backprop.closed_form()
    a, mu, sigma = stochastic_backprop.A, stochastic_backprop.MU, stochastic_backprop.SIGMA
    expectation = lambda m, s: np.exp(a @ m + 0.5 * a @ s @ a)                  # noqa: E731
    h = 1e-6
    for i in range(3):
        e = np.eye(3)[i] * h
        fd_mu = (expectation(mu + e, sigma) - expectation(mu - e, sigma)) / (2 * h)
        assert grad_mu[i] == pytest.approx(fd_mu, rel=1e-7)
        for j in range(3):
            E = np.zeros((3, 3))
            E[i, j] = h                                          # one entry at a time: d/dSigma_ij
            fd = (expectation(mu, sigma + E) - expectation(mu, sigma - E)) / (2 * h)
            assert grad_sigma[i, j] == pytest.approx(fd, rel=1e-7)


def test_stochastic_backprop_reparameterisation_against_torch(torch):
    rng = np.random.default_rng(8)
    eps = rng.normal(size=(500, 3))
    a, mu, sigma = stochastic_backprop.A, stochastic_backprop.MU, stochastic_backprop.SIGMA
    tm = torch.tensor(mu, requires_grad=True)
    tL = torch.tensor(np.linalg.cholesky(sigma), requires_grad=True)
    torch.exp((tm + torch.tensor(eps) @ tL.T) @ torch.tensor(a)).mean().backward()
    g_mu, g_sigma = stochastic_backprop.reparameterised_gradients(eps)
    np.testing.assert_allclose(g_mu, tm.grad.numpy(), atol=1e-12)
    G = 0.5 * tL.grad.numpy() @ np.linalg.inv(np.linalg.cholesky(sigma))
    np.testing.assert_allclose(g_sigma, 0.5 * (G + G.T), atol=1e-12)


def test_gan_discriminator_against_scipy_js(lesson_result):
    from scipy.spatial.distance import jensenshannon
    rng = np.random.default_rng(9)
    p, r = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    assert gan_discriminator.js_divergence(p, r) == pytest.approx(jensenshannon(p, r) ** 2, rel=1e-10)
    result, _ = lesson_result("gan_discriminator")
    p, gens = result["p"], result["generators"]
    np.testing.assert_allclose(result["q"], p / (p + gens), atol=2e-3)
    js = np.array([jensenshannon(p, g) ** 2 for g in gens])
    np.testing.assert_allclose(result["likelihood"], js - np.log(2), atol=1e-4)


def test_factor_analysis_samples_have_the_model_covariance():
    mu, W, Sigma = factor_analysis.factor_model(n=5, m=2, seed=3)
    X = factor_analysis.sample(mu, W, Sigma, 400000, np.random.default_rng(10))
    np.testing.assert_allclose(np.cov(X.T), W @ W.T + Sigma, atol=0.05)
    np.testing.assert_allclose(X.mean(axis=0), mu, atol=0.02)
    # the noise alone, with W = 0, has covariance Sigma (not Sigma^2)
    noise = factor_analysis.sample(mu, np.zeros((5, 1)), Sigma, 400000, np.random.default_rng(11))
    np.testing.assert_allclose(np.diag(np.cov(noise.T)), np.diag(Sigma), rtol=0.02)
