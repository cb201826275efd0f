"""ops/views.py's sliding windows (Tensor.unfold), split_with_sizes and diagflat: shapes and
values in closed form, the windows' gradient (each element counted once per window holding it),
and the refusals."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck


def test_unfold_windows_and_their_gradient():
    x = Tensor(np.arange(10.0).reshape(2, 5), requires_grad=True)
    windows = x.unfold(1, 3, 1)
    assert windows.shape == (2, 3, 3)
    assert windows[0].tolist() == [[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]]
    assert x.unfold(1, 2, 2).shape == (2, 2, 2) and x.unfold(0, 1, 1).shape == (2, 5, 1)
    windows.sum().backward()
    assert x.grad[0].tolist() == [1.0, 2.0, 3.0, 2.0, 1.0]          # windows holding each element
    assert tg.tensor(5.0).unfold(0, 1, 1).tolist() == [5.0]
    y = Tensor(np.random.default_rng(0).random((2, 4)), requires_grad=True)
    assert gradcheck(lambda t: t.unfold(1, 2, 1) * t.unfold(1, 2, 1), [y])


def test_split_with_sizes_and_diagflat():
    parts = tg.split_with_sizes(tg.arange(6), [1, 2, 3])
    assert [p.tolist() for p in parts] == [[0], [1, 2], [3, 4, 5]]
    assert tg.diagflat(tg.tensor([[1, 2]]), 1).tolist() == [[0, 1, 0], [0, 0, 2], [0, 0, 0]]


def test_refusals_name_the_problem():
    with pytest.raises(ValueError, match="unfold: size 6 must be between 0 and the length 5"):
        tg.zeros(5).unfold(0, 6, 1)
    with pytest.raises(ValueError, match="unfold: step must be a positive integer"):
        tg.zeros(5).unfold(0, 2, 0)
    with pytest.raises(ValueError, match="split_with_sizes: sizes .* add up to the length 6"):
        tg.arange(6).split_with_sizes([1, 2])
