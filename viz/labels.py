"""The text inside a drawn node: numbers, value summaries, and the record label of a tensor.

Numbers are written as micrograd writes them (`24.7041`: `precision` decimals), with the
trailing zeros dropped (`2`, not `2.0000`), scientific notation only where decimals would
hide the value (`1.5e-07`), and never `-0`.
"""
import numpy as np

from tinygrad_edu import get_default_dtype

PRECISION = 4                       # decimals, as micrograd's `%.4f`
SMALL = 6                           # tensors with at most this many values show them all
# fill colours, so the kind of a tensor shows at a glance
PARAMETER_COLOUR = "#cfe2ff"        # nn.Parameter: a trained weight (blue)
REQUIRES_GRAD_COLOUR = "#d4edda"    # another leaf that requires grad (green)
CONSTANT_COLOUR = "#eeeeee"         # a leaf without grad: input data, constants (grey)
RESULT_COLOUR = "#ffffff"           # made by an op (white)
# backslash-escape what records treat as structure; a newline becomes DOT's centred line break
_RECORD_SPECIALS = str.maketrans({**{c: "\\" + c for c in "{}|<>\\"}, "\n": "\\n"})


def format_number(value, precision: int = PRECISION) -> str:
    """One number as short text: `precision` decimals, trailing zeros dropped, no `-0`.

    Example:
        >>> [format_number(v) for v in (24.70408163, 2.0, -0.0, 1.5e-7, 3e9, float("nan"))]
        ['24.7041', '2', '0', '1.5e-07', '3e+09', 'nan']
    """
    value = float(value)
    if not np.isfinite(value):
        return str(value)
    magnitude = abs(value)
    if magnitude != 0 and (magnitude < 10.0 ** -precision or magnitude >= 1e8):
        mantissa, exponent = f"{value:.{max(precision - 1, 0)}e}".split("e")
        if "." in mantissa:
            mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa}e{exponent}"
    text = f"{value:.{precision}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def summarize(array, precision: int = PRECISION) -> str:
    """The values of a small array (a row a line), or mean and range of a big one (two lines).

    Example:
        >>> print(summarize(np.array([[0.5], [-0.0]])))
        [[0.5],
        [0]]
    """
    array = np.asarray(array)
    if array.size == 1 and array.ndim == 0:
        return format_number(array.item(), precision) if array.dtype.kind in "fc" else str(array.item())
    if array.size <= SMALL:
        if array.dtype.kind not in "fc":
            text = np.array2string(array, separator=", ")
        else:
            text = np.array2string(array, separator=", ",
                                   formatter={"float_kind": lambda v: format_number(v, precision)})
        rows = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        return "\n".join(rows)
    values = np.asarray(array, dtype=np.float64)
    return (f"mean {format_number(values.mean(), precision)}\n"
            f"range [{format_number(values.min(), precision)}, {format_number(values.max(), precision)}]")


def one_line(array, precision: int = PRECISION) -> str:
    """`summarize` on one line (rows joined by a space: they already end in commas)."""
    return summarize(array, precision).replace(",\n", ", ").replace("\n", ", ")


def kind(t):
    """(fill colour, word) for a tensor, from how it was made."""
    if t.grad_fn is not None:
        return RESULT_COLOUR, "result"
    if type(t).__name__ == "Parameter":      # nn.Parameter, without importing nn into viz
        return PARAMETER_COLOUR, "parameter"
    if t.requires_grad:
        return REQUIRES_GRAD_COLOUR, "leaf"
    return CONSTANT_COLOUR, "constant"


def title(t) -> str:
    """What a tensor is called in a picture: its name, else what made it.

    A result is named by its op ("Mul out"), a leaf by its kind ("constant", "leaf",
    "parameter"); never just "scalar".
    """
    if t.name:
        return t.name
    if t.grad_fn is not None:
        return f"{type(t.grad_fn).__name__} out"
    return kind(t)[1]


def tensor_label(t, show_data=True, show_grad=True, grad=None, precision: int = PRECISION,
                 grad_placeholder: bool = False) -> str:
    """The record label `{ name shape | data ... | grad ... }` of one tensor.

    `grad` (an array) is shown instead of `t.grad` when given. With `grad_placeholder` the
    grad field is written on one line (the HTML stepper rewrites it as backprop runs).
    """
    head = title(t).translate(_RECORD_SPECIALS)
    if t.ndim:
        head += "\\nshape " + "×".join(str(s) for s in t.shape)
    if t.dtype != get_default_dtype():
        head += f"\\n{t.dtype}" if t.ndim == 0 else f" {t.dtype}"
    fields = [head]
    if show_data:
        fields.append("data " + summarize(t.data, precision).translate(_RECORD_SPECIALS))
    if grad is None and t.grad is not None:     # grads appear once backward computed them
        grad = t.grad.data
    if show_grad and grad is not None:
        text = one_line(grad, precision) if grad_placeholder else summarize(grad, precision)
        fields.append("grad " + text.translate(_RECORD_SPECIALS))
    return "{ " + " | ".join(fields) + " }"
