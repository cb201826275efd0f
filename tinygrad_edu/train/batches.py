"""Turning whatever the user passes as data into (x, y) batches of Tensors.

Why: `fit` should accept what a student has at hand: two arrays `(X, y)`, two Tensors, a
list of batches, or a `DataLoader` (anything iterable that yields `(x, y)` pairs; no
import of `tinygrad_edu.utils.data` is needed). Arrays are cut along their first axis, so
sequence data for `fit` goes batch-first (`batch_first=True` in the generators and layers).
"""
import numpy as np

from ..tensor import Tensor


def as_tensor(value, owner: str) -> Tensor:
    """A Tensor view of one batch part (Tensors pass through, arrays and numbers are wrapped)."""
    if isinstance(value, Tensor):
        return value
    try:
        return Tensor(value)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{owner}: a batch holds {type(value).__name__}, which is not a Tensor or "
                        f"a numeric array ({error})") from None


def is_array_pair(data) -> bool:
    """True for `(X, y)`: two arrays or Tensors of the same length (not a list of two batches)."""
    return (isinstance(data, (tuple, list)) and len(data) == 2
            and all(isinstance(part, (np.ndarray, Tensor)) for part in data))


def _length(part):
    return part.shape[0] if part.ndim else 0


class Batches:
    """Re-iterable batches for one run of `fit` or `evaluate`.

    Args:
        data: `(X, y)` arrays/Tensors, or any iterable of `(x, y)` batches.
        batch_size: rows per batch (arrays only).
        shuffle: draw a fresh row order every epoch (arrays only), with `tinygrad_edu.randperm`
            from the global generator, so `manual_seed` makes the shuffles reproducible.
        seed: a seed of the shuffles of their own; epoch e uses `seed + e`.
        owner: name used in error messages ("fit", "evaluate").
    """

    def __init__(self, data, batch_size: int, shuffle: bool, seed, owner: str):
        self.owner = owner
        if is_array_pair(data):
            x, y = data
            if x.ndim == 0 or y.ndim == 0 or _length(x) != _length(y):
                raise ValueError(f"{owner}: X and y must have the same number of rows (first "
                                 f"axis), got shapes {tuple(x.shape)} and {tuple(y.shape)}")
            if _length(x) == 0:
                raise ValueError(f"{owner}: the data is empty (X has shape {tuple(x.shape)})")
            if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                    or batch_size < 1:
                raise ValueError(f"{owner}: batch_size must be a positive integer, got "
                                 f"{batch_size!r}")
            self.arrays = (x.data if isinstance(x, Tensor) else np.asarray(x),
                           y.data if isinstance(y, Tensor) else np.asarray(y))
            self.batch_size, self.shuffle, self.seed = int(batch_size), bool(shuffle), seed
            self.source = None
        else:
            if isinstance(data, (np.ndarray, Tensor, str, bytes)) or not hasattr(data, "__iter__"):
                raise TypeError(f"{owner}: data must be (X, y) arrays or Tensors, or an iterable "
                                f"of (x, y) batches such as a DataLoader; got "
                                f"{type(data).__name__}")
            if hasattr(data, "__getitem__") and not isinstance(data, (list, tuple)) \
                    and not hasattr(data, "batch_size"):
                raise TypeError(f"{owner}: got a {type(data).__name__}, which gives one example per "
                                f"item, not batches; wrap it: DataLoader(dataset, batch_size=32, "
                                f"shuffle=True) from tinygrad_edu.utils.data")
            self.arrays = None
            self.source = data
            self.one_shot = iter(data) is data      # a generator: it can be walked only once
            self.walks = 0

    def count(self):
        """Batches per epoch, or None when the source cannot tell (a generator)."""
        if self.arrays is not None:
            return -(-len(self.arrays[0]) // self.batch_size)
        try:
            return len(self.source)
        except TypeError:
            return None

    def epoch(self, index: int):
        """Yield (x, y, n) for epoch `index`: two Tensors and the number of rows."""
        if self.arrays is not None:
            yield from self._array_batches(index)
            return
        if self.one_shot and self.walks > 0:
            raise TypeError(f"{self.owner}: the data is a one-shot iterator (a generator) and "
                            f"was used up after one epoch; pass a list of batches, a DataLoader "
                            f"or (X, y) arrays to train for several epochs")
        self.walks += 1
        for item in self.source:
            if not isinstance(item, (tuple, list)) or len(item) != 2:
                size = f" of length {len(item)}" if isinstance(item, (tuple, list)) else ""
                raise TypeError(f"{self.owner}: each batch must be an (x, y) pair, got "
                                f"{type(item).__name__}{size}")
            x, y = (as_tensor(part, self.owner) for part in item)
            yield x, y, (x.shape[0] if x.ndim else 1)

    def _array_batches(self, index):
        x, y = self.arrays
        n = len(x)
        order = None
        if self.shuffle:        # the global generator (manual_seed), or a seed of its own
            from tinygrad_edu import randperm
            order = randperm(n, seed=None if self.seed is None else self.seed + index).data
        for start in range(0, n, self.batch_size):
            rows = order[start:start + self.batch_size] if order is not None \
                else slice(start, start + self.batch_size)
            xb, yb = x[rows], y[rows]
            yield Tensor(xb), Tensor(yb), len(xb)
