"""Functional forms of the activations, `linear`, `one_hot` and `layer_norm` (PyTorch's F.*).

Everything here composes Tensor ops, so every gradient comes from the engine's checked
primitives. `nn.functional` re-exports these names; the activation modules call them.
"""
import math
import warnings

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor, int_arg


def relu(input, inplace: bool = False):
    """max(x, 0). `inplace` is accepted for PyTorch code and ignored (the result is new).

    Example:
        >>> relu(Tensor([-1.0, 2.0])).tolist()
        [0.0, 2.0]
    """
    return require_tensor("relu", "input", input, Tensor).relu()


def leaky_relu(input, negative_slope: float = 0.01, inplace: bool = False):
    """x if x > 0 else negative_slope * x (the one-page backprop notes' Leaky-ReLU)."""
    return require_tensor("leaky_relu", "input", input, Tensor).leaky_relu(negative_slope)


def elu(input, alpha: float = 1.0, inplace: bool = False):
    """x if x > 0 else alpha (e^x - 1)."""
    return require_tensor("elu", "input", input, Tensor).elu(alpha)


def tanh(input):
    """tanh(x)."""
    return require_tensor("tanh", "input", input, Tensor).tanh()


def sigmoid(input):
    """1 / (1 + e^-x)."""
    return require_tensor("sigmoid", "input", input, Tensor).sigmoid()


def softplus(input, beta: float = 1.0, threshold: float = 20.0):
    """ln(1 + e^(beta x)) / beta, and x itself where beta x > threshold (PyTorch's switch).

    The smooth part is computed stably for any x; the switch to the identity is kept so that
    values and gradients equal PyTorch's (near the threshold they differ by e^-threshold).

    Example:
        >>> softplus(Tensor([30.0])).item()
        30.0
    """
    x = require_tensor("softplus", "input", input, Tensor)
    smooth = x.softplus(beta)
    linear = x.data * beta > threshold
    return Tensor.where(linear, x, smooth) if linear.any() else smooth


def silu(input, inplace: bool = False):
    """SiLU (swish): x * sigmoid(x); its derivative s(x) (1 + x (1 - s(x))).

    Example:
        >>> round(silu(Tensor([1.0])).item(), 4)
        0.7311
    """
    return input * require_tensor("silu", "input", input, Tensor).sigmoid()


def erf(input):
    """The error function erf(x) = 2/sqrt(pi) int_0^x e^(-t^2) dt (the engine's primitive, with
    derivatives of every order; see ops/special.py).

    Example:
        >>> round(erf(Tensor([1.0])).item(), 6)
        0.842701
    """
    return require_tensor("erf", "input", input, Tensor).erf()


def gelu(input, approximate: str = "none"):
    """GELU: x Phi(x) = x (1 + erf(x / sqrt 2)) / 2, or its tanh approximation.

    `approximate='tanh'` gives x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2, as PyTorch.

    Example:
        >>> round(gelu(Tensor([1.0])).item(), 6)
        0.841345
    """
    require_tensor("gelu", "input", input, Tensor)
    if approximate == "none":
        return input * 0.5 * (erf(input * (1.0 / math.sqrt(2.0))) + 1.0)
    if approximate == "tanh":
        inner = (input + input * input * input * 0.044715) * math.sqrt(2.0 / math.pi)
        return input * 0.5 * (inner.tanh() + 1.0)
    raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")


def _softmax_dim(op, input, dim):
    if dim is not None:
        return dim
    # PyTorch's legacy implicit dim (it warns too): 0 for 0-, 1- and 3-d input, else 1
    warnings.warn(f"{op}: implicit dim is deprecated, pass dim= explicitly", UserWarning,
                  stacklevel=3)
    return 0 if input.ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """exp(x_i) / sum_j exp(x_j) along `dim` (PyTorch's implicit dim when None, with a warning).

    `dtype` casts the input first (e.g. float64 for more precise probabilities).

    Example:
        >>> softmax(Tensor([0.0, 0.0]), dim=0).tolist()
        [0.5, 0.5]
    """
    require_tensor("softmax", "input", input, Tensor)
    return input.softmax(_softmax_dim("softmax", input, dim), dtype=dtype)


def log_softmax(input, dim=None, _stacklevel: int = 3, dtype=None):
    """x_i - logsumexp(x) along `dim` (stable; implicit dim and `dtype` as `softmax`).

    Example:
        >>> log_softmax(Tensor([0.0]), dim=0).tolist()
        [0.0]
    """
    require_tensor("log_softmax", "input", input, Tensor)
    return input.log_softmax(_softmax_dim("log_softmax", input, dim), dtype=dtype)


def linear(input, weight, bias=None):
    """x W^T + b with weight (out_features, in_features), as `nn.Linear` computes it.

    Example:
        >>> linear(Tensor.ones(2, 3), Tensor.ones(4, 3)).shape
        (2, 4)
    """
    return require_tensor("linear", "input", input, Tensor).linear(weight, bias)


def one_hot(tensor, num_classes: int = -1):
    """Integer class indices of any shape -> int64 one-hot of shape tensor.shape + (C,).

    C is `num_classes`, or max index + 1 when -1 (as PyTorch). Not differentiable (indices).

    Example:
        >>> one_hot(Tensor(np.array([0, 2])), 3).tolist()
        [[1, 0, 0], [0, 0, 1]]
    """
    index = np.asarray(getattr(tensor, "data", tensor))
    if index.dtype.kind not in "iu":
        raise TypeError(f"one_hot: expected integer class indices, got dtype {index.dtype}; "
                        f"convert with .long() or .astype(np.int64)")
    if index.size and index.min() < 0:
        raise ValueError(f"one_hot: class indices must be >= 0, got {int(index.min())}")
    if num_classes == -1:
        if index.size == 0:
            raise ValueError("one_hot: cannot infer num_classes from an empty tensor; pass "
                             "num_classes=")
        num_classes = int(index.max()) + 1
    if index.size and index.max() >= num_classes:
        raise ValueError(f"one_hot: class index {int(index.max())} is out of range for "
                         f"num_classes={num_classes}; valid indices are 0..{num_classes - 1}")
    out = (index[..., None] == np.arange(num_classes)).astype(np.int64)
    return Tensor(out, dtype=np.int64)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps: float = 1e-5):
    """Normalise over the last len(normalized_shape) dims of each sample: (x - mean) / sqrt(var + eps).

    The variance is the biased one (divide by n), as PyTorch's layer norm; then weight and
    bias (of shape normalized_shape) scale and shift elementwise.

    Example:
        >>> layer_norm(Tensor([[1.0, 3.0]]), (2,), eps=0.0).tolist()
        [[-1.0, 1.0]]
    """
    sizes = normalized_shape if isinstance(normalized_shape, (tuple, list)) else (normalized_shape,)
    shape = tuple(int_arg("layer_norm", "normalized_shape", n, minimum=1) for n in sizes)
    if not shape or input.shape[input.ndim - len(shape):] != shape or len(shape) > input.ndim:
        raise ValueError(f"layer_norm: normalized_shape {shape} must equal the last dims of the "
                         f"input, got input of shape {input.shape}")
    axes = tuple(range(input.ndim - len(shape), input.ndim))
    mean = input.mean(axis=axes, keepdims=True)
    centred = input - mean
    var = (centred * centred).mean(axis=axes, keepdims=True)      # biased, as PyTorch
    out = centred / (var + eps).sqrt()
    if weight is not None:
        out = out * weight
    if bias is not None:
        out = out + bias
    return out
