"""What every viz plot shares: a matplotlib Figure that shows inline, saving by file extension,
legends that do not cover the data, integer ticks.

Why a module of its own: matplotlib is imported only when a plot is made (`import
tinygrad_edu.viz` stays quick and needs no display), so the plot functions import this module
inside their bodies; and the rules a course figure must follow live in one place.

Figures are `matplotlib.figure.Figure` objects made without pyplot: nothing is registered with
a GUI or a global figure list (a script that writes a thousand plots keeps no memory), no
backend is forced (a notebook keeps its inline backend), and a notebook shows the returned
Figure inline (`PlotFigure._repr_png_`, or the inline backend's own formatter when pyplot is
loaded).
"""
import io
import pathlib

import matplotlib.figure
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.ticker import LogFormatter, MaxNLocator

from tinygrad_edu.safe_files import atomic_open

# colours that stay apart for colour-blind readers (Okabe-Ito order, then greys)
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442",
           "#000000", "#7f7f7f", "#8c564b")
FIGSIZE = (6.4, 4.0)          # inches: readable in a notebook and in the README at 10-12 pt text
SAVE_DPI = 150                # PNG files: 960 x 600 px for the default size
FORMATS = (".png", ".svg", ".pdf")
LEGEND_PAD_PX = 3.0           # a point this close to the legend's box counts as covered


class PlotFigure(matplotlib.figure.Figure):
    """A matplotlib Figure that a notebook shows inline even when pyplot was never imported.

    Example:
        >>> figure = PlotFigure(figsize=(2, 1))
        >>> png, size = figure._repr_png_()
        >>> png[:4] == b"\\x89PNG" and size == {"width": 200, "height": 100}
        True
    """

    def _repr_png_(self):
        """PNG at twice the figure's dpi, shown at its size (sharp on high-density screens)."""
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", dpi=2 * self.dpi)
        width, height = self.get_size_inches() * self.dpi
        return buffer.getvalue(), {"width": round(width), "height": round(height)}


def check_path(path, caller):
    """The path as a `pathlib.Path` when its extension is a format we write, else a clear error.

    Checked before anything is drawn, so a wrong name costs nothing and writes nothing.
    """
    if path is None:
        return None
    path = pathlib.Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"{caller}: cannot write {path.name!r}: the format comes from the file's "
                         f"extension, one of {', '.join(FORMATS)} (e.g. 'curves.png')")
    return path


def save(figure, path, caller):
    """Write `figure` to `path` (.png at 150 dpi, .svg, .pdf); parent folders are created.

    The files are reproducible: no creation date, fixed SVG ids.
    """
    path = check_path(path, caller)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    metadata = {".svg": {"Date": None}, ".pdf": {"CreationDate": None}}.get(suffix, {})
    with matplotlib.rc_context({"svg.hashsalt": "tinygrad_edu"}), \
            atomic_open(path, owner=caller) as file:          # a symlink is replaced
        figure.savefig(file, format=suffix[1:], dpi=SAVE_DPI, bbox_inches="tight",
                       metadata=metadata)
    return str(path)


def new_figure(figsize=FIGSIZE, rows=1, columns=1):
    """A PlotFigure with a constrained layout and `rows * columns` Axes (a flat list)."""
    figure = PlotFigure(figsize=figsize, layout="constrained")
    axes = figure.subplots(rows, columns, squeeze=False)
    return figure, list(axes.flat)


def axes_or_new(ax, caller, count=1, figsize=FIGSIZE, columns=None):
    """(figure, [Axes] * count): the ones given as `ax`, or a new figure with `count` panels.

    `ax` is one Axes (count 1) or a sequence/array of Axes, one per panel.
    """
    if ax is None:
        columns = columns or count
        rows = -(-count // columns)
        figure, axes = new_figure(figsize, rows, columns)
        for extra in axes[count:]:
            extra.remove()
        return figure, axes[:count]
    given = [ax] if isinstance(ax, Axes) else list(np.asarray(ax, dtype=object).flat)
    if not given or not all(isinstance(a, Axes) for a in given):
        raise TypeError(f"{caller}: ax must be a matplotlib Axes (or one per panel), got "
                        f"{type(ax).__name__}; e.g. `fig, ax = plt.subplots()`")
    if len(given) < count:
        raise ValueError(f"{caller}: this plot has {count} panels but ax gives {len(given)} Axes; "
                         f"pass e.g. `plt.subplots(1, {count})[1]`, or ax=None for a new figure")
    return given[0].figure, given[:count]


def integer_ticks(axis):
    """Ticks only at whole numbers (epochs, layer counts): never 1.5 layers."""
    axis.set_major_locator(MaxNLocator(integer=True))


class PlainLogFormatter(LogFormatter):
    """matplotlib's choice of which log ticks to label, each written as a plain number (%g)."""

    def _num_to_string(self, x, vmin, vmax):
        return f"{x:g}"


def label_log_minor_ticks(axis):
    """Plain numbers on a log axis (0.05, 0.1, 0.2 rather than 5x10^-2), and on one spanning
    less than two decades some ticks between the powers of ten labelled too, so a loss from 0.03
    to 1 has more than two labelled ticks."""
    axis.set_major_formatter(PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))
    axis.set_minor_formatter(PlainLogFormatter(labelOnlyBase=False, minor_thresholds=(2, 0.5)))


def all_integers(arrays):
    """True when every finite value of `arrays` is a whole number (and there is one)."""
    values = np.concatenate([np.empty(0)] + [np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    return values.size > 0 and bool(np.all(values == np.round(values)))


def drawn_points(ax, step_px=2.0):
    """Display coordinates of what the data artists of `ax` draw: line vertices and points along
    each segment every `step_px` pixels, and the centres of scatter points."""
    found = [np.empty((0, 2))]
    for line in ax.get_lines():
        if not line.get_visible():
            continue
        xy = line.get_transform().transform(line.get_xydata())
        for a, b in zip(xy[:-1], xy[1:]):
            if np.isfinite(a).all() and np.isfinite(b).all():
                steps = max(1, int(np.hypot(*(b - a)) / step_px))
                found.append(a + (b - a) * (np.arange(steps + 1)[:, None] / steps))
        found.append(xy[np.isfinite(xy).all(axis=1)])
    for collection in ax.collections:
        if isinstance(collection, PathCollection) and collection.get_visible():    # scatter
            offsets = np.asarray(collection.get_offsets(), dtype=np.float64).reshape(-1, 2)
            found.append(collection.get_offset_transform().transform(offsets))
    return np.concatenate(found)


def covered_points(legend, ax):
    """How many drawn data points of `ax` lie under `legend` (after a draw of the figure)."""
    ax.figure.draw_without_rendering()
    box = legend.get_window_extent().padded(LEGEND_PAD_PX)
    points = drawn_points(ax)
    return int(box.count_contains(points)) if len(points) else 0


def place_legend(ax, handles=None, labels=None, outside=False, grow=False, **kwargs):
    """A legend where it hides no data: matplotlib's `loc="best"` inside the axes when some place
    is free, otherwise (or when `outside`) to the right of the axes. `grow`: the figure is ours,
    so it is widened by the legend's width instead of the axes being squeezed.

    Returns the Legend; `legend.outside` says where it went.
    """
    args = (handles, labels) if handles is not None else ()
    kwargs.setdefault("fontsize", "medium")
    if not outside:
        legend = ax.legend(*args, loc="best", **kwargs)
        if covered_points(legend, ax) == 0:
            legend.outside = False
            return legend
        legend.remove()
    legend = ax.legend(*args, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0.0,
                       **kwargs)
    legend.outside = True
    if grow:
        figure = ax.figure
        figure.draw_without_rendering()
        width, height = figure.get_size_inches()
        figure.set_size_inches(width + legend.get_window_extent().width / figure.dpi + 0.15, height)
    return legend
