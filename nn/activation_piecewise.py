"""Piecewise activation modules (Hardtanh, ReLU6, Hardsigmoid, Hardswish, Threshold,
Softshrink, Hardshrink), with PyTorch's arguments; the maths is in `functional_act_piecewise`."""
from .module import Module
from . import functional_act_piecewise as F


class Hardtanh(Module):
    """Clamp into [min_val, max_val] (default [-1, 1]).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Hardtanh()(Tensor([-3.0, 0.5])).tolist()
        [-1.0, 0.5]
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False):
        super().__init__()
        if min_val > max_val:
            raise ValueError(f"Hardtanh: min_val {min_val} must not exceed max_val {max_val}")
        self.min_val, self.max_val, self.inplace = min_val, max_val, inplace

    def forward(self, input):
        return F.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self):
        return f"min_val={self.min_val}, max_val={self.max_val}"


class ReLU6(Hardtanh):
    """min(max(x, 0), 6).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> ReLU6()(Tensor([7.0])).tolist()
        [6.0]
    """

    def __init__(self, inplace: bool = False):
        super().__init__(0.0, 6.0, inplace)

    def extra_repr(self):
        return ""


class _Stateless(Module):
    function = None

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return type(self).function(input)


class Hardsigmoid(_Stateless):
    """relu6(x + 3) / 6.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Hardsigmoid()(Tensor([0.0])).tolist()
        [0.5]
    """

    function = staticmethod(F.hardsigmoid)


class Hardswish(_Stateless):
    """x relu6(x + 3) / 6.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Hardswish()(Tensor([4.0])).tolist()
        [4.0]
    """

    function = staticmethod(F.hardswish)


class Threshold(Module):
    """x where x > threshold, else value.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Threshold(0.1, 20.0)(Tensor([0.0, 1.0])).tolist()
        [20.0, 1.0]
    """

    def __init__(self, threshold: float, value: float, inplace: bool = False):
        super().__init__()
        self.threshold, self.value, self.inplace = threshold, value, inplace

    def forward(self, input):
        return F.threshold(input, self.threshold, self.value)

    def extra_repr(self):
        return f"threshold={self.threshold}, value={self.value}"


class _Shrink(Module):
    function = None

    def __init__(self, lambd: float = 0.5):
        super().__init__()
        self.lambd = lambd

    def forward(self, input):
        return type(self).function(input, self.lambd)

    def extra_repr(self):
        return f"{self.lambd}"


class Softshrink(_Shrink):
    """Shrink towards 0 by lambd (the proximal map of lambd |x|).

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Softshrink(1.0)(Tensor([3.0])).tolist()
        [2.0]
    """

    function = staticmethod(F.softshrink)


class Hardshrink(_Shrink):
    """x where |x| > lambd, else 0.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> Hardshrink(1.0)(Tensor([0.5, 3.0])).tolist()
        [0.0, 3.0]
    """

    function = staticmethod(F.hardshrink)
