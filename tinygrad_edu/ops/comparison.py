"""Comparisons, tests and bitwise ops with PyTorch's names: eq, ne, lt, le, gt, ge, the logical
functions, the bitwise ones (and the operators & | ^ ~ << >> of integer and boolean tensors),
the isnan family, isclose, equal and isin (boolean results, no gradient), and fmax/fmin, the
extremes that ignore NaN (gradient to the chosen side, as maximum/minimum).
"""
import numpy as np

from .elementwise import Where


def _data(value):
    return value.data if hasattr(value, "_operand") else value


def _bool(t, array):
    return t._make(np.asarray(array), None)


def _bitwise(op_name, numpy_fn, a, b):
    """A bitwise op of integer or boolean operands (tensors or Python ints), numpy's promotion
    as PyTorch's; floats are refused as there."""
    arrays = [x.data if hasattr(x, "_operand") else np.asarray(x) for x in (a, b)]
    for array in arrays:
        if array.dtype.kind not in "iub":
            raise TypeError(f"{op_name}: bitwise ops take integer or boolean tensors, got dtype "
                            f"{array.dtype}; use logical_and/or/xor for truth values of floats")
    tensor = a if hasattr(a, "_operand") else b
    if np.ndim(b) == 0 and not hasattr(b, "_operand"):      # a Python int keeps the tensor's dtype
        arrays[1] = arrays[1].astype(arrays[0].dtype)
    if np.ndim(a) == 0 and not hasattr(a, "_operand"):
        arrays[0] = arrays[0].astype(arrays[1].dtype)
    return tensor._make(np.asarray(numpy_fn(*arrays)), None)


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

    # ------------------------------------------------------------ bitwise (integers, booleans)
    def bitwise_and(self, other):
        """Bitwise and (for booleans: both true), as torch.bitwise_and and `&`."""
        return _bitwise("bitwise_and", np.bitwise_and, self, other)

    def bitwise_or(self, other):
        """Bitwise or (for booleans: either true), as torch.bitwise_or and `|`."""
        return _bitwise("bitwise_or", np.bitwise_or, self, other)

    def bitwise_xor(self, other):
        """Bitwise exclusive or, as torch.bitwise_xor and `^`."""
        return _bitwise("bitwise_xor", np.bitwise_xor, self, other)

    def bitwise_not(self):
        """Bitwise not (for booleans: logical not), as torch.bitwise_not and `~`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> (~(Tensor([1.0, -1.0]) > 0)).tolist()
            [False, True]
        """
        return _bitwise("bitwise_not", lambda a, b: np.invert(a), self, 0)

    def bitwise_left_shift(self, other):
        """self * 2**other for integers, as torch.bitwise_left_shift and `<<`."""
        return _bitwise("bitwise_left_shift", np.left_shift, self, other)

    def bitwise_right_shift(self, other):
        """self // 2**other for integers (arithmetic shift), as `>>`."""
        return _bitwise("bitwise_right_shift", np.right_shift, self, other)

    __and__, __or__, __xor__, __invert__ = bitwise_and, bitwise_or, bitwise_xor, bitwise_not
    __lshift__, __rshift__ = bitwise_left_shift, bitwise_right_shift

    def __rand__(self, other):
        return _bitwise("bitwise_and", np.bitwise_and, other, self)

    def __ror__(self, other):
        return _bitwise("bitwise_or", np.bitwise_or, other, self)

    def __rxor__(self, other):
        return _bitwise("bitwise_xor", np.bitwise_xor, other, self)

    def __rlshift__(self, other):
        return _bitwise("bitwise_left_shift", np.left_shift, other, self)

    def __rrshift__(self, other):
        return _bitwise("bitwise_right_shift", np.right_shift, other, self)
