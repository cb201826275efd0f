"""Loss modules: thin wrappers around `nn.functional`, with PyTorch's class names.

Why modules as well as functions: a loss object carries its settings (reduction, class
weights, margin) so a training loop can take "the criterion" as one argument, and it
prints its settings in a repr. Every loss is `loss(input, target)` and returns a Tensor:
a scalar for reduction 'mean' or 'sum', one value per element for 'none'.
"""
from tinygrad_edu import Tensor
from .module import Module
from . import functional as F
from .functional_loss import legacy_reduction

_REDUCTIONS = ("mean", "sum", "none")


class _Loss(Module):
    """Stores and checks `reduction` (or PyTorch's deprecated size_average / reduce flags);
    subclasses implement forward(input, target)."""

    def __init__(self, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__()
        reduction = legacy_reduction(size_average, reduce, reduction)
        if reduction not in _REDUCTIONS:
            raise ValueError(f"{type(self).__name__}: reduction must be one of {_REDUCTIONS}, got "
                             f"{reduction!r}")
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}"


def _buffer(value):
    """None, or the value as a Tensor (a number or an array becomes one)."""
    return value if value is None or isinstance(value, Tensor) else Tensor(value)


class _WeightedLoss(_Loss):
    """A loss with an optional `weight` tensor, kept as a buffer (in the state dict), as PyTorch."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean"):
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _buffer(weight))


class MSELoss(_Loss):
    """Mean squared error (input - target)^2, the loss of least-squares regression.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> MSELoss()(Tensor([1.0, 2.0]), Tensor([1.0, 4.0])).item()
        2.0
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """Mean absolute error |input - target| (least absolute deviations): robust to outliers."""

    def forward(self, input, target):
        return F.l1_loss(input, target, reduction=self.reduction)


class NLLLoss(_WeightedLoss):
    """Negative log-likelihood of integer class targets, given log-probabilities.

    Put it after `LogSoftmax(dim=1)`, or use `CrossEntropyLoss` on raw logits.

    Args:
        weight: optional per-class weights (C,); 'mean' is then the weighted average.
        ignore_index: a target value whose entries contribute nothing.
        reduction: 'mean', 'sum' or 'none'.
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return F.nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                          reduction=self.reduction)


class CrossEntropyLoss(NLLLoss):
    """Softmax cross-entropy on raw logits (N, C[, ...]) with integer class targets.

    Equal to NLLLoss(LogSoftmax(logits)), computed stably (finite for logits of 1e4).
    Targets may also be class probabilities of the logits' shape. Same arguments as
    `NLLLoss`, and `label_smoothing` (mix the target with the uniform distribution).

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import Tensor
        >>> round(CrossEntropyLoss()(Tensor([[2.0, 0.0, 0.0]]), np.array([0])).item(), 4)
        0.2395
    """

    def __init__(self, weight=None, size_average=None, ignore_index: int = -100, reduce=None,
                 reduction: str = "mean", label_smoothing: float = 0.0):
        super().__init__(weight, size_average, ignore_index, reduce, reduction)
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return F.cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                               reduction=self.reduction, label_smoothing=self.label_smoothing)


class BCELoss(_WeightedLoss):
    """Binary cross-entropy of probabilities in [0, 1] (after a Sigmoid) and targets in [0, 1].

    Prefer `BCEWithLogitsLoss` on raw scores: it is exact where a sigmoid saturates.
    """

    def forward(self, input, target):
        return F.binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_WeightedLoss):
    """Binary cross-entropy on raw logits: softplus(z) - y z, stable for any z.

    Args:
        weight: optional weight of each element's loss (broadcast).
        reduction: 'mean', 'sum' or 'none'.
        pos_weight: optional weight of the positive term (e.g. negatives / positives for
            an imbalanced dataset).
    """

    def __init__(self, weight=None, size_average=None, reduce=None, reduction: str = "mean",
                 pos_weight=None):
        super().__init__(weight, size_average, reduce, reduction)
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight,
                                                  reduction=self.reduction,
                                                  pos_weight=self.pos_weight)


class HingeLoss(_Loss):
    """The SVM hinge loss max(0, margin - y s) for scores s and labels y in {-1, +1}.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> HingeLoss()(Tensor([0.5, 3.0]), Tensor([1.0, -1.0])).item()
        2.25
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean"):
        super().__init__(reduction=reduction)
        self.margin = margin

    def forward(self, input, target):
        return F.hinge_loss(input, target, margin=self.margin, reduction=self.reduction)

    def extra_repr(self):
        return f"margin={self.margin}, reduction={self.reduction!r}"
