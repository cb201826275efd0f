"""Elementwise ops, one table row per op: forward and every input gradient against numpy
(central differences of the numpy reference), then gradcheck and gradgradcheck in float64.

Binary ops are run over several broadcast shape pairs, e.g. (3, 1) + (1, 4).
"""
import numpy as np
import pytest
from scipy.special import expit

from tinygrad_edu import Tensor
from core_helpers import helper_test_op, check_gradients, make_inputs

BROADCAST_PAIRS = [
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),
    ((4,), (2, 3, 4)),
    ((2, 1, 3), (4, 1)),
    ((), (2, 3)),
]


def _np_elu(x, alpha=1.0):
    return np.where(x > 0, x, alpha * (np.exp(np.minimum(x, 0)) - 1))


# name: (tinygrad_edu fn, numpy fn, sampling options keeping inputs in the domain and off kinks)
BINARY = {
    "add": (lambda a, b: a + b, np.add, {}),
    "sub": (lambda a, b: a - b, np.subtract, {}),
    "mul": (lambda a, b: a * b, np.multiply, {}),
    "div": (lambda a, b: a / b, np.divide, dict(avoid=(0.0,), margin=0.5)),
    "pow": (lambda a, b: a ** b, np.power, dict(low=0.5, high=2.0)),
    "maximum": (lambda a, b: a.maximum(b), np.maximum, {}),
    "minimum": (lambda a, b: a.minimum(b), np.minimum, {}),
}

UNARY = {
    "neg": (lambda x: -x, np.negative, {}),
    "exp": (lambda x: x.exp(), np.exp, {}),
    "log": (lambda x: x.log(), np.log, dict(low=0.3, high=3.0)),
    "sqrt": (lambda x: x.sqrt(), np.sqrt, dict(low=0.3, high=3.0)),
    "abs": (lambda x: x.abs(), np.abs, dict(avoid=(0.0,))),
    "tanh": (lambda x: x.tanh(), np.tanh, {}),
    "sigmoid": (lambda x: x.sigmoid(), expit, {}),
    "relu": (lambda x: x.relu(), lambda x: np.maximum(x, 0), dict(avoid=(0.0,))),
    "leaky_relu": (lambda x: x.leaky_relu(), lambda x: np.where(x > 0, x, 0.01 * x),
                   dict(avoid=(0.0,))),
    "leaky_relu_0.2": (lambda x: x.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x),
                       dict(avoid=(0.0,))),
    "elu": (lambda x: x.elu(), _np_elu, dict(avoid=(0.0,))),
    "elu_alpha_0.5": (lambda x: x.elu(alpha=0.5), lambda x: _np_elu(x, 0.5), dict(avoid=(0.0,))),
    "softplus": (lambda x: x.softplus(), lambda x: np.log1p(np.exp(x)), {}),
    "softplus_beta_2": (lambda x: x.softplus(beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2, {}),
    "sin": (lambda x: x.sin(), np.sin, {}),
    "cos": (lambda x: x.cos(), np.cos, {}),
    "clip": (lambda x: x.clip(-0.5, 0.7), lambda x: np.clip(x, -0.5, 0.7),
             dict(avoid=(-0.5, 0.7))),
    "clip_lo_only": (lambda x: x.clip(lo=0.3), lambda x: np.maximum(x, 0.3), dict(avoid=(0.3,))),
    "pow_scalar": (lambda x: x ** 3, lambda x: x ** 3, {}),
    "rpow_scalar": (lambda x: 2.0 ** x, lambda x: 2.0 ** x, {}),
    "radd_rsub_rmul_rdiv": (lambda x: (1.5 - x) * 2.0 + 3.0 / x,
                            lambda x: (1.5 - x) * 2.0 + 3.0 / x, dict(avoid=(0.0,), margin=0.5)),
}

# closed-form derivatives (the textbook formulas in each op's docstring), checked separately
DERIVATIVES = {
    "exp": np.exp,
    "log": lambda x: 1 / x,
    "sqrt": lambda x: 0.5 / np.sqrt(x),
    "abs": np.sign,
    "tanh": lambda x: 1 - np.tanh(x) ** 2,
    "sigmoid": lambda x: expit(x) * (1 - expit(x)),
    "relu": lambda x: (x > 0).astype(float),
    "leaky_relu": lambda x: np.where(x > 0, 1.0, 0.01),
    "elu": lambda x: np.where(x > 0, 1.0, np.exp(x)),
    "softplus": expit,
    "sin": np.cos,
    "cos": lambda x: -np.sin(x),
}

SHAPES_1 = [(), (5,), (3, 4), (2, 1, 3)]


@pytest.mark.parametrize("shapes", BROADCAST_PAIRS, ids=str)
@pytest.mark.parametrize("name", BINARY)
def test_binary_op_matches_numpy(name, shapes):
    tg_fn, np_fn, options = BINARY[name]
    helper_test_op(shapes, tg_fn, np_fn, **options)


@pytest.mark.parametrize("shape", SHAPES_1, ids=str)
@pytest.mark.parametrize("name", UNARY)
def test_unary_op_matches_numpy(name, shape):
    tg_fn, np_fn, options = UNARY[name]
    helper_test_op([shape], tg_fn, np_fn, **options)


@pytest.mark.parametrize("name", DERIVATIVES)
def test_unary_gradient_equals_closed_form(name):
    tg_fn, _, options = UNARY[name]
    (x,) = make_inputs([(4, 5)], seed=3, **options)
    t = Tensor(x, requires_grad=True)
    tg_fn(t).sum().backward()
    np.testing.assert_allclose(t.grad.data, DERIVATIVES[name](x), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("shapes", [((3, 1), (1, 4)), ((2, 3), (3,))], ids=str)
@pytest.mark.parametrize("name", BINARY)
def test_binary_gradcheck_and_gradgradcheck(name, shapes):
    tg_fn, _, options = BINARY[name]
    if name in ("add", "sub", "maximum", "minimum"):
        # (piecewise) linear: the second derivative is zero, so check it through a product
        check_gradients(shapes, lambda a, b: tg_fn(a, b) * a * b, **options)
    else:
        check_gradients(shapes, tg_fn, **options)


PIECEWISE_LINEAR = {"neg", "abs", "relu", "leaky_relu", "leaky_relu_0.2", "clip", "clip_lo_only"}


@pytest.mark.parametrize("name", UNARY)
def test_unary_gradcheck_and_gradgradcheck(name):
    tg_fn, _, options = UNARY[name]
    if name in PIECEWISE_LINEAR:
        # the second derivative of a piecewise-linear op is zero: multiply by x so that the
        # backward of the op's backward is exercised through the product rule
        check_gradients([(2, 3)], lambda x: tg_fn(x) * x, **options)
    else:
        check_gradients([(2, 3)], tg_fn, **options)


def test_where_selects_and_routes_gradient_by_condition():
    cond = np.array([[True, False, True, False]])
    helper_test_op([(3, 4), (3, 1)], lambda a, b: Tensor.where(Tensor(cond), a, b),
                   lambda a, b: np.where(cond, a, b))
    helper_test_op([(3, 4)], lambda a: Tensor.where(Tensor(cond), a, 0.5),
                   lambda a: np.where(cond, a, 0.5))
    check_gradients([(3, 4), (1, 4)], lambda a, b: Tensor.where(Tensor(cond), a * a, b * a))


def test_maximum_minimum_ties_split_the_gradient_equally():
    a = Tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
    b = Tensor([1.0, 5.0, 0.0], requires_grad=True, dtype=np.float64)
    a.maximum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 0.0, 1.0] and b.grad.tolist() == [0.5, 1.0, 0.0]
    a.zero_grad(), b.zero_grad()
    a.minimum(b).sum().backward()
    assert a.grad.tolist() == [0.5, 1.0, 0.0] and b.grad.tolist() == [0.5, 0.0, 1.0]


def test_kinks_have_pytorch_conventions_at_zero():
    x = Tensor([0.0, 0.0, 0.0], requires_grad=True, dtype=np.float64)
    x.relu().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x.zero_grad()
    x.abs().sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    x.zero_grad()
    x.clip(0.0, 1.0).sum().backward()      # inside the closed interval: gradient 1
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_sigmoid_softplus_elu_do_not_overflow_for_large_inputs():
    x = Tensor([-1000.0, -50.0, 0.0, 50.0, 1000.0], requires_grad=True, dtype=np.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # underflow to 0 is fine
        s, sp, e = x.sigmoid(), x.softplus(), x.elu()
        (s + sp + e).sum().backward()
    np.testing.assert_allclose(s.data, expit(x.data), rtol=1e-12, atol=0)
    np.testing.assert_allclose(sp.data, np.logaddexp(0, x.data), rtol=1e-12)
    assert np.isfinite(x.grad.data).all()


@pytest.mark.parametrize("op, np_op", [("__lt__", np.less), ("__le__", np.less_equal),
                                       ("__gt__", np.greater), ("__ge__", np.greater_equal),
                                       ("__eq__", np.equal), ("__ne__", np.not_equal)])
def test_comparisons_are_boolean_and_not_differentiable(op, np_op):
    a = Tensor([[1.0, 2.0, 3.0]], requires_grad=True)
    b = Tensor([[2.0], [1.0]], requires_grad=True)
    for other, ref in ((b, b.data), (2.0, 2.0)):
        out = getattr(a, op)(other)
        assert out.dtype == np.bool_ and out.grad_fn is None and not out.requires_grad
        np.testing.assert_array_equal(out.data, np_op(a.data, ref))


def test_comparison_mask_used_in_a_graph_passes_gradient_only_to_the_data_path():
    x = Tensor([-1.0, 2.0, 3.0], requires_grad=True, dtype=np.float64)
    (x * (x > 0)).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 1.0]


def test_python_numbers_keep_the_tensor_dtype_and_grads_keep_input_dtype():
    x = Tensor([1.0, 2.0], requires_grad=True)              # float32 by default
    y = 2.0 * x + 1.0 - x / 3.0
    assert y.dtype == np.float32
    w = Tensor(np.array([1.0, 1.0]), requires_grad=True)    # float64
    (x * w).sum().backward()                                # float32 * float64 -> float64
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.data, [1.0, 1.0])


def test_numpy_array_on_the_left_defers_to_tensor():
    x = Tensor([1.0, 2.0], requires_grad=True, dtype=np.float64)
    out = np.array([3.0, 4.0]) * x
    assert isinstance(out, Tensor)
    out.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0]


def test_pow_derivative_at_zero_base_follows_the_power_rule():
    # d/dx x^0 = 0 everywhere (PyTorch too), not 0 * 0^-1 = nan; d/dx x^2 = 0 and d/dx x^1 = 1 at 0
    x = Tensor(np.zeros(3), requires_grad=True)
    (x ** Tensor(np.array([0.0, 1.0, 2.0]))).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0]
    y = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    (y ** 0).sum().backward()
    assert y.grad.tolist() == [0.0, 0.0]
