"""A synthetic image task for convolutional networks: bars, stripes and simple shapes.

Why: a CNN lesson needs images whose classes differ by *local* patterns that appear at
random positions (what weight sharing and pooling are good at), in a few hundred tiny
images that need no download and train in seconds. A fully connected network sees a
shifted bar as a new input; a convolution sees the same edge detector fire elsewhere.

Each image is one channel, `size` x `size`, background 0, strokes of intensity in
[0.6, 1], plus Gaussian pixel noise. The classes (in label order):

    0 "horizontal bars"  one or two horizontal strokes, at least half the width long
    1 "vertical bars"    the same, vertical
    2 "square"           the outline of a square, side 4 .. size - 2
    3 "cross"            a plus sign with arms of length 2 .. size // 2 - 1
"""
import numpy as np

from ..dtypes import get_default_dtype

IMAGE_CLASSES = ("horizontal bars", "vertical bars", "square", "cross")


def _bars(image, rng, vertical):
    size = image.shape[0]
    for _ in range(rng.integers(1, 3)):
        length = rng.integers((size + 1) // 2, size + 1)
        start = rng.integers(0, size - length + 1)
        line = rng.integers(0, size)
        if vertical:
            image[start:start + length, line] = rng.uniform(0.6, 1.0)
        else:
            image[line, start:start + length] = rng.uniform(0.6, 1.0)


def _square(image, rng):
    size = image.shape[0]
    side = rng.integers(4, size - 1)
    top, left = rng.integers(0, size - side + 1, size=2)
    value = rng.uniform(0.6, 1.0)
    bottom, right = top + side - 1, left + side - 1
    image[top, left:right + 1] = image[bottom, left:right + 1] = value
    image[top:bottom + 1, left] = image[top:bottom + 1, right] = value


def _cross(image, rng):
    size = image.shape[0]
    arm = rng.integers(2, size // 2)
    row, col = rng.integers(arm, size - arm, size=2)
    value = rng.uniform(0.6, 1.0)
    image[row, col - arm:col + arm + 1] = value
    image[row - arm:row + arm + 1, col] = value


_DRAW = (lambda im, rng: _bars(im, rng, vertical=False),
         lambda im, rng: _bars(im, rng, vertical=True),
         _square, _cross)


def make_shapes(n_samples: int = 300, size: int = 12, n_classes: int = 3, noise: float = 0.1,
                seed=None, dtype=None):
    """Images of bars, stripes and shapes at random positions, with class labels.

    Args:
        n_samples: number of images; the classes are balanced (they differ by at most 1).
        size: height and width in pixels (at least 8).
        n_classes: use the first 2, 3 or 4 classes of `IMAGE_CLASSES`.
        noise: standard deviation of the Gaussian noise added to every pixel.
        seed: seed of the numpy generator (None: a fresh random draw).
        dtype: dtype of the images (the engine's default float dtype when None).

    Returns:
        (X, y): X of shape (n_samples, 1, size, size) (NCHW, ready for `nn.Conv2d`),
        y of shape (n_samples,) with int64 labels in [0, n_classes).

    Example:
        >>> X, y = make_shapes(6, size=12, seed=0)
        >>> X.shape, sorted(y.tolist())
        ((6, 1, 12, 12), [0, 0, 1, 1, 2, 2])
    """
    if isinstance(n_samples, bool) or not isinstance(n_samples, (int, np.integer)) \
            or n_samples < 1:
        raise ValueError(f"make_shapes: n_samples must be an integer >= 1, got {n_samples!r}")
    if not isinstance(size, (int, np.integer)) or size < 8:
        raise ValueError(f"make_shapes: size must be an integer >= 8 (the shapes need room), "
                         f"got {size!r}")
    if n_classes not in (2, 3, 4):
        raise ValueError(f"make_shapes: n_classes must be 2, 3 or 4 (classes "
                         f"{IMAGE_CLASSES}), got {n_classes!r}")
    if not noise >= 0:
        raise ValueError(f"make_shapes: noise is a standard deviation and must be >= 0, "
                         f"got {noise}")
    rng = np.random.default_rng(seed)
    y = np.arange(n_samples) % n_classes
    rng.shuffle(y)
    X = np.zeros((n_samples, 1, size, size))
    for image, label in zip(X[:, 0], y):
        _DRAW[label](image, rng)
    X += rng.normal(scale=noise, size=X.shape) if noise > 0 else 0.0
    return X.astype(dtype or get_default_dtype()), y.astype(np.int64)
