"""Lesson: linear regions of ReLU networks, against the Zaslavsky and Montufar bounds.

The course notes (lectures), sec. 2.5. A layer of m ReLU units on R^n cuts the input along m hyperplanes; by
Zaslavsky's theorem these make at most R(m) = sum_{i<=n} binom(m, i) regions, exactly that
many in general position. Depth multiplies: Montufar et al. show that L layers of width
m >= n can make at least floor(m/n)^(n(L-1)) R(m) regions. The lesson counts regions exactly
with `viz.linear_regions` (n = 2):

* one random layer in a box that holds every crossing of its lines: exactly R(m);
* Montufar's construction, written out as weights: each of the first L-1 layers spends
  k = m/2 units per input coordinate on a "tent" map t(x) = k x + sum_(j=1)^(k-1) (-1)^j 2k
  (x - j/k)_+ that folds [0, 1] onto itself k times, so the unit square is folded onto
  itself k^2 times per layer, and a last layer of m lines in general position near the
  centre of the square cuts every fold into R(m) pieces: at least (k^2)^(L-1) R(m) regions;
* random networks of the same shapes (PyTorch's default initialisation) for comparison:
  their count grows with depth far more slowly; every count stays below the product of the
  per-layer Zaslavsky bounds, prod_l R(m_l) (each layer cuts each region by m lines in R^2).
"""
import numpy as np

import tinygrad_edu
from tinygrad_edu import nn, viz
from ._common import all_hold, new_figure, plot_lines, save

SOURCE = "the course notes (lectures), sec. 2.5 (ReLU networks: linear regions)"


def _linear(weight, bias):
    layer = nn.Linear(weight.shape[1], weight.shape[0], dtype=np.float64)
    layer.weight.data[...] = weight
    layer.bias.data[...] = bias
    return layer


def general_lines(m: int, centre=(0.5, 0.5), radius: float = 0.05):
    """m lines tangent to a small circle, normals spread over [0, pi): all crossings near the centre."""
    angles = np.pi * (np.arange(m) + 0.3) / m
    normals = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    return normals, radius - normals @ np.asarray(centre)        # w.x + b = 0 at distance radius


def montufar_network(m: int, depth: int):
    """Montufar et al.'s construction for 2-D input: depth hidden layers of width m (m even)."""
    k = m // 2
    shifts = np.arange(k) / k
    tent = np.array([k] + [(-1) ** j * 2 * k for j in range(1, k)], dtype=np.float64)
    fold_in = np.zeros((m, 2))                      # t_c -> the k inputs t_c - j/k of group c
    for c in range(2):
        fold_in[c * k:(c + 1) * k, c] = 1.0
    fold_out = np.zeros((2, m))                     # the k units of group c -> t_c
    for c in range(2):
        fold_out[c, c * k:(c + 1) * k] = tent
    normals, offsets = general_lines(m)
    layers, previous = [], np.eye(2)                # previous: map from the last ReLU outputs to (t_1, t_2)
    for layer in range(depth):
        if layer < depth - 1:
            layers += [_linear(fold_in @ previous, -np.tile(shifts, 2)), nn.ReLU()]
            previous = fold_out
        else:
            layers += [_linear(normals @ previous, offsets), nn.ReLU()]
    layers.append(_linear(np.random.default_rng(0).normal(size=(1, m)), np.zeros(1)))
    return nn.Sequential(*layers)


def draw_regions(net, out_dir, filename, title):
    """Draw each linear region of `net` on the unit square as a polygon of its own colour."""
    from matplotlib.collections import PolyCollection
    regions = viz.linear_regions(net, (0, 1, 0, 1)).regions
    figure, (ax,) = new_figure(width=5.2, height=5.0)
    colours = np.random.default_rng(1).uniform(0.35, 0.95, size=(len(regions), 3))
    ax.add_collection(PolyCollection([np.asarray(r.vertices) for r in regions], facecolors=colours,
                                     edgecolors="white", linewidths=0.4))
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="x1", ylabel="x2", aspect="equal")
    ax.set_title(f"{title}: {len(regions)} regions", fontsize=12)
    return save(figure, out_dir, filename)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Count regions: one layer vs Zaslavsky, deep nets vs Montufar, random vs constructed.

    Example:
        >>> run(quick=True)["checks"]["one layer: regions = Zaslavsky's R(m)"]
        True
    """
    tinygrad_edu.manual_seed(seed)
    rng = np.random.default_rng(seed)
    one_layer = []
    for m in range(1, 9):
        W, b = rng.normal(size=(m, 2)), rng.normal(size=m)
        crossings = [np.linalg.solve(W[[i, j]], -b[[i, j]]) for i in range(m) for j in range(i)]
        crossings += [-b[i] * W[i] / (W[i] @ W[i]) for i in range(m)]    # a point of each line
        reach = 2 * max([1.0] + [float(np.max(np.abs(p))) for p in crossings])
        net = nn.Sequential(_linear(W, b), nn.ReLU(), _linear(np.ones((1, m)), np.zeros(1)))
        one_layer.append((m, viz.linear_regions(net, (-reach, reach) * 2).count,
                          viz.zaslavsky_bound(m, 2)))
    m, depths = 4, ([1, 2, 3] if quick else [1, 2, 3, 4])
    deep = []
    for depth in depths:
        constructed = viz.linear_regions(montufar_network(m, depth), (0, 1, 0, 1)).count
        random_counts = [viz.linear_regions(nn.MLP([2] + [m] * depth + [1]), (-1, 1, -1, 1)).count
                         for _ in range(3)]
        deep.append((depth, constructed, float(np.mean(random_counts)),
                     viz.montufar_lower_bound(2, [m] * depth), viz.zaslavsky_bound(m, 2) ** depth))
    print("  one layer, m units: regions (Zaslavsky R(m)):",
          ", ".join(f"{m_}: {c} ({z})" for m_, c, z in one_layer))
    print("  width 4, depth L: constructed / random (mean of 3) / Montufar lower bound / prod R(m)")
    for depth, constructed, random_mean, lower, upper in deep:
        print(f"    L = {depth}: {constructed:6d} / {random_mean:8.1f} / {lower:6d} / {upper:6d}")
    checks = {
        "one layer: regions = Zaslavsky's R(m)": all(c == z for _, c, z in one_layer),
        "construction reaches Montufar's lower bound": all(c >= lo for _, c, _, lo, _ in deep),
        "all counts <= prod of per-layer Zaslavsky bounds":
            all(c <= up and r <= up for _, c, r, _, up in deep),
        "regions grow with depth (construction)": all(np.diff([c for _, c, _, _, _ in deep]) > 0),
    }
    figures = []
    path = plot_lines(out_dir, "linear_regions_depth.png",
                      {"Montufar construction (on the bound)": (depths, [c for _, c, _, _, _ in deep]),
                       "Montufar lower bound": (depths, [lo for _, _, _, lo, _ in deep]),
                       "random init (mean)": (depths, [r for _, _, r, _, _ in deep]),
                       "prod of Zaslavsky bounds": (depths, [up for _, _, _, _, up in deep])},
                      xlabel="hidden layers L (width 4)", ylabel="linear regions", log_y=True,
                      title="Linear regions of ReLU nets on R^2")
    if path:
        figures.append(path)
        picture = draw_regions(montufar_network(m, 2), out_dir, "linear_regions_montufar.png",
                               "Montufar's construction, width 4, 2 layers")
        figures.append(picture)
    return {"one_layer": one_layer, "deep": deep, "checks": checks, "ok": all_hold(checks),
            "figures": figures}
