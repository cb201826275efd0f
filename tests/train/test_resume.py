"""fit(..., resume_from=dir) and `tinygrad-edu train --resume`: last.npz holds all a run needs."""
import json
import os
import signal

import numpy as np
import pytest

from tinygrad_edu import get_rng_state, is_grad_enabled, manual_seed, nn, optim
from tinygrad_edu.cli import main
from tinygrad_edu.data import make_moons
from tinygrad_edu.train import Callback, EarlyStopping, ModelCheckpoint, fit

F = nn.functional
X, Y = make_moons(80, noise=0.2, seed=0)


def _setup(folder):
    manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 12), nn.ReLU(), nn.Dropout(0.25), nn.Linear(12, 2))
    opt = optim.Adam(model.parameters(), lr=0.02)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    callbacks = [EarlyStopping(patience=100, restore_best_weights=True), ModelCheckpoint(folder)]
    return model, opt, sched, callbacks


def _fit(folder, epochs, resume=False, loss_fn=F.cross_entropy):
    model, opt, sched, callbacks = _setup(folder)
    history = fit(model, loss_fn, opt, (X, Y), epochs=epochs, batch_size=16, val_data=(X, Y),
                  callbacks=callbacks, scheduler=sched, progress=False,
                  resume_from=folder if resume else None)
    return model, opt, history


def _weights(model):
    return np.concatenate([p.data.ravel() for p in model.parameters()])


def test_last_npz_holds_model_optimiser_scheduler_epoch_history_and_random_state(tmp_path):
    model, opt, history = _fit(tmp_path, 3)
    state = nn.load(tmp_path / "last.npz")
    assert state["epoch"] == 3 and state["finished"] is True
    assert set(state) >= {"model", "optimizer", "scheduler", "history", "rng_state", "callbacks"}
    assert state["optimizer"]["state"][0]["step"] == 15                 # 5 batches x 3 epochs
    assert state["scheduler"]["last_epoch"] == 3
    assert state["history"]["metrics"]["loss"] == history["loss"]
    assert np.array_equal(state["rng_state"], get_rng_state())
    assert [c["class"] for c in state["callbacks"]] == ["EarlyStopping", "ModelCheckpoint"]
    assert json.loads((tmp_path / "history.json").read_text())["metrics"]["loss"] == history["loss"]


def test_a_completed_run_resumed_for_more_epochs_equals_one_long_run_bit_for_bit(tmp_path):
    straight, _, long_history = _fit(tmp_path / "a", 7)
    _fit(tmp_path / "b", 3)
    resumed, _, history = _fit(tmp_path / "b", 7, resume=True)
    assert np.array_equal(_weights(resumed), _weights(straight))
    assert history["loss"] == long_history["loss"] and history.epochs == 7


def test_after_ctrl_c_history_and_last_npz_agree_and_resuming_finishes_the_same_run(tmp_path):
    if not hasattr(signal, "SIGINT"):
        pytest.skip("no SIGINT")
    straight, _, _ = _fit(tmp_path / "a", 5)
    calls = []

    def loss_pressing_ctrl_c(out, target):
        if is_grad_enabled():
            calls.append(1)
            if len(calls) == 13:                      # epoch 3, batch 3 of 5
                os.kill(os.getpid(), signal.SIGINT)
        return F.cross_entropy(out, target)
    _, _, history = _fit(tmp_path / "b", 5, loss_fn=loss_pressing_ctrl_c)
    assert history.interrupted and history.epochs == 2
    saved = nn.load(tmp_path / "b" / "last.npz")
    on_disk = json.loads((tmp_path / "b" / "history.json").read_text())
    assert saved["epoch"] == 2 and not saved["finished"]
    assert saved["history"]["metrics"] == history.to_dict() == on_disk["metrics"]
    assert on_disk["stop_reason"] == "interrupted" and on_disk["interrupted"]
    resumed, _, history = _fit(tmp_path / "b", 5, resume=True)
    assert np.array_equal(_weights(resumed), _weights(straight))
    assert history.stop_reason == "completed" and not history.interrupted and history.epochs == 5


def test_resume_refuses_what_does_not_match_and_changes_nothing(tmp_path):
    _fit(tmp_path, 2)
    model, opt, sched, _ = _setup(tmp_path)
    before = _weights(model)
    with pytest.raises(ValueError, match=r"saved with the callbacks \['EarlyStopping', "
                                         r"'ModelCheckpoint'\], this fit has \[\]"):
        fit(model, F.cross_entropy, opt, (X, Y), epochs=4, scheduler=sched, progress=False,
            resume_from=tmp_path)
    bigger = nn.Sequential(nn.Linear(2, 13), nn.ReLU(), nn.Dropout(0.25), nn.Linear(13, 2))
    with pytest.raises(RuntimeError, match="nothing was changed"):
        fit(bigger, F.cross_entropy, optim.Adam(bigger.parameters()), (X, Y), epochs=4,
            val_data=(X, Y), callbacks=[EarlyStopping(patience=100), ModelCheckpoint(tmp_path)],
            scheduler=optim.lr_scheduler.StepLR(optim.Adam(bigger.parameters()), 2),
            progress=False, resume_from=tmp_path)
    with pytest.raises(ValueError, match="not a training checkpoint"):
        fit(model, F.cross_entropy, opt, (X, Y), epochs=4, progress=False,
            resume_from=tmp_path / "best.npz")
    with pytest.raises(FileNotFoundError, match="no checkpoint"):
        fit(model, F.cross_entropy, opt, (X, Y), epochs=4, progress=False,
            resume_from=tmp_path / "nowhere")
    assert np.array_equal(_weights(model), before)


class Counter(Callback):
    """A callback that remembers a count across epochs through state_dict."""

    def __init__(self):
        self.count = 0

    def on_epoch_end(self, run, epoch, logs):
        self.count += 1

    def state_dict(self):
        return {"count": self.count}

    def load_state_dict(self, state):
        self.count = state["count"]


def test_callbacks_state_goes_on_after_resume(tmp_path):
    manual_seed(0)
    model = nn.MLP([2, 4, 2])
    opt = optim.SGD(model.parameters(), lr=0.1)
    fit(model, F.cross_entropy, opt, (X, Y), epochs=2, callbacks=[Counter(), ModelCheckpoint(tmp_path)],
        progress=False)
    counter = Counter()
    fit(model, F.cross_entropy, opt, (X, Y), epochs=5, callbacks=[counter, ModelCheckpoint(tmp_path)],
        progress=False, resume_from=tmp_path)
    assert counter.count == 5


def _train(capsys, out, *extra):
    code = main(["train", "--epochs", "3", "--quick", "--no-progress", "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_train_refuses_to_replace_a_previous_run_unless_told(capsys, tmp_path):
    code, out, _ = _train(capsys, tmp_path)
    assert code == 0 and "fit: 3 epochs" in out
    best_before = (tmp_path / "best.npz").read_bytes()
    history_before = (tmp_path / "history.json").read_text()
    code, _, err = _train(capsys, tmp_path, "--lr", "0.5")
    assert code == 2 and "already holds a run (3 epochs, best val_loss" in err
    assert "--resume" in err and "--overwrite" in err
    assert (tmp_path / "best.npz").read_bytes() == best_before
    assert (tmp_path / "history.json").read_text() == history_before
    code, out, _ = _train(capsys, tmp_path, "--overwrite", "--epochs", "2")
    assert code == 0 and json.loads((tmp_path / "history.json").read_text())["metrics"]["loss"]
    assert len(json.loads((tmp_path / "history.json").read_text())["metrics"]["loss"]) == 2


def test_train_resume_goes_on_and_matches_an_uninterrupted_run(capsys, tmp_path):
    assert _train(capsys, tmp_path / "a", "--epochs", "5")[0] == 0
    assert _train(capsys, tmp_path / "b", "--epochs", "2")[0] == 0
    code, out, err = _train(capsys, tmp_path / "b", "--epochs", "5", "--resume")
    assert code == 0, err
    assert out.startswith("resuming") and "fit: 5 epochs (resumed after epoch 2)" in out
    a, b = nn.load(tmp_path / "a" / "last.npz"), nn.load(tmp_path / "b" / "last.npz")
    for name in a["model"]:
        assert np.array_equal(a["model"][name], b["model"][name]), name
    code, _, err = _train(capsys, tmp_path / "c", "--resume")
    assert code == 2 and "no last.npz" in err
    code, _, err = _train(capsys, tmp_path / "b", "--resume", "--model", "cnn", "--data", "shapes")
    assert code == 2 and "does not match these options" in err


def test_an_rngd_run_resumes_bit_for_bit(tmp_path):
    def run(folder, epochs, resume):
        manual_seed(0)
        model = nn.MLP([2, 8, 2])
        opt = optim.RNGD(model, lr=0.01, T=3)
        fit(model, F.cross_entropy, opt, (X, Y), epochs=epochs, batch_size=16,
            callbacks=[ModelCheckpoint(folder)], progress=False,
            resume_from=folder if resume else None)
        return _weights(model)
    straight = run(tmp_path / "a", 4, False)
    run(tmp_path / "b", 2, False)
    assert np.array_equal(run(tmp_path / "b", 4, True), straight)
