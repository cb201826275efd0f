"""The Optimizer base class: parameter groups, per-parameter state, saving and loading.

Every optimiser in this package is a subclass that only writes `_update(p, grad, group, state)`,
the one-parameter update rule. Everything else (validating the parameters, parameter groups with
their own hyperparameters, skipping parameters without a gradient, `zero_grad`, `state_dict`) lives
here once, with the same names and meanings as `torch.optim.Optimizer`.

Optimisers read `p.data` and `p.grad.data` and write `p.data` in place with numpy. They never
write into a gradient array: gradient arrays may be shared between tensors.
"""
from __future__ import annotations

import numbers
from collections.abc import Iterable, MutableMapping
from typing import Any, Callable

import numpy as np

from .state_checks import checked_param_state, parts_of_state_dict


class ParamState(MutableMapping):
    """A dict keyed by parameter *identity*, so `opt.state[p]` works like PyTorch's.

    Why not a plain dict: a Tensor compares elementwise (`p == q` is a Tensor), so it cannot be a
    dict key by equality. We key by `id(p)` and keep the parameter alive next to its state.
    """

    def __init__(self):
        self._items: dict[int, tuple[Any, dict]] = {}

    def __getitem__(self, param) -> dict:
        return self._items[id(param)][1]

    def __setitem__(self, param, value: dict) -> None:
        self._items[id(param)] = (param, value)

    def __delitem__(self, param) -> None:
        del self._items[id(param)]

    def __contains__(self, param) -> bool:
        return id(param) in self._items

    def __iter__(self):
        return (param for param, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def setdefault(self, param, default=None):
        """Return the state of `param`, creating it as `default` (a new dict) when missing."""
        if param not in self:
            self[param] = {} if default is None else default
        return self[param]


def check_nonnegative(owner: str, name: str, value, example: str) -> None:
    """Raise a ValueError naming the optimiser, the value and the fix for a negative setting.

    Example:
        >>> check_nonnegative("SGD", "lr", 0.1, "lr=0.01")
    """
    if not isinstance(value, numbers.Real) or isinstance(value, bool):
        raise TypeError(f"{owner}: {name} must be a real number, got {value!r} "
                        f"({type(value).__name__}); pass e.g. {example}")
    if not value >= 0.0:  # also catches NaN
        raise ValueError(f"{owner}: invalid {name}={value!r}; {name} must be >= 0 "
                         f"(pass e.g. {example})")


def check_in_unit_interval(owner: str, name: str, value, example: str) -> None:
    """Raise a ValueError unless 0 <= value < 1 (decay rates, momentum coefficients)."""
    check_nonnegative(owner, name, value, example)
    if not value < 1.0:
        raise ValueError(f"{owner}: invalid {name}={value!r}; {name} must be in [0, 1) "
                         f"(pass e.g. {example})")


class Optimizer:
    """Base class of all optimisers: holds `param_groups` and per-parameter `state`.

    Args:
        params: an iterable of Tensors, or of dicts `{"params": [...], "lr": ..., ...}` to give
            groups of parameters their own hyperparameters (missing keys take `defaults`).
        defaults: the default hyperparameters of this optimiser.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> from tinygrad_edu.optim import SGD
        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> opt = SGD([w], lr=0.1)
        >>> (w * w).sum().backward(); opt.step(); [round(v, 6) for v in w.data.tolist()]
        [0.8, 1.6]
    """

    def __init__(self, params, defaults: dict):
        self.defaults = dict(defaults)
        self.state = ParamState()
        self.param_groups: list[dict] = []
        name = type(self).__name__
        if hasattr(params, "data") and hasattr(params, "requires_grad"):
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, got a "
                            f"single Tensor; wrap it in a list: {name}([p], ...)")
        if isinstance(params, dict):
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, got a "
                            f"dict; wrap it in a list: {name}([{{'params': ...}}], ...)")
        if not isinstance(params, Iterable):
            raise TypeError(f"{name}: params must be an iterable of Tensors or of dicts, got "
                            f"{type(params).__name__}; pass e.g. model.parameters()")
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: got an empty parameter list; pass the parameters to "
                             f"train, e.g. {name}(model.parameters(), ...)")
        if not isinstance(groups[0], dict):
            groups = [{"params": groups}]
        for group in groups:
            self.add_param_group(group)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, group: dict) -> None:
        """Add a group of parameters with its own hyperparameters (missing ones take defaults).

        Why: fine-tuning and per-layer learning rates need several groups in one optimiser.
        """
        name = type(self).__name__
        if not isinstance(group, dict):
            raise TypeError(f"{name}: a parameter group must be a dict with a 'params' key, "
                            f"got {type(group).__name__}")
        params = group.get("params")
        if params is None:
            raise ValueError(f"{name}: parameter group {group!r} has no 'params' key")
        if hasattr(params, "data") and hasattr(params, "requires_grad"):
            params = [params]
        params = list(params)
        if not params:
            raise ValueError(f"{name}: parameter group {len(self.param_groups)} is empty; "
                             f"give every group at least one parameter")
        gi = len(self.param_groups)
        for i, p in enumerate(params):
            if not (hasattr(p, "data") and hasattr(p, "requires_grad")):
                raise TypeError(f"{name}: parameter {i} of group {gi} is a "
                                f"{type(p).__name__}, not a Tensor; pass Tensors "
                                f"(e.g. model.parameters())")
            if not p.requires_grad:
                raise ValueError(
                    f"{name}: parameter {i} of group {gi} (shape {tuple(np.shape(p.data))}) "
                    f"does not require grad, so it would never be updated; call "
                    f"p.requires_grad_() or leave it out, e.g. "
                    f"[p for p in model.parameters() if p.requires_grad]")
            if not np.issubdtype(np.asarray(p.data).dtype, np.floating):
                raise TypeError(f"{name}: parameter {i} of group {gi} has dtype "
                                f"{np.asarray(p.data).dtype}; only floating tensors can be trained")
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if len({id(p) for p in params}) != len(params) or seen & {id(p) for p in params}:
            raise ValueError(f"{name}: some parameters appear more than once (in one group or "
                             f"in several); give each parameter to exactly one group")
        full = dict(self.defaults)
        full.update({k: v for k, v in group.items() if k != "params"})
        full["params"] = params
        self._check_group(full)
        self.param_groups.append(full)

    def _check_group(self, group: dict) -> None:
        """Validate a group's hyperparameters; subclasses extend this (lr >= 0 for all)."""
        check_nonnegative(type(self).__name__, "lr", group["lr"], "lr=0.01")

    # ------------------------------------------------------------------ training
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Forget the gradients before the next backward (gradients accumulate otherwise).

        Sets `p.grad = None` (the default, as PyTorch). With `set_to_none=False` it assigns a new
        zero Tensor instead of zeroing the old array in place (gradient arrays may be shared).
        """
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad = type(p.grad)(np.zeros_like(p.grad.data), dtype=p.grad.data.dtype)

    def step(self, closure: Callable[[], Any] | None = None):
        """Update every parameter that has a gradient, one group at a time.

        Parameters whose `.grad` is None are skipped (they took no part in the loss), as PyTorch
        does. `closure`, if given, re-evaluates the model and returns the loss; it is called
        first, under grad mode, and its result is returned.
        """
        loss = None
        if closure is not None:
            from tinygrad_edu import enable_grad
            with enable_grad():
                loss = closure()
        # all or nothing: every gradient is checked before any parameter or state changes
        for p, grad, group in self.checked_gradients():
            self._update(p, grad, group, self.state.setdefault(p))
        return loss

    def checked_gradients(self) -> list:
        """(parameter, gradient array, group) for every parameter with a gradient, all checked.

        Why a separate pass: a wrong gradient found halfway through an update would leave
        some parameters and moments updated and others not, a state no checkpoint can
        reproduce. Each problem raises an error naming the parameter, and nothing changes.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> from tinygrad_edu.optim import SGD
            >>> w = Tensor([1.0], requires_grad=True)
            >>> w.grad = Tensor([0.5])
            >>> [g.tolist() for _, g, _ in SGD([w], lr=0.1).checked_gradients()]
            [[0.5]]
        """
        updates = []
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = getattr(p.grad, "data", None)
                data = p.data
                # the common case in one line of cheap tests; the slow path says what is wrong
                if type(grad) is not np.ndarray or grad.shape != data.shape or \
                        (grad.dtype != data.dtype and not np.can_cast(grad.dtype, data.dtype,
                                                                      "same_kind")) or \
                        not data.flags.writeable:
                    self._explain_bad_gradient(p, grad)
                updates.append((p, grad, group))
        return updates

    def _explain_bad_gradient(self, p, grad) -> None:
        """Raise the error that says which parameter's gradient cannot be used, and why."""
        gi, i = next((gi, i) for gi, g in enumerate(self.param_groups)
                     for i, q in enumerate(g["params"]) if q is p)
        where = f"{type(self).__name__}.step: parameter {i} of group {gi} (shape {p.data.shape})"
        if not isinstance(grad, np.ndarray):
            raise TypeError(f"{where} has a .grad of type {type(p.grad).__name__}, not a "
                            f"Tensor; nothing was updated (set p.grad = Tensor(...))")
        if grad.shape != p.data.shape:
            raise ValueError(f"{where} has a gradient of shape {grad.shape}; they must "
                             f"match. Nothing was updated")
        if not np.can_cast(grad.dtype, p.data.dtype, "same_kind"):
            raise TypeError(f"{where} and dtype {p.data.dtype} has a gradient of dtype "
                            f"{grad.dtype}, which cannot update it; nothing was updated")
        raise ValueError(f"{where} holds a read-only array (e.g. from_numpy of a "
                         f"read-only array), so it cannot be updated in place; nothing "
                         f"was updated. Copy it first: Tensor(array)")

    def _update(self, p, grad: np.ndarray, group: dict, state: dict) -> None:
        """Apply this optimiser's rule to one parameter (subclasses implement it)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ saving
    def state_dict(self) -> dict:
        """A plain dict (numbers, tuples, numpy arrays) that restores this optimiser exactly.

        Why plain: it can be saved with `np.savez(allow_pickle=False)`-friendly tools and read
        without trusting pickled code. Parameters are referred to by their position, as PyTorch.
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            ids = []
            for p in group["params"]:
                index.setdefault(id(p), len(index))
                ids.append(index[id(p)])
            groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": ids})
        state = {}
        for p in self.state:
            if id(p) in index:
                state[index[id(p)]] = {k: (np.array(v, copy=True) if isinstance(v, np.ndarray)
                                           else v) for k, v in self.state[p].items()}
        return {"state": state, "param_groups": groups}

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyperparameters and state saved by `state_dict()` (arrays are copied).

        Everything is checked before anything changes: the two keys, the groups and their
        sizes, the parameter indices, the hyperparameters, and the shape of every per-parameter
        buffer (a momentum or moment estimate must have its parameter's shape). A bad state
        dict raises an error naming the problem and leaves the optimiser as it was.
        """
        name = f"{type(self).__name__}.load_state_dict"
        groups, saved_state = parts_of_state_dict(name, state_dict)
        if len(groups) != len(self.param_groups):
            raise ValueError(f"{name}: the saved state has {len(groups)} "
                             f"parameter groups, this optimiser has {len(self.param_groups)}")
        by_index = {}
        for gi, (saved, group) in enumerate(zip(groups, self.param_groups)):
            if len(saved["params"]) != len(group["params"]):
                raise ValueError(f"{name}: group {gi} has "
                                 f"{len(saved['params'])} saved parameters but "
                                 f"{len(group['params'])} here")
            for index, p in zip(saved["params"], group["params"]):
                if not isinstance(index, (int, np.integer)) or index in by_index:
                    raise ValueError(f"{name}: group {gi} lists the parameter index {index!r}, "
                                     f"which is not a new int; save with optimizer.state_dict()")
                by_index[int(index)] = p
        new_state = ParamState()
        for key, st in saved_state.items():
            try:
                p = by_index[int(key)]
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"{name}: there is state for parameter {key!r}, but the saved "
                                 f"groups list only the indices {sorted(by_index)}") from None
            new_state[p] = self._loaded_param_state(name, int(key), p, st)
        new_groups = []
        for gi, (saved, group) in enumerate(zip(groups, self.param_groups)):
            known = set(self.defaults) | set(group) | {"initial_lr"}
            unknown = sorted(str(k) for k in saved if k not in known)
            if unknown:
                raise ValueError(f"{name}: group {gi} of the saved state has the settings {unknown}, "
                                 f"which {type(self).__name__} does not have (it has "
                                 f"{sorted(k for k in known if k != 'params')}); was it saved from "
                                 f"another optimiser? Nothing was changed")
            merged = dict(group)
            merged.update({k: (tuple(v) if isinstance(v, list) else v)
                           for k, v in saved.items() if k != "params"})
            self._check_group(merged)
            new_groups.append(merged)
        self.state = new_state          # nothing above changed the optimiser: now apply
        for group, merged in zip(self.param_groups, new_groups):
            group.update(merged)

    # per-parameter buffers that must have their parameter's shape (subclasses list theirs)
    param_shaped_state: tuple = ()
    # other per-parameter state a subclass keeps (e.g. RNGD's metric blocks)
    other_state: tuple = ()
    # buffers that are sums or averages of squares: never negative
    nonnegative_state: tuple = ()
    # per-parameter counters: whole numbers >= 0
    count_state: tuple = ("step",)

    def _loaded_param_state(self, name: str, index: int, p, st) -> dict:
        """One parameter's saved state, checked and copied (elementwise buffers take p's dtype)."""
        return checked_param_state(self, name, index, p, st)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            lines += [f"    {k}: {v}" for k, v in sorted(group.items()) if k != "params"]
        return "\n".join(lines) + "\n)"
