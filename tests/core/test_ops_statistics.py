"""nanmedian, bincount, unique_consecutive, dist, cov and corrcoef: closed forms (numpy's cov
and corrcoef as the reference), float64 gradcheck of the differentiable ones, clear refusals."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, gradgradcheck

NAN = float("nan")


def test_nanmedian_ignores_nan():
    x = tg.tensor([[3.0, NAN, 1.0, 2.0], [NAN, NAN, NAN, NAN]], dtype=np.float64)
    values, indices = x.nanmedian(1)
    assert values.tolist()[0] == 2.0 and np.isnan(values.tolist()[1])
    assert indices.tolist()[0] == 3
    assert tg.nanmedian(tg.tensor([NAN, 4.0, 1.0])).item() == 1.0


def test_bincount_and_unique_consecutive():
    assert tg.bincount(tg.tensor([0, 2, 2, 5])).tolist() == [1, 0, 2, 0, 0, 1]
    weighted = tg.bincount(tg.tensor([1, 1]), weights=tg.tensor([0.5, 2.0]), minlength=3)
    assert weighted.tolist() == [0.0, 2.5, 0.0]
    with pytest.raises(ValueError, match="bincount: needs a 1-D tensor of non-negative integers"):
        tg.bincount(tg.tensor([-1, 2]))
    out, inverse, counts = tg.unique_consecutive(tg.tensor([1, 1, 2, 2, 3, 1]), True, True)
    assert out.tolist() == [1, 2, 3, 1] and inverse.tolist() == [0, 0, 1, 1, 2, 3]
    assert counts.tolist() == [2, 2, 1, 1]
    rows = tg.unique_consecutive(tg.tensor([[1, 1], [1, 1], [2, 0]]), dim=0)
    assert rows.tolist() == [[1, 1], [2, 0]]


def test_cov_and_corrcoef_match_numpy():
    data = np.random.default_rng(4).standard_normal((3, 6))
    fw = np.array([1, 2, 1, 3, 1, 2])
    aw = np.random.default_rng(5).uniform(0.5, 2, 6)
    x = Tensor(data)
    assert np.allclose(x.cov().data, np.cov(data))
    assert np.allclose(x.cov(correction=0).data, np.cov(data, ddof=0))
    assert np.allclose(x.cov(fweights=tg.tensor(fw), aweights=Tensor(aw)).data,
                       np.cov(data, fweights=fw, aweights=aw))
    assert np.allclose(x.corrcoef().data, np.corrcoef(data))
    assert np.isclose(tg.dist(Tensor([0.0, 3.0]), Tensor([4.0, 0.0])).item(), 5.0)
    with pytest.raises(TypeError, match="fweights must be integers"):
        x.cov(fweights=Tensor(aw))


def test_cov_corrcoef_dist_gradients():
    rng = np.random.default_rng(6)
    x = Tensor(rng.standard_normal((2, 5)), requires_grad=True)
    aw = Tensor(rng.uniform(0.5, 2, 5), requires_grad=True)
    assert gradcheck(lambda t, w: t.cov(aweights=w), [x, aw])
    assert gradgradcheck(lambda t, w: t.cov(aweights=w), [x, aw])
    assert gradcheck(lambda t: t.corrcoef(), [x])
    assert gradcheck(lambda t: t[0].dist(t[1], 3), [x])
