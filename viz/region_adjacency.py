"""The adjacency graph of linear regions, a Graphviz picture: which regions share a border.

Why a graph: crossing one unit's line flips exactly that unit, so neighbouring regions differ
in one bit of the activation pattern; the graph shows the patterns and their flips.
"""
import html

import numpy as np

from .linear_regions import LinearRegions, linear_regions, parse_bounds
from .region_plots import region_colour
from .renderers import Picture


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


def _layered_pattern(found, region):
    """The activation pattern with a space between layers: '1011 0110' for widths 4-4."""
    digits, groups = region.pattern_string, []
    for width in found.widths:
        groups.append(digits[:width])
        digits = digits[width:]
    return " ".join(groups)


def _graph_heading(found, title):
    """The graph's title and a caption saying how to read the boxes and the hK.U edge labels."""
    if title is None:
        widths = "-".join(str(w) for w in found.widths)
        title = f"{found.count} linear regions (hidden widths {widths}) and their neighbours"
    example = _layered_pattern(found, found.regions[0]) if found.regions else "10"
    caption = [
        "Each box is one linear region, drawn at its centre and coloured as in plot_regions.",
        "Its label is the activation pattern: one digit per hidden unit, 1 = active (ReLU > 0), 0 = off;",
        f"layer 1 first, a space between layers (e.g. {example}).",
        "A line joins two regions that share a border; its label hK.U names the one unit that "
        "switches there:",
        "unit U of hidden layer K (h1.2: layer 1, unit 2)."]
    lines = [f'<FONT POINT-SIZE="14"><B>{html.escape(str(title))}</B></FONT>']
    lines += [html.escape(line) for line in caption]
    return "<" + '<BR ALIGN="LEFT"/>'.join(lines) + '<BR ALIGN="LEFT"/>>'


def region_graph(model, bounds=None, max_regions=100_000, title=None) -> Picture:
    """The adjacency graph of the linear regions: a node per region, an edge per shared border.

    Why: crossing one unit's line flips exactly that unit, so neighbouring regions differ in
    one bit of the activation pattern; the graph makes the patterns and their flips visible.
    Nodes sit at the regions' centroids (Graphviz neato; the picture is scaled up where boxes
    would overlap), coloured as in `plot_regions`,
    labelled by their pattern (a space between layers); each edge is labelled by the unit that
    flips (h1.3: layer 1, unit 3). A title and a caption saying so head the picture.

    Args:
        model: an MLP (see `linear_regions`), or what `linear_regions` returned.
        bounds: the box when `model` is a model (default [-1, 1]^2).
        max_regions: passed to `linear_regions`.
        title: the heading (default: the number of regions and the widths).

    Returns:
        a `viz.Picture` (a graphviz graph): inline in Jupyter, `viz.render(graph, "g.svg")`.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> graph = viz.region_graph(nn.MLP([2, 2, 1]), bounds=(-5, 5, -5, 5))
        >>> graph.source.startswith("digraph regions") and "hidden layer K" in graph.source
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
    # neato starts from the centroids and does not iterate (maxiter 0), so the picture keeps the
    # plane's geography; where boxes would overlap, the whole picture is scaled up
    graph = Picture(name="regions", graph_attr={"layout": "neato", "outputorder": "edgesfirst",
                                                "maxiter": "0", "overlap": "scale",
                                                "label": _graph_heading(found, title),
                                                "labelloc": "t", "labeljust": "l",
                                                "fontname": "Helvetica", "fontsize": "11",
                                                "pad": "0.2"},
                    node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica",
                               "fontsize": "10", "margin": "0.04,0.02", "width": "0", "height": "0"},
                    edge_attr={"dir": "none", "fontsize": "9", "fontname": "Helvetica",
                               "color": "#666666"})
    for k, region in enumerate(found.regions):
        cx, cy = region.centroid
        graph.node(f"r{k}", label=_layered_pattern(found, region), fillcolor=region_colour(k),
                   pos=f"{(cx - x0) * scale:.4f},{(cy - y0) * scale:.4f}")
    for i, j, u in region_adjacency(found):
        graph.edge(f"r{i}", f"r{j}", label=_unit_name(found, u))
    return graph
