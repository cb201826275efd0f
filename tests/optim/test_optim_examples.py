"""The RNGD example scripts: the IDX reader and whitening, and a fast run of each script."""
import gzip
import os
import struct
import sys

import numpy as np
import pytest

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
sys.path.insert(0, os.path.abspath(EXAMPLES))

import rngd_data  # noqa: E402


def write_idx(path, array, code):
    sizes = struct.pack(f">{array.ndim}I", *array.shape)
    header = struct.pack(">BBBB", 0, 0, code, array.ndim) + sizes
    payload = header + array.astype(array.dtype.newbyteorder(">")).tobytes()
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wb") as f:
        f.write(payload)


def test_idx_reader_and_mnist_loader_on_synthetic_files(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28)).astype(np.uint8)
    labels = rng.integers(0, 10, size=5).astype(np.uint8)
    for split in ("train", "t10k"):
        write_idx(str(tmp_path / f"{split}-images-idx3-ubyte.gz"), images, 0x08)
        write_idx(str(tmp_path / f"{split}-labels-idx1-ubyte"), labels, 0x08)
    np.testing.assert_array_equal(rngd_data.read_idx(str(tmp_path / "train-images-idx3-ubyte.gz")),
                                  images)
    floats = rng.normal(size=(3, 4)).astype(">f8")
    write_idx(str(tmp_path / "f.idx"), floats, 0x0E)
    np.testing.assert_array_equal(rngd_data.read_idx(str(tmp_path / "f.idx")), floats)
    x, y, xt, yt = rngd_data.load_mnist(str(tmp_path))
    assert x.shape == (5, 784) and x.max() <= 1.0 and y.tolist() == labels.tolist()
    (tmp_path / "bad").write_bytes(b"\x01\x02\x03\x04")
    with pytest.raises(ValueError, match="not an IDX file"):
        rngd_data.read_idx(str(tmp_path / "bad"))
    with pytest.raises(FileNotFoundError, match="t10k-labels"):
        os.remove(tmp_path / "t10k-labels-idx1-ubyte")
        rngd_data.load_mnist(str(tmp_path))


def test_whitening_gives_identity_covariance_on_nonsingular_directions():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(300, 3)) @ [[1.0, 2.0, 0.0, 0.0], [0.0, 1.0, 0.0, 5.0],
                                     [0.5, 0.0, 0.0, 1.0]] + 3.0  # 4 features, rank 3
    A, a = rngd_data.whitening(x)
    z = (x - a) @ A.T
    assert A.shape == (3, 4)
    np.testing.assert_allclose(z.mean(axis=0), 0, atol=1e-10)
    np.testing.assert_allclose(np.cov(z, rowvar=False), np.eye(3), atol=1e-8)


def test_single_neuron_script_runs(float64, tmp_path):
    pytest.importorskip("sklearn")
    import rngd_single_neuron
    rows = rngd_single_neuron.main(["--quick", "--epochs", "2", "--out", str(tmp_path)])
    assert [r[0] for r in rows] == ["GD", "WhiteGD", "NGD", "WhiteNGD"]
    assert all(np.isfinite(r[3]) and r[3] < 0.69 for r in rows)  # below the start ln 2
    assert (tmp_path / "rngd_single_neuron_3v5.csv").exists()


def test_mlp_script_runs(float64, tmp_path):
    pytest.importorskip("sklearn")
    import rngd_mlp
    rows = rngd_mlp.main(["--quick", "--epochs", "1", "--out", str(tmp_path)])
    names = [r[0] for r in rows]
    assert "RNGD-PLAIN" in names and "SGD-PLAIN" in names
    assert all(np.isfinite(r[2]) for r in rows)
    assert (tmp_path / "rngd_mlp.csv").exists()
