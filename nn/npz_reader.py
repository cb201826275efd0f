"""Reading an `.npz` checkpoint without trusting it: every size is checked before any data.

Why not `np.load`: it decompresses a member as soon as it is asked for, so a 3 MB file
whose member declares 400 million float64 (deflated zeros) costs 3 GB of memory before
any check can run, and a header declaring 10^12 elements ends in a bare `MemoryError`.
Here the zip's directory and each member's `.npy` header (a few hundred bytes at the
start of the member: dtype and shape) are read first, and the file is refused when a
member is duplicated, is not a plain numeric array, declares more (or less) data than it
holds, expands far more than real weights do, or when all members together exceed a cap.
Only then is any array read.
"""
import math
import zipfile
import zlib
from collections import OrderedDict

import numpy as np

DEFAULT_MAX_BYTES = 4 * 1024 ** 3       # 4 GiB: far above this course's models
DEFAULT_MAX_RATIO = 200                 # deflated weights shrink ~1.1x; zeros shrink ~1000x
_RATIO_FLOOR = 64 * 1024 ** 2           # the ratio is checked only above 64 MiB


class Member:
    """What the header of one `.npy` member declares: name, dtype, shape and byte count."""

    def __init__(self, info, dtype, shape, fortran, offset):
        self.info, self.dtype, self.shape, self.fortran = info, dtype, shape, fortran
        self.name = info.filename[:-4]
        self.nbytes = math.prod(shape) * dtype.itemsize
        self.offset = offset


def _header(archive, info, owner, path):
    """Read just the `.npy` header of one member (the data stays compressed)."""
    name = info.filename[:-4]
    try:
        with archive.open(info) as stream:
            version = np.lib.format.read_magic(stream)
            if version == (1, 0):
                shape, fortran, dtype = np.lib.format.read_array_header_1_0(stream)
            elif version in ((2, 0), (3, 0)):
                shape, fortran, dtype = np.lib.format.read_array_header_2_0(stream)
            else:
                raise ValueError(f"unknown .npy format version {version}")
            offset = stream.tell()
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, zlib.error, SyntaxError) as error:
        raise ValueError(f"{owner}: entry '{name}' of {path!r} has no readable .npy header "
                         f"({error}); the file is damaged or not a checkpoint") from None
    if dtype.hasobject:
        raise ValueError(f"{owner}: entry '{name}' of {path!r} is an object (pickled) array; it is "
                         f"refused because unpickling can run arbitrary code. Save only numeric "
                         f"arrays (nn.save does)")
    if dtype.kind not in "biufc" or dtype.fields is not None or dtype.subdtype is not None:
        raise ValueError(f"{owner}: entry '{name}' of {path!r} has dtype {dtype}; only numeric and "
                         f"boolean arrays are read from checkpoints")
    return Member(info, dtype, tuple(int(n) for n in shape), fortran, offset)


def read_members(path, owner="nn.load", max_bytes=DEFAULT_MAX_BYTES, max_ratio=DEFAULT_MAX_RATIO,
                 check=None) -> OrderedDict:
    """All members of the `.npz` at `path` as name -> array, after checking every header.

    `check(members)`, when given, sees the list of `Member` headers before any data is read
    (e.g. to compare names and shapes with a model) and raises to refuse the file.
    """
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        with open(path, "rb") as file:
            start = file.read(6)
        if start == b"\x93NUMPY":
            raise ValueError(f"{owner}: {path!r} holds a single array, not an .npz checkpoint of "
                             f"named arrays; write checkpoints with nn.save") from None
        raise ValueError(f"{owner}: {path!r} is not a numpy checkpoint (not a zip archive); it may "
                         f"be truncated, or not written by nn.save") from None
    with archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"{owner}: {path!r} holds the member(s) {duplicates} more than once "
                             f"(only one copy would be read, so the file is ambiguous); refused")
        others = [n for n in names if not n.endswith(".npy")]
        if others:
            raise ValueError(f"{owner}: {path!r} holds {', '.join(map(repr, others))}: not a numpy "
                             f"array (the zip holds other files); write checkpoints with nn.save")
        members = [_header(archive, info, owner, path) for info in infos]
        _check_sizes(members, owner, path, max_bytes, max_ratio)
        if check is not None:
            check(members)
        arrays = OrderedDict()
        for member in members:
            arrays[member.name] = _read_data(archive, member, owner, path)
    return arrays


def _check_sizes(members, owner, path, max_bytes, max_ratio):
    total = 0
    for m in members:
        stored = m.info.file_size - m.offset
        if stored != m.nbytes:
            raise ValueError(f"{owner}: entry '{m.name}' of {path!r} declares {m.dtype} of shape "
                             f"{m.shape} ({m.nbytes:,} bytes) but holds {max(stored, 0):,} bytes; "
                             f"the file is damaged or forged; refused")
        if max_ratio is not None and m.info.compress_type != zipfile.ZIP_STORED and \
                m.nbytes > _RATIO_FLOOR and m.nbytes > max_ratio * max(m.info.compress_size, 1):
            raise ValueError(f"{owner}: entry '{m.name}' of {path!r} expands from "
                             f"{m.info.compress_size:,} to {m.nbytes:,} bytes (more than "
                             f"{max_ratio}x, as a zip bomb does); refused before reading. If you "
                             f"trust the file, pass max_ratio=None")
        total += m.nbytes
        if max_bytes is not None and total > max_bytes:
            raise ValueError(f"{owner}: {path!r} declares {total:,} bytes of arrays or more (entry "
                             f"'{m.name}': {m.dtype} of shape {m.shape}), above the limit of "
                             f"{max_bytes:,} bytes; refused before reading. If you trust the file, "
                             f"pass a larger max_bytes=")


def _read_data(archive, member, owner, path):
    try:
        with archive.open(member.info) as stream:
            stream.read(member.offset)
            data = stream.read(member.nbytes)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error) as error:
        raise ValueError(f"{owner}: entry '{member.name}' of {path!r} cannot be read ({error}); "
                         f"the file is truncated or damaged") from None
    if len(data) != member.nbytes:
        raise ValueError(f"{owner}: entry '{member.name}' of {path!r} is truncated; the file is "
                         f"damaged")
    order = "F" if member.fortran else "C"
    array = np.frombuffer(data, dtype=member.dtype).reshape(member.shape, order=order)
    return np.array(array, copy=True, order="C")         # writable, owning its memory
