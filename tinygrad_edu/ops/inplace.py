"""In-place ops with PyTorch's rules: `+= -= *= /=`, `t[idx] = v`, `add_ ... uniform_`.

Three cases, as in PyTorch:
- Nothing is recorded (grad mode off, or no tensor involved requires grad): the numbers
  are written into the tensor's memory, so `with no_grad(): p -= lr * p.grad` updates `p`
  (d2l's scratch SGD) and every view of it. The memory's version goes up by one.
- A leaf that requires grad, while grad mode is on: refused (the graph would lose the
  value it is rooted at); update parameters under `no_grad()`.
- Otherwise (e.g. `h += b` on a non-leaf, or `buf[i] = w * x`): the op is recorded like
  any other and the tensor takes the result as its new value and its new `grad_fn`.
  Earlier nodes keep seeing the value they were recorded with (see `versions.py`).
A backward through a value that was then changed in place raises PyTorch's error.

One difference: in the recorded case the new value goes to new memory, so a numpy view of
the old memory (another tensor made by slicing or reshaping this one) does not see it, as a
PyTorch view would; write through the tensor itself (`t[idx] = v`) to change a part.
"""
import numpy as np

from ..function import Function
from ..grad_mode import STATE
from .. import random, random_draws, versions
from .movement import _numpy_index
from ..argcheck import number_arg


class SetItem(Function):
    """Assignment f(x, v) = x with x[index] replaced by v;  df/dx = g with zeros at index, df/dv = g[index]"""

    def forward(self, x, v, index):
        self.index = index
        out = x.copy()
        try:
            out[index] = v
        except (ValueError, IndexError) as error:
            raise type(error)(f"__setitem__: cannot put a value of shape {np.shape(v)} into "
                              f"the tensor of shape {x.shape} at {index!r}: {error}") from None
        return out

    def backward(self, g):
        g, x, _ = self.values(g)
        keep = np.ones(x.shape, dtype=g.dtype)
        keep[self.index] = 0
        return g * keep, g[self.index]


def _as_array(value, op_name):
    if hasattr(value, "_operand"):
        return value.data
    array = np.asarray(value)
    if array.dtype == object or array.dtype.kind in "USV":
        raise TypeError(f"{op_name}: the value must be a number, an array or a Tensor, got "
                        f"{type(value).__name__}")
    return array


class InplaceMethods:
    """In-place methods of `Tensor` (mixed into the class)."""

    __slots__ = ()

    # ------------------------------------------------------------ the three cases
    def _inplace_mode(self, op_name, *others):
        """'memory' (write the numbers) or 'record' (record the op and rebind); refuses a
        leaf that requires grad while grad mode is on."""
        if not STATE.grad_enabled:
            return "memory"
        if self.requires_grad and self.grad_fn is None:
            raise RuntimeError(
                f"{op_name}: a leaf tensor that requires grad (shape {self.shape}) cannot be "
                f"changed in place while gradients are recorded: the graph would lose the value "
                f"it starts from. Update parameters under `with tinygrad_edu.no_grad():` (as an "
                f"optimiser does), or make a new tensor: `x = x + y` instead of `x += y`.")
        if self.requires_grad or any(getattr(o, "requires_grad", False) for o in others):
            return "record"
        return "memory"

    def _check_writable(self, op_name):
        if not self.data.flags.writeable:
            raise ValueError(f"{op_name}: this tensor's memory is read-only (a broadcast view or "
                             f"a constant); change a .clone() of it instead")

    def _rebind(self, compute):
        """The recorded case: `compute(earlier)` builds the new value from a tensor holding
        the history so far; this tensor then takes its data and grad_fn."""
        stamp = versions.new_stamp()
        earlier = self._make(self.data, self.grad_fn)
        earlier.requires_grad = self.requires_grad
        result = compute(earlier)
        if result.dtype != self.dtype:
            result = result.to(self.dtype)
        versions.rebased(self, earlier, result.data, stamp)
        self.data, self.grad_fn, self.requires_grad = result.data, result.grad_fn, True
        return self

    def _arithmetic_(self, op_name, ufunc, other, alpha=1):
        other_array = _as_array(other, op_name)
        alpha = number_arg(op_name, "alpha", alpha)
        if alpha != 1:
            other_array = other_array * alpha
        shape = np.broadcast_shapes(self.shape, other_array.shape) \
            if _broadcastable(self.shape, other_array.shape) else None
        if shape != self.shape:
            raise ValueError(f"{op_name}: the result must keep this tensor's shape {self.shape}, "
                             f"but the other operand has shape {other_array.shape}; in-place ops "
                             f"cannot grow a tensor (write x = x {_SYMBOL[ufunc]} y instead)")
        result_dtype = np.result_type(self.data, other if type(other) in (int, float) else other_array)
        if ufunc is np.true_divide and result_dtype.kind in "biu":
            result_dtype = np.dtype(np.float64)
        if not np.can_cast(result_dtype, self.dtype, casting="same_kind"):
            raise TypeError(f"{op_name}: the result type {result_dtype} cannot be stored in this "
                            f"tensor of dtype {self.dtype}; convert first, e.g. x = x.float()")
        if self._inplace_mode(op_name, other) == "record":
            operand = other if hasattr(other, "_operand") else self._operand(other)
            if alpha != 1:
                operand = operand * alpha
            return self._rebind(lambda earlier: _BINARY[ufunc](
                earlier, earlier if operand is self else operand))     # x += x: both the old x
        self._check_writable(op_name)
        ufunc(self.data, other_array, out=self.data, casting="same_kind")
        versions.bump(self.data)
        return self

    def _assign(self, op_name, index, value):
        """`self[index] = value` in one of the three cases (the core of fill_/copy_/... too)."""
        if self._inplace_mode(op_name, value) == "record":
            value = value if hasattr(value, "_operand") else self._make(_as_array(value, op_name),
                                                                        None)
            return self._rebind(lambda earlier: SetItem.apply(
                earlier, earlier if value is self else value, index=index))
        self._check_writable(op_name)
        array = _as_array(value, op_name)
        try:
            self.data[index] = array
        except (ValueError, IndexError) as error:
            raise type(error)(f"{op_name}: cannot put a value of shape {array.shape} into the "
                              f"tensor of shape {self.shape} at {index!r}: {error}") from None
        versions.bump(self.data)
        return self

    # ------------------------------------------------------------ operators
    def __iadd__(self, other):
        return self._arithmetic_("+=", np.add, other)

    def __isub__(self, other):
        return self._arithmetic_("-=", np.subtract, other)

    def __imul__(self, other):
        return self._arithmetic_("*=", np.multiply, other)

    def __itruediv__(self, other):
        return self._arithmetic_("/=", np.true_divide, other)

    def __setitem__(self, index, value):
        """`t[index] = value` (numpy indexing; a recorded op when grad flows through it).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> t = Tensor.zeros(3); t[1] = 5.0; t[t == 0] = -1.0; t.tolist()
            [-1.0, 5.0, -1.0]
        """
        self._assign("__setitem__", _numpy_index(index), value)

    # ------------------------------------------------------------ named in-place methods
    def add_(self, other, alpha=1):
        """In place: self += alpha * other; returns self.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).add_(Tensor([1.0, 1.0]), alpha=2).tolist()
            [3.0, 4.0]
        """
        return self._arithmetic_("add_", np.add, other, alpha)

    def sub_(self, other, alpha=1):
        """In place: self -= alpha * other; returns self (`p.sub_(lr * p.grad)`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).sub_(Tensor([1.0, 1.0]), alpha=0.5).tolist()
            [0.5, 1.5]
        """
        return self._arithmetic_("sub_", np.subtract, other, alpha)

    def mul_(self, other):
        """In place: self *= other; returns self (e.g. momentum decay `buf.mul_(0.9)`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).mul_(0.5).tolist()
            [0.5, 1.0]
        """
        return self._arithmetic_("mul_", np.multiply, other)

    def div_(self, other):
        """In place: self /= other; returns self.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).div_(2).tolist()
            [0.5, 1.0]
        """
        return self._arithmetic_("div_", np.true_divide, other)

    def zero_(self):
        """In place: set every entry to 0 (e.g. `p.grad.zero_()`); returns self.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).zero_().tolist()
            [0.0, 0.0]
        """
        return self._assign("zero_", Ellipsis, np.zeros((), self.dtype))

    def fill_(self, value):
        """In place: set every entry to `value` (a number or a one-element tensor); returns self.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([1.0, 2.0]).fill_(7).tolist()
            [7.0, 7.0]
        """
        return self._assign("fill_", Ellipsis, value)

    def copy_(self, src):
        """In place: copy `src` (broadcast to this shape, cast to this dtype); returns self.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(2, 2).copy_(Tensor([1.0, 2.0])).tolist()
            [[1.0, 2.0], [1.0, 2.0]]
        """
        src_shape = np.shape(_as_array(src, "copy_"))
        if not _broadcastable(src_shape, self.shape) or \
                np.broadcast_shapes(src_shape, self.shape) != self.shape:
            raise ValueError(f"copy_: the source of shape {src_shape} does not broadcast to "
                             f"this tensor's shape {self.shape}")
        return self._assign("copy_", Ellipsis, src)

    def clamp_(self, min=None, max=None):
        """In place: clamp into [min, max] (either may be None); returns self.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor([-2.0, 0.5, 3.0]).clamp_(0, 1).tolist()
            [0.0, 0.5, 1.0]
        """
        if min is None and max is None:
            raise ValueError("clamp_: give min, max or both")
        if self._inplace_mode("clamp_") == "record":
            return self._rebind(lambda earlier: earlier.clip(min, max))
        self._check_writable("clamp_")
        np.clip(self.data, min, max, out=self.data)
        versions.bump(self.data)
        return self

    clip_ = clamp_

    def normal_(self, mean=0.0, std=1.0, generator=None):
        """In place: fill with N(mean, std^2) samples (global generator unless `generator`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> from tinygrad_edu import Generator
            >>> a = Tensor.zeros(3).normal_(generator=Generator().manual_seed(0)).tolist()
            >>> a == Tensor.zeros(3).normal_(generator=Generator().manual_seed(0)).tolist()
            True
        """
        mean, std = (number_arg("normal_", k, v, finite=True) for k, v in (("mean", mean), ("std", std)))
        if std < 0:
            raise ValueError(f"normal_: std must be >= 0, got {std}")
        self._inplace_mode("normal_")      # a refused leaf must not move the generator
        gen = random.resolve(generator, op_name="normal_")
        draw = random_draws.normal(gen, self.data.size, _draw_dtype(self), mean, std,
                                   contiguous=self.data.flags.c_contiguous)
        return self._assign("normal_", Ellipsis, draw.reshape(self.shape).astype(self.dtype))

    def uniform_(self, a=0.0, b=1.0, generator=None):
        """In place: fill with U(a, b) samples (global generator unless `generator`).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> x = Tensor.zeros(100).uniform_(-1, 1); bool(x.data.min() >= -1 and x.data.max() < 1)
            True
        """
        a, b = (number_arg("uniform_", k, v, finite=True) for k, v in (("a", a), ("b", b)))
        if a > b:
            raise ValueError(f"uniform_: the range [a, b) = [{a}, {b}) is empty; need a <= b")
        self._inplace_mode("uniform_")     # a refused leaf must not move the generator
        gen = random.resolve(generator, op_name="uniform_")
        draw = random_draws.uniform(gen, self.data.size, _draw_dtype(self), a, b)
        return self._assign("uniform_", Ellipsis, draw.reshape(self.shape).astype(self.dtype))

    def bernoulli_(self, p=0.5, generator=None):
        """In place: fill with 0/1 draws, 1 with probability `p` (a number, or a tensor of
        probabilities that broadcasts to this shape), as PyTorch's `bernoulli_`.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.zeros(4).bernoulli_(1.0).tolist()
            [1.0, 1.0, 1.0, 1.0]
        """
        probs = getattr(p, "data", p)
        probs = np.asarray(probs) if isinstance(probs, np.ndarray) else number_arg("bernoulli_", "p", probs)
        if not np.all((np.asarray(probs) >= 0) & (np.asarray(probs) <= 1)):
            raise ValueError(f"bernoulli_: p must be probabilities in [0, 1], got {p!r}")
        if isinstance(probs, np.ndarray):
            try:
                probs = np.broadcast_to(probs, self.shape)
            except ValueError:
                raise ValueError(f"bernoulli_: p of shape {probs.shape} does not broadcast to the "
                                 f"tensor's shape {self.shape}") from None
        self._inplace_mode("bernoulli_")   # a refused leaf must not move the generator
        gen = random.resolve(generator, op_name="bernoulli_")
        draw = random_draws.bernoulli(gen, probs, self.shape)
        return self._assign("bernoulli_", Ellipsis, draw.astype(self.dtype))

    @property
    def _version(self) -> int:
        """How many in-place changes this tensor's memory has seen (PyTorch's `_version`)."""
        return versions.version(self)

    # ------------------------------------------------------------ numpy interplay
    def __array_ufunc__(self, ufunc, method, *inputs, out=None, **kwargs):
        """numpy meets a Tensor. `array += tensor` (PyTorch's `p.data += -lr * p.grad`) writes
        into the array, as in PyTorch; `array * tensor` and the other operators give the
        Tensor result (the Tensor's reflected operator); other numpy functions are refused."""
        if out is not None:
            if any(hasattr(o, "_operand") for o in out):
                return NotImplemented
            arrays = [x.data if hasattr(x, "_operand") else x for x in inputs]
            return getattr(ufunc, method)(*arrays, out=out, **kwargs)
        if method != "__call__" or kwargs or ufunc not in _REFLECTED or len(inputs) != 2:
            return NotImplemented
        forward, reflected = _REFLECTED[ufunc]
        a, b = inputs
        if hasattr(a, "_operand"):
            return getattr(a, forward)(b)
        return getattr(b, reflected)(a)


def _draw_dtype(tensor):
    """The dtype PyTorch's transforms run in for this tensor: float64 or else float32."""
    return np.float64 if tensor.dtype == np.float64 else np.float32


def _broadcastable(*shapes):
    try:
        np.broadcast_shapes(*shapes)
        return True
    except ValueError:
        return False


_SYMBOL = {np.add: "+", np.subtract: "-", np.multiply: "*", np.true_divide: "/"}
_BINARY = {np.add: lambda a, b: a + b, np.subtract: lambda a, b: a - b,
           np.multiply: lambda a, b: a * b, np.true_divide: lambda a, b: a / b}
_REFLECTED = {
    np.add: ("__add__", "__radd__"), np.subtract: ("__sub__", "__rsub__"),
    np.multiply: ("__mul__", "__rmul__"), np.true_divide: ("__truediv__", "__rtruediv__"),
    np.power: ("__pow__", "__rpow__"), np.matmul: ("__matmul__", "__rmatmul__"),
    np.less: ("__lt__", "__gt__"), np.less_equal: ("__le__", "__ge__"),
    np.greater: ("__gt__", "__lt__"), np.greater_equal: ("__ge__", "__le__"),
    np.equal: ("__eq__", "__eq__"), np.not_equal: ("__ne__", "__ne__"),
}
