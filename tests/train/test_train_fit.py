"""fit / evaluate / History / callbacks: learning, bookkeeping, stopping, checkpoints, quiet mode, Ctrl-C."""
import io
import os
import signal

import numpy as np
import pytest

from tinygrad_edu import Tensor, is_grad_enabled, manual_seed, nn, optim
from tinygrad_edu.data import make_moons
from tinygrad_edu.train import (Callback, EarlyStopping, History, ModelCheckpoint,
                                TrainingDivergedWarning, accuracy, evaluate, fit)

F = nn.functional


def moons(n=200, seed=0):
    return make_moons(n, noise=0.1, seed=seed)


def fresh_model(seed=0, sizes=(2, 16, 16, 2)):
    manual_seed(seed)
    return nn.MLP(list(sizes))


class CountingSGD(optim.SGD):
    """SGD that counts its steps (to see how many batches really ran)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.steps = 0

    def step(self):
        super().step()
        self.steps += 1


class Snapshots(Callback):
    """Keeps a copy of the weights after every epoch."""

    def __init__(self):
        self.states = []

    def on_epoch_end(self, run, epoch, logs):
        self.states.append({k: v.data.copy() for k, v in run.model.state_dict().items()})


def test_fit_learns_two_moons_and_records_every_epoch():
    X, y = moons()
    X_val, y_val = moons(100, seed=1)
    model = fresh_model()
    history = fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.02), (X, y),
                  epochs=25, batch_size=32, val_data=(X_val, y_val), metrics=["accuracy"],
                  seed=0, progress=False)
    assert history.epochs == 25
    assert list(history.to_dict()) == ["loss", "accuracy", "val_loss", "val_accuracy"]
    assert all(len(v) == 25 for v in history.to_dict().values())
    assert history["loss"][-1] < history["loss"][0] / 4
    assert history.last("val_accuracy") >= 0.95
    assert not history.stopped_early and not history.interrupted and history.seconds > 0
    # the recorded validation numbers are what evaluate() says about the final model
    result = evaluate(model, F.cross_entropy, (X_val, y_val), metrics=["accuracy"])
    assert result["loss"] == pytest.approx(history.last("val_loss"), rel=1e-5)
    assert result["accuracy"] == pytest.approx(history.last("val_accuracy"))


def test_the_epoch_loss_is_the_size_weighted_mean_of_the_batch_losses():
    X, y = moons(50)
    model = fresh_model()
    seen = []

    def recording_loss(out, target):
        loss = F.cross_entropy(out, target)
        seen.append((loss.item(), target.shape[0]))
        return loss
    history = fit(model, recording_loss, optim.SGD(model.parameters(), lr=0.0), (X, y), epochs=1,
                  batch_size=16, progress=False)
    assert [n for _, n in seen] == [16, 16, 16, 2]
    expected = sum(v * n for v, n in seen) / 50
    assert history.last("loss") == pytest.approx(expected)


def test_arrays_tensors_and_an_iterable_of_batches_train_identically():
    X, y = moons(64)
    batches = [(X[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]

    class Loader:                                     # a DataLoader-like object: duck typing
        def __iter__(self):
            return iter([(Tensor(a), Tensor(b)) for a, b in batches])

        def __len__(self):
            return len(batches)
    runs = []
    for data in [(X, y), (Tensor(X), Tensor(y)), batches, Loader()]:
        model = fresh_model()
        history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), data,
                      epochs=3, batch_size=16, shuffle=False, progress=False)
        runs.append((history["loss"], model.layers[0].weight.data.copy()))
    for losses, weight in runs[1:]:
        np.testing.assert_allclose(losses, runs[0][0], rtol=1e-6)
        np.testing.assert_allclose(weight, runs[0][1], rtol=1e-6)


def test_fit_takes_the_projects_data_loader():
    data = pytest.importorskip("tinygrad_edu.utils.data")
    X, y = moons(96)
    loader = data.DataLoader(data.TensorDataset(Tensor(X), Tensor(y)), batch_size=32, shuffle=True)
    model = fresh_model()
    history = fit(model, F.cross_entropy, optim.Adam(model.parameters(), lr=0.02), loader,
                  epochs=15, metrics=["accuracy"], progress=False)
    assert history["loss"][-1] < history["loss"][0]
    with pytest.raises(TypeError, match="TensorDataset.*one example per item.*DataLoader"):
        fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1),
            data.TensorDataset(Tensor(X), Tensor(y)), progress=False)


def test_a_shuffled_run_is_reproducible_with_a_seed_and_differs_without_the_same_seed():
    X, y = moons(64)

    def run(seed):
        model = fresh_model()
        return fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.2), (X, y),
                   epochs=3, batch_size=8, seed=seed, progress=False)["loss"]
    assert run(3) == run(3)
    assert run(3) != run(4)


def test_a_generator_serves_one_epoch_and_then_a_clear_error():
    X, y = moons(32)
    model = fresh_model()
    opt = optim.SGD(model.parameters(), lr=0.1)
    one = fit(model, F.cross_entropy, opt, ((X[i:i + 8], y[i:i + 8]) for i in range(0, 32, 8)),
              epochs=1, progress=False)
    assert one.epochs == 1
    with pytest.raises(TypeError, match="one-shot iterator.*DataLoader"):
        fit(model, F.cross_entropy, opt, ((X[i:i + 8], y[i:i + 8]) for i in range(0, 32, 8)),
            epochs=2, progress=False)


def test_early_stopping_waits_patience_epochs_and_restores_the_best_weights():
    X, y = moons(32)
    scores = iter([0.1, 0.5, 0.9, 0.7, 0.8, 0.6, 0.95, 0.99])       # best at epoch 2

    def score(out, target):
        return next(scores)
    model = fresh_model()
    snaps = Snapshots()
    stopper = EarlyStopping(monitor="score", patience=2, restore_best_weights=True)
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.5), (X, y),
                  epochs=8, batch_size=32, metrics={"score": score}, callbacks=[snaps, stopper],
                  progress=False)
    assert history.epochs == 5 and history.stopped_early          # epochs 3 and 4 waited, 5 stops
    assert stopper.stopped_epoch == 4 and stopper.best.epoch == 2
    for name, tensor in model.state_dict().items():
        np.testing.assert_array_equal(tensor.data, snaps.states[2][name])
    assert not np.array_equal(snaps.states[4]["layers.0.weight"], snaps.states[2]["layers.0.weight"])


def test_early_stopping_on_val_loss_stops_a_run_that_cannot_improve():
    X, y = moons(32)
    model = fresh_model()
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.0), (X, y),
                  epochs=50, val_data=(X, y), callbacks=[EarlyStopping(patience=3)], progress=False)
    assert history.epochs == 4 and history.stopped_early         # best at 0, 3 epochs waited


def test_checkpoints_round_trip_through_nn_save(tmp_path):
    X, y = moons(64)
    X_val, y_val = moons(64, seed=1)
    model = fresh_model()
    snaps = Snapshots()
    saver = ModelCheckpoint(tmp_path / "ckpt")
    history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.3, momentum=0.9),
                  (X, y), epochs=12, val_data=(X_val, y_val), callbacks=[snaps, saver],
                  seed=0, progress=False)
    best_epoch, best_value = history.best("val_loss")
    assert saver.best_epoch == best_epoch
    last = fresh_model(seed=5)
    with pytest.raises(TypeError, match=r"training checkpoint.*nn.load\(path\)\['model'\]"):
        last.load_state_dict(nn.load(saver.last_path))
    last.load_state_dict(nn.load(saver.last_path)["model"])
    np.testing.assert_array_equal(last(Tensor(X_val)).data, model(Tensor(X_val)).data)
    best = fresh_model(seed=6)
    best.load_state_dict(nn.load(saver.best_path))
    for name, tensor in best.state_dict().items():
        np.testing.assert_array_equal(tensor.data, snaps.states[best_epoch][name])
    assert evaluate(best, F.cross_entropy, (X_val, y_val))["loss"] == pytest.approx(best_value,
                                                                                    rel=1e-5)


def test_quiet_when_stderr_is_not_a_terminal_and_a_bar_when_it_is(monkeypatch):
    X, y = moons(64)

    class FakeTerminal(io.StringIO):
        def isatty(self):
            return True

    def run(stderr, progress):
        monkeypatch.setattr("sys.stderr", stderr)
        model = fresh_model()
        fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), (X, y), epochs=2,
            batch_size=16, progress=progress, label="MLP")
        return stderr.getvalue()
    assert run(io.StringIO(), True) == ""                 # a log file or a pipe: nothing
    assert run(FakeTerminal(), False) == ""               # asked to be quiet
    shown = run(FakeTerminal(), True)
    assert "MLP epoch 1/2" in shown and "MLP epoch 2/2" in shown and "4/4" in shown


def test_ctrl_c_stops_after_the_current_batch_and_keeps_the_history():
    if not hasattr(signal, "SIGINT"):
        pytest.skip("no SIGINT on this platform")
    X, y = moons(64)
    model = fresh_model()
    opt = CountingSGD(model.parameters(), lr=0.1)
    calls = []
    before = signal.getsignal(signal.SIGINT)

    def loss_pressing_ctrl_c(out, target):
        if not is_grad_enabled():                      # validation batches do not count
            return F.cross_entropy(out, target)
        calls.append(1)
        if len(calls) == 7:                            # epoch 2, batch 3 of 4
            os.kill(os.getpid(), signal.SIGINT)
        return F.cross_entropy(out, target)
    history = fit(model, loss_pressing_ctrl_c, opt, (X, y), epochs=5, batch_size=16,
                  val_data=(X, y), progress=False)
    assert history.interrupted and not history.stopped_early
    assert history.stop_reason == "interrupted" and "epoch 2, after 3 of 4 batches" in \
        history.stop_detail
    assert opt.steps == 7                              # the interrupted batch finished its step
    # the unfinished epoch 2 is not recorded: the history agrees with what last.npz would hold
    assert history.epochs == 1 and len(history["val_loss"]) == 1
    assert signal.getsignal(signal.SIGINT) is before   # the usual Ctrl-C is back


def test_nan_loss_stops_training_with_a_warning():
    X, y = moons(32)
    model = fresh_model()
    X_bad = X.copy()
    X_bad[3, 0] = np.nan
    with pytest.warns(TrainingDivergedWarning, match="training loss is nan"):
        history = fit(model, F.cross_entropy, optim.SGD(model.parameters(), lr=0.1), (X_bad, y),
                      epochs=10, progress=False)
    assert history.epochs == 1


def test_history_to_dict_json_and_best(tmp_path):
    history = History()
    for loss, acc in [(1.0, 0.5), (0.4, 0.8), (0.6, 0.9)]:
        history.record({"loss": loss, "accuracy": acc})
    history.stopped_early = True
    assert history.to_dict() == {"loss": [1.0, 0.4, 0.6], "accuracy": [0.5, 0.8, 0.9]}
    assert history.best("loss") == (1, 0.4) and history.best("accuracy") == (2, 0.9)
    path = tmp_path / "h.json"
    history.to_json(path)
    again = History.from_json(path)
    assert again.to_dict() == history.to_dict() and again.stopped_early
    copy = history.to_dict()
    copy["loss"].append(9.0)
    assert history["loss"] == [1.0, 0.4, 0.6]            # to_dict hands out a copy
    with pytest.raises(KeyError, match="no metric 'val_loss'.*accuracy"):
        history["val_loss"]


def test_history_plots_through_viz(tmp_path):
    from tinygrad_edu import viz
    if not hasattr(viz, "plot_training_curves"):
        pytest.skip("this viz has no plot_training_curves")
    history = History({"loss": [1.0, 0.5, 0.25], "accuracy": [0.5, 0.75, 0.9]})
    path = tmp_path / "curves.svg"
    figure = history.plot(path)
    assert "<svg" in path.read_text()[:400]
    assert [len(ax.lines) for ax in figure.axes] == [1, 1]


def test_accuracy_reads_the_usual_output_layouts():
    assert accuracy(np.array([[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]]), np.array([0, 1, 1])) == \
        pytest.approx(2 / 3)
    assert accuracy(np.array([[0.3], [-0.2]]), np.array([[1.0], [-1.0]])) == 1.0      # hinge
    assert accuracy(np.array([0.3, -0.2]), np.array([0, 0])) == 0.5                   # logits, 0/1
    scores = np.zeros((2, 3, 4))
    scores[..., 1] = 1
    assert accuracy(scores, np.ones((2, 3), dtype=int)) == 1.0                        # per step
    with pytest.raises(ValueError, match="accuracy: cannot compare output of shape"):
        accuracy(np.zeros((4, 3)), np.zeros(5))


def test_evaluate_uses_eval_mode_records_no_graph_and_restores_training_mode():
    X, y = moons(40)
    manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Dropout(0.5), nn.ReLU(), nn.Linear(8, 2))
    first = evaluate(model, F.cross_entropy, (X, y), batch_size=7)["loss"]
    assert first == pytest.approx(evaluate(model, F.cross_entropy, (X, y), batch_size=40)["loss"],
                                  rel=1e-6)                                   # no dropout
    assert model.training
    assert all(p.grad is None for p in model.parameters())


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(epochs=0), ValueError, ["fit", "epochs", ">= 1"]),
    (dict(loss_fn="mse"), TypeError, ["fit", "loss_fn", "cross_entropy"]),
    (dict(optimizer=object()), TypeError, ["fit", "optimizer", "step()"]),
    (dict(train_data=(np.zeros((4, 2)), np.zeros(5, dtype=int))), ValueError,
     ["fit", "same number of rows", "(4, 2)", "(5,)"]),
    (dict(train_data=np.zeros((4, 2))), TypeError, ["fit", "(X, y)", "DataLoader"]),
    (dict(batch_size=0), ValueError, ["fit", "batch_size", "positive"]),
    (dict(metrics=["f1"]), ValueError, ["fit", "unknown metric 'f1'", "accuracy"]),
    (dict(callbacks=[print]), TypeError, ["fit", "Callback"]),
    (dict(callbacks=[EarlyStopping()]), ValueError, ["EarlyStopping", "val_loss", "val_data="]),
])
def test_bad_arguments_raise_clear_errors_before_training(kwargs, error, words):
    X, y = moons(16)
    model = fresh_model()
    before = model.layers[0].weight.data.copy()
    args = dict(model=model, loss_fn=F.cross_entropy,
                optimizer=optim.SGD(model.parameters(), lr=0.1), train_data=(X, y), epochs=2,
                progress=False)
    args.update(kwargs)
    with pytest.raises(error) as info:
        fit(**args)
    for word in words:
        assert word in str(info.value)
    if "callbacks" not in kwargs:                    # nothing trained before the error
        np.testing.assert_array_equal(model.layers[0].weight.data, before)
