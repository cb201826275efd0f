"""Closed-form relative Fisher information metrics (RFIMs) of Sun & Nielsen (2016).

A neuron with input x, weights w (its bias last) and activation f is read as a stochastic unit:
Bernoulli for sigmoid and tanh, Gaussian N(f(w^T x~), sigma^2) for (P)ReLU, ELU and linear units.
Its RFIM is g(w | x) = nu_f(w, x) x~ x~^T (eq. 21), with x~ = (x, 1). The coefficients, each
re-derived from the definition E[score score^T] (Sun & Nielsen 2016, appendices B-E, checked numerically in
tests/optim):
    tanh     nu = 1 - tanh(t)^2                                  eq. 12 (y in {-1, 1})
    sigmoid  nu = sigm(t) (1 - sigm(t))                          eq. 14 (y in {0, 1})
    relu_w   nu = [iota + (1 - iota) sigm((1 - iota) t / w)]^2 / sigma^2       eq. 18
    elu      nu = 1/sigma^2 (t >= 0),  alpha^2 exp(2t)/sigma^2 (t < 0)         eq. 20
    linear   nu = 1/sigma^2                                                    eq. 22
with t = w^T x~. "sign(t)" in the OCR of Sun & Nielsen (2016) is sigm(t) = 1/(1+exp(-t)); eq. 17 is
relu_w(t) = w ln(exp(iota t/w) + exp(t/w)). Layouts follow PyTorch: weight (out, in), bias (out,);
neuron l's vector is w_l = (weight[l], bias[l]) and a layer's vector stacks w_1, ..., w_out.
"""
from __future__ import annotations

import numpy as np

BERNOULLI = ("sigmoid", "tanh")
GAUSSIAN = ("relu", "leaky_relu", "elu", "linear")


def augment(x: np.ndarray) -> np.ndarray:
    """Append a 1 to each input (homogeneous coordinates), so w^T x~ includes the bias.

    Example:
        >>> augment(np.array([[2.0, 3.0]])).tolist()
        [[2.0, 3.0, 1.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    return np.concatenate([x, np.ones(x.shape[:-1] + (1,))], axis=-1)


def sigm(t):
    """The logistic sigmoid 1/(1+exp(-t)), computed without overflow for large |t|."""
    t = np.asarray(t, dtype=np.float64)
    e = np.exp(-np.abs(t))
    return np.where(t >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def smooth_relu(t, omega: float = 0.1, iota: float = 0.0):
    """relu_w(t) = w ln(exp(iota t/w) + exp(t/w)) (Sun & Nielsen 2016, eq. 17), a smooth (P)ReLU.

    Written as iota t + w softplus((1 - iota) t / w), which is the same value without overflow.
    As w -> 0 it tends to max(t, iota t).
    """
    t = np.asarray(t, dtype=np.float64)
    return iota * t + omega * np.logaddexp(0.0, (1 - iota) * t / omega)


def nu_tanh(t):
    """RFIM coefficient of a tanh neuron with y in {-1, 1}, p(y=1) = (1+tanh t)/2 (eq. 12)."""
    return 1.0 - np.tanh(t) ** 2  # nu_tanh = 1 - tanh^2(w^T x~) = sech^2


def nu_sigmoid(t):
    """RFIM coefficient of a sigmoid neuron with Bernoulli output p(y=1) = sigm(t) (eq. 14)."""
    s = sigm(t)
    return s * (1.0 - s)  # nu_sigm = sigm(t) (1 - sigm(t))


def nu_relu(t, omega: float | None = 0.1, iota: float = 0.0, sigma: float = 1.0):
    """RFIM coefficient of a Gaussian (P)ReLU neuron (eq. 18; eq. 16 when omega is None).

    Why smooth: the exact ReLU RFIM jumps from iota^2/sigma^2 to 1/sigma^2 at t = 0 (eq. 16);
    with relu_w the coefficient is the squared derivative relu_w'(t)^2 / sigma^2 (eq. 41, 58).
    """
    t = np.asarray(t, dtype=np.float64)
    if omega is None or omega == 0:
        return np.where(t > 0, 1.0, iota ** 2) / sigma ** 2  # eq. 16 (t = 0 taken as t < 0)
    slope = iota + (1.0 - iota) * sigm((1.0 - iota) * t / omega)  # relu_w'(t), eq. 41
    return slope ** 2 / sigma ** 2  # nu_relu = [iota + (1-iota) sigm((1-iota) t/w)]^2 / sigma^2


def nu_elu(t, alpha: float = 1.0, sigma: float = 1.0):
    """RFIM coefficient of a Gaussian ELU neuron (eq. 20): the squared slope over sigma^2."""
    t = np.asarray(t, dtype=np.float64)
    neg = alpha ** 2 * np.exp(2.0 * np.minimum(t, 0.0))
    return np.where(t >= 0, 1.0, neg) / sigma ** 2  # 1/s^2 if t >= 0 else a^2 exp(2t)/s^2


def nu_linear(t, sigma: float = 1.0):
    """RFIM coefficient of a linear Gaussian unit N(t, sigma^2): constant 1/sigma^2 (eq. 22)."""
    return np.full(np.shape(t), 1.0 / sigma ** 2)


def nu(activation: str, t, **options):
    """Dispatch to the coefficient nu_f of `activation` (one of tanh, sigmoid, relu,
    leaky_relu, elu, linear). Options: omega, iota (relu/leaky_relu), alpha (elu), sigma.

    Example:
        >>> float(nu("sigmoid", 0.0))
        0.25
    """
    sigma = options.get("sigma", 1.0)
    if activation == "tanh":
        return nu_tanh(t)
    if activation == "sigmoid":
        return nu_sigmoid(t)
    if activation in ("relu", "leaky_relu"):
        iota = options.get("iota", 0.01 if activation == "leaky_relu" else 0.0)
        return nu_relu(t, omega=options.get("omega", 0.1), iota=iota, sigma=sigma)
    if activation == "elu":
        return nu_elu(t, alpha=options.get("alpha", 1.0), sigma=sigma)
    if activation == "linear":
        return nu_linear(t, sigma=sigma)
    raise ValueError(f"nu: unknown activation {activation!r}; use one of "
                     f"{BERNOULLI + GAUSSIAN}")


def _inputs(x, with_bias: bool) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    x = x.reshape(1, -1) if x.ndim == 1 else x.reshape(-1, x.shape[-1])
    return augment(x) if with_bias else x


def neuron_rfim(w: np.ndarray, x: np.ndarray, activation: str, **options) -> np.ndarray:
    """RFIM of one neuron averaged over a batch: mean_i nu_f(w, x_i) x~_i x~_i^T (eq. 21).

    Args:
        w: the neuron's weights with its bias last, shape (D+1,).
        x: inputs, shape (N, D) or (D,) (without the appended 1).
    """
    xt = _inputs(x, with_bias=True)
    coef = nu(activation, xt @ np.asarray(w, dtype=np.float64), **options)
    return np.einsum("n,ni,nj->ij", coef, xt, xt) / len(xt)  # g = mean nu x~ x~^T (eq. 21)


def layer_rfim_blocks(weight, bias, x, activation: str = "linear", **options) -> np.ndarray:
    """The diagonal blocks of a layer's RFIM, one per output neuron (eqs. 22-23).

    Returns an array of shape (out, D, D), D = in + 1 (in without bias), block l being
    mean_i nu_f(w_l, x_i) x~_i x~_i^T. Why blocks: the RFIM of a layer of independent units is
    block diagonal, so its inverse is the stack of the blocks' inverses (a batched solve).
    """
    weight = np.asarray(weight, dtype=np.float64)
    xt = _inputs(x, with_bias=bias is not None)
    wt = weight if bias is None else np.concatenate(
        [weight, np.asarray(bias, dtype=np.float64)[:, None]], axis=1)
    coef = nu(activation, xt @ wt.T, **options)  # (N, out): nu_f(w_l, x_i)
    return np.einsum("nl,ni,nj->lij", coef, xt, xt) / len(xt)  # G_l = mean nu_l x~ x~^T (eq. 23)


def block_diag(blocks: np.ndarray) -> np.ndarray:
    """Assemble (m, D, D) blocks into the (mD, mD) block-diagonal matrix diag[G_1, ..., G_m]."""
    m, d, _ = blocks.shape
    full = np.zeros((m * d, m * d))
    for i in range(m):
        full[i * d:(i + 1) * d, i * d:(i + 1) * d] = blocks[i]
    return full


def layer_rfim(weight, bias, x, activation: str = "linear", **options) -> np.ndarray:
    """The full RFIM of a layer y = f(W x~) of independent stochastic units (eqs. 22-23).

    With activation="linear" this is (1/sigma^2) diag[x~x~^T, ..., x~x~^T] (eq. 22).

    Example:
        >>> layer_rfim(np.zeros((2, 1)), np.zeros(2), np.array([[1.0]])).shape
        (4, 4)
    """
    return block_diag(layer_rfim_blocks(weight, bias, x, activation, **options))


def softmax_rfim(weight, bias, x) -> np.ndarray:
    """RFIM of a softmax layer p(y = c) = eta_c (eq. 25), averaged over the batch.

    Block (i, j) is (delta_ij eta_i - eta_i eta_j) x~ x~^T: the layer's units compete, so unlike
    eq. 23 the matrix is not block diagonal. Equivalently
    mean_i (diag(eta) - eta eta^T) kron x~x~^T.
    """
    weight = np.asarray(weight, dtype=np.float64)
    xt = _inputs(x, with_bias=bias is not None)
    wt = weight if bias is None else np.concatenate(
        [weight, np.asarray(bias, dtype=np.float64)[:, None]], axis=1)
    logits = xt @ wt.T
    eta = np.exp(logits - logits.max(axis=1, keepdims=True))
    eta /= eta.sum(axis=1, keepdims=True)
    cov = np.einsum("nc,cd->ncd", eta, np.eye(eta.shape[1])) - eta[:, :, None] * eta[:, None, :]
    g = np.einsum("ncd,ni,nj->cidj", cov, xt, xt) / len(xt)  # (d_cd eta_c - eta_c eta_d) x~x~^T
    m, d = wt.shape
    return g.reshape(m * d, m * d)
