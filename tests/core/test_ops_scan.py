"""Scans and composite reductions: float64 gradcheck (and gradgradcheck of the Cumsum primitive),
closed forms, and PyTorch's conventions (int sums give int64, empty dims)."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, gradgradcheck

RNG = np.random.default_rng(7)


def _x(*shape):
    return Tensor(RNG.uniform(0.5, 2.0, shape) * RNG.choice([-1, 1], shape), requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda t: t.cumsum(1), lambda t: t.cumprod(0), lambda t: t.logcumsumexp(1),
    lambda t: t.diff(dim=0), lambda t: t.diff(2, 1), lambda t: t.var_mean(1)[0] + t.var_mean(1)[1],
    lambda t: t.nanmean(0), lambda t: t.quantile(0.3, dim=1), lambda t: t.aminmax(dim=0).max,
])
def test_gradients_match_central_differences(fn):
    assert gradcheck(fn, [_x(3, 4)])


def test_cumsum_second_derivative_and_closed_form():
    x = _x(4)
    assert gradgradcheck(lambda t: (t.cumsum(0) ** 2).sum(), [x])
    x.cumsum(0).sum().backward()
    assert x.grad.tolist() == [4.0, 3.0, 2.0, 1.0]       # element k is in n - k running sums


def test_cumprod_with_zeros_is_exact():
    x = Tensor([2.0, 0.0, 3.0], dtype=np.float64, requires_grad=True)
    x.cumprod(0).sum().backward()
    # d/dx of x0 + x0 x1 + x0 x1 x2 at (2, 0, 3): (1 + x1 + x1 x2, x0 + x0 x2, x0 x1)
    assert x.grad.tolist() == [1.0, 8.0, 0.0]


def test_conventions():
    assert Tensor([True, True]).cumsum(0).dtype == np.int64
    assert Tensor([1.0, 3.0, 2.0]).quantile(0.5).item() == 2.0
    assert np.isnan(Tensor([1.0, np.nan]).quantile(0.5).item())
    assert Tensor([1.0, np.nan, 3.0]).nanquantile(0.5).item() == 2.0
    assert Tensor([np.nan, 2.0]).nansum().item() == 2.0
