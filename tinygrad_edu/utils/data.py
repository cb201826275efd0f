"""Datasets and mini-batches with PyTorch's names: Dataset, TensorDataset, Subset, DataLoader,
random_split.

Why: every training loop does the same thing (shuffle the indices once per epoch, cut them into
batches, stack the examples of a batch into one tensor per field); writing it once, with
PyTorch's names and defaults, lets course code run unchanged and keeps loops short:

    for xb, yb in DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True):
        ...

Everything runs in the calling process (`num_workers=0`): numpy indexing is fast enough for the
data sizes a teaching engine trains on. Shuffling draws from `tinygrad_edu.manual_seed`'s
generator, or from `generator=` when given, so a seed fixes the batch order; the draws are
PyTorch's, so the same seed gives the batch order a PyTorch DataLoader gives.
"""
import math
import numbers

import numpy as np

from tinygrad_edu import Tensor
from tinygrad_edu import random as _random
from tinygrad_edu import random_draws

__all__ = ["Dataset", "TensorDataset", "Subset", "DataLoader", "random_split", "default_collate"]


def _stream(op, generator):
    """The generator that shuffles: the global one `manual_seed` seeds (None), a
    tinygrad_edu.Generator, or a numpy Generator (its own order, not PyTorch's)."""
    if generator is None:
        return _random.default_generator
    if isinstance(generator, (_random.Generator, np.random.Generator)):
        return generator
    raise TypeError(f"{op}: generator must be a tinygrad_edu.Generator (or a numpy Generator), "
                    f"got {type(generator).__name__}")


def _permutation(stream, n):
    if isinstance(stream, np.random.Generator):
        return stream.permutation(n)
    return random_draws.permutation(stream, n)


class Dataset:
    """A sequence of examples: subclass it and define `__getitem__(i)` and `__len__()`.

    Example:
        >>> class Squares(Dataset):
        ...     def __len__(self): return 4
        ...     def __getitem__(self, i): return float(i), float(i * i)
        >>> [y for _, y in Squares()]
        [0.0, 1.0, 4.0, 9.0]
    """

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index)")

    def __len__(self):
        raise NotImplementedError(f"{type(self).__name__} must define __len__()")

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __add__(self, other):
        raise TypeError("Dataset: joining datasets with + is not supported; concatenate the "
                        "tensors and build one TensorDataset")


class TensorDataset(Dataset):
    """Example i is (t[i] for each tensor): features and labels side by side.

    All tensors must have the same first dimension (the number of examples).

    Example:
        >>> ds = TensorDataset(Tensor([[1.0, 2.0], [3.0, 4.0]]), Tensor(np.array([0, 1])))
        >>> len(ds), ds[1][0].tolist(), ds[1][1].item()
        (2, [3.0, 4.0], 1)
    """

    def __init__(self, *tensors):
        if not tensors:
            raise ValueError("TensorDataset: give at least one tensor")
        tensors = tuple(t if isinstance(t, Tensor) else Tensor(t) for t in tensors)
        sizes = [t.shape[0] if t.ndim else None for t in tensors]
        if None in sizes or len(set(sizes)) != 1:
            raise ValueError(f"TensorDataset: every tensor needs the same first dimension (the "
                             f"number of examples), got shapes {[t.shape for t in tensors]}")
        self.tensors = tensors

    def __getitem__(self, index):
        return tuple(t[index] for t in self.tensors)

    def __len__(self):
        return self.tensors[0].shape[0]


class Subset(Dataset):
    """The examples of `dataset` at `indices`, in that order (what random_split returns).

    Example:
        >>> Subset(TensorDataset(Tensor([5.0, 6.0, 7.0])), [2, 0])[0][0].item()
        7.0
    """

    def __init__(self, dataset, indices):
        self.dataset, self.indices = dataset, [int(i) for i in indices]

    def __getitem__(self, index):
        if isinstance(index, (list, np.ndarray)):
            return self.dataset[[self.indices[i] for i in index]]
        return self.dataset[self.indices[index]]

    def __len__(self):
        return len(self.indices)


def random_split(dataset, lengths, generator=None):
    """Split a dataset into non-overlapping random subsets of the given lengths.

    `lengths` are counts summing to len(dataset), or fractions summing to 1 (the remainder
    of the rounding goes to the first subsets one by one, as PyTorch does). The indices are
    `randperm(len(dataset), generator=generator)` cut in order, as in PyTorch.

    Example:
        >>> train, val = random_split(TensorDataset(Tensor.arange(10.0)), [0.8, 0.2])
        >>> len(train), len(val)
        (8, 2)
    """
    n = len(dataset)
    lengths = list(lengths)
    if lengths and all(isinstance(x, float) for x in lengths) and math.isclose(sum(lengths), 1):
        if any(not 0 <= x <= 1 for x in lengths):
            raise ValueError(f"random_split: fractions must be in [0, 1], got {lengths}")
        counts = [int(math.floor(n * frac)) for frac in lengths]
        for i in range(n - sum(counts)):
            counts[i % len(counts)] += 1
        lengths = counts
    if any(not isinstance(x, numbers.Integral) or x < 0 for x in lengths) or sum(lengths) != n:
        raise ValueError(f"random_split: lengths {lengths} must be non-negative ints summing to "
                         f"the dataset's length {n}, or fractions summing to 1")
    order = _permutation(_stream("random_split", generator), n)
    subsets, start = [], 0
    for length in lengths:
        subsets.append(Subset(dataset, order[start:start + length]))
        start += length
    return subsets


def default_collate(batch):
    """Stack a list of examples into a batch, field by field, as PyTorch's default_collate.

    Tensors and arrays are stacked on a new first dim; Python ints become an int64 tensor and
    floats a float64 tensor (PyTorch's rule); tuples, lists and dicts are collated per field;
    strings stay a list.

    Example:
        >>> xb, yb = default_collate([(Tensor([1.0, 2.0]), 0), (Tensor([3.0, 4.0]), 1)])
        >>> xb.shape, yb.tolist()
        ((2, 2), [0, 1])
    """
    first = batch[0]
    if isinstance(first, Tensor):
        return Tensor.stack(batch, dim=0)
    if isinstance(first, (np.ndarray, np.generic)):
        return Tensor(np.stack(batch))
    if isinstance(first, bool):
        return Tensor(np.array(batch, dtype=bool))
    if isinstance(first, numbers.Integral):
        return Tensor(np.array(batch, dtype=np.int64))
    if isinstance(first, numbers.Real):
        return Tensor(np.array(batch, dtype=np.float64))
    if isinstance(first, str):
        return list(batch)
    if isinstance(first, dict):
        return {key: default_collate([example[key] for example in batch]) for key in first}
    if isinstance(first, (tuple, list)):
        if any(len(example) != len(first) for example in batch):
            raise ValueError("default_collate: examples in a batch have different numbers of "
                             "fields")
        fields = [default_collate(list(field)) for field in zip(*batch)]
        return tuple(fields) if isinstance(first, tuple) else fields
    raise TypeError(f"default_collate: cannot batch examples of type {type(first).__name__}; "
                    f"return Tensors, arrays, numbers, tuples or dicts, or pass collate_fn=")


class DataLoader:
    """Iterate over a dataset in mini-batches (optionally shuffled each epoch).

    Args:
        dataset: a Dataset (anything with `__getitem__` and `__len__`).
        batch_size: examples per batch (the last one may be smaller unless drop_last).
        shuffle: draw a new random order at the start of every epoch (every `iter()`).
        drop_last: skip the last batch when it is smaller than batch_size.
        generator: a tinygrad_edu.Generator (or numpy Generator) for the shuffling; the
            global one that `manual_seed` seeds when None.
        collate_fn: turns a list of examples into a batch (default: `default_collate`).
        num_workers: must be 0 (everything runs in this process).

    Random draws, as PyTorch's DataLoader makes them: every `iter()` draws one 64-bit word
    (PyTorch's base seed for worker processes) from `generator` or the global generator;
    with shuffle=True the first batch then draws a seed for a fresh Generator whose
    `randperm(n)` is the epoch's order (with `generator` given, `randperm` draws from it).

    A TensorDataset with the default collate is batched by indexing each tensor once with
    the batch's indices (the same values as stacking the examples, much faster).

    Example:
        >>> ds = TensorDataset(Tensor.arange(10.0).reshape(5, 2), Tensor(np.arange(5)))
        >>> [xb.shape for xb, _ in DataLoader(ds, batch_size=2)]
        [(2, 2), (2, 2), (1, 2)]
    """

    def __init__(self, dataset, batch_size=1, shuffle: bool = False, sampler=None,
                 batch_sampler=None, num_workers: int = 0, collate_fn=None,
                 pin_memory: bool = False, drop_last: bool = False, generator=None, **kwargs):
        if batch_size is not None and (isinstance(batch_size, bool)
                                       or not isinstance(batch_size, numbers.Integral)
                                       or batch_size < 1):
            raise ValueError(f"DataLoader: batch_size must be a positive int, got {batch_size!r}")
        if num_workers != 0:
            raise ValueError(f"DataLoader: num_workers={num_workers} is not supported; "
                             f"tinygrad_edu loads in the calling process (num_workers=0)")
        if sampler is not None and shuffle:
            raise ValueError("DataLoader: sampler and shuffle=True are mutually exclusive, as in "
                             "PyTorch")
        if batch_sampler is not None:
            raise ValueError("DataLoader: batch_sampler is not supported; use batch_size, "
                             "shuffle and drop_last")
        unknown = set(kwargs) - {"timeout", "worker_init_fn", "prefetch_factor",
                                 "persistent_workers", "multiprocessing_context"}
        if unknown:
            raise TypeError(f"DataLoader: unexpected keyword argument(s) {sorted(unknown)}")
        if generator is not None:
            _stream("DataLoader", generator)          # a clear error now, not at the first epoch
        self.dataset, self.batch_size, self.shuffle = dataset, batch_size, bool(shuffle)
        self.sampler, self.drop_last, self.generator = sampler, bool(drop_last), generator
        self.collate_fn = collate_fn

    def _order(self, stream):
        n = len(self.dataset)
        if self.sampler is not None:
            return [int(i) for i in self.sampler]
        if not self.shuffle:
            return np.arange(n)
        if self.generator is None and not isinstance(stream, np.random.Generator):
            seed = int(stream.random64(1)[0] % np.uint64(2 ** 63))       # RandomSampler's seed
            stream = _random.Generator().manual_seed(seed)
        return _permutation(stream, n)

    def __len__(self):
        n = len(self.sampler) if self.sampler is not None else len(self.dataset)
        if self.batch_size is None:
            return n
        return n // self.batch_size if self.drop_last else math.ceil(n / self.batch_size)

    def __iter__(self):
        stream = _stream("DataLoader", self.generator)
        if not isinstance(stream, np.random.Generator):
            stream.random64(1)              # PyTorch's per-epoch base seed (for its workers)
        return self._batches(stream)

    def _batches(self, stream):
        order = np.asarray(self._order(stream), dtype=np.int64)
        if self.batch_size is None:                    # no batching: examples one by one
            for i in order:
                yield self.dataset[int(i)]
            self._sampler_exhausted(stream)
            return
        fast = isinstance(self.dataset, TensorDataset) and self.collate_fn is None
        collate = self.collate_fn or default_collate
        for start in range(0, len(order), self.batch_size):
            index = order[start:start + self.batch_size]
            last = len(index) < self.batch_size
            if last and self.drop_last:
                break
            if last:
                self._sampler_exhausted(stream)    # PyTorch's sampler ends before this batch
            yield tuple(t[index] for t in self.dataset.tensors) if fast else \
                collate([self.dataset[int(i)] for i in index])
            if last:
                return
        self._sampler_exhausted(stream)

    def _sampler_exhausted(self, stream):
        """PyTorch's RandomSampler, asked for an index past the end, runs one more
        `randperm(n, generator)` (for its remainder of 0 samples); with a generator given,
        those draws move it, so they are made here at the same moment."""
        if self.shuffle and self.sampler is None and isinstance(self.generator, _random.Generator):
            random_draws.permutation(stream, len(self.dataset))
