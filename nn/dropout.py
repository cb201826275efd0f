"""Dropout layers: `Dropout` (elementwise) and `Dropout1d`/`Dropout2d`/`Dropout3d` (whole
channels), with PyTorch's names and arguments; the maths and the masks are in
functional_dropout.py and ops/pool.py."""
from .module import Module
from . import functional_dropout as D


class _DropoutNd(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        D.check_p(type(self).__name__, p)
        self.p, self.inplace = float(p), inplace

    def extra_repr(self):
        return f"p={self.p}"


class Dropout(_DropoutNd):
    """Inverted dropout while training (zero with probability p, scale by 1/(1-p)); the
    identity in eval mode.

    Why: a unit cannot rely on any particular other unit being present, which regularises
    the network like an average over many thinned networks (summary notes, section 6.6); the
    1/(1-p) scaling keeps expectations equal, so nothing changes at test time.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> layer = Dropout(0.5).eval()
        >>> layer(Tensor.ones(4)).tolist()
        [1.0, 1.0, 1.0, 1.0]
    """

    def forward(self, x):
        return x.dropout(self.p, training=self.training)


class Dropout1d(_DropoutNd):
    """Channel dropout for (N, C, L) / (C, L) input: a whole channel is zeroed with
    probability p, for features whose neighbours are correlated (convolution outputs)."""

    def forward(self, x):
        return D.dropout1d(x, self.p, self.training)


class Dropout2d(_DropoutNd):
    """Channel dropout for (N, C, H, W) input (feature maps of a CNN).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Dropout2d(0.5).eval()(Tensor.ones(1, 2, 2, 2)).shape
        (1, 2, 2, 2)
    """

    def forward(self, x):
        return D.dropout2d(x, self.p, self.training)


class Dropout3d(_DropoutNd):
    """Channel dropout for (N, C, D, H, W) / (C, D, H, W) input."""

    def forward(self, x):
        return D.dropout3d(x, self.p, self.training)
