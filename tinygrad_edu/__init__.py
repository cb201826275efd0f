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
from .sharing import from_numpy, as_tensor
from .random import (manual_seed, initial_seed, seed, Generator, default_generator, get_rng_state,
                     set_rng_state)
from .devices import device
from .api import (  # noqa: F401 (torch-named module-level functions and dtypes, see api.py)
    tensor, zeros, ones, full, empty, empty_like, logspace, tril_indices, triu_indices,
    scalar_tensor, randint_like, randn, rand, randint, randperm, arange,
    linspace, eye, zeros_like, ones_like, full_like, randn_like, rand_like, normal, multinomial,
    bernoulli, cat, concat, concatenate,
    stack, where, matmul, maximum, minimum, max, min, exp, log, tanh, sigmoid, relu, softmax, sum,
    mean, all, any, allclose, histc, numel, is_tensor, clone, float32, float64, float16, int64,
    int32, int16, int8, uint8, bool, float, double, half, long, int, short, hstack, vstack, dstack,
    column_stack, broadcast_tensors, meshgrid, block_diag, cartesian_prod, atleast_1d, atleast_2d,
    atleast_3d, searchsorted, bucketize, einsum, histogram)
from .api_elementwise import *  # noqa: F401,F403 (torch-named module functions, see each module)
from .api_elementwise import abs, round, pow  # noqa: F401 (shadow builtins: not in import *)
from .api_reduce import *  # noqa: F401,F403
from .api_shape import *  # noqa: F401,F403
from .api_special import *  # noqa: F401,F403
from .api_compare import *  # noqa: F401,F403
from .api_indexing import *  # noqa: F401,F403
from . import linalg  # noqa: F401 (tinygrad_edu.linalg, as torch.linalg)
from .linalg import det, logdet, slogdet, matrix_power, inv as inverse  # noqa: F401
from . import (api_elementwise as _api_elementwise, api_reduce as _api_reduce,
               api_shape as _api_shape, api_special as _api_special,
               api_compare as _api_compare, api_indexing as _api_indexing)

__all__ = ([
    "__version__", "Tensor", "Function", "no_grad", "enable_grad", "set_grad_enabled",
    "is_grad_enabled", "detect_anomaly", "AnomalyError", "grad", "gradcheck", "gradgradcheck",
    "GradcheckError", "set_default_dtype", "get_default_dtype", "manual_seed", "from_numpy",
    "as_tensor",
    # PyTorch names (api.py); those that would shadow Python builtins (bool, int, float, max,
    # min, sum, all, any) are left out of `import *` and used as tinygrad_edu.max etc.
    "initial_seed", "get_rng_state", "set_rng_state", "Generator", "default_generator", "device",
    "tensor", "zeros", "ones", "full", "empty", "empty_like", "logspace", "tril_indices",
    "triu_indices", "scalar_tensor", "randint_like",
    "randn", "rand", "randint", "randperm", "arange", "linspace", "eye", "zeros_like", "ones_like",
    "full_like", "randn_like", "rand_like", "normal", "multinomial", "bernoulli", "seed", "cat",
    "concat",
    "concatenate", "stack", "where", "matmul", "maximum", "minimum", "exp", "log", "tanh",
    "sigmoid", "relu", "softmax", "mean", "allclose", "histc", "numel", "is_tensor", "clone",
    "float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "double", "half",
    "long", "short", "hstack", "vstack", "dstack", "column_stack", "broadcast_tensors", "meshgrid",
    "block_diag", "cartesian_prod", "atleast_1d", "atleast_2d", "atleast_3d",
    "searchsorted", "bucketize", "einsum", "histogram", "linalg", "det", "logdet", "slogdet",
    "matrix_power", "inverse",
] + _api_elementwise.__all__ + _api_reduce.__all__ + _api_shape.__all__
           + _api_special.__all__ + _api_compare.__all__
           + _api_indexing.__all__)

# Subpackages load on first use (`tinygrad_edu.nn`, `from tinygrad_edu import viz`), so that
# `import tinygrad_edu` stays light and viz's Graphviz imports are paid only by those who draw.
_SUBPACKAGES = ("nn", "optim", "viz", "data", "bench", "train", "utils")


def __getattr__(name):
    if name in _SUBPACKAGES:
        import importlib
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'tinygrad_edu' has no attribute {name!r}")
