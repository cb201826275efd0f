"""Piecewise activations (PyTorch's F.hardtanh, relu6, hardsigmoid, hardswish, threshold,
softshrink, hardshrink), composed from Tensor ops.

Each piece is chosen by a boolean mask of the input (a constant: it carries no gradient), and
`Tensor.where` picks the piece, so the gradient of every element is the derivative of its own
piece. The masks use PyTorch's strict or non-strict inequalities, so the gradient at a kink (for
example hardtanh's at x = max_val, which is 0) is PyTorch's too.
"""
import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.argcheck import require_tensor


def _float(op, input):
    require_tensor(op, "input", input, Tensor)
    if input.dtype.kind != "f":
        raise TypeError(f"{op}: input must be floating point, got dtype {input.dtype}; convert "
                        f"with .float()")
    return input


def _constant(values, like):
    return Tensor(np.asarray(values, dtype=like.dtype), dtype=like.dtype)


def hardtanh(input, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
    """Clamp into [min_val, max_val]; gradient 1 strictly inside, 0 elsewhere.

    `inplace` is accepted for PyTorch code (the result is always a new tensor).

    Example:
        >>> hardtanh(Tensor([-2.0, 0.5, 3.0])).tolist()
        [-1.0, 0.5, 1.0]
    """
    x = _float("hardtanh", input)
    if min_val > max_val:
        raise ValueError(f"hardtanh: min_val {min_val} must not exceed max_val {max_val}")
    inside = (x.data > min_val) & (x.data < max_val)
    return Tensor.where(inside, x, _constant(np.clip(x.data, min_val, max_val), x))


def relu6(input, inplace: bool = False):
    """min(max(x, 0), 6): a ReLU capped at 6 (MobileNet's), hardtanh(x, 0, 6).

    Example:
        >>> relu6(Tensor([-1.0, 3.0, 8.0])).tolist()
        [0.0, 3.0, 6.0]
    """
    return hardtanh(input, 0.0, 6.0)


def hardsigmoid(input, inplace: bool = False):
    """relu6(x + 3) / 6: a piecewise-linear sigmoid; gradient 1/6 on (-3, 3), else 0.

    Example:
        >>> hardsigmoid(Tensor([-4.0, 0.0, 4.0])).tolist()
        [0.0, 0.5, 1.0]
    """
    x = _float("hardsigmoid", input)
    inside = (x.data > -3) & (x.data < 3)
    return Tensor.where(inside, x / 6.0 + 0.5, _constant(x.data >= 3, x))


def hardswish(input, inplace: bool = False):
    """x relu6(x + 3) / 6 (MobileNetV3's swish); PyTorch's gradient: 0 below -3,
    x / 3 + 1/2 on [-3, 3], 1 above.

    Example:
        >>> hardswish(Tensor([-4.0, 0.0, 4.0])).tolist()
        [0.0, 0.0, 4.0]
    """
    x = _float("hardswish", input)
    middle = x * (x + 3.0) / 6.0
    out = Tensor.where(x.data > 3, x, middle)
    return Tensor.where(x.data < -3, 0.0, out)


def threshold(input, threshold: float, value: float, inplace: bool = False):
    """x where x > threshold, else `value` (gradient 0 there).

    Example:
        >>> threshold(Tensor([0.5, 2.0]), 1.0, -1.0).tolist()
        [-1.0, 2.0]
    """
    x = _float("threshold", input)
    return Tensor.where(x.data > threshold, x, float(value))


def softshrink(input, lambd: float = 0.5):
    """Shrink towards 0 by lambd: x - lambd above lambd, x + lambd below -lambd, 0 between.

    Example:
        >>> softshrink(Tensor([-1.0, 0.2, 1.0])).tolist()
        [-0.5, 0.0, 0.5]
    """
    x = _float("softshrink", input)
    if lambd < 0:
        raise ValueError(f"softshrink: lambd must be >= 0, got {lambd}")
    shifted = Tensor.where(x.data > 0, x - lambd, x + lambd)
    return Tensor.where((x.data >= -lambd) & (x.data <= lambd), 0.0, shifted)


def hardshrink(input, lambd: float = 0.5):
    """x where |x| > lambd, else 0.

    Example:
        >>> hardshrink(Tensor([-1.0, 0.2, 1.0])).tolist()
        [-1.0, 0.0, 1.0]
    """
    x = _float("hardshrink", input)
    return Tensor.where((x.data >= -lambd) & (x.data <= lambd), 0.0, x)
