"""Fisher matrices of a whole (small) model, and the gradient-structure identity of Liang et al.'s
Fisher-Rao cheat sheet.

These loop over samples and classes with one backward pass each, so they are for small models
in lessons and tests: the point is to see the matrices, not to train with them.
"""
from __future__ import annotations

import numpy as np

from tinygrad_edu import Tensor, grad


def _params(model) -> list:
    params = list(model.parameters()) if hasattr(model, "parameters") else list(model)
    if not params:
        raise ValueError("fisher: the model has no parameters")
    return params


def _flat_grad(output: Tensor, params, retain: bool) -> np.ndarray:
    grads = grad(output, params, retain_graph=retain, allow_unused=True)
    return np.concatenate([(np.zeros(p.data.size) if g is None else g.data.reshape(-1))
                           for p, g in zip(params, grads)]).astype(np.float64)


def _rows(x):
    x = x if isinstance(x, Tensor) else Tensor(np.asarray(x))
    return [x[i:i + 1] for i in range(x.shape[0])]


def empirical_fisher(model, loss_fn, x, y) -> np.ndarray:
    """The empirical Fisher mean_i g_i g_i^T, g_i = grad_theta loss(model(x_i), y_i).

    Why "empirical": it uses the observed labels y_i instead of labels drawn from the model, so
    it is cheap but is not the Fisher information (it equals it only in expectation when the
    model is the data's true distribution). Parameters are flattened in `model.parameters()`
    order (for a Linear layer: all of weight row-major, then bias).

    Example:
        >>> # F = empirical_fisher(model, nn.functional.cross_entropy, x, y)  # (P, P)
    """
    params = _params(model)
    y = y if isinstance(y, Tensor) else Tensor(np.asarray(y))
    rows = [_flat_grad(loss_fn(model(xi), y[i:i + 1]), params, False)
            for i, xi in enumerate(_rows(x))]
    g = np.stack(rows)
    return g.T @ g / len(g)  # F_emp = mean_i grad l_i grad l_i^T


def fisher_information(model, x, likelihood: str = "categorical") -> np.ndarray:
    """The Fisher information metric of a classifier, Sun & Nielsen (2016), eq. 5, computed exactly.

    g(theta) = mean_i sum_y p(y | x_i) grad ln p(y | x_i) grad ln p(y | x_i)^T, where the
    model's outputs are logits of a softmax ("categorical") or of one sigmoid unit
    ("bernoulli"). The sum over y is exact (all classes), so this is the true FIM.
    """
    params = _params(model)
    mats = []
    for xi in _rows(x):
        logits = model(xi).reshape(-1)
        if likelihood == "categorical":
            logp = logits.log_softmax(dim=-1)
        elif likelihood == "bernoulli":
            if logits.shape != (1,):
                raise ValueError("fisher_information(bernoulli): the model must output one logit")
            s = logits.sigmoid()
            logp = Tensor.cat([(1 - s).log(), s.log()])  # ln p(y=0), ln p(y=1)
        else:
            raise ValueError(f"fisher_information: unknown likelihood {likelihood!r}; use "
                             f"'categorical' or 'bernoulli'")
        probs = np.exp(logp.data)
        acc = 0.0
        for c in range(len(probs)):
            s = _flat_grad(logp[c], params, retain=True)
            acc = acc + probs[c] * np.outer(s, s)  # sum_y p(y) score score^T (eq. 1)
        mats.append(acc)
    return np.mean(mats, axis=0)  # empirical average over the inputs (eq. 5)


def neuron_major_permutation(out_features: int, in_features: int, bias: bool = True):
    """Indices that reorder a Linear layer's flat (weight, bias) gradient neuron by neuron.

    `model.parameters()` flattening gives [W_00 .. W_{m-1,n-1}, b_0 .. b_{m-1}]; the RFIM
    layout of Sun & Nielsen (2016) stacks w_l = (W_l0 .. W_l,n-1, b_l). Use as `F[np.ix_(perm, perm)]`.
    """
    perm = []
    for unit in range(out_features):
        perm += [unit * in_features + j for j in range(in_features)]
        if bias:
            perm.append(out_features * in_features + unit)
    return np.array(perm)


def gradient_structure_identity(model, x):
    """Both sides of Lemma 2.1 of Liang et al.'s cheat sheet: <theta, grad_theta f(x)> = (L+1) f(x).

    For a ReLU (or leaky ReLU) network without biases and with L+1 weight layers, f is
    positively homogeneous of degree L+1 in the weights jointly, and Euler's theorem for
    homogeneous functions gives the identity; it is what makes the Fisher-Rao norm computable.
    Returns (lhs, rhs), each of shape (N, k) for N inputs and k outputs.

    Example:
        >>> # lhs, rhs = gradient_structure_identity(bias_free_relu_mlp, x); np.allclose(lhs, rhs)
    """
    from tinygrad_edu import nn
    layers = [m for m in model.modules() if isinstance(m, nn.Linear)]
    allowed = (nn.Linear, nn.ReLU, nn.LeakyReLU, nn.Sequential, nn.Identity)
    others = [type(m).__name__ for m in model.modules()
              if m is not model and not isinstance(m, allowed)]
    if any(m.bias is not None for m in layers) or others:
        raise ValueError("gradient_structure_identity: the identity holds for bias-free "
                         "ReLU/LeakyReLU networks only (it needs f(c theta) = c^(L+1) f(theta)); "
                         f"found biases or modules {others}. Use Linear(..., bias=False).")
    params = _params(model)
    theta = np.concatenate([p.data.reshape(-1) for p in params]).astype(np.float64)
    lhs, rhs = [], []
    for xi in _rows(x):
        out = model(xi).reshape(-1)
        lhs.append([theta @ _flat_grad(out[j], params, retain=True) for j in range(out.shape[0])])
        rhs.append(len(layers) * out.data.astype(np.float64))  # (L + 1) f(x)
    return np.array(lhs), np.array(rhs)
