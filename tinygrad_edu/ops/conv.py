"""Convolution as engine primitives (im2col + one GEMM), and the Tensor methods for
convolution and pooling (the pooling ops live in `pool.py`, with dropout).

A 2-D convolution (PyTorch's, i.e. a cross-correlation, the course notes (summary)) of an input
x (N, C, H, W) with a weight w (O, C, kH, kW) is

    y[n, o, r, c] = b[o] + sum_{ch, i, j} w[o, ch, i, j] * xp[n, ch, r*s + i*d, c*s + j*d]

with xp the zero-padded input, s the stride and d the dilation. Gathering every window
of xp into a "patch matrix" (im2col, a strided view copied once) turns the whole sum
into one matrix product: W (O, C*kH*kW) @ cols (C*kH*kW, N*OH*OW).

The op is bilinear, so its three derivatives are again convolution-shaped and are
written as primitives too, each one's backward made of the others (so create_graph
works and the gradient of a gradient is exact):

    Conv2d(x, w)            y  = conv(x, w)
    Conv2dInputGrad(g, w)   gx = the adjoint of conv in x ("col2im": k*k shifted adds)
    Conv2dWeightGrad(x, g)  gw = sum over every output position of g * patch of x
                                 (weight sharing: the course notes (summary), dR/dh = sum_i dR/dx_i dx_i/dh)

Memory layout: arrays are logically NCHW, but the ops here return them channel-major
in memory (a transposed view of a (C, N, H, W) buffer). The GEMM above lands in that
layout directly, and the weight gradient needs g as (O, N*OH*OW), which is then free.
Numpy ops keep the layout of their inputs, so a ReLU or a pool in between preserves it.
"""
import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..function import Function
from ..grad_mode import STATE
from .window import Window, channel_major_zeros, conv_output_size  # noqa: F401 (re-exported)
from .pool import MaxPool2d, AvgPool2d


# ---------------------------------------------------------------- GEMM layouts
# A GEMM column is one output position. In general the columns of image n are its
# OH*OW outputs. With stride 1 there is a "flat-shift" layout: in a row-major plane of
# width Wp, output (r, c) reads input cell (r + i*d, c + j*d), i.e. flat index r*Wp + c
# shifted by i*d*Wp + j*d. So let column t = r*Wp + c run over [0, (OH-1)*Wp + OW): kernel
# offset (i, j) then sees one contiguous run of each plane, and im2col / col2im copy long
# runs instead of OW-long pieces (2-3x faster). The columns with c >= OW are wasted work
# (they wrap into the next row) and get zero gradient, but the output gradient has to be
# copied into that gapped layout, which costs more than it saves when no input gradient
# (no col2im) is needed. So conv2d uses it when the input requires grad (`Window.flat`).

# GEMM columns (output positions) per chunk of the weight gradient. OpenBLAS multiplies
# long, thin products such as (16, 4512) @ (4512, 72) 2-4x slower than the same work cut
# into pieces of ~500-2000 columns (measured), and a chunk's patch matrix is small.
GRAD_COLUMNS = 1024


def _columns_per_image(win: Window) -> int:
    (oh, ow), wp = win.out_hw, win.padded_hw[1]
    return (oh - 1) * wp + ow if win.flat else oh * ow


def _output_view(rows: np.ndarray, n: int, win: Window) -> np.ndarray:
    """The (N, O, OH, OW) outputs inside a (O, N * columns) GEMM array (a view; its cells
    do not overlap, so writing through it is safe)."""
    o, size = rows.shape[0], rows.itemsize
    if not win.flat:
        return rows.reshape((o, n) + win.out_hw).transpose(1, 0, 2, 3)
    per_image = _columns_per_image(win)
    strides = (per_image * n * size, per_image * size, win.padded_hw[1] * size, size)
    return as_strided(rows, (o, n) + win.out_hw, strides).transpose(1, 0, 2, 3)


def to_rows(g: np.ndarray, win: Window) -> np.ndarray:
    """g (N, O, OH, OW) as the GEMM array (O, N * columns); wasted columns hold zeros."""
    n, o = g.shape[:2]
    if not win.flat:
        return g.transpose(1, 0, 2, 3).reshape(o, -1)     # free when g is channel-major
    rows = np.zeros((o, n * _columns_per_image(win)), dtype=g.dtype)
    _output_view(rows, n, win)[...] = g
    return rows


def im2col(x: np.ndarray, win: Window) -> np.ndarray:
    """Patch matrix (C*kH*kW, N * columns): column m holds the window of output position m.

    Rows are ordered (channel, i, j), like `weight.reshape(O, -1)`, so conv = W @ cols.
    """
    n, c = x.shape[:2]
    (kh, kw), (d0, d1) = win.kernel, win.dilation
    xp = win.pad(x)
    if not win.flat:
        windows = win.view(xp)                            # (N, C, OH, OW, kH, kW), no copy
        return windows.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, -1)
    if xp.strides[3] != xp.itemsize or xp.strides[2] != xp.shape[3] * xp.itemsize:
        xp = np.ascontiguousarray(xp)                     # each plane must be row-major
    sn, sc, sh, sw = xp.strides
    runs = as_strided(xp, (c, kh, kw, n, _columns_per_image(win)),
                      (sc, d0 * sh, d1 * sw, sn, sw))     # offset (i, j): one run per plane
    return runs.reshape(c * kh * kw, -1)


def col2im_gemm(w: np.ndarray, rows: np.ndarray, n: int, win: Window) -> np.ndarray:
    """The input gradient: col2im(W^T @ rows), one kernel offset at a time.

    Offset (i, j) sends w[:, :, i, j]^T g (a small GEMM) back to the input cells it read,
    one shifted slice per offset: a loop over the kH*kW offsets, never over pixels, never
    np.add.at. This is the full correlation of g with the rot180 kernel (the course notes (summary)). Doing
    the GEMM per offset keeps the temporary at 1/(kH*kW) of the full W^T @ rows.
    """
    c = w.shape[1]
    (hp, wp), (d0, d1) = win.padded_hw, win.dilation
    dxp = channel_major_zeros(n, c, win.padded_hw, np.result_type(w, rows))
    if win.flat:
        per_image = _columns_per_image(win)
        flat = dxp.transpose(1, 0, 2, 3).reshape(c, n, hp * wp)      # a view of dxp
    for i, j in win.offsets:
        part = w[:, :, i, j].T @ rows                   # (C, N * columns)
        if win.flat:
            shift = i * d0 * wp + j * d1
            flat[:, :, shift:shift + per_image] += part.reshape(c, n, per_image)
        else:
            dxp[win.offset_slice(i, j)] += part.reshape((c, n) + win.out_hw).transpose(1, 0, 2, 3)
    return win.crop(dxp)


class Conv2d(Function):
    """2-D convolution y = conv(x, w) + b;  dy/dx = Conv2dInputGrad(g, w),
    dy/dw = Conv2dWeightGrad(x, g), dy/db = sum of g over N, H, W"""

    def forward(self, x, w, b=None, win=None):
        self.win = win
        # the output (kept) is allocated before the patch matrix (freed on return), so the
        # heap does not fragment around it: measured fewer page faults per training step
        out = np.empty((w.shape[0], x.shape[0] * _columns_per_image(win)),
                       dtype=np.result_type(x, w))
        np.matmul(w.reshape(w.shape[0], -1), im2col(x, win), out=out)   # one GEMM for the batch
        if b is not None:
            out += b[:, None]
        # The patch matrix is not kept for backward: recomputing it there is cheaper than
        # the page faults of holding it (it is kH*kW times the input) until then.
        return _output_view(out, x.shape[0], win)

    def backward(self, g):
        x, w = self.inputs[0], self.inputs[1]
        need = self.needs_input_grad
        rows = to_rows(g.data, self.win) if need[0] or need[1] else None   # shared below
        gw = Conv2dWeightGrad.apply(x, g, win=self.win, rows=rows) if need[1] else None
        gx = Conv2dInputGrad.apply(g, w, win=self.win, rows=rows) if need[0] else None
        gb = g.sum(axis=(0, 2, 3)) if len(need) == 3 and need[2] else None
        return gx, gw, gb


class Conv2dInputGrad(Function):
    """Input gradient of conv, f(g, w) = J_x^T g (col2im of w^T g);  for a cotangent u:
    df/dg = conv(u, w), df/dw = Conv2dWeightGrad(u, g)"""

    def forward(self, g, w, win, rows=None):
        self.win = win
        rows = to_rows(g, win) if rows is None else rows
        return col2im_gemm(w, rows, g.shape[0], win)

    def backward(self, u):
        g, w = self.inputs
        need = self.needs_input_grad
        return (Conv2d.apply(u, w, win=self.win) if need[0] else None,
                Conv2dWeightGrad.apply(u, g, win=self.win) if need[1] else None)


class Conv2dWeightGrad(Function):
    """Weight gradient of conv, f(x, g) = sum over output positions of g * patch(x) (weight
    sharing, summary notes);  for a cotangent v: df/dx = Conv2dInputGrad(g, v), df/dg = conv(x, v)"""

    def forward(self, x, g, win, rows=None):
        self.win = win
        rows = to_rows(g, win) if rows is None else rows
        # The sum over positions is taken a few images at a time, sum_chunks rows @ cols^T:
        # the patch matrix of a chunk is small (fewer page faults than one of the whole
        # batch), and OpenBLAS is much faster on these shorter products (see GRAD_COLUMNS).
        n, per_image = x.shape[0], _columns_per_image(win)
        batch = max(1, GRAD_COLUMNS // per_image)
        gw = np.zeros((g.shape[1], x.shape[1] * win.kernel[0] * win.kernel[1]),
                      dtype=np.result_type(x, g))
        for start in range(0, n, batch):
            cols = im2col(x[start:start + batch], win)
            gw += rows[:, start * per_image:(start + batch) * per_image] @ cols.T
        return gw.reshape((g.shape[1], x.shape[1]) + win.kernel)

    def backward(self, v):
        x, g = self.inputs
        need = self.needs_input_grad
        return (Conv2dInputGrad.apply(g, v, win=self.win) if need[0] else None,
                Conv2d.apply(x, v, win=self.win) if need[1] else None)


# ---------------------------------------------------------------- argument checks
def _pair(op_name: str, arg_name: str, value, minimum: int) -> tuple:
    """An int or a pair of ints as a pair, each at least `minimum` (else a clear error)."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= minimum for v in pair):
        raise ValueError(f"{op_name}: {arg_name} must be an int >= {minimum} or a pair of them, "
                         f"got {value!r}")
    return tuple(int(v) for v in pair)


def _check_float(op_name: str, name: str, t):
    if t.dtype.kind != "f":
        raise TypeError(f"{op_name}: {name} has dtype {t.dtype}; convolution and pooling need "
                        f"floating tensors (convert with .float())")


def _check_fits(op_name: str, win: Window, x_shape: tuple, what: str):
    """Raise unless at least one window fits in the padded input."""
    extent = tuple(d * (k - 1) + 1 for k, d in zip(win.kernel, win.dilation))
    if any(e > n for e, n in zip(extent, win.padded_hw)):
        raise ValueError(f"{op_name}: {what} of size {win.kernel} (dilation {win.dilation}, "
                         f"extent {extent}) is larger than the padded input {win.padded_hw} "
                         f"(input shape {x_shape}, padding {win.padding}); use a smaller kernel "
                         f"or more padding")


def _check_rank(op_name: str, x, ndim: int, layout: str):
    if x.ndim != ndim:
        raise ValueError(f"{op_name}: expected a {ndim}-D input {layout}, or a {ndim - 1}-D one "
                         f"without the batch dim, got shape {x.shape}")


def _pool_window(op_name: str, x, kernel_size, stride, padding, dilation=1) -> Window:
    _check_rank(op_name, x, 4, "(N, C, H, W)")
    if op_name != "max_pool2d" or x.dtype.kind not in "iu":     # max of integers is exact
        _check_float(op_name, "input", x)
    kernel = _pair(op_name, "kernel_size", kernel_size, 1)
    stride = kernel if stride is None or stride == () else _pair(op_name, "stride", stride, 1)
    padding = _pair(op_name, "padding", padding, 0)
    if any(2 * p > k for p, k in zip(padding, kernel)):
        raise ValueError(f"{op_name}: padding {padding} must be at most half the kernel size "
                         f"{kernel} (as in PyTorch), so no window lies entirely in the padding")
    win = Window(x.shape[2:], kernel, stride, padding, _pair(op_name, "dilation", dilation, 1))
    _check_fits(op_name, win, x.shape, "kernel")
    return win


def _unbatched(x, ndim: int):
    """True when x lacks the batch dim (PyTorch's "no-batch-dim" input: (C, H, W) or (C, L))."""
    return x.ndim == ndim - 1


class ConvMethods:
    """Convolution and pooling methods of `Tensor` (mixed into the class)."""

    __slots__ = ()

    def conv2d(self, weight, bias=None, stride=1, padding=0, dilation=1):
        """2-D convolution (cross-correlation, as in PyTorch) of an NCHW batch.

        Why a primitive: im2col + one GEMM is far faster than composing it from slices,
        and the hand-written derivatives are themselves differentiable ops.

        Args:
            weight: (out_channels, in_channels, kH, kW).
            bias: (out_channels,) or None.
            stride, padding, dilation: an int or an (h, w) pair; zero padding.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.ones(2, 1, 28, 28).conv2d(Tensor.ones(8, 1, 3, 3), padding=1).shape
            (2, 8, 28, 28)
        """
        op = "conv2d"
        if _unbatched(self, 4):                 # one (C, H, W) image: a batch of one
            return self.unsqueeze(0).conv2d(weight, bias, stride, padding, dilation).squeeze(0)
        _check_rank(op, self, 4, "(N, C, H, W)")
        if weight.ndim != 4:
            raise ValueError(f"{op}: weight must be 4-D (out_channels, in_channels, kH, kW), got "
                             f"shape {weight.shape}")
        _check_float(op, "input", self)
        _check_float(op, "weight", weight)
        if self.shape[1] != weight.shape[1]:
            raise ValueError(f"{op}: input of shape {self.shape} has {self.shape[1]} channels but "
                             f"weight of shape {weight.shape} expects {weight.shape[1]} "
                             f"(weight is (out_channels, in_channels, kH, kW))")
        stride = _pair(op, "stride", stride, 1)
        win = Window(self.shape[2:], weight.shape[2:], stride, _pair(op, "padding", padding, 0),
                     _pair(op, "dilation", dilation, 1),
                     flat=stride == (1, 1) and self.requires_grad and STATE.grad_enabled)
        _check_fits(op, win, self.shape, f"kernel of weight {weight.shape}")
        if bias is None:
            return Conv2d.apply(self, weight, win=win)
        if bias.shape != (weight.shape[0],):
            raise ValueError(f"{op}: bias of shape {bias.shape} does not fit weight of shape "
                             f"{weight.shape}; expected ({weight.shape[0]},)")
        return Conv2d.apply(self, weight, bias, win=win)

    def conv1d(self, weight, bias=None, stride=1, padding=0, dilation=1):
        """1-D convolution of an (N, C, L) batch with weight (out_channels, in_channels, k).

        Computed as a 2-D convolution with a height-1 image and kernel, so it shares the
        same checked primitive.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.ones(4, 2, 10).conv1d(Tensor.ones(3, 2, 5), stride=2).shape
            (4, 3, 3)
        """
        op = "conv1d"
        if _unbatched(self, 3):                 # one (C, L) sequence: a batch of one
            return self.unsqueeze(0).conv1d(weight, bias, stride, padding, dilation).squeeze(0)
        _check_rank(op, self, 3, "(N, C, L)")
        if weight.ndim != 3:
            raise ValueError(f"{op}: weight must be 3-D (out_channels, in_channels, k), got "
                             f"shape {weight.shape}")
        if self.shape[1] != weight.shape[1]:
            raise ValueError(f"{op}: input of shape {self.shape} has {self.shape[1]} channels but "
                             f"weight of shape {weight.shape} expects {weight.shape[1]} "
                             f"(weight is (out_channels, in_channels, k))")
        stride, padding, dilation = (_one(op, "stride", stride, 1), _one(op, "padding", padding, 0),
                                     _one(op, "dilation", dilation, 1))
        k = weight.shape[2]
        if dilation * (k - 1) + 1 > self.shape[2] + 2 * padding:
            raise ValueError(f"{op}: kernel of size {k} (dilation {dilation}) is larger than the "
                             f"padded input length {self.shape[2] + 2 * padding} (input shape "
                             f"{self.shape}, padding {padding}); use a smaller kernel or more "
                             f"padding")
        if bias is not None and bias.shape != (weight.shape[0],):
            raise ValueError(f"{op}: bias of shape {bias.shape} does not fit weight of shape "
                             f"{weight.shape}; expected ({weight.shape[0]},)")
        out = self.unsqueeze(2).conv2d(weight.unsqueeze(2), bias, stride=(1, stride),
                                       padding=(0, padding), dilation=(1, dilation))
        return out.squeeze(2)

    def max_pool2d(self, kernel_size, stride=None, padding=0, dilation=1):
        """Maximum over each kernel_size window (stride defaults to kernel_size).

        The gradient goes to the one position that won each window (the first maximum in
        row-major order when there are ties, as in PyTorch); padding cells never win. A
        (C, H, W) input without the batch dim is pooled as a batch of one; integer inputs
        are pooled exactly (without gradient).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.arange(16.0).reshape(1, 1, 4, 4).max_pool2d(2).tolist()
            [[[[5.0, 7.0], [13.0, 15.0]]]]
        """
        if _unbatched(self, 4):
            return self.unsqueeze(0).max_pool2d(kernel_size, stride, padding, dilation).squeeze(0)
        return MaxPool2d.apply(self, win=_pool_window("max_pool2d", self, kernel_size, stride,
                                                      padding, dilation))

    def avg_pool2d(self, kernel_size, stride=None, padding=0):
        """Mean over each kernel_size window; padding zeros count in the mean (PyTorch default).

        Example:
            >>> from tinygrad_edu import Tensor
            >>> Tensor.arange(16.0).reshape(1, 1, 4, 4).avg_pool2d(2).tolist()
            [[[[2.5, 4.5], [10.5, 12.5]]]]
        """
        if _unbatched(self, 4):
            return self.unsqueeze(0).avg_pool2d(kernel_size, stride, padding).squeeze(0)
        return AvgPool2d.apply(self, win=_pool_window("avg_pool2d", self, kernel_size, stride,
                                                      padding))

    def max_pool1d(self, kernel_size, stride=None, padding=0, dilation=1):
        """Maximum over windows of an (N, C, L) batch, or one (C, L) sequence (a height-1
        max_pool2d)."""
        if _unbatched(self, 3):
            return self.unsqueeze(0).max_pool1d(kernel_size, stride, padding, dilation).squeeze(0)
        _check_rank("max_pool1d", self, 3, "(N, C, L)")
        return self.unsqueeze(2).max_pool2d(
            (1, _one("max_pool1d", "kernel_size", kernel_size, 1)),
            None if stride is None or stride == () else (1, _one("max_pool1d", "stride", stride, 1)),
            (0, _one("max_pool1d", "padding", padding, 0)),
            (1, _one("max_pool1d", "dilation", dilation, 1))).squeeze(2)

    def avg_pool1d(self, kernel_size, stride=None, padding=0):
        """Mean over windows of an (N, C, L) batch, or one (C, L) sequence (a height-1
        avg_pool2d)."""
        if _unbatched(self, 3):
            return self.unsqueeze(0).avg_pool1d(kernel_size, stride, padding).squeeze(0)
        _check_rank("avg_pool1d", self, 3, "(N, C, L)")
        return self.unsqueeze(2).avg_pool2d(
            (1, _one("avg_pool1d", "kernel_size", kernel_size, 1)),
            None if stride is None or stride == () else (1, _one("avg_pool1d", "stride", stride, 1)),
            (0, _one("avg_pool1d", "padding", padding, 0))).squeeze(2)


def _one(op_name: str, arg_name: str, value, minimum: int) -> int:
    """A single int >= minimum (the 1-D ops take no pairs)."""
    if isinstance(value, (tuple, list)) and len(value) == 1:
        value = value[0]
    if not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"{op_name}: {arg_name} must be an int >= {minimum}, got {value!r}")
    return int(value)
