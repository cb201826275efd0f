"""Reductions, one table row per (op, axis, keepdims): forward and gradients against numpy,
gradcheck and gradgradcheck in float64; argmax/argmin values; ties and stability."""
import numpy as np
import pytest
from scipy.special import logsumexp as np_logsumexp, softmax as np_softmax

from tinygrad_edu import Tensor
from core_helpers import helper_test_op, check_gradients

AXES = [None, 0, 1, -1, (0, 2), (2, 0, 1)]

# name: (tinygrad_edu fn(x, axis, keepdims), numpy fn(x, axis, keepdims))
REDUCTIONS = {
    "sum": (lambda x, a, k: x.sum(axis=a, keepdims=k), lambda x, a, k: np.sum(x, a, keepdims=k)),
    "mean": (lambda x, a, k: x.mean(axis=a, keepdims=k),
             lambda x, a, k: np.mean(x, a, keepdims=k)),
    "max": (lambda x, a, k: x.max(axis=a, keepdims=k), lambda x, a, k: np.max(x, a, keepdims=k)),
    "min": (lambda x, a, k: x.min(axis=a, keepdims=k), lambda x, a, k: np.min(x, a, keepdims=k)),
    "var": (lambda x, a, k: x.var(axis=a, ddof=0, keepdims=k),
            lambda x, a, k: np.var(x, a, keepdims=k)),
    "var_ddof1": (lambda x, a, k: x.var(axis=a, ddof=1, keepdims=k),
                  lambda x, a, k: np.var(x, a, ddof=1, keepdims=k)),
    "std": (lambda x, a, k: x.std(axis=a, ddof=0, keepdims=k),
            lambda x, a, k: np.std(x, a, keepdims=k)),
    "logsumexp": (lambda x, a, k: x.logsumexp(axis=a, keepdims=k),
                  lambda x, a, k: np_logsumexp(x, a, keepdims=k)),
}


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_matches_numpy(name, axis, keepdims):
    tg_fn, np_fn = REDUCTIONS[name]
    helper_test_op([(2, 3, 4)], lambda x: tg_fn(x, axis, keepdims),
                   lambda x: np_fn(x, axis, keepdims))


@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_of_a_0d_and_a_1d_tensor(name):
    tg_fn, np_fn = REDUCTIONS[name]
    if not name.startswith("var") and name != "std":     # variance of one value is 0 / 0
        helper_test_op([()], lambda x: tg_fn(x, None, False), lambda x: np_fn(x, None, False))
    helper_test_op([(5,)], lambda x: tg_fn(x, 0, False), lambda x: np_fn(x, 0, False))


@pytest.mark.parametrize("axis", [None, 1, (0, 2)], ids=str)
@pytest.mark.parametrize("name", REDUCTIONS)
def test_reduction_gradcheck_and_gradgradcheck(name, axis):
    tg_fn, _ = REDUCTIONS[name]
    if name in ("sum", "mean", "max", "min"):
        # (piecewise) linear: the second derivative shows only through a product
        check_gradients([(2, 3, 2)], lambda x: tg_fn(x, axis, False) * tg_fn(x * x, axis, False))
    else:
        check_gradients([(2, 3, 2)], lambda x: tg_fn(x, axis, False))


def test_max_and_min_split_the_gradient_between_tied_elements():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], requires_grad=True, dtype=np.float64)
    x.max(axis=1).sum().backward()
    assert x.grad.tolist() == [[0.0, 0.5, 0.5], [0.5, 0.0, 0.5]]
    x.zero_grad()
    x.min().backward()
    assert x.grad.tolist() == [[0.0, 0.0, 0.0], [0.0, 1.0, 0.0]]
    x.zero_grad()
    Tensor([1.0, 1.0, 1.0, 1.0], requires_grad=True).max().backward()   # smoke: no error
    ones = Tensor(np.ones(4), requires_grad=True)
    ones.max().backward()
    assert ones.grad.tolist() == [0.25] * 4      # the gradient still sums to 1


def test_logsumexp_gradient_is_softmax_and_stable_for_logits_of_magnitude_1e3():
    x = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.5]])
    t = Tensor(x, requires_grad=True)
    out = t.logsumexp(axis=1)
    np.testing.assert_allclose(out.data, np_logsumexp(x, axis=1), rtol=1e-14)
    out.sum().backward()
    assert np.isfinite(t.grad.data).all()
    np.testing.assert_allclose(t.grad.data, np_softmax(x, axis=1), rtol=1e-12, atol=1e-300)


def test_logsumexp_of_an_all_minus_inf_row_is_minus_inf():
    x = Tensor(np.array([[-np.inf, -np.inf], [0.0, 0.0]]))
    np.testing.assert_array_equal(x.logsumexp(axis=1).data, [-np.inf, np.log(2.0)])


def test_mean_and_var_gradients_match_closed_forms():
    x = np.array([1.0, 2.0, 4.0, 7.0])
    t = Tensor(x, requires_grad=True)
    t.mean().backward()
    np.testing.assert_allclose(t.grad.data, np.full(4, 0.25))
    t.zero_grad()
    t.var(ddof=1).backward()                      # d/dx_i var = 2 (x_i - mean) / (n - ddof)
    np.testing.assert_allclose(t.grad.data, 2 * (x - x.mean()) / 3, rtol=1e-14)


@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_argmax_argmin_values_and_not_differentiable(axis, keepdims):
    x = np.random.default_rng(0).standard_normal((3, 5))
    t = Tensor(x, requires_grad=True)
    for method, np_fn in (("argmax", np.argmax), ("argmin", np.argmin)):
        out = getattr(t, method)(axis=axis, keepdims=keepdims)
        np.testing.assert_array_equal(out.data, np_fn(x, axis=axis, keepdims=keepdims))
        assert out.dtype.kind == "i" and out.grad_fn is None and not out.requires_grad


def test_sum_of_a_float32_tensor_stays_float32_and_grad_too():
    t = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    out = t.sum(axis=0)
    assert out.dtype == np.float32
    out.sum().backward()
    assert t.grad.dtype == np.float32 and t.grad.tolist() == [[1.0, 1.0], [1.0, 1.0]]


@pytest.mark.parametrize("axis", [0, -1, None])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "min", "logsumexp"])
def test_reducing_a_0d_tensor_over_axis_0_is_the_identity_as_in_pytorch(name, axis):
    tg_fn, _ = REDUCTIONS[name]
    x = Tensor(np.array(1.5), requires_grad=True)
    out = tg_fn(x, axis, False)
    assert out.shape == ()
    np.testing.assert_allclose(out.item(), 1.5)
    out.backward()
    assert x.grad.item() == 1.0
