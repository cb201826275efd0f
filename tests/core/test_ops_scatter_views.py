"""The out-of-place writes (select_scatter, slice_scatter, diagonal_scatter, index_put,
masked_scatter): the written copies in closed form, the input left as it was, gradients
(outside the region to the input, inside to the source) by gradcheck, and the refusals."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck


def test_closed_forms_and_the_input_is_unchanged():
    x = tg.zeros(3, 3)
    assert tg.select_scatter(x, tg.ones(3), 1, 0).tolist()[0] == [1.0, 0.0, 0.0]
    assert tg.slice_scatter(x, tg.ones(3, 1), 1, 1, 2).tolist()[2] == [0.0, 1.0, 0.0]
    assert tg.diagonal_scatter(x, tg.tensor([1.0, 2.0]), 1).tolist() == \
        [[0.0, 1.0, 0.0], [0.0, 0.0, 2.0], [0.0, 0.0, 0.0]]
    idx = (tg.tensor([0, 0, 2]), tg.tensor([1, 1, 2]))
    assert tg.index_put(x, idx, tg.tensor(5.0)).tolist()[0] == [0.0, 5.0, 0.0]
    assert tg.index_put(x, idx, tg.ones(3), accumulate=True).tolist()[0] == [0.0, 2.0, 0.0]
    mask = tg.tensor([[True, False, True]])
    assert tg.masked_scatter(x, mask, tg.arange(9.0)).tolist()[1] == [2.0, 0.0, 3.0]
    assert not x.data.any()


def test_gradients():
    rng = np.random.default_rng(13)
    x = Tensor(rng.standard_normal((3, 4)), requires_grad=True)
    src = Tensor(rng.standard_normal((3,)), requires_grad=True)
    idx = (np.array([0, 2, 2]), np.array([1, 3, 3]))
    assert gradcheck(lambda a, b: a.select_scatter(b, 1, 2) ** 2, [x, src])
    assert gradcheck(lambda a, b: a.diagonal_scatter(b) ** 2, [x, src])
    assert gradcheck(lambda a, b: a.index_put(idx, b, accumulate=True) ** 2, [x, src])
    assert gradcheck(lambda a, b: a.masked_scatter(Tensor(np.eye(3, 4, dtype=bool)), b) ** 2,
                     [x, src])


def test_refusals():
    with pytest.raises(IndexError, match="select_scatter: index 5 is out of range"):
        tg.zeros(2, 2).select_scatter(tg.ones(2), 0, 5)
    with pytest.raises(TypeError, match="masked_scatter: the mask must be boolean"):
        tg.zeros(2).masked_scatter(tg.tensor([1, 0]), tg.ones(2))
    with pytest.raises(ValueError, match="selects 2 positions but source has only 1"):
        tg.zeros(2).masked_scatter(tg.tensor([True, True]), tg.ones(1))
