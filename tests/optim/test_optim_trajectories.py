"""Trajectory tests: every optimiser against PyTorch (when installed) and against the seed's
formulas written out by hand in numpy, in float64, over 30 steps."""
import math

import numpy as np
import pytest

from tinygrad_edu import optim
from optim_helpers import B0, W0, make_params, np_grads, set_grads

STEPS = 30

CONFIGS = [  # (name, kwargs): one line per update rule variant
    ("SGD", dict(lr=0.05)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.5, weight_decay=0.1)),
    ("Adagrad", dict(lr=0.3)),
    ("Adagrad", dict(lr=0.3, lr_decay=0.05, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, momentum=0.9)),
    ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99), weight_decay=0.1)),
    ("Adam", dict(lr=0.05, amsgrad=True)),
    ("AdamW", dict(lr=0.05)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
]


def run_ours(name, kwargs, steps=STEPS):
    params = make_params()
    opt = getattr(optim, name)(params, **kwargs)
    traj = []
    for _ in range(steps):
        set_grads(params)
        opt.step()
        traj.append([p.data.copy() for p in params])
    return traj


def run_torch(torch, name, kwargs, steps=STEPS):
    params = [torch.tensor(W0.copy(), dtype=torch.float64, requires_grad=True),
              torch.tensor(B0.copy(), dtype=torch.float64, requires_grad=True)]
    opt = getattr(torch.optim, name)(params, foreach=False, **kwargs)
    traj = []
    for _ in range(steps):
        grads = np_grads([p.detach().numpy() for p in params])
        for p, g in zip(params, grads):
            p.grad = torch.tensor(g)
        opt.step()
        traj.append([p.detach().numpy().copy() for p in params])
    return traj


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=[f"{n}-{k}" for n, k in CONFIGS])
def test_trajectory_matches_pytorch(torch, name, kwargs):
    ours, ref = run_ours(name, kwargs), run_torch(torch, name, kwargs)
    diff = max(np.max(np.abs(a - b)) for sa, sb in zip(ours, ref) for a, b in zip(sa, sb))
    assert diff < 1e-10, f"{name}{kwargs}: max trajectory difference {diff:.2e} vs PyTorch"


# ---------------------------------------------------------------- seed formulas by hand
def seed_trajectory(rule, steps=STEPS):
    """Run `rule(t, theta_list, grad_list, memory) -> new theta_list` from W0, B0."""
    theta, memory, traj = [W0.copy(), B0.copy()], {}, []
    for t in range(1, steps + 1):
        theta = rule(t, theta, np_grads(theta), memory)
        traj.append(theta)
    return traj


def heavy_ball(eta, alpha):
    """Seed 002 6.2: theta(t+1) = theta(t) - eta grad + alpha (theta(t) - theta(t-1))."""
    def rule(t, theta, grads, mem):
        prev = mem.get("prev", theta)
        new = [th - eta * g + alpha * (th - pr) for th, g, pr in zip(theta, grads, prev)]
        mem["prev"] = theta
        return new
    return rule


def adagrad(eta, delta):
    """Seed 002 6.2: gamma^2 = sum_s g_s^2, theta -= eta g / (delta + gamma)."""
    def rule(t, theta, grads, mem):
        mem["g2"] = [a + g * g for a, g in zip(mem.get("g2", [0.0, 0.0]), grads)]
        return [th - eta * g / (delta + np.sqrt(s)) for th, g, s in zip(theta, grads, mem["g2"])]
    return rule


def rmsprop(eta, rho, eps):
    """Seed 002 6.2: gamma^2 = sum_s rho^(t-s) g_s^2; PyTorch normalises it by (1 - rho)."""
    def rule(t, theta, grads, mem):
        mem["g2"] = [rho * a + g * g for a, g in zip(mem.get("g2", [0.0, 0.0]), grads)]
        return [th - eta * g / (math.sqrt(1 - rho) * np.sqrt(s) + eps)
                for th, g, s in zip(theta, grads, mem["g2"])]
    return rule


def adam(eta, b1, b2, eps, decoupled_mu=0.0):
    """Seed 002 6.2 Adam with bias correction (+ AdamW's decay theta <- (1 - eta mu) theta)."""
    def rule(t, theta, grads, mem):
        mem["m"] = [b1 * m + (1 - b1) * g for m, g in zip(mem.get("m", [0.0, 0.0]), grads)]
        mem["v"] = [b2 * v + (1 - b2) * g * g for v, g in zip(mem.get("v", [0.0, 0.0]), grads)]
        out = []
        for th, m, v in zip(theta, mem["m"], mem["v"]):
            m_hat, v_hat = m / (1 - b1 ** t), v / (1 - b2 ** t)
            out.append(th * (1 - eta * decoupled_mu) - eta * m_hat / (np.sqrt(v_hat) + eps))
        return out
    return rule


SEED_CASES = [
    ("SGD", dict(lr=0.05), heavy_ball(0.05, 0.0)),
    ("SGD", dict(lr=0.05, momentum=0.9), heavy_ball(0.05, 0.9)),
    ("Adagrad", dict(lr=0.3, eps=1e-10), adagrad(0.3, 1e-10)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-8), rmsprop(0.01, 0.9, 1e-8)),
    ("Adam", dict(lr=0.05, betas=(0.8, 0.99)), adam(0.05, 0.8, 0.99, 1e-8)),
    ("AdamW", dict(lr=0.05, weight_decay=0.3), adam(0.05, 0.9, 0.999, 1e-8, 0.3)),
]


@pytest.mark.parametrize("name,kwargs,rule", SEED_CASES, ids=[c[0] for c in SEED_CASES])
def test_trajectory_matches_seed_formula(name, kwargs, rule):
    ours, ref = run_ours(name, kwargs), seed_trajectory(rule)
    diff = max(np.max(np.abs(a - b)) for sa, sb in zip(ours, ref) for a, b in zip(sa, sb))
    assert diff < 1e-9, f"{name}: max difference {diff:.2e} from the seed 002 formula"


@pytest.mark.parametrize("name,kwargs", [("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
                                         ("Adam", dict(lr=0.01, amsgrad=True)),
                                         ("RMSprop", dict(lr=0.01, centered=True))])
def test_mlp_training_matches_pytorch_end_to_end(torch, float64, name, kwargs):
    """Same MLP, same data, gradients from each library's own backward: 20 steps agree."""
    from tinygrad_edu import nn
    from tinygrad_edu import Tensor
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(16, 3)), rng.integers(0, 4, 16)
    ours = nn.MLP([3, 5, 4], activation="tanh")
    ref = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.Tanh(),
                              torch.nn.Linear(5, 4)).double()
    with torch.no_grad():
        for p, q in zip(ours.parameters(), ref.parameters()):
            q.copy_(torch.tensor(p.data))
    opt = getattr(optim, name)(ours.parameters(), **kwargs)
    opt_ref = getattr(torch.optim, name)(ref.parameters(), foreach=False, **kwargs)
    for _ in range(20):
        opt.zero_grad()
        nn.functional.cross_entropy(ours(Tensor(x)), Tensor(y)).backward()
        opt.step()
        opt_ref.zero_grad()
        torch.nn.functional.cross_entropy(ref(torch.tensor(x)), torch.tensor(y)).backward()
        opt_ref.step()
    diff = max(np.abs(p.data - q.detach().numpy()).max()
               for p, q in zip(ours.parameters(), ref.parameters()))
    assert diff < 1e-10, f"{name}: parameters differ by {diff:.2e} from PyTorch after 20 steps"
