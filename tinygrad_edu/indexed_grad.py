"""Gradients that arrive through indexing, kept as pieces until their sum is needed.

The gradient of `x[index]` with respect to `x` is zero except at `index`. Written out in
full, reading L slices of a tensor (the time steps of a sequence, the gates of an
LSTM) would cost L full-size arrays of zeros and L full-size additions: O(L * size).
Instead the backward walk collects the pieces (index, values) and adds them into a
single array of zeros when the tensor's total gradient is needed: O(size + pieces).
Only used without create_graph; with it, indexing's adjoint is the `ScatterAdd` op.
"""
import numpy as np


def _is_basic(index):
    """True when the index has only ints, slices, None and Ellipsis: no element is picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts)


class IndexedGrad:
    """A gradient of `shape` given as pieces to scatter-add, plus an optional dense part."""

    __slots__ = ("shape", "dtype", "pieces", "dense")

    def __init__(self, shape, index, values):
        self.shape, self.dtype = shape, values.dtype
        self.pieces = [(index, values)]
        self.dense = None

    def add(self, other):
        """Absorb another gradient of the same tensor (IndexedGrad or Tensor); returns self."""
        if type(other) is IndexedGrad:
            self.pieces.extend(other.pieces)
            if other.dense is not None:
                self._add_dense(other.dense)
        else:
            self._add_dense(other.data)
        return self

    def _add_dense(self, array):
        self.dense = array if self.dense is None else self.dense + array

    def to_array(self):
        """The total gradient as one array (the dense part is copied, never modified)."""
        out = np.zeros(self.shape, dtype=self.dtype) if self.dense is None \
            else np.array(self.dense, dtype=np.result_type(self.dense, self.dtype))
        for index, values in self.pieces:
            if _is_basic(index):
                out[index] += values
            else:
                np.add.at(out, index, values)
        return out


def add_gradients(a, b):
    """a + b for gradients that may be Tensors or IndexedGrads (summing two paths)."""
    if type(a) is IndexedGrad:
        return a.add(b)
    if type(b) is IndexedGrad:
        return b.add(a)
    return a + b
