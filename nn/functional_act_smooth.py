"""Smooth and gated activations (PyTorch's F.selu, celu, mish, logsigmoid, softsign,
tanhshrink, glu, prelu, softmin), composed from Tensor ops so their gradients come from the
engine's checked primitives.
"""
from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor
from .functional_act import softmax
from .functional_act_piecewise import _float          # the same float-input check

# SELU's constants (Klambauer et al., "Self-Normalizing Neural Networks"): with them the
# activations of a deep network keep zero mean and unit variance
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu(input, inplace: bool = False):
    """scale * elu(x, alpha) with SELU's fixed constants: self-normalising units.

    Example:
        >>> round(selu(Tensor([1.0])).item(), 6)
        1.050701
    """
    return _float("selu", input).elu(SELU_ALPHA) * SELU_SCALE


def celu(input, alpha: float = 1.0, inplace: bool = False):
    """x for x > 0, alpha (e^(x/alpha) - 1) otherwise: an ELU that is C^1 for every alpha.

    Example:
        >>> round(celu(Tensor([-1.0]), 2.0).item(), 6)
        -0.786939
    """
    if alpha == 0:
        raise ValueError("celu: alpha must not be 0 (it divides x)")
    return (_float("celu", input) * (1.0 / alpha)).elu(1.0) * alpha


def mish(input, inplace: bool = False):
    """x tanh(softplus(x)) (Misra's Mish): smooth and non-monotonic, like SiLU.

    Example:
        >>> round(mish(Tensor([1.0])).item(), 6)
        0.865098
    """
    x = _float("mish", input)
    return x * x.softplus().tanh()


def logsigmoid(input):
    """log sigmoid(x) = -softplus(-x), finite for any x (the log-likelihood of a logistic unit).

    Example:
        >>> round(logsigmoid(Tensor([0.0])).item(), 6)
        -0.693147
    """
    return -(-_float("logsigmoid", input)).softplus()


def softsign(input):
    """x / (1 + |x|): a tanh-like squashing with polynomial tails.

    Example:
        >>> softsign(Tensor([1.0, -3.0])).tolist()
        [0.5, -0.75]
    """
    x = _float("softsign", input)
    return x / (x.abs() + 1.0)


def tanhshrink(input):
    """x - tanh(x).

    Example:
        >>> tanhshrink(Tensor([0.0])).item()
        0.0
    """
    x = _float("tanhshrink", input)
    return x - x.tanh()


def glu(input, dim: int = -1):
    """Gated linear unit: split `dim` into halves a, b and return a * sigmoid(b).

    Example:
        >>> glu(Tensor([[2.0, 0.0]])).tolist()
        [[1.0]]
    """
    x = _float("glu", input)
    if x.ndim == 0:
        raise ValueError("glu: the input must have at least one dim to split, got a 0-d tensor")
    axis = dim % x.ndim if -x.ndim <= dim < x.ndim else None
    if axis is None or x.shape[axis] % 2:
        raise ValueError(f"glu: dim {dim} of the input {x.shape} must exist and have an even "
                         f"size (it is split into two halves)")
    a, b = x.split(x.shape[axis] // 2, dim=axis)
    return a * b.sigmoid()


def prelu(input, weight):
    """x where x > 0, else w * x, with a learned slope w per channel (dim 1) or one shared.

    Example:
        >>> prelu(Tensor([[-2.0, 1.0]]), Tensor([0.25])).tolist()
        [[-0.5, 1.0]]
    """
    x = _float("prelu", input)
    require_tensor("prelu", "weight", weight, Tensor)
    count = weight.numel()
    if weight.ndim > 1 or (count != 1 and (x.ndim < 2 or x.shape[1] != count)):
        raise ValueError(f"prelu: weight of shape {weight.shape} must hold 1 slope or one per "
                         f"channel (dim 1) of the input {x.shape}")
    slope = weight.reshape(*((1, count) + (1,) * (x.ndim - 2))) if count != 1 and x.ndim > 1 \
        else weight.reshape(*((1,) * x.ndim)) if x.ndim else weight.reshape()
    return Tensor.where(x.data > 0, x, x * slope)


def softmin(input, dim=None, _stacklevel: int = 3, dtype=None):
    """softmax(-x) along `dim`: probabilities that favour the smallest entries.

    Example:
        >>> softmin(Tensor([0.0, 0.0]), dim=0).tolist()
        [0.5, 0.5]
    """
    x = require_tensor("softmin", "input", input, Tensor)
    if dtype is not None:
        x = x.to(dtype)
    return softmax(-x, dim)
