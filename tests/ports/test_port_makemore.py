"""Port of the makemore MLP lecture (Karpathy, "Building makemore Part 2: MLP", after Bengio et
al. 2003): a character-level language model with an embedding table, a tanh hidden layer and a
cross-entropy loss, trained by hand-written SGD on the parameter list.

The lecture's code is written once, as in the notebook, and run with `torch` and with
`tinygrad_edu` (`F` is torch.nn.functional or tinygrad_edu.nn.functional): only the import
changes. The random initial values are drawn once with numpy and given to both (the libraries'
generators differ); the lecture's own `torch.randn(..., generator=g)` lines are checked on their
own below. Every value and gradient is compared in float64. Written from the lecture, not copied.
"""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu.nn import functional as tg_F

WORDS = ["emma", "olivia", "ava", "isabella", "sophia", "mia", "amelia", "harper", "evelyn",
         "abigail", "emily", "ella", "elizabeth", "camila", "luna", "sofia", "avery", "mila"]
BLOCK_SIZE = 3                    # characters of context to predict the next one


def build_dataset(lib, words):
    """The lecture's build_dataset: every (3-character context, next character) pair."""
    chars = sorted(set("".join(words)))
    stoi = {s: i + 1 for i, s in enumerate(chars)}
    stoi["."] = 0
    X, Y = [], []
    for w in words:
        context = [0] * BLOCK_SIZE
        for ch in w + ".":
            ix = stoi[ch]
            X.append(context)
            Y.append(ix)
            context = context[1:] + [ix]
    return lib.tensor(X), lib.tensor(Y), len(stoi)


def init_values(vocab, n_embd=10, n_hidden=64, seed=2147483647):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(shape) for shape in
            ((vocab, n_embd), (BLOCK_SIZE * n_embd, n_hidden), (n_hidden,), (n_hidden, vocab),
             (vocab,))]


def train(lib, F, steps=3, batch=None):
    """The lecture's training cell; returns the losses, the logits of the last step, the
    parameters and their gradients of the last step."""
    X, Y, vocab = build_dataset(lib, WORDS)
    C, W1, b1, W2, b2 = (lib.tensor(v) for v in init_values(vocab))
    parameters = [C, W1, b1, W2, b2]
    for p in parameters:
        p.requires_grad = True
    batches = np.random.default_rng(0).integers(0, X.shape[0], size=(steps, 32))
    losses, grads = [], []
    for i in range(steps):
        ix = lib.tensor(batches[i])
        # forward pass
        emb = C[X[ix]]                                   # (32, 3, 10)
        h = lib.tanh(emb.view(-1, BLOCK_SIZE * 10) @ W1 + b1)   # (32, 64)
        logits = h @ W2 + b2                             # (32, vocab)
        loss = F.cross_entropy(logits, Y[ix])
        # backward pass
        for p in parameters:
            p.grad = None
        loss.backward()
        grads.append([p.grad.numpy().copy() for p in parameters])
        # update
        lr = 0.1
        for p in parameters:
            p.data += -lr * p.grad
        losses.append(loss.item())
    return losses, logits.detach().numpy(), [p.detach().numpy() for p in parameters], grads


def evaluate(lib, F, parameters):
    """The lecture's evaluation: the loss on the whole set, without a graph."""
    X, Y, _ = build_dataset(lib, WORDS)
    C, W1, b1, W2, b2 = (lib.tensor(p) for p in parameters)
    with lib.no_grad():
        emb = C[X]
        h = lib.tanh(emb.view(-1, BLOCK_SIZE * 10) @ W1 + b1)
        logits = h @ W2 + b2
        return F.cross_entropy(logits, Y).item()


def test_makemore_mlp_training_matches_torch(torch):
    t_losses, t_logits, t_params, t_grads = train(torch, torch.nn.functional)
    m_losses, m_logits, m_params, m_grads = train(tinygrad_edu, tg_F)
    np.testing.assert_allclose(m_losses, t_losses, rtol=1e-13)
    np.testing.assert_allclose(m_logits, t_logits, rtol=1e-12, atol=1e-12)
    for step_ours, step_theirs in zip(m_grads, t_grads):
        for g_ours, g_theirs in zip(step_ours, step_theirs):
            np.testing.assert_allclose(g_ours, g_theirs, rtol=1e-11, atol=1e-14)
    for p_ours, p_theirs in zip(m_params, t_params):
        np.testing.assert_allclose(p_ours, p_theirs, rtol=1e-12, atol=1e-14)
    assert m_losses[-1] < m_losses[0]                    # the three steps made progress
    assert evaluate(tinygrad_edu, tg_F, m_params) == pytest.approx(
        evaluate(torch, torch.nn.functional, t_params), rel=1e-13)


def test_embedding_gradient_accumulates_repeated_rows(torch):
    # the lecture's C[X] picks some rows many times: their gradients must add up
    _, _, _, m_grads = train(tinygrad_edu, tg_F, steps=1)
    X, _, vocab = build_dataset(tinygrad_edu, WORDS)
    used = np.unique(X.numpy()[np.random.default_rng(0).integers(0, X.shape[0], size=(1, 32))[0]])
    grad_c = m_grads[0][0]
    assert np.all(np.abs(grad_c[np.setdiff1d(np.arange(vocab), used)]) == 0)
    assert np.all(np.abs(grad_c[used]).sum(axis=1) > 0)


def test_lectures_seeded_init_lines_run(torch):
    # the notebook's own init: g = torch.Generator().manual_seed(2147483647); torch.randn(...,
    # generator=g). The values differ between libraries; the code must run and be reproducible.
    def init(lib):
        g = lib.Generator().manual_seed(2147483647)
        C = lib.randn((27, 10), generator=g)
        W1 = lib.randn((30, 200), generator=g)
        ix = lib.randint(0, 100, (32,), generator=g)
        return C, W1, ix

    for lib in (torch, tinygrad_edu):
        C, W1, ix = init(lib)
        assert tuple(C.shape) == (27, 10) and tuple(W1.shape) == (30, 200)
        assert tuple(ix.shape) == (32,) and 0 <= int(ix.min()) and int(ix.max()) < 100
    again = init(tinygrad_edu)[0]
    np.testing.assert_array_equal(init(tinygrad_edu)[0].numpy(), again.numpy())
