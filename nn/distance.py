"""Distance modules with PyTorch's names (`nn.PairwiseDistance`, `nn.CosineSimilarity`): the
functions of `functional_loss_margin.py` as modules, e.g. the `distance_function` of
`TripletMarginWithDistanceLoss`."""
from .module import Module
from . import functional_loss_margin as M


class PairwiseDistance(Module):
    """||x1 - x2 + eps||_p over the last dim, row by row.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> round(PairwiseDistance()(Tensor([[0.0, 0.0]]), Tensor([[3.0, 4.0]])).item(), 4)
        5.0
    """

    def __init__(self, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False):
        super().__init__()
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return M.pairwise_distance(x1, x2, self.norm, self.eps, self.keepdim)


class CosineSimilarity(Module):
    """<x1, x2> / (||x1|| ||x2||) along `dim` (each norm at least eps).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> CosineSimilarity()(Tensor([[1.0, 0.0]]), Tensor([[2.0, 0.0]])).item()
        1.0
    """

    def __init__(self, dim: int = 1, eps: float = 1e-8):
        super().__init__()
        self.dim, self.eps = dim, eps

    def forward(self, x1, x2):
        return M.cosine_similarity(x1, x2, self.dim, self.eps)
