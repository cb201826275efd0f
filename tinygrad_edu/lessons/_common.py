"""Helpers the lessons share: where figures go, a matplotlib line plot, and the verdict."""
import os

import numpy as np


def figure_path(out_dir, filename):
    """The path of a figure in `out_dir` (created if needed), or None when out_dir is None."""
    if out_dir is None:
        return None
    os.makedirs(out_dir, exist_ok=True)
    return os.path.join(str(out_dir), filename)


def _xy(value):
    if isinstance(value, tuple) and len(value) == 2:
        return np.asarray(value[0], dtype=float), np.asarray(value[1], dtype=float)
    ys = np.asarray(value, dtype=float)
    return np.arange(1, len(ys) + 1, dtype=float), ys


def draw_lines(ax, series, xlabel=None, ylabel=None, title=None, log_y=False, log_x=False,
               styles=None):
    """Draw {label: ys} or {label: (xs, ys)} on a matplotlib Axes, legend beside the data.

    Why here and not in `viz`: the lessons need the same few conventions on every figure
    (readable text, a legend that hides no curve, integer ticks when x counts steps), and
    `styles` {label: matplotlib kwargs} marks a bound dashed or a measurement with dots.
    Non-finite values break a line; on a log axis values <= 0 are dropped.
    """
    from matplotlib.ticker import MaxNLocator
    styles = styles or {}
    integer_x, all_xs = True, set()
    for label, value in series.items():
        xs, ys = _xy(value)
        keep = np.isfinite(ys) & (ys > 0 if log_y else True)
        ys = np.where(keep, ys, np.nan)
        integer_x &= bool(np.all(xs == np.round(xs)))
        all_xs.update(xs[np.isfinite(xs)].tolist())
        style = {"linewidth": 1.8}
        if "bound" in str(label).lower() or "reference" in str(label).lower():   # dashed: not measured
            style.update(linestyle="--", linewidth=1.5)
        if len(xs) <= 25:                          # few points: show where they are
            style.update(marker="o", markersize=4)
        style.update(styles.get(label, {}))
        ax.plot(xs, ys, label=str(label), **style)
    if log_y:
        ax.set_yscale("log")
    if log_x:
        ax.set_xscale("log")
        if integer_x and len(all_xs) <= 12:      # a few integer x values: label exactly those
            from matplotlib.ticker import NullFormatter
            ax.set_xticks(sorted(all_xs), [f"{int(v)}" for v in sorted(all_xs)])
            ax.xaxis.set_minor_formatter(NullFormatter())
    elif integer_x:
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(xlabel or "")
    ax.set_ylabel(ylabel or "")
    if title:
        ax.set_title(title, fontsize=12)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0, frameon=False,
              fontsize=10)
    return ax


def new_figure(panels: int = 1, width: float = 9.0, height: float = 4.2):
    """A matplotlib Figure with `panels` axes side by side (10-11 pt text, room for legends)."""
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    with plt.rc_context({"font.size": 11, "axes.labelsize": 11, "xtick.labelsize": 10,
                         "ytick.labelsize": 10}):
        figure, axes = plt.subplots(1, panels, figsize=(width, height), layout="constrained",
                                    squeeze=False)
    return figure, list(axes[0])


def save(figure, out_dir, filename):
    """Write `figure` to out_dir/filename (PNG, 120 dpi) and close it; returns the path or None."""
    import matplotlib.pyplot as plt
    path = figure_path(out_dir, filename)
    if path is not None:
        figure.savefig(path, dpi=120)
    plt.close(figure)
    return path


def plot_lines(out_dir, filename, series, **labels):
    """Write `series` as one panel of lines to out_dir/filename; returns the path (or None).

    `labels` are `draw_lines`' keywords (xlabel, ylabel, title, log_y, log_x, styles).
    Nothing is drawn (and matplotlib is not imported) when out_dir is None.
    """
    if out_dir is None:
        return None
    figure, (ax,) = new_figure()
    draw_lines(ax, series, **labels)
    return save(figure, out_dir, filename)


def all_hold(checks: dict) -> bool:
    """True when every named claim of a lesson held."""
    return all(bool(v) for v in checks.values())
