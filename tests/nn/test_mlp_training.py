"""End-to-end training (micrograd's two-moons demo and a BatchNorm classifier) and the toy data."""
import time

import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu import Tensor
from tinygrad_edu.data import (make_moons, make_blobs, make_circles, train_test_split,
                               iterate_minibatches)


def _train_moons(loss_name, seed, steps=300):
    """micrograd's demo: MLP(2, 16, 16, 1), 100 moons, full batch, L2 1e-4, lr 1 -> 0.1."""
    X, y = make_moons(100, noise=0.1, seed=seed)
    nn.init.manual_seed(seed)
    model = nn.MLP([2, 16, 16, 1])
    inputs = Tensor(X)
    signs = Tensor((2 * y - 1).astype(np.float32))
    labels = Tensor(y.astype(np.float32))
    losses = []
    for k in range(steps):
        scores = model(inputs).reshape(-1)
        if loss_name == "hinge":
            data_loss = F.hinge_loss(scores, signs)
        else:
            data_loss = F.binary_cross_entropy_with_logits(scores, labels)
        loss = data_loss + 1e-4 * sum((p * p).sum() for p in model.parameters())
        model.zero_grad()
        loss.backward()
        lr = 1.0 - 0.9 * k / steps
        for p in model.parameters():
            p.data -= lr * p.grad.data
        losses.append(loss.item())
    accuracy = float(np.mean((model(inputs).data.reshape(-1) > 0) == (y == 1)))
    return accuracy, losses


@pytest.mark.slow
@pytest.mark.parametrize("loss_name", ["hinge", "bce_with_logits"])
def test_mlp_reaches_100_percent_on_two_moons(loss_name):
    start = time.perf_counter()
    accuracy, losses = _train_moons(loss_name, seed=0)
    elapsed = time.perf_counter() - start
    assert accuracy == 1.0
    assert losses[-1] < 0.1 * losses[0]
    assert elapsed < 10.0, f"300 full-batch steps took {elapsed:.1f} s"


@pytest.mark.slow
def test_batchnorm_classifier_with_optim_sgd_and_minibatches():
    optim = pytest.importorskip("optim")
    centers = np.array([[-3.0, 0.0], [3.0, 0.0], [0.0, 4.0]])    # Bayes accuracy about 99%
    X, y = make_blobs(300, centers=centers, cluster_std=1.0, seed=4)
    X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, seed=0)
    nn.init.manual_seed(1)
    model = nn.Sequential(nn.Linear(2, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    for epoch in range(15):
        for xb, yb in iterate_minibatches(X_train, y_train, batch_size=32, seed=epoch):
            opt.zero_grad()
            F.cross_entropy(model(Tensor(xb)), yb).backward()
            opt.step()
    model.eval()
    accuracy = np.mean(model(Tensor(X_test)).data.argmax(1) == y_test)
    assert accuracy >= 0.95
    assert model[1].num_batches_tracked.item() == 15 * 8


# ---------------------------------------------------------------- data generators

def test_make_moons_geometry_labels_and_seeding():
    X, y = make_moons(101, shuffle=False, dtype=np.float64)
    assert X.shape == (101, 2) and y.dtype == np.int64 and np.bincount(y).tolist() == [50, 51]
    upper, lower = X[y == 0], X[y == 1]
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)           # unit circle
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert upper[:, 1].min() >= 0 and lower[:, 1].max() <= 0.5
    a, b = make_moons(50, noise=0.2, seed=3), make_moons(50, noise=0.2, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    assert not np.array_equal(a[0], make_moons(50, noise=0.2, seed=4)[0])
    assert a[0].dtype == np.float32                     # the engine's default dtype


def test_make_moons_matches_scikit_learn_without_noise():
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = make_moons(100, shuffle=False, dtype=np.float64)
    X_ref, y_ref = datasets.make_moons(100, shuffle=False)
    np.testing.assert_allclose(X, X_ref, atol=1e-12)
    np.testing.assert_array_equal(y, y_ref)


def test_make_circles_and_blobs():
    X, y = make_circles(200, factor=0.3, seed=0, dtype=np.float64)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[y == 0], 1.0)
    np.testing.assert_allclose(radius[y == 1], 0.3)
    centers = np.array([[0.0, 0.0], [10.0, 10.0]])
    X, y = make_blobs(1000, centers=centers, cluster_std=[0.5, 2.0], seed=1, dtype=np.float64)
    for k, std in enumerate([0.5, 2.0]):
        np.testing.assert_allclose(X[y == k].mean(0), centers[k], atol=0.25)
        np.testing.assert_allclose(X[y == k].std(0), std, rtol=0.15)
    assert make_blobs(10, centers=4, n_features=5, seed=0)[0].shape == (10, 5)


def test_train_test_split_is_a_seeded_partition():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.3, seed=5)
    assert len(y_te) == 3 and sorted(np.concatenate([y_tr, y_te]).tolist()) == list(range(10))
    np.testing.assert_array_equal(X_tr[:, 0] // 2, y_tr)          # rows stay aligned
    np.testing.assert_array_equal(train_test_split(X, y, test_size=0.3, seed=5)[3], y_te)
    assert train_test_split(y, test_size=4, shuffle=False)[1].tolist() == [6, 7, 8, 9]
    with pytest.raises(ValueError, match="same number of rows"):
        train_test_split(X, y[:5])
    with pytest.raises(ValueError, match="both parts must be non-empty"):
        train_test_split(y, test_size=10)


def test_iterate_minibatches_covers_each_row_once_per_epoch():
    X, y = np.arange(10) * 10, np.arange(10)
    batches = list(iterate_minibatches(X, y, batch_size=4, seed=0))
    assert [len(b[1]) for b in batches] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == list(range(10))
    assert all(np.array_equal(xb, yb * 10) for xb, yb in batches)
    assert [len(b[0]) for b in iterate_minibatches(X, batch_size=4, drop_last=True)] == [4, 4]
    in_order = list(iterate_minibatches(y, batch_size=5, shuffle=False))
    assert in_order[0][0].tolist() == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="batch_size must be a positive integer"):
        next(iterate_minibatches(X, batch_size=0))


def test_generators_reject_bad_arguments():
    with pytest.raises(ValueError, match="make_moons: n_samples"):
        make_moons(1)
    with pytest.raises(ValueError, match="make_moons: noise"):
        make_moons(10, noise=-1)
    with pytest.raises(ValueError, match="make_circles: factor"):
        make_circles(10, factor=1.5)
    with pytest.raises(ValueError, match=r"make_blobs: centers must be an int or an array"):
        make_blobs(10, centers=np.zeros(3))
