"""fit reports what happened: the summary line, a loss that blows up, progress bars, seeded runs."""
import os
import re
import subprocess
import sys
import warnings

import numpy as np
import pytest

from tinygrad_edu import manual_seed, nn, optim
from tinygrad_edu.cli import main
from tinygrad_edu.data import make_moons
from tinygrad_edu.train import EarlyStopping, TrainingDivergedWarning, fit, reporting

F = nn.functional
SUMMARY = re.compile(r"^fit: (\d+) epochs? in [0-9.]+ s, (.+); best epoch (\d+): (.+)$")


def _moons_run(capsys, epochs=6, callbacks=(), lr=0.05, progress=True, **kwargs):
    X, y = make_moons(64, noise=0.1, seed=0)
    manual_seed(0)
    model = nn.MLP([2, 8, 2])
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=lr), (X, y),
                  epochs=epochs, val_data=(X, y), metrics=["accuracy"], callbacks=list(callbacks),
                  progress=progress, **kwargs)
    return history, capsys.readouterr().out


def test_one_summary_line_on_stdout_when_all_epochs_ran(capsys):
    history, out = _moons_run(capsys, epochs=4)
    lines = [line for line in out.splitlines() if line.startswith("fit: ")]
    assert len(lines) == 1
    match = SUMMARY.match(lines[0])
    assert match, lines[0]
    assert match.group(1) == "4" and match.group(2) == "completed all epochs"
    best = history.best("val_loss")[0]
    assert int(match.group(3)) == best + 1                          # 1-based, as a person counts
    assert f"val_loss {history['val_loss'][best]:.4f}" in match.group(4)
    assert f"val_accuracy {history['val_accuracy'][best]:.4f}" in match.group(4)
    assert history.stop_reason == "completed"


def test_the_summary_names_early_stopping_and_its_patience(capsys):
    history, out = _moons_run(capsys, epochs=50, lr=0.0, callbacks=[EarlyStopping(patience=3)])
    line = next(line for line in out.splitlines() if line.startswith("fit: "))
    assert line.startswith("fit: 4 epochs in ")
    assert "stopped early (EarlyStopping: val_loss did not improve for 3 epochs); best epoch 1:" in line
    assert history.stop_reason == "early_stopping" and history.stopped_early


def test_no_summary_and_no_bar_with_progress_false(capsys):
    _, out = _moons_run(capsys, epochs=2, progress=False)
    assert out == ""


def test_divergence_rule():
    assert reporting.divergence(float("nan"), 0.7) == "nan"
    assert reporting.divergence(float("inf"), 0.7) == "inf"
    assert reporting.divergence(10.6, 0.7) is None          # above 10x but not above start + 10
    assert reporting.divergence(10.8, 0.7) is not None
    assert reporting.divergence(900.0, 100.0) is None       # above start + 10, not above 10x
    assert reporting.divergence(1001.0, 100.0) is not None
    assert reporting.divergence(1e9, None) is None          # no reference yet


def test_a_loss_that_blows_up_warns_stops_and_is_in_the_history(capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3)) * 10
    y = X @ np.array([1.0, -2.0, 0.5]) + 1
    manual_seed(0)
    model = nn.Linear(3, 1)
    with pytest.warns(TrainingDivergedWarning, match="above 10x the starting loss"):
        history = fit(model, lambda out, t: F.mse_loss(out.reshape(-1), t),
                      optim.SGD(model.parameters(), lr=0.05), (X, y), epochs=30, batch_size=16)
    assert history.diverged and history.stop_reason == "diverged"
    assert history.epochs < 30                                     # it stopped
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("fit: "))
    assert "stopped: the loss diverged at epoch" in line and "best epoch" in line


def test_train_command_reports_divergence_with_exit_status_3(capsys, tmp_path):
    code = main(["train", "--model", "mlp", "--data", "spirals", "--optim", "rngd", "--quick",
                 "--no-progress", "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 3
    assert re.search(r"^DIVERGED: the loss diverged at epoch \d+", out, re.M), out
    assert re.search(r"^fit: \d+ epochs in .*best epoch", out, re.M)
    assert "exit status" in _help(capsys, "train").lower()


def _help(capsys, command):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    return " ".join(capsys.readouterr().out.split())


def test_fit_shuffles_with_the_global_generator_that_manual_seed_drives():
    X, y = make_moons(64, noise=0.1, seed=0)

    def losses(seed_for_init, seed_for_shuffle):
        manual_seed(seed_for_init)
        model = nn.MLP([2, 8, 2])
        manual_seed(seed_for_shuffle)
        return fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=3,
                   batch_size=8, progress=False)["loss"]
    assert losses(0, 1) == losses(0, 1)
    assert losses(0, 1) != losses(0, 2)         # only the shuffles differ


SEEDED_SCRIPT = """
import numpy as np
from tinygrad_edu import manual_seed, nn, optim
from tinygrad_edu.data import make_moons
from tinygrad_edu.train import fit
manual_seed(0)
X, y = make_moons(128, noise=0.2, seed=0)
model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Dropout(0.2), nn.Linear(16, 2))
history = fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.01), (X, y),
              epochs=3, batch_size=16, progress=False)
print(repr(history["loss"]), repr(float(model(nn.Linear(2, 2).weight).data.sum())))
"""


def test_a_seeded_script_prints_the_same_numbers_in_two_processes():
    runs = [subprocess.run([sys.executable, "-c", SEEDED_SCRIPT], capture_output=True, text=True,
                           timeout=120, env={**os.environ, "PYTHONHASHSEED": str(k)})
            for k in (1, 2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr
    assert runs[0].stdout == runs[1].stdout and runs[0].stdout.startswith("[")


def test_bars_use_tqdm_auto_one_bar_per_run_in_a_notebook(monkeypatch):
    import tqdm.auto
    made = []

    class FakeBar:
        def __init__(self, total=None, desc="", **kwargs):
            self.total, self.desc, self.n, self.kwargs, self.closed = total, desc, 0, kwargs, False
            made.append(self)

        def update(self, n):
            self.n += n

        def set_description(self, desc):
            self.desc = desc

        def set_postfix(self, **kwargs):
            pass

        def close(self):
            self.closed = True
    monkeypatch.setattr(tqdm.auto, "tqdm", FakeBar)
    monkeypatch.setattr(reporting, "_in_notebook", lambda: True)
    X, y = make_moons(64, noise=0.1, seed=0)
    model = nn.MLP([2, 4, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=3,
            batch_size=16, label="MLP")
    assert len(made) == 1                                   # one bar that stays, not three
    bar = made[0]
    assert bar.total == 12 and bar.n == 12 and bar.closed and bar.kwargs.get("leave") is True
    assert bar.desc == "MLP epoch 3/3"
