"""Line plots: training curves of one or several runs, and any labelled series of numbers.

Why: comparing optimisers is comparing curves (the optimiser lessons, the RNGD figures), and a
lesson figure is usually a few lines on one pair of axes. Both are written as SVG by
`svg.py` (no matplotlib needed) and saved as .svg or .png.
"""
import math

import numpy as np

from .plots_mpl import axes_for, draw_lines_on
from .svg import PALETTE, Axes, Figure, Svg, finite_range, save_svg

PANEL_WIDTH, PANEL_HEIGHT = 380, 250
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 64, 16, 34, 46
PANELS_PER_ROW = 3


def _as_values(values, caller, what):
    """A 1-D float64 array from a list/array/Tensor of numbers, or a clear error."""
    values = getattr(values, "data", values)        # a Tensor gives its numpy array
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{caller}: {what} must be a sequence of numbers, got "
                        f"{type(values).__name__} {str(values)[:60]!r}") from None
    if array.ndim != 1:
        raise ValueError(f"{caller}: {what} must be one-dimensional (a value per step), got "
                         f"shape {array.shape}")
    return array


def _series_xy(label, value, caller):
    """(xs, ys) of one series given as ys or as (xs, ys); xs default to 1, 2, ..."""
    if isinstance(value, tuple) and len(value) == 2:
        xs = _as_values(value[0], caller, f"the xs of series {label!r}")
        ys = _as_values(value[1], caller, f"the ys of series {label!r}")
        if len(xs) != len(ys):
            raise ValueError(f"{caller}: series {label!r} has {len(xs)} xs but {len(ys)} ys; "
                             f"give one x per y")
    else:
        ys = _as_values(value, caller, f"series {label!r}")
        xs = np.arange(1, len(ys) + 1, dtype=np.float64)
    return xs, ys


def _check_log(caller, name, ys):
    finite = ys[np.isfinite(ys)]
    if finite.size and (finite <= 0).any():
        raise ValueError(f"{caller}: log_y needs values > 0, but {name!r} has "
                         f"{float(finite.min()):g}; use log_y=False or plot a positive quantity")


def _draw_panel(svg, left, top, lines, xlabel, ylabel, title, log_y, legend=True):
    """One pair of axes at (left, top) with `lines` = [(label, xs, ys, colour)]."""
    xr = finite_range([xs for _, xs, _, _ in lines]) or (0.0, 1.0)
    yr = finite_range([ys for _, _, ys, _ in lines], log=log_y) or ((1.0, 10.0) if log_y else (0.0, 1.0))
    axes = Axes(svg, left + MARGIN_LEFT, top + MARGIN_TOP, PANEL_WIDTH - MARGIN_LEFT - MARGIN_RIGHT,
                PANEL_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM, xr, yr, log_y=log_y)
    axes.frame(xlabel=xlabel, ylabel=ylabel, title=title)
    for _, xs, ys, colour in lines:
        axes.line(xs, ys, colour)
    if legend:
        axes.legend([(label, colour) for label, _, _, colour in lines])
    return axes


def plot_lines(series, path=None, xlabel=None, ylabel=None, title=None, log_y=False, ax=None):
    """Plot labelled series of numbers as lines on one pair of axes, with a legend.

    Why: the figures of the lessons (a loss against the step, an error against the step size,
    a function and its derivative) are a few lines on one plot; this draws them with no
    plotting library and writes SVG or PNG.

    Args:
        series: a dict {label: ys} (x = 1, 2, ...) or {label: (xs, ys)}; ys may be lists, numpy
            arrays or Tensors. NaN and inf break a line instead of spoiling the axes.
        path: where to write the plot (`.svg` or `.png`), or None.
        xlabel, ylabel, title: axis labels and title.
        log_y: a logarithmic y axis (values must be > 0).
        ax: a matplotlib Axes to draw on instead (matplotlib is optional; then `path` is unused).

    Returns:
        a `viz.Figure`: `.svg` is the SVG text, `.save(path)` writes it, Jupyter shows it inline;
        or `ax` when it was given.

    Example:
        >>> from tinygrad_edu import viz
        >>> figure = viz.plot_lines({"x^2": ([0, 1, 2], [0, 1, 4]), "x": [1, 2, 3]}, xlabel="x")
        >>> "x^2" in figure.svg and figure.svg.count("<polyline") == 2
        True
    """
    caller = "viz.plot_lines"
    if not isinstance(series, dict) or not series:
        raise TypeError(f"{caller}: series must be a non-empty dict {{label: ys}} or "
                        f"{{label: (xs, ys)}}, got {type(series).__name__}")
    lines = []
    for k, (label, value) in enumerate(series.items()):
        xs, ys = _series_xy(label, value, caller)
        if log_y:
            _check_log(caller, label, ys)
        lines.append((str(label), xs, ys, PALETTE[k % len(PALETTE)]))
    if ax is not None:
        return draw_lines_on(ax, lines, xlabel, ylabel, title, log_y)
    svg = Svg(PANEL_WIDTH + 40, PANEL_HEIGHT)
    _draw_panel(svg, 20, 0, lines, xlabel, ylabel, title, log_y)
    figure = Figure(svg.to_string())
    if path is not None:
        save_svg(figure.svg, path, caller)
    return figure


def _history_dict(history, caller, label):
    """A history as {metric: 1-D array}: a dict of lists or an object with `.to_dict()`."""
    if hasattr(history, "to_dict") and not isinstance(history, dict):
        history = history.to_dict()
    if not isinstance(history, dict) or not history:
        raise TypeError(f"{caller}: run {label!r} must be a history: a non-empty dict "
                        f"{{metric: [value per epoch]}} or an object with .to_dict(), got "
                        f"{type(history).__name__}")
    return {str(name): _as_values(values, caller, f"metric {name!r} of run {label!r}")
            for name, values in history.items()}


def _is_history(value):
    """A dict or an object with `.to_dict()`: a run, not a list of values."""
    return isinstance(value, dict) or hasattr(value, "to_dict")


def plot_training_curves(runs, path=None, metrics=None, title=None, log_y=False, ax=None):
    """Plot loss and metrics per epoch: one panel per metric, one line per run, a legend.

    Why: the learning-curve comparison the optimiser lessons need (SGD against Adam against
    RNGD on one dataset) in one call, from the histories the training loop returns.

    Args:
        runs: one history, or a dict {label: history}. A history is a dict
            {metric_name: [value per epoch]} or an object with `.to_dict()` giving one. A key
            "epoch" gives the x values (else 1, 2, ...).
        path: where to write the plot (`.svg` or `.png`), or None.
        metrics: the metric names to show, in this order (default: all, in order of first
            appearance); a run without a metric just has no line in that panel.
        title: a title above the panels.
        log_y: True for a log scale in every panel, or a collection of metric names.
        ax: matplotlib Axes to draw on instead, one per metric (e.g. `plt.subplots(1, 2)[1]`).

    Returns:
        a `viz.Figure` (`.svg`, `.save(path)`, inline in Jupyter), or the list of Axes drawn on.

    Example:
        >>> from tinygrad_edu import viz
        >>> sgd = {"loss": [1.0, 0.6, 0.4], "accuracy": [0.5, 0.7, 0.8]}
        >>> adam = {"loss": [1.0, 0.3, 0.1], "accuracy": [0.5, 0.85, 0.9]}
        >>> figure = viz.plot_training_curves({"SGD": sgd, "Adam": adam}, log_y=["loss"])
        >>> figure.svg.count("<polyline")         # 2 runs x 2 panels
        4
    """
    caller = "viz.plot_training_curves"
    if isinstance(runs, dict) and runs and all(_is_history(v) for v in runs.values()):
        histories = {str(label): _history_dict(h, caller, label) for label, h in runs.items()}
    elif isinstance(runs, dict) or hasattr(runs, "to_dict"):
        histories = {"run": _history_dict(runs, caller, "run")}
    else:
        raise TypeError(f"{caller}: runs must be a history ({{metric: [values]}} or an object with "
                        f".to_dict()) or a dict {{label: history}}, got {type(runs).__name__}")
    available = []
    for h in histories.values():
        available += [name for name in h if name != "epoch" and name not in available]
    if metrics is None:
        metrics = available
    else:
        metrics = [metrics] if isinstance(metrics, str) else list(metrics)
        missing = [m for m in metrics if m not in available]
        if missing or not metrics:
            raise ValueError(f"{caller}: no run has the metric(s) {missing}; the runs have "
                             f"{available}")
    if not metrics:
        raise ValueError(f"{caller}: the histories hold no metric besides 'epoch'")
    log_metrics = set(metrics) if log_y is True else set(log_y or ())
    unknown = log_metrics - set(metrics)
    if unknown:
        raise ValueError(f"{caller}: log_y names {sorted(unknown)}, which are not plotted; "
                         f"plotted metrics: {metrics}")

    colours = {label: PALETTE[k % len(PALETTE)] for k, label in enumerate(histories)}
    panels = []
    for metric in metrics:
        lines = []
        for label, h in histories.items():
            if metric not in h:
                continue
            ys = h[metric]
            xs = h["epoch"] if "epoch" in h and len(h["epoch"]) == len(ys) else \
                np.arange(1, len(ys) + 1, dtype=np.float64)
            if metric in log_metrics:
                _check_log(caller, f"{metric} of {label}", ys)
            lines.append((label, xs, ys, colours[label]))
        panels.append(lines)
    if ax is not None:
        axes = axes_for(ax, len(metrics), caller)
        return [draw_lines_on(a, lines, "epoch", None, metric, metric in log_metrics)
                for a, lines, metric in zip(axes, panels, metrics)]
    columns = min(PANELS_PER_ROW, len(metrics))
    rows = math.ceil(len(metrics) / columns)
    top = 30 if title else 0
    svg = Svg(20 + columns * PANEL_WIDTH, top + rows * PANEL_HEIGHT)
    if title:
        svg.text(svg.width / 2, 20, title, size=14, anchor="middle", weight="bold")
    for k, (metric, lines) in enumerate(zip(metrics, panels)):
        row, column = divmod(k, columns)
        _draw_panel(svg, 20 + column * PANEL_WIDTH, top + row * PANEL_HEIGHT, lines, "epoch", None,
                    metric, metric in log_metrics, legend=len(histories) > 1 or k == 0)
    figure = Figure(svg.to_string())
    if path is not None:
        save_svg(figure.svg, path, caller)
    return figure
