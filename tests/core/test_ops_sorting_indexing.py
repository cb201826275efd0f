"""Sorting and indexing ops: the order found on the data, the gradient sent back to the picked
elements (float64 gradcheck), ties and the adjoint of scatter."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck

RNG = np.random.default_rng(11)


def _x(*shape):
    return Tensor(RNG.standard_normal(shape), requires_grad=True)


@pytest.mark.parametrize("fn", [
    lambda t: t.sort(1).values, lambda t: t.sort(0, descending=True).values,
    lambda t: t.topk(2).values, lambda t: t.kthvalue(2, 0).values, lambda t: t.median(1).values,
    lambda t: t.cummax(1).values, lambda t: t.cummin(0).values, lambda t: t.msort(),
    lambda t: t.index_select(1, Tensor([2, 0, 2])), lambda t: t.take(Tensor([[0, 5], [5, 1]])),
    lambda t: t.masked_select(t.detach() > 0), lambda t: t.flip(0, 1), lambda t: t.roll(1, 1),
    lambda t: t.rot90(), lambda t: t.diagonal(1), lambda t: t.tril(-1), lambda t: t.triu(),
    lambda t: t.repeat_interleave(2, 0), lambda t: t.diag_embed(),
    lambda t: t.take_along_dim(Tensor([[0], [-1], [1]]), 1),
])
def test_gradients_match_central_differences(fn):
    assert gradcheck(fn, [_x(3, 4)])


def test_scatter_family_gradients():
    index = Tensor([[1, 0], [2, 1]])
    src = _x(2, 2)
    assert gradcheck(lambda s, t: s.scatter(1, index, t), [_x(2, 4), src])
    assert gradcheck(lambda s, t: s.scatter_add(0, index, t), [_x(3, 2), src])
    assert gradcheck(lambda s, t: s.index_add(0, Tensor([0, 0]), t), [_x(3, 2), src])
    assert gradcheck(lambda s, t: s.index_copy(1, Tensor([3, 1]), t), [_x(2, 4), src])


@pytest.mark.parametrize("reduce", ["sum", "mean", "prod", "amax", "amin"])
@pytest.mark.parametrize("include_self", [True, False])
def test_scatter_reduce_gradients(reduce, include_self):
    index = Tensor([[0, 1], [0, 0]])
    assert gradcheck(lambda s, t: s.scatter_reduce(1, index, t, reduce, include_self=include_self),
                     [_x(2, 3), _x(2, 2)])


def test_sort_is_stable_and_descending_keeps_tie_order():
    t = Tensor([2.0, 1.0, 2.0, 1.0])
    assert t.sort().indices.tolist() == [1, 3, 0, 2]
    assert t.sort(descending=True).indices.tolist() == [0, 2, 1, 3]


def test_cummax_reports_the_last_tied_index_and_median_the_lower_one():
    values, indices = Tensor([1.0, 3.0, 3.0, 2.0]).cummax(0)
    assert values.tolist() == [1.0, 3.0, 3.0, 3.0] and indices.tolist() == [0, 1, 2, 2]
    assert Tensor([4.0, 1.0, 3.0, 2.0]).median().item() == 2.0


def test_searchsorted_and_bucketize():
    import tinygrad_edu as tg
    seq = tg.tensor([1.0, 3.0, 5.0])
    assert tg.searchsorted(seq, tg.tensor([3.0, 6.0])).tolist() == [1, 3]
    assert tg.searchsorted(seq, tg.tensor([3.0]), right=True).tolist() == [2]
    assert tg.bucketize(tg.tensor([0.5, 3.0]), seq).tolist() == [0, 1]


def test_bad_arguments_name_the_op():
    with pytest.raises(ValueError, match="topk"):
        Tensor([1.0, 2.0]).topk(3)
    with pytest.raises(IndexError, match="index_select"):
        Tensor([1.0, 2.0]).index_select(0, Tensor([2]))
