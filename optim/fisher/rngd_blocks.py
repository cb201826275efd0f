"""The arithmetic of one RNGD step on one Linear layer (Sun & Nielsen 2016, eqs. 22, 31-33), in place.

`optim.RNGD` decides what happens when (moving average, refresh, momentum); this module does it
at the machine's speed, on arrays kept from step to step (a fresh array above ~128 kB is a new
mmap here, and its page faults cost as much as the arithmetic):

- shared block (input and softmax layers, eq. 22): x~^T x~ by a symmetric rank-k update
  (BLAS syrk: half a GEMM's flops), which with scipy also does the moving average in the same
  pass, G <- decay G + alpha x~^T x~, on the lower triangle only (the upper one is not kept);
- per-neuron blocks (eq. 31): one GEMM weights (out, N) @ pairs (N, P) over the packed upper
  half of x~_i x~_i^T (`packed.BandLayout`), so half the flops and half the metric's memory;
- preconditioning: one GEMM with the stored inverse (shared) or a batched matrix-vector
  product (per neuron);
- inverse: in float64 by block elimination (`spd.spd_inverse`), rounded to the model's dtype.

Without scipy the same results come from numpy alone (numpy's `a.T @ a` is a syrk too, then a
separate moving-average pass): about 0.3 ms slower per MNIST-sized step.

Example:
    >>> import numpy as np
    >>> blocks = LayerBlocks(d=3, count=2, per_neuron=True, dtype=np.float64, has_bias=True)
    >>> G = blocks.new_metric()
    >>> x, coef = np.array([[1.0, 2.0]]), np.array([[0.25], [1.0]])  # 1 sample, 2 neurons
    >>> blocks.accumulate(G, x, coef, decay=0.0, eps=0.0, min_damping=0.0, sigma=1.0)
    >>> blocks.full(G)[1].tolist()  # neuron 1: nu x~ x~^T with x~ = (1, 2, 1)
    [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
"""
from __future__ import annotations

import numpy as np

from .closed_form import nu
from .packed import BandLayout
from .spd import spd_inverse

try:  # BLAS syrk with beta (C <- alpha A^T A + beta C): the moving average in the same pass
    from scipy.linalg import blas as BLAS
except ImportError:  # pragma: no cover - scipy is optional
    BLAS = None


# pairs array entries (N x P) per neuron above which the per-neuron product is cheaper: the
# pairs cost N P memory once for all neurons, the products D^2 N flops per neuron
PAIRS_LIMIT = 1 << 16


class LayerBlocks:
    """The metric blocks of one Linear layer: their storage, statistics, inverse and products.

    Args:
        d: block size D = in_features + 1 (in_features without a bias).
        count: number of neurons (out_features): `count` blocks if per neuron, else 1.
        per_neuron: one block per neuron (eq. 31) or one shared block (eq. 22).
        dtype: the arrays' dtype (the model's, at least float32).
        has_bias: whether w_l ends with the bias (x~ = (x, 1)) or not (x~ = x).
    """

    def __init__(self, d: int, count: int, per_neuron: bool, dtype, has_bias: bool = True):
        self.d, self.count, self.per_neuron = int(d), int(count), bool(per_neuron)
        self.fan_in = self.d - bool(has_bias)
        self.dtype = np.dtype(dtype)
        self.layout = BandLayout(self.d) if self.per_neuron else None
        self._buffers: dict[str, np.ndarray] = {}
        self._views: list | None = None

    @property
    def metric_shape(self) -> tuple:
        """(out, P) for packed per-neuron blocks, (1, D, D) for a shared block."""
        return (self.count, self.layout.size) if self.per_neuron else (1, self.d, self.d)

    def new_metric(self) -> np.ndarray:
        """Zeros in this layer's storage (`metric_shape`)."""
        return np.zeros(self.metric_shape, self.dtype)

    def stored(self, G: np.ndarray) -> np.ndarray:
        """G in this layer's storage and dtype (e.g. full blocks from an older state dict)."""
        if self.per_neuron and G.ndim == 3:
            G = self.layout.pack(G)
        return G if G.dtype == self.dtype else G.astype(self.dtype)

    def full(self, G: np.ndarray) -> np.ndarray:
        """The blocks as (count or 1, D, D) float64 arrays (a new array)."""
        if self.per_neuron:
            return self.layout.unpack(G)
        lower = np.tril(G.astype(np.float64))  # the kept half (see the module docstring)
        return lower + np.tril(lower, -1).swapaxes(-1, -2)

    def scratch(self, name: str, shape: tuple) -> np.ndarray:
        """An array of this layer kept from step to step (new only when the shape changes)."""
        buf = self._buffers.get(name)
        if buf is None or buf.shape != shape:
            buf = self._buffers[name] = np.empty(shape, self.dtype)
            if name == "pairs":
                self._views = self.layout.views(buf)
        return buf

    def coefficients(self, name: str, options: dict, t: np.ndarray) -> np.ndarray:
        """nu_f(w_l, x_i) of every neuron l and sample i, shape (out, N), in a reused array.

        Args:
            name, options: the activation and its options, as `closed_form.nu` takes them.
            t: the pre-activations w_l^T x~_i, shape (N, out).

        The smooth ReLU's coefficient (the paper's MLP) is computed in place in the layer's
        dtype; the others go through `closed_form.nu` (float64) and are rounded.
        """
        coef = self.scratch("coef", (t.shape[1], t.shape[0]))
        omega = options.get("omega")
        if name in ("relu", "leaky_relu") and omega:
            iota, sigma = options.get("iota", 0.0), options.get("sigma", 1.0)
            # relu_w'(t) = iota + (1 - iota) sigm((1 - iota) t / w), with
            # sigm(z) = (1 + tanh(z / 2)) / 2 (eq. 41); nu = relu_w'(t)^2 / sigma^2 (eq. 18)
            np.multiply(t.T, (1 - iota) / (2 * omega), out=coef)
            np.tanh(coef, out=coef)
            coef *= (1 - iota) / 2
            coef += iota + (1 - iota) / 2
            np.square(coef, out=coef)
            coef *= 1.0 / sigma ** 2
        else:
            coef[...] = nu(name, t, **options).T
        return coef

    def accumulate(self, G: np.ndarray, x: np.ndarray, coef: np.ndarray | None, decay: float,
                   eps: float, min_damping: float, sigma: float) -> None:
        """G <- decay G + (1 - decay) (batch RFIM + damping I), in place (eqs. 22, 31, 32).

        Args:
            x: the layer's inputs (N, in_features), without the appended 1.
            coef: nu_f(w_l, x_i), shape (out, N), for per-neuron blocks (None if shared);
                it is overwritten (see `coefficients`).
            decay: the moving average's weight on the old G (0 replaces it).
            eps, min_damping: damping eps tr(G_batch)/D + min_damping (Sun & Nielsen 2016, Sec. 5.1).
            sigma: noise scale of the linear layer's RFIM x~x~^T / sigma^2.
        """
        n, fan_in = x.shape
        d, keep = self.d, 1.0 - decay
        xt = self.scratch("xt", (n, d))  # x~ = (x, 1)
        xt[:, :fan_in] = x
        xt[:, fan_in:] = 1.0
        norms = np.einsum("ij,ij->i", xt, xt).astype(np.float64)  # |x~_i|^2 = tr(x~_i x~_i^T)
        if self.per_neuron:
            scaled_trace = keep / n * (coef @ norms)  # (1 - decay) tr(G_batch,l)
            weights = coef
            weights *= keep / n  # (out, N)
            diagonal = (slice(None), self.layout.diagonal)
            batch = self.scratch("batch", G.shape)  # (BLAS gemm with beta was slower here)
            if self.count * PAIRS_LIMIT < n * self.layout.size:
                # few neurons, wide inputs (one neuron on MNIST: D = 785): per neuron the
                # product (nu_l x~)^T x~ (D x N x D flops, no N x D^2/2 array of pairs)
                product = self.scratch("product", (d, d))
                weighted = self.scratch("weighted", (n, d))
                for neuron in range(self.count):
                    np.multiply(xt, weights[neuron][:, None], out=weighted)
                    np.matmul(weighted.T, xt, out=product)
                    batch[neuron] = product[self.layout.rows, self.layout.cols]
            else:  # many neurons: one GEMM over the packed pairs x~_ia x~_ic (upper half)
                pairs = self.scratch("pairs", (n, self.layout.size))
                self.layout.pairs(xt, pairs, self._views)
                np.matmul(weights, pairs, out=batch)  # (1 - decay) mean_i nu_il x~x~^T (eq. 31)
            self._average(G, batch, decay)
        else:
            alpha = keep / (n * sigma ** 2)  # (1 - decay) x~^T x~ / (N sigma^2) (eq. 22)
            scaled_trace = np.array([alpha * norms.sum()])
            diagonal = (slice(None),) + np.diag_indices(d)
            if BLAS is not None:  # lower half of G <- decay G + alpha x~^T x~ (eq. 32), in place
                syrk = BLAS.get_blas_funcs("syrk", dtype=self.dtype)
                syrk(alpha, xt.T, beta=decay, c=G[0].T, trans=0, lower=0, overwrite_c=1)
            else:
                batch = self.scratch("batch", G.shape)
                np.matmul(xt.T, xt, out=batch[0])  # numpy's a.T @ a is a syrk, then a copy
                batch *= alpha
                self._average(G, batch, decay)
        damping = eps * scaled_trace / d + keep * min_damping  # eps tr(G)/D (Sec. 5.1)
        G[diagonal] += damping[:, None].astype(self.dtype)

    @staticmethod
    def _average(G: np.ndarray, batch: np.ndarray, decay: float) -> None:
        """G <- decay G + batch, in place (batch already carries the factor 1 - decay)."""
        if decay:
            G *= decay  # moving average (eq. 32)
            G += batch
        else:
            G[...] = batch

    def inverse(self, G: np.ndarray, layer) -> np.ndarray:
        """G^{-1} as full (count or 1, D, D) blocks in G's dtype, computed in float64."""
        try:
            inverse = spd_inverse(self.full(G))
        except np.linalg.LinAlgError:
            inverse = None
        if inverse is None or not np.all(np.isfinite(inverse)):
            raise np.linalg.LinAlgError(
                f"RNGD: the metric of {layer!r} is singular (e.g. an input feature that "
                f"is always 0, or dead units); use eps > 0 (the paper's eps=1e-2) or "
                f"min_damping > 0")
        inverse += inverse.swapaxes(-1, -2)  # G is symmetric; keep G^{-1} exactly so
        inverse *= 0.5
        return inverse.astype(self.dtype)

    def direction(self, G_inv: np.ndarray, weight_grad, bias_grad) -> np.ndarray:
        """The relative natural gradient G_l^{-1} dE/dw_l of every neuron, shape (out, D).

        Missing gradients (None) count as zeros. The result is a reused array.
        """
        grad = self.scratch("grad", (self.count, self.d))
        fan_in = self.fan_in
        grad[:, :fan_in] = 0.0 if weight_grad is None else weight_grad  # rows (dE/dw_l, dE/db_l)
        if fan_in < self.d:
            grad[:, fan_in] = 0.0 if bias_grad is None else bias_grad
        direction = self.scratch("direction", grad.shape)
        if self.per_neuron:  # G_l^{-1} times row l, for all l in one batched matmul
            np.matmul(G_inv, grad[:, :, None], out=direction[:, :, None])
        else:  # shared symmetric block: the rows g_l^T G^{-1} = (G^{-1} g_l)^T in one GEMM
            np.matmul(grad, G_inv[0], out=direction)
        return direction
