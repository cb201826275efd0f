"""Learning-rate schedules, gradient clipping, parameter averaging, L1/L2 regularisers."""
import math

import numpy as np
import pytest

from tinygrad_edu import optim
from tinygrad_edu.optim import lr_scheduler as sched
from optim_helpers import make_params
from tinygrad_edu import Tensor


def lrs(make_sched, epochs=25, lr=0.5):
    opt = optim.SGD(make_params(), lr=lr)
    s = make_sched(opt)
    out = [opt.param_groups[0]["lr"]]
    for _ in range(epochs):
        opt.step()
        s.step()
        out.append(opt.param_groups[0]["lr"])
    assert s.get_last_lr() == [out[-1]]
    return out


def test_step_exponential_cosine_linear_formulas():
    np.testing.assert_allclose(lrs(lambda o: sched.StepLR(o, 10, gamma=0.1)),
                               [0.5 * 0.1 ** (t // 10) for t in range(26)])
    np.testing.assert_allclose(lrs(lambda o: sched.ExponentialLR(o, 0.9)),
                               [0.5 * 0.9 ** t for t in range(26)])
    np.testing.assert_allclose(lrs(lambda o: sched.CosineAnnealingLR(o, 20, eta_min=0.01)),
                               [0.01 + 0.49 * (1 + math.cos(math.pi * t / 20)) / 2
                                for t in range(26)])
    warm = lrs(lambda o: sched.LinearWarmup(o, warmup_steps=4))
    np.testing.assert_allclose(warm[:6], [0.125, 0.21875, 0.3125, 0.40625, 0.5, 0.5])


SCHEDULES = [
    ("StepLR", dict(step_size=7, gamma=0.3)),
    ("ExponentialLR", dict(gamma=0.93)),
    ("CosineAnnealingLR", dict(T_max=10, eta_min=0.05)),
    ("LinearLR", dict(start_factor=0.2, end_factor=0.9, total_iters=8)),
]


@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedules_match_pytorch(torch, name, kwargs):
    ours = lrs(lambda o: getattr(sched, name)(o, **kwargs), epochs=30)
    p = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.5)
    s = getattr(torch.optim.lr_scheduler, name)(opt, **kwargs)
    ref = [opt.param_groups[0]["lr"]]
    for _ in range(30):
        opt.step()
        s.step()
        ref.append(opt.param_groups[0]["lr"])
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)


def test_scheduler_state_dict_resumes():
    opt = optim.SGD(make_params(), lr=1.0)
    s = sched.StepLR(opt, 2, gamma=0.5)
    for _ in range(3):
        s.step()
    s2 = sched.StepLR(optim.SGD(make_params(), lr=1.0), 2, gamma=0.5)
    s2.load_state_dict(s.state_dict())
    s.step()
    s2.step()
    assert s2.last_epoch == 4 and s2.get_last_lr() == s.get_last_lr() == [0.25]


def test_scheduler_bad_input():
    with pytest.raises(TypeError, match="expected an optim.Optimizer"):
        sched.StepLR(object(), 3)
    with pytest.raises(ValueError, match="StepLR: invalid step_size=0"):
        sched.StepLR(optim.SGD(make_params(), lr=1.0), 0)


# ------------------------------------------------------------------ clipping
def grads_of(params):
    return [p.grad.data for p in params]


def test_clip_grad_norm_rescales_and_returns_total_norm():
    w, b = make_params()
    gw, gb = np.full((2, 2), 3.0), np.array([4.0, 0.0, 0.0])
    w.grad, b.grad = Tensor(gw), Tensor(gb)
    total = optim.clip_grad_norm_([w, b], max_norm=2.0)
    assert total == pytest.approx(math.sqrt(4 * 9 + 16))
    new_total = math.sqrt(sum(float(np.sum(g ** 2)) for g in grads_of([w, b])))
    assert new_total == pytest.approx(2.0, rel=1e-5)
    np.testing.assert_allclose(w.grad.data / gw, b.grad.data[0] / 4.0)  # one common factor
    # below the threshold nothing changes
    assert optim.clip_grad_norm_([w, b], max_norm=10.0) == pytest.approx(2.0, rel=1e-5)


def test_clipping_never_writes_into_shared_gradient_arrays():
    w, b = make_params()
    shared = np.full(3, 5.0)
    b.grad = Tensor(shared)
    other = Tensor(np.zeros(3), requires_grad=True)
    other.grad = b.grad  # the same gradient Tensor (and array) on two tensors
    optim.clip_grad_norm_([b], max_norm=1.0)
    optim.clip_grad_value_([b], 0.1)
    np.testing.assert_array_equal(shared, 5.0)
    np.testing.assert_array_equal(other.grad.data, 5.0)
    np.testing.assert_allclose(b.grad.data, 0.1)


def test_clip_grad_value_and_inf_norm_match_pytorch(torch):
    rng = np.random.default_rng(3)
    g = [rng.normal(size=(3, 4)) * 5, rng.normal(size=5)]
    for fn, kwargs in [(optim.clip_grad_norm_, dict(max_norm=1.5)),
                       (optim.clip_grad_norm_, dict(max_norm=1.5, norm_type=float("inf"))),
                       (optim.clip_grad_norm_, dict(max_norm=1.5, norm_type=1.0)),
                       (optim.clip_grad_value_, dict(clip_value=0.7))]:
        ours = [Tensor(np.zeros_like(a), requires_grad=True) for a in g]
        ref = [torch.zeros(a.shape, dtype=torch.float64, requires_grad=True) for a in g]
        for p, q, a in zip(ours, ref, g):
            p.grad, q.grad = Tensor(a.copy()), torch.tensor(a.copy())
        out = fn(ours, **kwargs)
        out_ref = getattr(torch.nn.utils, fn.__name__)(ref, **kwargs)
        if out_ref is not None:
            assert out == pytest.approx(float(out_ref), rel=1e-12)
        for p, q in zip(ours, ref):
            np.testing.assert_allclose(p.grad.data, q.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_clip_bad_input():
    with pytest.raises(ValueError, match="clip_grad_norm_: invalid max_norm=-1"):
        optim.clip_grad_norm_(make_params(), -1)
    w = make_params()[0]
    w.grad = Tensor(np.full((2, 2), np.nan))
    with pytest.raises(RuntimeError, match="NaN or inf"):
        optim.clip_grad_norm_([w], 1.0, error_if_nonfinite=True)


# ------------------------------------------------------------------ averaging
def test_polyak_and_ema_averages():
    w = Tensor(np.zeros(2), requires_grad=True)
    pol, ema = optim.ParameterAverager([w]), optim.ParameterAverager([w], "ema", alpha=0.5)
    values = [np.array([1.0, 2.0]), np.array([3.0, 2.0]), np.array([5.0, -1.0])]
    for v in values:
        w.data[...] = v
        pol.update()
        ema.update()
    np.testing.assert_allclose(pol.averages[0], np.mean(values, axis=0))  # (1/t) sum theta(s)
    expected = values[0]
    for v in values[1:]:
        expected = 0.5 * expected + 0.5 * v  # alpha theta_bar + (1 - alpha) theta
    np.testing.assert_allclose(ema.averages[0], expected)
    with pol.averaged():
        np.testing.assert_allclose(w.data, np.mean(values, axis=0))
    np.testing.assert_allclose(w.data, values[-1])
    with pytest.raises(ValueError, match="alpha must be in"):
        optim.ParameterAverager([w], "ema", alpha=1.0)


def test_polyak_average_beats_last_iterate_of_noisy_sgd():
    rng = np.random.default_rng(0)
    w = Tensor(np.zeros(3), requires_grad=True)
    opt, avg = optim.SGD([w], lr=0.1), optim.ParameterAverager([w])
    target = np.array([1.0, -1.0, 2.0])
    for t in range(2000):
        w.grad = Tensor(w.data - target + rng.normal(size=3))  # noisy gradient of 0.5||w-t||^2
        opt.step()
        if t >= 200:
            avg.update()
    assert np.linalg.norm(avg.averages[0] - target) < 0.3 * np.linalg.norm(w.data - target)


# ------------------------------------------------------------------ regularisers
def test_l2_and_l1_penalty_values_and_gradients():
    W = Tensor(np.array([[1.0, -2.0]]), requires_grad=True)
    b = Tensor(np.array([3.0]), requires_grad=True)
    loss = optim.l2_penalty([W, b], mu=0.1) + optim.l1_penalty([W, b], mu=0.2)
    assert float(loss.data) == pytest.approx(0.05 * 5 + 0.2 * 3)
    loss.backward()
    np.testing.assert_allclose(W.grad.data, 0.1 * W.data + 0.2 * np.sign(W.data))
    assert b.grad is None or np.all(b.grad.data == 0)  # biases are not penalised by default


def test_soft_threshold_is_the_l1_prox():
    w0 = np.linspace(-3, 3, 61)
    t = 0.7
    grid = np.linspace(-4, 4, 80001)
    brute = [grid[np.argmin(0.5 * (grid - a) ** 2 + t * np.abs(grid))] for a in w0]
    np.testing.assert_allclose(optim.soft_threshold(w0, t), brute, atol=1e-4)


def test_ista_solves_an_orthogonal_lasso_exactly():
    """With X^T X = n I the lasso solution is soft_threshold(X^T y / n, mu) (closed form)."""
    rng = np.random.default_rng(2)
    q, _ = np.linalg.qr(rng.normal(size=(40, 6)))
    X = q * np.sqrt(40)
    y = X @ np.array([2.0, -1.5, 0.05, 0.0, -0.02, 1.0]) + 0.1 * rng.normal(size=40)
    mu = 0.1
    W = Tensor(np.zeros((1, 6)), requires_grad=True)
    opt = optim.SGD([W], lr=0.5)
    for _ in range(60):
        W.grad = Tensor(((X @ W.data[0] - y) @ X / 40)[None, :])  # grad of (1/2n)||Xw - y||^2
        opt.step()
        optim.l1_proximal_step_([W], lr=0.5, mu=mu)
    expected = optim.soft_threshold(X.T @ y / 40, mu)
    np.testing.assert_allclose(W.data[0], expected, atol=1e-10)
    assert np.sum(W.data == 0) >= 2  # exact zeros, which subgradient steps never give
