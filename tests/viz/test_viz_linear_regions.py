"""viz.linear_regions and its pictures: exact regions of ReLU MLPs on a 2-D input (seed 004, 2.5)."""
import html
import math
import re
import time

import numpy as np
import pytest

from tinygrad_edu import Tensor, manual_seed, nn, viz

BOX = (-3.0, 3.0, -2.0, 2.5)


def network_pattern_and_output(model, point):
    """The pattern (from the pre-activations) and the output of the model, by its own Tensor ops."""
    x = Tensor(np.asarray(point, dtype=np.float64)[None, :])
    pattern = []
    for layer in model.layers.children():
        if type(layer).__name__ in ("ReLU", "LeakyReLU"):
            pattern += (x.data[0] > 0).astype(int).tolist()
        x = layer(x)
    return tuple(pattern), x.data[0]


@pytest.mark.parametrize("sizes, activation", [([2, 5, 1], "relu"), ([2, 6, 5, 3], "relu"),
                                               ([2, 4, 4, 2], "leaky_relu")])
def test_regions_tile_the_box_and_match_the_network(sizes, activation):
    manual_seed(3)
    model = nn.MLP(sizes, activation=activation)
    found = viz.linear_regions(model, BOX)
    box_area = (BOX[1] - BOX[0]) * (BOX[3] - BOX[2])
    assert math.isclose(sum(r.area for r in found.regions), box_area, rel_tol=1e-9)
    assert all(r.area > 0 for r in found.regions)
    assert len({r.pattern for r in found.regions}) == found.count     # a pattern is one convex cell
    assert found.widths == tuple(sizes[1:-1])
    for region in found.regions:
        centre = region.centroid
        pattern, output = network_pattern_and_output(model, centre)
        assert region.pattern == pattern
        np.testing.assert_allclose(region.weight @ centre + region.bias, output, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(model(Tensor(centre[None, :])).data[0], output, rtol=1e-6)


def tangent_lines_model(m, angles=None):
    """One hidden layer whose unit lines are tangents to the unit circle: general position
    (no two parallel, no three through a point) with every crossing within radius 7."""
    model = nn.MLP([2, m, 1])
    theta = np.linspace(0.0, 0.9 * np.pi, m) if angles is None else angles
    first = model.layers[0]
    first.weight.data[...] = np.stack([np.cos(theta), np.sin(theta)], axis=1)
    first.bias.data[...] = -1.0
    return model


@pytest.mark.parametrize("m", [1, 2, 3, 5, 8])
def test_one_layer_in_general_position_gives_the_zaslavsky_count(m):
    found = viz.linear_regions(tangent_lines_model(m), (-10, 10, -10, 10))
    assert found.count == 1 + m + m * (m - 1) // 2 == viz.zaslavsky_bound(m, 2)
    # each unit's line is cut into m pieces by the others: m * m neighbouring pairs
    assert viz.region_graph(found).source.count(" -> ") == m * m


def test_a_fine_grid_finds_no_pattern_the_enumeration_missed():
    manual_seed(7)
    model = nn.MLP([2, 8, 8, 1])
    found = viz.linear_regions(model, BOX)
    gx, gy = np.meshgrid(np.linspace(BOX[0], BOX[1], 301), np.linspace(BOX[2], BOX[3], 301))
    seen = viz.activation_pattern(model, np.stack([gx.ravel(), gy.ravel()], axis=1))
    enumerated = {r.pattern for r in found.regions}
    missed = {tuple(p) for p in seen.tolist()} - enumerated
    assert not missed
    assert len({tuple(p) for p in seen.tolist()}) >= 0.5 * found.count     # the grid sees most


def test_speed_of_the_enumeration():
    # loose bounds against a blow-up (e.g. a quadratic pass per region); measured on 2 cores:
    # about 0.05 s for 2-8-8-1 and 1 s for 2-32-32-1
    manual_seed(0)
    start = time.perf_counter()
    small = viz.linear_regions(nn.MLP([2, 8, 8, 1]), BOX)
    assert time.perf_counter() - start < 2.0 and small.count > 10
    start = time.perf_counter()
    big = viz.linear_regions(nn.MLP([2, 32, 32, 1]), (-8, 8, -8, 8))
    assert big.count >= 1000, big.count
    assert time.perf_counter() - start < 20.0


def test_bounds_closed_forms():
    assert [viz.zaslavsky_bound(m, 2) for m in range(6)] == [1, 2, 4, 7, 11, 16]
    assert viz.zaslavsky_bound(3, 5) == 8           # fewer hyperplanes than dimensions: 2^m
    assert viz.zaslavsky_bound(10, 3) == 1 + 10 + 45 + 120
    # seed 004 Theorem 2.9 with equal widths m, L layers: R(m) floor(m/n)^(n(L-1))
    for m, L, n in [(4, 2, 2), (6, 3, 2), (9, 2, 3)]:
        assert viz.montufar_lower_bound(n, [m] * L) == viz.zaslavsky_bound(m, n) * (m // n) ** (n * (L - 1))
    assert viz.montufar_lower_bound(2, [5]) == viz.zaslavsky_bound(5, 2)
    with pytest.raises(ValueError, match=r"each >= n0=3"):
        viz.montufar_lower_bound(3, [4, 2])
    with pytest.raises(ValueError, match="m must be an int"):
        viz.zaslavsky_bound(-1, 2)


@pytest.mark.parametrize("model, bounds, kwargs, error, message", [
    (nn.MLP([3, 4, 1]), BOX, {}, ValueError, "input must be 2-D.*3 features"),
    (nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)), BOX, {}, TypeError,
     "cannot take Tanh apart.*decision_regions"),
    (nn.MLP([2, 4, 1]), (1, 0, 0, 1), {}, ValueError, "min < max"),
    (nn.MLP([2, 4, 1]), (0, 1, 0), {}, ValueError, r"\(xmin, xmax, ymin, ymax\)"),
    (nn.MLP([2, 64, 64, 1]), (-9, 9, -9, 9), {"max_regions": 50}, RuntimeError,
     "more than max_regions=50.*larger max_regions"),
])
def test_bad_input(model, bounds, kwargs, error, message):
    with pytest.raises(error, match=message):
        viz.linear_regions(model, bounds, **kwargs)


def test_final_sigmoid_is_allowed_and_changes_nothing():
    manual_seed(1)
    mlp = nn.MLP([2, 5, 1])
    with_sigmoid = nn.Sequential(*mlp.layers.children(), nn.Sigmoid())
    a, b = viz.linear_regions(mlp, BOX), viz.linear_regions(with_sigmoid, BOX)
    assert [r.pattern for r in a.regions] == [r.pattern for r in b.regions]


@pytest.mark.parametrize("outputs", [1, 3])
def test_plot_regions_one_polygon_per_region_and_the_boundary_where_the_decision_flips(outputs):
    manual_seed(5)
    model = nn.MLP([2, 6, 6, outputs])
    figure = viz.plot_regions(model, bounds=BOX, X=np.zeros((4, 2)), y=[0, 1, 1, 0])
    found = figure.regions
    ax = figure.axes[0]
    polygons, boundary = ax.collections[0], ax.collections[1]
    assert len(polygons.get_paths()) == found.count
    for path, region in zip(polygons.get_paths(), found.regions):
        np.testing.assert_allclose(path.vertices[:len(region.vertices)], region.vertices)
    labels = ax.get_legend_handles_labels()[1]
    assert labels.count("class 1") == 1 and "decision boundary" in labels
    assert ax.get_xlim() == BOX[:2] and ax.get_ylim() == BOX[2:]
    drawn = boundary.get_segments()
    assert drawn
    for segment in drawn:
        mid = np.asarray(segment).mean(axis=0)
        out = model(Tensor(mid[None, :])).data[0].astype(np.float64)
        if outputs == 1:
            assert abs(out[0]) < 1e-4
        else:
            top = np.sort(out)[-2:]
            assert abs(top[1] - top[0]) < 1e-4     # two classes tie at the top


def test_decision_regions_grid_is_the_models_prediction():
    manual_seed(2)
    model = nn.MLP([2, 5, 3])
    X = np.array([[-1.0, -1.0], [1.0, 2.0], [0.0, 0.5]])
    figure = viz.decision_regions(model, X, [0, 1, 2], resolution=12)
    from matplotlib.contour import ContourSet
    bands, *regions = [c for c in figure.axes[0].collections if isinstance(c, ContourSet)]
    np.testing.assert_allclose(bands.levels, np.arange(figure.grid.min(), figure.grid.max() + 1.5) - 0.5)
    assert len(regions) == len(np.unique(figure.grid))          # a smooth region per class shown
    assert all(r.levels[0] == 0.0 for r in regions)             # where that class is ahead
    assert figure.axes[0].get_xlim() == (-1.2, 1.2) and figure.axes[0].get_ylim() == (-1.3, 2.3)
    x = np.linspace(-1.2, 1.2, 12)[3]          # the data range plus 10%, edge to edge
    y = np.linspace(-1.3, 2.3, 12)[7]
    expected = model(Tensor([[x, y]])).data.argmax()
    assert figure.grid[7, 3] == expected
    sigmoid_model = nn.Sequential(nn.Linear(2, 1), nn.Sigmoid())
    grid = viz.decision_regions(sigmoid_model, X, resolution=8).grid
    assert set(np.unique(grid)) <= {0, 1}
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        viz.decision_regions(model, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="3 points but y has 2 labels"):
        viz.decision_regions(model, X, [0, 1])


def test_region_pictures_render(tmp_path):
    found = viz.linear_regions(tangent_lines_model(3), (-8, 8, -8, 8))
    viz.plot_regions(found, path=tmp_path / "r.png")
    assert (tmp_path / "r.png").read_bytes()[:4] == b"\x89PNG"
    svg = viz.render(viz.region_graph(found), tmp_path / "g.svg")
    text = html.unescape(open(svg, encoding="utf-8").read())
    assert text.count('class="node"') == 7 and text.count('class="edge"') == 9
    # a title, and a caption that says what the patterns and the hK.U edge labels mean
    assert "7 linear regions (hidden widths 3) and their neighbours" in text
    assert "unit U of hidden layer K (h1.2: layer 1, unit 2)" in text
    assert "1 = active (ReLU > 0)" in text


def test_region_graph_labels_separate_the_layers_and_name_the_flipping_unit():
    manual_seed(0)
    found = viz.linear_regions(nn.MLP([2, 3, 2, 1]), (-2, 2, -2, 2))
    graph = viz.region_graph(found, title="my <graph>")
    assert "my &lt;graph&gt;" in graph.source                   # the title is escaped
    for region in found.regions:
        p = region.pattern_string
        assert f'label="{p[:3]} {p[3:]}"' in graph.source      # layer 1, a space, layer 2
    units = set(re.findall(r'label="(h\d\.\d)"', graph.source))
    assert units and units <= {"h1.1", "h1.2", "h1.3", "h2.1", "h2.2"}


def test_decision_regions_margins_say_how_far_each_class_is_ahead():
    """The smooth region edges come from these margins: s_c - max_{j != c} s_j (one output: the
    score minus the threshold for class 1, its negative for class 0)."""
    from tinygrad_edu.viz.region_plots import _class_margins
    scores = np.array([[1.0, 3.0, 2.0], [0.5, 0.5, -1.0], [4.0, 0.0, 1.0]])
    margins = _class_margins(lambda t: t, scores, None)
    expected = [[s[c] - max(np.delete(s, c)) for c in range(3)] for s in scores]
    np.testing.assert_allclose(margins, expected)
    assert margins.argmax(axis=1).tolist() == scores.argmax(axis=1).tolist()   # ties: the first
    one = _class_margins(lambda t: t, np.array([[0.7], [0.2]]), 0.5)
    np.testing.assert_allclose(one, [[-0.2, 0.2], [0.3, -0.3]])
