"""lp_pool1d/2d, max_unpool1d, local_response_norm, pdist and their modules: closed forms,
gradcheck, and the round trip of max pooling with its unpooling."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, nn

F = nn.functional


def test_lp_pool_is_the_p_norm_of_each_window():
    x = Tensor(np.array([[[1.0, -2.0, 3.0, 4.0]]]))
    assert np.allclose(F.lp_pool1d(x, 2, 2).data, [[[np.sqrt(5.0), 5.0]]])
    assert np.allclose(nn.LPPool2d(1, 2)(Tensor(np.ones((1, 1, 2, 2)))).data, [[[[4.0]]]])
    y = Tensor(np.random.default_rng(0).uniform(0.5, 2, (1, 2, 4, 4)), requires_grad=True)
    assert gradcheck(lambda t: F.lp_pool2d(t, 3, 2), [y])


def test_max_unpool1d_inverts_max_pool1d_where_the_maxima_were():
    x = Tensor(np.array([[[1.0, 5.0, 2.0, 0.0, 7.0, 3.0]]]))
    pooled, index = F.max_pool1d(x, 2, return_indices=True)
    assert nn.MaxUnpool1d(2)(pooled, index).tolist() == [[[0.0, 5.0, 2.0, 0.0, 7.0, 0.0]]]


def test_local_response_norm_closed_form():
    x = Tensor(np.arange(1.0, 5.0).reshape(1, 4, 1))
    out = nn.LocalResponseNorm(3, alpha=0.3, beta=0.5, k=2.0)(x).data[0, :, 0]
    sq = np.pad(np.arange(1.0, 5.0) ** 2, (1, 1))
    mean = np.array([sq[i:i + 3].mean() for i in range(4)])
    assert np.allclose(out, np.arange(1.0, 5.0) / (2.0 + 0.3 * mean) ** 0.5)
    with pytest.raises(ValueError, match="at least 3 dims"):
        F.local_response_norm(Tensor(np.ones((2, 3))), 2)
    y = Tensor(np.random.default_rng(1).standard_normal((2, 5, 3)), requires_grad=True)
    assert gradcheck(lambda t: F.local_response_norm(t, 3, alpha=0.5), [y])


def test_pdist_matches_the_pairs():
    rows = np.random.default_rng(2).standard_normal((4, 3))
    expected = [np.linalg.norm(rows[i] - rows[j]) for i in range(4) for j in range(i + 1, 4)]
    assert np.allclose(F.pdist(Tensor(rows)).data, expected)
    x = Tensor(rows, requires_grad=True)
    assert gradcheck(lambda t: F.pdist(t, 1.5), [x])
