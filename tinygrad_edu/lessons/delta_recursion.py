"""Lesson: backpropagation is the delta recursion, and the engine computes exactly that.

The course notes (lectures, sec. 3.1, and the one-page backprop notes). With h^0 = x, z^l = W^l
h^(l-1) + b^l, h^l = phi(z^l) (leaky ReLU, slope 0.1; the last layer linear) and the loss l = 1/2
||h^L - y||^2:

    delta^L = d l / d h^L = h^L - y
    delta^(l-1) = (d h^l / d h^(l-1))^T delta^l = W^l^T (phi'(z^l) * delta^l)
    d l / d W^l = (phi'(z^l) * delta^l) h^(l-1)^T,   d l / d b^l = phi'(z^l) * delta^l

The notes write the Jacobian as [h^(l+1)/h^l] (the OCR lost the partial signs). The lesson
runs the recursion by hand in numpy and prints, layer by layer, delta^l next to the gradient
the engine left on h^l (`retain_grad`) and dl/dW^l next to `W.grad`. `viz.backprop_table`
shows the same walk op by op.
"""
import numpy as np

import tinygrad_edu

from tinygrad_edu import Tensor, nn
from ._common import all_hold, plot_lines

SOURCE = "the course notes (lectures), sec. 3.1 (backpropagation), and the one-page backprop notes"

SLOPE = 0.1


def manual_backprop(weights, biases, x, y):
    """The delta recursion by hand; returns (deltas, weight grads, bias grads), one per layer."""
    hs, zs = [x], []
    for k, (W, b) in enumerate(zip(weights, biases)):
        z = hs[-1] @ W.T + b
        zs.append(z)
        hs.append(z if k == len(weights) - 1 else np.where(z > 0, z, SLOPE * z))
    deltas = [None] * (len(weights) + 1)
    deltas[-1] = hs[-1] - y                                      # delta^L
    grads_W, grads_b = [None] * len(weights), [None] * len(weights)
    for k in reversed(range(len(weights))):
        slope = np.ones_like(zs[k]) if k == len(weights) - 1 else np.where(zs[k] > 0, 1.0, SLOPE)
        local = slope * deltas[k + 1]                            # phi'(z^l) * delta^l
        grads_W[k] = local.T @ hs[k]
        grads_b[k] = local.sum(axis=0)
        deltas[k] = local @ weights[k]                           # W^l^T (phi'(z^l) * delta^l)
    return deltas, grads_W, grads_b


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Compare the hand-written delta recursion with the engine, layer by layer.

    Example:
        >>> run(quick=True)["checks"]["dl/dW^l = W.grad"]
        True
    """
    tinygrad_edu.manual_seed(seed)                  # nn.Linear's initial weights
    rng = np.random.default_rng(seed)
    sizes = [3, 5, 4, 2] if quick else [4, 8, 8, 6, 3]
    layers = [nn.Linear(a, b, dtype=np.float64) for a, b in zip(sizes[:-1], sizes[1:])]
    x, y = rng.normal(size=(6, sizes[0])), rng.normal(size=(6, sizes[-1]))
    hidden = [Tensor(x, requires_grad=True)]
    for k, layer in enumerate(layers):
        z = layer(hidden[-1])
        h = z if k == len(layers) - 1 else z.leaky_relu(SLOPE)
        h.retain_grad()
        hidden.append(h)
    loss = ((hidden[-1] - Tensor(y)) ** 2).sum() * 0.5
    loss.backward()
    deltas, grads_W, grads_b = manual_backprop([m.weight.data for m in layers],
                                               [m.bias.data for m in layers], x, y)
    delta_err, weight_err, norms, engine_norms = [], [], [], []
    print("  layer  ||delta^l||   max|delta^l - h^l.grad|   max|dl/dW^l - W.grad|")
    for k in range(len(layers), 0, -1):
        delta_err.append(float(np.max(np.abs(deltas[k] - hidden[k].grad.data))))
        weight_err.append(max(float(np.max(np.abs(grads_W[k - 1] - layers[k - 1].weight.grad.data))),
                              float(np.max(np.abs(grads_b[k - 1] - layers[k - 1].bias.grad.data)))))
        norms.append(float(np.linalg.norm(deltas[k])))
        engine_norms.append(float(np.linalg.norm(hidden[k].grad.data)))
        print(f"  {k:5d}  {np.linalg.norm(deltas[k]):11.4f}   {delta_err[-1]:23.2e}   "
              f"{weight_err[-1]:21.2e}")
    input_err = float(np.max(np.abs(deltas[0] - hidden[0].grad.data)))
    checks = {"delta^l = engine's grad of h^l": max(delta_err + [input_err]) < 1e-12,
              "dl/dW^l = W.grad": max(weight_err) < 1e-12}
    print("  (the error columns are float64 rounding: the recursion and the engine give the same numbers)")
    layer_ids = list(range(len(layers), 0, -1))
    figure = plot_lines(out_dir, "delta_recursion.png",
                        {"||delta^l||, the recursion by hand": (layer_ids, norms),
                         "||dl/dh^l||, the engine's h.grad": (layer_ids, engine_norms)},
                        styles={"||dl/dh^l||, the engine's h.grad":
                                {"linestyle": "none", "marker": "x", "markersize": 10}},
                        xlabel="layer l (the output layer is the last)", ylabel="norm over the batch",
                        title="The delta recursion, layer by layer, equals backprop")
    return {"delta_errors": delta_err, "weight_errors": weight_err, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
