"""Callbacks: small objects `fit` calls at fixed points, to stop early or save checkpoints.

Why: the loop itself stays one readable function; anything a particular run wants on top
(stop when the validation loss stops improving, keep the best weights on disk) is a
callback with one job. They follow Keras' names, which most tutorials use.

A callback overrides any of `on_train_begin(run)`, `on_epoch_end(run, epoch, logs)` and
`on_train_end(run)`; `run` is the `Run` of `loop.py` (`run.model`, `run.optimizer`,
`run.history`, and `run.stop = True` to end training after this epoch).
"""
import math
import os

import numpy as np

from .history import _resolve_mode


class Callback:
    """Base class: every hook does nothing."""

    def on_train_begin(self, run) -> None:
        """Called once before the first epoch."""

    def on_epoch_end(self, run, epoch: int, logs: dict) -> None:
        """Called after each epoch with its metrics (`logs`, e.g. {"loss": .., "val_loss": ..})."""

    def on_train_end(self, run) -> None:
        """Called once at the end, also after early stopping or Ctrl-C."""


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
                run.history.stopped_early = True

    def on_train_end(self, run):
        if self.restore_best_weights and self._best_state is not None and \
                self.stopped_epoch is not None:
            run.model.load_state_dict(self._best_state)


class ModelCheckpoint(Callback):
    """Save the model with `nn.save` after every epoch (`last.npz`) and at its best (`best.npz`).

    Files are `.npz` archives written atomically (no pickle); restore with
    `model.load_state_dict(nn.load(path))`.

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
        self.best = None

    def on_train_begin(self, run):
        try:
            os.makedirs(self.directory, exist_ok=True)
        except OSError as error:
            raise OSError(f"ModelCheckpoint: cannot create the folder {self.directory!r} "
                          f"({error.strerror}); choose a writable directory") from None
        self.best = None

    def on_epoch_end(self, run, epoch, logs):
        from tinygrad_edu import nn
        if self.best is None:
            monitor = self.monitor
            if monitor not in logs and monitor == "val_loss":
                monitor = "loss"
            _monitored("ModelCheckpoint", monitor, logs)
            self.best = _Best(monitor, self.mode, 0.0)
        if self.save_last:
            nn.save(run.model, self.last_path)
        if self.best.update(epoch, logs[self.best.monitor]) and self.save_best:
            nn.save(run.model, self.best_path)

    @property
    def best_epoch(self):
        """Index of the epoch saved in best.npz (None before the first save)."""
        return None if self.best is None else self.best.epoch
