"""RFIMs computed from their definition with autodiff (Sun & Nielsen 2016, Definition 1, eq. 9):

    g^h(theta) = E_{h ~ p(h | theta)} [ d/dtheta ln p(h | theta)  d/dtheta^T ln p(h | theta) ].

Nothing here uses the closed forms of closed_form.py: each log-likelihood is written from the
model's definition, its score comes from the engine's backward pass, and the expectation is
computed exactly: by summing over all outcomes of Bernoulli and categorical units, and by
Gauss-Hermite quadrature for Gaussian units (the score is affine in h, so the integrand is a
quadratic polynomial and a 3-node rule is exact). The two routes agreeing is the test of both.

Trick: to get every sample's score from ONE backward pass, the parameters are copied once per
sample (a leaf of shape (N, ...)); sample i's log-likelihood depends only on copy i, so the
gradient's row i is sample i's score.
"""
from __future__ import annotations

import itertools
import math

import numpy as np

from tinygrad_edu import Tensor, grad
from .closed_form import BERNOULLI, GAUSSIAN, augment, sigm

_GH_NODES, _GH_WEIGHTS = np.polynomial.hermite_e.hermegauss(3)
_GH_WEIGHTS = _GH_WEIGHTS / math.sqrt(2 * math.pi)  # E_{z~N(0,1)} f(z) = sum_k w_k f(z_k)
MAX_OUTCOMES = 4096


def expected_score_outer(log_prob, param: Tensor, outcomes) -> np.ndarray:
    """mean_i sum_k P_i(y_k) s_ik s_ik^T with s_ik = d/dparam_i ln p(y_k | param_i).

    Args:
        log_prob: y -> Tensor of shape (N,), the log-likelihood of outcome y for each sample.
        param: a leaf Tensor of shape (N, ...), one copy of the parameters per sample.
        outcomes: iterable of (y, prob) pairs, prob of shape (N,), covering the distribution.
    """
    n = param.shape[0]
    total = 0.0
    for y, prob in outcomes:
        (g,) = grad(log_prob(y).sum(), param, retain_graph=True)  # t is shared by all y
        s = g.data.reshape(n, -1)
        total = total + np.einsum("n,ni,nj->ij", prob, s, s)  # sum_k P(y_k) s s^T
    return total / n  # average over the samples (empirical input distribution)


def _mean_fn(activation: str, t: Tensor, omega, iota, alpha) -> Tensor:
    """The mean of a Gaussian unit: relu_w (eq. 17), leaky/plain ReLU, ELU or identity."""
    if activation in ("relu", "leaky_relu"):
        if omega is None:
            return t.leaky_relu(iota) if iota else t.relu()
        # w ln(exp(iota t/w) + exp(t/w)) = iota t + w softplus((1 - iota) t / w)   (eq. 17)
        return t * iota + ((t * ((1 - iota) / omega)).softplus()) * omega
    if activation == "elu":
        return t.elu(alpha)
    return t  # linear


def _unit_outcomes(activation: str, t: np.ndarray, mean: np.ndarray, sigma: float):
    """Per-unit outcome lists [(value (N,), prob (N,)), ...] of each unit's distribution."""
    if activation == "sigmoid":
        p1 = sigm(t)
        return [(np.ones_like(t), p1), (np.zeros_like(t), 1 - p1)]
    if activation == "tanh":
        p1 = (1 + np.tanh(t)) / 2
        return [(np.ones_like(t), p1), (-np.ones_like(t), 1 - p1)]
    return [(mean + sigma * z, np.full_like(t, w)) for z, w in zip(_GH_NODES, _GH_WEIGHTS)]


def layer_rfim_autodiff(weight, bias, x, activation: str = "linear", sigma: float = 1.0,
                        omega: float | None = 0.1, iota: float = 0.0,
                        alpha: float = 1.0) -> np.ndarray:
    """The RFIM of a layer of independent stochastic units, from the definition (eq. 9).

    Units: Bernoulli with p(y=1) = sigm(t) (sigmoid) or (1 + tanh t)/2 (tanh, y in {-1, 1}),
    Gaussian N(f(t), sigma^2) for relu/leaky_relu/elu/linear, with t = w_l^T x~. The
    expectation runs over the joint outcomes of all units (2^m or 3^m of them), so keep layers
    small: this route is for checking, the closed form is for training.

    Returns:
        (m*D, m*D) matrix, neuron-major: index l*D + j is component j of w_l = (weight[l], bias[l]).
    """
    if activation not in BERNOULLI + GAUSSIAN:
        raise ValueError(f"layer_rfim_autodiff: unknown activation {activation!r}")
    weight = np.asarray(weight, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64).reshape(-1, weight.shape[1])
    xt = augment(x) if bias is not None else x
    wt = weight if bias is None else np.concatenate([weight, np.asarray(bias)[:, None]], axis=1)
    n, (m, d) = len(xt), wt.shape
    per_unit = 2 if activation in BERNOULLI else len(_GH_NODES)
    if per_unit ** m > MAX_OUTCOMES:
        raise ValueError(f"layer_rfim_autodiff: {per_unit}^{m} joint outcomes is too many; use "
                         f"at most {int(math.log(MAX_OUTCOMES, per_unit))} units, or the closed "
                         f"form layer_rfim")
    w_rep = Tensor(np.broadcast_to(wt, (n, m, d)).copy(), requires_grad=True)
    x_rep = Tensor(xt.reshape(n, 1, d))
    t = (w_rep * x_rep).sum(axis=2)  # (N, m) pre-activations w_l^T x~_i
    mean = _mean_fn(activation, t, omega, iota, alpha)

    def log_prob(y):
        if activation == "sigmoid":  # ln p(y) = y ln sigm(t) + (1 - y) ln(1 - sigm(t))
            s = t.sigmoid()
            lp = s.log() * Tensor(y) + (1 - s).log() * Tensor(1 - y)
        elif activation == "tanh":  # p(y) = (1 + y tanh t) / 2, y in {-1, 1}  (eq. 11)
            lp = ((t.tanh() * Tensor(y) + 1) * 0.5).log()
        else:  # ln N(y | f(t), sigma^2)
            lp = ((Tensor(y) - mean) ** 2 * (-0.5 / sigma ** 2)
                  - math.log(sigma * math.sqrt(2 * math.pi)))
        return lp.sum(axis=1)  # independent units: log-likelihoods add (seed 001 eq. 72)

    units = [_unit_outcomes(activation, t.data[:, k], mean.data[:, k], sigma) for k in range(m)]

    def joint():
        for combo in itertools.product(*units):
            y = np.stack([value for value, _ in combo], axis=1)
            prob = np.prod(np.stack([p for _, p in combo], axis=1), axis=1)
            yield y, prob

    return expected_score_outer(log_prob, w_rep, joint())


def neuron_rfim_autodiff(w, x, activation: str, **options) -> np.ndarray:
    """The RFIM of one neuron (bias last in `w`) from the definition; compare eq. 21."""
    w = np.asarray(w, dtype=np.float64)
    return layer_rfim_autodiff(w[None, :-1], w[-1:], x, activation, **options)


def softmax_rfim_autodiff(weight, bias, x) -> np.ndarray:
    """The RFIM of a softmax layer p(y=c) = softmax(W x~)_c from the definition (compare eq. 25)."""
    weight = np.asarray(weight, dtype=np.float64)
    x = np.asarray(x, dtype=np.float64).reshape(-1, weight.shape[1])
    xt = augment(x) if bias is not None else x
    wt = weight if bias is None else np.concatenate([weight, np.asarray(bias)[:, None]], axis=1)
    n, (m, d) = len(xt), wt.shape
    w_rep = Tensor(np.broadcast_to(wt, (n, m, d)).copy(), requires_grad=True)
    logp = (w_rep * Tensor(xt.reshape(n, 1, d))).sum(axis=2).log_softmax(dim=-1)  # ln eta_c
    eta = np.exp(logp.data)
    outcomes = [(c, eta[:, c]) for c in range(m)]
    return expected_score_outer(lambda c: logp[:, c], w_rep, outcomes)
