"""`fit` and `evaluate`: the training loop every course writes by hand, written once.

Why: the five lines of a training step (zero_grad, forward, loss, backward, step) are the
lesson; the forty lines of bookkeeping around them (batches, shuffling, averages, a
progress bar, validation, stopping, saving) are not. `fit` keeps the five lines visible
in `_train_epoch` and does the rest.
"""
import signal
import sys
import threading
import time
import warnings

from ..grad_mode import no_grad
from .batches import Batches
from .callbacks import Callback, ModelCheckpoint
from .history import History, COMPLETED, EARLY_STOPPING, INTERRUPTED, DIVERGED
from .metrics import resolve
from .reporting import Bars, TrainingDivergedWarning, divergence, summary_line
from .resume import restore


class Run:
    """What callbacks see: the model, the optimiser, the history so far, and a stop switch."""

    def __init__(self, model, optimizer, history, scheduler=None, callbacks=()):
        self.model, self.optimizer, self.history = model, optimizer, history
        self.scheduler, self.callbacks = scheduler, list(callbacks)
        self.stop = False
        self.stop_reason = None


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


def _check_args(model, loss_fn, optimizer, epochs, callbacks, scheduler):
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
    if scheduler is not None and not (hasattr(scheduler, "step") and hasattr(scheduler,
                                                                             "state_dict")):
        raise TypeError(f"fit: scheduler must be an optim.lr_scheduler object (step() once per "
                        f"epoch), got {type(scheduler).__name__}")
    callbacks = list(callbacks or ())
    for callback in callbacks:
        if not isinstance(callback, Callback):
            raise TypeError(f"fit: callbacks must be Callback objects (EarlyStopping, "
                            f"ModelCheckpoint, ...), got {type(callback).__name__}")
    return callbacks


def fit(model, loss_fn, optimizer, train_data, epochs: int = 1, batch_size: int = 32,
        val_data=None, metrics=None, callbacks=(), progress: bool = True, shuffle: bool = True,
        seed=None, label: str = None, scheduler=None, resume_from=None) -> History:
    """Train `model` for `epochs` passes over `train_data` and return the `History`.

    Each batch does the five lines of a training step: `optimizer.zero_grad()`, `out =
    model(x)`, `loss = loss_fn(out, y)`, `loss.backward()`, `optimizer.step()`. After each
    epoch the mean training loss (and metrics), and the validation ones when `val_data` is
    given (prefixed `val_`), go into the history, and the callbacks run.

    When it ends, `fit` prints one line (unless `progress=False`), e.g. `fit: 28 epochs in
    3.1 s, stopped early (EarlyStopping: val_loss did not improve for 5 epochs); best epoch
    23: loss 0.1034, val_loss 0.1201`. A loss that blows up (NaN or inf, or above both 10x
    the first batch's loss and that loss + 10) stops training with a
    `TrainingDivergedWarning`, and `history.diverged` is set.

    Args:
        model: a Module (anything callable on a batch Tensor).
        loss_fn: `(output, target) -> scalar Tensor`, e.g. `nn.functional.cross_entropy`.
        optimizer: an `optim` optimiser over the model's parameters.
        train_data: `(X, y)` arrays or Tensors (cut along the first axis, reshuffled each
            epoch), or any iterable of `(x, y)` batches, such as a DataLoader.
        epochs: the total number of passes over the data (a resumed run counts the epochs
            already done).
        batch_size: rows per batch when `train_data` is arrays.
        val_data: optional held-out data, in the same forms; evaluated after each epoch.
        metrics: names ("accuracy") or functions `(output, target) -> float`.
        callbacks: e.g. `[EarlyStopping(patience=5), ModelCheckpoint("runs/mlp")]`.
        progress: progress bars from `tqdm.auto` (a notebook bar in Jupyter; in a terminal one
            bar per epoch on stderr, none when stderr is a log or a pipe) and the summary line.
        shuffle: reshuffle array data every epoch. The order comes from the global generator
            (`tinygrad_edu.manual_seed` makes it reproducible, as in PyTorch) unless `seed`
            is given.
        seed: a seed of its own for the shuffles (epoch e uses seed + e).
        label: a name shown at the left of the progress bar (e.g. "CNN").
        scheduler: an `optim.lr_scheduler` stepped once after each epoch
            (`ReduceLROnPlateau` gets the epoch's val_loss, or loss).
        resume_from: a folder a `ModelCheckpoint` wrote into (or its `last.npz`): the model,
            optimiser, scheduler, callbacks, history and random state are restored and training
            goes on from the last finished epoch. Build the model, optimiser, scheduler and
            callbacks as for the first run.

    Returns:
        History: `history["loss"]`, `history["val_accuracy"]`, ..., one value per epoch;
        `stop_reason` says how it ended. Ctrl-C stops cleanly after the current batch (that
        unfinished epoch is not recorded, so the history agrees with `last.npz`); a second
        Ctrl-C aborts.

    Example:
        >>> from tinygrad_edu import nn, optim, manual_seed
        >>> from tinygrad_edu.data import make_moons
        >>> X, y = make_moons(200, noise=0.1, seed=0)
        >>> _ = manual_seed(0)          # the initial weights and the shuffles
        >>> model = nn.MLP([2, 16, 16, 2])
        >>> history = fit(model, nn.functional.cross_entropy, optim.Adam(model.parameters(), lr=0.03),
        ...               (X, y), epochs=30, metrics=["accuracy"], progress=False)
        >>> history.last("accuracy") > 0.95, history.stop_reason
        (True, 'completed')
    """
    callbacks = _check_args(model, loss_fn, optimizer, epochs, callbacks, scheduler)
    measures = resolve(metrics, "fit")
    batches = Batches(train_data, batch_size, shuffle, seed, "fit")
    val_batches = None if val_data is None else Batches(val_data, batch_size, False, None, "fit")
    history = History()
    run = Run(model, optimizer, history, scheduler, callbacks)
    start = time.perf_counter()
    for callback in callbacks:
        callback.on_train_begin(run)
    first, finished = 0, False
    if resume_from is not None:
        first, finished = restore(run, resume_from)
        history.resumed_after = first
        if finished and history.stop_reason == COMPLETED and first < epochs:
            finished = False                    # a completed run asked for more epochs
        if not finished:                        # it goes on: how it ended last time is history
            history.stop_reason, history.stop_detail, history.interrupted = None, "", False
    previous_seconds = history.seconds
    bars = Bars(progress, label, epochs, batches.count())
    try:
        with _StopOnCtrlC("fit") as ctrl_c:
            for epoch in range(first, 0 if finished else epochs):
                if _one_epoch(run, loss_fn, batches, val_batches, measures, epoch, epochs, ctrl_c,
                              bars, first):
                    break
            else:
                if not finished:
                    history.stop_reason, history.stop_detail = COMPLETED, "completed all epochs"
    finally:
        bars.close()
        history.seconds = previous_seconds + time.perf_counter() - start
        for callback in callbacks:
            callback.on_train_end(run)
    if progress:
        print(summary_line(history), flush=True)
    return history


def _one_epoch(run, loss_fn, batches, val_batches, measures, epoch, epochs, ctrl_c, bars, first):
    """Train, validate, record and checkpoint one epoch; return True when training must stop."""
    history = run.history
    bar = bars.epoch_bar(epoch, first)
    try:
        logs, complete, done, count = _train_epoch(run, loss_fn, batches, epoch, measures, ctrl_c,
                                                   bar)
    finally:
        bars.end_epoch(bar)
    if not complete:    # Ctrl-C inside the epoch: it is not recorded (last.npz has the one before)
        history.interrupted = True
        history.stop_reason = INTERRUPTED
        total = "" if count is None else f" of {count}"
        history.stop_detail = (f"interrupted (KeyboardInterrupt: Ctrl-C in epoch {epoch + 1}, "
                               f"after {done}{total} batches; that epoch is not recorded)")
        return True
    if val_batches is not None:
        val_logs = _evaluate(run.model, loss_fn, val_batches, measures)
        logs.update({f"val_{name}": value for name, value in val_logs.items()})
    history.record(logs)
    blown = divergence(logs["loss"], history.initial_loss)
    if blown is not None:
        history.diverged, history.stop_reason = True, DIVERGED
        history.stop_detail = f"stopped: the loss diverged at epoch {epoch + 1} ({blown})"
        warnings.warn(f"fit: the training loss is {blown} after epoch {epoch + 1}; training "
                      f"stopped. Lower the learning rate or check the inputs for inf/NaN",
                      TrainingDivergedWarning, stacklevel=3)
    else:
        for callback in run.callbacks:
            callback.on_epoch_end(run, epoch, logs)
            if run.stop and history.stop_reason is None:
                history.stop_reason, history.stopped_early = EARLY_STOPPING, True
                history.stop_detail = (f"stopped early ({run.stop_reason or type(callback).__name__})")
        _step_scheduler(run.scheduler, logs)
    if ctrl_c.pressed and history.stop_reason is None:
        history.interrupted, history.stop_reason = True, INTERRUPTED
        history.stop_detail = f"interrupted (KeyboardInterrupt: Ctrl-C at the end of epoch {epoch + 1})"
    stopping = history.stop_reason is not None
    if epoch + 1 == epochs and not stopping:
        history.stop_reason, history.stop_detail = COMPLETED, "completed all epochs"
    for callback in run.callbacks:
        if isinstance(callback, ModelCheckpoint):
            finished = history.stop_reason not in (None, INTERRUPTED)
            callback.write_last(run, epoch + 1, finished=finished)
    return stopping


def _step_scheduler(scheduler, logs):
    if scheduler is None:
        return
    if type(scheduler).__name__ == "ReduceLROnPlateau":
        scheduler.step(logs.get("val_loss", logs["loss"]))
    else:
        scheduler.step()


def _train_epoch(run, loss_fn, batches, epoch, measures, ctrl_c, bar):
    """One pass over the data: (mean loss and metrics, complete?, batches done, batches in the
    epoch or None when the source cannot tell)."""
    model, optimizer, history = run.model, run.optimizer, run.history
    if hasattr(model, "train"):
        model.train()
    totals = dict.fromkeys(["loss", *measures], 0.0)
    seen = done = 0
    for x, y, n in batches.epoch(epoch):
        optimizer.zero_grad()
        out = model(x)
        loss = loss_fn(out, y)
        loss.backward()
        optimizer.step()
        value = loss.item()
        if history.initial_loss is None:
            history.initial_loss = value
        seen += n
        done += 1
        totals["loss"] += value * n
        for name, metric in measures.items():
            totals[name] += metric(out, y) * n
        if bar is not None:
            bar.update(1)
            bar.set_postfix(loss=f"{totals['loss'] / seen:.4g}")
        if ctrl_c.pressed:
            break
    count = batches.count()
    # with Ctrl-C, the epoch is complete only when its last batch was done (known length)
    complete = not ctrl_c.pressed or (count is not None and done == count)
    if seen == 0:
        if ctrl_c.pressed:
            return None, False, done, count
        raise ValueError("fit: the training data produced no batches; check that it is not empty")
    return {name: total / seen for name, total in totals.items()}, complete, done, count


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
