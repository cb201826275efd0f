"""`fit` and `evaluate`: the training loop every course writes by hand, written once.

Why: the five lines of a training step (zero_grad, forward, loss, backward, step) are the
lesson; the forty lines of bookkeeping around them (batches, shuffling, averages, a
progress bar, validation, stopping, saving) are not. `fit` keeps the five lines visible
in `_train_epoch` and does the rest.
"""
import math
import signal
import sys
import threading
import time
import warnings

from ..grad_mode import no_grad
from .batches import Batches
from .callbacks import Callback
from .history import History
from .metrics import resolve


class Run:
    """What callbacks see: the model, the optimiser, the history so far, and a stop switch."""

    def __init__(self, model, optimizer, history):
        self.model, self.optimizer, self.history = model, optimizer, history
        self.stop = False


class _StopOnCtrlC:
    """While active, the first Ctrl-C only raises a flag (training stops after the current
    batch); a second one interrupts at once, as usual."""

    def __init__(self, owner):
        self.owner = owner
        self.pressed = False
        self.previous = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            try:
                self.previous = signal.signal(signal.SIGINT, self._on_sigint)
            except (ValueError, OSError):       # embedded interpreters without signals
                self.previous = None
        return self

    def _on_sigint(self, signum, frame):
        self.pressed = True
        signal.signal(signal.SIGINT, self.previous)     # a second Ctrl-C aborts immediately
        print(f"\n{self.owner}: Ctrl-C: stopping after this batch (press again to abort)",
              file=sys.stderr)

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
        return False


def _bar(total, desc, enabled):
    """A tqdm bar on stderr, or None when progress is off or stderr is not a terminal."""
    if not enabled or not sys.stderr.isatty():
        return None
    from tqdm import tqdm
    return tqdm(total=total, desc=desc, file=sys.stderr, leave=False, unit="batch",
                dynamic_ncols=True)


def _check_args(model, loss_fn, optimizer, epochs, callbacks):
    if not callable(model):
        raise TypeError(f"fit: model must be callable (a Module), got {type(model).__name__}")
    if not callable(loss_fn):
        raise TypeError(f"fit: loss_fn must be a function (output, target) -> scalar Tensor, e.g. "
                        f"nn.functional.cross_entropy; got {type(loss_fn).__name__}")
    if not (hasattr(optimizer, "step") and hasattr(optimizer, "zero_grad")):
        raise TypeError(f"fit: optimizer must have step() and zero_grad() (e.g. optim.SGD(model."
                        f"parameters(), lr=0.1)), got {type(optimizer).__name__}")
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be an integer >= 1, got {epochs!r}")
    callbacks = list(callbacks or ())
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(f"fit: callbacks must be Callback objects (EarlyStopping, "
                            f"ModelCheckpoint, ...), got {type(callback).__name__}")
    return callbacks


def fit(model, loss_fn, optimizer, train_data, epochs: int = 1, batch_size: int = 32,
        val_data=None, metrics=None, callbacks=(), progress: bool = True, shuffle: bool = True,
        seed=None, label: str = None) -> History:
    """Train `model` for `epochs` passes over `train_data` and return the `History`.

    Each batch does the five lines of a training step: `optimizer.zero_grad()`, `out =
    model(x)`, `loss = loss_fn(out, y)`, `loss.backward()`, `optimizer.step()`. After each
    epoch the mean training loss (and metrics), and the validation ones when `val_data` is
    given (prefixed `val_`), go into the history, and the callbacks run.

    Args:
        model: a Module (anything callable on a batch Tensor).
        loss_fn: `(output, target) -> scalar Tensor`, e.g. `nn.functional.cross_entropy`.
        optimizer: an `optim` optimiser over the model's parameters.
        train_data: `(X, y)` arrays or Tensors (cut along the first axis, reshuffled each
            epoch), or any iterable of `(x, y)` batches, such as a DataLoader.
        epochs: number of passes over the data.
        batch_size: rows per batch when `train_data` is arrays.
        val_data: optional held-out data, in the same forms; evaluated after each epoch.
        metrics: names ("accuracy") or functions `(output, target) -> float`.
        callbacks: e.g. `[EarlyStopping(patience=5), ModelCheckpoint("runs/mlp")]`.
        progress: a tqdm bar per epoch on stderr; it stays quiet when stderr is not a
            terminal (logs, CI) or with `progress=False`.
        shuffle: reshuffle array data every epoch.
        seed: seed of the shuffles (epoch e uses seed + e), for a reproducible run.
        label: a name shown at the left of the progress bar (e.g. "CNN").

    Returns:
        History: `history["loss"]`, `history["val_accuracy"]`, ..., one value per epoch;
        `stopped_early` / `interrupted` say how it ended. Ctrl-C stops cleanly after the
        current batch (the partial epoch is recorded); a second Ctrl-C aborts.

    Example:
        >>> from tinygrad_edu import nn, optim
        >>> from tinygrad_edu.data import make_moons
        >>> X, y = make_moons(200, noise=0.1, seed=0)
        >>> _ = nn.init.manual_seed(0)          # the initial weights
        >>> model = nn.MLP([2, 16, 16, 2])
        >>> history = fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.03),
        ...               (X, y), epochs=30, metrics=["accuracy"], seed=0, progress=False)
        >>> history.last("accuracy") > 0.95
        True
    """
    callbacks = _check_args(model, loss_fn, optimizer, epochs, callbacks)
    measures = resolve(metrics, "fit")
    batches = Batches(train_data, batch_size, shuffle, seed, "fit")
    val_batches = None if val_data is None else Batches(val_data, batch_size, False, None, "fit")
    history = History()
    run = Run(model, optimizer, history)
    start = time.perf_counter()
    for callback in callbacks:
        callback.on_train_begin(run)
    try:
        with _StopOnCtrlC("fit") as ctrl_c:
            for epoch in range(epochs):
                desc = f"{label + ' ' if label else ''}epoch {epoch + 1}/{epochs}"
                logs = _train_epoch(model, loss_fn, optimizer, batches, epoch, measures, ctrl_c,
                                    _bar(batches.count(), desc, progress))
                if val_batches is not None:
                    val_logs = _evaluate(model, loss_fn, val_batches, measures)
                    logs.update({f"val_{name}": value for name, value in val_logs.items()})
                history.record(logs)
                if ctrl_c.pressed:
                    history.interrupted = True
                    break
                if not math.isfinite(logs["loss"]):
                    warnings.warn(f"fit: the training loss is {logs['loss']} after epoch "
                                  f"{epoch + 1}; training stopped. Lower the learning rate or check "
                                  f"the inputs for inf/NaN", RuntimeWarning, stacklevel=2)
                    break
                for callback in callbacks:
                    callback.on_epoch_end(run, epoch, logs)
                if run.stop:
                    break
    finally:
        history.seconds = time.perf_counter() - start
        for callback in callbacks:
            callback.on_train_end(run)
    return history


def _train_epoch(model, loss_fn, optimizer, batches, epoch, measures, ctrl_c, bar):
    """One pass over the data; returns the epoch's mean loss and metrics."""
    if hasattr(model, "train"):
        model.train()
    totals = dict.fromkeys(["loss", *measures], 0.0)
    seen = 0
    try:
        for x, y, n in batches.epoch(epoch):
            optimizer.zero_grad()
            out = model(x)
            loss = loss_fn(out, y)
            loss.backward()
            optimizer.step()
            seen += n
            totals["loss"] += loss.item() * n
            for name, metric in measures.items():
                totals[name] += metric(out, y) * n
            if bar is not None:
                bar.update(1)
                bar.set_postfix(loss=f"{totals['loss'] / seen:.4g}")
            if ctrl_c.pressed:
                break
    finally:
        if bar is not None:
            bar.close()
    if seen == 0:
        raise ValueError("fit: the training data produced no batches; check that it is not empty")
    return {name: total / seen for name, total in totals.items()}


def _evaluate(model, loss_fn, batches, measures):
    was_training = getattr(model, "training", None)
    if hasattr(model, "eval"):
        model.eval()
    totals = dict.fromkeys(["loss", *measures], 0.0)
    seen = 0
    try:
        with no_grad():
            for x, y, n in batches.epoch(0):
                out = model(x)
                totals["loss"] += loss_fn(out, y).item() * n
                for name, metric in measures.items():
                    totals[name] += metric(out, y) * n
                seen += n
    finally:
        if was_training and hasattr(model, "train"):
            model.train()
    if seen == 0:
        raise ValueError("evaluate: the data produced no batches; check that it is not empty")
    return {name: total / seen for name, total in totals.items()}


def evaluate(model, loss_fn, data, batch_size: int = 256, metrics=None) -> dict:
    """Mean loss and metrics of `model` on `data`, in eval mode and without recording a graph.

    Args:
        model: the trained Module.
        loss_fn: `(output, target) -> scalar Tensor`.
        data: `(X, y)` arrays or Tensors, or an iterable of `(x, y)` batches.
        batch_size: rows per forward pass (memory only; the result does not depend on it).
        metrics: names ("accuracy") or functions `(output, target) -> float`.

    Returns:
        dict: {"loss": ..., "accuracy": ..., ...}, averaged over examples.

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import nn
        >>> model = nn.Linear(2, 2)
        >>> result = evaluate(model, nn.functional.cross_entropy, (np.ones((4, 2)), np.zeros(4, int)),
        ...                   metrics=["accuracy"])
        >>> sorted(result)
        ['accuracy', 'loss']
    """
    if not callable(model) or not callable(loss_fn):
        raise TypeError("evaluate: model and loss_fn must be callable (a Module and a loss "
                        "function)")
    return _evaluate(model, loss_fn, Batches(data, batch_size, False, None, "evaluate"),
                     resolve(metrics, "evaluate"))
