"""Pictures of linear regions, of their adjacency graph, and of any classifier's decision regions.

`plot_regions` fills each linear region of a ReLU network with its own colour and overlays
the decision boundary (inside a region the output is affine, so the boundary is a straight
segment there); `region_graph` draws which regions touch (neighbours differ in one unit);
`decision_regions` works for any 2-D classifier by evaluating it on a grid.
"""
import colorsys

import numpy as np

from tinygrad_edu import Tensor, no_grad
from .linear_regions import LinearRegions, clip, linear_regions, parse_bounds
from .renderers import Picture
from .svg import PALETTE, Axes, Figure, Svg, lighten, save_svg

SIZE = 440                  # the data area, pixels
MARGIN = (64, 20, 36, 50)   # left, right, top, bottom
GOLDEN = 0.6180339887498949


def region_colour(k: int) -> str:
    """A light colour for region k; successive k are far apart in hue (golden-ratio steps)."""
    hue = (k * GOLDEN) % 1.0
    light = (0.80, 0.72, 0.86)[k % 3]
    r, g, b = colorsys.hls_to_rgb(hue, light, 0.55)
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


def _canvas(bounds, title):
    """An Svg with square-ish axes on exactly `bounds` (no widening to round ticks)."""
    x0, x1, y0, y1 = bounds
    ratio = (y1 - y0) / (x1 - x0)
    width, height = (SIZE, SIZE * ratio) if ratio <= 1 else (SIZE / ratio, SIZE)
    width, height = max(width, 120), max(height, 120)
    left, right, top, bottom = MARGIN
    svg = Svg(left + width + right, top + height + bottom)
    axes = Axes(svg, left, top, width, height, (x0, x1), (y0, y1), nice=False)
    return svg, axes, title


def _draw_points(axes, X, y, caller):
    """Data points coloured by class (dark colours, white rim) and a legend of the classes."""
    X = _as_points(X, caller)
    if y is None:
        axes.points(X[:, 0], X[:, 1], ["#222222"] * len(X), radius=2.6)
        return
    y = np.asarray(getattr(y, "data", y)).reshape(-1)
    if len(y) != len(X):
        raise ValueError(f"{caller}: X has {len(X)} points but y has {len(y)} labels")
    classes = sorted(set(y.tolist()))
    colour = {c: PALETTE[k % len(PALETTE)] for k, c in enumerate(classes)}
    axes.points(X[:, 0], X[:, 1], [colour[v] for v in y.tolist()], radius=3.2)
    axes.legend([(f"class {c}", colour[c]) for c in classes], kind="points")


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
                 threshold=0.0, max_regions=100_000) -> Figure:
    """Draw each linear region of a ReLU MLP in its own colour, data and decision boundary on top.

    Why: to see that a ReLU network is a patchwork of affine pieces (seed 004, sec. 2.5), how
    their number grows with depth and width, and where the classifier's boundary bends (only
    at region edges).

    Args:
        model: an MLP (see `linear_regions`), or what `linear_regions` returned.
        bounds: the box (xmin, xmax, ymin, ymax); default: the data's range plus 10%, or [-1, 1]^2.
        X, y: optional data points (n, 2) and their class labels.
        path: where to write the picture (`.svg` or `.png`), or None.
        title: the title (default: the number of regions).
        boundary: overlay the decision boundary: output = threshold for one output, argmax
            changes for several.
        threshold: the level of the boundary for one output (0 for a logit).
        max_regions: passed to `linear_regions`.

    Returns:
        a `viz.Figure`; its `.regions` is the `LinearRegions` drawn.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> figure = viz.plot_regions(nn.MLP([2, 4, 1]), bounds=(-2, 2, -2, 2))
        >>> figure.svg.count("<polygon") == figure.regions.count
        True
    """
    caller = "viz.plot_regions"
    if isinstance(model, LinearRegions):
        found = model
    else:
        box = parse_bounds(bounds, caller) if bounds is not None else _default_bounds(X, caller)
        found = linear_regions(model, box, max_regions=max_regions)
    svg, axes, _ = _canvas(found.bounds, title)
    for k, region in enumerate(found.regions):
        axes.polygon(region.vertices, region_colour(k), stroke="#ffffff",
                     extra=f' data-pattern="{region.pattern_string}"')
    if boundary:
        for region in found.regions:
            for segment in boundary_segments(region, threshold):
                svg.line(axes.px(segment[0, 0]), axes.py(segment[0, 1]), axes.px(segment[1, 0]),
                         axes.py(segment[1, 1]), stroke="#111111", width=2.2)
    if X is not None:
        _draw_points(axes, X, y, caller)
    if title is None:
        widths = "-".join(str(w) for w in found.widths)
        title = f"{found.count} linear regions (hidden widths {widths})"
    axes.frame(xlabel="x1", ylabel="x2", title=title, grid=False)
    figure = Figure(svg.to_string())
    figure.regions = found
    if path is not None:
        save_svg(figure.svg, path, caller)
    return figure


def _shared_edge(a, b, tol):
    """True when convex polygons a and b share a boundary piece of positive length."""
    for p, q in zip(a, np.roll(a, -1, axis=0)):
        d = q - p
        length = np.hypot(*d)
        if length <= tol:
            continue
        n = np.array([-d[1], d[0]]) / length
        for r, s in zip(b, np.roll(b, -1, axis=0)):
            if abs((r - p) @ n) > tol or abs((s - p) @ n) > tol:
                continue                    # not on the same line
            t = sorted(((r - p) @ d / length, (s - p) @ d / length))
            if min(length, t[1]) - max(0.0, t[0]) > tol:
                return True
    return False


def region_adjacency(found):
    """Pairs (i, j, unit) of regions that touch along an edge and differ in exactly one unit."""
    groups = {}
    n_units = len(found.regions[0].pattern) if found.regions else 0
    for i, region in enumerate(found.regions):
        for u in range(n_units):
            key = (u, region.pattern[:u] + region.pattern[u + 1:])
            groups.setdefault(key, []).append(i)
    x0, x1, y0, y1 = found.bounds
    tol = 1e-9 * max(x1 - x0, y1 - y0)
    pairs = []
    for (u, _), members in sorted(groups.items()):
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                i, j = members[a], members[b]
                if _shared_edge(found.regions[i].vertices, found.regions[j].vertices, tol):
                    pairs.append((min(i, j), max(i, j), u))
    return sorted(pairs)


def _unit_name(found, u):
    """'h{layer}.{unit}' for the u-th hidden unit counted over all layers (from 1)."""
    for layer, width in enumerate(found.widths, 1):
        if u < width:
            return f"h{layer}.{u + 1}"
        u -= width
    return f"unit {u}"


def region_graph(model, bounds=None, max_regions=100_000) -> Picture:
    """The adjacency graph of the linear regions: a node per region, an edge per shared border.

    Why: crossing one unit's line flips exactly that unit, so neighbouring regions differ in
    one bit of the activation pattern; the graph makes the patterns and their flips visible.
    Nodes sit at the regions' centroids (Graphviz neato), coloured as in `plot_regions`,
    labelled by their pattern; each edge is labelled by the unit that flips (h1.3: layer 1,
    unit 3).

    Args:
        model: an MLP (see `linear_regions`), or what `linear_regions` returned.
        bounds: the box when `model` is a model (default [-1, 1]^2).
        max_regions: passed to `linear_regions`.

    Returns:
        a `viz.Picture` (a graphviz graph): inline in Jupyter, `viz.render(graph, "g.svg")`.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> graph = viz.region_graph(nn.MLP([2, 2, 1]), bounds=(-5, 5, -5, 5))
        >>> graph.source.startswith("digraph regions")
        True
    """
    caller = "viz.region_graph"
    if isinstance(model, LinearRegions):
        found = model
    else:
        found = linear_regions(model, parse_bounds(bounds, caller) if bounds is not None
                               else (-1.0, 1.0, -1.0, 1.0), max_regions=max_regions)
    x0, x1, y0, y1 = found.bounds
    scale = 8.0 / max(x1 - x0, y1 - y0)         # the box becomes about 8 inches wide
    graph = Picture(name="regions", graph_attr={"layout": "neato", "outputorder": "edgesfirst"},
                    node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica",
                               "fontsize": "9", "margin": "0.04,0.02", "width": "0", "height": "0"},
                    edge_attr={"dir": "none", "fontsize": "8", "fontname": "Helvetica",
                               "color": "#666666"})
    for k, region in enumerate(found.regions):
        cx, cy = region.centroid
        graph.node(f"r{k}", label=region.pattern_string, fillcolor=region_colour(k),
                   pos=f"{(cx - x0) * scale:.4f},{(cy - y0) * scale:.4f}!")
    for i, j, u in region_adjacency(found):
        graph.edge(f"r{i}", f"r{j}", label=_unit_name(found, u))
    return graph


def _predict_classes(model, points, threshold):
    """Class indices of a 2-D classifier at `points`: argmax, or output > threshold for one."""
    with no_grad():
        out = model(Tensor(points))
    out = np.asarray(getattr(out, "data", out), dtype=np.float64)
    if out.ndim == 1 or (out.ndim == 2 and out.shape[1] == 1):
        if threshold is None:
            modules = list(model.modules()) if hasattr(model, "modules") else []
            threshold = 0.5 if modules and type(modules[-1]).__name__ == "Sigmoid" else 0.0
        return (out.reshape(-1) > threshold).astype(int)
    if out.ndim == 2:
        return out.argmax(axis=1)
    raise ValueError(f"viz.decision_regions: the model's output has shape {out.shape}; expected "
                     f"(n,), (n, 1) or (n, classes)")


def decision_regions(model, X, y=None, path=None, bounds=None, resolution=150, threshold=None,
                     title=None) -> Figure:
    """Colour the plane by the class any 2-D classifier predicts, with the data on top.

    Why: the picture of TensorFlow Playground, for any model (MLP, kernel machine, a lesson's
    perceptron): it shows what the classifier learned between and around the data.

    Args:
        model: a callable taking a Tensor (n, 2), returning scores (n, classes), or one
            score per point (class 1 where it is above `threshold`).
        X, y: the data (n, 2) and its labels (ints); X also sets the default bounds.
        path: where to write the picture (`.svg` or `.png`), or None.
        bounds: the box (xmin, xmax, ymin, ymax); default: the data's range plus 10%.
        resolution: grid cells per side.
        threshold: for one output: the level between class 0 and 1 (default 0.5 when the model
            ends in Sigmoid, else 0, a logit).
        title: the title.

    Returns:
        a `viz.Figure`; `.grid` holds the predicted class per cell (rows from the bottom).

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import nn, viz
        >>> X = np.array([[0.0, 0.0], [1.0, 1.0]]); y = np.array([0, 1])
        >>> figure = viz.decision_regions(nn.MLP([2, 8, 2]), X, y, resolution=20)
        >>> figure.grid.shape
        (20, 20)
    """
    caller = "viz.decision_regions"
    if not callable(model):
        raise TypeError(f"{caller}: model must be callable on a Tensor of shape (n, 2), got "
                        f"{type(model).__name__}")
    if not isinstance(resolution, int) or not 2 <= resolution <= 1000:
        raise ValueError(f"{caller}: resolution must be an int in [2, 1000], got {resolution!r}")
    X = _as_points(X, caller)
    x0, x1, y0, y1 = parse_bounds(bounds, caller) if bounds is not None else _default_bounds(X, caller)
    xs = x0 + (np.arange(resolution) + 0.5) * (x1 - x0) / resolution    # cell centres
    ys = y0 + (np.arange(resolution) + 0.5) * (y1 - y0) / resolution
    gx, gy = np.meshgrid(xs, ys)
    points = np.stack([gx.ravel(), gy.ravel()], axis=1)
    grid = _predict_classes(model, points, threshold).reshape(resolution, resolution)
    svg, axes, _ = _canvas((x0, x1, y0, y1), title)
    labels = sorted(set(np.asarray(getattr(y, "data", y)).reshape(-1).tolist())) if y is not None else []
    dx, dy = (x1 - x0) / resolution, (y1 - y0) / resolution
    for row in range(resolution):               # one rectangle per run of equal cells
        start = 0
        for col in range(1, resolution + 1):
            if col < resolution and grid[row, col] == grid[row, start]:
                continue
            cls = int(grid[row, start])
            colour = PALETTE[(labels.index(cls) if cls in labels else cls) % len(PALETTE)]
            left, top = axes.px(x0 + start * dx), axes.py(y0 + (row + 1) * dy)
            svg.rect(left, top, axes.px(x0 + col * dx) - left + 0.3, axes.py(y0 + row * dy) - top + 0.3,
                     fill=lighten(colour, 0.3), extra=' shape-rendering="crispEdges"')  # no seams
            start = col
    _draw_points(axes, X, y, caller)
    axes.frame(xlabel="x1", ylabel="x2", title=title, grid=False)
    figure = Figure(svg.to_string())
    figure.grid = grid
    if path is not None:
        save_svg(figure.svg, path, caller)
    return figure
