"""tinygrad_edu: a readable reverse-mode autodiff engine on numpy, for learning deep learning.

    >>> from tinygrad_edu import Tensor
    >>> w = Tensor([[1.0, 2.0]], requires_grad=True)
    >>> loss = (w @ Tensor([[3.0], [4.0]])).sum()
    >>> loss.backward()
    >>> w.grad.tolist()
    [[3.0, 4.0]]
"""
from ._version import __version__
from .tensor import Tensor
from .grad_mode import no_grad, enable_grad, set_grad_enabled, is_grad_enabled
from .anomaly import detect_anomaly, AnomalyError
from .checks import grad, gradcheck, gradgradcheck, GradcheckError
from .dtypes import set_default_dtype, get_default_dtype
from .function import Function
from .random import manual_seed

__all__ = [
    "__version__", "Tensor", "Function", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "detect_anomaly", "AnomalyError", "grad", "gradcheck", "gradgradcheck",
    "GradcheckError", "set_default_dtype", "get_default_dtype", "manual_seed",
]

# Subpackages load on first use (`tinygrad_edu.nn`, `from tinygrad_edu import viz`), so that
# `import tinygrad_edu` stays light and viz's Graphviz imports are paid only by those who draw.
_SUBPACKAGES = ("nn", "optim", "viz", "data", "bench", "train", "utils")


def __getattr__(name):
    if name in _SUBPACKAGES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")
