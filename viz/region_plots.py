"""Pictures of linear regions and of any classifier's decision regions, drawn with matplotlib.

`plot_regions` fills each linear region of a ReLU network with its own colour and overlays
the decision boundary (inside a region the output is affine, so the boundary is a straight
segment there); `decision_regions` works for any 2-D classifier by evaluating it on a grid.
Both return the matplotlib Figure; matplotlib is imported only when one is drawn. The
adjacency graph of the regions is a Graphviz picture: region_adjacency.py.
"""
import colorsys

import numpy as np

from tinygrad_edu import Tensor, no_grad
from .linear_regions import LinearRegions, clip, linear_regions, parse_bounds

GOLDEN = 0.6180339887498949


def region_colour(k: int) -> str:
    """A light colour for region k; successive k are far apart in hue (golden-ratio steps)."""
    hue = (k * GOLDEN) % 1.0
    light = (0.84, 0.78, 0.89)[k % 3]
    r, g, b = colorsys.hls_to_rgb(hue, light, 0.5)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _default_bounds(X, caller):
    if X is None:
        return (-1.0, 1.0, -1.0, 1.0)
    X = _as_points(X, caller)
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.maximum(hi - lo, 1e-9)
    return (lo[0] - pad[0], hi[0] + pad[0], lo[1] - pad[1], hi[1] + pad[1])


def _as_points(X, caller):
    X = np.asarray(getattr(X, "data", X), dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"{caller}: X must be points of shape (n, 2), got shape {X.shape}")
    return X


def _lighten(colour: str, amount: float) -> str:
    """`colour` (#rrggbb) mixed with white: amount 0 gives white, 1 the colour itself."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - amount * (255 - v)):02x}" for v in rgb)


def _plane_axes(ax, bounds, caller):
    """(figure, axes) for a picture of the box `bounds`: exact limits, equal scales unless the box
    is very flat, room on the right for the legend."""
    from . import plots_mpl
    figure, (axes,) = plots_mpl.axes_or_new(ax, caller, figsize=(5.4, 5.0))
    x0, x1, y0, y1 = bounds
    axes.set_xlim(x0, x1)
    axes.set_ylim(y0, y1)
    if 1 / 3 <= (y1 - y0) / (x1 - x0) <= 3:
        axes.set_aspect("equal", adjustable="box")
    axes.set_xlabel("x1")
    axes.set_ylabel("x2")
    return figure, axes


def _class_colours(y, X, caller):
    """The labels as a 1-D array and {class: colour}, or (None, {}) without labels."""
    if y is None:
        return None, {}
    y = np.asarray(getattr(y, "data", y)).reshape(-1)
    if len(y) != len(X):
        raise ValueError(f"{caller}: X has {len(X)} points but y has {len(y)} labels")
    from .plots_mpl import PALETTE
    classes = sorted(set(y.tolist()))
    return y, {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(classes)}


def _draw_points(axes, X, y, colours):
    """Data points coloured by class with a thin dark rim (visible on any region colour), one
    legend entry per class."""
    if y is None:
        axes.scatter(X[:, 0], X[:, 1], s=18, color="#222222", edgecolors="white", linewidths=0.5,
                     label="data", zorder=3)
        return
    for c, colour in colours.items():
        mine = y == c
        axes.scatter(X[mine, 0], X[mine, 1], s=26, color=colour, edgecolors="#1a1a1a",
                     linewidths=0.5, label=f"class {c}", zorder=3)


def _finish(figure, axes, title, path, caller, grow):
    """Title, the legend outside the data area (the plane is all data), the file when asked."""
    from . import plots_mpl
    if title:
        axes.set_title(title)
    if axes.get_legend_handles_labels()[0]:
        plots_mpl.place_legend(axes, outside=True, grow=grow)
    if path is not None:
        plots_mpl.save(figure, path, caller)


def boundary_segments(region, threshold=0.0, tol=1e-9):
    """The decision boundary inside one region, as a list of (2, 2) segments.

    One output: where weight @ x + bias = threshold (a logit's 0). Several outputs: the
    edges of the argmax cells, where two outputs tie for the largest.
    """
    W, b, v = region.weight, region.bias, region.vertices
    k = W.shape[0]
    if k == 1:
        cells = [clip(v, W[0], b[0] - threshold, tol)]
        lines = [(W[0], b[0] - threshold)]
    else:
        cells, lines = [], []
        for i in range(k):
            cell = v
            for j in range(k):
                if cell is not None and j != i:
                    cell = clip(cell, W[i] - W[j], b[i] - b[j], tol)
            cells.append(cell)
        lines = [(W[i] - W[j], b[i] - b[j]) for i in range(k) for j in range(i + 1, k)]
    segments = set()
    for cell in cells:
        if cell is None:
            continue
        for p, q in zip(cell, np.roll(cell, -1, axis=0)):
            if np.allclose(p, q):
                continue
            for a, c in lines:
                scale = tol * (np.abs(a).sum() * np.abs(v).max() + abs(c) + 1.0)
                if abs(p @ a + c) <= 1e4 * scale and abs(q @ a + c) <= 1e4 * scale:
                    segments.add(tuple(sorted((tuple(np.round(p, 12)), tuple(np.round(q, 12))))))
    return [np.array(s) for s in sorted(segments)]


def plot_regions(model, bounds=None, X=None, y=None, path=None, title=None, boundary=True,
                 threshold=0.0, max_regions=100_000, ax=None):
    """Draw each linear region of a ReLU MLP in its own colour, data and decision boundary on top.

    Why: to see that a ReLU network is a patchwork of affine pieces (the course notes on linear
    regions), how their number grows with depth and width, and where the classifier's boundary
    bends (only at region edges).

    Args:
        model: an MLP (see `linear_regions`), or what `linear_regions` returned.
        bounds: the box (xmin, xmax, ymin, ymax); default: the data's range plus 10%, or [-1, 1]^2.
        X, y: optional data points (n, 2) and their class labels.
        path: also write the figure there (.png, .svg or .pdf, from the extension), or None.
        title: the title (default: the number of regions).
        boundary: overlay the decision boundary: output = threshold for one output, argmax
            changes for several.
        threshold: the level of the boundary for one output (0 for a logit).
        max_regions: passed to `linear_regions`.
        ax: a matplotlib Axes to draw into; None makes a new figure.

    Returns:
        the matplotlib Figure; its `.regions` is the `LinearRegions` drawn.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> fig = viz.plot_regions(nn.MLP([2, 4, 1]), bounds=(-2, 2, -2, 2))
        >>> len(fig.axes[0].collections[0].get_paths()) == fig.regions.count
        True
    """
    caller = "viz.plot_regions"
    from . import plots_mpl
    from matplotlib.collections import LineCollection, PolyCollection
    plots_mpl.check_path(path, caller)
    if X is not None:
        X = _as_points(X, caller)
    labels, colours = _class_colours(y, X, caller) if X is not None else (None, {})
    if isinstance(model, LinearRegions):
        found = model
    else:
        box = parse_bounds(bounds, caller) if bounds is not None else _default_bounds(X, caller)
        found = linear_regions(model, box, max_regions=max_regions)
    figure, axes = _plane_axes(ax, found.bounds, caller)
    axes.add_collection(PolyCollection([r.vertices for r in found.regions],
                                       facecolors=[region_colour(k) for k in range(found.count)],
                                       edgecolors="white", linewidths=0.6, zorder=1))
    if boundary:
        segments = [s for region in found.regions for s in boundary_segments(region, threshold)]
        if segments:
            axes.add_collection(LineCollection(segments, colors="#111111", linewidths=2.2, zorder=2,
                                               capstyle="round", label="decision boundary"))
    if X is not None:
        _draw_points(axes, X, labels, colours)
    if title is None:
        widths = "-".join(str(w) for w in found.widths)
        title = f"{found.count} linear regions (hidden widths {widths})"
    _finish(figure, axes, title, path, caller, grow=ax is None)
    figure.regions = found
    return figure


def _class_margins(model, points, threshold):
    """(n, classes): how far each class is ahead of the best other one at `points` (> 0 where the
    classifier picks it). One output: class 1 is output - threshold, class 0 its negative."""
    with no_grad():
        out = model(Tensor(points))
    out = np.asarray(getattr(out, "data", out), dtype=np.float64)
    if out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1):
        if threshold is None:
            modules = list(model.modules()) if hasattr(model, "modules") else []
            threshold = 0.5 if modules and type(modules[-1]).__name__ == "Sigmoid" else 0.0
        ahead = out.reshape(-1) - threshold
        return np.stack([-ahead, ahead], axis=1)
    if out.ndim == 2 and out.shape[1] >= 2:
        top_two = np.sort(out, axis=1)[:, -2:]
        best_other = np.where(out == top_two[:, 1:], top_two[:, :1], top_two[:, 1:])
        return out - best_other
    raise ValueError(f"viz.decision_regions: the model's output has shape {out.shape}; expected "
                     f"(n,), (n, 1) or (n, classes)")


def decision_regions(model, X, y=None, path=None, bounds=None, resolution=150, threshold=None,
                     title=None, ax=None):
    """Colour the plane by the class any 2-D classifier predicts, with the data on top.

    Why: the picture of TensorFlow Playground, for any model (MLP, kernel machine, a lesson's
    perceptron): it shows what the classifier learned between and around the data.

    Args:
        model: a callable taking a Tensor (n, 2), returning scores (n, classes), or one
            score per point (class 1 where it is above `threshold`).
        X, y: the data (n, 2) and its labels (ints); X also sets the default bounds.
        path: also write the figure there (.png, .svg or .pdf, from the extension), or None.
        bounds: the box (xmin, xmax, ymin, ymax); default: the data's range plus 10%.
        resolution: grid points per side.
        threshold: for one output: the level between class 0 and 1 (default 0.5 when the model
            ends in Sigmoid, else 0, a logit).
        title: the title.
        ax: a matplotlib Axes to draw into; None makes a new figure.

    Returns:
        the matplotlib Figure; its `.grid` holds the predicted class at each point of a
        resolution x resolution grid spanning the box (rows from the bottom).

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import nn, viz
        >>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
        >>> fig = viz.decision_regions(nn.MLP([2, 8, 2]), X, y, resolution=20)
        >>> fig.grid.shape
        (20, 20)
    """
    caller = "viz.decision_regions"
    if not callable(model):
        raise TypeError(f"{caller}: model must be callable on a Tensor of shape (n, 2), got "
                        f"{type(model).__name__}")
    if not isinstance(resolution, int) or not 2 <= resolution <= 1000:
        raise ValueError(f"{caller}: resolution must be an int in [2, 1000], got {resolution!r}")
    from . import plots_mpl
    from matplotlib.colors import to_rgb
    plots_mpl.check_path(path, caller)
    X = _as_points(X, caller)
    labels, colours = _class_colours(y, X, caller)
    x0, x1, y0, y1 = parse_bounds(bounds, caller) if bounds is not None else _default_bounds(X, caller)
    xs = np.linspace(x0, x1, resolution)        # grid points from edge to edge of the box
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    margins = _class_margins(model, points, threshold)
    grid = margins.argmax(axis=1).reshape(resolution, resolution)
    palette = plots_mpl.PALETTE
    first, last = int(grid.min()), int(grid.max())
    fills = {c: to_rgb(_lighten(colours.get(c, palette[c % len(palette)]), 0.3))
             for c in range(margins.shape[1])}
    figure, axes = _plane_axes(ax, (x0, x1, y0, y1), caller)
    # underneath: the class at each grid point (a staircase at the boundaries) ...
    axes.contourf(xs, ys, grid, levels=np.arange(first - 0.5, last + 1.0),
                  colors=[fills[c] for c in range(first, last + 1)], zorder=1)
    # ... covered by each class's region {margin > 0}, whose edge is interpolated from the
    # continuous margins: smooth boundaries, no seams
    for c in np.unique(grid).tolist():
        field = margins[:, c].reshape(resolution, resolution)
        axes.contourf(xs, ys, field, levels=[0.0, max(float(field.max()), 1e-12) * 2],
                      colors=[fills[c]], zorder=1.1)
    _draw_points(axes, X, labels, colours)
    _finish(figure, axes, title, path, caller, grow=ax is None)
    figure.grid = grid
    return figure
