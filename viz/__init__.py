"""viz: pictures of the graphs autograd records, and backprop shown step by step.

    >>> from tinygrad_edu import nn, viz
    >>> from tinygrad_edu import Tensor
    >>> model = nn.MLP([2, 4, 1])
    >>> with viz.record(model):                     # group the ops by Module call
    ...     loss = model(Tensor.ones(3, 2)).sum()
    >>> loss.backward(retain_graph=True)            # keep the graph to draw it with grads
    >>> picture = viz.draw_graph(loss)              # a graphviz.Digraph: inline in Jupyter
    >>> text = viz.to_dot(loss)                     # the DOT source, no renderer needed
    >>> # viz.render(picture, "pictures/mlp.png")   # .svg/.png with pip alone, .pdf with `dot`
    >>> page = viz.backprop_page(loss)              # step through backprop: inline in Jupyter
    >>> # page.save("bp.html")                      # or as a page for any browser
    >>> found = viz.linear_regions(model, (-2, 2, -2, 2))      # exact linear regions
    >>> fig = viz.plot_training_curves({"loss": [1.0, 0.5, 0.2]})   # a matplotlib Figure

Also: `print_backprop` (the delta recursion as text), `draw_recurrent` (backprop through time:
an LSTM unrolled with its gates, each shared weight once with what every step sends it),
`draw_weight_sharing` (a convolution's kernel gradient as a sum over output positions),
`plot_regions`, `region_graph`, `decision_regions`, `plot_lines`, `zaslavsky_bound`,
`montufar_lower_bound`.

Drawing only reads the recorded graph (`Tensor.grad_fn`, `Function.inputs`, `Tensor.name`);
regions cost nothing per op (see regions.py).
"""
from .regions import (Region, region, record, regions_for, RegionHooks, recorded_regions,
                      clear_regions)
from .renderers import render, render_bytes, which_renderer, Picture, RendererNotFound
from .graph import draw_graph, to_dot
from .backprop import (backprop_steps, backprop_table, draw_backprop, BackpropStep, print_backprop,
                       backprop_text)
from .backprop_html import backprop_page, BackpropPage, save_backprop_html
from .recurrent_view import draw_recurrent
from .weight_sharing import draw_weight_sharing
from .plots import plot_lines, plot_training_curves
from .linear_regions import (linear_regions, LinearRegion, LinearRegions, activation_pattern,
                             zaslavsky_bound, montufar_lower_bound)
from .region_plots import plot_regions, decision_regions
from .region_adjacency import region_graph

__all__ = [
    "draw_graph", "to_dot", "render", "render_bytes", "which_renderer", "Picture",
    "RendererNotFound", "region", "record", "regions_for", "RegionHooks", "Region",
    "recorded_regions", "clear_regions", "backprop_steps", "backprop_table", "draw_backprop",
    "BackpropStep", "plot_lines", "plot_training_curves", "linear_regions",
    "LinearRegion", "LinearRegions", "activation_pattern", "zaslavsky_bound", "montufar_lower_bound",
    "plot_regions", "region_graph", "decision_regions", "print_backprop", "backprop_text",
    "save_backprop_html", "backprop_page", "BackpropPage", "draw_recurrent",
    "draw_weight_sharing",
]
