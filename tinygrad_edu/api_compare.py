"""Module-level comparisons and tests named as in `torch` (`torch.isclose(a, b)` ports as
`tinygrad_edu.isclose(a, b)`): doors to the Tensor methods of ops/comparison.py.

    >>> import tinygrad_edu as tg
    >>> tg.isclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.5])).tolist()
    [True, False]
"""
from .tensor import Tensor


def _t(x):
    return x if isinstance(x, Tensor) else Tensor(x)


def eq(input, other):
    """input == other. As torch.eq."""
    return _t(input).eq(other)


def ne(input, other):
    """input != other. As torch.ne."""
    return _t(input).ne(other)


def lt(input, other):
    """input < other. As torch.lt."""
    return _t(input).lt(other)


def le(input, other):
    """input <= other. As torch.le."""
    return _t(input).le(other)


def gt(input, other):
    """input > other. As torch.gt."""
    return _t(input).gt(other)


def ge(input, other):
    """input >= other. As torch.ge."""
    return _t(input).ge(other)


def logical_and(input, other):
    """Both non-zero. As torch.logical_and."""
    return _t(input).logical_and(other)


def logical_or(input, other):
    """Either non-zero. As torch.logical_or."""
    return _t(input).logical_or(other)


def logical_xor(input, other):
    """Exactly one non-zero. As torch.logical_xor."""
    return _t(input).logical_xor(other)


def isnan(input):
    """Where x is NaN. As torch.isnan."""
    return _t(input).isnan()


def isinf(input):
    """Where x is infinite. As torch.isinf."""
    return _t(input).isinf()


def isfinite(input):
    """Where x is finite. As torch.isfinite."""
    return _t(input).isfinite()


def isposinf(input):
    """Where x is +inf. As torch.isposinf."""
    return _t(input).isposinf()


def isneginf(input):
    """Where x is -inf. As torch.isneginf."""
    return _t(input).isneginf()


def signbit(input):
    """Where the sign bit is set. As torch.signbit."""
    return _t(input).signbit()


def logical_not(input):
    """Where x is zero. As torch.logical_not."""
    return _t(input).logical_not()


greater = gt
less = lt
greater_equal = ge
less_equal = le
not_equal = ne


def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol |other|, elementwise. As torch.isclose."""
    return _t(input).isclose(other, rtol=rtol, atol=atol, equal_nan=equal_nan)


def equal(input, other):
    """Same shape and same values, a Python bool. As torch.equal."""
    return _t(input).equal(other)


def isin(elements, test_elements, *, assume_unique=False, invert=False):
    """Whether each element is one of test_elements. As torch.isin."""
    return _t(elements).isin(test_elements, assume_unique=assume_unique, invert=invert)


def fmax(input, other):
    """The larger elementwise, ignoring NaN on one side. As torch.fmax."""
    return _t(input).fmax(other)


def fmin(input, other):
    """The smaller elementwise, ignoring NaN on one side. As torch.fmin."""
    return _t(input).fmin(other)


def bitwise_and(input, other):
    """Bitwise and of integer or boolean tensors. As torch.bitwise_and."""
    return _t(input).bitwise_and(other)


def bitwise_or(input, other):
    """Bitwise or. As torch.bitwise_or."""
    return _t(input).bitwise_or(other)


def bitwise_xor(input, other):
    """Bitwise exclusive or. As torch.bitwise_xor."""
    return _t(input).bitwise_xor(other)


def bitwise_not(input):
    """Bitwise not. As torch.bitwise_not."""
    return _t(input).bitwise_not()


def bitwise_left_shift(input, other):
    """input shifted left by other bits. As torch.bitwise_left_shift."""
    return _t(input).bitwise_left_shift(other)


def bitwise_right_shift(input, other):
    """input shifted right by other bits. As torch.bitwise_right_shift."""
    return _t(input).bitwise_right_shift(other)


__all__ = [
    "eq", "ne", "lt", "le", "gt", "ge", "greater", "less", "greater_equal", "less_equal",
    "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf",
    "isfinite", "isposinf", "isneginf", "signbit", "isclose", "equal", "isin", "fmax", "fmin",
    "bitwise_and", "bitwise_or", "bitwise_xor", "bitwise_not", "bitwise_left_shift",
    "bitwise_right_shift",
]
