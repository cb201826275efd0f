"""Weight initialisation, in place, with PyTorch's names and formulas.

Why it matters: with fan-in scaled weights the variance of activations stays roughly
constant from layer to layer, so deep networks start trainable. The bounds are computed
in PyTorch's order of operations and the draws are PyTorch's (`Tensor.uniform_` /
`normal_`), so `manual_seed(0); nn.Linear(3, 2)` has PyTorch's weights.
"""
import math

import numpy as np

from tinygrad_edu import random_draws
from tinygrad_edu.random import manual_seed, resolve  # noqa: F401 (nn.init.manual_seed)


def _fill(tensor, values):
    tensor.data[...] = values.astype(tensor.dtype, copy=False)
    return tensor


def _fans(tensor):
    if tensor.ndim < 2:
        raise ValueError(f"nn.init: fan in/out need a tensor with at least 2 dims, got shape "
                         f"{tensor.shape}")
    receptive = int(np.prod(tensor.shape[2:])) if tensor.ndim > 2 else 1
    return tensor.shape[1] * receptive, tensor.shape[0] * receptive


def calculate_gain(nonlinearity: str, param=None) -> float:
    """The gain that keeps activation variance stable for a nonlinearity (as PyTorch)."""
    gains = {"linear": 1.0, "sigmoid": 1.0, "conv1d": 1.0, "conv2d": 1.0, "tanh": 5.0 / 3,
             "relu": math.sqrt(2.0), "selu": 0.75}
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else param
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity not in gains:
        raise ValueError(f"calculate_gain: unknown nonlinearity '{nonlinearity}'; use one of "
                         f"{sorted(gains) + ['leaky_relu']}")
    return gains[nonlinearity]


def _draw_dtype(tensor):
    return np.float64 if tensor.dtype == np.float64 else np.float32


def uniform_(tensor, a: float = 0.0, b: float = 1.0, generator=None):
    """Fill with samples from U(a, b) (from `generator`, a tinygrad_edu.Generator, if given).

    Example:
        >>> from tinygrad_edu import Tensor, Generator, nn
        >>> w = nn.init.uniform_(Tensor.zeros(3), -1, 1, generator=Generator().manual_seed(42))
        >>> [round(v, 4) for v in w.tolist()]                       # torch's numbers
        [0.7645, 0.8300, -0.2343]
    """
    gen = resolve(generator, op_name="nn.init.uniform_")
    return _fill(tensor, random_draws.uniform(gen, tensor.data.size, _draw_dtype(tensor), a, b)
                 .reshape(tensor.shape))


def normal_(tensor, mean: float = 0.0, std: float = 1.0, generator=None):
    """Fill with samples from N(mean, std^2) (from `generator`, a tinygrad_edu.Generator, if given)."""
    gen = resolve(generator, op_name="nn.init.normal_")
    values = random_draws.normal(gen, tensor.data.size, _draw_dtype(tensor), mean, std,
                                 contiguous=tensor.data.flags.c_contiguous)
    return _fill(tensor, values.reshape(tensor.shape))


def zeros_(tensor):
    """Fill with 0."""
    return _fill(tensor, np.zeros(tensor.shape))


def ones_(tensor):
    """Fill with 1."""
    return _fill(tensor, np.ones(tensor.shape))


def constant_(tensor, value: float):
    """Fill with `value`."""
    return _fill(tensor, np.full(tensor.shape, value))


def xavier_uniform_(tensor, gain: float = 1.0, generator=None):
    """Glorot: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), for tanh/sigmoid nets."""
    fan_in, fan_out = _fans(tensor)
    bound = math.sqrt(3.0) * (gain * math.sqrt(2.0 / float(fan_in + fan_out)))
    return uniform_(tensor, -bound, bound, generator)


def xavier_normal_(tensor, gain: float = 1.0, generator=None):
    """Glorot normal: N(0, gain^2 * 2 / (fan_in + fan_out))."""
    fan_in, fan_out = _fans(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)), generator)


def kaiming_uniform_(tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                     generator=None):
    """He: U(-b, b) with b = gain * sqrt(3 / fan), for ReLU nets (PyTorch's Linear default
    uses a = sqrt(5), which gives b = 1 / sqrt(fan_in))."""
    if 0 in tensor.shape:
        return tensor                                   # PyTorch draws nothing here either
    fan_in, fan_out = _fans(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    bound = math.sqrt(3.0) * (calculate_gain(nonlinearity, a) / math.sqrt(fan))
    return uniform_(tensor, -bound, bound, generator)


def kaiming_normal_(tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu",
                    generator=None):
    """He normal: N(0, gain^2 / fan)."""
    if 0 in tensor.shape:
        return tensor
    fan_in, fan_out = _fans(tensor)
    fan = fan_in if mode == "fan_in" else fan_out
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan), generator)
