"""Checks of user arguments, and the messages that explain the bad ones.

A student who passes a string, a negative size or a list of tensors should get an error
that names the call, the offending value and the fix, not a numpy message from three
frames down, and nothing should have changed. These checks run where they cost nothing
per op: in constructors and creation functions (called once per tensor), and on the
error path after numpy has already refused an input, so the fast path of every op is
the same as without them.
"""
import operator
import re
import sys

import numpy as np


class DimensionError(IndexError, ValueError):
    """A dim (axis) out of range: an IndexError as in PyTorch, and a ValueError as numpy's AxisError.

    Example:
        >>> issubclass(DimensionError, IndexError) and issubclass(DimensionError, ValueError)
        True
    """


def describe(value) -> str:
    """A short description of a bad value for an error message: its repr (cut) and its type.

    Example:
        >>> describe("3")
        "'3' (str)"
    """
    text = " ".join(repr(value).split())
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _integer_hint(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return f"use int({value!r})"
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return f"pass the number {int(value)}, not the string {value!r}"
    return "pass a whole number (an int)"


def int_arg(op: str, name: str, value, minimum=None) -> int:
    """`value` as a Python int (numpy integers accepted, bools refused), at least `minimum`.

    Raises a TypeError for a non-integer and a ValueError below `minimum`, each naming the
    call, the argument and the value.

    Example:
        >>> int_arg("Tensor.eye", "n", np.int64(3), minimum=0)
        3
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{op}: {name} must be an int, got the bool {value!r}; pass a number")
    try:
        number = operator.index(value)
    except TypeError:
        raise TypeError(f"{op}: {name} must be an int, got {describe(value)}; "
                        f"{_integer_hint(value)}") from None
    if minimum is not None and number < minimum:
        raise ValueError(f"{op}: {name} must be >= {minimum}, got {number}"
                         + ("; sizes cannot be negative" if "size" in name else ""))
    return number


def shape_arg(op: str, shape) -> tuple:
    """The sizes of a creation call (`zeros(2, 3)` or `zeros((2, 3))`) as a tuple of ints >= 0.

    Example:
        >>> shape_arg("Tensor.zeros", ((2, 3),))
        (2, 3)
    """
    if len(shape) == 1 and isinstance(shape[0], (tuple, list, np.ndarray)):
        shape = tuple(shape[0])
    return tuple(int_arg(op, f"size {i} of {tuple(shape)!r}" if len(shape) > 1 else "size", n,
                         minimum=0) for i, n in enumerate(shape))


def sizes_arg(op: str, name: str, value, count: int, minimum: int) -> tuple:
    """An int or a tuple of `count` ints (kernel_size, stride, padding), each >= `minimum`.

    Example:
        >>> sizes_arg("Conv2d", "kernel_size", 3, 2, minimum=1)
        (3, 3)
    """
    parts = tuple(value) if isinstance(value, (tuple, list)) else (value,) * count
    if len(parts) != count:
        raise ValueError(f"{op}: {name} must be an int or a tuple of {count}, got {value!r}")
    return tuple(int_arg(op, name, v, minimum=minimum) for v in parts)


def creation_shape(shape, op=None) -> tuple:
    """`shape_arg` for the creation functions, named after the one that called it.

    Example:
        >>> creation_shape((2, 3))
        (2, 3)
    """
    try:
        return shape_arg(op or "Tensor", shape)
    except (TypeError, ValueError) as error:
        if op is not None:
            raise
        caller = sys._getframe(1).f_code.co_name        # zeros, randn, ... (error path only)
        raise type(error)(f"Tensor.{caller}{str(error)[len('Tensor'):]}") from None


def number_arg(op: str, name: str, value, finite: bool = False):
    """A real number (int, float or numpy scalar; not bool, str or None), optionally finite.

    Example:
        >>> number_arg("Tensor.full", "fill_value", 2.5)
        2.5
    """
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if hasattr(value, "_operand") and getattr(value, "shape", None) == ():   # a 0-d Tensor
        value = value.data[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"{op}: {name} must be a number, got {describe(value)}")
    if finite and not np.isfinite(value):
        raise ValueError(f"{op}: {name} must be finite, got {value!r}")
    return value


def require_tensor(op: str, name: str, value, tensor_type):
    """`value` itself when it is a Tensor, else a TypeError that says how to make one.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> require_tensor("cat", "tensors[0]", Tensor([1.0]), Tensor).shape
        (1,)
    """
    if not isinstance(value, tensor_type):
        raise TypeError(f"{op}: {name} must be a Tensor, got {describe(value)}; wrap data with "
                        f"Tensor(...) first")
    return value


def builtin_type(error: Exception) -> type:
    """The builtin class to re-raise `error` as (numpy's own subclasses need other arguments)."""
    for kind in (DimensionError, IndexError, TypeError, ValueError):
        if isinstance(error, kind):
            return kind
    return RuntimeError


# ------------------------------------------------------------------ operands of operators

_OPERATOR_NAMES = {
    "__add__": "+", "__radd__": "+", "__sub__": "-", "__rsub__": "-", "__mul__": "*",
    "__rmul__": "*", "__truediv__": "/", "__rtruediv__": "/", "__pow__": "**", "__rpow__": "**",
    "__matmul__": "@", "__rmatmul__": "@", "__lt__": "<", "__le__": "<=", "__gt__": ">",
    "__ge__": ">=", "__eq__": "==", "__ne__": "!=",
}


def calling_operator(depth: int = 2) -> str:
    """The operator or method that is asking for an operand, read from the call stack.

    Only called on the error path: the hot path of `x * y` carries no op name around, and
    the message can still say "*" instead of "an operation".
    """
    frame = sys._getframe(depth)
    for _ in range(4):
        if frame is None:
            break
        name = frame.f_code.co_name
        if name in _OPERATOR_NAMES:
            return f"operator {_OPERATOR_NAMES[name]}"
        if not name.startswith("_") and name not in ("apply", "operand_array"):
            return name
        frame = frame.f_back
    return "Tensor arithmetic"


def operand_array(value, as_array) -> np.ndarray:
    """The array of a non-Tensor operand (a number, numpy array, list of numbers), or a clear error.

    Lists that hold Tensors are refused: turning them into constants would silently cut
    the graph (no gradient would reach those tensors); `Tensor.stack` keeps it.
    """
    try:
        return as_array(value, op="", tensors_ok=False)
    except (TypeError, ValueError) as error:
        detail = str(error)
        if detail.startswith("cannot make a tensor from"):      # not data at all: say what is
            detail = "use a number, a numpy array or a Tensor"
        kind = builtin_type(error)
        raise kind(f"{calling_operator(3)}: cannot combine a Tensor with {describe(value)}; "
                   f"{detail}") from None


# ------------------------------------------------------------------ numpy's errors inside ops

# our own messages start with the op's name and a colon ("reshape: ...", "Linear(3, 2): ...");
# numpy's and Python's never do ("operands could not be broadcast ...", "ufunc 'add' ...")
_OWN_MESSAGE = re.compile(r"^[A-Za-z_][\w.]*(\([^)]*\))?: ")


def explain_op_error(op: str, error: Exception, inputs, options: dict):
    """Re-raise numpy's error inside an op's forward as one naming the op, inputs and options.

    Errors the op raised itself (they start with "name: ") pass through unchanged.
    """
    if _OWN_MESSAGE.match(str(error)):
        return
    shown = ", ".join(f"{t.dtype} {tuple(t.shape)}" for t in inputs)
    extra = "".join(f", {k}={describe(v)}" for k, v in options.items()
                    if not isinstance(v, np.ndarray))
    reason = str(error).split(". ")[0]         # numpy's first sentence is the informative one
    raise builtin_type(error)(f"{op}: numpy could not compute it for inputs {shown}{extra} "
                              f"({reason}); pass Tensors or numbers of numeric dtypes, with shapes "
                              f"that fit") from None
