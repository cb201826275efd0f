"""Handwritten digits: real MNIST from the user's IDX files, or scikit-learn's 8x8 digits.

Nothing is downloaded. MNIST must be supplied as the four IDX files of LeCun et al.
(gzipped or not) in one folder: train-images-idx3-ubyte, train-labels-idx1-ubyte,
t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte. The 8x8 digits ship inside
scikit-learn, the optional `examples` extra: pip install "tinygrad_edu[examples]".
"""
import gzip
import os
import struct

import numpy as np

_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str) -> np.ndarray:
    """Read one IDX file (the MNIST format): magic 0x0000 TT DD, DD big-endian uint32 sizes, data.

    Why by hand: the format is 10 lines of struct, and numpy reads the payload directly.

    Example:
        >>> # images = read_idx("mnist/train-images-idx3-ubyte.gz")  # (60000, 28, 28) uint8
    """
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise ValueError(f"read_idx: {path} is not an IDX file (bad magic number {raw[:4]!r})")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    data = np.frombuffer(raw, dtype=dtype, offset=4 + 4 * ndim)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"read_idx: {path} holds {data.size} values, its header says {shape}")
    return data.reshape(shape)


def _find(folder: str, stem: str) -> str:
    dotted = stem.replace("-idx", ".idx")  # some mirrors name them train-images.idx3-ubyte
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(f"MNIST file {stem}[.gz] not found in {folder!r}; it needs "
                            f"train-images-idx3-ubyte, train-labels-idx1-ubyte, "
                            f"t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte")


def load_mnist(folder: str):
    """(x_train, y_train, x_test, y_test) with pixels scaled to [0, 1] and images flattened."""
    parts = []
    for split in ("train", "t10k"):
        images = read_idx(_find(folder, f"{split}-images-idx3-ubyte"))
        labels = read_idx(_find(folder, f"{split}-labels-idx1-ubyte"))
        parts += [images.reshape(len(images), -1).astype(np.float64) / 255.0,
                  labels.astype(np.int64)]
    return tuple(parts)


def load_digits8x8(test_fraction: float = 0.2, seed: int = 0):
    """scikit-learn's 1797 8x8 digits, pixels scaled to [0, 1], split into train and test."""
    try:
        from sklearn.datasets import load_digits
    except ImportError:
        raise ImportError("the RNGD examples use scikit-learn's 8x8 digits; install the "
                          "examples extra: pip install 'tinygrad_edu[examples]' (or pass "
                          "--mnist DIR with the MNIST IDX files)") from None
    digits = load_digits()
    x, y = digits.data.astype(np.float64) / 16.0, digits.target.astype(np.int64)
    order = np.random.default_rng(seed).permutation(len(x))
    n_test = int(round(test_fraction * len(x)))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]
