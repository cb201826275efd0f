"""Embedding's PyTorch options: max_norm (rows renormalised in place), scale_grad_by_freq,
_weight/_freeze and from_pretrained (no draw from the generator), device=, and sparse refused.
Closed forms always; PyTorch's values and gradients when it is installed."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn

INDEX = np.array([[0, 2, 2], [3, 2, 0]])


def _table():
    return np.arange(15, dtype=np.float64).reshape(5, 3) / 4 - 1


def test_max_norm_rescales_the_looked_up_rows_in_place():
    weight = Tensor(_table(), requires_grad=True)
    out = nn.functional.embedding(INDEX, weight, max_norm=1.0)
    norms = np.linalg.norm(weight.data, axis=1)
    assert np.all(norms[[0, 2, 3]] <= 1.0 + 1e-6)
    assert np.allclose(weight.data[[1, 4]], _table()[[1, 4]])      # rows not looked up: as they were
    assert np.allclose(out.data, weight.data[INDEX])


def test_scale_grad_by_freq_divides_each_rows_gradient_by_its_count():
    weight = Tensor(_table(), requires_grad=True)
    nn.functional.embedding(INDEX, weight, scale_grad_by_freq=True).sum().backward()
    # counts: row 0 twice, row 2 three times, row 3 once -> each row's gradient sums to 1
    assert np.allclose(weight.grad.data, [[1] * 3, [0] * 3, [1] * 3, [1] * 3, [0] * 3])


def test_given_table_and_from_pretrained_draw_nothing_from_the_generator():
    tg.manual_seed(0)
    expected = tg.rand(3).tolist()
    tg.manual_seed(0)
    layer = nn.Embedding(5, 3, _weight=_table(), _freeze=True)
    nn.Embedding.from_pretrained(_table())
    assert tg.rand(3).tolist() == expected
    assert not layer.weight.requires_grad and np.allclose(layer.weight.data, _table())


def test_refusals_name_the_option():
    with pytest.raises(ValueError, match="sparse=True"):
        nn.Embedding(5, 3, sparse=True)
    with pytest.raises(ValueError, match="max_norm must be positive"):
        nn.functional.embedding(INDEX, Tensor(_table()), max_norm=-1.0)
    with pytest.raises(RuntimeError, match="CPU only"):
        nn.Embedding(5, 3, device="cuda")
    assert nn.Embedding(5, 3, device="cpu").weight.shape == (5, 3)


def test_options_match_pytorch():
    torch = pytest.importorskip("torch")
    ours = Tensor(_table(), requires_grad=True)
    theirs = torch.tensor(_table(), requires_grad=True)
    upstream = np.random.default_rng(0).standard_normal(INDEX.shape + (3,))
    o = nn.functional.embedding(INDEX, ours, padding_idx=3, max_norm=1.5, norm_type=1.0,
                                scale_grad_by_freq=True)
    t = torch.nn.functional.embedding(torch.tensor(INDEX), theirs, padding_idx=3, max_norm=1.5,
                                      norm_type=1.0, scale_grad_by_freq=True)
    (o * Tensor(upstream)).sum().backward()
    (t * torch.tensor(upstream)).sum().backward()
    assert np.allclose(o.data, t.detach().numpy(), atol=1e-12)
    assert np.allclose(ours.data, theirs.detach().numpy(), atol=1e-12)     # the renormed table
    assert np.allclose(ours.grad.data, theirs.grad.numpy(), atol=1e-12)
