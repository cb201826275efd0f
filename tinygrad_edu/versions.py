"""Version counters: a backward through a tensor that was changed in place must not be silent.

A recorded op keeps its input Tensors (and sometimes arrays such as its output) for its
backward formula. If one of them is then changed in place, the formula would compute
with the new values and give a wrong gradient. PyTorch catches this with a version
counter on every tensor; so does this engine, at no cost to ordinary ops:

- Every in-place change takes a *stamp* from the same counter that numbers graph nodes
  (`Function.seq`). So "modified after node N was recorded" is simply `stamp > N.seq`.
- Writes into memory (the no-grad path: `with no_grad(): p -= lr * p.grad`) are stamped on
  the memory block (the base numpy array), so views and `detach()`ed copies that share it
  are covered too. A tensor's `_version` is the number of stamps of its memory.
- Recorded in-place ops (on a non-leaf, e.g. `h += b`) do not write into memory: the tensor
  object gets a new array and a new `grad_fn`, and the history before the change is kept
  in a hidden Tensor. Nodes recorded before the change that hold the tensor object are
  pointed back to that history when backward reaches them (as PyTorch's views do), so
  their gradient stays right.
- `backward` looks at a node only when some stamp is newer than it (one comparison per
  node), and raises the error of PyTorch ("modified by an inplace operation") naming the
  op, the input and the two versions.
"""
import collections
import weakref

import numpy as np

from .function import _sequence


class _Clock:
    """The stamp of the newest in-place change (-1: none yet); read once per backward node."""

    __slots__ = ("last",)

    def __init__(self):
        self.last = -1


CLOCK = _Clock()
_HISTORY = 32      # stamps kept per memory block: enough to name the version a node saw

# Ops whose backward reads no input values (only shapes, indices, dtypes): as in PyTorch, where
# they save nothing, changing their inputs in place afterwards is harmless and not an error.
_READS_NO_INPUTS = frozenset({"Add", "Sub", "Neg", "Sum", "Reshape", "Permute", "Expand", "GetItem",
                              "Pad", "Cat", "Cast", "Clone", "SetItem", "ScatterAdd",
                              "ScatterAddAlong"})

_MEMORY = {}       # id(base array) -> _Record of its in-place changes
_REBASED = {}      # id(tensor) -> (weak ref to it, [(stamp, Tensor holding the earlier history)]);
#                    kept while the tensor lives (a node that ran before may still need it)


class _Record:
    __slots__ = ("ref", "count", "stamps")

    def __init__(self, ref, count=0, stamps=()):
        self.ref = ref
        self.count = count
        self.stamps = collections.deque(stamps, maxlen=_HISTORY)

    def version_at(self, seq):
        """The version the memory had when the node numbered `seq` was recorded."""
        return self.count - sum(1 for s in self.stamps if s > seq)


def _base(array):
    base = array.base
    return array if not isinstance(base, np.ndarray) else base


def _record(array, create=False):
    base = _base(array)
    key = id(base)
    record = _MEMORY.get(key)
    if record is not None and record.ref() is base:
        return record
    if not create:
        return None
    ref = weakref.ref(base, lambda dead, key=key: _forget(_MEMORY, key, dead))
    record = _MEMORY[key] = _Record(ref)
    return record


def _forget(registry, key, dead_ref):
    entry = registry.get(key)
    if entry is not None and (entry.ref if isinstance(entry, _Record) else entry[0]) is dead_ref:
        del registry[key]


def new_stamp() -> int:
    """A stamp for an in-place change about to happen (newer than every node so far)."""
    stamp = next(_sequence)
    CLOCK.last = stamp
    return stamp


def bump(array) -> None:
    """Record that `array`'s memory was just written in place."""
    record = _record(array, create=True)
    record.count += 1
    record.stamps.append(new_stamp())


def rebased(tensor, earlier, new_array, stamp) -> None:
    """Record a recorded in-place op: `tensor` now holds `new_array`; `earlier` holds the
    history before the change (its data and grad_fn), for the nodes that came before."""
    old = _record(earlier.data)
    record = _record(new_array, create=True)
    record.count = (old.count if old is not None else 0) + 1
    record.stamps.extend(old.stamps if old is not None else ())
    record.stamps.append(stamp)
    key = id(tensor)
    entry = _REBASED.get(key)
    if entry is None or entry[0]() is not tensor:
        ref = weakref.ref(tensor, lambda dead, key=key: _forget(_REBASED, key, dead))
        entry = _REBASED[key] = (ref, [])
    entry[1].append((stamp, earlier))


def version(tensor) -> int:
    """How many times the memory of `tensor` was changed in place (PyTorch's `_version`)."""
    record = _record(tensor.data)
    return 0 if record is None else record.count


def _as_seen_by(tensor, seq):
    """The tensor (or the history it replaced) as it was when node number `seq` was recorded."""
    entry = _REBASED.get(id(tensor))
    while entry is not None and entry[0]() is tensor:
        later = [earlier for stamp, earlier in entry[1] if stamp > seq]
        if not later:
            break
        tensor = later[0]
        entry = _REBASED.get(id(tensor))
    return tensor


def check_node(node) -> None:
    """Before `node.backward`: repoint inputs that were rebased after the node was recorded,
    and raise if memory the node needs was written in place since."""
    seq = node.seq
    inputs = tuple(_as_seen_by(t, seq) for t in node.inputs)
    if any(a is not b for a, b in zip(inputs, node.inputs)):
        node.inputs = inputs
    op = type(node).__name__
    for i, t in enumerate(inputs):
        if op in _READS_NO_INPUTS:
            break
        _raise_if_changed(op, f"input {i} (a tensor of shape {t.shape}, dtype {t.dtype})", t.data,
                          seq)
    saved = [a for a in (node.saved or ()) if isinstance(a, np.ndarray)]
    saved += [a for a in vars(node).values() if isinstance(a, np.ndarray)]
    for a in saved:
        _raise_if_changed(op, f"an array of shape {a.shape} it saved for backward (e.g. its "
                          f"output)", a, seq)


def _raise_if_changed(op, what, array, seq):
    record = _record(array)
    if record is None or not record.stamps or record.stamps[-1] <= seq:
        return
    raise RuntimeError(
        f"backward: one of the values needed to compute the gradient of {op} has been modified "
        f"by an inplace operation: {what} is at version {record.count}; expected version "
        f"{record.version_at(seq)} instead (the version {op} recorded). Do not change a tensor "
        f"in place while a graph still needs it: write `x = x + y` instead of `x += y`, or "
        f"change a `.clone()`.")
