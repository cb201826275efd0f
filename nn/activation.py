"""Activation functions as modules, so they can sit in a Sequential and carry hooks.

`inplace=` is accepted wherever PyTorch has it (the result is always a new tensor). The
piecewise-linear ones are in `activation_piecewise.py`.
"""
import numpy as np

from tinygrad_edu import get_default_dtype
from tinygrad_edu.devices import check_device
from .module import Module, Parameter
from . import functional_act as F
from . import functional_act_smooth as S


class ReLU(Module):
    """max(x, 0)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return input.relu()


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, x):
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x if x > 0 else alpha (e^x - 1)."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return input.elu(self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Tanh(Module):
    """tanh(x)."""

    def forward(self, x):
        return x.tanh()


class Sigmoid(Module):
    """1 / (1 + e^-x)."""

    def forward(self, x):
        return x.sigmoid()


class Softplus(Module):
    """ln(1 + e^(beta x)) / beta, and x where beta x > threshold (as PyTorch)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """Probabilities along `dim`."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return x.softmax(self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """Log-probabilities along `dim`."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return x.log_softmax(self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class GELU(Module):
    """x Phi(x), Phi the standard normal CDF: a smooth ReLU used by transformers (BERT, GPT).

    `approximate='tanh'` uses PyTorch's tanh formula instead of erf.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> round(GELU()(Tensor([1.0])).item(), 4)
        0.8413
    """

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: approximate must be 'none' or 'tanh', got {approximate!r}")
        self.approximate = approximate

    def forward(self, x):
        return F.gelu(x, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class SiLU(Module):
    """x * sigmoid(x) (swish): smooth, non-monotonic just below 0, unbounded above.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> SiLU()(Tensor([0.0])).item()
        0.0
    """

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.silu(input)


class _Smooth(Module):
    function = None

    def forward(self, input):
        return type(self).function(input)


class SELU(_Smooth):
    """Scaled ELU with the self-normalising constants.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> SELU()(Tensor([0.0])).item()
        0.0
    """

    function = staticmethod(S.selu)

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace


class CELU(Module):
    """x for x > 0, alpha (e^(x/alpha) - 1) otherwise.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> CELU()(Tensor([2.0])).item()
        2.0
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return S.celu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class Mish(_Smooth):
    """x tanh(softplus(x)).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Mish()(Tensor([0.0])).item()
        0.0
    """

    function = staticmethod(S.mish)

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace


class LogSigmoid(_Smooth):
    """log sigmoid(x), stable.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> round(LogSigmoid()(Tensor([0.0])).item(), 4)
        -0.6931
    """

    function = staticmethod(S.logsigmoid)


class Softsign(_Smooth):
    """x / (1 + |x|).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Softsign()(Tensor([1.0])).item()
        0.5
    """

    function = staticmethod(S.softsign)


class Tanhshrink(_Smooth):
    """x - tanh(x).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Tanhshrink()(Tensor([0.0])).item()
        0.0
    """

    function = staticmethod(S.tanhshrink)


class GLU(Module):
    """Gated linear unit a * sigmoid(b) of the two halves of `dim`.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> GLU()(Tensor.ones(2, 4)).shape
        (2, 2)
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return S.glu(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class PReLU(Module):
    """Leaky ReLU whose negative slope is learned: one shared `weight`, or one per channel.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> PReLU()(Tensor([-4.0, 1.0])).tolist()
        [-1.0, 1.0]
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        check_device(device, type(self).__name__)
        super().__init__()
        self.num_parameters, self.init = int(num_parameters), init
        self.weight = Parameter(np.full(self.num_parameters, init,
                                        dtype=dtype or get_default_dtype()))

    def reset_parameters(self):
        """Every slope back to `init`."""
        self.weight.data[...] = self.init

    def forward(self, input):
        return S.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Softmin(Module):
    """softmax(-x) along `dim`.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Softmin(dim=0)(Tensor([0.0, 0.0])).tolist()
        [0.5, 0.5]
    """

    def __init__(self, dim=None):
        super().__init__()
        self.dim = dim

    def forward(self, input):
        return S.softmin(input, self.dim)

    def extra_repr(self):
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels (dim -3) of (N, C, H, W) or (C, H, W) images.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Softmax2d()(Tensor.ones(2, 4, 3, 3)).shape
        (2, 4, 3, 3)
    """

    def forward(self, input):
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected a 3-D or 4-D input, got shape {input.shape}")
        return input.softmax(-3)


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "elu": ELU, "tanh": Tanh,
               "sigmoid": Sigmoid, "softplus": Softplus, "softmax": Softmax, "gelu": GELU,
               "silu": SiLU}


def make_activation(name_or_module):
    """An activation module from a name ('relu', 'tanh', ...), a Module class or instance."""
    if isinstance(name_or_module, Module):
        return name_or_module
    if isinstance(name_or_module, type) and issubclass(name_or_module, Module):
        return name_or_module()
    if name_or_module not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name_or_module!r}; use one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name_or_module]()
