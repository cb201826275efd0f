"""viz.plot_lines / viz.plot_training_curves and the SVG writer under them (no matplotlib)."""
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest

from tinygrad_edu import Tensor, viz
from tinygrad_edu.viz import svg as svgmod

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def polylines(svg_text):
    """The point lists of every <polyline>, as float arrays of shape (n, 2)."""
    found = re.findall(r'<polyline points="([^"]*)"', svg_text)
    return [np.array([[float(v) for v in p.split(",")] for p in pts.split()]) for pts in found]


def test_escaping_of_labels_and_valid_xml():
    figure = viz.plot_lines({'a<b & "c"': [1, 2, 3]}, title="x < y & z", xlabel="{braces}\n")
    root = ET.fromstring(figure.svg)        # parses: nothing unescaped
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert 'a<b & "c"' in texts and "x < y & z" in texts


def test_lines_follow_the_data():
    ys = [3.0, 1.0, 2.0]
    (points,) = polylines(viz.plot_lines({"y": ys}).svg)
    assert len(points) == 3
    assert np.all(np.diff(points[:, 0]) > 0)                  # x grows to the right
    assert points[0, 1] < points[2, 1] < points[1, 1]           # larger y is higher (smaller pixel y)
    # equal data steps give equal pixel steps
    assert np.isclose(points[1, 0] - points[0, 0], points[2, 0] - points[1, 0])


def test_xs_and_tensors_accepted_and_nan_breaks_the_line():
    figure = viz.plot_lines({"t": Tensor([1.0, 2.0, 3.0]),
                             "gap": ([0, 1, 2, 3, 4], [1.0, 2.0, np.nan, 2.0, 1.0])})
    assert [len(p) for p in polylines(figure.svg)] == [3, 2, 2]


def test_log_axis_maps_decades_evenly():
    (points,) = polylines(viz.plot_lines({"loss": [1.0, 0.1, 0.01]}, log_y=True).svg)
    assert np.isclose(points[1, 1] - points[0, 1], points[2, 1] - points[1, 1])
    with pytest.raises(ValueError, match=r"log_y needs values > 0.*'loss'.*-1"):
        viz.plot_lines({"loss": [1.0, -1.0]}, log_y=True)


@pytest.mark.parametrize("series, error, message", [
    ([1, 2], TypeError, "non-empty dict"),
    ({}, TypeError, "non-empty dict"),
    ({"a": ([1, 2], [1, 2, 3])}, ValueError, "2 xs but 3 ys"),
    ({"a": [[1, 2], [3, 4]]}, ValueError, "one-dimensional"),
    ({"a": ["x", "y"]}, TypeError, "sequence of numbers"),
])
def test_plot_lines_bad_input(series, error, message):
    with pytest.raises(error, match=message):
        viz.plot_lines(series)


class History:
    """What a training loop returns: an object with to_dict()."""

    def __init__(self, **metrics):
        self.metrics = metrics

    def to_dict(self):
        return dict(self.metrics)


def test_training_curves_panel_per_metric_line_per_run():
    runs = {"SGD": History(loss=[1.0, 0.5, 0.3], accuracy=[0.4, 0.6, 0.7]),
            "Adam": {"loss": [1.0, 0.2, 0.1], "accuracy": [0.5, 0.8, 0.9], "epoch": [2, 4, 6]}}
    figure = viz.plot_training_curves(runs, title="compare")
    svg = figure.svg
    assert len(polylines(svg)) == 4
    for word in ("SGD", "Adam", "loss", "accuracy", "compare", "epoch"):
        assert f">{word}<" in svg
    assert ">6<" in svg              # Adam's epochs give the x axis a tick at 6 (its last epoch)
    only_loss = viz.plot_training_curves(runs, metrics="loss")
    assert len(polylines(only_loss.svg)) == 2 and ">accuracy<" not in only_loss.svg


def test_training_curves_single_history():
    figure = viz.plot_training_curves({"loss": [3.0, 2.0, 1.5]})
    assert len(polylines(figure.svg)) == 1
    figure = viz.plot_training_curves(History(loss=[3.0, 2.0]), log_y=True)
    assert len(polylines(figure.svg)) == 1


@pytest.mark.parametrize("kwargs, error, message", [
    ({"runs": [1, 2]}, TypeError, "must be a history"),
    ({"runs": {"a": {"loss": [1]}}, "metrics": ["acc"]}, ValueError, r"no run has.*'acc'.*'loss'"),
    ({"runs": {"a": {"loss": [1]}}, "log_y": ["acc"]}, ValueError, "not plotted"),
    ({"runs": {"a": {}}}, TypeError, "non-empty dict"),
])
def test_training_curves_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        viz.plot_training_curves(**kwargs)


def test_save_svg_and_png(tmp_path):
    figure = viz.plot_lines({"y": [1, 2]}, path=tmp_path / "a.svg", title="T")
    assert (tmp_path / "a.svg").read_text(encoding="utf-8") == figure.svg == figure._repr_svg_()
    out = figure.save(tmp_path / "sub" / "a.png")
    assert open(out, "rb").read(8) == PNG_MAGIC
    with pytest.raises(ValueError, match=r"\.svg or \.png.*PDF"):
        figure.save(tmp_path / "a.pdf")
    assert not (tmp_path / "a.pdf").exists()


def test_png_shows_the_text():
    """resvg needs fonts: the same picture with and without its text must differ."""
    def picture(words):
        canvas = svgmod.Svg(120, 40)
        canvas.text(10, 25, words, size=16)
        return svgmod.svg_to_png(canvas.to_string(), scale=1.0)
    assert picture("Loss") != picture("")


def test_ticks_are_round_and_cover_the_range():
    for lo, hi in [(0.0, 0.93), (-3.2, 17.0), (1e-4, 3e-4), (5.0, 5.0)]:
        ticks = svgmod.nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and 2 <= len(ticks) <= 12
        steps = np.diff(ticks)
        assert np.allclose(steps, steps[0])
        mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
        assert any(np.isclose(mantissa, m) for m in (1, 2, 5))
    assert svgmod.log_ticks(0.003, 2.0) == [1e-3, 1e-2, 1e-1, 1.0, 10.0]
    assert svgmod.tick_label(-0.0) == "0" and svgmod.tick_label(1e-5) == "1e-5"


def test_matplotlib_axes_when_matplotlib_is_installed():
    matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is an optional extra")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    figure, ax = plt.subplots()
    assert viz.plot_lines({"a": ([0, 1, 2], [3.0, 1.0, 2.0])}, ax=ax, log_y=True) is ax
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [3.0, 1.0, 2.0])
    assert ax.get_yscale() == "log" and ax.get_legend().get_texts()[0].get_text() == "a"
    figure2, axes = plt.subplots(1, 2)
    drawn = viz.plot_training_curves({"SGD": {"loss": [1, 0.5], "acc": [0.1, 0.2]},
                                      "Adam": {"loss": [1, 0.2]}}, ax=axes)
    assert [a.get_title() for a in drawn] == ["loss", "acc"] and len(drawn[0].lines) == 2
    with pytest.raises(ValueError, match="2 metrics need 2 axes, got 1"):
        viz.plot_training_curves({"loss": [1], "acc": [2]}, ax=ax)
    plt.close(figure)
    plt.close(figure2)


def test_the_legend_goes_to_the_corner_that_hides_the_fewest_points():
    def legend_xy(series):
        figure = viz.plot_lines(series)
        box = re.search(r'<rect x="([\d.]+)" y="([\d.]+)"[^>]*stroke="#bbbbbb"', figure.svg)
        return float(box.group(1)), float(box.group(2))

    xs = [0, 1, 2, 3, 4]
    default_x, default_y = legend_xy({"low": (xs, [0, 0, 0, 0, 0])})     # top right is free
    climb_x, climb_y = legend_xy({"climb": (xs, [0, 0, 0, 1, 10])})       # ends in the top right
    assert climb_x < default_x - 100, "the legend stayed on the curve in the top-right corner"
