"""Each lesson's claim, checked here from the lesson's pieces and independent references.

These do not trust the lesson's own `checks`: they recompute the claim (closed forms,
PyTorch when installed, numpy) so that a wrong implementation fails them.
"""
from math import comb

import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, nn, optim, viz
from tinygrad_edu.lessons import (delta_recursion, gradient_structure, linear_autoencoder_pca,
                                  linear_regions, logistic_gradient, momentum, ols_vs_gd,
                                  rnn_gradients, universal_approximation, weight_decay)


def test_ols_vs_gd_lands_on_the_normal_equations(lesson_result):
    result, _ = lesson_result("ols_vs_gd")
    X, y = ols_vs_gd.least_squares_data(seed=0)
    np.testing.assert_allclose(result["w_gd"], np.linalg.lstsq(X, y, rcond=None)[0], atol=1e-8)


def test_logistic_gradient_formula_against_autodiff_and_torch(torch):
    rng = np.random.default_rng(3)
    X, y, w = rng.normal(size=(40, 3)), (rng.random(40) < 0.4).astype(float), rng.normal(size=3)
    formula = X.T @ (1 / (1 + np.exp(-X @ w)) - y) / 40
    wt = Tensor(w, requires_grad=True)
    logistic_gradient.logistic_loss(wt, Tensor(X), Tensor(y)).backward()
    np.testing.assert_allclose(wt.grad.data, formula, atol=1e-13)
    tw = torch.tensor(w, requires_grad=True)
    torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(X) @ tw, torch.tensor(y)).backward()
    np.testing.assert_allclose(tw.grad.numpy(), formula, atol=1e-13)
    assert gradcheck(lambda v: logistic_gradient.logistic_loss(v, Tensor(X), Tensor(y)), [wt])


def test_delta_recursion_matches_torch_autograd(torch):
    rng = np.random.default_rng(1)
    sizes = [3, 5, 4, 2]
    Ws = [rng.normal(size=(b, a)) for a, b in zip(sizes[:-1], sizes[1:])]
    bs = [rng.normal(size=b) for b in sizes[1:]]
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    deltas, gW, gb = delta_recursion.manual_backprop(Ws, bs, x, y)
    tW = [torch.tensor(W, requires_grad=True) for W in Ws]
    tb = [torch.tensor(b, requires_grad=True) for b in bs]
    h = torch.tensor(x, requires_grad=True)
    for k, (W, b) in enumerate(zip(tW, tb)):
        z = h @ W.T + b
        h = z if k == len(Ws) - 1 else torch.nn.functional.leaky_relu(z, delta_recursion.SLOPE)
    (0.5 * ((h - torch.tensor(y)) ** 2).sum()).backward()
    for k in range(len(Ws)):
        np.testing.assert_allclose(gW[k], tW[k].grad.numpy(), atol=1e-12)
        np.testing.assert_allclose(gb[k], tb[k].grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(deltas[-1], h.detach().numpy() - y, atol=1e-12)


def test_delta_recursion_lesson_matches_the_engine(lesson_result):
    result, _ = lesson_result("delta_recursion")
    assert max(result["delta_errors"] + result["weight_errors"]) < 1e-12


def test_universal_approximation_m_minus_1_relus_reproduce_the_interpolant():
    grid = np.linspace(0, 1, 1001)
    errors = []
    for m in (3, 6, 12, 24):
        a, b, inner, c = universal_approximation.relu_interpolant(np.cos, m)
        assert len(c) == m - 1
        g = universal_approximation.relu_network(Tensor(grid), a, b, inner, c).data
        knots = np.linspace(0, 1, m + 1)
        np.testing.assert_allclose(g, np.interp(grid, knots, np.cos(knots)), atol=1e-12)
        errors.append(np.max(np.abs(g - np.cos(grid))))
    assert np.all(np.diff(errors) < 0) and errors[-1] < errors[0] / 30


def test_smooth_gd_sufficient_decrease_recomputed(lesson_result):
    result, _ = lesson_result("smooth_gd")
    losses, grad_sq, L = result["losses"], result["grad_sq"], result["L"]
    assert np.all(losses[1:] <= losses[:-1] - grad_sq[:-1] / (2 * L) + 1e-12)


def test_pl_convergence_rates_recomputed(lesson_result):
    from scipy.optimize import minimize_scalar
    result, _ = lesson_result("pl_convergence")
    ls, nc = result["least_squares"], result["nonconvex"]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 50))
    eig = np.linalg.eigvalsh(X @ X.T / 20)
    t = np.arange(len(ls))
    assert np.all(ls <= ls[0] * (1 - eig[0] / eig[-1]) ** t * (1 + 1e-9))
    # the PL constant of x^2 + 3 sin^2 x, independently: the smallest h'^2 / (2h), local minima by scipy
    ratio = lambda x: (2 * x + 3 * np.sin(2 * x)) ** 2 / (2 * (x ** 2 + 3 * np.sin(x) ** 2))  # noqa: E731
    best = min(minimize_scalar(ratio, bounds=(a, a + 0.5), method="bounded", options={"xatol": 1e-12}).fun
               for a in np.arange(0.25, 20, 0.5))
    assert result["mu_nonconvex"] == pytest.approx(best, rel=1e-4)
    assert np.all(nc <= nc[0] * (1 - best / 8) ** np.arange(len(nc)) + 1e-15)
    # where the bound is tight: the weakest direction decays as (1 - mu/L)^(2t) exactly
    weak, mu, L = result["weakest_direction"], result["mu_least_squares"], result["L_least_squares"]
    assert mu == pytest.approx(eig[0]) and L == pytest.approx(eig[-1])
    np.testing.assert_allclose(weak, weak[0] * (1 - mu / L) ** (2 * t), rtol=1e-9)


def test_momentum_heavy_ball_and_nesterov_are_the_notes_recursions():
    A = momentum.quadratic(d=5, L=50.0, seed=2)
    theta0 = np.ones(5)
    prev, theta, hb = theta0.copy(), theta0.copy(), [theta0.copy()]
    for _ in range(30):                       # the notes: theta - eta grad + beta (theta - theta_prev)
        prev, theta = theta, theta - 0.01 * A @ theta + 0.7 * (theta - prev)
        hb.append(theta)
    _, path = momentum.run_optimizer(A, theta0, lambda p: optim.SGD(p, lr=0.01, momentum=0.7), 30)
    np.testing.assert_allclose(path, np.array(hb), atol=1e-12)
    prev, theta, look = theta0.copy(), theta0.copy(), []
    for _ in range(31):                       # chi = theta + beta (theta - prev), theta' = chi - eta h'(chi)
        chi = theta + 0.7 * (theta - prev)
        look.append(chi)
        prev, theta = theta, chi - 0.01 * A @ chi
    _, path = momentum.run_optimizer(A, theta0, lambda p: optim.SGD(p, lr=0.01, momentum=0.7,
                                                                    nesterov=True), 30)
    np.testing.assert_allclose(path, np.array(look), atol=1e-12)


def test_momentum_lesson_speedups(lesson_result):
    result, _ = lesson_result("momentum")
    hits = result["steps_to_tol"]
    gd = hits["rotated/GD, eta = 1/L"]
    assert gd < 1000 and 5 * max(hits["rotated/heavy ball"], hits["rotated/Nesterov"]) <= gd
    assert abs(result["heavy_ball_rate"] - 9 / 11) < 0.1 * 9 / 11


def test_weight_decay_equals_ridge_closed_form():
    eig = np.array([0.02, 0.2, 2.0])
    X, y, Q = weight_decay.designed_regression(eig, N=100, seed=4)
    mu = 0.2
    w = Tensor(np.zeros(3), requires_grad=True)
    opt = optim.SGD([w], lr=1 / (2.0 + mu), weight_decay=mu)
    for _ in range(2000):
        opt.zero_grad()
        (((Tensor(X) @ w - Tensor(y)) ** 2).sum() / 200).backward()
        opt.step()
    ridge = np.linalg.solve(X.T @ X / 100 + mu * np.eye(3), X.T @ y / 100)
    np.testing.assert_allclose(w.data, ridge, atol=1e-9)
    ols = np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose((Q.T @ w.data) / (Q.T @ ols), eig / (eig + mu), atol=1e-8)


def test_batchnorm_dropout_invariances_on_the_engine():
    rng = np.random.default_rng(0)
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    x = Tensor(rng.normal(size=(16, 3)) * [1, 5, 0.1] + [2, -3, 7], requires_grad=True)
    (bn(x) * Tensor(rng.normal(size=(16, 3)))).sum().backward()
    np.testing.assert_allclose(x.grad.data.sum(axis=0), 0, atol=1e-10)
    shifted = bn(Tensor(x.data + [10.0, -4.0, 1.0])).data
    np.testing.assert_allclose(shifted, bn(Tensor(x.data)).data, atol=1e-9)


def test_rnn_gradients_norms_follow_the_spectral_norm():
    rng = np.random.default_rng(1)
    Q = np.linalg.qr(rng.normal(size=(8, 8)))[0]
    U, xs = rng.normal(size=(8, 2)), rng.normal(size=(20, 2))
    for rho in (0.7, 1.3):
        lin = rnn_gradients.gradient_norms(rho * Q, U, xs, [0, 10, 20], "linear")
        np.testing.assert_allclose(lin, rho ** np.array([0, 10, 20]), rtol=1e-9)
        tanh = rnn_gradients.gradient_norms(rho * Q, U, xs, [0, 10, 20], "tanh")
        assert np.all(tanh <= rho ** np.array([0, 10, 20]) * (1 + 1e-12))


def test_lstm_vs_rnn_lstm_beats_rnn_on_the_long_gap(lesson_result):
    result, _ = lesson_result("lstm_vs_rnn")
    assert result["accuracy"]["lstm"] >= 0.95 and 0.4 < result["accuracy"]["rnn"] < 0.6


def test_linear_autoencoder_pca_spans_the_principal_subspace(lesson_result):
    result, _ = lesson_result("linear_autoencoder_pca")
    X = linear_autoencoder_pca.correlated_data(seed=0)
    Xc = X - X.mean(axis=0)
    U = np.linalg.svd(Xc, full_matrices=False)[2][:2].T          # top-2 right singular vectors
    D = np.linalg.qr(result["decoder_weight"])[0]
    np.testing.assert_allclose(D @ D.T, U @ U.T, atol=5e-3)
    discarded = np.sum(np.linalg.svd(Xc, compute_uv=False)[2:] ** 2) / X.shape[0]
    assert result["ae_error"] == pytest.approx(discarded, rel=1e-3)


@pytest.mark.parametrize("sizes", [[3, 5, 1], [3, 4, 4, 2], [2, 6, 6, 6, 1]])
def test_gradient_structure_identity_and_its_failure_with_biases(sizes):
    x = np.random.default_rng(0).normal(size=(5, sizes[0]))
    model = gradient_structure.relu_net(sizes, bias=False)
    lhs, rhs = gradient_structure.weight_sum(model, x)
    h = x                                           # f(x) by hand in numpy
    Ws = [m.weight.data for m in model.modules() if isinstance(m, nn.Linear)]
    for k, W in enumerate(Ws):
        h = h @ W.T if k == len(Ws) - 1 else np.maximum(h @ W.T, 0)
    np.testing.assert_allclose(rhs, len(Ws) * h.sum(axis=1), rtol=1e-12)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10, atol=1e-12)
    lhs_b, rhs_b = gradient_structure.weight_sum(gradient_structure.relu_net(sizes, bias=True), x)
    assert np.max(np.abs(lhs_b - rhs_b)) > 1e-3


def test_linear_regions_one_layer_is_zaslavsky_and_montufar_is_reached():
    rng = np.random.default_rng(5)
    for m in (3, 5, 7):
        W, b = rng.normal(size=(m, 2)), 0.1 * rng.normal(size=m)
        net = nn.Sequential(linear_regions._linear(W, b), nn.ReLU(), nn.Linear(m, 1))
        assert viz.linear_regions(net, (-1e3, 1e3, -1e3, 1e3)).count == sum(comb(m, i) for i in range(3))
    for m, depth in ((4, 2), (4, 3), (6, 2)):
        k = m // 2
        count = viz.linear_regions(linear_regions.montufar_network(m, depth), (0, 1, 0, 1)).count
        assert count >= (k * k) ** (depth - 1) * sum(comb(m, i) for i in range(3))


def test_bptt_and_conv_sums_match_torch(torch):
    from tinygrad_edu.lessons import weight_sharing
    rng = np.random.default_rng(7)
    W_ih, W_hh, b = rng.normal(size=(4, 2)), 0.5 * rng.normal(size=(4, 4)), rng.normal(size=4)
    xs, ys = rng.normal(size=(9, 2)), rng.normal(size=(9, 4))
    tih, thh = torch.tensor(W_ih, requires_grad=True), torch.tensor(W_hh, requires_grad=True)
    h, loss = torch.zeros(4, dtype=torch.float64), 0.0
    for x, y in zip(xs, ys):
        h = torch.tanh(tih @ torch.tensor(x) + thh @ h + torch.tensor(b))
        loss = loss + 0.5 * ((h - torch.tensor(y)) ** 2).sum()
    loss.backward()
    dW_ih, dW_hh = weight_sharing.rnn_bptt(W_ih, W_hh, b, xs, ys)
    np.testing.assert_allclose(dW_ih, tih.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dW_hh, thh.grad.numpy(), atol=1e-12)
    x, w, g = rng.normal(size=(2, 7, 5)), rng.normal(size=(3, 2, 3, 3)), rng.normal(size=(3, 5, 3))
    tx, tw = torch.tensor(x[None], requires_grad=True), torch.tensor(w, requires_grad=True)
    (torch.nn.functional.conv2d(tx, tw) * torch.tensor(g[None])).sum().backward()
    dw, dx = weight_sharing.conv_grads_by_loops(x, w, g)
    np.testing.assert_allclose(dw, tw.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy()[0], atol=1e-12)
    np.testing.assert_allclose(weight_sharing.full_correlation_with_rot180(g, w), dx, atol=1e-12)


def test_batchnorm_dropout_dropout_is_unbiased_and_identity_in_eval():
    import tinygrad_edu
    tinygrad_edu.manual_seed(3)
    drop, x, p = nn.Dropout(0.25), np.linspace(0.5, 1.5, 40), 0.25
    outs = np.array([drop(Tensor(x)).data for _ in range(4000)])
    assert abs(np.mean(outs == 0) - p) < 0.01
    np.testing.assert_allclose(outs[outs != 0], np.broadcast_to(x / (1 - p), outs.shape)[outs != 0])
    assert np.max(np.abs(outs.mean(axis=0) - x) / x) < 5 * np.sqrt(p / ((1 - p) * 4000))
    drop.eval()
    np.testing.assert_array_equal(drop(Tensor(x)).data, x)


def test_gradient_structure_identity_after_training():
    x = np.random.default_rng(2).normal(size=(6, 3))
    model = gradient_structure.relu_net([3, 8, 8, 1], bias=False, leaky=True)
    before = [p.data.copy() for p in model.parameters()]
    gradient_structure.train_briefly(model, x, 30, seed=0)
    assert any(np.max(np.abs(p.data - b)) > 1e-3 for p, b in zip(model.parameters(), before))
    lhs, rhs = gradient_structure.weight_sum(model, x)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10, atol=1e-12)


def test_lstm_vs_rnn_gru_and_peephole_steps(torch):
    from tinygrad_edu.lessons import lstm_vs_rnn
    peephole_gap, gru_gap, notes_difference = lstm_vs_rnn.gate_equation_gaps(seed=3)
    assert peephole_gap < 1e-12 and gru_gap < 1e-12 and notes_difference > 1e-3
    rng = np.random.default_rng(4)              # nn.GRU against torch's GRU on the same weights
    ours, theirs = nn.GRU(2, 3, dtype=np.float64), torch.nn.GRU(2, 3).double()
    for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"):
        getattr(ours, name).data[...] = getattr(theirs, name).detach().numpy()
    x, h = rng.normal(size=(5, 1, 2)), rng.normal(size=(1, 1, 3))
    expected = theirs(torch.tensor(x), torch.tensor(h))[0].detach().numpy()
    np.testing.assert_allclose(ours(Tensor(x), Tensor(h))[0].data, expected, atol=1e-12)
