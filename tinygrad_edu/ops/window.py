"""Window geometry shared by convolution and pooling, and the memory layout they use.

A sliding op (conv or pool) reads windows of kH x kW cells, `stride` apart, from an
input padded by `padding` cells, the cells of a window `dilation` apart. `Window` holds
that geometry and turns it into strided numpy views, so neither op loops over pixels.

Memory layout: arrays are logically NCHW, but conv and pool return them channel-major
in memory (a transposed view of a (C, N, H, W) buffer), see `conv.py` for why.
"""
from typing import NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv_output_size(size: int, kernel: int, stride: int = 1, padding: int = 0,
                     dilation: int = 1) -> int:
    """Output length of a sliding window: floor((size + 2p - d(k-1) - 1) / s) + 1.

    This is the summary notes' "(n + 2p - f)/s + 1" with the dilated kernel extent d(k-1) + 1 for f
    and the floor that drops a last window which would not fit.

    Example:
        >>> conv_output_size(28, 3), conv_output_size(28, 3, stride=2, padding=1)
        (26, 14)
    """
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


class Window(NamedTuple):
    """Where the windows of a 2-D sliding op (conv or pool) sit on its input.

    The geometry fields are (height, width) pairs. `view` returns every window of a
    padded array as a strided view (N, C, OH, OW, kH, kW), without copying. `flat` picks
    convolution's flat-shift GEMM layout (stride 1 only, see conv.py); pooling ignores it.
    """

    in_hw: tuple
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple = (1, 1)
    flat: bool = False

    @property
    def out_hw(self) -> tuple:
        return tuple(conv_output_size(*args) for args in
                     zip(self.in_hw, self.kernel, self.stride, self.padding, self.dilation))

    @property
    def padded_hw(self) -> tuple:
        return tuple(n + 2 * p for n, p in zip(self.in_hw, self.padding))

    @property
    def offsets(self):
        """(i, j) for every kernel position, row by row (the order PyTorch scans a window)."""
        return [(i, j) for i in range(self.kernel[0]) for j in range(self.kernel[1])]

    def pad(self, x: np.ndarray, fill=0.0) -> np.ndarray:
        """x surrounded by `padding` cells of `fill`, channel-major in memory (see top)."""
        if self.padding == (0, 0):
            return x
        n, c = x.shape[:2]
        ph, pw = self.padding
        xp = np.full((c, n) + self.padded_hw, fill, dtype=x.dtype).transpose(1, 0, 2, 3)
        xp[:, :, ph:ph + self.in_hw[0], pw:pw + self.in_hw[1]] = x
        return xp

    def crop(self, xp: np.ndarray) -> np.ndarray:
        """The inverse of `pad`: the unpadded centre of `xp` (a view)."""
        (ph, pw), (h, w) = self.padding, self.in_hw
        return xp[:, :, ph:ph + h, pw:pw + w]

    def view(self, xp: np.ndarray) -> np.ndarray:
        """All windows of the padded array `xp` as a (N, C, OH, OW, kH, kW) view."""
        sn, sc, sh, sw = xp.strides
        (s0, s1), (d0, d1) = self.stride, self.dilation
        return as_strided(xp, xp.shape[:2] + self.out_hw + self.kernel,
                          (sn, sc, s0 * sh, s1 * sw, d0 * sh, d1 * sw), writeable=False)

    def offset_slice(self, i: int, j: int) -> tuple:
        """Index of the padded-input cells that kernel position (i, j) sees, one per output."""
        (oh, ow), (s0, s1), (d0, d1) = self.out_hw, self.stride, self.dilation
        return (slice(None), slice(None), slice(i * d0, i * d0 + s0 * (oh - 1) + 1, s0),
                slice(j * d1, j * d1 + s1 * (ow - 1) + 1, s1))


def channel_major_zeros(n: int, c: int, hw: tuple, dtype) -> np.ndarray:
    """Zeros of logical shape (N, C, H, W) stored as (C, N, H, W) (see the layout note on top)."""
    return np.zeros((c, n) + tuple(hw), dtype=dtype).transpose(1, 0, 2, 3)
