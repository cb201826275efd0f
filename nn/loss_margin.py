"""Loss modules of regression, likelihood, margin and embedding losses, with PyTorch's class
names and constructor arguments (the maths is in `functional_loss_regression.py` and
`functional_loss_margin.py`)."""
from .loss import _Loss, _WeightedLoss
from . import functional_loss_regression as R
from . import functional_loss_margin as M


class SmoothL1Loss(_Loss):
    """Quadratic below beta, linear above: a robust regression loss.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> SmoothL1Loss()(Tensor([3.0]), Tensor([0.0])).item()
        2.5
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean", beta: float = 1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return R.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class HuberLoss(_Loss):
    """Quadratic below delta, linear (slope delta) above.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> HuberLoss(delta=2.0)(Tensor([3.0]), Tensor([0.0])).item()
        4.0
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0):
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return R.huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class KLDivLoss(_Loss):
    """KL(target || q) for log-probabilities q = input (reduction may be 'batchmean').

    Example:
        >>> from tinygrad_edu import Tensor
        >>> KLDivLoss(reduction='batchmean')(Tensor([[0.0]]), Tensor([[1.0]])).item()
        0.0
    """

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean",
                 log_target: bool = False):
        if reduction == "batchmean":              # not one of _Loss's three
            super().__init__(size_average, reduce, "mean")
            self.reduction = "batchmean"
        else:
            super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return R.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """Negative log-likelihood of Poisson counts.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> PoissonNLLLoss()(Tensor([0.0]), Tensor([2.0])).item()
        1.0
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average=None,
                 eps: float = 1e-8, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input, self.full, self.eps = log_input, full, eps

    def forward(self, log_input, target):
        return R.poisson_nll_loss(log_input, target, self.log_input, self.full, eps=self.eps,
                                  reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """Negative log-likelihood of targets under N(input, var); forward(input, target, var).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> GaussianNLLLoss()(Tensor([0.0]), Tensor([0.0]), Tensor([1.0])).item()
        0.0
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean"):
        super().__init__(reduction=reduction)
        self.full, self.eps = full, eps

    def forward(self, input, target, var):
        return R.gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps,
                                   reduction=self.reduction)


class MarginRankingLoss(_Loss):
    """max(0, -y (x1 - x2) + margin); forward(input1, input2, target).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> MarginRankingLoss()(Tensor([1.0]), Tensor([2.0]), Tensor([-1.0])).item()
        0.0
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return M.margin_ranking_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """log(1 + e^(-y x)) for labels in {-1, 1}.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> round(SoftMarginLoss()(Tensor([0.0]), Tensor([1.0])).item(), 4)
        0.6931
    """

    def forward(self, input, target):
        return M.soft_margin_loss(input, target, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """x for similar pairs (y = 1), max(0, margin - x) for dissimilar ones (y = -1).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> HingeEmbeddingLoss()(Tensor([0.25]), Tensor([-1.0])).item()
        0.75
    """

    def __init__(self, margin: float = 1.0, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return M.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """1 - cos for similar pairs, max(0, cos - margin) for dissimilar ones.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> CosineEmbeddingLoss()(Tensor([[1.0, 0.0]]), Tensor([[0.0, 1.0]]), Tensor([1.0])).item()
        1.0
    """

    def __init__(self, margin: float = 0.0, size_average=None, reduce=None,
                 reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return M.cosine_embedding_loss(input1, input2, target, self.margin,
                                       reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """Multi-class hinge loss of scores (N, C) and class indices (N,).

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import Tensor
        >>> round(MultiMarginLoss()(Tensor([[0.1, 0.2, 0.4, 0.8]]), np.array([3])).item(), 4)
        0.325
    """

    def __init__(self, p: int = 1, margin: float = 1.0, weight=None, size_average=None,
                 reduce=None, reduction: str = "mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError(f"MultiMarginLoss: only p = 1 and p = 2 are supported, got {p}")
        self.p, self.margin = p, margin

    def forward(self, input, target):
        return M.multi_margin_loss(input, target, self.p, self.margin, self.weight,
                                   reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """Multi-label hinge loss; each target row lists class indices, ended by -1.

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import Tensor
        >>> round(MultiLabelMarginLoss()(Tensor([[0.1, 0.2, 0.4, 0.8]]), np.array([[3, 0, -1, 1]])).item(), 4)
        0.85
    """

    def forward(self, input, target):
        return M.multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """Per-class logistic loss averaged over the classes of each sample.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> round(MultiLabelSoftMarginLoss()(Tensor([[0.0]]), Tensor([[1.0]])).item(), 4)
        0.6931
    """

    def forward(self, input, target):
        return M.multilabel_soft_margin_loss(input, target, self.weight, reduction=self.reduction)


class TripletMarginLoss(_Loss):
    """max(d(a, p) - d(a, n) + margin, 0) with the pairwise p-norm distance.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> TripletMarginLoss()(Tensor([[0.0]]), Tensor([[0.0]]), Tensor([[0.0]])).item()
        1.0
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6, swap: bool = False,
                 size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return M.triplet_margin_loss(anchor, positive, negative, self.margin, self.p, self.eps,
                                     self.swap, reduction=self.reduction)


class TripletMarginWithDistanceLoss(_Loss):
    """max(d(a, p) - d(a, n) + margin, 0) with a distance function of your choice
    (`pairwise_distance` by default).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> loss = TripletMarginWithDistanceLoss(distance_function=lambda x, y: (x - y).abs().sum(1))
        >>> loss(Tensor([[0.0, 0.0]]), Tensor([[1.0, 0.0]]), Tensor([[1.0, 1.0]])).item()
        0.0
    """

    def __init__(self, *, distance_function=None, margin: float = 1.0, swap: bool = False,
                 reduction: str = "mean"):
        super().__init__(reduction=reduction)
        self.distance_function, self.margin, self.swap = distance_function, margin, swap

    def forward(self, anchor, positive, negative):
        return M.triplet_margin_with_distance_loss(
            anchor, positive, negative, distance_function=self.distance_function,
            margin=self.margin, swap=self.swap, reduction=self.reduction)
