"""Seeded weights and data shared by every implementation of a workload.

All implementations start from the same numpy arrays, so their first-step losses must agree; the
harness compares them as a cheap correctness side-check. Weights use PyTorch's default scheme,
uniform(-1/sqrt(fan_in), 1/sqrt(fan_in)), and PyTorch's parameter names and shapes, so they load
unchanged into `nn.Linear`, `nn.Conv2d` and `nn.LSTM` of both tinygrad_edu and PyTorch.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tinygrad_edu.bench.workloads import CHAIN_LENGTHS

SEED = 20240611


@dataclass
class Problem:
    """Parameters (name -> array, PyTorch layout) and data (name -> array) of one workload."""

    params: dict[str, np.ndarray]
    data: dict[str, np.ndarray]


def _uniform(rng: np.random.Generator, shape: tuple[int, ...], fan_in: int,
             dtype: type) -> np.ndarray:
    """PyTorch's default init for Linear/Conv/LSTM: U(-1/sqrt(fan_in), 1/sqrt(fan_in))."""
    bound = 1.0 / np.sqrt(fan_in)
    return rng.uniform(-bound, bound, size=shape).astype(dtype)


def _linear(rng: np.random.Generator, prefix: str, n_in: int, n_out: int,
            dtype: type) -> dict[str, np.ndarray]:
    """Weight (out, in) and bias (out,) of a Linear layer named `prefix`."""
    return {f"{prefix}.weight": _uniform(rng, (n_out, n_in), n_in, dtype),
            f"{prefix}.bias": _uniform(rng, (n_out,), n_in, dtype)}


def _conv(rng: np.random.Generator, prefix: str, c_in: int, c_out: int, k: int,
          dtype: type) -> dict[str, np.ndarray]:
    """Weight (out, in, k, k) and bias (out,) of a Conv2d layer named `prefix`."""
    fan_in = c_in * k * k
    return {f"{prefix}.weight": _uniform(rng, (c_out, c_in, k, k), fan_in, dtype),
            f"{prefix}.bias": _uniform(rng, (c_out,), fan_in, dtype)}


def mlp_problem(rng: np.random.Generator, dtype: type) -> Problem:
    """W1 / W6 / RNGD: MLP 784-64-64-64-10, batch 64, integer class labels."""
    sizes = [784, 64, 64, 64, 10]
    params: dict[str, np.ndarray] = {}
    for k in range(4):
        params.update(_linear(rng, f"fc{k + 1}", sizes[k], sizes[k + 1], dtype))
    data = {"x": rng.standard_normal((64, 784)).astype(dtype),
            "y": rng.integers(0, 10, size=64).astype(np.int64)}
    return Problem(params, data)


def cnn_problem(rng: np.random.Generator, dtype: type) -> Problem:
    """W2: two 3x3 convs (1->8, 8->16) and a 400->10 linear layer, batch 32 of 1x28x28."""
    params = {**_conv(rng, "conv1", 1, 8, 3, dtype), **_conv(rng, "conv2", 8, 16, 3, dtype),
              **_linear(rng, "fc", 16 * 5 * 5, 10, dtype)}
    data = {"x": rng.standard_normal((32, 1, 28, 28)).astype(dtype),
            "y": rng.integers(0, 10, size=32).astype(np.int64)}
    return Problem(params, data)


def lstm_problem(rng: np.random.Generator, dtype: type, steps: int = 50, batch: int = 32,
                 n_in: int = 8, hidden: int = 64) -> Problem:
    """W3: one LSTM layer (gates i, f, g, o as PyTorch) and a hidden->1 readout; x is (T, N, I)."""
    params = {
        "lstm.weight_ih_l0": _uniform(rng, (4 * hidden, n_in), hidden, dtype),
        "lstm.weight_hh_l0": _uniform(rng, (4 * hidden, hidden), hidden, dtype),
        "lstm.bias_ih_l0": _uniform(rng, (4 * hidden,), hidden, dtype),
        "lstm.bias_hh_l0": _uniform(rng, (4 * hidden,), hidden, dtype),
        **_linear(rng, "fc", hidden, 1, dtype),
    }
    data = {"x": rng.standard_normal((steps, batch, n_in)).astype(dtype),
            "target": rng.standard_normal((batch, 1)).astype(dtype)}
    return Problem(params, data)


def moons(rng: np.random.Generator, n: int, noise: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (micrograd's demo data), labels in {-1, +1}."""
    half = n // 2
    t_out = np.linspace(0.0, np.pi, half)
    t_in = np.linspace(0.0, np.pi, n - half)
    points = np.concatenate([np.stack([np.cos(t_out), np.sin(t_out)], axis=1),
                             np.stack([1.0 - np.cos(t_in), 0.5 - np.sin(t_in)], axis=1)])
    points += noise * rng.standard_normal(points.shape)
    labels = np.concatenate([-np.ones(half), np.ones(n - half)])
    return points, labels


def micrograd_problem(rng: np.random.Generator, dtype: type) -> Problem:
    """W4: micrograd's demo MLP 2-16-16-1 on 100 "moons" points, labels (100, 1) in {-1, +1}."""
    params = {**_linear(rng, "fc1", 2, 16, dtype), **_linear(rng, "fc2", 16, 16, dtype),
              **_linear(rng, "fc3", 16, 1, dtype)}
    points, labels = moons(rng, 100)
    data = {"x": points.astype(dtype), "y": labels.reshape(-1, 1).astype(dtype)}
    return Problem(params, data)


def chain_problem(name: str, dtype: type) -> Problem:
    """W5 / W5L / MMS: a scalar leaf x = 0.5 and the chain length (no parameters to train)."""
    return Problem({"x": np.asarray(0.5, dtype=dtype)},
                   {"length": np.asarray(CHAIN_LENGTHS[name])})


def matmul_problem(rng: np.random.Generator, dtype: type) -> Problem:
    """MM: x (64, 784) and w (784, 64), both requiring grad."""
    return Problem({"x": rng.standard_normal((64, 784)).astype(dtype),
                    "w": _uniform(rng, (784, 64), 784, dtype)}, {})


def make_problem(name: str, dtype: type = np.float32) -> Problem:
    """The seeded problem of workload `name`: the same call gives the same arrays everywhere."""
    rng = np.random.default_rng(SEED)
    if name in ("W1", "W6", "RNGD"):
        return mlp_problem(rng, dtype)
    if name == "W2":
        return cnn_problem(rng, dtype)
    if name == "W3":
        return lstm_problem(rng, dtype)
    if name == "W4":
        return micrograd_problem(rng, dtype)
    if name in ("W5", "W5L", "MMS"):
        return chain_problem(name, dtype)
    if name == "MM":
        return matmul_problem(rng, dtype)
    raise ValueError(f"no problem defined for workload {name!r}")


def layer_params(params: dict[str, np.ndarray], prefix: str) -> dict[str, np.ndarray]:
    """The entries of `params` under `prefix.`, with the prefix removed (a layer's state dict)."""
    cut = len(prefix) + 1
    return {k[cut:]: v for k, v in params.items() if k.startswith(prefix + ".")}
