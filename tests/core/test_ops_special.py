"""The special functions of ops/special.py and the second derivatives added for op_db's gradgrad
comparison (scatter_reduce 'prod', the nuclear norm): float64 gradcheck and gradgradcheck against
central differences, and closed forms."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, gradgradcheck


def _x(low, high, shape=(3, 4), seed=5):
    return Tensor(np.random.default_rng(seed).uniform(low, high, shape), requires_grad=True)


@pytest.mark.parametrize("name, fn, low, high", [
    ("lgamma", lambda t: t.lgamma(), 0.3, 6.0),
    ("lgamma of negatives", lambda t: t.lgamma(), -2.9, -2.1),
    ("digamma", lambda t: t.digamma(), 0.3, 6.0),
    ("polygamma(1)", lambda t: t.polygamma(1), 0.3, 6.0),
    ("polygamma(3)", lambda t: tg.polygamma(3, t), -1.8, -1.2),
    ("mvlgamma(p=3)", lambda t: t.mvlgamma(3), 1.2, 5.0),
    ("erfinv", lambda t: t.erfinv(), -0.8, 0.8),
])
def test_first_and_second_derivatives_match_central_differences(name, fn, low, high):
    x = _x(low, high)
    assert gradcheck(fn, [x]) and gradgradcheck(fn, [x])


def test_closed_forms_of_the_gamma_family():
    x = Tensor([1.0, 2.0, 5.0], dtype=np.float64, requires_grad=True)
    assert np.allclose(x.lgamma().exp().data, [1.0, 1.0, 24.0])           # Gamma(n) = (n-1)!
    euler_gamma = 0.5772156649015329
    assert np.allclose(x.digamma().data, [-euler_gamma, 1 - euler_gamma, 25 / 12 - euler_gamma])
    assert np.isclose(Tensor([1.0]).polygamma(1).item(), math.pi ** 2 / 6)  # zeta(2)
    (g,) = tg.grad(x.lgamma().sum(), x, create_graph=True)
    assert np.allclose(g.data, x.digamma().data)                           # d lgamma = digamma
    (h,) = tg.grad(g.sum(), x)
    assert np.allclose(h.data, x.polygamma(1).data)                        # d digamma = trigamma
    p = Tensor([3.0], dtype=np.float64)
    expected = 3 * 2 / 4 * math.log(math.pi) + sum(math.lgamma(3.0 - j / 2) for j in range(3))
    assert np.isclose(p.mvlgamma(3).item(), expected)


def test_poles_and_bad_arguments():
    assert Tensor([0.0, -1.0]).digamma().tolist()[0] == -math.inf
    assert math.isnan(Tensor([-1.0]).digamma().item())
    assert Tensor([0.0, -2.0]).lgamma().tolist() == [math.inf, math.inf]
    with pytest.raises(ValueError, match="polygamma: n must be a non-negative integer"):
        Tensor([1.0]).polygamma(-1)
    with pytest.raises(ValueError, match=r"mvlgamma: every element must be greater than \(p-1\)/2"):
        Tensor([0.5]).mvlgamma(3)
    assert Tensor([1, 2]).digamma().dtype == tg.get_default_dtype()


@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_prod_has_second_derivatives_even_with_zeros(include_self):
    x = Tensor([[1.5, 0.0, 2.0], [3.0, -4.0, 0.0]], requires_grad=True, dtype=np.float64)
    src = Tensor([[2.0, 0.0, 5.0], [0.0, 1.5, -2.0]], requires_grad=True, dtype=np.float64)
    index = np.array([[0, 0, 1], [2, 2, 2]])

    def f(a, b):
        return a.scatter_reduce(1, index, b, "prod", include_self=include_self)
    assert gradcheck(f, [x, src]) and gradgradcheck(f, [x, src])


def test_scatter_reduce_prod_first_derivative_closed_form():
    x = Tensor([2.0, 3.0], requires_grad=True, dtype=np.float64)
    src = Tensor([5.0, 7.0, 11.0], requires_grad=True, dtype=np.float64)
    out = x.scatter_reduce(0, np.array([0, 0, 1]), src, "prod")
    assert out.tolist() == [70.0, 33.0]
    out.sum().backward()
    assert x.grad.tolist() == [35.0, 11.0] and src.grad.tolist() == [14.0, 10.0, 3.0]


@pytest.mark.parametrize("shape", [(4, 4), (5, 3), (3, 5), (2, 4, 3)])
def test_nuclear_norm_second_derivative(shape):
    x = Tensor(np.random.default_rng(7).standard_normal(shape), requires_grad=True)
    assert gradgradcheck(lambda t: t.norm("nuc", dim=(-2, -1)), [x])


def test_nuclear_norm_third_derivative_is_refused_with_the_reason():
    x = Tensor(np.random.default_rng(7).standard_normal((3, 3)), requires_grad=True)
    (g,) = tg.grad(x.norm("nuc"), x, create_graph=True)
    (h,) = tg.grad((g * g).sum(), x, retain_graph=True)       # the second derivative: fine
    assert h.shape == (3, 3)
    with pytest.raises(RuntimeError, match="third derivatives of the nuclear norm"):
        tg.grad((g * g).sum(), x, create_graph=True)           # a differentiable second: refused
