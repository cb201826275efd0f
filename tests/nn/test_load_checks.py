"""nn.load checks a file before trusting it; nn.save stores nested state; writes replace symlinks."""
import io
import os
import subprocess
import sys
import time
import zipfile

import numpy as np
import pytest

from tinygrad_edu import nn, optim
from tinygrad_edu.safe_files import atomic_write, clean_stale_temps


def _npy(array):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, allow_pickle=False)
    return buffer.getvalue()


def _forged_header(shape, dtype="<f8"):
    """An .npy header that declares `shape` (followed by no data at all)."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": dtype, "fortran_order": False,
                                                  "shape": shape})
    return buffer.getvalue()


def _zip(path, members, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(path, "w", compression=compression) as archive:
        for name, data in members:
            archive.writestr(name, data)


def test_duplicate_members_are_refused(tmp_path):
    path = tmp_path / "dup.npz"
    with pytest.warns(UserWarning, match="Duplicate name"):
        _zip(path, [("w.npy", _npy(np.zeros(2))), ("w.npy", _npy(np.ones(2)))])
    with pytest.raises(ValueError, match=r"holds the member\(s\) \['w.npy'\] more than once"):
        nn.load(path)


def test_a_header_declaring_more_data_than_the_member_holds_is_refused_before_reading(tmp_path):
    path = tmp_path / "forged.npz"
    _zip(path, [("w.npy", _forged_header((10 ** 6, 10 ** 6)))])         # 10^12 float64
    with pytest.raises(ValueError, match=r"declares float64 of shape \(1000000, 1000000\) "
                                         r"\(8,000,000,000,000 bytes\) but holds 0 bytes"):
        nn.load(path)


def test_the_total_size_cap_is_checked_on_the_headers(tmp_path):
    path = tmp_path / "big.npz"
    nn.save({"a": np.zeros(1000), "b": np.zeros(1000)}, path)
    assert nn.load(path, max_bytes=16000)["b"].shape == (1000,)
    with pytest.raises(ValueError, match=r"declares 16,000 bytes .*entry 'b'.*above the limit of "
                                         r"15,999 bytes.*max_bytes="):
        nn.load(path, max_bytes=15999)


def test_a_zip_bomb_member_is_refused_from_its_header_without_inflating_it(tmp_path):
    path = tmp_path / "bomb.npz"
    n = 80 * 1024 ** 2 // 8                         # 80 MiB of deflated zeros: about 80 kB on disk
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("w.npy", "w") as member:
            member.write(_forged_header((n,)))
            chunk = bytes(8 * 1024 ** 2)
            for _ in range(10):
                member.write(chunk)
    assert os.path.getsize(path) < 1024 ** 2
    start = time.perf_counter()
    with pytest.raises(ValueError, match=r"expands from [\d,]+ to 83,886,080 bytes .*zip bomb"):
        nn.load(path)
    assert time.perf_counter() - start < 1.0


BOMB_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (600 * 1024 ** 2, 600 * 1024 ** 2))
from tinygrad_edu import nn
try:
    nn.load(sys.argv[1])
except ValueError as error:
    print("refused:", error)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS as on Linux")
def test_a_forged_checkpoint_is_refused_under_a_memory_limit_in_a_child(tmp_path):
    path = tmp_path / "huge.npz"
    _zip(path, [("w.npy", _forged_header((402653184,)) + bytes(1024))],
         compression=zipfile.ZIP_DEFLATED)
    result = subprocess.run([sys.executable, "-c", BOMB_CHILD, str(path)], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("refused:") and "MemoryError" not in result.stderr


def test_non_finite_values_are_refused_unless_allowed(tmp_path):
    path = tmp_path / "nan.npz"
    nn.save({"w": np.array([1.0, np.nan, np.inf]), "b": np.zeros(2)}, path)
    with pytest.raises(ValueError, match=r"NaN or inf in 'w' \(2 of 3 values\).*allow_nonfinite"):
        nn.load(path)
    assert np.isnan(nn.load(path, allow_nonfinite=True)["w"][1])


def test_values_that_overflow_the_model_dtype_are_refused(tmp_path):
    model = nn.Linear(2, 1)                                     # float32
    state = {k: v.data.astype(np.float64) for k, v in model.state_dict().items()}
    state["weight"][0, 0] = 1e300
    path = tmp_path / "overflow.npz"
    nn.save(state, path)
    with pytest.raises(ValueError, match=r"'weight': 1e\+300 overflows float32"):
        nn.load(path, expected=model)
    before = model.weight.data.copy()
    with pytest.raises(RuntimeError, match=r"'weight': 1e\+300 overflows float32.*nothing was"
                                           r"|nothing was changed.*'weight': 1e\+300 overflows"):
        model.load_state_dict(nn.load(path))
    assert np.array_equal(model.weight.data, before)
    state["weight"][0, 0] = 0.5                                  # float64 that fits: fine
    nn.save(state, path)
    model.load_state_dict(nn.load(path, expected=model))
    assert model.weight.data[0, 0] == np.float32(0.5)


def test_expected_names_and_shapes_are_checked_before_any_data_is_read(tmp_path, monkeypatch):
    from tinygrad_edu.nn import npz_reader
    path = tmp_path / "small.npz"
    nn.save(nn.Linear(3, 2), path)
    read = []
    monkeypatch.setattr(npz_reader, "_read_data", lambda *a: read.append(a) or np.zeros(1))
    with pytest.raises(ValueError, match=r"'weight': file \(2, 3\) vs expected \(5, 3\)"):
        nn.load(path, expected=nn.Linear(3, 5))
    with pytest.raises(ValueError, match=r"missing: extra"):
        nn.load(path, expected={"weight": np.zeros((2, 3)), "bias": np.zeros(2),
                                "extra": np.zeros(1)})
    assert read == []


def test_nested_optimiser_state_round_trips_exactly(tmp_path):
    model = nn.MLP([3, 4, 2])
    opt = optim.Adam(model.parameters(), lr=1e-3, betas=(0.8, 0.99))
    for _ in range(3):
        opt.zero_grad()
        model(nn.Linear(3, 3).weight).sum().backward()
        opt.step()
    path = tmp_path / "adam.npz"
    nn.save(opt.state_dict(), path)
    loaded = nn.load(path)
    saved = opt.state_dict()
    assert loaded["param_groups"][0]["betas"] == (0.8, 0.99)
    assert loaded["param_groups"][0]["lr"] == 1e-3 and loaded["param_groups"][0]["params"] == \
        saved["param_groups"][0]["params"]
    assert sorted(loaded["state"]) == sorted(saved["state"])                # int keys stay ints
    for index, entry in saved["state"].items():
        assert loaded["state"][index]["step"] == entry["step"] == 3
        for key in ("exp_avg", "exp_avg_sq"):
            assert loaded["state"][index][key].dtype == entry[key].dtype
            assert np.array_equal(loaded["state"][index][key], entry[key])
    other = optim.Adam(model.parameters(), lr=0.5)
    other.load_state_dict(loaded)
    assert other.param_groups[0]["lr"] == 1e-3
    assert np.array_equal(zipfile.ZipFile(path).read("__layout__.npy")[:6], b"\x93NUMPY")


def test_a_damaged_layout_is_refused(tmp_path):
    path = tmp_path / "bad.npz"
    layout = np.frombuffer(b'{"d": [["w", {"a": "missing"}]]}', dtype=np.uint8)
    _zip(path, [("__layout__.npy", _npy(layout)), ("w.npy", _npy(np.zeros(2)))])
    with pytest.raises(ValueError, match="refers to the array 'missing'"):
        nn.load(path)
    layout = np.frombuffer(b'{"x": 1}', dtype=np.uint8)
    _zip(path, [("__layout__.npy", _npy(layout))])
    with pytest.raises(ValueError, match="unknown node 'x'"):
        nn.load(path)


def test_saving_replaces_a_planted_symlink_instead_of_writing_through_it(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("last.npz", "history.json"):
        os.symlink(outside, folder / name)
    nn.save({"w": np.zeros(2)}, folder / "last.npz")
    atomic_write(folder / "history.json", "{}")
    assert outside.read_text() == "precious"
    assert not os.path.islink(folder / "last.npz") and not os.path.islink(folder / "history.json")
    assert nn.load(folder / "last.npz")["w"].tolist() == [0.0, 0.0]


def test_stale_temporary_files_of_dead_writers_are_cleaned_on_the_next_save(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    stale = tmp_path / f".last.npz.tinygrad-edu-{dead}-abc123.tmp"
    mine = tmp_path / f".last.npz.tinygrad-edu-{os.getpid()}-abc123.tmp"   # a live writer's
    unrelated = tmp_path / "notes.tmp"
    for path in (stale, mine, unrelated):
        path.write_bytes(b"x" * 10)
    legacy = tmp_path / "best.npz.k2x9_q7a.tmp"                  # left by an earlier version
    legacy.write_bytes(b"x")
    os.utime(legacy, (time.time() - 3600, time.time() - 3600))
    nn.save({"w": np.zeros(1)}, tmp_path / "last.npz")
    assert not stale.exists() and not legacy.exists() and mine.exists() and unrelated.exists()
    assert clean_stale_temps(tmp_path) == []


def test_nested_values_keep_their_python_and_numpy_types(tmp_path):
    state = {"f32": np.float32(0.5), "n": 3, "x": 2.5, "i64": np.int64(7), 1: (1.0, float("inf")),
             "list": [True, None, "text"], "array": np.arange(3, dtype=np.int16)}
    nn.save(state, tmp_path / "s.npz")
    loaded = nn.load(tmp_path / "s.npz")
    assert list(loaded) == list(state)
    for key, value in state.items():
        if isinstance(value, np.ndarray):
            assert loaded[key].dtype == value.dtype and np.array_equal(loaded[key], value)
        else:
            assert loaded[key] == value and type(loaded[key]) is type(value), key
