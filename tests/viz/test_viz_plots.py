"""viz.plot_lines, viz.plot_training_curves and History.plot: what they draw (matplotlib)."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, viz
from tinygrad_edu.train import History as TrainHistory


def lines_of(figure, panel=0):
    return figure.axes[panel].lines


def test_lines_follow_the_data_with_their_labels():
    figure = viz.plot_lines({"y": [3.0, 1.0, 2.0], "x^2": ([0, 1, 2], [0, 1, 4])}, xlabel="step",
                            ylabel="value", title="two")
    first, second = lines_of(figure)
    np.testing.assert_allclose(first.get_xydata(), [[1, 3.0], [2, 1.0], [3, 2.0]])  # x = 1, 2, ...
    np.testing.assert_allclose(second.get_xydata(), [[0, 0], [1, 1], [2, 4]])
    ax = figure.axes[0]
    assert [first.get_label(), second.get_label()] == ["y", "x^2"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) == ("step", "value", "two")
    assert first.get_color() != second.get_color()
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["y", "x^2"]


def test_xs_and_tensors_accepted_and_nan_breaks_the_line():
    figure = viz.plot_lines({"t": Tensor([1.0, 2.0, 3.0]),
                             "gap": ([0, 1, 2, 3, 4], [1.0, 2.0, np.nan, 2.0, 1.0])})
    tensor_line, gap = lines_of(figure)
    np.testing.assert_allclose(tensor_line.get_ydata(), [1.0, 2.0, 3.0])
    assert np.isnan(gap.get_ydata()[2])            # matplotlib leaves a gap at NaN
    assert figure.axes[0].get_ylim()[1] < 10       # and NaN does not spoil the axes


def test_log_axis_and_values_it_cannot_show():
    figure = viz.plot_lines({"loss": [1.0, 0.1, 0.01]}, log_y=True)
    assert figure.axes[0].get_yscale() == "log"
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


def test_training_and_validation_of_a_metric_share_one_axes():
    history = {"loss": [1.0, 0.5, 0.3, 0.25], "val_loss": [1.1, 0.7, 0.6, 0.8],
               "accuracy": [0.5, 0.7, 0.8, 0.9], "val_accuracy": [0.4, 0.6, 0.7, 0.65]}
    figure = viz.plot_training_curves(history, title="one run")
    assert len(figure.axes) == 2                                    # loss, accuracy
    for ax, quantity in zip(figure.axes, ["loss", "accuracy"]):
        training, validation = ax.lines
        np.testing.assert_allclose(training.get_ydata(), history[quantity])
        np.testing.assert_allclose(validation.get_ydata(), history["val_" + quantity])
        assert (training.get_label(), validation.get_label()) == ("training", "validation")
        assert training.get_linestyle() == "-" and validation.get_linestyle() == "--"
        assert ax.get_ylabel() == quantity and ax.get_xlabel() == "epoch"
    assert figure.get_suptitle() == "one run"


def test_several_runs_a_colour_each_and_one_legend():
    runs = {"SGD": History(loss=[1.0, 0.5, 0.3], accuracy=[0.4, 0.6, 0.7]),
            "Adam": {"loss": [1.0, 0.2, 0.1], "accuracy": [0.5, 0.8, 0.9], "epoch": [2, 4, 6],
                     "val_loss": [1.0, 0.4, 0.5]}}
    figure = viz.plot_training_curves(runs, title="compare")
    loss_ax, accuracy_ax = figure.axes
    assert len(loss_ax.lines) == 3 and len(accuracy_ax.lines) == 2
    sgd, adam, adam_val = loss_ax.lines
    assert adam.get_color() == adam_val.get_color() != sgd.get_color()
    np.testing.assert_allclose(adam.get_xdata(), [2, 4, 6])        # the "epoch" key gives the xs
    legends = [ax.get_legend() for ax in figure.axes]
    assert legends[0] is None
    assert [t.get_text() for t in legends[1].get_texts()] == ["SGD", "Adam", "training", "validation"]
    only_loss = viz.plot_training_curves(runs, metrics="loss")
    assert len(only_loss.axes) == 1 and len(only_loss.axes[0].lines) == 2


def test_only_validation_values_and_log_scales_per_panel():
    figure = viz.plot_training_curves({"loss": [3.0, 2.0, 1.5], "val_accuracy": [0.2, 0.5, 0.6]},
                                      log_y=["loss"])
    loss_ax, accuracy_ax = figure.axes
    assert loss_ax.get_yscale() == "log" and accuracy_ax.get_yscale() == "linear"
    assert accuracy_ax.get_ylabel() == "accuracy (validation)"
    assert accuracy_ax.lines[0].get_linestyle() == "--"
    assert loss_ax.get_legend() is None                 # one line needs no legend
    figure = viz.plot_training_curves(History(loss=[3.0, 2.0]), log_y=True)
    assert figure.axes[0].get_yscale() == "log"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"runs": [1, 2]}, TypeError, "must be a history"),
    ({"runs": {"a": {"loss": [1]}}, "metrics": ["acc"]}, ValueError, r"no run has.*'acc'.*'loss'"),
    ({"runs": {"a": {"loss": [1]}}, "log_y": ["acc"]}, ValueError, "not plotted"),
    ({"runs": {"a": {}}}, TypeError, "non-empty dict"),
    ({"runs": {"loss": [1.0, -2.0]}, "log_y": True}, ValueError, "log_y needs values > 0"),
])
def test_training_curves_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        viz.plot_training_curves(**kwargs)


def test_history_plot_is_plot_training_curves(tmp_path):
    history = TrainHistory({"loss": [1.0, 0.5, 0.25], "val_loss": [1.0, 0.6, 0.7],
                            "accuracy": [0.5, 0.75, 0.9]})
    figure = history.plot(tmp_path / "h.svg", title="run")
    assert (tmp_path / "h.svg").exists()
    assert len(figure.axes) == 2 and len(figure.axes[0].lines) == 2
    only = history.plot(metrics=["loss", "val_loss"], log_y=True)
    assert len(only.axes) == 1 and only.axes[0].get_yscale() == "log"


def test_styles_restyle_named_series_and_reject_unknown_names():
    figure = viz.plot_lines({"fit": [1.0, 0.5], "optimum": [0.4, 0.4]},
                            styles={"optimum": {"color": "black", "linestyle": "--", "marker": ""}})
    fit, optimum = lines_of(figure)
    assert optimum.get_linestyle() == "--" and optimum.get_color() == "black"
    assert optimum.get_marker() in ("", "None") and fit.get_marker() == "o"
    with pytest.raises(ValueError, match=r"styles names \['nope'\].*\['fit'\]"):
        viz.plot_lines({"fit": [1.0]}, styles={"nope": {"color": "red"}})
    with pytest.raises(TypeError, match="styles must be a dict"):
        viz.plot_lines({"fit": [1.0]}, styles={"fit": "red"})
