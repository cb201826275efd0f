"""Checking a saved optimiser state before it is loaded: every entry, shape and value.

Why a module of its own: `load_state_dict` is all or nothing, and the state may come from a
file written by someone else. A state of another optimiser (Adam's moments offered to SGD),
buffers of the wrong shape, NaN or negative second moments (the weights would be NaN after one
step) and counters that are not counts (`step` 0.5, inf or True) are refused before anything
changes, each with a message that names the parameter, the entry and the fix.
"""
from __future__ import annotations

import numbers
from collections.abc import Mapping

import numpy as np


def parts_of_state_dict(name: str, state_dict):
    """The `param_groups` and `state` of a saved optimiser state, or an error saying what is wrong."""
    if not isinstance(state_dict, Mapping):
        raise TypeError(f"{name}: expected the dict made by optimizer.state_dict(), got "
                        f"{type(state_dict).__name__}")
    missing = [k for k in ("state", "param_groups") if k not in state_dict]
    if missing:
        raise ValueError(f"{name}: the state dict has no {' and no '.join(repr(k) for k in missing)}"
                         f" (it has {sorted(map(str, state_dict))}); pass what "
                         f"optimizer.state_dict() returned")
    groups, state = state_dict["param_groups"], state_dict["state"]
    if not isinstance(groups, (list, tuple)) or not all(
            isinstance(g, Mapping) and isinstance(g.get("params"), (list, tuple)) for g in groups):
        raise TypeError(f"{name}: 'param_groups' must be a list of dicts, each with a 'params' "
                        f"list of indices")
    if not isinstance(state, Mapping):
        raise TypeError(f"{name}: 'state' must be a dict (parameter index -> dict of buffers), "
                        f"got {type(state).__name__}")
    return groups, state


def _count(where: str, key: str, value) -> int:
    """A saved counter (`step`) as an int, or a ValueError: 0.5, inf, True and -1 are refused."""
    if isinstance(value, np.ndarray) and value.shape == () and value.dtype.kind in "iu":
        value = value.item()
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{where}: '{key}' must be a whole count >= 0, got {value!r}; nothing "
                         f"was changed")
    return int(value)


def checked_param_state(opt, name: str, index: int, p, st) -> dict:
    """One parameter's saved state for `opt`, checked and copied (elementwise buffers take p's
    dtype); the entries allowed are the optimiser's `param_shaped_state`, `other_state` and
    `count_state`.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> from tinygrad_edu.optim import SGD
        >>> w = Tensor([1.0, 2.0], requires_grad=True)
        >>> checked_param_state(SGD([w], lr=0.1), "load", 0, w, {"momentum_buffer": np.ones(2)})
        {'momentum_buffer': array([1., 1.], dtype=float32)}
    """
    if not isinstance(st, Mapping):
        raise TypeError(f"{name}: the state of parameter {index} must be a dict, got "
                        f"{type(st).__name__}")
    where = f"{name}: the saved state of parameter {index}"
    known = (*opt.param_shaped_state, *opt.other_state, *opt.count_state)
    unknown = sorted(str(k) for k in st if k not in known)
    if unknown:
        raise ValueError(f"{where} has the entries {unknown}, which {type(opt).__name__} does "
                         f"not keep (it keeps {sorted(known)}); was it saved from another "
                         f"optimiser? Nothing was changed")
    shape, dtype = np.shape(p.data), np.asarray(p.data).dtype
    loaded = {}
    for key, value in st.items():
        if key in opt.count_state:
            loaded[key] = _count(where, key, value)
            continue
        if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.ndarray)):
            raise TypeError(f"{where}: '{key}' must be an array or a number, got "
                            f"{type(value).__name__}; nothing was changed")
        array = np.asarray(value)
        if array.dtype.kind not in "iuf":
            raise TypeError(f"{where}: '{key}' has dtype {array.dtype}, not a real number "
                            f"type; nothing was changed")
        if key in opt.param_shaped_state and array.shape != shape:
            raise ValueError(f"{name}: the saved '{key}' of parameter {index} has shape "
                             f"{array.shape}, but the parameter has "
                             f"shape {shape}; was the state saved from another model?")
        if not np.isfinite(array).all():
            raise ValueError(f"{where}: '{key}' holds NaN or inf; the weights would become "
                             f"NaN after one step. Nothing was changed")
        if key in opt.nonnegative_state and (array < 0).any():
            raise ValueError(f"{where}: '{key}' holds negative values (min {array.min():.4g}), "
                             f"impossible for a running sum or average of squares; nothing "
                             f"was changed")
        # elementwise state (same shape as p) takes p's dtype, as PyTorch; other arrays
        # (e.g. RNGD's float64 metric blocks) keep theirs
        loaded[key] = (np.array(value, copy=True, dtype=dtype if array.shape == shape else None)
                       if isinstance(value, np.ndarray) else value)
    return loaded
