"""`save` and `load`: checkpoints as plain numpy `.npz` files, written atomically.

Why this format: an `.npz` file is a zip of `.npy` arrays that any numpy can read, and
with `allow_pickle=False` loading it never runs code (a pickled checkpoint can). Why
atomically: a checkpoint is typically overwritten every epoch; if the program dies in
the middle of writing, the previous checkpoint must survive. So the arrays go to a
temporary file in the same directory, which is flushed to disk and then renamed over
the target with `os.replace` (atomic on POSIX and Windows when both are on one disk).
"""
import os
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu.safe_files import atomic_open
from .module import Module
from . import state_layout
from .npz_reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_RATIO, read_members


def _storable(value, where):
    """A numeric numpy array for one saved value, or a TypeError saying what is wrong."""
    array = np.asarray(value.data if isinstance(value, Tensor) else value)
    if array.dtype.kind not in "biufc":
        raise TypeError(f"nn.save: '{where}' has dtype {array.dtype}, which cannot be stored "
                        f"without pickle; only numeric and boolean arrays are saved")
    return array


def _to_arrays(module_or_state):
    """An ordered dict member name -> numeric numpy array (plus `__layout__` for nested state)."""
    if isinstance(module_or_state, Module):
        module_or_state = module_or_state.state_dict()
    elif not isinstance(module_or_state, Mapping):
        raise TypeError(f"nn.save: expected a Module or a state dict (a dict of name -> Tensor or "
                        f"array, or a nested dict such as optimizer.state_dict()), got "
                        f"{type(module_or_state).__name__}")
    if state_layout.is_flat(module_or_state):
        arrays = OrderedDict()
        for name, value in module_or_state.items():
            if not name or name == state_layout.LAYOUT:
                raise TypeError(f"nn.save: state dict keys must be non-empty strings other than "
                                f"{state_layout.LAYOUT!r}, got {name!r}")
            arrays[name] = _storable(value, name)
        return arrays
    layout, arrays = state_layout.encode(module_or_state, _storable)
    arrays[state_layout.LAYOUT] = layout
    return arrays


def _write_npz(file, arrays):
    """Write the arrays into an open binary file (separate so tests can simulate a crash)."""
    np.savez(file, **arrays)


def save(module_or_state, path) -> None:
    """Save a Module's `state_dict()`, a state dict, or nested state to `path` as `.npz`, atomically.

    A flat state dict (name -> Tensor or array) becomes one array per name, readable by any
    numpy. Nested state (an optimiser's `state_dict()`, a training checkpoint: dicts, lists,
    tuples, numbers, strings, None and arrays) is stored as arrays too, with its structure in
    a JSON member; no pickle either way. The path is used exactly as given (no extension is
    added). The file is written to a temporary file and renamed over `path`: if writing
    fails, the previous file is untouched, and a symlink at `path` is replaced, never followed.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import nn, optim
        >>> model = nn.Linear(2, 1)
        >>> folder = tempfile.mkdtemp()
        >>> nn.save(model, os.path.join(folder, "model.npz"))
        >>> list(nn.load(os.path.join(folder, "model.npz")))
        ['weight', 'bias']
        >>> opt = optim.Adam(model.parameters(), lr=0.01)
        >>> nn.save(opt.state_dict(), os.path.join(folder, "opt.npz"))
        >>> nn.load(os.path.join(folder, "opt.npz"))["param_groups"][0]["betas"]
        (0.9, 0.999)
    """
    arrays = _to_arrays(module_or_state)
    if not arrays:
        raise ValueError("nn.save: there is nothing to save (the module has no parameters or "
                         "buffers, or the state dict is empty)")
    path = _path("nn.save", path)
    with atomic_open(path, owner="nn.save") as file:
        _write_npz(file, arrays)


def load(path, expected=None, max_bytes=DEFAULT_MAX_BYTES, max_ratio=DEFAULT_MAX_RATIO,
         allow_nonfinite: bool = False):
    """Read a file written by `save`: an OrderedDict name -> numpy array, or the nested state.

    Loading a file never runs code and cannot take more memory than the file honestly
    declares: before any array is read, the zip's members and each array's header (dtype
    and shape) are checked; duplicate members, pickled (object) arrays, members that declare
    more data than they hold or expand like a zip bomb, and files whose arrays total more
    than `max_bytes` are refused. Arrays holding NaN or inf are refused too (a model trained
    from them is broken) unless `allow_nonfinite=True`.

    Args:
        path: the file.
        expected: a Module or a state dict to load into: names and shapes are compared with
            the file's headers before reading, and values that would overflow the model's
            dtype (float64 1e300 into float32) are refused.
        max_bytes: the most bytes of arrays accepted (default 4 GiB); None for no limit.
        max_ratio: the most a compressed member above 64 MiB may expand; None for no limit.
        allow_nonfinite: accept NaN and inf values.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import nn
        >>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
        >>> nn.save({"w": np.arange(3.0)}, path)
        >>> nn.load(path)["w"].tolist()
        [0.0, 1.0, 2.0]
    """
    path = _path("nn.load", path)
    targets = _expected_arrays(expected)
    check = None if targets is None else (lambda members: _check_expected(members, targets, path))
    try:
        arrays = read_members(path, "nn.load", max_bytes, max_ratio, check)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise type(error)(f"nn.load: cannot open {path!r}: {error.strerror}; check the path "
                          f"(nn.save writes checkpoints)") from None
    if not arrays:
        raise ValueError(f"nn.load: {path!r} is a zip archive with no arrays in it, not a "
                         f"checkpoint; write checkpoints with nn.save")
    if not allow_nonfinite:
        _refuse_nonfinite(arrays, path)
    if targets is not None:
        _refuse_overflow(arrays, targets, path)
    layout = arrays.pop(state_layout.LAYOUT, None)
    if layout is None:
        return arrays
    return state_layout.decode(layout, arrays, "nn.load", path)


def _expected_arrays(expected):
    if expected is None:
        return None
    if isinstance(expected, Module):
        expected = expected.state_dict()
    if not isinstance(expected, Mapping):
        raise TypeError(f"nn.load: expected= must be a Module or a state dict, got "
                        f"{type(expected).__name__}")
    return {name: np.asarray(getattr(value, "data", value)) for name, value in expected.items()}


def _check_expected(members, targets, path):
    names = {m.name for m in members}
    problems = []
    missing = [n for n in targets if n not in names]
    unexpected = [m.name for m in members if m.name not in targets]
    if missing:
        problems.append("missing: " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected: " + ", ".join(unexpected))
    for m in members:
        if m.name in targets and m.shape != targets[m.name].shape:
            problems.append(f"'{m.name}': file {m.shape} vs expected {targets[m.name].shape}")
        elif m.name in targets and targets[m.name].dtype.kind in "biuf" and m.dtype.kind == "c":
            problems.append(f"'{m.name}': complex {m.dtype} into {targets[m.name].dtype}")
    if problems:
        raise ValueError(f"nn.load: {path!r} does not match what was expected, nothing was read; "
                         + "; ".join(problems))


def _refuse_nonfinite(arrays, path):
    bad = [f"'{name}' ({int(np.size(a) - np.isfinite(a).sum())} of {np.size(a)} values)"
           for name, a in arrays.items() if a.dtype.kind in "fc" and not np.isfinite(a).all()]
    if bad:
        raise ValueError(f"nn.load: {path!r} holds NaN or inf in {', '.join(bad)}; a model or "
                         f"optimiser loaded from it would be broken. If that is what you want "
                         f"(e.g. to inspect a diverged run), pass allow_nonfinite=True")


def _refuse_overflow(arrays, targets, path):
    from .state_loading import overflow_problem
    bad = [problem for name, a in arrays.items() if name in targets
           for problem in [overflow_problem(name, a, targets[name].dtype)] if problem]
    if bad:
        raise ValueError(f"nn.load: {path!r}: " + "; ".join(bad))


def _path(op_name, path):
    """`path` as a string path, or a TypeError naming the call."""
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"{op_name}: path must be a string or a pathlib.Path, got "
                        f"{type(path).__name__} {path!r}") from None
