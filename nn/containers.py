"""ModuleList and ModuleDict: hold submodules in a list or a dict so that they are registered.

Why: a plain Python list of layers is invisible to `parameters()`, `state_dict()` and `to()`; the
optimiser would silently skip them. These containers register every entry as a child, named
'0', '1', ... (list) or by key (dict), exactly as PyTorch names them in a state dict.
"""
from collections import OrderedDict

from .module import Module


def _check_module(op, value):
    if not isinstance(value, Module):
        raise TypeError(f"{op}: entries must be nn.Module instances, got {type(value).__name__}; "
                        f"wrap functions in a Module or keep them outside the container")
    return value


class ModuleList(Module):
    """A list of modules; index, iterate, append, extend, insert, delete as with a list.

    It has no `forward`: you decide in your own forward how the entries are called.

    Example:
        >>> from tinygrad_edu import nn
        >>> layers = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])
        >>> len(layers), [name for name, _ in layers.named_parameters()][:2]
        (3, ['0.weight', '0.bias'])
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.extend(modules)

    def _index(self, index):
        n = len(self)
        if not -n <= index < n:
            raise IndexError(f"ModuleList: index {index} is out of range for {n} modules")
        return index % n

    def __getitem__(self, index):
        values = list(self._modules.values())
        if isinstance(index, slice):
            return ModuleList(values[index])
        return values[self._index(index)]

    def __setitem__(self, index, module):
        self.add_module(str(self._index(index)), _check_module("ModuleList[...] =", module))

    def __delitem__(self, index):
        values = list(self._modules.values())
        if isinstance(index, slice):
            del values[index]
        else:
            del values[self._index(index)]
        self._renumber(values)

    def _renumber(self, values):
        self._modules.clear()
        for i, module in enumerate(values):
            self.add_module(str(i), module)

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules.values()))

    def __iadd__(self, modules):
        return self.extend(modules)

    def __add__(self, other):
        return ModuleList(list(self) + list(other))

    def append(self, module):
        """Add a module at the end; returns the list."""
        self.add_module(str(len(self)), _check_module("ModuleList.append", module))
        return self

    def extend(self, modules):
        """Append every module of an iterable; returns the list."""
        modules = list(modules)
        for module in modules:                # all checked before any is added
            _check_module("ModuleList.extend", module)
        for module in modules:
            self.append(module)
        return self

    def insert(self, index: int, module):
        """Insert a module before `index` (later entries are renumbered)."""
        values = list(self._modules.values())
        values.insert(index, _check_module("ModuleList.insert", module))
        self._renumber(values)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleList has no forward(): loop over it in your module's "
                                  "forward, e.g. `for layer in self.layers: x = layer(x)`")


class ModuleDict(Module):
    """An ordered dict of modules with string keys; the keys become the state-dict names.

    Example:
        >>> from tinygrad_edu import nn
        >>> heads = nn.ModuleDict({"cls": nn.Linear(4, 3), "box": nn.Linear(4, 2)})
        >>> list(heads.keys()), heads["box"].out_features
        (['cls', 'box'], 2)
    """

    def __init__(self, modules=None):
        super().__init__()
        if modules is not None:
            self.update(modules)

    @staticmethod
    def _check_key(key):
        if not isinstance(key, str) or not key or "." in key:
            raise KeyError(f"ModuleDict: keys must be non-empty strings without '.', got {key!r}"
                           f" (a '.' would break the dotted state-dict names)")
        return key

    def __getitem__(self, key):
        if key not in self._modules:
            raise KeyError(f"ModuleDict: no module under {key!r}; keys are {list(self._modules)}")
        return self._modules[key]

    def __setitem__(self, key, module):
        self.add_module(self._check_key(key), _check_module("ModuleDict[...] =", module))

    def __delitem__(self, key):
        self[key]                             # the clear KeyError for a missing key
        del self._modules[key]

    def __len__(self):
        return len(self._modules)

    def __iter__(self):
        return iter(list(self._modules))

    def __contains__(self, key):
        return key in self._modules

    def keys(self):
        """The keys, in insertion order."""
        return list(self._modules.keys())

    def values(self):
        """The modules, in insertion order."""
        return list(self._modules.values())

    def items(self):
        """(key, module) pairs, in insertion order."""
        return list(self._modules.items())

    def pop(self, key):
        """Remove the module under `key` and return it."""
        module = self[key]
        del self[key]
        return module

    def clear(self):
        """Remove every module."""
        self._modules.clear()

    def update(self, modules):
        """Add (key, module) pairs from a mapping or an iterable of pairs."""
        pairs = list(modules.items()) if hasattr(modules, "items") else list(modules)
        checked = OrderedDict()
        for pair in pairs:                    # all checked before any is added
            if len(pair) != 2:
                raise ValueError(f"ModuleDict.update: expected (key, module) pairs, got {pair!r}")
            checked[self._check_key(pair[0])] = _check_module("ModuleDict.update", pair[1])
        for key, module in checked.items():
            self.add_module(key, module)

    def forward(self, *args, **kwargs):
        raise NotImplementedError("ModuleDict has no forward(): pick the modules by key in your "
                                  "module's forward")
