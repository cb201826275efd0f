"""What `fit` tells the person watching: progress bars, a loss that blows up, the last line.

Why: a run that ends in silence teaches nothing. In a terminal the per-epoch bars vanish
when each epoch ends, and in a notebook a bar on stderr is not shown at all; so `fit`
draws its bars with `tqdm.auto` (a notebook widget in Jupyter, a terminal bar otherwise)
and ends with one line on stdout that stays: epochs run, why it stopped, the best epoch
and its metrics, the time. A loss that blows up is reported, not passed off as a result.
"""
import math
import sys

# the divergence rule: a finished epoch's mean loss is non-finite, or above both
# DIVERGENCE_FACTOR x and DIVERGENCE_MARGIN + the loss of the run's first batch
DIVERGENCE_FACTOR = 10.0
DIVERGENCE_MARGIN = 10.0


class TrainingDivergedWarning(RuntimeWarning):
    """The training loss blew up (NaN, inf, or far above where it started); `fit` stopped."""


def divergence(loss: float, initial: float):
    """Why `loss` counts as diverged from a run that started at `initial`, or None.

    The rule: the loss is NaN or inf, or it is above both 10 x the first batch's loss and
    that loss + 10 (the margin keeps small losses, 0.01 -> 0.2, from counting).

    Example:
        >>> divergence(2e7, 0.69)
        '2e+07, above 10x the starting loss 0.69 and above it + 10'
        >>> divergence(float("nan"), 0.69)
        'nan'
        >>> divergence(0.9, 0.69) is None
        True
    """
    if not math.isfinite(loss):
        return f"{loss}"
    if initial is not None and math.isfinite(initial) and \
            loss > DIVERGENCE_FACTOR * initial and loss > initial + DIVERGENCE_MARGIN:
        return (f"{loss:.4g}, above {DIVERGENCE_FACTOR:g}x the starting loss {initial:.4g} and "
                f"above it + {DIVERGENCE_MARGIN:g}")
    return None


def _in_notebook() -> bool:
    """True inside a Jupyter kernel, where tqdm.auto draws a notebook widget."""
    shell = sys.modules.get("IPython")
    if shell is None:
        return False
    try:
        ip = shell.get_ipython()
    except AttributeError:
        return False
    return ip is not None and "IPKernelApp" in getattr(ip, "config", {})


class Bars:
    """The progress bars of one `fit`: a notebook bar over the whole run in Jupyter (it
    stays, with the epoch in its label), a terminal bar per epoch otherwise (it vanishes
    when the epoch ends), nothing when progress is off or stderr is a log or a pipe."""

    def __init__(self, enabled: bool, label, epochs: int, per_epoch):
        self.label, self.epochs, self.per_epoch = label, epochs, per_epoch
        self.notebook = bool(enabled) and _in_notebook()
        self.terminal = bool(enabled) and not self.notebook and sys.stderr.isatty()
        self.run_bar = None

    def _desc(self, epoch):
        return f"{self.label + ' ' if self.label else ''}epoch {epoch + 1}/{self.epochs}"

    def epoch_bar(self, epoch, first_epoch):
        """The bar to advance once per batch during `epoch` (None when bars are off)."""
        if self.notebook:
            if self.run_bar is None:
                self.run_bar = self._notebook_bar(epoch, first_epoch)
            if self.run_bar is not None:
                self.run_bar.set_description(self._desc(epoch))
            return self.run_bar
        if not self.terminal:
            return None
        from tqdm.auto import tqdm
        return tqdm(total=self.per_epoch, desc=self._desc(epoch), file=sys.stderr, leave=False,
                    unit="batch", dynamic_ncols=True)

    def _notebook_bar(self, epoch, first_epoch):
        total = None if self.per_epoch is None else self.per_epoch * (self.epochs - first_epoch)
        try:
            from tqdm.auto import tqdm
            return tqdm(total=total, desc=self._desc(epoch), leave=True, unit="batch")
        except ImportError:         # no ipywidgets: no widget, the summary line still shows
            self.notebook = False
            return None

    def end_epoch(self, bar):
        """Close a per-epoch terminal bar (the notebook bar lives on until `close`)."""
        if bar is not None and bar is not self.run_bar:
            bar.close()

    def close(self):
        if self.run_bar is not None:
            self.run_bar.close()
            self.run_bar = None


def _number(value: float) -> str:
    return f"{value:.4f}" if 1e-3 <= abs(value) < 1e4 else f"{value:.4g}"


def best_epoch(history):
    """(index, metric name) of the best epoch: lowest val_loss, else lowest loss; None if none."""
    for name in ("val_loss", "loss"):
        if name in history and any(math.isfinite(v) for v in history[name]):
            finite = [(v, i) for i, v in enumerate(history[name]) if math.isfinite(v)]
            return min(finite)[1], name
    return None


def summary_line(history, resumed_after=None) -> str:
    """The one line `fit` prints when it ends.

    Example:
        >>> from tinygrad_edu.train import History
        >>> h = History({"loss": [0.9, 0.4, 0.5]}); h.stop_detail = "completed all epochs"
        >>> h.seconds = 1.25
        >>> summary_line(h)
        'fit: 3 epochs in 1.2 s, completed all epochs; best epoch 2: loss 0.4000'
    """
    epochs = history.epochs
    if resumed_after is None:
        resumed_after = getattr(history, "resumed_after", None)
    resumed = "" if resumed_after is None else f" (resumed after epoch {resumed_after})"
    head = f"fit: {epochs} epoch{'s' if epochs != 1 else ''}{resumed} in {history.seconds:.1f} s, " \
           f"{history.stop_detail or 'ended'}"
    best = best_epoch(history)
    if best is None:
        why = "no epoch finished" if epochs == 0 else "no finite loss"
        return f"{head}; best epoch: none ({why})"
    index, _ = best
    values = ", ".join(f"{name} {_number(values[index])}" for name, values in history.metrics.items()
                       if index < len(values))
    return f"{head}; best epoch {index + 1}: {values}"
