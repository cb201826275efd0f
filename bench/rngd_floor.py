"""The flop floor of an RNGD step: its flops, and numpy's GEMM speed on the same shapes.

An RNGD step on the W1 MLP (784-64-64-64-10, batch N = 64, the paper's settings: a shared
block for the input and softmax layers, per-neuron blocks for the two hidden ReLU layers) does
a fixed amount of dense arithmetic. Counting 2 flops per multiply-add and only the half of each
symmetric matrix that has to be computed (D = fan-in + 1, P = D (D + 1) / 2):

    forward + backward matmuls (the SGD step)       2 N (sum of in x out) x 2, + input grads
    input layer statistics x~^T x~ (eq. 22)         N D (D + 1)            syrk: half a GEMM
    input layer preconditioning grad @ G^-1        2 out D^2
    hidden layers' per-neuron statistics (eq. 31)   2 out N P  per layer
    hidden preconditioning, softmax layer, moving averages: the rest (about 2 M)
    inverses, every T = 100 steps                   D^3 per block (Cholesky-style), / T

`floor_ms = flops / throughput`, where the throughput is what numpy's matmul reaches on the
step's own GEMM shapes, measured in the same benchmark run by the `numpy_gemm` implementation
(`build`): a "step" of plain GEMMs (distinct operands, preallocated outputs) with those shapes.
No engine reaches the floor: it assumes every flop runs at GEMM speed and nothing else costs.

Example:
    >>> round(step_flops()["total"] / 1e6)  # MFLOP of one step without an inverse refresh
    172
"""
from __future__ import annotations

from typing import Callable

import numpy as np

SIZES = (784, 64, 64, 64, 10)
BATCH = 64
PERIOD = 100


def step_flops(sizes=SIZES, batch: int = BATCH, period: int = PERIOD,
               with_refresh: bool = False) -> dict[str, float]:
    """Flops of one paper-exact RNGD step by part (see the module docstring), and their total.

    `with_refresh=True` adds the inverses' flops spread over the T steps they serve (the mean
    step); without, it is the median step's work (most steps refresh nothing).
    """
    n = batch
    pairs = list(zip(sizes[:-1], sizes[1:]))
    d_in = sizes[0] + 1
    hidden = pairs[1:-1]  # layers followed by a ReLU after the input layer: per-neuron blocks
    d_out = sizes[-2] + 1
    parts = {
        "forward + backward": 2 * n * sum(i * o for i, o in pairs) * 2
        + 2 * n * sum(i * o for i, o in pairs[1:]),
        "input statistics (syrk)": n * d_in * (d_in + 1),
        "input preconditioning": 2 * pairs[0][1] * d_in ** 2,
        "hidden statistics": sum(2 * o * n * (i + 1) * (i + 2) / 2 for i, o in hidden),
        "hidden preconditioning": sum(2 * o * (i + 1) ** 2 for i, o in hidden),
        "softmax layer": n * d_out * (d_out + 1) + 2 * sizes[-1] * d_out ** 2,
        "moving averages": d_in * (d_in + 1) + d_out * (d_out + 1)
        + sum(o * (i + 1) * (i + 2) for i, o in hidden),
    }
    if with_refresh:
        parts["inverses / T"] = (d_in ** 3 + d_out ** 3
                                 + sum(o * (i + 1) ** 3 for i, o in hidden)) / period
    parts["total"] = sum(parts.values())
    return parts


def gemm_shapes(sizes=SIZES, batch: int = BATCH) -> list[tuple[int, int, int]]:
    """(m, k, n) of the step's GEMMs, each run as an (m, k) @ (k, n) product.

    The symmetric products appear as plain GEMMs of the same shapes (x~^T y~ with y~ != x~),
    so the measured rate is numpy's GEMM rate there, not the syrk's (which is lower here).
    """
    n = batch
    pairs = list(zip(sizes[:-1], sizes[1:]))
    shapes = [(n, i, o) for i, o in pairs]  # forward x @ W^T
    shapes += [(o, n, i) for i, o in pairs]  # weight gradients g^T @ x
    shapes += [(n, o, i) for i, o in pairs[1:]]  # input gradients g @ W
    d_in = sizes[0] + 1
    shapes += [(d_in, n, d_in), (pairs[0][1], d_in, d_in)]  # x~^T x~, grad @ G^-1
    for i, o in pairs[1:-1]:
        shapes.append((o, n, (i + 1) * (i + 2) // 2))  # weights @ packed pairs
    d_out = sizes[-2] + 1
    shapes.append((d_out, n, d_out))
    return shapes


def gemm_flops(shapes) -> float:
    """2 m k n summed over the shapes."""
    return float(sum(2 * m * k * n for m, k, n in shapes))


def build(dtype=np.float32, sizes=SIZES, batch: int = BATCH) -> Callable[[], None]:
    """A step of the GEMMs in `gemm_shapes`, on preallocated random operands.

    Its median time is the time numpy's matmul needs for `gemm_flops(gemm_shapes())` flops
    on these shapes; the report turns that into a throughput and the floor.
    """
    rng = np.random.default_rng(0)
    triples = []
    for m, k, n in gemm_shapes(sizes, batch):
        a = rng.standard_normal((m, k)).astype(dtype)
        b = rng.standard_normal((k, n)).astype(dtype)
        triples.append((a, b, np.empty((m, n), dtype)))

    def step() -> None:
        for a, b, out in triples:
            np.matmul(a, b, out=out)

    return step


def floor_ms(gemm_step_ms: float, with_refresh: bool = False) -> float:
    """The RNGD step's floor: its flops at the throughput the GEMM step measured."""
    throughput = gemm_flops(gemm_shapes()) / gemm_step_ms  # flops per ms
    return step_flops(with_refresh=with_refresh)["total"] / throughput
