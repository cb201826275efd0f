"""Binary elementwise ops (arithmetic with broadcasting, max/min, where) and the Tensor
methods of all elementwise ops; the unary ones (math, activations) are in `unary.py`.

Binary ops return gradients in the broadcast shape; the backward walk sums them back
to each input's shape (see `tinygrad_edu.broadcast`).
"""
import numpy as np

from ..function import Function
from ..broadcast import broadcast_shape
from ..dtypes import get_default_dtype
from .unary import (Neg, Exp, Log, Sqrt, Abs, Sin, Cos, Tanh, Sigmoid, Relu, LeakyRelu,
                    Softplus, Clip)


# ---------------------------------------------------------------- binary ops

class BinaryOp(Function):
    """A broadcasting binary op; turns numpy's shape error into one naming the op."""

    def explain_error(self, error, inputs):
        broadcast_shape(type(self).__name__, *(t.shape for t in inputs))   # raises if shapes clash


class Add(BinaryOp):
    """Addition f(a, b) = a + b;  df/da = 1, df/db = 1"""

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Sub(BinaryOp):
    """Subtraction f(a, b) = a - b;  df/da = 1, df/db = -1"""

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self.needs_input_grad[1] else None)


class Mul(BinaryOp):
    """Multiplication f(a, b) = a * b;  df/da = b, df/db = a"""

    def forward(self, a, b):
        return a * b

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        g, a, b = self.values(g)
        return (g * b if need_a else None), (g * a if need_b else None)


class Div(BinaryOp):
    """Division f(a, b) = a / b;  df/da = 1/b, df/db = -a/b^2"""

    def forward(self, a, b):
        out = a / b
        if a.dtype.kind not in "fc" and b.dtype.kind not in "fc":   # true division gives a
            out = np.asarray(out).astype(get_default_dtype())     # float of the default dtype
        return out

    def backward(self, g):
        need_a, need_b = self.needs_input_grad
        g, a, b = self.values(g)
        return (g / b if need_a else None), (-(g * a) / (b * b) if need_b else None)


class Pow(BinaryOp):
    """Power f(a, b) = a ** b;  df/da = b * a^(b-1), df/db = a^b * ln(a)"""

    def forward(self, a, b):
        out = a ** b
        self.save_for_backward(out)
        return out

    def backward(self, g):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        ga = gb = None
        if need_a:
            # b a^(b-1); where a == 0 and b == 0 this is 0 * inf: there x^0 = 1 is flat, so the
            # derivative is 0. Only those entries are masked, and a**(b-1) keeps its b, so the
            # mixed second derivative d/db (b a^(b-1)) = a^(b-1) (1 + b ln a) is right at b == 0
            # (1/a; PyTorch masks every b == 0 and gets 0 there).
            flat = (a.data == 0) & (b.data == 0)
            if flat.any():
                safe_a = _masked(flat, 1, a)
                ga = _masked(flat, 0, g * b * safe_a ** (b - 1))
            else:
                ga = g * b * a ** (b - 1)
        if need_b:
            # a^b ln a; 0^b ln 0 = 0 * -inf for b > 0 (and 1 * -inf at b == 0, where 0^b is
            # 1 for b = 0 and 0 just above: the one-sided limit, as PyTorch): taken as 0
            zero_base = (a.data == 0) & (b.data >= 0)
            out = self.output(lambda: a ** b)
            gb = g * out * (_masked(zero_base, 1, a).log() if zero_base.any() else a.log())
        return ga, gb


def _masked(mask, value, t):
    """`value` where the numpy `mask` is true, else the Tensor `t` (broadcast); differentiable in t."""
    shape = np.broadcast_shapes(mask.shape, t.shape)
    cond = t._make(np.broadcast_to(mask, shape), None)
    return Where.apply(cond, t._make(np.asarray(value, dtype=t.dtype), None), t)


class Maximum(BinaryOp):
    """Elementwise max f(a, b) = max(a, b);  df/da = [a > b] + [a == b]/2 (ties split, as PyTorch)"""

    def forward(self, a, b):
        self.save_for_backward(np.greater(a, b) + 0.5 * np.equal(a, b))
        return np.maximum(a, b)

    def backward(self, g):
        share_a = self._make_const(self.saved[0])
        return g * share_a, g * (1 - share_a)

    def _make_const(self, array):
        return self.inputs[0]._make(array.astype(self.inputs[0].dtype, copy=False), None)


class Minimum(Maximum):
    """Elementwise min f(a, b) = min(a, b);  df/da = [a < b] + [a == b]/2"""

    def forward(self, a, b):
        self.save_for_backward(np.less(a, b) + 0.5 * np.equal(a, b))
        return np.minimum(a, b)


class Where(Function):
    """Selection f(c, a, b) = a where c else b;  df/da = [c], df/db = [not c] (c gets no gradient)"""

    def forward(self, cond, a, b):
        return np.where(cond, a, b)

    def explain_error(self, error, inputs):
        broadcast_shape("where", *(t.shape for t in inputs))

    def backward(self, g):
        cond = self.inputs[0]
        zero = g._make(np.zeros((), dtype=g.dtype), None)
        _, need_a, need_b = self.needs_input_grad
        return (None,
                Where.apply(cond, g, zero) if need_a else None,
                Where.apply(cond, zero, g) if need_b else None)


# ---------------------------------------------------------------- Tensor methods

class ElementwiseMethods:
    """Operators and elementwise functions of `Tensor` (mixed into the class)."""

    __slots__ = ()

    def __add__(self, other):
        return Add.apply(self, self._operand(other))

    def __radd__(self, other):
        return Add.apply(self._operand(other), self)

    def __sub__(self, other):
        return Sub.apply(self, self._operand(other))

    def __rsub__(self, other):
        return Sub.apply(self._operand(other), self)

    def __mul__(self, other):
        return Mul.apply(self, self._operand(other))

    def __rmul__(self, other):
        return Mul.apply(self._operand(other), self)

    def __truediv__(self, other):
        return Div.apply(self, self._operand(other))

    def __rtruediv__(self, other):
        return Div.apply(self._operand(other), self)

    def __pow__(self, other):
        return Pow.apply(self, self._operand(other))

    def __rpow__(self, other):
        return Pow.apply(self._operand(other), self)

    def __neg__(self):
        return Neg.apply(self)

    def exp(self):
        """e^x elementwise."""
        return Exp.apply(self)

    def log(self):
        """Natural logarithm elementwise (-inf at 0, nan below)."""
        return Log.apply(self)

    def sqrt(self):
        """Square root elementwise."""
        return Sqrt.apply(self)

    def abs(self):
        """|x| elementwise; its gradient at 0 is 0."""
        return Abs.apply(self)

    def sin(self):
        """Sine elementwise."""
        return Sin.apply(self)

    def cos(self):
        """Cosine elementwise."""
        return Cos.apply(self)

    def tanh(self):
        """Hyperbolic tangent elementwise."""
        return Tanh.apply(self)

    def sigmoid(self):
        """Logistic sigmoid 1/(1+e^-x), computed without overflow."""
        return Sigmoid.apply(self)

    def relu(self):
        """max(x, 0) elementwise; gradient 1 where x > 0, else 0."""
        return Relu.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01):
        """x where x > 0, negative_slope * x elsewhere (keeps a gradient for negative inputs)."""
        return LeakyRelu.apply(self, slope=negative_slope)

    def elu(self, alpha: float = 1.0):
        """x where x > 0, alpha (e^x - 1) elsewhere; built from where/exp so it is twice differentiable."""
        if self.data.dtype.kind not in "fc":
            self = self.to(get_default_dtype())
        negative_part = alpha * (self.clip(hi=0.0).exp() - 1)   # min(x, 0) keeps exp from overflowing
        return self.where_positive(self, negative_part)

    def where_positive(self, if_positive, otherwise):
        """`if_positive` where self > 0, `otherwise` elsewhere (helper for piecewise activations)."""
        return Where.apply(self._make(self.data > 0, None), self._operand(if_positive),
                           self._operand(otherwise))

    def softplus(self, beta: float = 1.0):
        """ln(1 + e^(beta x)) / beta, a smooth ReLU, computed without overflow."""
        return Softplus.apply(self, beta=beta)

    def clip(self, lo=None, hi=None):
        """Clamp into [lo, hi] (either bound may be None); gradient 1 inside, 0 outside."""
        return Clip.apply(self, lo=lo, hi=hi)

    def clamp(self, min=None, max=None):
        """Clamp into [min, max] (either may be None; numbers or tensors that broadcast),
        PyTorch's keywords for `clip`. Where min > max the result is max, as PyTorch.

        The gradient goes to self inside [min, max], to a tensor min where self < min < max,
        and to a tensor max where self > max (or max < min).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-2.0, 0.5, 3.0]).clamp(min=0.0, max=1.0).tolist()
            [0.0, 0.5, 1.0]
            >>> Tensor([-2.0, 0.5, 3.0]).clamp(Tensor([0.0, 1.0, 0.0])).tolist()
            [0.0, 1.0, 3.0]
        """
        if min is None and max is None:
            raise ValueError("clamp: give min, max or both")
        if not hasattr(min, "_operand") and not hasattr(max, "_operand"):
            return self.clip(min, max)
        return _clamp_by_tensors(self, min, max)

    def clamp_min(self, min):
        """max(self, min) elementwise, as `clamp(min=min)`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-1.0, 2.0]).clamp_min(0.0).tolist()
            [0.0, 2.0]
        """
        return self.clamp(min=min)

    def clamp_max(self, max):
        """min(self, max) elementwise, as `clamp(max=max)`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-1.0, 2.0]).clamp_max(0.0).tolist()
            [-1.0, 0.0]
        """
        return self.clamp(max=max)

    def maximum(self, other):
        """Elementwise max with a tensor or number (ties share the gradient equally)."""
        return Maximum.apply(self, self._operand(other))

    def minimum(self, other):
        """Elementwise min with a tensor or number (ties share the gradient equally)."""
        return Minimum.apply(self, self._operand(other))

    @staticmethod
    def where(cond, a, b):
        """`a` where `cond` is true, else `b`; broadcasts all three; `cond` gets no gradient.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.where(Tensor([True, False]), Tensor([1.0, 2.0]), 0.0).tolist()
            [1.0, 0.0]
        """
        ref = next((t for t in (a, b, cond) if hasattr(t, "_operand")), None)
        if ref is None:
            raise TypeError("Tensor.where: at least one of cond, a, b must be a Tensor")
        cond = ref._make(np.asarray(getattr(cond, "data", cond), dtype=bool), None)
        floats = [t for t in (a, b) if hasattr(t, "_operand")]
        ref = floats[0] if floats else ref
        return Where.apply(cond, ref._operand(a), ref._operand(b))

    # comparisons give boolean tensors that carry no gradient
    def _compare(self, other, numpy_op):
        if hasattr(other, "_operand"):
            other = other.data
        elif type(other) not in (int, float, bool) and other is not None:
            other = self._operand(other).data   # refuses strings, objects, lists of Tensors
        try:
            out = np.asarray(numpy_op(self.data, other))    # 0-d: not a np.bool_
        except ValueError:
            broadcast_shape(numpy_op.__name__, self.shape, np.shape(other))
            raise
        except TypeError:
            self._operand(other)                # `x < None`: the error that names the operator
            raise
        return self._make(out, None)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __eq__(self, other):
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    __hash__ = object.__hash__


def _clamp_by_tensors(x, lo, hi):
    """clamp with tensor bounds, from `where` (PyTorch's masks for every gradient)."""
    where = type(x).where
    lo = None if lo is None else x._operand(lo)
    hi = None if hi is None else x._operand(hi)
    xd = x.data
    if hi is None:
        below = x._make(np.asarray(xd < lo.data), None)
        return where(below, lo, x)
    if lo is None:
        above = x._make(np.asarray(xd > hi.data), None)
        return where(above, hi, x)
    with np.errstate(invalid="ignore"):
        to_lo = (xd < lo.data) & (lo.data < hi.data)
        to_hi = (xd > hi.data) | (hi.data < lo.data)
    return where(x._make(np.asarray(to_lo), None), lo,
                 where(x._make(np.asarray(to_hi), None), hi, x))
