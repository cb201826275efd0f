"""Activation functions as modules, so they can sit in a Sequential and carry hooks."""
from .module import Module
from . import functional_act as F


class ReLU(Module):
    """max(x, 0)."""

    def forward(self, x):
        return x.relu()


class LeakyReLU(Module):
    """x if x > 0 else negative_slope * x."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """x if x > 0 else alpha (e^x - 1)."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return x.elu(self.alpha)

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
    """ln(1 + e^(beta x)) / beta."""

    def __init__(self, beta: float = 1.0):
        super().__init__()
        self.beta = beta

    def forward(self, x):
        return x.softplus(self.beta)

    def extra_repr(self):
        return f"beta={self.beta}"


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

    def forward(self, x):
        return F.silu(x)


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
