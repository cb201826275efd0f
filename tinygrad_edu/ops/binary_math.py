"""More binary elementwise ops with PyTorch's names: atan2, fmod, remainder, xlogy
(primitives, derivatives next to them); hypot, lerp, logaddexp, addcmul, addcdiv, logit,
floor_divide, copysign, float_power, rsub (composites); heaviside (gradient 0, as PyTorch);
nan_to_num. The comparisons and the isnan family are in comparison.py.
"""
import numpy as np

from ..function import Function
from .elementwise import BinaryOp, Where
from .unary import as_float
from ..argcheck import number_arg


class Atan2(BinaryOp):
    """Angle f(a, b) = atan2(a, b);  df/da = b / (a^2 + b^2), df/db = -a / (a^2 + b^2)"""

    def forward(self, a, b):
        return np.arctan2(as_float(a), b)

    def backward(self, g):
        a, b = self.inputs
        r2 = a * a + b * b
        return g * b / r2, -(g * a) / r2


class Fmod(BinaryOp):
    """C's remainder f(a, b) = a - trunc(a / b) b (sign of a);  df/da = 1, df/db = -trunc(a / b)"""

    def forward(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.fmod(a, b)

    def backward(self, g):
        a, b = self.inputs
        return g, -(g * (a / b).trunc())


class Remainder(BinaryOp):
    """Python's modulo f(a, b) = a - floor(a / b) b (sign of b);  df/da = 1, df/db = -floor(a / b)"""

    def forward(self, a, b):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.remainder(a, b)

    def backward(self, g):
        a, b = self.inputs
        return g, -(g * (a / b).floor())


class Xlogy(BinaryOp):
    """f(x, y) = x ln y, 0 where x == 0 (even for y == 0);  df/dx = ln y (0 where x == 0 and
    y <= 0, as PyTorch), df/dy = x / y"""

    def forward(self, x, y):
        x, y = as_float(x), as_float(y)
        with np.errstate(divide="ignore", invalid="ignore"):
            out = x * np.log(y)
        return np.where((x == 0) & ~np.isnan(y), 0, out).astype(out.dtype)

    def backward(self, g):
        x, y = self.inputs
        flat = x._make(np.asarray((x.data == 0) & (y.data <= 0)), None)
        zero = g._make(np.zeros((), g.dtype), None)
        return Where.apply(flat, zero, g * y.log()), g * x / y


class RoundedDiv(Function):
    """Rounded quotient f(a, b) = floor(a / b) or trunc(a / b);  df/da = df/db = 0 (a step function)"""

    def forward(self, a, b, mode):
        if a.dtype.kind in "iub" and b.dtype.kind in "iub":
            if (np.asarray(b) == 0).any():
                raise ZeroDivisionError("div: integer division by zero (rounding_mode="
                                        f"{mode!r}); make the divisor non-zero or use floats")
            if mode == "floor":
                return np.floor_divide(a, b)
            return (np.abs(a) // np.abs(b)) * np.sign(a) * np.sign(b)
        with np.errstate(divide="ignore", invalid="ignore"):
            if mode == "floor":
                return np.floor_divide(as_float(a), b)
            return np.trunc(as_float(a) / b)

    def backward(self, g):
        zero = g * 0
        return zero, zero


def _array(value):
    return value.data if hasattr(value, "_operand") else np.asarray(value)


class BinaryMathMethods:
    """Tensor methods of the ops above (mixed into the class)."""

    __slots__ = ()

    def add(self, other, alpha=1):
        """self + alpha * other (PyTorch's `add`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).add(Tensor([2.0]), alpha=10).tolist()
            [21.0]
        """
        return self + (other if alpha == 1 else other * number_arg("add", "alpha", alpha))

    def sub(self, other, alpha=1):
        """self - alpha * other (PyTorch's `sub`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0]).sub(Tensor([2.0]), alpha=0.5).tolist()
            [0.0]
        """
        return self - (other if alpha == 1 else other * number_arg("sub", "alpha", alpha))

    subtract = sub

    def mul(self, other):
        """self * other.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([2.0]).mul(3).tolist()
            [6.0]
        """
        return self * other

    multiply = mul

    def div(self, other, rounding_mode=None):
        """self / other; `rounding_mode='floor'` or `'trunc'` rounds the quotient (its
        gradient is 0 almost everywhere, so a float result requires grad with gradient 0,
        as PyTorch's).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([7, -7]).div(2, rounding_mode="floor").tolist()
            [3, -4]
        """
        if rounding_mode is None:
            return self / other
        if rounding_mode not in ("floor", "trunc"):
            raise ValueError(f"div: rounding_mode must be None, 'floor' or 'trunc', got "
                             f"{rounding_mode!r}")
        return RoundedDiv.apply(self, self._operand(other), mode=rounding_mode)

    divide = div

    def pow(self, exponent):
        """self ** exponent.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([2.0]).pow(3).tolist()
            [8.0]
        """
        return self ** exponent

    def atan2(self, other):
        """The angle of the point (other, self), in (-pi, pi]."""
        return Atan2.apply(self, self._operand(other))

    arctan2 = atan2

    def fmod(self, other):
        """Remainder of self / other with self's sign (C's fmod)."""
        return Fmod.apply(self, self._operand(other))

    def remainder(self, other):
        """Remainder of self / other with other's sign (Python's %).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-3.0, 3.0]).remainder(2).tolist(), Tensor([-3.0, 3.0]).fmod(2).tolist()
            ([1.0, 1.0], [-1.0, 1.0])
        """
        return Remainder.apply(self, self._operand(other))

    def __mod__(self, other):
        return self.remainder(other)

    def __rmod__(self, other):
        return Remainder.apply(self._operand(other), self)

    def floor_divide(self, other):
        """floor(self / other), as `div(other, rounding_mode='floor')`."""
        return self.div(other, rounding_mode="floor")

    def __floordiv__(self, other):
        return self.floor_divide(other)

    def __rfloordiv__(self, other):
        return self._operand(other).floor_divide(self)

    def true_divide(self, other):
        """self / other (true division)."""
        return self / other

    def xlogy(self, other):
        """self * ln(other), 0 where self == 0."""
        return Xlogy.apply(self, self._operand(other))

    def hypot(self, other):
        """sqrt(self^2 + other^2) elementwise."""
        return (self * self + self._operand(other) * self._operand(other)).sqrt()

    def lerp(self, end, weight):
        """self + weight * (end - self): linear interpolation.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 10.0]).lerp(Tensor([10.0, 20.0]), 0.5).tolist()
            [5.0, 15.0]
        """
        return self + self._operand(weight) * (self._operand(end) - self)

    def logaddexp(self, other):
        """ln(e^self + e^other) without overflow (shifted by the larger)."""
        other = self._operand(other)
        m = self.maximum(other).detach()
        finite = self._make(np.where(np.isfinite(m.data), m.data, 0).astype(m.dtype), None)
        return ((self - finite).exp() + (other - finite).exp()).log() + finite

    def logaddexp2(self, other):
        """log2(2^self + 2^other)."""
        ln2 = float(np.log(2.0))
        return (self * ln2).logaddexp(self._operand(other) * ln2) / ln2

    def addcmul(self, tensor1, tensor2, value=1):
        """self + value * tensor1 * tensor2."""
        return self + self._operand(tensor1) * tensor2 * value

    def addcdiv(self, tensor1, tensor2, value=1):
        """self + value * tensor1 / tensor2."""
        return self + self._operand(tensor1) / tensor2 * value

    def logit(self, eps=None):
        """ln(p / (1 - p)), with p clamped into [eps, 1 - eps] when eps is given."""
        p = self if eps is None else self.clamp(eps, 1 - eps)
        return (p / (1 - p)).log()

    def copysign(self, other):
        """|self| with the sign of other (its sign bit, so -0.0 counts as negative), as
        torch.copysign; the gradient is sign(self) times that sign (0 where self is 0)."""
        magnitude = self._float().abs()
        negative = np.signbit(_array(self._operand(other)))
        return magnitude * self._make(np.where(negative, -1.0, 1.0).astype(magnitude.dtype), None)

    def heaviside(self, values):
        """The step function: 0 below zero, 1 above, `values` at zero (same dtype as self),
        as torch.heaviside."""
        values = self._operand(values)
        if values.dtype != self.dtype:
            raise TypeError(f"heaviside: input and values must have the same dtype, got "
                            f"{self.dtype} and {values.dtype}")
        return self._make(np.asarray(np.heaviside(self.data, values.data), dtype=self.dtype), None)

    def float_power(self, exponent):
        """self ** exponent computed in float64, as torch.float_power (both sides are cast)."""
        exponent = exponent.to(np.float64) if hasattr(exponent, "_operand") else float(exponent)
        return self.to(np.float64) ** exponent

    def rsub(self, other, alpha=1):
        """other - alpha * self, as torch.rsub."""
        return self._operand(other) - self * alpha

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """NaN, +inf and -inf replaced (by 0 and the dtype's largest/smallest by default);
        the gradient passes where the value was finite.

        Example:
            >>> import numpy as np
            >>> from tinygrad_edu import Tensor
            >>> Tensor([np.nan, 1.0]).nan_to_num().tolist()
            [0.0, 1.0]
        """
        if self.data.dtype.kind not in "fc":
            return self.clone()
        info = np.finfo(self.dtype)
        filled = np.nan_to_num(self.data, nan=nan, posinf=info.max if posinf is None else posinf,
                               neginf=info.min if neginf is None else neginf)
        bad = self._make(~np.isfinite(self.data), None)
        return Where.apply(bad, self._make(filled, None), self)
