"""Line plots with matplotlib: learning curves of one or several runs, and labelled series.

Why: comparing optimisers is comparing curves (the optimiser lessons, the RNGD figures), a
learning curve shows overfitting only when training and validation share one axis, and a
lesson figure is usually a few lines on one pair of axes. matplotlib is imported only when a
plot is made; each function returns the matplotlib Figure (inline in a notebook,
`fig.savefig("x.png" | ".svg" | ".pdf")`).
"""
import numpy as np

VALIDATION_PREFIX = "val_"
MARKERS_UP_TO = 30          # plots whose series are this short get a dot per value (3 epochs, 3 dots)


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


def _style_axes(ax, xs_list, ys_list, xlabel, ylabel, title, log_y):
    """Labels, grid, log scale, and integer ticks on an axis whose values are all whole."""
    from . import plots_mpl
    if log_y:
        ax.set_yscale("log")
        plots_mpl.label_log_minor_ticks(ax.yaxis)
    if plots_mpl.all_integers(xs_list):
        plots_mpl.integer_ticks(ax.xaxis)
    if not log_y and plots_mpl.all_integers(ys_list):
        plots_mpl.integer_ticks(ax.yaxis)
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)


def _markers(ys_list):
    """A dot per value when every series is short, on all lines of the plot or on none."""
    return "o" if max(len(ys) for ys in ys_list) <= MARKERS_UP_TO else None


def _draw_line(ax, xs, ys, colour, label, dashed=False, style=None, marker=None):
    properties = dict(color=colour, label=label, linewidth=2.0, marker=marker, markersize=3.5,
                      linestyle="--" if dashed else "-")
    properties.update(style or {})
    return ax.plot(xs, ys, **properties)[0]


def _check_styles(styles, labels, caller):
    if styles is None:
        return {}
    if not isinstance(styles, dict) or not all(isinstance(v, dict) for v in styles.values()):
        raise TypeError(f"{caller}: styles must be a dict {{label: {{matplotlib line property: "
                        f"value}}}}, e.g. {{'truth': {{'color': 'black', 'linestyle': '--'}}}}; got "
                        f"{type(styles).__name__}")
    unknown = [label for label in styles if str(label) not in labels]
    if unknown:
        raise ValueError(f"{caller}: styles names {unknown}, which are not series; the series are "
                         f"{labels}")
    return {str(label): style for label, style in styles.items()}


def plot_lines(series, path=None, xlabel=None, ylabel=None, title=None, log_y=False, ax=None,
               styles=None):
    """Plot labelled series of numbers as lines on one pair of axes, with a legend.

    Why: the figures of the lessons (a loss against the step, an error against the step size,
    a function and its derivative) are a few lines on one plot. The legend goes where it hides
    no line (outside the axes when no place inside is free); an axis whose values are all whole
    numbers (a step, a number of layers) gets whole-number ticks.

    Args:
        series: a dict {label: ys} (x = 1, 2, ...) or {label: (xs, ys)}; ys may be lists, numpy
            arrays or Tensors. NaN and inf break a line instead of spoiling the axes.
        path: also write the figure there (.png, .svg or .pdf, from the extension), or None.
        xlabel, ylabel, title: axis labels and title.
        log_y: a logarithmic y axis (values must be > 0).
        ax: a matplotlib Axes to draw into; None makes a new figure (6.4 x 4 in).
        styles: optional {label: {matplotlib line property: value}} for some series, e.g.
            {"PCA optimum": {"color": "black", "linestyle": "--", "marker": ""}}.

    Returns:
        the matplotlib Figure (`ax.figure` when `ax` was given).

    Example:
        >>> from tinygrad_edu import viz
        >>> fig = viz.plot_lines({"x^2": ([0, 1, 2], [0, 1, 4]), "x": [1, 2, 3]}, xlabel="x")
        >>> [line.get_label() for line in fig.axes[0].lines]
        ['x^2', 'x']
        >>> # fig.savefig("lines.png", dpi=150)   or   viz.plot_lines(..., path="lines.svg")
    """
    caller = "viz.plot_lines"
    if not isinstance(series, dict) or not series:
        raise TypeError(f"{caller}: series must be a non-empty dict {{label: ys}} or "
                        f"{{label: (xs, ys)}}, got {type(series).__name__}")
    from . import plots_mpl
    plots_mpl.check_path(path, caller)
    lines = []
    for label, value in series.items():
        xs, ys = _series_xy(label, value, caller)
        if log_y:
            _check_log(caller, label, ys)
        lines.append((str(label), xs, ys))
    styles = _check_styles(styles, [label for label, _, _ in lines], caller)
    figure, (axes,) = plots_mpl.axes_or_new(ax, caller)
    for k, (label, xs, ys) in enumerate(lines):
        _draw_line(axes, xs, ys, plots_mpl.PALETTE[k % len(plots_mpl.PALETTE)], label,
                   style=styles.get(label), marker=_markers([ys for _, _, ys in lines]))
    _style_axes(axes, [xs for _, xs, _ in lines], [ys for _, _, ys in lines], xlabel, ylabel, title,
                log_y)
    plots_mpl.place_legend(axes, grow=ax is None)
    if path is not None:
        plots_mpl.save(figure, path, caller)
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


def _histories(runs, caller):
    if isinstance(runs, dict) and runs and all(_is_history(v) for v in runs.values()):
        return {str(label): _history_dict(h, caller, label) for label, h in runs.items()}
    if isinstance(runs, dict) or hasattr(runs, "to_dict"):
        return {"run": _history_dict(runs, caller, "run")}
    raise TypeError(f"{caller}: runs must be a history ({{metric: [values]}} or an object with "
                    f".to_dict()) or a dict {{label: history}}, got {type(runs).__name__}")


def _choose_metrics(histories, metrics, log_y, caller):
    """The metric names to draw (checked) and the set of them on a log scale."""
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
    if log_y is True:
        log_metrics = set(metrics)
    else:
        log_metrics = {log_y} if isinstance(log_y, str) else set(log_y or ())
    unknown = log_metrics - set(metrics)
    if unknown:
        raise ValueError(f"{caller}: log_y names {sorted(unknown)}, which are not plotted; "
                         f"plotted metrics: {metrics}")
    return metrics, log_metrics


def _panels(metrics):
    """{quantity: [metric names]}: "loss" and "val_loss" go into the same panel "loss"."""
    panels = {}
    for metric in metrics:
        base = metric[len(VALIDATION_PREFIX):] if metric.startswith(VALIDATION_PREFIX) else metric
        panels.setdefault(base, []).append(metric)
    for names in panels.values():
        names.sort(key=lambda name: name.startswith(VALIDATION_PREFIX))     # training first
    return panels


def plot_training_curves(runs, path=None, metrics=None, title=None, log_y=False, ax=None):
    """Plot losses and metrics per epoch: a panel per quantity, training and validation together.

    Why: overfitting is the validation curve turning up while the training curve goes on down,
    so both share one axis ("loss" and "val_loss" in one panel: training solid, validation
    dashed); and comparing optimisers (SGD against Adam against RNGD) is one colour per run.
    Epochs get whole-number ticks; the legend hides no curve.

    Args:
        runs: one history, or a dict {label: history}. A history is a dict
            {metric_name: [value per epoch]} or an object with `.to_dict()` giving one (the
            `History` that `fit` returns). A key "epoch" gives the x values (else 1, 2, ...).
        path: also write the figure there (.png, .svg or .pdf, from the extension), or None.
        metrics: the metric names to show (default: all); "val_x" joins "x"'s panel.
        title: a title above the panels.
        log_y: True for a log scale in every panel, or a collection of metric names (a panel is
            logarithmic when one of its metrics is named).
        ax: the matplotlib Axes to draw into: one per panel (one Axes when there is one panel,
            else e.g. `plt.subplots(1, 2)[1]`); None makes a new figure.

    Returns:
        the matplotlib Figure (the figure of `ax` when it was given).

    Example:
        >>> from tinygrad_edu import viz
        >>> sgd = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.9]}
        >>> adam = {"loss": [1.0, 0.3, 0.1], "val_loss": [1.0, 0.5, 0.6]}
        >>> fig = viz.plot_training_curves({"SGD": sgd, "Adam": adam}, log_y=True)
        >>> len(fig.axes), len(fig.axes[0].lines)      # one panel, 2 runs x (training, validation)
        (1, 4)
    """
    caller = "viz.plot_training_curves"
    histories = _histories(runs, caller)
    metrics, log_metrics = _choose_metrics(histories, metrics, log_y, caller)
    for label, h in histories.items():
        for metric in metrics:
            if metric in h and metric in log_metrics:
                _check_log(caller, f"{metric} of {label}", h[metric])
    from . import plots_mpl
    from matplotlib.lines import Line2D
    plots_mpl.check_path(path, caller)
    panels = _panels(metrics)
    several = len(histories) > 1
    columns = min(len(panels), 2)
    rows = -(-len(panels) // columns)
    size = plots_mpl.FIGSIZE if len(panels) == 1 else (5.0 * columns, 3.6 * rows + (0.4 if title else 0.0))
    figure, axes = plots_mpl.axes_or_new(ax, caller, len(panels), size, columns)
    run_colour = {label: plots_mpl.PALETTE[k % len(plots_mpl.PALETTE)]
                  for k, label in enumerate(histories)}
    kinds = set()
    marker = _markers([h[m] for h in histories.values() for m in metrics if m in h])
    for a, (quantity, names) in zip(axes, panels.items()):
        xs_all, ys_all = [], []
        for k, (label, h) in enumerate(histories.items()):
            for name in names:
                if name not in h:
                    continue
                ys = h[name]
                xs = h["epoch"] if "epoch" in h and len(h["epoch"]) == len(ys) else \
                    np.arange(1, len(ys) + 1, dtype=np.float64)
                validation = name.startswith(VALIDATION_PREFIX)
                kinds.add("validation" if validation else "training")
                colour = run_colour[label] if several else plots_mpl.PALETTE[int(validation)]
                line_label = label if several else ("validation" if validation else "training")
                _draw_line(a, xs, ys, colour, line_label, dashed=validation, marker=marker)
                xs_all.append(xs)
                ys_all.append(ys)
        only_validation = all(n.startswith(VALIDATION_PREFIX) for n in names)
        ylabel = f"{quantity} (validation)" if only_validation else quantity
        _style_axes(a, xs_all, [], "epoch", ylabel, None, any(n in log_metrics for n in names))
        plots_mpl.integer_ticks(a.xaxis)
    if several:
        handles = [Line2D([], [], color=c, linewidth=2.0, label=label) for label, c in run_colour.items()]
        if len(kinds) == 2:
            handles += [Line2D([], [], color="#333333", linewidth=2.0, label="training"),
                        Line2D([], [], color="#333333", linewidth=2.0, linestyle="--",
                               label="validation")]
        plots_mpl.place_legend(axes[-1], handles=handles, labels=[h.get_label() for h in handles],
                               outside=len(axes) > 1, grow=ax is None)
    else:                   # one run: "training" and "validation" explained once, in the first panel
        for a in axes:
            if len(a.lines) > 1:
                plots_mpl.place_legend(a, grow=ax is None)
                break
    if title and len(axes) == 1:
        axes[0].set_title(title)
    elif title:
        if ax is None:
            figure.suptitle(title, fontsize="large")
        else:
            axes[0].set_title(title)
    if path is not None:
        plots_mpl.save(figure, path, caller)
    return figure
