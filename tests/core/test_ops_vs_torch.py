"""Optional reference: every op against PyTorch in float64, forward and every input gradient to
1e-6 (skipped cleanly when PyTorch is not installed). One table row per op, broadcast shapes
included; `t` below is the torch module."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, grad
from core_helpers import make_inputs, as_outputs

torch = pytest.importorskip("torch")

KINK = dict(avoid=(0.0,))
POSITIVE = dict(low=0.3, high=3.0)
MASK = np.array([[True, False, True, True], [False, True, False, False], [True, True, True, False]])

# name: (input shapes, tinygrad_edu fn, torch fn, sampling options)
TABLE = {
    "add_broadcast": ([(3, 1), (1, 4)], lambda a, b: a + b, lambda a, b: a + b, {}),
    "sub_broadcast": ([(4,), (2, 3, 4)], lambda a, b: a - b, lambda a, b: a - b, {}),
    "mul_broadcast": ([(2, 1, 3), (4, 1)], lambda a, b: a * b, lambda a, b: a * b, {}),
    "div_broadcast": ([(3, 4), (3, 1)], lambda a, b: a / b, lambda a, b: a / b,
                      dict(avoid=(0.0,), margin=0.5)),
    "pow_broadcast": ([(3, 4), (4,)], lambda a, b: a ** b, lambda a, b: a ** b, POSITIVE),
    "scalars_both_sides": ([(3,)], lambda x: 2.0 / (1.0 - x) ** 2 * 3.0 + 2.0 ** x,
                           lambda x: 2.0 / (1.0 - x) ** 2 * 3.0 + 2.0 ** x,
                           dict(avoid=(1.0,), margin=0.3)),
    "neg": ([(3, 4)], lambda x: -x, lambda x: -x, {}),
    "exp": ([(3, 4)], lambda x: x.exp(), lambda x: x.exp(), {}),
    "log": ([(3, 4)], lambda x: x.log(), lambda x: x.log(), POSITIVE),
    "sqrt": ([(3, 4)], lambda x: x.sqrt(), lambda x: x.sqrt(), POSITIVE),
    "abs": ([(3, 4)], lambda x: x.abs(), lambda x: x.abs(), KINK),
    "tanh": ([(3, 4)], lambda x: x.tanh(), lambda x: x.tanh(), {}),
    "sigmoid": ([(3, 4)], lambda x: x.sigmoid(), lambda x: x.sigmoid(), {}),
    "relu": ([(3, 4)], lambda x: x.relu(), lambda x: x.relu(), KINK),
    "leaky_relu": ([(3, 4)], lambda x: x.leaky_relu(0.1),
                   lambda x: torch.nn.functional.leaky_relu(x, 0.1), KINK),
    "elu": ([(3, 4)], lambda x: x.elu(0.7), lambda x: torch.nn.functional.elu(x, 0.7), KINK),
    "softplus": ([(3, 4)], lambda x: x.softplus(2.0),
                 lambda x: torch.nn.functional.softplus(x, beta=2.0), {}),
    "sin": ([(3, 4)], lambda x: x.sin(), lambda x: x.sin(), {}),
    "cos": ([(3, 4)], lambda x: x.cos(), lambda x: x.cos(), {}),
    "clip": ([(3, 4)], lambda x: x.clip(-0.5, 0.5), lambda x: x.clamp(-0.5, 0.5),
             dict(avoid=(-0.5, 0.5))),
    "maximum": ([(3, 1), (4,)], lambda a, b: a.maximum(b), lambda a, b: torch.maximum(a, b), {}),
    "minimum": ([(3, 4), (3, 4)], lambda a, b: a.minimum(b), lambda a, b: torch.minimum(a, b), {}),
    "where": ([(3, 4), (4,)], lambda a, b: Tensor.where(Tensor(MASK), a, b),
              lambda a, b: torch.where(torch.tensor(MASK), a, b), {}),
    "sum_axis": ([(2, 3, 4)], lambda x: x.sum(axis=(0, 2)), lambda x: x.sum(dim=(0, 2)), {}),
    "sum_keepdims": ([(2, 3, 4)], lambda x: x.sum(axis=1, keepdims=True),
                     lambda x: x.sum(dim=1, keepdim=True), {}),
    "mean": ([(2, 3, 4)], lambda x: x.mean(axis=-1), lambda x: x.mean(dim=-1), {}),
    "max": ([(2, 3, 4)], lambda x: x.max(axis=1), lambda x: x.amax(dim=1), {}),
    "min_all": ([(2, 3, 4)], lambda x: x.min(), lambda x: x.min(), {}),
    "var": ([(3, 5)], lambda x: x.var(axis=1, ddof=0), lambda x: x.var(dim=1, unbiased=False), {}),
    "var_ddof1": ([(3, 5)], lambda x: x.var(axis=0, ddof=1), lambda x: x.var(dim=0), {}),
    "logsumexp": ([(3, 5)], lambda x: x.logsumexp(axis=1), lambda x: x.logsumexp(dim=1), {}),
    "reshape": ([(2, 3, 4)], lambda x: x.reshape(4, -1), lambda x: x.reshape(4, -1), {}),
    "flatten": ([(2, 3, 4)], lambda x: x.flatten(1), lambda x: x.flatten(1), {}),
    "transpose": ([(2, 3, 4)], lambda x: x.transpose(0, 2), lambda x: x.transpose(0, 2), {}),
    "permute": ([(2, 3, 4)], lambda x: x.permute(1, 2, 0), lambda x: x.permute(1, 2, 0), {}),
    "unsqueeze_squeeze": ([(3, 1, 4)], lambda x: x.squeeze(1).unsqueeze(0),
                          lambda x: x.squeeze(1).unsqueeze(0), {}),
    "expand": ([(3, 1)], lambda x: x.expand(2, 3, 4), lambda x: x.expand(2, 3, 4), {}),
    "getitem_basic": ([(3, 4)], lambda x: x[None, 1:, ..., ::2], lambda x: x[None, 1:, ..., ::2],
                      {}),
    "getitem_repeated": ([(3, 4)], lambda x: x[[0, 2, 0], 1:], lambda x: x[[0, 2, 0], 1:], {}),
    "getitem_tensor_pair": ([(3, 4)], lambda x: x[Tensor([1, 1, 2]), Tensor([0, 0, 3])],
                            lambda x: x[torch.tensor([1, 1, 2]), torch.tensor([0, 0, 3])], {}),
    "getitem_mask": ([(3, 4)], lambda x: x[MASK], lambda x: x[torch.tensor(MASK)], {}),
    "pad": ([(2, 3)], lambda x: x.pad(((1, 0), (2, 1)), value=0.5),
            lambda x: torch.nn.functional.pad(x, (2, 1, 1, 0), value=0.5), {}),
    "cat": ([(2, 3), (2, 1)], lambda a, b: Tensor.cat([a, b, a], dim=1),
            lambda a, b: torch.cat([a, b, a], dim=1), {}),
    "stack": ([(2, 3), (2, 3)], lambda a, b: Tensor.stack([a, b], dim=1),
              lambda a, b: torch.stack([a, b], dim=1), {}),
    "split": ([(5, 2)], lambda x: x.split(2), lambda x: x.split(2), {}),
    "chunk": ([(2, 7)], lambda x: x.chunk(3, dim=1), lambda x: x.chunk(3, dim=1), {}),
    "matmul_2d": ([(3, 4), (4, 5)], lambda a, b: a @ b, lambda a, b: a @ b, {}),
    "matmul_1d_1d": ([(4,), (4,)], lambda a, b: a @ b, lambda a, b: a @ b, {}),
    "matmul_1d_2d": ([(4,), (4, 3)], lambda a, b: a @ b, lambda a, b: a @ b, {}),
    "matmul_2d_1d": ([(3, 4), (4,)], lambda a, b: a @ b, lambda a, b: a @ b, {}),
    "matmul_batched_broadcast": ([(2, 1, 3, 4), (3, 4, 2)], lambda a, b: a @ b,
                                 lambda a, b: a @ b, {}),
    "matmul_nd_1d": ([(2, 3, 4), (4,)], lambda a, b: a @ b, lambda a, b: a @ b, {}),
    "dot": ([(5,), (5,)], lambda a, b: a.dot(b), lambda a, b: a.dot(b), {}),
    "softmax": ([(3, 5)], lambda x: x.softmax(0), lambda x: x.softmax(0), {}),
    "log_softmax": ([(3, 5)], lambda x: x.log_softmax(-1), lambda x: x.log_softmax(-1), {}),
    "linear": ([(4, 3), (2, 3), (2,)], lambda x, w, b: x.linear(w, b),
               lambda x, w, b: torch.nn.functional.linear(x, w, b), {}),
    "linear_3d_no_bias": ([(2, 4, 3), (2, 3)], lambda x, w: x.linear(w),
                          lambda x, w: torch.nn.functional.linear(x, w), {}),
}


@pytest.mark.parametrize("name", TABLE)
def test_op_matches_pytorch_forward_and_gradients(name):
    shapes, tg_fn, torch_fn, options = TABLE[name]
    arrays = make_inputs(shapes, seed=5, **options)
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_ours, out_theirs = as_outputs(tg_fn(*ours)), as_outputs(torch_fn(*theirs))
    assert len(out_ours) == len(out_theirs)
    rng = np.random.default_rng(6)
    weights = [rng.standard_normal(o.shape) for o in out_ours]
    for o, t in zip(out_ours, out_theirs):
        assert o.shape == tuple(t.shape)
        np.testing.assert_allclose(o.data, t.detach().numpy(), rtol=1e-6, atol=1e-6)
    sum((o * Tensor(w)).sum() for o, w in zip(out_ours, weights)).backward()
    sum((t * torch.tensor(w)).sum() for t, w in zip(out_theirs, weights)).backward()
    for i, (o, t) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(o.grad.data, t.grad.numpy(), rtol=1e-6, atol=1e-6,
                                   err_msg=f"gradient of input {i}")


@pytest.mark.parametrize("name", ["tanh", "sigmoid", "softplus", "log_softmax", "matmul_2d",
                                  "logsumexp", "pow_broadcast", "div_broadcast"])
def test_second_derivatives_match_pytorch(name):
    # Hessian-vector products by double backprop in both engines
    shapes, tg_fn, torch_fn, options = TABLE[name]
    arrays = make_inputs(shapes, seed=7, **options)
    rng = np.random.default_rng(8)
    ours = [Tensor(a, requires_grad=True) for a in arrays]
    theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
    out_o, out_t = tg_fn(*ours), torch_fn(*theirs)
    w = rng.standard_normal(out_o.shape)
    vs = [rng.standard_normal(a.shape) for a in arrays]
    g_o = grad((out_o * Tensor(w)).sum(), ours, create_graph=True)
    g_t = torch.autograd.grad((out_t * torch.tensor(w)).sum(), theirs, create_graph=True)
    hv_o = grad(sum((g * Tensor(v)).sum() for g, v in zip(g_o, vs)), ours)
    hv_t = torch.autograd.grad(sum((g * torch.tensor(v)).sum() for g, v in zip(g_t, vs)), theirs)
    for a, b in zip(hv_o, hv_t):
        np.testing.assert_allclose(a.data, b.numpy(), rtol=1e-6, atol=1e-6)


def test_large_logits_match_pytorch():
    x = np.array([[1000.0, -1000.0, 999.0], [-1e3, -1e3 + 1, -1e3 + 2]])
    ours, theirs = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    w = np.array([[1.0, -2.0, 0.5], [3.0, 0.0, -1.0]])
    (ours.log_softmax() * Tensor(w)).sum().backward()
    (theirs.log_softmax(-1) * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(ours.grad.data, theirs.grad.numpy(), rtol=1e-6, atol=1e-6)
