"""ops/comparison.py and the elementwise names added with it: closed forms (NaN handling of
isclose/fmax/fmin, equal as a Python bool), and float64 gradcheck of the differentiable ones
(fmax/fmin, copysign, sinc, float_power, rsub, deg2rad)."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, gradgradcheck

NAN = float("nan")


def test_closed_forms():
    a = tg.tensor([1.0, NAN, 2.0, NAN], dtype=np.float64)
    b = tg.tensor([1.0 + 1e-9, 3.0, NAN, NAN], dtype=np.float64)
    assert tg.isclose(a, b).tolist() == [True, False, False, False]
    assert tg.isclose(a, b, equal_nan=True).tolist() == [True, False, False, True]
    assert tg.fmax(a, b).tolist()[:3] == [1.0 + 1e-9, 3.0, 2.0] and math.isnan(tg.fmax(a, b)[3].item())
    assert tg.fmin(a, b).tolist()[:3] == [1.0, 3.0, 2.0]
    assert tg.equal(tg.ones(2), tg.ones(2)) is True and tg.equal(tg.ones(2), tg.ones(3)) is False
    assert tg.isin(tg.tensor([1, 2, 3]), tg.tensor([2, 5])).tolist() == [False, True, False]
    assert tg.copysign(tg.tensor([1.0, 2.0]), tg.tensor([-0.0, 3.0])).tolist() == [-1.0, 2.0]
    assert tg.heaviside(tg.tensor([-1.0, 0.0, 2.0]), tg.tensor(0.5)).tolist() == [0.0, 0.5, 1.0]
    assert tg.float_power(tg.tensor([2]), 3).dtype == np.float64
    assert tg.rsub(tg.tensor([1.0]), 5.0, alpha=2).tolist() == [3.0]
    assert tg.sinc(tg.tensor([0.0, 1.0])).tolist()[0] == 1.0
    assert abs(tg.sinc(tg.tensor([1.0], dtype=np.float64)).item()) < 1e-15
    assert np.isclose(tg.deg2rad(tg.tensor([180])).item(), math.pi)
    assert tg.greater(tg.tensor([2.0]), 1.0).tolist() == [True]


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="isclose: rtol and atol must be non-negative"):
        tg.isclose(tg.ones(1), tg.ones(1), rtol=-1)
    with pytest.raises(TypeError, match="heaviside: input and values must have the same dtype"):
        tg.heaviside(tg.ones(1), tg.tensor([1], dtype=np.int64))
    with pytest.raises(TypeError, match="positive: not defined for bool"):
        tg.positive(tg.tensor([True]))


@pytest.mark.parametrize("fn", [
    lambda a, b: a.fmax(b), lambda a, b: a.fmin(b), lambda a, b: a.copysign(b) * b,
    lambda a, b: a.rsub(b, alpha=0.5), lambda a, b: a.abs().float_power(b),
    lambda a, b: (a * b).sinc(), lambda a, b: a.deg2rad() + b.rad2deg(),
], ids=["fmax", "fmin", "copysign", "rsub", "float_power", "sinc", "deg2rad"])
def test_gradients_match_central_differences(fn, request):
    rng = np.random.default_rng(11)
    a = Tensor(rng.uniform(-2, 2, (3, 4)), requires_grad=True)
    b = Tensor(rng.uniform(-2, 2, (3, 4)), requires_grad=True)
    assert gradcheck(fn, [a, b])
    if request.node.callspec.id in ("float_power", "sinc"):     # the others are piecewise linear
        assert gradgradcheck(fn, [a, b])
