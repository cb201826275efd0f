"""Corner cases of nn.functional that PyTorch's OpInfo database found (issue 19): each compared
with PyTorch in float64 (values and input gradients) and gradient-checked by central differences
where a new code path computes a gradient."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck
from tinygrad_edu.nn import functional as F


def _rng(seed=0):
    return np.random.default_rng(seed)


def _against_torch(torch, ours, theirs, *arrays):
    """Same float64 inputs through both: values and the gradients of a weighted sum agree."""
    mine = [Tensor(a, requires_grad=True) for a in arrays]
    tts = [torch.tensor(a, requires_grad=True) for a in arrays]
    m_out, t_out = ours(*mine), theirs(*tts)
    np.testing.assert_allclose(m_out.data, t_out.detach().numpy(), rtol=1e-10, atol=1e-12)
    weights = _rng(7).standard_normal(t_out.shape)
    (t_out * torch.tensor(weights)).sum().backward()
    (m_out * Tensor(weights)).sum().backward()
    for m, t in zip(mine, tts):
        expected = np.zeros(m.shape) if t.grad is None else t.grad.numpy()
        np.testing.assert_allclose(m.grad.data, expected, rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("p", [0, float("-inf")])
def test_normalize_p0_and_minus_inf_follow_pytorch(p):
    torch = pytest.importorskip("torch")
    x = _rng(1).standard_normal((3, 4))
    x[0, 1] = 0.0
    _against_torch(torch, lambda t: F.normalize(t, p=p, dim=1),
                   lambda t: torch.nn.functional.normalize(t, p=p, dim=1), x)


@pytest.mark.parametrize("p", [0, float("-inf")])
def test_normalize_p0_and_minus_inf_gradcheck(p):
    x = Tensor(_rng(2).standard_normal((3, 4)) + 3.0, requires_grad=True)
    assert gradcheck(lambda t: F.normalize(t, p=p, dim=1), [x])
