"""The checks of `Module.load_state_dict` and of a Module's input, kept out of `module.py`.

Loading is all or nothing: every key, dtype and shape is checked before the first value
is written, so a checkpoint of another model (or a file that is not a state dict) raises
one error listing every problem and leaves the module exactly as it was.
"""
import warnings
from collections.abc import Mapping

import numpy as np

from tinygrad_edu.argcheck import describe


def checked_values(module_name: str, own: dict, state, strict: bool):
    """The arrays to load, by key, with (missing, unexpected) keys; raises listing every problem.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> own = {"w": Tensor(np.zeros(2))}
        >>> checked_values("M", own, {"w": np.ones(2)}, True)[0]["w"].tolist()
        [1.0, 1.0]
    """
    if not isinstance(state, Mapping):
        raise TypeError(f"load_state_dict into {module_name}: expected a dict of name -> Tensor "
                        f"or array (e.g. model.state_dict() or nn.load(path)), got "
                        f"{describe(state)}; nothing was changed")
    if state.get("format") == "tinygrad_edu.train checkpoint" and "model" in state:
        raise TypeError(f"load_state_dict into {module_name}: this is a training checkpoint "
                        f"(last.npz: model, optimiser, history, ...), not a state dict; load its "
                        f"weights with model.load_state_dict(nn.load(path)['model']), or resume "
                        f"training with fit(..., resume_from=folder); nothing was changed")
    bad_keys = [k for k in state if not isinstance(k, str)]
    if bad_keys:
        raise TypeError(f"load_state_dict into {module_name}: keys must be parameter names "
                        f"(strings), got {describe(bad_keys[0])}; nothing was changed")
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    mismatched, values = [], {}
    for key, target in own.items():
        if key not in state:
            continue
        try:
            value = np.asarray(getattr(state[key], "data", state[key]))
        except (ValueError, TypeError):
            mismatched.append(f"'{key}': {describe(state[key])} is not an array")
            continue
        if value.dtype.kind not in "biuf":
            mismatched.append(f"'{key}': dtype {value.dtype} is not numeric")
        elif value.shape != target.shape:
            mismatched.append(f"'{key}': checkpoint {value.shape} vs model {target.shape}")
        elif not target.data.flags.writeable:
            mismatched.append(f"'{key}': the model's array is read-only")
        else:
            problem = overflow_problem(key, value, target.data.dtype)
            if problem:
                mismatched.append(problem)
        values[key] = value
    problems = []
    if strict and missing:
        problems.append("missing keys: " + ", ".join(missing))
    if strict and unexpected:
        problems.append("unexpected keys: " + ", ".join(unexpected))
    if mismatched:
        problems.append("mismatches: " + "; ".join(mismatched))
    if problems:
        raise RuntimeError(f"load_state_dict into {module_name} failed, nothing was "
                           f"changed; " + " | ".join(problems)
                           + ". Use strict=False to load only the matching keys.")
    nonfinite = [k for k, v in values.items() if v.dtype.kind == "f" and not np.isfinite(v).all()]
    if nonfinite:
        warnings.warn(f"load_state_dict into {module_name}: {', '.join(nonfinite)} hold NaN or "
                      f"inf; the model's outputs will be NaN/inf too", RuntimeWarning, stacklevel=3)
    return values, missing, unexpected


def overflow_problem(key, value, dtype):
    """A message when `value` does not fit `dtype` (float64 1e300 would become inf in float32,
    300 would wrap around in int8), else None.

    Example:
        >>> overflow_problem("w", np.array([1e300]), np.dtype(np.float32))
        "'w': 1e+300 overflows float32 (largest 3.403e+38); it would become inf"
        >>> overflow_problem("w", np.array([0.5]), np.dtype(np.float32)) is None
        True
    """
    dtype = np.dtype(dtype)
    if value.size == 0 or value.dtype == dtype:
        return None
    if dtype.kind == "f" and value.dtype.kind in "fiu":
        finite = value[np.isfinite(value)] if value.dtype.kind == "f" else value
        if finite.size == 0:
            return None
        worst = np.abs(finite).max()
        limit = np.finfo(dtype).max
        if worst > limit:
            return (f"'{key}': {float(worst):.4g} overflows {dtype} (largest {float(limit):.4g}); it "
                    f"would become inf")
    elif dtype.kind in "iu" and value.dtype.kind in "iub":
        info = np.iinfo(dtype)
        low, high = value.min(), value.max()
        if low < info.min or high > info.max:
            return f"'{key}': values {low}..{high} do not fit {dtype} ({info.min}..{info.max})"
    elif dtype.kind in "iu" and value.dtype.kind == "f":
        if not np.isfinite(value).all() or np.any(value != np.round(value)):
            return f"'{key}': {value.dtype} values that are not whole numbers go into {dtype}"
    return None


def explain_bad_input(module, args, error: AttributeError) -> None:
    """Turn "'str' object has no attribute 'linear'" from inside forward into a TypeError
    that names the module and says to wrap the data in a Tensor (called on the error path)."""
    if not args or hasattr(args[0], "_operand"):
        return
    if f"'{type(args[0]).__name__}' object has no attribute" in str(error):
        raise TypeError(f"{type(module).__name__}: expected a Tensor as input, got "
                        f"{describe(args[0])}; wrap the data with Tensor(...) first") from None
