"""What every viz plot promises (matplotlib): `ax=` draws into your Axes, `ax=None` returns a new
Figure that pyplot does not hold, `path=` writes .png/.svg/.pdf, the legend hides no data,
whole-number axes get whole-number ticks, text is escaped in SVG, and `import tinygrad_edu.viz`
does not import matplotlib."""
import gc
import os
import subprocess
import sys
import weakref

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
from matplotlib.figure import Figure  # noqa: E402

from tinygrad_edu import manual_seed, nn, viz  # noqa: E402
from tinygrad_edu.train import History  # noqa: E402

X = np.array([[-1.0, -1.0], [1.0, 1.0], [-1.0, 1.0], [1.0, -1.0]])
Y = np.array([0, 0, 1, 1])


def small_mlp():
    manual_seed(0)
    return nn.MLP([2, 4, 2])


# name, a call taking ax= and path=, a check of what it drew on its (first) Axes
PLOTTERS = [
    ("plot_lines", lambda **kw: viz.plot_lines({"a": [3.0, 1.0, 2.0], "b": [1.0, 2.0, 2.5]}, **kw),
     lambda ax: len(ax.lines) == 2),
    ("plot_training_curves",
     lambda **kw: viz.plot_training_curves({"loss": [1.0, 0.5, 0.4], "val_loss": [1.1, 0.7, 0.8]},
                                           **kw),
     lambda ax: len(ax.lines) == 2),
    ("History.plot", lambda **kw: History({"loss": [1.0, 0.5], "val_loss": [1.2, 0.9]}).plot(**kw),
     lambda ax: len(ax.lines) == 2),
    ("plot_regions", lambda **kw: viz.plot_regions(small_mlp(), bounds=(-2, 2, -2, 2), X=X, y=Y, **kw),
     lambda ax: len(ax.collections[0].get_paths()) >= 1 and len(ax.collections) >= 3),
    ("decision_regions", lambda **kw: viz.decision_regions(small_mlp(), X, Y, resolution=16, **kw),
     lambda ax: type(ax.collections[0]).__name__ == "QuadContourSet" and
     [type(c).__name__ for c in ax.collections[-2:]] == ["PathCollection"] * 2),
]
IDS = [p[0] for p in PLOTTERS]


@pytest.mark.parametrize("name, plot, drew", PLOTTERS, ids=IDS)
def test_draws_into_the_given_axes_and_returns_its_figure(name, plot, drew):
    figure = Figure()
    ax = figure.add_subplot()
    returned = plot(ax=ax)
    assert returned is figure and figure.axes == [ax]
    assert drew(ax), name


@pytest.mark.parametrize("name, plot, drew", PLOTTERS, ids=IDS)
def test_without_ax_a_new_figure_that_pyplot_does_not_hold(name, plot, drew):
    import matplotlib.pyplot as plt
    before = plt.get_fignums()
    figure = plot()
    assert isinstance(figure, Figure) and drew(figure.axes[0])
    assert plt.get_fignums() == before                  # nothing to close, nothing kept
    png, size = figure._repr_png_()                     # what a notebook shows
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and size["width"] >= 400


@pytest.mark.parametrize("name, plot, drew", PLOTTERS, ids=IDS)
def test_path_writes_the_format_its_extension_names(tmp_path, name, plot, drew):
    magic = {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}
    for suffix, start in magic.items():
        path = tmp_path / "sub" / f"figure{suffix}"
        plot(path=path)
        assert path.read_bytes()[:len(start)] == start, suffix
    with pytest.raises(ValueError, match=r"cannot write 'figure\.jpg'.*\.png, \.svg, \.pdf"):
        plot(path=tmp_path / "figure.jpg")
    assert not (tmp_path / "figure.jpg").exists()


def test_png_files_are_readable_size():
    figure = viz.plot_lines({"a": [1.0, 2.0]})
    width, height = figure.get_size_inches()
    assert (width, height) == (6.4, 4.0)
    ax = figure.axes[0]
    sizes = [ax.title.get_fontsize(), ax.xaxis.label.get_fontsize()] + \
        [t.get_fontsize() for t in ax.get_xticklabels()]
    assert min(sizes) >= 10


def test_a_figure_written_to_a_file_and_dropped_is_freed(tmp_path):
    ref = weakref.ref(viz.plot_lines({"a": [1.0, 2.0]}, path=tmp_path / "a.png"))
    gc.collect()
    assert ref() is None


def test_svg_escapes_text_so_a_script_in_a_label_stays_text(tmp_path):
    nasty = '<script>alert("x")</script>'
    viz.plot_lines({nasty: [1.0, 2.0]}, path=tmp_path / "a.svg", title=nasty, xlabel=nasty)
    viz.plot_regions(small_mlp(), bounds=(-1, 1, -1, 1), title=nasty, path=tmp_path / "b.svg")
    viz.plot_training_curves({nasty: {"loss": [1.0, 0.5]}, "b": {"loss": [2.0, 1.0]}},
                             title=nasty, path=tmp_path / "c.svg")
    for name in ["a.svg", "b.svg", "c.svg"]:
        text = (tmp_path / name).read_text(encoding="utf-8")
        assert "<script" not in text.lower(), name
        assert "&lt;script&gt;" in text, name        # the text is there, escaped
    from xml.etree import ElementTree
    ElementTree.parse(tmp_path / "a.svg")           # well-formed


def drawn_display_points(ax):
    """Every line of `ax` sampled every pixel, in display coordinates."""
    points = []
    for line in ax.lines:
        xy = line.get_transform().transform(line.get_xydata())
        for a, b in zip(xy[:-1], xy[1:]):
            if np.isfinite(a).all() and np.isfinite(b).all():
                n = max(2, int(np.hypot(*(b - a))))
                points.append(a + (b - a) * np.linspace(0, 1, n)[:, None])
    return np.concatenate(points)


def legend_overlaps_lines(figure, ax, legend):
    figure.draw_without_rendering()
    box = legend.get_window_extent()
    crossed = any(line.get_transform().transform_path(line.get_path()).intersects_bbox(box, filled=False)
                  for line in ax.lines)
    return crossed or box.count_contains(drawn_display_points(ax)) > 0


def test_the_legend_sits_inside_where_the_data_leaves_room():
    xs = np.arange(1, 11)
    figure = viz.plot_lines({"falling": (xs, 10.0 / xs), "flat": (xs, np.full(10, 1.0))})
    ax = figure.axes[0]
    legend = ax.get_legend()
    assert not legend.outside and not legend_overlaps_lines(figure, ax, legend)
    box = legend.get_window_extent()
    assert ax.bbox.contains((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)


def test_the_legend_goes_outside_when_the_data_fills_the_axes():
    xs = np.linspace(0, 1, 200)
    series = {f"wave {k}": (xs, np.sin(2 * np.pi * (3 * xs + k / 7))) for k in range(7)}
    figure = viz.plot_lines(series)
    ax = figure.axes[0]
    legend = ax.get_legend()
    assert legend.outside and not legend_overlaps_lines(figure, ax, legend)
    figure.draw_without_rendering()
    assert legend.get_window_extent().x0 >= ax.bbox.x1          # to the right of the data area


def test_the_legend_of_four_runs_covers_no_curve():
    manual_seed(0)
    rng = np.random.default_rng(0)
    runs = {name: {"loss": list(np.exp(-rng.uniform(0.1, 0.5) * np.arange(30)) + 0.05),
                   "val_loss": list(np.exp(-rng.uniform(0.1, 0.5) * np.arange(30)) + 0.1)}
            for name in ["MLP", "CNN", "LSTM", "autoencoder"]}
    figure = viz.plot_training_curves(runs)
    ax = figure.axes[0]
    assert not legend_overlaps_lines(figure, ax, ax.get_legend())


def visible_ticks(axis, lo, hi):
    return [t for t in axis.get_ticklocs() if lo - 1e-9 <= t <= hi + 1e-9]


def test_whole_number_axes_get_whole_number_ticks():
    # the linear-regions lesson: hidden layers 1, 2, 3 (no tick at 1.5)
    figure = viz.plot_lines({"fraction": ([1, 2, 3], [0.1, 0.25, 0.3])}, xlabel="hidden layers L")
    figure.draw_without_rendering()
    ax = figure.axes[0]
    ticks = visible_ticks(ax.xaxis, *ax.get_xlim())
    assert ticks and all(float(t).is_integer() for t in ticks)
    assert not all(float(t).is_integer() for t in visible_ticks(ax.yaxis, *ax.get_ylim()))
    counts = viz.plot_lines({"count": ([0.5, 1.0, 1.5], [1, 2, 3])})    # whole values on y only
    counts.draw_without_rendering()
    ax = counts.axes[0]
    assert all(float(t).is_integer() for t in visible_ticks(ax.yaxis, *ax.get_ylim()))
    curves = viz.plot_training_curves({"loss": [1.0, 0.5, 0.4]})        # 3 epochs
    curves.draw_without_rendering()
    ax = curves.axes[0]
    epochs = visible_ticks(ax.xaxis, *ax.get_xlim())
    assert epochs == [1, 2, 3]


def test_several_panels_need_as_many_axes():
    figure = Figure()
    one = figure.add_subplot(1, 2, 1)
    with pytest.raises(ValueError, match="2 panels but ax gives 1 Axes"):
        viz.plot_training_curves({"loss": [1.0], "accuracy": [0.5]}, ax=one)
    two = [one, figure.add_subplot(1, 2, 2)]
    assert viz.plot_training_curves({"loss": [1.0], "accuracy": [0.5]}, ax=two) is figure
    assert [len(a.lines) for a in two] == [1, 1]
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        viz.plot_lines({"a": [1.0]}, ax="not an axes")


def test_importing_viz_does_not_import_matplotlib():
    code = ("import sys\nimport tinygrad_edu\nfrom tinygrad_edu import viz, nn, train\n"
            "assert 'matplotlib' not in sys.modules, 'imported at import time'\n"
            "viz.plot_lines({'a': [1.0, 2.0]})\n"
            "assert 'matplotlib' in sys.modules\n"
            "import matplotlib.pyplot as plt\nassert not plt.get_fignums()\nprint('ok')\n")
    env = dict(os.environ, MPLBACKEND="")
    env.pop("MPLBACKEND")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env=env)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_a_notebook_shows_each_figure_once_inline(tmp_path):
    """In Jupyter the returned Figure shows inline, with or without pyplot, and only once."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("from tinygrad_edu import viz\nviz.plot_lines({'a': [1, 2, 3]})"),
        nbformat.v4.new_code_cell("import matplotlib.pyplot as plt\n"
                                  "viz.plot_training_curves({'loss': [1, 0.5], 'val_loss': [1, 0.7]})"),
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()\n_ = viz.plot_lines({'b': [1, 2]}, ax=ax)"),
    ]
    try:
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3",
                                resources={"metadata": {"path": str(tmp_path)}}).execute()
    except Exception as error:                      # noqa: BLE001 -- no kernel on this machine
        if "No such kernel" in str(error) or "NoSuchKernel" in type(error).__name__:
            pytest.skip(f"no python3 Jupyter kernel: {error}")
        raise
    images = [sum("image/png" in out.get("data", {}) for out in cell.outputs) for cell in notebook.cells]
    assert images == [1, 1, 1], [cell.outputs for cell in notebook.cells]


@pytest.mark.parametrize("module_name", ["tinygrad_edu.viz.plots_mpl", "tinygrad_edu.viz.region_adjacency",
                                         "tinygrad_edu.viz.plots", "tinygrad_edu.viz.region_plots",
                                         "tinygrad_edu.train.history"])
def test_docstring_examples_of_the_plot_modules(module_name):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(module_name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
