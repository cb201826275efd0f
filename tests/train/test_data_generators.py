"""make_spirals, make_xor and sine_continuation: shapes, dtypes, seeds, the geometry they promise."""
import numpy as np
import pytest

from tinygrad_edu.data import make_spirals, make_xor, sine_continuation


def test_spirals_shapes_dtypes_and_balance():
    X, y = make_spirals(301, n_classes=3, seed=0)
    assert X.shape == (301, 2) and X.dtype == np.float32 and y.dtype == np.int64
    assert sorted(np.bincount(y).tolist()) == [100, 100, 101]
    assert make_spirals(10, seed=0, dtype=np.float64)[0].dtype == np.float64


def test_spirals_are_seeded():
    a, b, c = (make_spirals(90, seed=s)[0] for s in (4, 4, 5))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_spiral_arms_follow_their_angle_without_noise():
    """Without noise, point at radius r of arm k has angle 2 pi (turns r + k / K) (mod 2 pi)."""
    X, y = make_spirals(120, n_classes=3, noise=0.0, turns=1.5, seed=0, shuffle=False)
    r = np.hypot(X[:, 0], X[:, 1]).astype(np.float64)
    keep = r > 1e-6
    expected = 2 * np.pi * (1.5 * r + y / 3.0)
    angle = np.arctan2(X[:, 1], X[:, 0])
    diff = np.angle(np.exp(1j * (angle - expected)))[keep]
    assert np.abs(diff).max() < 1e-4
    assert r.max() == pytest.approx(1.0, abs=1e-6)


def test_xor_labels_are_the_quadrant_parity_and_keep_the_margin():
    X, y = make_xor(400, margin=0.2, seed=1)
    assert X.shape == (400, 2) and y.dtype == np.int64
    np.testing.assert_array_equal(y, (X[:, 0] > 0) ^ (X[:, 1] > 0))
    assert np.abs(X).min() >= 0.2 - 1e-6 and np.abs(X).max() <= 1.0
    assert 0.35 < y.mean() < 0.65
    noisy, labels = make_xor(400, margin=0.2, noise=0.3, seed=1)
    np.testing.assert_array_equal(labels, y)            # labels come from the clean points
    assert not np.allclose(noisy, X)
    np.testing.assert_array_equal(make_xor(50, seed=7)[0], make_xor(50, seed=7)[0])


def test_sine_continuation_targets_continue_the_wave():
    x, y = sine_continuation(64, seq_len=16, horizon=3, seed=2)
    assert x.shape == (16, 64, 1) and y.shape == (64, 3) and x.dtype == y.dtype == np.float32
    xb, yb = sine_continuation(64, seq_len=16, horizon=3, seed=2, batch_first=True)
    assert xb.shape == (64, 16, 1)
    np.testing.assert_array_equal(xb.transpose(1, 0, 2), x)
    np.testing.assert_array_equal(yb, y)
    # a pure sine satisfies s[t+1] = 2 cos(w) s[t] - s[t-1]; fit cos(w) on the inputs, check y
    seq = np.concatenate([xb[:, :, 0], yb], axis=1).astype(np.float64)
    for row in seq:
        c = np.linalg.lstsq(row[1:15, None] * 2, row[2:16] + row[0:14], rcond=None)[0][0]
        predicted = 2 * c * row[15:-1] - row[14:-2]
        np.testing.assert_allclose(predicted, row[16:], atol=1e-4)


def test_sine_continuation_baselines_are_not_trivial():
    x, y = sine_continuation(2000, seq_len=20, seed=0)
    mean_predictor = float((y ** 2).mean())
    last_value = float(((y[:, 0] - x[-1, :, 0]) ** 2).mean())
    assert 0.4 < mean_predictor < 0.7          # about E[a^2] / 2 = 13/24
    assert 0.02 < last_value < mean_predictor


@pytest.mark.parametrize("call, words", [
    (lambda: make_spirals(1), ["make_spirals", "n_samples", ">= 2"]),
    (lambda: make_spirals(10, n_classes=1), ["make_spirals", "n_classes", ">= 2"]),
    (lambda: make_spirals(10, turns=0), ["make_spirals", "turns", "> 0"]),
    (lambda: make_spirals(10, noise=-1), ["make_spirals", "noise", ">= 0"]),
    (lambda: make_xor(3), ["make_xor", "n_samples", ">= 4"]),
    (lambda: make_xor(10, margin=1.0), ["make_xor", "margin", "[0, 1)"]),
    (lambda: sine_continuation(0), ["sine_continuation", "n_samples", ">= 1"]),
    (lambda: sine_continuation(4, horizon=0), ["sine_continuation", "horizon", ">= 1"]),
    (lambda: sine_continuation(4, freq_range=(0.1, 0.6)), ["sine_continuation", "Nyquist"]),
    (lambda: sine_continuation(4, amp_range=(0, 1)), ["sine_continuation", "amp_range"]),
])
def test_bad_arguments_raise_clear_errors(call, words):
    with pytest.raises(ValueError) as info:
        call()
    for word in words:
        assert word in str(info.value)
