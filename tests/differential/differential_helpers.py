"""Shared by the differential tests: one namespace per library, so that one lambda describes an
op for both tinygrad_edu and PyTorch, and the comparison of results, gradients and second
derivatives between them.

An op is written once as `fn(L, *tensors)`, where `L` is `OURS` or `torch_namespace(torch)`:
methods that both libraries spell the same are called on the tensors (`x.sum(dim=1)`), the
few module-level names (`where`, `cat`, `leaky_relu`, ...) are looked up on `L`.
"""
import types

import numpy as np

from tinygrad_edu import Tensor, grad

VALUE_TOL = dict(rtol=1e-10, atol=1e-12)
GRAD_TOL = dict(rtol=1e-9, atol=1e-11)

OURS = types.SimpleNamespace(
    name="tinygrad_edu",
    tensor=lambda a, requires_grad=False: Tensor(a, requires_grad=requires_grad, dtype=a.dtype),
    where=Tensor.where, cat=Tensor.cat, stack=Tensor.stack,
    leaky_relu=lambda x, s: x.leaky_relu(s), elu=lambda x, a: x.elu(a),
    softplus=lambda x, b: x.softplus(b), linear=lambda x, w, b: x.linear(w, b),
    pad=lambda x, widths, value: x.pad(widths, value=value),
    grad=lambda outs, ins, **kw: grad(outs, ins, **kw),
    numpy=lambda t: t.data)


def torch_namespace(torch):
    """The same names as `OURS`, for PyTorch."""
    F = torch.nn.functional

    def pad(x, widths, value):          # numpy-style ((before, after), ...) -> PyTorch's flat list
        flat = [n for pair in reversed(widths) for n in pair]
        return F.pad(x, flat, value=value)

    return types.SimpleNamespace(
        name="torch",
        tensor=lambda a, requires_grad=False: torch.tensor(a, requires_grad=requires_grad),
        where=torch.where, cat=torch.cat, stack=torch.stack,
        leaky_relu=F.leaky_relu, elu=F.elu, softplus=lambda x, b: F.softplus(x, beta=b),
        linear=F.linear, pad=pad,
        grad=lambda outs, ins, **kw: torch.autograd.grad(outs, ins, **kw),
        numpy=lambda t: t.detach().numpy(force=True))     # force: PyTorch's ZeroTensors


def outputs_of(result):
    """An op's result as a flat list of tensors, plus integer side results (max's indices)."""
    if isinstance(result, tuple) and hasattr(result, "indices"):    # (values, indices)
        return [result.values], [result.indices]
    if isinstance(result, (tuple, list)):
        return list(result), []
    return [result], []


def differentiable(L, outs):
    return [o for o in outs if getattr(o, "requires_grad", False)]


def weighted_sum(L, outs, weights):
    """sum_k <w_k, out_k>: a scalar whose gradient is the vector-Jacobian product with w."""
    total = None
    for o, w in zip(outs, weights):
        term = (o * L.tensor(w)).sum()
        total = term if total is None else total + term
    return total


def dense(L, g, like):
    """A gradient as a numpy array, None (unused input) as zeros."""
    return np.zeros(like.shape) if g is None else np.asarray(L.numpy(g))


def assert_close(ours, theirs, what, tol=VALUE_TOL):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, f"{what}: shape {ours.shape} != PyTorch's {theirs.shape}"
    np.testing.assert_allclose(ours, theirs, equal_nan=True, err_msg=what, **tol)
