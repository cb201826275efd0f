"""Unary elementwise ops: math functions and activations, each with its derivative."""
import math

import numpy as np

from ..function import Function
from ..dtypes import get_default_dtype


def as_float(x):
    """Math functions of integer or boolean arrays give the default float dtype (as PyTorch;
    numpy would give float64, or float16 for booleans)."""
    return x if x.dtype.kind in "fc" else x.astype(get_default_dtype())


class Neg(Function):
    """Negation f(x) = -x;  df/dx = -1"""

    def forward(self, x):
        return -x

    def backward(self, g):
        return -g


class Exp(Function):
    """Exponential f(x) = e^x;  df/dx = e^x"""

    def forward(self, x):
        out = np.exp(as_float(x))
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        return g * self.output(self.inputs[0].exp)


class Log(Function):
    """Natural log f(x) = ln x;  df/dx = 1/x"""

    def forward(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log(as_float(x))

    def backward(self, g):
        g, x = self.values(g)
        return g / x


class Sqrt(Function):
    """Square root f(x) = sqrt(x);  df/dx = 1 / (2 sqrt(x))"""

    def forward(self, x):
        with np.errstate(invalid="ignore"):
            out = np.sqrt(as_float(x))
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        return g / (2 * self.output(self.inputs[0].sqrt))


class Abs(Function):
    """Absolute value f(x) = |x|;  df/dx = sign(x) (0 at 0, as PyTorch)"""

    def forward(self, x):
        self.save_for_backward(np.sign(x))
        return np.abs(x)

    def backward(self, g):
        g, _ = self.values(g)
        return g * self.saved[0]


class Sin(Function):
    """Sine f(x) = sin x;  df/dx = cos x"""

    def forward(self, x):
        return np.sin(as_float(x))

    def backward(self, g):
        return g * self.inputs[0].cos()


class Cos(Function):
    """Cosine f(x) = cos x;  df/dx = -sin x"""

    def forward(self, x):
        return np.cos(as_float(x))

    def backward(self, g):
        return -(g * self.inputs[0].sin())


class Tanh(Function):
    """Hyperbolic tangent f(x) = tanh x;  df/dx = 1 - tanh(x)^2"""

    def forward(self, x):
        out = np.tanh(as_float(x))
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        y = self.output(self.inputs[0].tanh)
        return g * (1 - y * y)


class Sigmoid(Function):
    """Logistic sigmoid f(x) = 1 / (1 + e^-x);  df/dx = f(x) (1 - f(x))"""

    def forward(self, x):
        # with e = e^-|x| <= 1 (never overflows): 1/(1+e) for x >= 0, e/(1+e) for x < 0;
        # unlike 1 + tanh(x/2), this keeps full relative precision for very negative x
        x = as_float(x)
        e = np.exp(-np.abs(x))
        out = np.where(x >= 0, 1, e) / (1 + e)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        y = self.output(self.inputs[0].sigmoid)
        return g * y * (1 - y)


class Relu(Function):
    """Rectifier f(x) = max(x, 0);  df/dx = [x > 0]"""

    def forward(self, x):
        out = np.maximum(x, 0)      # (x * mask would turn negatives into -0.0)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        return g * (self.saved[0] > 0)     # x > 0 exactly where the output is > 0


class LeakyRelu(Function):
    """Leaky rectifier f(x) = x if x > 0 else s x;  df/dx = 1 if x > 0 else s (the one-page backprop notes)"""

    def forward(self, x, slope):
        slopes = np.where(x > 0, 1.0, slope).astype(x.dtype)
        self.save_for_backward(slopes)
        return x * slopes

    def backward(self, g):
        g, _ = self.values(g)
        return g * self.saved[0]


class Softplus(Function):
    """Softplus f(x) = ln(1 + e^(beta x)) / beta;  df/dx = sigmoid(beta x)"""

    def forward(self, x, beta):
        self.beta = beta
        return np.logaddexp(0, beta * as_float(x)) / beta

    def backward(self, g):
        return g * (self.inputs[0] * self.beta).sigmoid()


class Clip(Function):
    """Clamp f(x) = min(max(x, lo), hi);  df/dx = [lo <= x <= hi]"""

    def forward(self, x, lo, hi):
        inside = np.ones(x.shape, dtype=bool)
        if lo is not None:
            inside &= x >= lo
        if hi is not None:
            inside &= x <= hi
        self.save_for_backward(inside)
        return np.clip(x, lo, hi)

    def backward(self, g):
        g, _ = self.values(g)
        return g * self.saved[0]


class Log2(Function):
    """Base-2 log f(x) = log2 x;  df/dx = 1 / (x ln 2)"""

    def forward(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log2(as_float(x))

    def backward(self, g):
        g, x = self.values(g)
        return g / (x * math.log(2.0))


class Log10(Function):
    """Base-10 log f(x) = log10 x;  df/dx = 1 / (x ln 10)"""

    def forward(self, x):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.log10(as_float(x))

    def backward(self, g):
        g, x = self.values(g)
        return g / (x * math.log(10.0))


class Cast(Function):
    """Change of dtype f(x) = x;  df/dx = 1 (the gradient is cast back)"""

    def forward(self, x, dtype):
        self.source_dtype = x.dtype
        return x.astype(dtype)

    def backward(self, g):
        return Cast.apply(g, dtype=self.source_dtype)
