"""`Module` and `Parameter`: the containers every layer is built from.

A Module registers what is assigned to it: a `Parameter` becomes a trainable weight, a
Module becomes a child, `register_buffer` adds saved-but-not-trained state. Everything
else (training loops, optimisers, checkpoints) finds weights through
`named_parameters()` and `state_dict()`, in a deterministic order.
"""
from collections import OrderedDict, namedtuple
import difflib

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.sharing import as_tensor
from .state_loading import checked_values, explain_bad_input


class Parameter(Tensor):
    """A Tensor that is a trainable weight of a Module (requires grad by default).

    Example:
        >>> w = Parameter(np.zeros((2, 3), dtype=np.float32))
        >>> w.requires_grad
        True
    """

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True, dtype=None):
        super().__init__(data, requires_grad=requires_grad, dtype=dtype)

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()


IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


class _RemovableHandle:
    """Returned by the hook registration methods; `remove()` unregisters the hook."""

    def __init__(self, registry, key):
        self._registry, self._key = registry, key

    def remove(self):
        self._registry.pop(self._key, None)


class Module:
    """Base class of layers and models: subclass it, assign parameters/children in
    `__init__`, and write `forward`.

    Example:
        >>> class Affine(Module):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.scale = Parameter(np.ones(3, dtype=np.float32))
        ...     def forward(self, x):
        ...         return x * self.scale
        >>> [name for name, _ in Affine().named_parameters()]
        ['scale']
    """

    _hook_counter = 0

    def __init__(self):
        object.__setattr__(self, "_parameters", OrderedDict())
        object.__setattr__(self, "_buffers", OrderedDict())
        object.__setattr__(self, "_modules", OrderedDict())
        object.__setattr__(self, "_forward_hooks", OrderedDict())
        object.__setattr__(self, "_forward_pre_hooks", OrderedDict())
        object.__setattr__(self, "training", True)

    # ------------------------------------------------------------ registration
    def __setattr__(self, name, value):
        if "_parameters" not in self.__dict__:
            raise AttributeError(f"{type(self).__name__}: call super().__init__() before assigning "
                                 f"attributes in __init__")
        if isinstance(value, Parameter):
            self._forget(name)
            self._parameters[name] = value
        elif isinstance(value, Module):
            self._forget(name)
            self._modules[name] = value
        elif name in self._buffers:
            self._buffers[name] = value if value is None or isinstance(value, Tensor) else Tensor(value)
        elif name in self._parameters:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign a {type(value).__name__} to "
                                f"parameter '{name}'; wrap it in nn.Parameter(...) or assign None")
            self._parameters[name] = None
        else:
            self._forget(name)
            object.__setattr__(self, name, value)

    def _forget(self, name):
        for registry in (self._parameters, self._buffers, self._modules, self.__dict__):
            registry.pop(name, None)

    def __getattr__(self, name):
        # only called when normal lookup fails: look in the registries (parameters first:
        # `self.weight` in forward is the common case, so it gets the shortest path)
        d = self.__dict__
        try:
            return d["_parameters"][name]
        except KeyError:
            pass
        for registry in ("_buffers", "_modules"):
            if registry in d and name in d[registry]:
                return d[registry][name]
        known = [k for r in ("_parameters", "_buffers", "_modules") for k in d.get(r, {})]
        close = difflib.get_close_matches(name, known + list(d), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'{hint}")

    def __delattr__(self, name):
        for registry in (self._parameters, self._buffers, self._modules):
            if name in registry:
                del registry[name]
                return
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor, persistent: bool = True):
        """Add state that is saved in `state_dict` but not trained (e.g. BatchNorm's running_mean)."""
        if tensor is not None and not isinstance(tensor, Tensor):
            tensor = Tensor(tensor)
        self._buffers[name] = tensor

    def register_parameter(self, name: str, param):
        """Add a parameter under `name` (None reserves the name, e.g. a layer without bias)."""
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: '{name}' must be a Parameter or None, got "
                            f"{type(param).__name__}")
        self._parameters[name] = param

    def add_module(self, name: str, module):
        """Add a child module under `name` (what attribute assignment does)."""
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: '{name}' must be a Module, got {type(module).__name__}")
        self._modules[name] = module

    # ------------------------------------------------------------ traversal
    def named_modules(self, prefix: str = "", memo=None):
        """(name, module) for this module and every descendant, depth first, each once."""
        memo = set() if memo is None else memo
        if id(self) in memo:
            return
        memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is not None:
                yield from child.named_modules(f"{prefix}.{name}" if prefix else name, memo)

    def modules(self):
        """This module and all its descendants."""
        return (m for _, m in self.named_modules())

    def named_children(self):
        """(name, module) for the direct children, in assignment order."""
        return ((n, m) for n, m in self._modules.items() if m is not None)

    def children(self):
        """The direct child modules, in assignment order."""
        return (m for _, m in self.named_children())

    def _named_members(self, registry_name, recurse=True):
        seen = set()
        modules = self.named_modules() if recurse else [("", self)]
        for prefix, module in modules:
            for name, value in getattr(module, registry_name).items():
                if value is None or id(value) in seen:
                    continue
                seen.add(id(value))
                yield (f"{prefix}.{name}" if prefix else name), value

    def named_parameters(self, recurse: bool = True):
        """(dotted name, Parameter) pairs in a deterministic order; shared weights appear once."""
        return self._named_members("_parameters", recurse)

    def parameters(self, recurse: bool = True):
        """The trainable parameters (what you pass to an optimiser)."""
        return (p for _, p in self.named_parameters(recurse))

    def named_buffers(self, recurse: bool = True):
        """(dotted name, Tensor) pairs of the buffers."""
        return self._named_members("_buffers", recurse)

    def buffers(self, recurse: bool = True):
        """The buffers: saved, not trained."""
        return (b for _, b in self.named_buffers(recurse))

    def num_parameters(self) -> int:
        """The number of trainable scalars."""
        return int(sum(p.data.size for p in self.parameters()))

    # ------------------------------------------------------------ modes and grads
    def train(self, mode: bool = True):
        """Switch this module and its descendants to training mode (dropout on, batch stats)."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self):
        """Switch to evaluation mode (dropout off, running statistics)."""
        return self.train(False)

    def zero_grad(self):
        """Set every parameter's `.grad` to None before the next backward."""
        for p in self.parameters():
            p.grad = None

    def requires_grad_(self, requires_grad: bool = True):
        """Turn gradients of every parameter on or off (e.g. freeze a pretrained encoder).

        Example:
            >>> from tinygrad_edu import nn
            >>> [p.requires_grad for p in nn.Linear(2, 1).requires_grad_(False).parameters()]
            [False, False]
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def apply(self, fn):
        """Call `fn(module)` on every descendant, children first, then on this module.

        Why: the usual way to run a custom initialisation over a whole model, as in PyTorch.

        Example:
            >>> from tinygrad_edu import nn
            >>> seen = []
            >>> _ = nn.Sequential(nn.Linear(2, 2), nn.ReLU()).apply(lambda m: seen.append(type(m).__name__))
            >>> seen
            ['Linear', 'ReLU', 'Sequential']
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    def to(self, *args, **kwargs):
        """Cast floating parameters and buffers to a dtype, in place; 'cpu' is the only device.

        Accepts PyTorch's spellings: `to('cpu')`, `to(np.float64)`, `to('cpu', np.float64)`,
        `to(device=..., dtype=...)`, `to(tensor)` (its dtype). Integer buffers (BatchNorm's
        `num_batches_tracked`) keep their dtype; the Parameter objects stay the same, so an
        optimiser built earlier still holds them. Everything is checked before anything changes.

        Example:
            >>> from tinygrad_edu import nn
            >>> nn.Linear(2, 1).to(np.float64).weight.dtype
            dtype('float64')
        """
        from .module_to import parse_to_args
        dtype = parse_to_args(f"{type(self).__name__}.to", args, kwargs)
        if dtype is None:
            return self
        tensors = list(self.parameters()) + list(self.buffers())
        for t in tensors:
            if t.data.dtype.kind == "f" and t.data.dtype != dtype:
                t.data = t.data.astype(dtype)
                if t.grad is not None:
                    t.grad = Tensor(t.grad.data.astype(dtype))
        return self

    def cpu(self):
        """The module itself: everything already lives on the CPU."""
        return self

    def double(self):
        """Cast floating parameters and buffers to float64 (what gradcheck wants)."""
        return self.to(np.float64)

    def float(self):
        """Cast floating parameters and buffers to float32."""
        return self.to(np.float32)

    # ------------------------------------------------------------ calling
    def forward(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args, **kwargs):
        if args and type(args[0]) is np.ndarray:      # numpy input is accepted: as a Tensor
            args = (as_tensor(args[0]),) + args[1:]
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                result = hook(self, args)
                if result is not None:
                    args = result if isinstance(result, tuple) else (result,)
        try:
            output = self.forward(*args, **kwargs)
        except AttributeError as error:     # e.g. a string as input: say so, not "no attribute"
            explain_bad_input(self, args, error)
            raise
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                result = hook(self, args, output)
                if result is not None:
                    output = result
        return output

    def _add_hook(self, registry, hook):
        Module._hook_counter += 1
        registry[Module._hook_counter] = hook
        return _RemovableHandle(registry, Module._hook_counter)

    def register_forward_pre_hook(self, hook):
        """Call `hook(module, inputs)` before forward; a non-None return replaces the inputs."""
        return self._add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """Call `hook(module, inputs, output)` after forward; a non-None return replaces the output.

        Optimisers such as RNGD use this to see each layer's input and pre-activation.
        """
        return self._add_hook(self._forward_hooks, hook)

    # ------------------------------------------------------------ state
    def state_dict(self, prefix: str = "") -> OrderedDict:
        """An ordered dict of dotted name -> Tensor, parameters and buffers of every module.

        A module used twice appears under both names, as in PyTorch, so checkpoints of
        models with shared submodules load in either library.
        """
        state = OrderedDict()
        for registry in (self._parameters, self._buffers):
            for name, value in registry.items():
                if value is not None:
                    state[prefix + name] = value
        for name, child in self.named_children():
            state.update(child.state_dict(prefix=f"{prefix}{name}."))
        return state

    def load_state_dict(self, state, strict: bool = True):
        """Copy values (Tensors or numpy arrays) into the parameters and buffers.

        Everything is checked before anything is written: with strict=True any missing or
        unexpected key, and always any shape mismatch, raises an error that lists them all
        and leaves the module unchanged.
        """
        own = self.state_dict()
        values, missing, unexpected = checked_values(type(self).__name__, own, state, strict)
        for key, value in values.items():
            own[key].data[...] = value.astype(own[key].dtype, copy=False)
        return IncompatibleKeys(missing, unexpected)

    # ------------------------------------------------------------ printing
    def extra_repr(self) -> str:
        """The text inside the parentheses of this module's repr (its settings)."""
        return ""

    def _repr_body(self):
        lines = [f"({name}): " + child._repr_body().replace("\n", "\n  ")
                 for name, child in self.named_children()]
        extra = self.extra_repr()
        if not lines:
            return f"{type(self).__name__}({extra})"
        head = f"{type(self).__name__}({extra}" if extra else f"{type(self).__name__}("
        return head + "\n  " + "\n  ".join(lines) + "\n)"

    def __repr__(self):
        return f"{self._repr_body()}  # {self.num_parameters():,} parameters"
