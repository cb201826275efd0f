"""Network ops that are primitives for stability or speed: softmax, log-softmax, linear."""
import numpy as np

from ..function import Function
from .reduce import normalize_axes


class Softmax(Function):
    """Softmax s = e^x / sum e^x along dim;  ds/dx applied to g = s * (g - sum(g * s))"""

    def forward(self, x, dim):
        self.dim = dim
        e = np.exp(x - x.max(axis=dim, keepdims=True))     # shift by the max: no overflow
        out = e / e.sum(axis=dim, keepdims=True)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        s = self.output(lambda: self.inputs[0].softmax(self.dim))
        return s * (g - (g * s).sum(axis=self.dim, keepdims=True))


class LogSoftmax(Function):
    """Log-softmax y = x - logsumexp(x) along dim;  dy/dx applied to g = g - softmax(x) * sum(g)"""

    def forward(self, x, dim):
        self.dim = dim
        shifted = x - x.max(axis=dim, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        self.save_for_backward(out)
        return out

    def backward(self, g):
        y = self.output(lambda: self.inputs[0].log_softmax(self.dim))
        return g - y.exp() * g.sum(axis=self.dim, keepdims=True)


class Linear(Function):
    """Affine map f(x, W, b) = x W^T + b;  df/dx = g W, df/dW = g^T x, df/db = sum of g over rows"""

    def forward(self, x, w, b=None):
        out = x @ w.T
        if b is not None:
            out += b
        return out

    def backward(self, g):
        x, w = self.inputs[0], self.inputs[1]
        need = self.needs_input_grad
        gx = g @ w if need[0] else None
        gw = gb = None
        if need[1]:
            flat_g = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
            flat_x = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
            gw = flat_g.T @ flat_x
        if len(need) == 3 and need[2]:
            gb = g.sum(axis=tuple(range(g.ndim - 1)))
        return gx, gw, gb


class NNMethods:
    """Network functions of `Tensor` (mixed into the class)."""

    __slots__ = ()

    def softmax(self, dim: int = -1):
        """Probabilities along `dim`: e^x / sum(e^x), stable for logits of any size."""
        return Softmax.apply(self, dim=normalize_axes("softmax", dim, self.ndim)[0])

    def log_softmax(self, dim: int = -1):
        """log(softmax(x)) along `dim`, computed as x - logsumexp(x) (finite for huge logits)."""
        return LogSoftmax.apply(self, dim=normalize_axes("log_softmax", dim, self.ndim)[0])

    def linear(self, weight, bias=None):
        """x @ weight.T + bias in one op (PyTorch layout: weight is (out_features, in_features)).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.ones(5, 3).linear(Tensor.ones(2, 3), Tensor.zeros(2)).shape
            (5, 2)
        """
        if weight.ndim != 2 or self.ndim == 0 or self.shape[-1] != weight.shape[1]:
            raise ValueError(f"linear: input of shape {self.shape} does not fit weight of shape "
                             f"{weight.shape}; the input's last dim must equal weight.shape[1] "
                             f"(weight is (out_features, in_features))")
        if bias is None:
            return Linear.apply(self, weight)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"linear: bias of shape {bias.shape} does not fit weight of shape "
                             f"{weight.shape}; expected ({weight.shape[0]},)")
        return Linear.apply(self, weight, bias)
