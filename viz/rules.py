"""The local derivative rule of each op, written out with its numbers, for the backprop views.

Backprop multiplies the delta that reaches an op by the op's local derivative (the course notes,
delta^(i) = delta^(i+1) dz^(i+1)/dz^(i)). A student following `print_backprop` or the HTML
stepper wants to see that local derivative: the formula and its value at this point.
The values here are computed from the inputs' data for display only; the gradients
themselves always come from the engine's own `backward`.
"""
import numpy as np

from .labels import one_line, title


def _v(array):
    with np.errstate(all="ignore"):
        return one_line(np.asarray(array, dtype=np.float64))


def _names(inputs):
    return [title(t) for t in inputs]


def _binary(op, inputs, out):
    a, b = inputs[0], inputs[1]
    na, nb = _names(inputs[:2])
    A, B = a.data.astype(np.float64), b.data.astype(np.float64)
    with np.errstate(all="ignore"):
        if op == "Add":
            return f"out = {na} + {nb}: dout/d{na} = 1, dout/d{nb} = 1 (the delta passes through)"
        if op == "Sub":
            return f"out = {na} - {nb}: dout/d{na} = 1, dout/d{nb} = -1"
        if op == "Mul":
            return f"out = {na} * {nb}: dout/d{na} = {nb} = {_v(B)}, dout/d{nb} = {na} = {_v(A)}"
        if op == "Div":
            return (f"out = {na} / {nb}: dout/d{na} = 1/{nb} = {_v(1 / B)}, "
                    f"dout/d{nb} = -{na}/{nb}^2 = {_v(-A / B ** 2)}")
        if op == "Pow":
            text = f"out = {na} ** {nb}: dout/d{na} = {nb} * {na}^({nb}-1) = {_v(B * A ** (B - 1))}"
            if b.requires_grad:
                text += f", dout/d{nb} = out * log {na} = {_v(A ** B * np.log(A))}"
            return text
    return None


_UNARY = {
    "Neg": ("out = -x: d/dx = -1", None),
    "Exp": ("out = exp x: d/dx = exp x", lambda x: np.exp(x)),
    "Log": ("out = log x: d/dx = 1/x", lambda x: 1 / x),
    "Sqrt": ("out = sqrt x: d/dx = 1/(2 sqrt x)", lambda x: 0.5 / np.sqrt(x)),
    "Tanh": ("out = tanh x: d/dx = 1 - tanh^2 x", lambda x: 1 - np.tanh(x) ** 2),
    "Sigmoid": ("out = s(x): d/dx = s(x)(1 - s(x))",
                lambda x: 1 / (1 + np.exp(-x)) * (1 - 1 / (1 + np.exp(-x)))),
    "Relu": ("out = max(0, x): d/dx = 1 where x > 0, else 0", lambda x: (x > 0) * 1.0),
    "LeakyRelu": ("out = x if x > 0 else a x: d/dx = 1 where x > 0, else the slope a", None),
    "Abs": ("out = |x|: d/dx = sign x", lambda x: np.sign(x)),
    "Sin": ("out = sin x: d/dx = cos x", lambda x: np.cos(x)),
    "Cos": ("out = cos x: d/dx = -sin x", lambda x: -np.sin(x)),
    "Softplus": ("out = log(1 + exp x): d/dx = s(x)", lambda x: 1 / (1 + np.exp(-x))),
    "Clip": ("out = clip(x, lo, hi): d/dx = 1 inside [lo, hi], else 0", None),
}

_WORDS = {
    "Sum": "out = sum x: d/dx = 1 for every element (the delta is copied back to each)",
    "Max": "out = max x: the delta goes to the largest element (split between ties)",
    "Min": "out = min x: the delta goes to the smallest element (split between ties)",
    "Reshape": "a reshape moves no value: the delta is reshaped back",
    "Permute": "a transpose moves values: the delta is transposed back",
    "Expand": "broadcasting copies values: the delta is summed back over the copies",
    "GetItem": "indexing picks values: the delta goes back to the picked places (zeros elsewhere)",
    "Cat": "concatenation: each input gets its slice of the delta",
    "Pad": "padding: the delta of the padding is dropped",
    "MatMul": "out = A @ B: dL/dA = delta @ B^T, dL/dB = A^T @ delta",
    "Softmax": "out = softmax(z): dL/dz = out * (delta - sum(delta * out))",
    "LogSoftmax": "out = log softmax(z): dL/dz = delta - softmax(z) * sum(delta)",
    "CrossEntropy": "loss = mean -log softmax(z)[y]: dL/dz = (softmax(z) - onehot(y)) / N",
    "Maximum": "out = max(a, b): the delta goes to the larger input",
    "Minimum": "out = min(a, b): the delta goes to the smaller input",
    "Where": "out = where(c, a, b): the delta goes to a where c holds, else to b",
    "Dropout": "dropout: the delta passes where the unit was kept, scaled by 1/(1-p)",
}


def local_rule(node, inputs, output) -> str:
    """The local derivative of `node` (an op) as text, with numbers where they are small."""
    op = type(node).__name__
    if op in ("Add", "Sub", "Mul", "Div", "Pow") and len(inputs) >= 2:
        return _binary(op, inputs, output)
    if op in _UNARY and inputs:
        text, derivative = _UNARY[op]
        if derivative is not None:
            with np.errstate(all="ignore"):
                value = derivative(inputs[0].data.astype(np.float64))
            text += f" = {_v(value)}"
        return f"{text}  (x: {title(inputs[0])})"
    if op == "Linear":
        return ("z = x W^T + b: dL/dx = delta W, dL/dW = delta^T x, "
                "dL/db = delta summed over the batch")
    if op in _WORDS:
        return _WORDS[op]
    return f"{op}: see {op}.backward in tinygrad_edu/ops"
