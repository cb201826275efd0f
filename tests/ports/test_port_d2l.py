"""Port of a "Dive into Deep Learning" from-scratch chapter: softmax regression implemented from
scratch (d2l sec. "Softmax Regression Implementation from Scratch"), with the book's own softmax,
cross-entropy by fancy indexing, accuracy, data iterator and the scratch minibatch SGD:

    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()

The chapter's code is written once and run with `torch` and with `tinygrad_edu` (`data` is
torch.utils.data or tinygrad_edu.utils.data): only the imports change. The initial weights are
drawn once with numpy (the book draws them with torch.normal; the generators differ) and a small
synthetic dataset replaces Fashion-MNIST. Every value and gradient is compared in float64; the
in-place update is the idiom that silently did nothing before issue 12. Written from the book's
description, not copied.
"""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.utils import data as tg_data

NUM_INPUTS, NUM_OUTPUTS, N = 12, 4, 60


def synthetic(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((N, NUM_INPUTS))
    y = (X @ rng.standard_normal((NUM_INPUTS, NUM_OUTPUTS))).argmax(axis=1)
    return X, y


def chapter(lib, data, epochs=3, lr=0.1, batch_size=16):
    """The chapter, top to bottom; returns the per-epoch records and the final parameters."""
    rng = np.random.default_rng(1)
    W = lib.tensor(rng.normal(0, 0.01, size=(NUM_INPUTS, NUM_OUTPUTS)), requires_grad=True)
    b = lib.zeros(NUM_OUTPUTS, dtype=lib.float64, requires_grad=True)

    def softmax(X):
        X_exp = lib.exp(X)
        partition = X_exp.sum(1, keepdim=True)
        return X_exp / partition          # broadcasting

    def net(X):
        return softmax(lib.matmul(X.reshape((-1, W.shape[0])), W) + b)

    def cross_entropy(y_hat, y):
        return - lib.log(y_hat[range(len(y_hat)), y])

    def accuracy(y_hat, y):
        if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
            y_hat = y_hat.argmax(axis=1)
        cmp = y_hat.type(y.dtype) == y
        return float(cmp.type(y.dtype).sum())

    def sgd(params, lr, batch_size):
        with lib.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    def load_array(data_arrays, batch_size, is_train=False):
        dataset = data.TensorDataset(*data_arrays)
        return data.DataLoader(dataset, batch_size, shuffle=is_train)

    X_np, y_np = synthetic()
    train_iter = load_array((lib.tensor(X_np), lib.tensor(y_np)), batch_size)
    records = []
    for epoch in range(epochs):
        total_loss, total_correct, grads = 0.0, 0.0, []
        for X, y in train_iter:
            y_hat = net(X)
            l = cross_entropy(y_hat, y)                  # noqa: E741 (the book's name)
            l.sum().backward()
            grads.append((W.grad.numpy().copy(), b.grad.numpy().copy()))
            sgd([W, b], lr, batch_size)
            total_loss += float(l.sum())
            total_correct += accuracy(y_hat, y)
        records.append((total_loss / N, total_correct / N, grads))
    return records, W.detach().numpy(), b.detach().numpy()


@pytest.mark.filterwarnings("ignore:Converting a tensor with requires_grad")   # torch's float(l)
def test_softmax_regression_from_scratch_matches_torch(torch):
    theirs, t_W, t_b = chapter(torch, torch.utils.data)
    ours, m_W, m_b = chapter(tinygrad_edu, tg_data)
    for (m_loss, m_acc, m_grads), (t_loss, t_acc, t_grads) in zip(ours, theirs):
        assert m_loss == pytest.approx(t_loss, rel=1e-13)
        assert m_acc == t_acc
        for (gw, gb), (tw, tb) in zip(m_grads, t_grads):
            np.testing.assert_allclose(gw, tw, rtol=1e-11, atol=1e-15)
            np.testing.assert_allclose(gb, tb, rtol=1e-11, atol=1e-15)
    np.testing.assert_allclose(m_W, t_W, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(m_b, t_b, rtol=1e-12, atol=1e-15)


def test_scratch_sgd_really_updates_and_learns():
    records, W, b = chapter(tinygrad_edu, tg_data, epochs=8, lr=0.5)
    start = np.random.default_rng(1).normal(0, 0.01, size=(NUM_INPUTS, NUM_OUTPUTS))
    assert np.abs(W - start).max() > 0.01                # `param -= ...` changed the weights
    losses = [r[0] for r in records]
    assert losses[-1] < losses[0] * 0.8
    assert records[-1][1] > 0.6                           # accuracy well above 1/4 chance
    assert np.all(records[-1][2][-1][0] != 0)           # grads of the last batch were fresh


def test_closed_form_gradient_of_the_first_batch():
    # d/dW sum_i -log softmax(x_i W + b)[y_i] = X^T (softmax - onehot(y)) (seed 002, 3.2)
    records, _, _ = chapter(tinygrad_edu, tg_data, epochs=1)
    X, y = synthetic()
    X, y = X[:16], y[:16]
    W0 = np.random.default_rng(1).normal(0, 0.01, size=(NUM_INPUTS, NUM_OUTPUTS))
    z = X @ W0
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    p[np.arange(16), y] -= 1
    np.testing.assert_allclose(records[0][2][0][0], X.T @ p, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(records[0][2][0][1], p.sum(axis=0), rtol=1e-12, atol=1e-15)


# ---------------------------------------------------------------- d2l: MLP from scratch
HIDDEN = 16


def mlp_chapter(lib, nn, data, epochs=2, lr=0.1, batch_size=20):
    """d2l's "Implementation of Multilayer Perceptrons" from scratch: parameters as nn.Parameter,
    the book's relu via max(X, zeros_like(X)), CrossEntropyLoss(reduction='none'), optim.SGD."""
    rng = np.random.default_rng(2)
    W1 = nn.Parameter(lib.tensor(rng.standard_normal((NUM_INPUTS, HIDDEN))) * 0.01)
    b1 = nn.Parameter(lib.zeros(HIDDEN, dtype=lib.float64))
    W2 = nn.Parameter(lib.tensor(rng.standard_normal((HIDDEN, NUM_OUTPUTS))) * 0.01)
    b2 = nn.Parameter(lib.zeros(NUM_OUTPUTS, dtype=lib.float64))
    params = [W1, b1, W2, b2]

    def relu(X):
        a = lib.zeros_like(X)
        return lib.max(X, a)

    def net(X):
        X = X.reshape((-1, NUM_INPUTS))
        H = relu(X @ W1 + b1)
        return H @ W2 + b2

    loss = nn.CrossEntropyLoss(reduction="none")
    updater = lib.optim.SGD(params, lr=lr)
    X_np, y_np = synthetic(3)
    train_iter = data.DataLoader(data.TensorDataset(lib.tensor(X_np), lib.tensor(y_np)),
                                 batch_size)
    losses, grads = [], []
    for epoch in range(epochs):
        for X, y in train_iter:
            y_hat = net(X)
            l = loss(y_hat, y)                           # noqa: E741 (the book's name)
            updater.zero_grad()
            l.mean().backward()
            grads.append([p.grad.numpy().copy() for p in params])
            updater.step()
            losses.append(l.mean().item())
    return losses, grads, [p.detach().numpy() for p in params]


def test_mlp_from_scratch_matches_torch(torch):
    import tinygrad_edu.optim  # noqa: F401 (lib.optim, as torch.optim)
    theirs = mlp_chapter(torch, torch.nn, torch.utils.data)
    ours = mlp_chapter(tinygrad_edu, tinygrad_edu.nn, tg_data)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-13)
    for step_ours, step_theirs in zip(ours[1], theirs[1]):
        for g_ours, g_theirs in zip(step_ours, step_theirs):
            np.testing.assert_allclose(g_ours, g_theirs, rtol=1e-11, atol=1e-16)
    for p_ours, p_theirs in zip(ours[2], theirs[2]):
        np.testing.assert_allclose(p_ours, p_theirs, rtol=1e-12, atol=1e-16)
