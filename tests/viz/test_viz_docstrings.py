"""The examples in viz's docstrings run and print what they say."""
import doctest
import importlib

import pytest

from tinygrad_edu import viz
import tinygrad_edu.viz.renderers  # noqa: F401  (viz.renderers below)


def renderer_available():
    try:
        viz.renderers.which_renderer("svg")
    except viz.RendererNotFound:
        return False
    return True


@pytest.mark.parametrize("module_name", ["tinygrad_edu.viz", "tinygrad_edu.viz.graph",
                                         "tinygrad_edu.viz.regions", "tinygrad_edu.viz.backprop",
                                         "tinygrad_edu.viz.renderers", "tinygrad_edu.viz.svg",
                                         "tinygrad_edu.viz.plots", "tinygrad_edu.viz.linear_regions",
                                         "tinygrad_edu.viz.region_plots", "tinygrad_edu.viz.labels",
                                         "tinygrad_edu.viz.backprop_html",
                                         "tinygrad_edu.viz.recurrent_view"])
def test_docstring_examples(module_name):
    if module_name.endswith("viz.renderers") and not renderer_available():
        pytest.skip("render's example writes a picture: needs a Graphviz renderer")
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module_name} failed"
