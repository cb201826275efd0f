"""Writing a file so that a crash, a kill or a planted symlink can never damage anything.

Why one helper for every file the library writes (checkpoints, `history.json`, pages,
pictures): writing in place has three failure modes, each seen in practice.

- A kill in the middle of the write leaves a half-written file where a good one was.
- A symlink planted in an output folder (`graph.svg -> ~/.bashrc`) makes `open(path, "w")`
  overwrite the file it points to, outside the folder.
- Temporary files of killed writes pile up (a training killed many times left 139 MB).

So every file goes to a fresh temporary file in the same folder (created with `O_EXCL`,
so it cannot be a link), is flushed to disk, and is renamed over the target with
`os.replace`: the rename replaces the directory entry (a symlink itself, never what it
points to) atomically. Temporary names carry a recognisable prefix and the writer's
process id, `.<name>.tinygrad-edu-<pid>-<random>.tmp`; the next write into the same folder
removes those whose process is gone.
"""
import contextlib
import os
import re
import tempfile
import time

TEMP_MARK = "tinygrad-edu"
_TEMP_NAME = re.compile(r"^\..*\." + TEMP_MARK + r"-(\d+)-[A-Za-z0-9_]+\.tmp$")
# what nn.save of earlier versions left when killed: "<name>.npz.<8 random>.tmp"
_LEGACY_NAME = re.compile(r"^[^.].*\.npz\.[a-z0-9_]{8}\.tmp$")
_STARTED = time.time()          # files older than this process cannot be its writes in flight


def _default_mode() -> int:
    # what a plain open() gives a new file: 0o666 minus the umask
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True             # it exists (owned by someone else), or we cannot tell: keep it
    return True


def clean_stale_temps(directory) -> list:
    """Remove temporary files that killed writes left in `directory`; return their paths.

    Only files named by `atomic_write` (`.<name>.tinygrad-edu-<pid>-<random>.tmp`) whose
    process no longer runs are removed, and the `<name>.npz.<random>.tmp` files that `nn.save`
    of earlier versions left, when older than this process; nothing else is touched.

    Example:
        >>> import os, tempfile
        >>> folder = tempfile.mkdtemp()
        >>> stale = os.path.join(folder, ".w.npz.tinygrad-edu-999999999-ab12.tmp")
        >>> open(stale, "w").close()
        >>> [os.path.basename(p) for p in clean_stale_temps(folder)]
        ['.w.npz.tinygrad-edu-999999999-ab12.tmp']
    """
    removed = []
    try:
        names = os.listdir(directory)
    except OSError:
        return removed
    for name in names:
        path = os.path.join(directory, name)
        match = _TEMP_NAME.match(name)
        if match is None:
            if not _LEGACY_NAME.match(name) or not _older_than_this_process(path):
                continue
        elif _process_alive(int(match.group(1))):
            continue
        try:
            if os.path.isfile(path) and not os.path.islink(path):
                os.remove(path)
                removed.append(path)
        except OSError:
            pass                # another process cleaned it first, or it is not ours to remove
    return removed


def _older_than_this_process(path) -> bool:
    try:
        return os.lstat(path).st_mtime < _STARTED - 1.0
    except OSError:
        return False


@contextlib.contextmanager
def atomic_open(path, binary: bool = True, owner: str = "write"):
    """Open a temporary file next to `path`; on success it replaces `path` atomically.

    If the block raises (or the process dies), `path` keeps its previous content, and the
    temporary file is removed (or cleaned by a later write into the folder). A symlink at
    `path` is replaced by the new file; the file it pointed to is never opened.

    Example:
        >>> import os, tempfile
        >>> path = os.path.join(tempfile.mkdtemp(), "notes.txt")
        >>> with atomic_open(path, binary=False) as file:
        ...     _ = file.write("hello")
        >>> open(path).read()
        'hello'
    """
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(directory):
        raise FileNotFoundError(f"{owner}: the folder {directory!r} does not exist; create it first "
                                f"(os.makedirs(folder, exist_ok=True))")
    clean_stale_temps(directory)
    # keep the permissions of a regular file being replaced; a link's target is not ours
    mode = os.lstat(path).st_mode & 0o777 if os.path.isfile(path) and not os.path.islink(path) \
        else _default_mode()
    fd, tmp_path = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.{TEMP_MARK}-{os.getpid()}-",
                                    suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb" if binary else "w", **({} if binary else {"encoding": "utf-8"})) \
                as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        os.chmod(tmp_path, mode)
        os.replace(tmp_path, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp_path)
        raise
    _fsync_directory(directory)


def atomic_write(path, data, owner: str = "write") -> str:
    """Write `data` (str as UTF-8, or bytes) to `path` with `atomic_open`; return the path.

    Example:
        >>> import os, tempfile
        >>> path = atomic_write(os.path.join(tempfile.mkdtemp(), "a.json"), "{}")
        >>> open(path).read()
        '{}'
    """
    with atomic_open(path, binary=isinstance(data, (bytes, bytearray)), owner=owner) as file:
        file.write(data)
    return os.fspath(path)


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
