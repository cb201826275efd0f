"""Pooling and dropout primitives, and Tensor.dropout (the pooling methods are in `conv.py`).

Each pool is a pair of linear maps that are each other's adjoint, so backward is again
a primitive and create_graph works:

    MaxPool2d(x)            y = x at the argmax of each window (found once, in forward)
    MaxPool2dRoute(g)       g sent back to those argmax cells;   adjoint: MaxPool2dGather
    MaxPool2dGather(u)      u read at those argmax cells;        adjoint: MaxPool2dRoute
    AvgPool2d(x)            y = mean of each window;             adjoint: AvgPool2dSpread
    AvgPool2dSpread(g)      g / (kH kW) added to each window's cells

How: the windows are a strided view of the input (a plain reshape when stride == kernel
and there is no padding: they tile it), and every pass works on one kernel offset at a
time: slice (i, j) of all windows at once. So the loops run over the kH*kW offsets,
never over pixels, and no temporary as large as the input is made (copying the windows
into a contiguous stack first makes each pass faster, but the extra memory costs more
in page faults than it saves: measured on the benchmark CNN).
"""
import numpy as np

from ..function import Function
from .. import random, random_draws
from ..random import manual_seed  # noqa: F401 (kept importable from here)
from .window import channel_major_zeros


def dropout_mask(shape: tuple, p: float, dtype, generator=None) -> np.ndarray:
    """Keep-mask scaled by 1/(1-p): each entry is 0 with probability p, else 1/(1-p).

    Drawn as PyTorch's CPU dropout draws it (`bernoulli_(1 - p)`: keep where a 53-bit
    uniform is below 1 - p, then divide by 1 - p in the input's dtype), so a seed gives
    PyTorch's mask.
    """
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64))
    keep = random_draws.below(random.resolve(generator, op_name="dropout"), n, 1.0 - p)
    scale = dtype.type(1.0) / dtype.type(1.0 - p)
    return keep.reshape(shape).astype(dtype) * scale


class Dropout(Function):
    """Inverted dropout f(x) = x * m with m_i in {0, 1/(1-p)} fixed in forward;  df/dx = m"""

    def forward(self, x, mask):
        self.save_for_backward(mask)          # freed with the graph after backward
        return x * mask

    def backward(self, g):
        return g * g._make(self.saved[0], None)


def _windows(x: np.ndarray, win, fill) -> np.ndarray:
    """The windows of x as a (N, C, OH, OW, kH, kW) view (no copy)."""
    if win.stride == win.kernel and win.padding == (0, 0) and win.dilation == (1, 1):  # tiles
        (oh, ow), (kh, kw) = win.out_hw, win.kernel
        tiled = x[:, :, :oh * kh, :ow * kw].reshape(x.shape[:2] + (oh, kh, ow, kw))
        return tiled.transpose(0, 1, 2, 4, 3, 5)
    return win.view(win.pad(x, fill))


def _offset_slices(x: np.ndarray, win, fill) -> list:
    """One (N, C, OH, OW) strided view per kernel offset, in row-major window order."""
    windows = _windows(x, win, fill)
    return [windows[..., i, j] for i, j in win.offsets]


def _scatter(parts, win, g: np.ndarray) -> np.ndarray:
    """The adjoint of `_offset_slices`: add parts(o, out) onto the input cells offset o read.

    `parts(o, out)` computes the values for offset o, writing them into `out` when it is
    given (so non-overlapping windows need no temporary).
    """
    dxp = channel_major_zeros(g.shape[0], g.shape[1], win.padded_hw, g.dtype)
    overlapping = any(s < d * (k - 1) + 1 for s, k, d in zip(win.stride, win.kernel, win.dilation))
    for o, (i, j) in enumerate(win.offsets):
        cells = dxp[win.offset_slice(i, j)]          # a view: writes land in dxp
        if overlapping:
            cells += parts(o, None)
        else:                                        # each cell is read by one window
            parts(o, cells)
    return win.crop(dxp)


def _max_and_first_argmax(slices: list):
    """The elementwise maximum of the slices and the index of the first slice reaching it
    (ties: the first maximum in row-major window order wins, as in PyTorch).

    One strided read per slice: the running maximum moves to a new buffer, and where it
    changed (strictly greater, so an earlier equal value keeps its place) the index
    becomes o; in a window holding NaN it ends on the last cell. The index update is
    integer arithmetic, index += changed * (o - index): boolean-indexed writes branch on
    every element and were measured ~10x slower, and np.argmax along a short axis ~100x.
    """
    out = slices[0].copy(order="K")                  # "K": keep the memory layout of x
    index_type = np.uint8 if len(slices) <= 256 else np.int32
    index = np.zeros_like(out, dtype=index_type)
    changed = np.empty_like(out, dtype=bool)
    step = np.empty_like(index)
    candidate = np.empty_like(out)
    for o, s in enumerate(slices[1:], start=1):
        np.maximum(out, s, out=candidate)            # propagates NaN, as PyTorch does
        np.not_equal(candidate, out, out=changed)
        np.subtract(index_type(o), index, out=step)  # o > index, so no wrap-around
        np.multiply(step, changed, out=step)
        index += step
        np.copyto(out, candidate)    # (swapping the buffers instead was measured to cost
    return out, index                # more in page faults: the heap layout changes)


class MaxPool2d(Function):
    """Max pooling f(x) = max of each window;  df/dx = g routed to the argmax of each window"""

    def forward(self, x, win):
        self.win = win
        # padding is -inf: it never wins (PyTorch's rule, padding <= kernel / 2, keeps
        # every window partly inside the input)
        lowest = -np.inf if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        out, argmax = _max_and_first_argmax(_offset_slices(x, win, lowest))
        self.save_for_backward(argmax)        # freed with the graph after backward
        return out

    @property
    def argmax(self) -> np.ndarray:
        """Index (in row-major window order) of the winning cell of every window."""
        return self.saved[0]

    def backward(self, g):
        return MaxPool2dRoute.apply(g, argmax=self.argmax, win=self.win)


class MaxPool2dRoute(Function):
    """Routing f(g) = g placed at each window's argmax, zeros elsewhere;  df/dg = gather there"""

    def forward(self, g, argmax, win):
        self.win = win
        self.save_for_backward(argmax)
        return _scatter(lambda o, out: np.multiply(g, argmax == o, out=out), win, g)

    def backward(self, u):
        return MaxPool2dGather.apply(u, argmax=self.saved[0], win=self.win)


class MaxPool2dGather(Function):
    """Read f(u) = u at each window's argmax (max pool with fixed winners);  df/du = route back"""

    def forward(self, u, argmax, win):
        self.win = win
        self.save_for_backward(argmax)
        out = np.zeros_like(argmax, dtype=u.dtype)
        for o, s in enumerate(_offset_slices(u, win, 0.0)):
            np.copyto(out, s, where=argmax == o)
        return out

    def backward(self, g):
        return MaxPool2dRoute.apply(g, argmax=self.saved[0], win=self.win)


class AvgPool2d(Function):
    """Average pooling f(x) = window sum / (kH kW);  df/dx = g / (kH kW) on each window cell"""

    def forward(self, x, win):
        self.win = win
        slices = _offset_slices(x, win, 0.0)
        out = slices[0].copy(order="K")
        for s in slices[1:]:
            out += s
        out *= x.dtype.type(1.0 / len(slices))           # padded zeros count (PyTorch's default)
        return out

    def backward(self, g):
        return AvgPool2dSpread.apply(g, win=self.win)


class AvgPool2dSpread(Function):
    """Spread f(g) = g / (kH kW) added to every cell of its window;  df/dg = average pooling"""

    def forward(self, g, win):
        self.win = win
        share = g * g.dtype.type(1.0 / len(win.offsets))
        return _scatter(lambda o, out: share if out is None else np.copyto(out, share), win, g)

    def backward(self, u):
        return AvgPool2d.apply(u, win=self.win)


class DropoutMethods:
    """Tensor.dropout (mixed into the class)."""

    __slots__ = ()

    def dropout(self, p: float = 0.5, training: bool = True, generator=None):
        """Inverted dropout: zero each element with probability p, scale the rest by 1/(1-p).

        The scaling keeps the expected value unchanged, so evaluation (training=False) is
        the identity. The mask comes from `generator` or else from the module-level
        generator that `tinygrad_edu.manual_seed(seed)` seeds.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.ones(3).dropout(0.5, training=False).tolist()
            [1.0, 1.0, 1.0]
        """
        if not isinstance(p, (int, float)) or not 0 <= p <= 1:
            raise ValueError(f"dropout: p is the probability of zeroing an element and must be in "
                             f"[0, 1], got {p!r}")
        if not training or p == 0:
            return self
        if p == 1:                      # every element dropped: zeros, gradient 0 (as PyTorch)
            return self * 0.0
        if self.dtype.kind != "f":
            raise TypeError(f"dropout: input has dtype {self.dtype}; dropout needs a floating "
                            f"tensor (convert with .float())")
        return Dropout.apply(self, mask=dropout_mask(self.shape, p, self.dtype, generator))
