"""Hand-written numpy forward + backward passes of the dense benchmark networks.

These are the floor a numpy autodiff engine can reach: the same arithmetic an engine does, written
out once by hand, with no graph, no Python objects per op and in-place updates where they are safe.
Every function takes `(params, data)` with PyTorch-named parameters and returns
`(loss, grads)` with `grads` keyed like `params`; the dtype follows the parameters, so the same code
is timed in float32 and checked against finite differences in float64 (`bench.check_baselines`).
The convolutional and recurrent networks are in `bench.numpy_conv_lstm`.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

Arrays = dict[str, np.ndarray]
Head = Callable[[np.ndarray], tuple[float, np.ndarray]]


def relu_mlp_forward_backward(params: Arrays, x: np.ndarray, layers: list[str],
                              head: Head) -> tuple[float, Arrays]:
    """Linear layers `layers` with ReLU between them, then `head` (loss and dloss/doutput).

    Why one function: W1, W4, W6 and RNGD are all this network with a different loss head.
    The post-ReLU activations are kept because `a > 0` is exactly the ReLU mask for backward.
    """
    inputs = [x]
    h = x
    for k, name in enumerate(layers):
        z = h @ params[name + ".weight"].T
        z += params[name + ".bias"]
        if k < len(layers) - 1:
            np.maximum(z, 0, out=z)
            inputs.append(z)
        h = z
    loss, g = head(h)
    grads: Arrays = {}
    for k in range(len(layers) - 1, -1, -1):
        name = layers[k]
        a_in = inputs[k]
        grads[name + ".weight"] = g.T @ a_in
        grads[name + ".bias"] = g.sum(axis=0)
        if k > 0:
            g = g @ params[name + ".weight"]
            np.multiply(g, a_in > 0, out=g)
    return loss, grads


def softmax_cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of integer `labels`; gradient (softmax - onehot) / N, computed stably."""
    n = logits.shape[0]
    rows = np.arange(n)
    z = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    loss = float(np.log(s).mean() - z[rows, labels].mean())
    g = e / s
    g[rows, labels] -= 1
    g *= g.dtype.type(1.0 / n)
    return loss, g


def hinge(scores: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean hinge loss relu(1 - y * score) for labels y in {-1, +1} (micrograd's SVM loss)."""
    margins = 1 - y * scores
    active = margins > 0
    loss = float(np.where(active, margins, 0).mean())
    g = np.where(active, -y, 0).astype(scores.dtype) / scores.size
    return loss, g


def mlp_ce(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """W1 / W6 / RNGD: MLP 784-64-64-64-10 with softmax cross-entropy."""
    return relu_mlp_forward_backward(params, data["x"], ["fc1", "fc2", "fc3", "fc4"],
                                     lambda logits: softmax_cross_entropy(logits, data["y"]))


def micrograd_mlp(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """W4: micrograd's 2-16-16-1 ReLU MLP with the hinge loss."""
    return relu_mlp_forward_backward(params, data["x"], ["fc1", "fc2", "fc3"],
                                     lambda scores: hinge(scores, data["y"]))


def scalar_chain(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """W5 / W5L / MMS: y = y * 1.0001 + 0.001 repeated; reverse pass multiplies the local slopes.

    The reverse pass walks the chain backwards like an engine would: dy_n/dy_k = prod of the
    slopes after k; here every slope is the constant 1.0001, so no values need to be saved.
    """
    dtype = params["x"].dtype.type
    slope, offset = dtype(1.0001), dtype(0.001)
    n = int(data["length"])
    y = params["x"][()]
    for _ in range(n):
        y = y * slope + offset
    g = dtype(1.0)
    for _ in range(n):
        g = g * slope
    return float(y), {"x": np.asarray(g, dtype=dtype)}


def matmul_sum(params: Arrays, data: Arrays) -> tuple[float, Arrays]:
    """MM: loss = sum(x @ w); grads dx = 1 @ w.T and dw = x.T @ 1 (three GEMMs, like an engine)."""
    x, w = params["x"], params["w"]
    y = x @ w
    loss = float(y.sum())
    gy = np.ones_like(y)
    return loss, {"x": gy @ w.T, "w": x.T @ gy}
