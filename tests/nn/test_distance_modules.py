"""nn.PairwiseDistance, nn.CosineSimilarity and TripletMarginWithDistanceLoss: values against
closed forms, gradients against central differences, and the loss's checks."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, gradcheck, nn


def test_pairwise_distance_and_cosine_similarity_closed_forms():
    a = Tensor([[0.0, 0.0], [1.0, 1.0]], dtype=np.float64)
    b = Tensor([[3.0, 4.0], [1.0, -1.0]], dtype=np.float64)
    d = nn.PairwiseDistance(eps=0.0)(a, b)
    assert np.allclose(d.data, [5.0, 2.0])
    assert np.allclose(nn.PairwiseDistance(p=1, eps=0.0)(a, b).data, [7.0, 2.0])
    assert np.allclose(nn.CosineSimilarity()(a[1:], b[1:]).data, [0.0])


def test_triplet_loss_with_a_custom_distance_and_swap():
    anchor = Tensor([[0.0, 0.0]], dtype=np.float64, requires_grad=True)
    positive = Tensor([[1.0, 0.0]], dtype=np.float64, requires_grad=True)
    negative = Tensor([[1.2, 0.0]], dtype=np.float64, requires_grad=True)
    manhattan = lambda x, y: (x - y).abs().sum(1)  # noqa: E731
    loss = nn.TripletMarginWithDistanceLoss(distance_function=manhattan, margin=0.5)
    assert np.isclose(loss(anchor, positive, negative).item(), 1.0 - 1.2 + 0.5)
    # swap: d(p, n) = 0.2 is smaller than d(a, n) = 1.2, so it is used instead
    swapped = nn.TripletMarginWithDistanceLoss(distance_function=manhattan, margin=0.5, swap=True)
    assert np.isclose(swapped(anchor, positive, negative).item(), 1.0 - 0.2 + 0.5)
    assert gradcheck(lambda a, p, n: nn.functional.triplet_margin_with_distance_loss(a, p, n),
                     [anchor, positive, negative])


def test_triplet_loss_refuses_a_bad_margin_and_mismatched_dims():
    x = Tensor([[0.0, 1.0]])
    with pytest.raises(ValueError, match="margin must be greater than 0"):
        nn.functional.triplet_margin_with_distance_loss(x, x, x, margin=0.0)
    with pytest.raises(ValueError, match="same number of dims"):
        nn.functional.triplet_margin_with_distance_loss(x, x, Tensor([0.0, 1.0]))
