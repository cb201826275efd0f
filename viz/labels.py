"""The text inside a drawn node: numbers, value summaries, and the record label of a tensor.

Numbers are written as micrograd writes them (`24.7041`: `precision` decimals), with the
trailing zeros dropped (`2`, not `2.0000`), scientific notation only where decimals would
hide the value (`1.5e-07`), and never `-0`.

Names chosen by users (tensor names, region names, Module and Function class names, titles)
reach DOT, SVG and HTML. They are text, never markup: every picture and page passes them
through one of the escaping helpers at the end of this module (`dot_text`, `record_text`,
`json_for_script`; `html.escape` for HTML text and attributes).
"""
import json

import graphviz
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
    head = record_text(title(t))
    if t.ndim:
        head += "\\nshape " + "×".join(str(s) for s in t.shape)
    if t.dtype != get_default_dtype():
        head += f"\\n{t.dtype}" if t.ndim == 0 else f" {t.dtype}"
    fields = [head]
    if show_data:
        fields.append("data " + summarize(t.data, precision).translate(_RECORD_SPECIALS))
    if grad is None and t._grad is not None:    # grads appear once backward computed them
        grad = t._grad.data                     # (_grad: a drawing reads any node's, silently)
    if show_grad and grad is not None:
        text = one_line(grad, precision) if grad_placeholder else summarize(grad, precision)
        fields.append("grad " + text.translate(_RECORD_SPECIALS))
    return "{ " + " | ".join(fields) + " }"


# ---------------------------------------------------------------- names are text, never markup

def dot_text(text) -> str:
    """`text` as a plain DOT label or attribute value: never an HTML-like label, `\\` literal.

    Why: the graphviz package passes a string that starts with `<` and ends with `>` into
    the DOT text unquoted, as an HTML-like label, so a region or class name such as
    `<x> URL="javascript:..." label=<y>` would add attributes (a link that runs a script
    when clicked) or break `dot`. The result is marked plain (`graphviz.nohtml`) and its
    backslashes doubled (no `\\N`, `\\G` escapes); graphviz then quotes it and escapes its
    double quotes. Every label viz builds from a name goes through this (pictures in other
    modules too: `graph.node(name, label=dot_text(text))`). Joining the result with more
    text (`+`) makes a plain `str` again: wrap the whole label in `graphviz.nohtml`.

    Example:
        >>> from tinygrad_edu.viz.labels import dot_text
        >>> import graphviz
        >>> picture = graphviz.Digraph()
        >>> picture.node("a", label=dot_text('<x> URL="javascript:f()" label=<y>'))
        >>> print(picture.source.splitlines()[1].strip())
        a [label="<x> URL=\\"javascript:f()\\" label=<y>"]
    """
    return graphviz.escape(str(text))


def record_text(text) -> str:
    """`text` as one field of a DOT record label: `{ } | < > \\` escaped, a newline a line break.

    Why: inside `{ a | b }` these characters are structure (fields, ports); a tensor name
    holding them would split or rename the fields. Graphviz quotes the whole label and
    escapes its double quotes (the label starts with `{`, so it is never HTML-like).

    Example:
        >>> from tinygrad_edu.viz.labels import record_text
        >>> print(record_text("<a|b>"))
        \\<a\\|b\\>
    """
    return str(text).translate(_RECORD_SPECIALS)


def json_for_script(data) -> str:
    """`data` as JSON that is safe inside an HTML `<script>` element.

    Why: the HTML parser ends a script element at the first `</script` it sees, whatever the
    JSON around it, and `<!--` can make it swallow the real end tag; a tensor named
    `</script><script>...` would run its own script. Every `<` is written as the JSON escape
    `\\u003c`, so no tag, end tag or comment can start (stronger than replacing `</` alone);
    `JSON.parse` reads back the same strings.

    Example:
        >>> from tinygrad_edu.viz.labels import json_for_script
        >>> json_for_script({"name": "</script><b>"})
        '{"name": "\\\\u003c/script>\\\\u003cb>"}'
    """
    return json.dumps(data, ensure_ascii=False, default=_plain).replace("<", "\\u003c")


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"viz: cannot write {type(value).__name__} into a page as JSON")
