"""Self-check of the hand-written numpy backward passes against central differences (float64).

Why: a baseline with a wrong gradient would be a fast but meaningless floor. Run it by hand after
changing `bench/numpy_nets.py` or `bench/numpy_conv_lstm.py`:

    python -m tinygrad_edu.bench.check_baselines

It checks a few random entries of every parameter gradient of every workload (with a shortened
chain for W5 and a shortened sequence for W3 so it runs in seconds), and, when PyTorch is
importable, also compares the whole float64 gradient of W1-W4 with PyTorch autograd.
"""
from __future__ import annotations

import sys

import numpy as np

from tinygrad_edu.bench import impl_numpy
from tinygrad_edu.bench.problems import Problem, lstm_problem, make_problem

EPS = 1e-6
RTOL = 1e-5
ATOL = 1e-8
ENTRIES_PER_PARAM = 6


def _small_problem(name: str) -> Problem:
    """The workload's problem in float64, shrunk where the full size would make FD slow."""
    if name == "W3":
        return lstm_problem(np.random.default_rng(1), np.float64, steps=6, batch=4, hidden=5)
    problem = make_problem(name, np.float64)
    if name == "W5":
        problem.data["length"] = np.asarray(50)
    return problem


def finite_difference_check(name: str, rng: np.random.Generator) -> list[str]:
    """Compare analytic and central-difference gradients; return a list of failure messages."""
    problem = _small_problem(name)
    forward_backward = impl_numpy.FORWARD_BACKWARD[name]
    params, data = problem.params, problem.data
    _, grads = forward_backward(params, data)
    failures = []
    for key, value in params.items():
        if grads[key].shape != value.shape:
            failures.append(f"{name} {key}: grad shape {grads[key].shape} != {value.shape}")
            continue
        flat = value.reshape(-1)  # a view: editing it perturbs params[key]
        count = min(ENTRIES_PER_PARAM, flat.size)
        for index in rng.choice(flat.size, size=count, replace=False):
            saved = flat[index]
            flat[index] = saved + EPS
            up, _ = forward_backward(params, data)
            flat[index] = saved - EPS
            down, _ = forward_backward(params, data)
            flat[index] = saved
            numeric = (up - down) / (2 * EPS)
            analytic = grads[key].reshape(-1)[index]
            if abs(numeric - analytic) > ATOL + RTOL * max(abs(numeric), abs(analytic)):
                failures.append(f"{name} {key}[{index}]: analytic {analytic:.8g}, "
                                f"central difference {numeric:.8g}")
    return failures


def torch_check(name: str) -> list[str]:
    """Compare the full float64 gradients of W1-W4 with PyTorch autograd (skipped without torch)."""
    try:
        import torch  # noqa: F401 (only to know whether it is installed)
    except ImportError:
        return []
    from tinygrad_edu.bench import impl_torch

    problem = _small_problem(name)
    loss, grads = impl_numpy.FORWARD_BACKWARD[name](problem.params, problem.data)
    torch_loss, torch_grads = impl_torch.loss_and_grads(name, problem)
    failures = []
    if not np.isclose(loss, torch_loss, rtol=1e-10, atol=1e-12):
        failures.append(f"{name} loss: numpy {loss!r}, torch {torch_loss!r}")
    for key, grad in grads.items():
        if not np.allclose(grad, torch_grads[key], rtol=1e-8, atol=1e-10):
            worst = np.max(np.abs(grad - torch_grads[key]))
            failures.append(f"{name} {key}: differs from torch by up to {worst:.3g}")
    return failures


def main() -> int:
    """Run both checks on every workload that has a numpy baseline; exit 1 on any failure."""
    rng = np.random.default_rng(0)
    failures = []
    for name in ("W1", "W2", "W3", "W4", "W5", "MM"):
        found = finite_difference_check(name, rng)
        if name in ("W1", "W2", "W3", "W4"):
            found += torch_check(name)
        status = "ok" if not found else f"{len(found)} failure(s)"
        print(f"{name}: {status}")
        failures += found
    for message in failures:
        print("  " + message)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
