"""End to end: an LSTM learns sequence tasks well above chance; the sequence datasets themselves."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu import optim
from tinygrad_edu import Tensor
from tinygrad_edu.data import adding_problem, running_sum_sign, delayed_echo

F = nn.functional


@pytest.mark.slow
def test_lstm_learns_the_sign_of_the_running_sum():
    """Per-step classification, chance 50%: required test accuracy >= 90% (reaches ~98%)."""
    nn.init.manual_seed(0)
    x, y = running_sum_sign(512, 12, seed=0)
    x_test, y_test = running_sum_sign(256, 12, seed=1)
    lstm, head = nn.LSTM(1, 12), nn.Linear(12, 1)
    opt = optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.03)
    first = None
    for step in range(150):
        batch = slice((step % 8) * 64, (step % 8 + 1) * 64)
        out, _ = lstm(Tensor(x[:, batch]))                         # (L, N, H): every step
        logits = head(out).squeeze(-1)
        loss = F.binary_cross_entropy_with_logits(logits, Tensor(y[:, batch].astype(np.float32)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        first = loss.item() if first is None else first
    out, _ = lstm(Tensor(x_test))
    accuracy = ((head(out).squeeze(-1).data > 0) == y_test).mean()
    assert accuracy >= 0.90, f"test accuracy {accuracy:.3f} (chance 0.5), first loss {first:.3f}"


@pytest.mark.slow
def test_lstm_solves_the_adding_problem_with_short_sequences():
    """Regression on h_n, L = 8: required test MSE < 0.03, the mean predictor's is 1/6 (reaches
    ~0.005)."""
    nn.init.manual_seed(0)
    x, y = adding_problem(512, 8, seed=0)
    x_test, y_test = adding_problem(512, 8, seed=100)
    lstm, head = nn.LSTM(2, 16), nn.Linear(16, 1)
    opt = optim.Adam([*lstm.parameters(), *head.parameters()], lr=0.02)
    for step in range(300):
        batch = slice((step % 8) * 64, (step % 8 + 1) * 64)
        _, (h_n, _) = lstm(Tensor(x[:, batch]))
        loss = F.mse_loss(head(h_n[0]), Tensor(y[batch]))      # readout of the last h
        opt.zero_grad()
        loss.backward()
        opt.step()
    _, (h_n, _) = lstm(Tensor(x_test))
    mse = float(((head(h_n[0]).data - y_test) ** 2).mean())
    baseline = float(((y_test - y_test.mean()) ** 2).mean())
    assert 0.12 < baseline < 0.22                                   # ~1/6: the task is not trivial
    assert mse < 0.03, f"test MSE {mse:.4f}, mean predictor {baseline:.4f}"


# ---------------------------------------------------------------- the datasets

def test_adding_problem_marks_one_value_in_each_half_and_sums_them():
    x, y = adding_problem(50, 9, seed=3)
    assert x.shape == (9, 50, 2) and y.shape == (50, 1) and x.dtype == y.dtype == np.float32
    markers = x[:, :, 1]
    assert (markers.sum(axis=0) == 2).all()
    assert (markers[:4].sum(axis=0) == 1).all() and (markers[4:].sum(axis=0) == 1).all()
    np.testing.assert_allclose(y[:, 0], (x[:, :, 0] * markers).sum(axis=0), rtol=1e-6)
    xb, yb = adding_problem(50, 9, seed=3, batch_first=True, dtype=np.float64)
    assert xb.shape == (50, 9, 2) and xb.dtype == np.float64
    np.testing.assert_allclose(xb.transpose(1, 0, 2), x, rtol=1e-6)
    np.testing.assert_allclose(yb, y, rtol=1e-6)


def test_running_sum_sign_labels_follow_the_cumulative_sum():
    x, y = running_sum_sign(200, 15, seed=4)
    assert x.shape == (15, 200, 1) and y.shape == (15, 200) and y.dtype == np.int64
    assert ((np.cumsum(x[:, :, 0].astype(np.float64), axis=0) > 0) == y).all()
    assert 0.4 < y.mean() < 0.6                   # balanced: chance accuracy is 50%
    assert (running_sum_sign(200, 15, seed=4)[0] == x).all()
    assert not (running_sum_sign(200, 15, seed=5)[0] == x).all()


def test_delayed_echo_repeats_the_input_after_the_delay():
    x, y = delayed_echo(30, 10, delay=3, seed=5, batch_first=True)
    assert x.shape == (30, 10, 1) and y.shape == (30, 10)
    assert (y[:, 3:] == x[:, :-3, 0]).all() and (y[:, :3] == 0).all()
    assert set(np.unique(x)) == {0.0, 1.0}


@pytest.mark.parametrize("call, words", [
    (lambda: adding_problem(10, 1), ["adding_problem", "seq_len", ">= 2", "1"]),
    (lambda: running_sum_sign(0, 5), ["running_sum_sign", "n_samples", ">= 1"]),
    (lambda: delayed_echo(4, 3, delay=3), ["delayed_echo", "seq_len", ">= 4"]),
    (lambda: delayed_echo(4, 5, delay=-1), ["delayed_echo", "delay", ">= 0"]),
])
def test_bad_sizes_raise_clear_errors(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)
