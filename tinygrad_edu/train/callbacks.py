"""Callbacks: small objects `fit` calls at fixed points, to stop early or save checkpoints.

Why: the loop itself stays one readable function; anything a particular run wants on top
(stop when the validation loss stops improving, keep the best weights on disk) is a
callback with one job. They follow Keras' names, which most tutorials use.

A callback overrides any of `on_train_begin(run)`, `on_epoch_end(run, epoch, logs)` and
`on_train_end(run)`; `run` is the `Run` of `loop.py` (`run.model`, `run.optimizer`,
`run.history`, and `run.stop = True` to end training after this epoch, with
`run.stop_reason` saying why in a few words). A callback that remembers something across
epochs returns it from `state_dict()` (arrays and numbers) and takes it back in
`load_state_dict`, so a resumed run goes on exactly (see `resume.py`).
"""
import math
import os

import numpy as np

from ..safe_files import clean_stale_temps
from .history import _resolve_mode


class Callback:
    """Base class: every hook does nothing."""

    def on_train_begin(self, run) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, run, epoch: int, logs: dict) -> None:
        """Called after each epoch with its metrics (`logs`, e.g. {"loss": .., "val_loss": ..})."""

    def on_train_end(self, run) -> None:
        """Called once at the end, also after early stopping or Ctrl-C."""

    def state_dict(self) -> dict:
        """What this callback remembers across epochs (saved in `last.npz`); none by default."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        """Take back what `state_dict` returned (when `fit` resumes)."""


def _monitored(owner, monitor, logs):
    if monitor not in logs:
        hint = " (pass val_data= to fit)" if monitor.startswith("val_") else ""
        raise ValueError(f"{owner}: monitors {monitor!r}, but fit recorded only {sorted(logs)}"
                         f"{hint}; choose monitor= among those")
    return logs[monitor]


class _Best:
    """Tracks the best value of a monitored metric (lower for losses, higher otherwise)."""

    def __init__(self, monitor, mode, min_delta):
        self.monitor = monitor
        self.mode = _resolve_mode(monitor, mode)
        self.min_delta = float(min_delta)
        self.value = math.inf if self.mode == "min" else -math.inf
        self.epoch = None

    def improved(self, value) -> bool:
        if math.isnan(value):
            return False
        if self.mode == "min":
            return value < self.value - self.min_delta
        return value > self.value + self.min_delta

    def update(self, epoch, value) -> bool:
        if self.improved(value):
            self.value, self.epoch = value, epoch
            return True
        return False

    def state(self) -> dict:
        return {"monitor": self.monitor, "value": float(self.value), "epoch": self.epoch}

    def load(self, owner, state) -> None:
        if not isinstance(state, dict) or state.get("monitor") != self.monitor:
            raise ValueError(f"{owner}: the saved state monitors "
                             f"{state.get('monitor') if isinstance(state, dict) else None!r}, this "
                             f"one monitors {self.monitor!r}; resume with the same monitor=")
        value, epoch = state.get("value"), state.get("epoch")
        if not isinstance(value, (int, float)) or isinstance(value, bool) or \
                not (epoch is None or (isinstance(epoch, int) and not isinstance(epoch, bool))):
            raise ValueError(f"{owner}: the saved best value/epoch {value!r}/{epoch!r} is damaged")
        self.value, self.epoch = float(value), epoch


class EarlyStopping(Callback):
    """Stop when the monitored metric has not improved for `patience` epochs in a row.

    Args:
        monitor: metric name in the history ("val_loss", "loss", "val_accuracy", ...).
        patience: epochs without improvement to wait before stopping.
        min_delta: smallest change that counts as an improvement.
        mode: "min", "max" or "auto" (min for names with "loss"/"error").
        restore_best_weights: put back the parameters of the best epoch when stopping.

    Example:
        >>> stopper = EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
        >>> # fit(model, loss_fn, opt, (X, y), epochs=100, val_data=(Xv, yv), callbacks=[stopper])
    """

    def __init__(self, monitor: str = "val_loss", patience: int = 5, min_delta: float = 0.0,
                 mode: str = "auto", restore_best_weights: bool = False):
        if isinstance(patience, bool) or not isinstance(patience, int) or patience < 0:
            raise ValueError(f"EarlyStopping: patience must be an integer >= 0, got {patience!r}")
        if not float(min_delta) >= 0:
            raise ValueError(f"EarlyStopping: min_delta must be >= 0, got {min_delta!r}")
        self.best = _Best(monitor, mode, min_delta)
        self.patience = patience
        self.restore_best_weights = restore_best_weights
        self.wait = 0
        self.stopped_epoch = None
        self._best_state = None

    def on_train_begin(self, run):
        self.best = _Best(self.best.monitor, self.best.mode, self.best.min_delta)
        self.wait, self.stopped_epoch, self._best_state = 0, None, None

    def on_epoch_end(self, run, epoch, logs):
        value = _monitored("EarlyStopping", self.best.monitor, logs)
        if self.best.update(epoch, value):
            self.wait = 0
            if self.restore_best_weights:
                self._best_state = {name: np.array(t.data, copy=True)
                                    for name, t in run.model.state_dict().items()}
        else:
            self.wait += 1
            if self.wait >= self.patience:
                self.stopped_epoch = epoch
                run.stop = True
                run.stop_reason = (f"EarlyStopping: {self.best.monitor} did not improve for "
                                   f"{self.wait} epoch{'s' if self.wait != 1 else ''}")
                run.history.stopped_early = True

    def state_dict(self):
        best = {} if self._best_state is None else self._best_state
        return {"best": self.best.state(), "wait": self.wait, "stopped_epoch": self.stopped_epoch,
                "best_weights": dict(best), "has_best_weights": self._best_state is not None}

    def load_state_dict(self, state):
        if not isinstance(state, dict) or not {"best", "wait", "best_weights"} <= set(state):
            raise ValueError("EarlyStopping: the saved state is damaged (expected best, wait and "
                             "best_weights)")
        wait = state["wait"]
        if isinstance(wait, bool) or not isinstance(wait, int) or wait < 0:
            raise ValueError(f"EarlyStopping: the saved wait {wait!r} is not a count")
        self.best.load("EarlyStopping", state["best"])
        self.wait, self.stopped_epoch = wait, state.get("stopped_epoch")
        weights = state["best_weights"]
        self._best_state = {k: np.array(v, copy=True) for k, v in weights.items()} \
            if state.get("has_best_weights") else None

    def on_train_end(self, run):
        if self.restore_best_weights and self._best_state is not None and \
                self.stopped_epoch is not None:
            run.model.load_state_dict(self._best_state)


class ModelCheckpoint(Callback):
    """Keep `best.npz` (the weights of the best epoch) and `last.npz` (all a run needs to go on).

    `best.npz` holds the model's state dict: `model.load_state_dict(nn.load(path))`.
    `last.npz` is rewritten after every epoch with the model, the optimiser and scheduler
    state, the epoch, the history, the callbacks' state and the random generator's state;
    `fit(..., resume_from=directory)` goes on from it, and `nn.load(path)["model"]` is the
    weights. `history.json` is written next to it. Every file is written atomically (no
    pickle, a kill never leaves a broken file).

    Args:
        directory: folder for the files (created if missing).
        monitor: metric deciding which epoch is best ("val_loss" by default; falls back to
            "loss" when fit has no validation data).
        mode: "min", "max" or "auto".
        save_best: write `best.npz` whenever the monitored metric improves.
        save_last: write `last.npz` after every epoch.

    Example:
        >>> import tempfile
        >>> saver = ModelCheckpoint(tempfile.mkdtemp())
        >>> # fit(..., callbacks=[saver]); model.load_state_dict(nn.load(saver.best_path))
    """

    def __init__(self, directory, monitor: str = "val_loss", mode: str = "auto",
                 save_best: bool = True, save_last: bool = True):
        self.directory = os.fspath(directory)
        self.monitor, self.mode = monitor, mode
        self.save_best, self.save_last = save_best, save_last
        self.best_path = os.path.join(self.directory, "best.npz")
        self.last_path = os.path.join(self.directory, "last.npz")
        self.history_path = os.path.join(self.directory, "history.json")
        self.best = None

    def on_train_begin(self, run):
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as error:
            raise OSError(f"ModelCheckpoint: cannot create the folder {self.directory!r} "
                          f"({error.strerror}); choose a writable directory") from None
        self.best = None
        clean_stale_temps(self.directory)      # left by a run killed while saving

    def on_epoch_end(self, run, epoch, logs):
        from tinygrad_edu import nn
        if self.best is None:
            monitor = self.monitor
            if monitor not in logs and monitor == "val_loss":
                monitor = "loss"
            _monitored("ModelCheckpoint", monitor, logs)
            self.best = _Best(monitor, self.mode, 0.0)
        if self.best.update(epoch, logs[self.best.monitor]) and self.save_best:
            nn.save(run.model, self.best_path)

    def write_last(self, run, epochs_done: int, finished: bool) -> None:
        """Write `last.npz` (all a resumed run needs) and `history.json`; `fit` calls this at
        the very end of each epoch, after every callback has run, so the file describes a
        moment a resumed run can start from."""
        from tinygrad_edu import nn
        from .resume import training_state
        if not self.save_last:
            return
        nn.save(training_state(run, epochs_done, finished), self.last_path)
        run.history.to_json(self.history_path)

    def on_train_end(self, run):
        # history.json gets how the run ended (Ctrl-C, early stop...); its epochs are the ones
        # in last.npz, since an epoch Ctrl-C cut short is not recorded
        if self.save_last and run.history.epochs and os.path.isdir(self.directory):
            run.history.to_json(self.history_path)

    def state_dict(self):
        return {"best": None if self.best is None else self.best.state()}

    def load_state_dict(self, state):
        if not isinstance(state, dict) or "best" not in state:
            raise ValueError("ModelCheckpoint: the saved state is damaged (expected 'best')")
        if state["best"] is None:
            self.best = None
            return
        monitor = state["best"].get("monitor") if isinstance(state["best"], dict) else None
        self.best = _Best(monitor if isinstance(monitor, str) else self.monitor, self.mode, 0.0)
        self.best.load("ModelCheckpoint", state["best"])

    @property
    def best_epoch(self):
        """Index of the epoch saved in best.npz (None before the first save)."""
        return None if self.best is None else self.best.epoch
