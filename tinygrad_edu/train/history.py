"""`History`: what `fit` measured, one value per epoch and metric.

Why a class and not a bare dict: the loop also needs to say *how* training ended (it ran
all epochs, it stopped early, Ctrl-C interrupted it) and how long it took, and a student
wants `history.best("val_loss")` and a plot without writing the bookkeeping. The data
itself stays a plain `{metric: [value per epoch]}` dict (`to_dict()`), which is what
`viz.plot_training_curves` and `json` read.
"""
import json
import math
import os

from ..safe_files import atomic_write

# why a run ended (History.stop_reason)
COMPLETED, EARLY_STOPPING, INTERRUPTED, DIVERGED = "completed", "early_stopping", "interrupted", \
    "diverged"


class History:
    """Per-epoch losses and metrics of one training run.

    Attributes:
        metrics: dict name -> list of floats, one per finished epoch ("loss", "accuracy",
            "val_loss", ...).
        epochs: number of epochs recorded.
        stopped_early: True when a callback (e.g. `EarlyStopping`) ended the run.
        interrupted: True when Ctrl-C ended it. The epoch it interrupted is not recorded
            (its batches did update the model), so the history agrees with `last.npz`.
        diverged: True when the loss blew up (see `fit`) and training stopped.
        stop_reason: "completed", "early_stopping", "interrupted" or "diverged" (None while
            running); `stop_detail` says it in words, e.g. "EarlyStopping: val_loss did not
            improve for 5 epochs".
        initial_loss: the loss of the very first batch, before any update (the reference of
            the divergence rule).
        seconds: wall time of the whole run (summed over resumed sessions).

    Example:
        >>> h = History()
        >>> h.record({"loss": 0.9, "val_loss": 1.0}); h.record({"loss": 0.5, "val_loss": 0.7})
        >>> h["loss"], h.best("val_loss")
        ([0.9, 0.5], (1, 0.7))
    """

    def __init__(self, metrics=None):
        self.metrics = {name: [float(v) for v in values] for name, values in (metrics or {}).items()}
        self.stopped_early = False
        self.interrupted = False
        self.diverged = False
        self.stop_reason = None
        self.stop_detail = ""
        self.initial_loss = None
        self.resumed_after = None       # the epochs a resumed fit found done (not saved)
        self.seconds = 0.0

    @property
    def epochs(self) -> int:
        """How many epochs are recorded (the length of every metric's list)."""
        return max((len(values) for values in self.metrics.values()), default=0)

    def record(self, logs: dict) -> None:
        """Append one epoch's values: `logs` maps metric name -> number."""
        for name, value in logs.items():
            self.metrics.setdefault(name, []).append(float(value))

    def __getitem__(self, name):
        if name not in self.metrics:
            raise KeyError(f"History: no metric {name!r}; recorded: {sorted(self.metrics)}")
        return self.metrics[name]

    def __contains__(self, name) -> bool:
        return name in self.metrics

    def last(self, name: str) -> float:
        """The value of `name` after the last epoch.

        Example:
            >>> History({"loss": [3.0, 2.0]}).last("loss")
            2.0
        """
        values = self[name]
        if not values:
            raise ValueError(f"History.last: {name!r} has no values yet")
        return values[-1]

    def best(self, name: str, mode: str = "auto"):
        """(epoch index, value) of the best epoch: lowest for losses, highest for the rest.

        `mode` is "min", "max", or "auto" (min when the name contains "loss" or "error").
        NaN epochs are skipped.

        Example:
            >>> History({"accuracy": [0.5, 0.9, 0.8]}).best("accuracy")
            (1, 0.9)
        """
        values = self[name]
        mode = _resolve_mode(name, mode)
        finite = [(i, v) for i, v in enumerate(values) if not math.isnan(v)]
        if not finite:
            raise ValueError(f"History.best: {name!r} has no finite values")
        pick = min if mode == "min" else max
        return pick(finite, key=lambda pair: pair[1])

    def to_dict(self) -> dict:
        """A copy of the data as `{metric: [value per epoch]}` (what `viz.plot_training_curves`
        and `json` take)."""
        return {name: list(values) for name, values in self.metrics.items()}

    _FLAGS = ("stopped_early", "interrupted", "diverged")

    def to_state(self) -> dict:
        """Everything the history holds, as plain numbers, lists and strings (for checkpoints
        and JSON).

        Example:
            >>> History.from_state(History({"loss": [1.0, 0.5]}).to_state())["loss"]
            [1.0, 0.5]
        """
        state = {"metrics": self.to_dict(), "seconds": float(self.seconds),
                 "stop_reason": self.stop_reason, "stop_detail": self.stop_detail,
                 "initial_loss": self.initial_loss}
        state.update({flag: bool(getattr(self, flag)) for flag in self._FLAGS})
        return state

    @classmethod
    def from_state(cls, state) -> "History":
        """Rebuild a History from `to_state()` (or from what `to_json` wrote)."""
        if not isinstance(state, dict) or not isinstance(state.get("metrics"), dict):
            raise ValueError("History: expected an object with a 'metrics' mapping, as "
                             "History.to_json writes")
        metrics = state["metrics"]
        if not all(isinstance(k, str) and isinstance(v, (list, tuple)) and
                   all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
                   for k, v in metrics.items()):
            raise ValueError("History: 'metrics' must map names to lists of numbers")
        history = cls(metrics)
        for flag in cls._FLAGS:
            setattr(history, flag, bool(state.get(flag, False)))
        history.seconds = float(state.get("seconds", 0.0))
        reason = state.get("stop_reason")
        history.stop_reason = reason if reason in (COMPLETED, EARLY_STOPPING, INTERRUPTED,
                                                   DIVERGED) else None
        history.stop_detail = str(state.get("stop_detail") or "")
        initial = state.get("initial_loss")
        history.initial_loss = float(initial) if isinstance(initial, (int, float)) else None
        return history

    def to_json(self, path=None) -> str:
        """The metrics and how the run ended, as JSON text; written to `path` too when given
        (atomically: a crash never leaves half a file, a symlink there is replaced).

        Example:
            >>> History.from_json(History({"loss": [1.0, 0.5]}).to_json())["loss"]
            [1.0, 0.5]
        """
        text = json.dumps(self.to_state(), indent=1)
        if path is not None:
            atomic_write(path, text + "\n", owner="History.to_json")
        return text

    @classmethod
    def from_json(cls, text_or_path) -> "History":
        """Read what `to_json` wrote (the JSON text itself, or a path to it)."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            with open(os.fspath(text_or_path), encoding="utf-8") as file:
                text = file.read()
        return cls.from_state(json.loads(text))

    def plot(self, path=None, metrics=None, title=None, log_y=False, ax=None):
        """Draw the learning curves: training and validation of each metric on one axis.

        Why: overfitting shows as "val_loss" turning up while "loss" goes on down, so both
        share a panel (training solid, validation dashed). It is
        `viz.plot_training_curves(history, ...)`: `path` also writes the figure (.png, .svg or
        .pdf), `ax` draws into your matplotlib Axes (one per panel), and the matplotlib Figure
        is returned (inline in a notebook).

        Example:
            >>> history = History({"loss": [0.9, 0.5, 0.4], "val_loss": [1.0, 0.7, 0.8]})
            >>> fig = history.plot(title="a run")
            >>> len(fig.axes), [line.get_label() for line in fig.axes[0].lines]
            (1, ['training', 'validation'])
        """
        from tinygrad_edu import viz
        return viz.plot_training_curves(self.to_dict(), path=path, metrics=metrics, title=title,
                                        log_y=log_y, ax=ax)

    def __repr__(self):
        ending = " (stopped early)" if self.stopped_early else \
            " (interrupted)" if self.interrupted else " (diverged)" if self.diverged else ""
        last = ", ".join(f"{name}={values[-1]:.4g}" for name, values in self.metrics.items()
                         if values)
        return f"History({self.epochs} epochs{ending}: {last})"


def _resolve_mode(name: str, mode: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"mode must be 'auto', 'min' or 'max', got {mode!r}")
    if mode == "auto":
        lowered = name.lower()
        return "min" if ("loss" in lowered or "error" in lowered or "mse" in lowered) else "max"
    return mode
