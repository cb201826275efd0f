"""Numpy baseline: training steps built from the hand-written forward/backward functions."""
from __future__ import annotations

from typing import Callable

import numpy as np

from tinygrad_edu.bench import numpy_conv_lstm, numpy_nets
from tinygrad_edu.bench.problems import Problem
from tinygrad_edu.bench.workloads import LEARNING_RATE

ForwardBackward = Callable[[numpy_nets.Arrays, numpy_nets.Arrays],
                           tuple[float, numpy_nets.Arrays]]

FORWARD_BACKWARD: dict[str, ForwardBackward] = {
    "W1": numpy_nets.mlp_ce,
    "W6": numpy_nets.mlp_ce,
    "W2": numpy_conv_lstm.cnn,
    "W3": numpy_conv_lstm.lstm,
    "W4": numpy_nets.micrograd_mlp,
    "W5": numpy_nets.scalar_chain,
    "W5L": numpy_nets.scalar_chain,
    "MMS": numpy_nets.scalar_chain,
    "MM": numpy_nets.matmul_sum,
}
# Workloads that take an SGD step; the others (op chains) only do forward + backward.
TRAINED = {"W1", "W2", "W3", "W4", "W6"}


def build(name: str, problem: Problem, threads: int) -> Callable[[], float]:
    """Return a step function (forward, backward, SGD update) that returns the loss.

    `threads` is honoured through the BLAS environment variables the parent sets before numpy
    is imported; it is accepted here to keep one signature for all implementations.
    """
    del threads
    if name not in FORWARD_BACKWARD:
        raise NotImplementedError(f"no numpy baseline for workload {name}")
    forward_backward = FORWARD_BACKWARD[name]
    params = {k: np.array(v, copy=True) for k, v in problem.params.items()}
    data = problem.data
    lr = params[next(iter(params))].dtype.type(LEARNING_RATE)
    train = name in TRAINED

    def step() -> float:
        loss, grads = forward_backward(params, data)
        if train:
            for key, grad in grads.items():
                grad *= lr
                params[key] -= grad
        return loss

    return step
