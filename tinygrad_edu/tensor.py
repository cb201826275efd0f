"""`Tensor`: a numpy array that remembers how it was made, so gradients can flow back.

The class holds the data, the autograd attributes and creation helpers; the ops live
in `tinygrad_edu/ops/`, one module per kind, each wiring its ops to Tensor methods
through a small mixin. `backward()` hands over to `tinygrad_edu.autograd`.
"""
import weakref

import numpy as np

from .dtypes import as_array, check_dtype, get_default_dtype
from .argcheck import operand_array, describe
from .autograd import run_backward, seed_gradient
from .ops.elementwise import ElementwiseMethods
from .ops.unary import Cast
from .ops.unary_math import UnaryMathMethods
from .ops.special import SpecialMethods
from .ops.binary_math import BinaryMathMethods
from .ops.comparison import ComparisonMethods
from .ops.arrange import ArrangeMethods
from .ops.indexing import IndexingMethods
from .ops.scatter_reduce import ScatterReduceMethods
from .ops.scatter_views import ScatterViewMethods
from .ops.sorting import SortingMethods
from .ops.scan import ScanMethods
from .ops.reduce import ReduceMethods
from .ops.extrema import ExtremaMethods
from .ops.movement import MovementMethods
from .ops.linalg import LinalgMethods, ProductMethods
from .ops.nn import NNMethods
from .ops.conv import ConvMethods
from .ops.pool import DropoutMethods
from .ops.inplace import InplaceMethods
from .ops.conversion import ConversionMethods
from .ops.views import ViewMethods
from .devices import DeviceMethods, check_device, device as device_type
from .creation import CreationMethods


def _is_dtype_name(name):
    try:
        np.dtype(name)
        return True
    except TypeError:
        return False


def _warn_non_leaf_grad():
    """The warning PyTorch gives when `.grad` of a non-leaf is read (called off the hot path)."""
    import warnings
    warnings.warn("Tensor.grad: this tensor is not a leaf (an op computed it), so backward does not "
                  "fill its .grad, which stays None. To keep the gradient of an intermediate "
                  "result, call .retain_grad() on it before backward. If you meant a parameter, "
                  "read .grad of the leaf itself (an update such as w = w - lr * w.grad makes w a "
                  "new, non-leaf tensor: update in place under no_grad() instead)",
                  UserWarning, stacklevel=3)


def _check_grad_dtype(op_name, dtype):
    if np.dtype(dtype).kind not in "fc":
        raise TypeError(f"{op_name}: only floating-point tensors can require gradients, got dtype "
                        f"{dtype}; convert first, e.g. Tensor(data, dtype=np.float32)")


class Tensor(ElementwiseMethods, ReduceMethods, ExtremaMethods, MovementMethods, LinalgMethods,
             NNMethods, ConvMethods, DropoutMethods, ConversionMethods, ViewMethods, DeviceMethods,
             InplaceMethods, UnaryMathMethods, SpecialMethods, BinaryMathMethods,
             ComparisonMethods, ArrangeMethods, IndexingMethods, ScatterReduceMethods,
             ScatterViewMethods,             SortingMethods, ProductMethods, ScanMethods, CreationMethods):
    """An n-dimensional array that records the ops applied to it for reverse-mode autodiff.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> x = Tensor([2.0, 3.0], requires_grad=True)
        >>> y = (x * x).sum()
        >>> y.backward()
        >>> x.grad.tolist()
        [4.0, 6.0]
    """

    __slots__ = ("data", "_grad", "requires_grad", "grad_fn", "name", "_hooks", "__weakref__")

    def __init__(self, data, requires_grad: bool = False, dtype=None, name: str = None):
        # a copy, as torch.tensor: an optimiser step must never write into the caller's array
        # (tinygrad_edu.from_numpy / as_tensor share memory on purpose)
        self.data = as_array(data, dtype, copy=True)
        if not isinstance(requires_grad, (bool, np.bool_)):
            raise TypeError(f"Tensor: requires_grad must be True or False, got "
                            f"{describe(requires_grad)}")
        if requires_grad:
            _check_grad_dtype("Tensor", self.data.dtype)
        self.requires_grad = bool(requires_grad)
        self._grad = None
        self.grad_fn = None
        self.name = name
        self._hooks = None

    @staticmethod
    def _make(data, grad_fn):
        """Wrap an op's result without the checks of __init__ (the hot path of every op)."""
        t = object.__new__(Tensor)
        t.data = data
        t._grad = None
        t.requires_grad = grad_fn is not None
        t.grad_fn = grad_fn
        t.name = None
        t._hooks = None
        return t

    def _operand(self, other):
        """`other` as a Tensor; Python numbers take this tensor's floating dtype."""
        if isinstance(other, Tensor):
            return other
        if type(other) in (int, float) and self.data.dtype.kind == "f":
            return _scalar_constant(other, self.data.dtype)
        return Tensor._make(operand_array(other, as_array), None)

    # ------------------------------------------------------------ attributes
    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def grad(self):
        """The gradient backward accumulated here (a Tensor), or None.

        Only leaves (tensors you made, not results of ops) and non-leaves that called
        `retain_grad()` get one, as in PyTorch. Reading `.grad` of any other non-leaf warns:
        it is always None, and reading it is almost always the mistake of using a result
        (`w = w - lr * w.grad` makes a new, non-leaf `w`) where the parameter was meant.
        """
        grad = self._grad
        if grad is None and self.grad_fn is not None and \
                getattr(self.grad_fn, "retained", None) is None:
            _warn_non_leaf_grad()
        return grad

    @grad.setter
    def grad(self, value):
        self._grad = value

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user (not by an op that records a graph)."""
        return self.grad_fn is None

    def __len__(self):
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        if self.data.size != 1:
            raise ValueError(f"the truth value of a tensor of shape {self.shape} is ambiguous; "
                             f"use .any() style reductions on .data")
        return bool(self.data)

    def __repr__(self):
        body = np.array2string(self.data, precision=4, separator=", ", threshold=20)
        extras = []
        if self.dtype != get_default_dtype():
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"Tensor({body}{''.join(', ' + e for e in extras)})"

    # ------------------------------------------------------------ conversion
    def numpy(self) -> np.ndarray:
        """The data as a numpy array (shared, not copied)."""
        return self.data

    def item(self):
        """The single value of a one-element tensor as a Python number."""
        if self.data.size != 1:
            raise ValueError(f"item: only one-element tensors convert to a Python number, this one "
                             f"has shape {self.shape}")
        return self.data.item()

    def tolist(self):
        """The data as (nested) Python lists."""
        return self.data.tolist()

    def detach(self):
        """The same data as a new leaf that records nothing (cuts the graph here)."""
        return Tensor._make(self.data, None)

    def to(self, *args, dtype=None, device=None, non_blocking=False, copy=False, memory_format=None):
        """This tensor with another dtype (a differentiable cast) and/or on a device ("cpu").

        As PyTorch: `t.to(np.float64)`, `t.to("cpu")`, `t.to("cpu", tinygrad_edu.float64)`,
        `t.to(other)` (other's dtype), then `non_blocking` and `copy` (a new tensor even when
        nothing changes). The engine runs on the CPU only, so the device is checked and
        otherwise ignored, as are `non_blocking` and `memory_format` (numpy picks the layout).

        Example:
            >>> Tensor([1, 2]).to("cpu", np.float64).dtype
            dtype('float64')
        """
        flags = []
        for arg in args:
            if isinstance(arg, (bool, np.bool_)):
                flags.append(bool(arg))           # non_blocking, then copy (positional, as PyTorch)
            elif isinstance(arg, Tensor):
                dtype = arg.dtype
            elif isinstance(arg, device_type) or (isinstance(arg, str) and not _is_dtype_name(arg)):
                device = arg
            else:
                dtype = arg
        if len(flags) > 2:
            raise TypeError(f"to: expected at most two flags (non_blocking, copy), got {len(flags)}")
        copy = flags[1] if len(flags) == 2 else copy
        if device is not None:
            check_device(device, "to")
        if dtype is None or check_dtype("to", dtype) == self.dtype:
            return self.clone() if copy else self
        dtype = check_dtype("to", dtype)
        if dtype.kind not in "fc":      # integer/bool results carry no gradient
            if dtype.kind in "iu" and self.dtype.kind in "fc" and not np.isfinite(self.data).all():
                raise ValueError(f"to: this tensor holds NaN or infinity, which have no value in "
                                 f"the integer dtype {dtype}; replace them first (e.g. "
                                 f"Tensor(np.nan_to_num(t.data)))")
            return Tensor._make(self.data.astype(dtype), None)
        return Cast.apply(self, dtype=dtype)

    astype = to

    def float(self, memory_format=None):
        """Convert to float32."""
        return self.to(np.float32)

    def double(self, memory_format=None):
        """Convert to float64 (what gradcheck needs)."""
        return self.to(np.float64)

    # ------------------------------------------------------------ autograd
    def requires_grad_(self, flag: bool = True):
        """Set `requires_grad` on a leaf in place and return it."""
        if self.grad_fn is not None and not flag:
            raise RuntimeError("requires_grad_: cannot turn off requires_grad on a non-leaf tensor; "
                               "use .detach() instead")
        if flag:
            _check_grad_dtype("requires_grad_", self.dtype)
        self.requires_grad = bool(flag)
        return self

    def zero_grad(self):
        """Forget the accumulated gradient (sets `.grad` to None)."""
        self.grad = None

    def retain_grad(self):
        """Keep `.grad` on this non-leaf tensor after backward (leaves always keep theirs)."""
        if self.grad_fn is not None:
            self.grad_fn.retained = weakref.ref(self)
        elif not self.requires_grad:
            raise RuntimeError("retain_grad: this tensor does not require grad")

    def register_hook(self, hook):
        """Call `hook(grad)` when this tensor's gradient is computed; a non-None return replaces it.

        Example:
            >>> x = Tensor([1.0], requires_grad=True)
            >>> _ = x.register_hook(lambda g: g * 2)
            >>> (x * 3).sum().backward(); x.grad.tolist()
            [6.0]
        """
        if not self.requires_grad:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that does not "
                               "require grad")
        if self.grad_fn is not None:
            if self.grad_fn.hooks is None:
                self.grad_fn.hooks = []
            hooks = self.grad_fn.hooks
        else:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def backward(self, gradient=None, retain_graph: bool = False, create_graph: bool = False):
        """Compute the gradient of this tensor with respect to every leaf that requires grad.

        Gradients are added into each leaf's `.grad` (call `zero_grad` between steps). A
        non-scalar tensor needs `gradient` (the vector of the vector-Jacobian product).
        After the call the graph is freed unless `retain_graph=True`; with
        `create_graph=True` the gradients are themselves differentiable.
        """
        if not self.requires_grad:
            raise RuntimeError("backward: this tensor does not require grad and has no grad_fn; "
                               "make an input with requires_grad=True before computing it")
        user_gave_one = gradient is not None
        gradient = seed_gradient(self, gradient, "backward")
        if user_gave_one and not create_graph:      # our own copy: leaves may keep it as .grad
            gradient = Tensor._make(np.array(gradient.data, dtype=self.dtype), None)
        run_backward([self], [gradient], retain_graph or create_graph, create_graph)


_CONSTANTS = {}


def _scalar_constant(value, dtype):
    """A shared constant Tensor for a Python number (as in `y * 2`): made once, reused.

    The cache is bounded, and constants never require grad; the values are 0-d
    read-only arrays, so sharing them is safe.
    """
    # 0.0 == -0.0 (and hash alike), but x * -0.0 and where(c, x, -0.0) must keep the sign
    key = (value, dtype) if value else (repr(value), dtype)
    constant = _CONSTANTS.get(key)
    if constant is None:
        if len(_CONSTANTS) > 1024:
            _CONSTANTS.clear()
        array = np.asarray(value, dtype=dtype)
        array.flags.writeable = False
        constant = _CONSTANTS[key] = Tensor._make(array, None)
    return constant


class _HookHandle:
    """Returned by `register_hook`; `remove()` unregisters the hook."""

    def __init__(self, hooks, hook):
        self._hooks, self._hook = hooks, hook

    def remove(self):
        if self._hook in self._hooks:
            self._hooks.remove(self._hook)
