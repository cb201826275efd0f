"""The elementwise functions of ops/unary_math.py: float64 gradcheck and gradgradcheck of every
primitive on its domain, closed-form derivatives, and the zero gradient of the step functions."""
import math

import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, gradgradcheck

# name: (low, high) of a domain away from the edges (where the derivative is finite)
SMOOTH = {"tan": (-1.2, 1.2), "asin": (-0.9, 0.9), "acos": (-0.9, 0.9), "atan": (-3, 3),
          "sinh": (-2, 2), "cosh": (-2, 2), "asinh": (-3, 3), "acosh": (1.2, 4),
          "atanh": (-0.9, 0.9), "log1p": (-0.8, 3), "expm1": (-2, 2), "exp2": (-2, 2),
          "erf": (-2, 2), "erfc": (-2, 2), "reciprocal": (0.5, 3), "rsqrt": (0.5, 3),
          "square": (-2, 2), "frac": (0.1, 0.9)}


@pytest.mark.parametrize("name", sorted(SMOOTH))
def test_first_and_second_derivatives_match_central_differences(name):
    low, high = SMOOTH[name]
    x = Tensor(np.random.default_rng(3).uniform(low, high, (3, 4)), requires_grad=True)
    assert gradcheck(lambda t: getattr(t, name)(), [x])
    if name != "frac":
        assert gradgradcheck(lambda t: getattr(t, name)(), [x])


def test_closed_forms():
    x = Tensor([0.3, -0.5], dtype=np.float64, requires_grad=True)
    x.asin().sum().backward()
    assert np.allclose(x.grad.data, 1 / np.sqrt(1 - x.data ** 2))
    x.grad = None
    x.erf().sum().backward()
    assert np.allclose(x.grad.data, 2 / math.sqrt(math.pi) * np.exp(-x.data ** 2))


@pytest.mark.parametrize("name", ["floor", "ceil", "trunc", "round", "sign"])
def test_step_functions_have_gradient_zero_and_keep_integers(name):
    x = Tensor([-1.5, 0.5, 2.25], dtype=np.float64, requires_grad=True)
    y = getattr(x, name)()
    assert y.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [0.0, 0.0, 0.0]
    assert getattr(Tensor([1, -2]), name)().dtype == np.int64


def test_round_halves_to_even_and_decimals():
    assert Tensor([0.5, 1.5, 2.5, -0.5]).round().tolist() == [0.0, 2.0, 2.0, -0.0]
    assert Tensor([1.2345], dtype=np.float64).round(decimals=2).tolist() == [1.23]


def test_integer_inputs_give_floats():
    assert Tensor([1, 2]).asin().dtype.kind == "f" and Tensor([4]).rsqrt().tolist() == [0.5]
