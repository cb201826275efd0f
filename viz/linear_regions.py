"""The linear regions of a ReLU network on a 2-D input, enumerated exactly (lecture notes, sec. 2.5).

A layer of ReLU units cuts the input space along the lines w_i^T x + b_i = 0 into cells
with one activation pattern 1{W x + b > 0} each; inside a cell the network is one affine
map. Deeper layers cut each cell again, along lines that depend on the cell (the affine map
bends at the earlier cuts). We follow that literally: start from the box as one convex
polygon with the identity map, then for each layer and each neuron split every polygon by
the neuron's line (convex polygons stay convex), carrying each piece's affine map
z = A x + c, in float64. The bounds of Zaslavsky and Montufar et al. say how many pieces to
expect.
"""
import math
from typing import NamedTuple, Tuple

import numpy as np

from tinygrad_edu import nn

_SMOOTH_OUTPUTS = ("Sigmoid", "Tanh", "Softmax", "LogSoftmax")


class LinearRegion(NamedTuple):
    """One linear region: a convex polygon on which the network is one affine map.

    Attributes:
        vertices: (k, 2) float64 corners, counter-clockwise.
        pattern: the activation pattern, one 0/1 per hidden unit (layer by layer), as a tuple.
        weight: (outputs, 2) the affine map's matrix: model(x) = weight @ x + bias here.
        bias: (outputs,) the affine map's offset.
    """

    vertices: np.ndarray
    pattern: Tuple[int, ...]
    weight: np.ndarray
    bias: np.ndarray

    @property
    def area(self) -> float:
        return polygon_area(self.vertices)

    @property
    def centroid(self) -> np.ndarray:
        return polygon_centroid(self.vertices)

    @property
    def pattern_string(self) -> str:
        return "".join(str(p) for p in self.pattern)


class LinearRegions(NamedTuple):
    """What `linear_regions` returns: the regions, the box, and the widths of the layers."""

    regions: list
    bounds: Tuple[float, float, float, float]
    widths: Tuple[int, ...]

    @property
    def count(self) -> int:
        return len(self.regions)

    def __len__(self):
        return len(self.regions)


def polygon_area(vertices) -> float:
    """Area of a simple polygon (shoelace formula), positive for counter-clockwise order."""
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def polygon_centroid(vertices) -> np.ndarray:
    """The centre of mass of a convex polygon (mean of its vertices if it is degenerate)."""
    x, y = vertices[:, 0], vertices[:, 1]
    cross = x * np.roll(y, -1) - np.roll(x, -1) * y
    area = cross.sum() / 2
    if abs(area) < 1e-300:
        return vertices.mean(axis=0)
    return np.array([((x + np.roll(x, -1)) * cross).sum(), ((y + np.roll(y, -1)) * cross).sum()]) \
        / (6 * area)


def clip(vertices, a, c, tol):
    """The part of a convex polygon where a . x + c >= 0 (one Sutherland-Hodgman pass)."""
    values = vertices @ a + c
    out = []
    k = len(vertices)
    for i in range(k):
        p, q, vp, vq = vertices[i], vertices[(i + 1) % k], values[i], values[(i + 1) % k]
        if vp >= -tol:
            out.append(p)
        if (vp > tol and vq < -tol) or (vp < -tol and vq > tol):
            out.append(p + (vp / (vp - vq)) * (q - p))      # where the line crosses the edge
    return np.array(out) if len(out) >= 3 else None


def as_layers(model, caller="viz.linear_regions"):
    """The model as a list of ("linear", W, b) and ("act", slope) steps, in float64.

    Takes nn.MLP, nn.Sequential, or a list of modules; a final Sigmoid/Tanh/Softmax is dropped
    (it is monotone, so it moves no boundary: the regions are those of the logits).
    """
    if isinstance(model, (list, tuple)):
        modules = list(model)
    else:
        modules = [model]
    steps, stack = [], list(reversed(modules))
    while stack:
        m = stack.pop()
        name = type(m).__name__
        if isinstance(m, (nn.Sequential, nn.MLP)) or name == "ModuleList":
            stack.extend(reversed(list(m.children())))
        elif isinstance(m, nn.Linear):
            b = m.bias.data if m.bias is not None else np.zeros(m.weight.shape[0])
            steps.append(("linear", m.weight.data.astype(np.float64), np.asarray(b, np.float64)))
        elif name == "ReLU":
            steps.append(("act", 0.0))
        elif name == "LeakyReLU":
            steps.append(("act", float(m.negative_slope)))
        elif name in ("Identity", "Flatten", "Dropout"):
            continue                    # Dropout: the regions of the eval-mode network
        elif name in _SMOOTH_OUTPUTS and not stack:
            continue
        else:
            raise TypeError(f"{caller}: cannot take {name} apart: linear regions exist for MLPs of "
                            f"Linear layers with ReLU, LeakyReLU or Identity between them (a final "
                            f"Sigmoid/Tanh/Softmax is allowed); build the model as nn.MLP or "
                            f"nn.Sequential, or use viz.decision_regions for any classifier")
    linears = [s for s in steps if s[0] == "linear"]
    if not linears:
        raise ValueError(f"{caller}: the model has no Linear layer")
    if linears[0][1].shape[1] != 2:
        raise ValueError(f"{caller}: the input must be 2-D (a plane to draw), but the first Linear "
                         f"takes {linears[0][1].shape[1]} features")
    return steps


def parse_bounds(bounds, caller):
    """(xmin, xmax, ymin, ymax) from 4 numbers or ((xmin, xmax), (ymin, ymax))."""
    try:
        values = np.asarray(bounds, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        values = np.array([])
    if values.size != 4 or not np.all(np.isfinite(values)) or values[0] >= values[1] \
            or values[2] >= values[3]:
        raise ValueError(f"{caller}: bounds must be (xmin, xmax, ymin, ymax) or ((xmin, xmax), "
                         f"(ymin, ymax)), finite, with min < max; got {bounds!r}")
    return tuple(float(v) for v in values)


def linear_regions(model, bounds=(-1.0, 1.0, -1.0, 1.0), max_regions: int = 100_000) -> LinearRegions:
    """Enumerate exactly the linear regions of a piecewise-linear MLP inside a 2-D box.

    Why: "a deep ReLU network is piecewise linear" is easy to say and hard to picture. This
    finds every piece: the convex polygons on which the network is one affine map, with
    each one's activation pattern, so the count can be set against the bounds of
    `zaslavsky_bound` and `montufar_lower_bound` (the course notes (lectures), Theorems 2.8 and 2.9).

    Args:
        model: nn.MLP, nn.Sequential or a list of modules: Linear layers with ReLU, LeakyReLU
            or Identity between them, input of 2 features, any number of outputs.
        bounds: the box (xmin, xmax, ymin, ymax), or ((xmin, xmax), (ymin, ymax)).
        max_regions: stop with an error beyond this many regions (the count can grow fast).

    Returns:
        `LinearRegions`: `.regions` (a list of `LinearRegion`: vertices, pattern, weight, bias),
        `.count`, `.bounds`, `.widths` (the hidden widths).

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import nn, viz
        >>> model = nn.MLP([2, 3, 1])
        >>> found = viz.linear_regions(model, bounds=(-10, 10, -10, 10))
        >>> found.count <= viz.zaslavsky_bound(3, 2)
        True
        >>> bool(np.isclose(sum(r.area for r in found.regions), 400.0))
        True
    """
    caller = "viz.linear_regions"
    if not isinstance(max_regions, int) or max_regions < 1:
        raise ValueError(f"{caller}: max_regions must be a positive int, got {max_regions!r}")
    steps = as_layers(model, caller)
    x0, x1, y0, y1 = parse_bounds(bounds, caller)
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]])
    scale = max(abs(x0), abs(x1), abs(y0), abs(y1))
    # each region: (vertices, pattern list, A, c) with z = A x + c the current layer's values
    regions = [(box, [], np.eye(2), np.zeros(2))]
    widths, layer = [], 0
    for step in steps:
        if step[0] == "linear":
            _, W, b = step
            regions = [(v, p, W @ A, W @ c + b) for v, p, A, c in regions]
            continue
        layer += 1
        widths.append(regions[0][2].shape[0])
        regions = _split_layer(regions, step[1], scale, max_regions, layer, caller)
    found = [LinearRegion(v, tuple(p), A, c) for v, p, A, c in regions]
    return LinearRegions(found, (x0, x1, y0, y1), tuple(widths))


def _split_layer(regions, slope, scale, max_regions, layer, caller):
    """Split every region by the lines of this layer's units, then apply the activation."""
    out = []
    for vertices, pattern, A, c in regions:
        tol = 1e-10 * (np.abs(A).sum(axis=1) * scale + np.abs(c) + 1e-300)
        stack = [(vertices, 0)]
        while stack:
            v, start = stack.pop()
            values = v @ A.T + c                        # each unit's input at each corner
            mixed = np.flatnonzero(((values > tol).any(axis=0) & (values < -tol).any(axis=0))[start:])
            if mixed.size:
                j = start + int(mixed[0])
                for sign in (1.0, -1.0):
                    piece = clip(v, sign * A[j], sign * c[j], tol[j])
                    if piece is not None and abs(polygon_area(piece)) > 1e-14 * scale * scale:
                        stack.append((piece, j + 1))
                continue
            # no unit changes sign inside: the pattern is read at the centroid
            active = (polygon_centroid(v) @ A.T + c) > 0
            gain = np.where(active, 1.0, slope)         # ReLU: 0 where inactive
            out.append((v, pattern + active.astype(int).tolist(), A * gain[:, None], c * gain))
            if len(out) > max_regions:
                raise RuntimeError(f"{caller}: more than max_regions={max_regions} regions at "
                                   f"hidden layer {layer}; pass a larger max_regions, a smaller "
                                   f"box, or a smaller network")
    return out


def activation_pattern(model, points) -> np.ndarray:
    """The 0/1 activation pattern of every hidden unit at each point: shape (n, units).

    Why: to check a region against the network, or to colour points by the region they are in.

    Example:
        >>> from tinygrad_edu import nn, viz
        >>> viz.activation_pattern(nn.MLP([2, 4, 1]), [[0.0, 0.0], [1.0, 2.0]]).shape
        (2, 4)
    """
    steps = as_layers(model, "viz.activation_pattern")
    z = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    patterns = []
    for step in steps:
        if step[0] == "linear":
            z = z @ step[1].T + step[2]
        else:
            patterns.append((z > 0).astype(int))
            z = np.where(z > 0, z, step[1] * z)
    return np.concatenate(patterns, axis=1) if patterns else np.zeros((len(z), 0), dtype=int)


def zaslavsky_bound(m: int, n: int) -> int:
    """The most regions m hyperplanes in general position cut R^n into: sum_{i<=min(n,m)} C(m, i).

    Why: the course notes (lectures), Theorem 2.8; one hidden layer of m ReLU units on n inputs has at most
    this many linear regions (and exactly this many in general position).

    Example:
        >>> from tinygrad_edu import viz
        >>> viz.zaslavsky_bound(3, 2)       # 1 + 3 + 3
        7
    """
    for name, v in (("m", m), ("n", n)):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            raise ValueError(f"viz.zaslavsky_bound: {name} must be an int >= 0, got {v!r}")
    return sum(math.comb(int(m), i) for i in range(min(int(n), int(m)) + 1))


def montufar_lower_bound(n0: int, widths) -> int:
    """Montufar et al. (2014): a deep ReLU net can have at least this many linear regions.

    Why: lecture notes, Theorem 2.9: with n0 inputs and hidden widths n_1, ..., n_L (each >= n0),
    (prod_{i<L} floor(n_i / n0)^n0) * sum_{j<=n0} C(n_L, j) regions are reachable: depth
    multiplies the count, width only adds to it polynomially.

    Example:
        >>> from tinygrad_edu import viz
        >>> viz.montufar_lower_bound(2, [4, 4])    # floor(4/2)^2 * (1 + 4 + 6)
        44
    """
    caller = "viz.montufar_lower_bound"
    widths = [widths] if isinstance(widths, (int, np.integer)) else list(widths)
    if isinstance(n0, bool) or not isinstance(n0, (int, np.integer)) or n0 < 1:
        raise ValueError(f"{caller}: n0 (the input dimension) must be an int >= 1, got {n0!r}")
    if not widths or any(isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < n0
                         for w in widths):
        raise ValueError(f"{caller}: widths must be hidden widths, ints each >= n0={n0} (the "
                         f"theorem's condition), got {widths!r}")
    product = 1
    for w in widths[:-1]:
        product *= (int(w) // int(n0)) ** int(n0)
    return product * zaslavsky_bound(int(widths[-1]), int(n0))
