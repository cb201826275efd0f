"""The binary ops of ops/binary_math.py: float64 gradcheck of the primitives (atan2, fmod,
remainder, xlogy) and of the composites, closed forms, and the boolean functions."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, gradgradcheck

RNG = np.random.default_rng(5)


def _pair(low=0.5, high=2.0):
    a = Tensor(RNG.uniform(low, high, (3, 4)) * RNG.choice([-1, 1], (3, 4)), requires_grad=True)
    b = Tensor(RNG.uniform(low, high, (1, 4)), requires_grad=True)
    return a, b


@pytest.mark.parametrize("name", ["atan2", "fmod", "remainder", "hypot", "logaddexp",
                                  "logaddexp2"])
def test_gradients_match_central_differences(name):
    a, b = _pair()
    if name in ("fmod", "remainder"):       # keep a / b away from the jumps at integers
        a = Tensor(np.array([[0.3, 1.6, -0.7, 2.4]]), requires_grad=True)
    assert gradcheck(lambda x, y: getattr(x, name)(y), [a, b])
    if name not in ("fmod", "remainder"):
        assert gradgradcheck(lambda x, y: getattr(x, name)(y), [a, b])


def test_xlogy_gradient_and_zero_convention():
    x = Tensor([0.5, 2.0], dtype=np.float64, requires_grad=True)
    y = Tensor([1.5, 0.7], dtype=np.float64, requires_grad=True)
    assert gradcheck(lambda a, b: a.xlogy(b), [x, y])
    zero = Tensor([0.0], dtype=np.float64, requires_grad=True)
    out = zero.xlogy(Tensor([0.0], dtype=np.float64))
    out.sum().backward()
    assert out.tolist() == [0.0] and zero.grad.tolist() == [0.0]


def test_atan2_closed_form():
    a = Tensor([1.0], dtype=np.float64, requires_grad=True)
    b = Tensor([2.0], dtype=np.float64, requires_grad=True)
    a.atan2(b).sum().backward()
    assert np.allclose([a.grad.item(), b.grad.item()], [2 / 5, -1 / 5])


def test_booleans_and_nan_to_num():
    t = Tensor([np.nan, np.inf, -1.0, 0.0])
    assert t.isnan().tolist() == [True, False, False, False]
    assert t.isfinite().tolist() == [False, False, True, True]
    assert t.eq(0.0).tolist() == [False, False, False, True]
    assert Tensor([1.0, 0.0]).logical_and(Tensor([1.0, 1.0])).tolist() == [True, False]
    x = Tensor([np.nan, 2.0], dtype=np.float64, requires_grad=True)
    x.nan_to_num(nan=5.0).sum().backward()
    assert x.grad.tolist() == [0.0, 1.0]
