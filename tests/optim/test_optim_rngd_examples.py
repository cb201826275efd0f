"""The RNGD examples on MNIST-shaped IDX files, their reproducibility, and diverged runs.

There is no MNIST here (and no network): the IDX files are written by the test, 28 x 28 images
of two classes with different stroke patterns, so the --mnist path (784 inputs) is exercised end
to end at a small size.
"""
import os
import sys

import numpy as np
import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
sys.path.insert(0, os.path.abspath(EXAMPLES))

from test_optim_examples import write_idx  # noqa: E402


def _fake_mnist(folder, n_train=160, n_test=40, seed=0):
    rng = np.random.default_rng(seed)
    patterns = {d: rng.random((28, 28)) < 0.15 for d in range(10)}
    for split, n in (("train", n_train), ("t10k", n_test)):
        labels = np.tile([3, 5, 4, 9, 0], n // 5 + 1)[:n].astype(np.uint8)
        images = np.array([np.where(patterns[d] ^ (rng.random((28, 28)) < 0.05), 255, 0)
                           for d in labels]).astype(np.uint8)
        write_idx(os.path.join(folder, f"{split}-images-idx3-ubyte"), images, 0x08)
        write_idx(os.path.join(folder, f"{split}-labels-idx1-ubyte.gz"), labels, 0x08)


def test_rngd_single_neuron_on_mnist_sized_idx_files(float64, tmp_path, capsys):
    import rngd_single_neuron
    _fake_mnist(str(tmp_path))
    rows = rngd_single_neuron.main(["--mnist", str(tmp_path), "--quick", "--epochs", "2",
                                    "--out", str(tmp_path / "out")])
    assert "784 pixels" in capsys.readouterr().out
    by_method = {r[0]: r for r in rows}
    assert np.isfinite(by_method["NGD"][3]) and by_method["NGD"][3] < 0.69      # learns below ln 2
    assert (tmp_path / "out" / "rngd_single_neuron_3v5.png").stat().st_size > 5000


def test_rngd_mlp_on_mnist_sized_idx_files_is_reproducible(float64, tmp_path):
    import rngd_mlp
    _fake_mnist(str(tmp_path))
    runs = [rngd_mlp.main(["--mnist", str(tmp_path), "--quick", "--epochs", "3", "--batch-size", "40",
                           "--out", str(tmp_path / f"out{k}")]) for k in range(2)]
    assert runs[0] == runs[1]                                    # same seed, same table
    rngd = {r[0]: r for r in runs[0]}["RNGD-PLAIN"]
    assert np.isfinite(rngd[2]) and rngd[2] < np.log(10)         # below the start, ln 10
    assert rngd[4] > 0.5                                         # 5 classes: chance is 0.2
    with open(tmp_path / "out0" / "rngd_mlp.csv") as a, open(tmp_path / "out1" / "rngd_mlp.csv") as b:
        assert a.read() == b.read()


def test_rngd_mlp_records_a_diverged_run(float64):
    pytest.importorskip("sklearn")
    import rngd_data
    import rngd_mlp
    data = rngd_data.load(None)
    with np.errstate(over="ignore", invalid="ignore"):
        costs, accuracy = rngd_mlp.train("SGD", "PLAIN", 1e12, data, 1, 50, 0)
    assert costs[-1] == float("inf") and accuracy == 0.0 and len(costs) < len(data[0]) // 50


def test_rngd_single_neuron_records_a_singular_metric(float64, monkeypatch):
    import rngd_single_neuron
    from tinygrad_edu import optim

    def singular(self, closure=None):
        raise np.linalg.LinAlgError("RNGD: the metric is singular")
    monkeypatch.setattr(optim.RNGD, "step", singular)
    x = np.random.default_rng(0).random((20, 5))
    curve, _ = rngd_single_neuron.train("NGD", 0.1, 0.0, x, (x[:, 0] > 0.5).astype(float), 3, 10, 0)
    assert curve == [float("inf")] * 3                       # diverged, and the caller goes on
