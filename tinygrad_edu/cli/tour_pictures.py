"""The pictures of the tour, each written by `viz` as a file in the output folder.

Every function returns a list of (file name, caption) pairs for the index page.
"""
import os

import numpy as np

from tinygrad_edu import Tensor, manual_seed, nn


def small_network(out: str, seed: int):
    """The graph of a 2-2-1 MLP's loss on 2 points (a box per layer call), and its backprop page."""
    from tinygrad_edu import viz
    manual_seed(seed)
    model = nn.MLP([2, 2, 1], activation="tanh")
    x = Tensor(np.array([[0.5, -1.0], [1.0, 0.0]]), name="x")
    target = Tensor(np.array([[1.0], [-1.0]]), name="target")
    with viz.record(model):
        prediction = model(x)
    loss = ((prediction - target) ** 2).mean()
    loss.name = "loss"
    viz.save_backprop_html(loss, os.path.join(out, "backprop.html"))
    loss.backward(retain_graph=True)            # keep the graph's links to draw it with its grads
    viz.render(viz.draw_graph(loss, rankdir="TB"), os.path.join(out, "network_graph.svg"),
               format="svg")
    return [("network_graph.svg", "The graph autograd recorded for the mean squared error of a "
                                  "2-2-1 tanh MLP on 2 points: one box per layer call (the "
                                  "regions of the graph), every tensor with its value and "
                                  "gradient after backward."),
            ("backprop.html", "Backprop step by step on the same network: open the page and "
                              "step through the delta recursion op by op.")]


def moons_pictures(out: str, result):
    """Linear regions and decision regions of the trained two-moons MLP."""
    from tinygrad_edu import viz
    X, y = result.data
    pad = 0.25
    bounds = (X[:, 0].min() - pad, X[:, 0].max() + pad, X[:, 1].min() - pad, X[:, 1].max() + pad)
    found = viz.linear_regions(result.model, bounds)
    viz.plot_regions(found, X=X, y=y, path=os.path.join(out, "moons_linear_regions.svg"),
                     title=f"{found.count} linear regions of the trained MLP 2-16-16-2")
    viz.decision_regions(result.model, X, y, path=os.path.join(out, "moons_decision_regions.svg"),
                         bounds=bounds, title="decision regions of the trained MLP")
    return [("moons_linear_regions.svg",
             f"The trained ReLU MLP is affine on each of these {found.count} polygons "
             f"(its linear regions); the black line is its decision boundary, which can bend "
             f"only where two regions meet."),
            ("moons_decision_regions.svg", "The class the MLP predicts at every point of the "
                                           "plane, with the training data on top.")]


def learning_curves(out: str, results):
    """Training and validation curves of the four runs, one panel per metric."""
    from tinygrad_edu import viz
    runs = {result.short: result.history for result in results}
    viz.plot_training_curves(runs, path=os.path.join(out, "learning_curves.svg"),
                             metrics=["loss", "val_loss", "val_accuracy"],
                             title="learning curves (per epoch)", log_y=["loss", "val_loss"])
    return [("learning_curves.svg", "Per epoch, for the four models: the training loss, the "
                                    "loss on held-out data (val_) and the held-out accuracy; "
                                    "losses on a log scale. The autoencoder has no accuracy.")]
