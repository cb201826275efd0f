"""Comparisons and tests with PyTorch's names: eq, ne, lt, le, gt, ge, the logical functions,
the isnan family, isclose, equal and isin (boolean results, no gradient), and fmax/fmin, the
extremes that ignore NaN (gradient to the chosen side, as maximum/minimum).
"""
import numpy as np

from .elementwise import Where


def _data(value):
    return value.data if hasattr(value, "_operand") else value


def _bool(t, array):
    return t._make(np.asarray(array), None)


class ComparisonMethods:
    """Tensor methods of the comparisons (mixed into the class)."""

    __slots__ = ()

    def eq(self, other):
        """self == other elementwise, a boolean tensor."""
        return self == other

    def ne(self, other):
        """self != other elementwise."""
        return self != other

    def lt(self, other):
        """self < other elementwise."""
        return self < other

    def le(self, other):
        """self <= other elementwise."""
        return self <= other

    def gt(self, other):
        """self > other elementwise."""
        return self > other

    def ge(self, other):
        """self >= other elementwise."""
        return self >= other

    less, less_equal, greater, greater_equal, not_equal = lt, le, gt, ge, ne

    def logical_and(self, other):
        """Both non-zero, elementwise (a boolean tensor)."""
        return _bool(self, np.logical_and(self.data, _data(other)))

    def logical_or(self, other):
        """Either non-zero, elementwise."""
        return _bool(self, np.logical_or(self.data, _data(other)))

    def logical_xor(self, other):
        """Exactly one non-zero, elementwise."""
        return _bool(self, np.logical_xor(self.data, _data(other)))

    def logical_not(self):
        """Zero, elementwise."""
        return _bool(self, np.logical_not(self.data))

    def isnan(self):
        """Where the value is NaN."""
        return _bool(self, np.isnan(self.data))

    def isinf(self):
        """Where the value is +inf or -inf."""
        return _bool(self, np.isinf(self.data))

    def isfinite(self):
        """Where the value is neither NaN nor infinite."""
        return _bool(self, np.isfinite(self.data))

    def isposinf(self):
        """Where the value is +inf."""
        return _bool(self, np.isposinf(self.data))

    def isneginf(self):
        """Where the value is -inf."""
        return _bool(self, np.isneginf(self.data))

    def signbit(self):
        """Where the sign bit is set (negative numbers and -0.0)."""
        return _bool(self, np.signbit(self.data))

    def isclose(self, other, rtol=1e-05, atol=1e-08, equal_nan=False):
        """|self - other| <= atol + rtol |other| elementwise (equal infinities are close; NaNs
        only with equal_nan), as torch.isclose.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).isclose(Tensor([1.0 + 1e-9, 2.1])).tolist()
            [True, False]
        """
        if rtol < 0 or atol < 0:
            raise ValueError(f"isclose: rtol and atol must be non-negative, got rtol={rtol}, "
                             f"atol={atol}")
        return _bool(self, np.isclose(self.data, _data(self._operand(other)), rtol=rtol,
                                      atol=atol, equal_nan=equal_nan))

    def equal(self, other) -> bool:
        """Whether both tensors have the same shape and the same values (a Python bool; NaN is
        not equal to itself), as torch.equal."""
        other = self._operand(other)
        return self.shape == other.shape and bool(np.array_equal(self.data, other.data))

    def isin(self, test_elements, *, assume_unique=False, invert=False):
        """Whether each element is one of `test_elements` (a tensor or a number), as torch.isin."""
        return _bool(self, np.isin(self.data, _data(test_elements), invert=invert))

    def fmax(self, other):
        """The larger of the two elementwise, ignoring a NaN on one side (NaN only where both
        are); the gradient goes to the chosen side."""
        return self._nan_ignoring(other, np.fmax)

    def fmin(self, other):
        """The smaller of the two elementwise, ignoring a NaN on one side (see fmax)."""
        return self._nan_ignoring(other, np.fmin)

    def _nan_ignoring(self, other, pick):
        other = self._operand(other)
        a, b = np.broadcast_arrays(self.data, other.data)
        first = (pick(a, b) == a) | np.isnan(b)            # where self is the answer
        shape = a.shape
        return Where.apply(self._make(first, None), self.expand(*shape) if self.shape != shape
                           else self, other.expand(*shape) if other.shape != shape else other)
