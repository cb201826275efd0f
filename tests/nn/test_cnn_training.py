"""End to end: the synthetic image task (`tinygrad_edu.data.make_shapes`) and a small CNN
that learns it to at least 95% accuracy on held-out images in a few seconds."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu import Tensor, no_grad
from tinygrad_edu.data import make_shapes, IMAGE_CLASSES
from tinygrad_edu.ops.pool import manual_seed


def test_make_shapes_is_seeded_balanced_and_shaped_for_conv2d():
    X, y = make_shapes(301, size=12, n_classes=4, seed=5)
    assert X.shape == (301, 1, 12, 12) and X.dtype == np.float32 and y.dtype == np.int64
    assert sorted(np.bincount(y).tolist()) == [75, 75, 75, 76]
    X2, y2 = make_shapes(301, size=12, n_classes=4, seed=5)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(y, y2)
    assert not np.array_equal(make_shapes(301, size=12, n_classes=4, seed=6)[0], X)
    assert make_shapes(4, size=16, noise=0.0, seed=0, dtype=np.float64)[0].dtype == np.float64
    assert len(IMAGE_CLASSES) == 4


def test_make_shapes_classes_look_like_their_names():
    X, y = make_shapes(200, size=12, n_classes=4, noise=0.0, seed=0)
    images = X[:, 0] > 0
    longest_row = images.sum(axis=2).max(axis=1)      # most pixels in one row
    longest_col = images.sum(axis=1).max(axis=1)
    assert np.all(longest_row[y == 0] >= 6) and np.all(longest_col[y == 0] <= 2)
    assert np.all(longest_col[y == 1] >= 6) and np.all(longest_row[y == 1] <= 2)
    for label in (2, 3):                              # squares and crosses: both directions
        assert np.all((longest_row[y == label] >= 3) & (longest_col[y == label] >= 3))
    square_pixels, cross_pixels = images[y == 2].sum(axis=(1, 2)), images[y == 3].sum(axis=(1, 2))
    assert np.all(square_pixels == 4 * (longest_row[y == 2] - 1))    # a closed outline
    assert np.all(cross_pixels == longest_row[y == 3] + longest_col[y == 3] - 1)


@pytest.mark.parametrize("kwargs,pattern", [
    (dict(n_samples=0), "n_samples must be an integer >= 1"),
    (dict(size=6), "size must be an integer >= 8"),
    (dict(n_classes=5), "n_classes must be 2, 3 or 4"),
    (dict(noise=-1.0), "noise is a standard deviation"),
])
def test_make_shapes_rejects_bad_arguments(kwargs, pattern):
    with pytest.raises(ValueError, match="make_shapes: " + pattern):
        make_shapes(**kwargs)


def small_cnn(n_classes):
    return nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Flatten(), nn.Dropout(0.1), nn.Linear(16 * 3 * 3, n_classes))


def accuracy(model, X, y):
    model.eval()
    with no_grad():
        predicted = model(Tensor(X)).data.argmax(axis=1)
    model.train()
    return float((predicted == y).mean())


@pytest.mark.slow
def test_small_cnn_learns_the_shapes_task_to_95_percent():
    """Four classes (bars, stripes, squares, crosses) at random positions, 12x12, noise 0.1:
    600 training images, 200 held-out ones, 20 epochs of SGD with momentum written inline.
    (Over data/init seeds 0-5 this reaches 96.5-100% held-out accuracy, in 1-3 s.)"""
    X, y = make_shapes(600, size=12, n_classes=4, noise=0.1, seed=0)
    X_test, y_test = make_shapes(200, size=12, n_classes=4, noise=0.1, seed=1)
    nn.init.manual_seed(0)
    manual_seed(0)                                   # the dropout masks
    model = small_cnn(4)
    params = list(model.parameters())
    velocity = [np.zeros_like(p.data) for p in params]
    rng = np.random.default_rng(0)
    assert accuracy(model, X_test, y_test) < 0.5     # chance level before training
    epochs = 20
    for epoch in range(epochs):
        lr = 0.05 * 0.5 * (1 + np.cos(np.pi * epoch / epochs))     # cosine decay
        for batch in np.array_split(rng.permutation(len(y)), len(y) // 32):
            for p in params:
                p.zero_grad()
            loss = F.cross_entropy(model(Tensor(X[batch])), y[batch])
            loss.backward()
            for p, v in zip(params, velocity):
                v *= 0.9                             # heavy-ball momentum
                v += p.grad.data
                p.data -= lr * v
    test_accuracy = accuracy(model, X_test, y_test)
    assert test_accuracy >= 0.95, f"held-out accuracy {test_accuracy:.3f}"
    assert accuracy(model, X, y) >= 0.98
