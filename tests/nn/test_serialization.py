"""nn.save / nn.load: .npz round trips, atomic overwrite, and refusal of pickled data."""
import os
import stat
from collections import OrderedDict

import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import serialization
from tinygrad_edu import Tensor

RNG = np.random.default_rng(3)


def _model():
    return nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))


def test_round_trip_restores_outputs_names_order_and_dtypes(tmp_path):
    model = _model()
    model(Tensor(RNG.normal(size=(8, 3)).astype(np.float32)))   # move the BatchNorm buffers
    path = tmp_path / "model.npz"
    nn.save(model, path)
    state = nn.load(path)
    assert isinstance(state, OrderedDict)
    assert list(state) == list(model.state_dict())
    assert state["1.num_batches_tracked"].dtype == np.int64 and state["1.num_batches_tracked"] == 1
    assert state["0.weight"].dtype == np.float32
    fresh = _model()
    fresh.load_state_dict(state)                 # strict: every key and shape matches
    model.eval()
    fresh.eval()
    x = Tensor(RNG.normal(size=(5, 3)).astype(np.float32))
    np.testing.assert_array_equal(model(x).data, fresh(x).data)


def test_saves_a_plain_state_dict_at_exactly_the_given_path(tmp_path):
    path = tmp_path / "weights.ckpt"                      # no .npz suffix is added
    nn.save({"w": Tensor([[1.0, 2.0]]), "step": np.array(5), "mask": np.array([True])},
            str(path))
    assert sorted(os.listdir(tmp_path)) == ["weights.ckpt"]
    with np.load(path, allow_pickle=False) as archive:    # a standard .npz file
        assert archive["w"].tolist() == [[1.0, 2.0]]
    loaded = nn.load(path)
    assert loaded["step"] == 5 and loaded["mask"].dtype == bool


def test_overwrite_replaces_the_previous_checkpoint(tmp_path):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.zeros(3)}, path)
    nn.save({"w": np.ones(3)}, path)
    assert nn.load(path)["w"].tolist() == [1.0, 1.0, 1.0]
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_a_failed_save_leaves_the_old_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.arange(4.0)}, path)
    old_bytes = path.read_bytes()

    def crash_midway(file, arrays):
        file.write(b"PK\x03\x04 half a zip file")        # some bytes reach the disk ...
        raise OSError("disk full")                        # ... then the writer dies

    monkeypatch.setattr(serialization, "_write_npz", crash_midway)
    with pytest.raises(OSError, match="disk full"):
        nn.save({"w": np.zeros(4)}, path)
    assert path.read_bytes() == old_bytes
    assert os.listdir(tmp_path) == ["ckpt.npz"]           # the temporary file is gone
    assert nn.load(path)["w"].tolist() == [0.0, 1.0, 2.0, 3.0]


def test_interrupt_during_save_also_cleans_up(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.npz"

    def interrupted(file, arrays):
        file.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(serialization, "_write_npz", interrupted)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.zeros(2)}, path)
    assert os.listdir(tmp_path) == []


def test_existing_file_permissions_are_kept(tmp_path):
    path = tmp_path / "ckpt.npz"
    nn.save({"w": np.zeros(1)}, path)
    os.chmod(path, 0o640)
    nn.save({"w": np.ones(1)}, path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_load_refuses_pickled_object_arrays(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, good=np.zeros(2), bad=np.array([{"a": 1}], dtype=object))
    with pytest.raises(ValueError, match=r"entry 'bad'.*object \(pickled\).*refused"):
        nn.load(path)


def test_load_refuses_a_single_array_file(tmp_path):
    path = tmp_path / "one.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ValueError, match="single array, not an .npz"):
        nn.load(path)


def test_save_rejects_what_cannot_be_stored_without_pickle(tmp_path):
    path = tmp_path / "x.npz"
    with pytest.raises(TypeError, match=r"'names' has dtype <U1"):
        nn.save({"names": np.array(["a", "b"])}, path)
    with pytest.raises(TypeError, match=r"dict keys must be strings or integers, got \(1, 2\)"):
        nn.save({"optim": {(1, 2): 0.1}}, path)
    with pytest.raises(TypeError, match="keys must be non-empty strings"):
        nn.save({"": np.zeros(1)}, path)
    with pytest.raises(TypeError, match=r"'optim/x' has dtype object"):
        nn.save({"optim": {"x": object()}}, path)
    with pytest.raises(TypeError, match="expected a Module or a state dict"):
        nn.save([np.zeros(1)], path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        nn.save({"w": np.zeros(1)}, tmp_path / "missing_dir" / "x.npz")
    assert os.listdir(tmp_path) == []


def test_loaded_checkpoint_with_a_wrong_shape_is_refused_by_the_model(tmp_path):
    path = tmp_path / "small.npz"
    nn.save(nn.Linear(3, 2), path)
    big = nn.Linear(3, 5)
    before = big.weight.data.copy()
    with pytest.raises(RuntimeError, match=r"'weight': checkpoint \(2, 3\) vs model \(5, 3\)"):
        big.load_state_dict(nn.load(path))
    np.testing.assert_array_equal(big.weight.data, before)
