"""Symmetric metric blocks stored by their upper block-rows: half the memory, half the flops.

RNGD keeps one D x D block per neuron, G_l = mean_i nu_il x~_i x~_i^T (Sun & Nielsen 2016, eq. 31), and
computes all of them at once as one GEMM: weights (out, N) @ pairs (N, P), where row i of
`pairs` holds the products x~_ia x~_ic. A block is symmetric, so only the pairs with c >= a are
needed; P then drops from D^2 to about D^2/2, and the GEMM's flops with it. Exactly D(D+1)/2
pairs would need one numpy call per row a (65 calls for D = 65, slower than the flops saved),
so the rows are taken in bands of `band` rows: band I stores rows a in [I b, I b + b) against
columns c in [I b, D), one `einsum` per band. Only the small triangles inside the diagonal
bands are stored twice. For D = 65 and b = 8: P = 2369 instead of 4225 (56 %), 9 einsums.

Example:
    >>> import numpy as np
    >>> layout = BandLayout(3, band=2)
    >>> x = np.array([[1.0, 2.0, 3.0]])
    >>> packed = layout.pairs(x, np.empty((1, layout.size)))
    >>> layout.unpack(packed)[0].tolist()
    [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [3.0, 6.0, 9.0]]
"""
from __future__ import annotations

import numpy as np


class BandLayout:
    """Where each entry (a, c), c >= a's band, of a symmetric D x D block sits in a packed row.

    Attributes:
        d: the block size D.
        size: P, the length of a packed block.
        rows, cols: (P,) index arrays: packed entry k is the block's entry (rows[k], cols[k]).
        diagonal: (D,) positions of the entries (a, a) in a packed block.
    """

    def __init__(self, d: int, band: int = 8):
        self.d, self.band = int(d), int(band)
        self.bands = []  # (first row, end row, offset in the packed row)
        rows, cols, offset = [], [], 0
        for start in range(0, self.d, self.band):
            end = min(start + self.band, self.d)
            self.bands.append((start, end, offset))
            r, c = np.meshgrid(np.arange(start, end), np.arange(start, self.d), indexing="ij")
            rows.append(r.ravel())
            cols.append(c.ravel())
            offset += (end - start) * (self.d - start)
        self.size = offset
        self.rows, self.cols = np.concatenate(rows), np.concatenate(cols)
        self.diagonal = np.nonzero(self.rows == self.cols)[0]

    def views(self, out: np.ndarray) -> list:
        """Per band, a (N, rows, D - first row) view of `out` (N, P) that einsum writes into."""
        n = out.shape[0]
        views = []
        for start, end, offset in self.bands:
            length = (end - start) * (self.d - start)
            view = out[:, offset:offset + length].reshape(n, end - start, self.d - start)
            if not np.shares_memory(view, out):  # pragma: no cover - numpy always gives a view
                raise RuntimeError("BandLayout: reshape copied; expected a view")
            views.append((start, end, view))
        return views

    def pairs(self, x: np.ndarray, out: np.ndarray, views: list | None = None) -> np.ndarray:
        """Row i of `out` (N, P) <- the packed products x_ia x_ic of row i of x (N, D).

        Pass `views=self.views(out)` made once to save rebuilding them at every call.
        """
        for start, end, view in (views if views is not None else self.views(out)):
            np.einsum("ia,ib->iab", x[:, start:end], x[:, start:], out=view)
        return out

    def unpack(self, packed: np.ndarray, dtype=np.float64) -> np.ndarray:
        """(m, P) packed blocks -> (m, D, D) full symmetric blocks (a new array)."""
        packed = np.asarray(packed)
        full = np.empty(packed.shape[:-1] + (self.d, self.d), dtype)
        full[..., self.cols, self.rows] = packed  # lower triangle first, then the upper
        full[..., self.rows, self.cols] = packed  # over it, so both halves are exact
        return full

    def pack(self, full: np.ndarray) -> np.ndarray:
        """(m, D, D) symmetric blocks -> (m, P) packed blocks (a new array)."""
        full = np.asarray(full)
        if full.shape[-2:] != (self.d, self.d):
            raise ValueError(f"BandLayout.pack: expected blocks of shape (..., {self.d}, "
                             f"{self.d}), got {full.shape}")
        return full[..., self.rows, self.cols]
