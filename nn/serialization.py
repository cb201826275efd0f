"""`save` and `load`: checkpoints as plain numpy `.npz` files, written atomically.

Why this format: an `.npz` file is a zip of `.npy` arrays that any numpy can read, and
with `allow_pickle=False` loading it never runs code (a pickled checkpoint can). Why
atomically: a checkpoint is typically overwritten every epoch; if the program dies in
the middle of writing, the previous checkpoint must survive. So the arrays go to a
temporary file in the same directory, which is flushed to disk and then renamed over
the target with `os.replace` (atomic on POSIX and Windows when both are on one disk).
"""
import os
import tempfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping

import numpy as np

from tinygrad_edu import Tensor
from .module import Module


def _to_arrays(module_or_state):
    """An ordered dict name -> numeric numpy array, or a TypeError saying what is wrong."""
    if isinstance(module_or_state, Module):
        state = module_or_state.state_dict()
    elif isinstance(module_or_state, Mapping):
        state = module_or_state
    else:
        raise TypeError(f"nn.save: expected a Module or a state dict (name -> Tensor or array), "
                        f"got {type(module_or_state).__name__}")
    arrays = OrderedDict()
    for name, value in state.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"nn.save: state dict keys must be non-empty strings, got {name!r}")
        if isinstance(value, Mapping):
            raise TypeError(f"nn.save: '{name}' holds a nested dict; only flat name -> array "
                            f"state dicts can be saved (flatten it with dotted names first)")
        array = np.asarray(value.data if isinstance(value, Tensor) else value)
        if array.dtype.kind not in "biufc":
            raise TypeError(f"nn.save: '{name}' has dtype {array.dtype}, which cannot be stored "
                            f"without pickle; only numeric and boolean arrays are saved")
        arrays[name] = array
    return arrays


def _write_npz(file, arrays):
    """Write the arrays into an open binary file (separate so tests can simulate a crash)."""
    np.savez(file, **arrays)


def _default_mode():
    # the permissions a plain open() would give a new file: 0o666 minus the umask
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def save(module_or_state, path) -> None:
    """Save a Module's `state_dict()` (or a state dict) to `path` as an `.npz` file, atomically.

    The path is used exactly as given (no extension is added). If writing fails, the
    temporary file is removed and any previous file at `path` is left untouched.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import nn
        >>> model = nn.Linear(2, 1)
        >>> path = os.path.join(tempfile.mkdtemp(), "model.npz")
        >>> nn.save(model, path)
        >>> list(nn.load(path))
        ['weight', 'bias']
    """
    arrays = _to_arrays(module_or_state)
    if not arrays:
        raise ValueError("nn.save: there is nothing to save (the module has no parameters or "
                         "buffers, or the state dict is empty)")
    path = _path("nn.save", path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"nn.save: directory {directory!r} does not exist; create it first "
                                f"(os.makedirs(..., exist_ok=True))")
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else _default_mode()
    fd, tmp_path = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp",
                                    dir=directory)
    try:
        with os.fdopen(fd, "wb") as file:
            _write_npz(file, arrays)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.remove(tmp_path)
        raise
    _fsync_directory(directory)


def _fsync_directory(directory):
    """Make the rename itself durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def load(path) -> OrderedDict:
    """Read a checkpoint written by `save`: an OrderedDict name -> numpy array, in saved order.

    Pass the result to `module.load_state_dict(...)`. Files holding pickled (object)
    arrays are refused, since unpickling can run arbitrary code.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import nn
        >>> path = os.path.join(tempfile.mkdtemp(), "w.npz")
        >>> nn.save({"w": np.arange(3.0)}, path)
        >>> nn.load(path)["w"].tolist()
        [0.0, 1.0, 2.0]
    """
    path = _path("nn.load", path)
    try:
        archive = np.load(path, allow_pickle=False)
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise type(error)(f"nn.load: cannot open {path!r}: {error.strerror}; check the path "
                          f"(nn.save writes checkpoints)") from None
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as error:
        raise ValueError(f"nn.load: {path!r} is not a numpy checkpoint that can be read without "
                         f"pickle; it may be truncated, or not written by nn.save ({error})") from None
    if not isinstance(archive, np.lib.npyio.NpzFile):
        raise ValueError(f"nn.load: {path!r} holds a single array, not an .npz checkpoint of named "
                         f"arrays; write checkpoints with nn.save")
    state = OrderedDict()
    with archive:
        for name in archive.files:
            state[name] = _read_entry(archive, name, path)
    if not state:
        raise ValueError(f"nn.load: {path!r} is a zip archive with no arrays in it, not a "
                         f"checkpoint; write checkpoints with nn.save")
    return state


def _read_entry(archive, name, path):
    """One array of an open .npz archive, or a ValueError that says why it cannot be used."""
    try:
        value = archive[name]
    except ValueError as error:
        if "pickle" in str(error):
            raise ValueError(f"nn.load: entry '{name}' of {path!r} is an object (pickled) "
                             f"array; it is refused because unpickling can run arbitrary "
                             f"code. Save only numeric arrays (nn.save does)") from None
        raise ValueError(f"nn.load: entry '{name}' of {path!r} cannot be read ({error}); the file "
                         f"may be damaged") from None
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"nn.load: entry '{name}' of {path!r} cannot be read ({error}); the file "
                         f"is truncated or damaged") from None
    if not isinstance(value, np.ndarray):
        raise ValueError(f"nn.load: entry '{name}' of {path!r} is not a numpy array (the zip holds "
                         f"other files); write checkpoints with nn.save")
    return value


def _path(op_name, path):
    """`path` as a string path, or a TypeError naming the call."""
    try:
        return os.fspath(path)
    except TypeError:
        raise TypeError(f"{op_name}: path must be a string or a pathlib.Path, got "
                        f"{type(path).__name__} {path!r}") from None
