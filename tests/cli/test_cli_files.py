"""Files the commands write: symlinks planted in --out are replaced, never followed; bench --out."""
import json
import os
from pathlib import Path

import pytest

from tinygrad_edu.cli import main


def _plant(folder, names, target):
    folder.mkdir(exist_ok=True)
    for name in names:
        os.symlink(target, folder / name)


def test_train_replaces_symlinks_planted_in_out(capsys, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    out = tmp_path / "run"
    _plant(out, ["curves.svg"], outside)
    code = main(["train", "--epochs", "2", "--quick", "--no-progress", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert outside.read_text() == "precious"
    assert not os.path.islink(out / "curves.svg") and "<svg" in (out / "curves.svg").read_text()


def test_train_with_a_planted_run_file_refuses_then_overwrite_replaces_the_link(capsys, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    out = tmp_path / "run"
    _plant(out, ["history.json", "best.npz"], outside)
    assert main(["train", "--epochs", "1", "--quick", "--no-progress", "--out", str(out)]) == 2
    assert main(["train", "--epochs", "1", "--quick", "--no-progress", "--overwrite", "--out",
                 str(out)]) == 0
    assert outside.read_text() == "precious"
    for name in ("history.json", "best.npz", "last.npz"):
        assert not os.path.islink(out / name), name
    assert json.loads((out / "history.json").read_text())["stop_reason"] == "completed"


def test_graph_dot_replaces_a_planted_symlink(capsys, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    _plant(tmp_path / "g", ["graph.dot"], outside)
    assert main(["graph", "a*b+c", "--set", "a=1,b=2,c=3", "--format", "dot", "--out",
                 str(tmp_path / "g")]) == 0
    assert outside.read_text() == "precious"
    assert "digraph" in (tmp_path / "g" / "graph.dot").read_text()


def test_bench_writes_its_json_into_out_and_nothing_into_the_package(capsys, tmp_path, monkeypatch):
    from tinygrad_edu.bench import harness
    package = Path(harness.__file__).resolve().parent
    before = sorted(p.name for p in package.rglob("*"))
    monkeypatch.setattr(harness, "run_suite", lambda *args, **kwargs: [])
    code = main(["bench", "--quick", "--only", "W1", "--out", str(tmp_path / "b")])
    assert code == 0
    written = list((tmp_path / "b").glob("bench-*.json"))
    assert len(written) == 1 and "environment" in json.loads(written[0].read_text())
    assert sorted(p.name for p in package.rglob("*")) == before
    with pytest.raises(SystemExit, match="this is a file"):
        main(["bench", "--quick", "--out", str(written[0])])
    assert "--out" in _help(capsys)


def _help(capsys):
    with pytest.raises(SystemExit):
        main(["bench", "--help"])
    return capsys.readouterr().out
