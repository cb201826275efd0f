"""Shared helpers for the optim tests: a fixed test problem and float64 parameters."""
import numpy as np
from tinygrad_edu import Tensor, nn

RNG = np.random.default_rng(0)
A_MAT = RNG.normal(size=(5, 4))
B_VEC = RNG.normal(size=5)
W0 = RNG.normal(size=(2, 2))
B0 = RNG.normal(size=3)


def grad_fn(w: np.ndarray) -> np.ndarray:
    """Gradient of a non-quadratic test loss: 0.5||A w - b||^2 + 0.025 sum w^4 (w flattened)."""
    flat = w.reshape(-1)
    g = A_MAT.T @ (A_MAT @ flat - B_VEC) + 0.1 * flat ** 3
    return g.reshape(w.shape)


def make_params():
    """Two float64 parameters of different shapes (a 2x2 'weight' and a 3-vector 'bias')."""
    return [Tensor(W0.copy(), requires_grad=True), Tensor(B0.copy(), requires_grad=True)]


def set_grads(params):
    """Give each parameter a fresh gradient Tensor from the test problem (no backward needed)."""
    for i, p in enumerate(params):
        g = grad_fn(p.data) if i == 0 else 0.5 * (p.data - np.arange(3.0)) * np.abs(p.data)
        p.grad = Tensor(g)


def np_grads(values):
    """The same gradients as `set_grads`, on plain numpy arrays."""
    return [grad_fn(values[0]), 0.5 * (values[1] - np.arange(3.0)) * np.abs(values[1])]


def bce_step(model, opt, x, y):
    """One optimiser step on the binary cross-entropy of `model` (one sigmoid output) at (x, y)."""
    opt.zero_grad()
    loss = nn.functional.binary_cross_entropy(model(Tensor(x)).reshape(-1), Tensor(y))
    loss.backward()
    opt.step()
    return float(loss.data)
