"""Network ops that are primitives for stability or speed: softmax, log-softmax, linear."""
import numpy as np

from ..function import Function
from ..grad_mode import STATE
from .reduce import single_axis
from ..argcheck import describe
from .unary import as_float


class Softmax(Function):
    """Softmax s = e^x / sum e^x along dim;  ds/dx applied to g = s * (g - sum(g * s))"""

    def forward(self, x, dim):
        self.dim = dim
        x = as_float(x)
        if x.size == 0:                 # nothing to normalise (and no max to shift by)
            self.save_for_backward(x)
            return x
        e = np.exp(x - x.max(axis=dim, keepdims=True))     # shift by the max: no overflow
        out = e / e.sum(axis=dim, keepdims=True)
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        s = self.output(lambda: self.inputs[0].softmax(self.dim))
        return s * (g - (g * s).sum(axis=self.dim, keepdims=True))


class LogSoftmax(Function):
    """Log-softmax y = x - logsumexp(x) along dim;  dy/dx applied to g = g - softmax(x) * sum(g)"""

    def forward(self, x, dim):
        self.dim = dim
        x = as_float(x)
        if x.size == 0:
            self.save_for_backward(x)
            return x
        shifted = x - x.max(axis=dim, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=dim, keepdims=True))
        self.save_for_backward(out)
        return out

    def backward(self, g):
        g, _ = self.values(g)
        y = self.output(lambda: self.inputs[0].log_softmax(self.dim))
        probabilities = np.exp(y) if type(y) is np.ndarray else y.exp()
        return g - probabilities * g.sum(axis=self.dim, keepdims=True)


class Linear(Function):
    """Affine map f(x, W, b) = x W^T + b;  df/dx = g W, df/dW = g^T x, df/db = sum of g over rows"""

    def forward(self, x, w, b=None):
        out = x @ w.T
        if b is not None:
            out += b
        return out

    def backward(self, g):
        need = self.needs_input_grad
        g, x, w = self.values(g)[:3]
        gx = g @ w if need[0] else None
        gw = gb = None
        if need[1]:
            flat_g = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g
            flat_x = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x
            gw = flat_g.T @ flat_x
        if len(need) == 3 and need[2]:
            gb = g.sum(axis=tuple(range(g.ndim - 1)))
        return gx, gw, gb


class CrossEntropy(Function):
    """Softmax cross-entropy of logits (N, C) and class indices t, averaged or summed over N:
    L = sum_n [logsumexp(x_n) - x_n[t_n]] / N;  dL/dx_n = (softmax(x_n) - onehot(t_n)) / N

    One primitive instead of six ops, because it is the loss of nearly every classifier.
    """

    def forward(self, logits, target, mean):
        # the mean over an empty batch is 0/0 = nan, as in PyTorch (not a ZeroDivisionError)
        self.target, self.scale = target, ((1.0 / len(target) if len(target) else np.nan)
                                           if mean else 1.0)
        shifted = logits - logits.max(axis=1, keepdims=True)     # no overflow in exp
        exps = np.exp(shifted)
        sums = exps.sum(axis=1)
        self.save_for_backward(exps / sums[:, None])              # softmax, for backward
        picked = shifted[np.arange(len(target)), target]
        return (np.log(sums) - picked).sum() * self.scale

    def backward(self, g):
        logits = self.inputs[0]
        rows = np.arange(len(self.target))
        if not STATE.grad_enabled:         # plain arrays: the saved softmax
            grad = self.saved[0].copy()
            grad[rows, self.target] -= 1.0
            grad *= self.scale
            return g * logits._make(grad, None)
        onehot = np.zeros(logits.shape, dtype=logits.dtype)
        onehot[rows, self.target] = 1.0
        return g * (logits.softmax(1) - logits._make(onehot, None)) * self.scale


class NNMethods:
    """Network functions of `Tensor` (mixed into the class)."""

    __slots__ = ()

    def softmax(self, dim: int = -1, dtype=None):
        """Probabilities along `dim`: e^x / sum(e^x), stable for logits of any size.

        `dtype` casts the input first, as PyTorch's (e.g. float64 for a float32 input).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([0.0, 0.0]).softmax().tolist()
            [0.5, 0.5]
        """
        if dtype is not None:
            self = self.to(dtype)
        if self.ndim == 0:              # one entry along the dim: probability 1
            single_axis("softmax", dim, 1)          # dim 0 or -1, as PyTorch
            return Softmax.apply(self.reshape(1), dim=0).reshape(())
        return Softmax.apply(self, dim=single_axis("softmax", dim, self.ndim))

    def log_softmax(self, dim: int = -1, dtype=None):
        """log(softmax(x)) along `dim`, computed as x - logsumexp(x) (finite for huge logits).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor(3.0).log_softmax().item()
            0.0
        """
        if dtype is not None:
            self = self.to(dtype)
        if self.ndim == 0:
            single_axis("log_softmax", dim, 1)
            return LogSoftmax.apply(self.reshape(1), dim=0).reshape(())
        return LogSoftmax.apply(self, dim=single_axis("log_softmax", dim, self.ndim))

    def linear(self, weight, bias=None):
        """x @ weight.T + bias in one op (PyTorch layout: weight is (out_features, in_features)).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.ones(5, 3).linear(Tensor.ones(2, 3), Tensor.zeros(2)).shape
            (5, 2)
        """
        if not (hasattr(weight, "_operand") and (bias is None or hasattr(bias, "_operand"))):
            bad, name = (weight, "weight") if not hasattr(weight, "_operand") else (bias, "bias")
            raise TypeError(f"linear: {name} must be a Tensor, got {describe(bad)}")
        x_shape, w_shape = self.data.shape, weight.data.shape
        if len(w_shape) != 2 or not x_shape or x_shape[-1] != w_shape[1]:
            raise ValueError(f"linear: input of shape {x_shape} does not fit weight of shape "
                             f"{w_shape}; the input's last dim must equal weight.shape[1] "
                             f"(weight is (out_features, in_features))")
        if bias is None:
            return Linear.apply(self, weight)
        if bias.data.shape != w_shape[:1]:
            raise ValueError(f"linear: bias of shape {bias.shape} does not fit weight of shape "
                             f"{w_shape}; expected ({w_shape[0]},)")
        return Linear.apply(self, weight, bias)

    def cross_entropy(self, target, reduction: str = "mean"):
        """Softmax cross-entropy of logits (N, C) with integer class indices (N,), as one op.

        `nn.functional.cross_entropy` uses this for the common case and handles the rest
        (class weights, ignore_index, probability targets, extra dims).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> import numpy as np
            >>> round(Tensor([[0.0, 0.0]]).cross_entropy(np.array([1])).item(), 4)
            0.6931
        """
        target = np.asarray(getattr(target, "data", target))
        if self.ndim != 2 or target.shape != self.shape[:1] or target.dtype.kind not in "iu":
            raise ValueError(f"cross_entropy: logits of shape {self.shape} need integer targets "
                             f"of shape {self.shape[:1]}, got {target.dtype} {target.shape}")
        classes = self.shape[1]
        out_of_range = target.astype(np.uint64, copy=False) >= classes   # negatives wrap: huge
        if out_of_range.any():
            bad = target[out_of_range].flat[0]
            raise IndexError(f"cross_entropy: class index {bad} is out of range for {classes} "
                             f"classes (valid 0..{classes - 1})")
        if reduction not in ("mean", "sum"):
            raise ValueError(f"cross_entropy: reduction must be 'mean' or 'sum' here, got "
                             f"{reduction!r} (use nn.functional.cross_entropy for 'none')")
        return CrossEntropy.apply(self, target=target, mean=reduction == "mean")
