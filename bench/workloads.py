"""The benchmark workloads: what each one measures, who runs it, and the targets.

One table (`WORKLOADS`) is the single place that says which implementations run a workload,
how many steps are timed and what ratio tinygrad_edu has to reach against each baseline. The
harness, the child runner and the README all read it, so a new workload is one entry here plus
one builder per implementation.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Implementation names, as passed to `python -m tinygrad_edu.bench.run_one WORKLOAD IMPL`.
TINYGRAD = "tinygrad"          # tinygrad_edu through its public API
TINYGRAD_SGD = "tinygrad_sgd"  # tinygrad_edu with optim.SGD: the baseline of the RNGD workload
NUMPY = "numpy"                # hand-written numpy forward + backward (the floor of a numpy engine)
TORCH = "torch"                # PyTorch CPU eager
TORCH_CELL = "torch_cell"      # PyTorch nn.LSTMCell in a Python loop (W3 only)
NUMPY_GEMM = "numpy_gemm"      # numpy matmuls of the RNGD step's GEMM shapes: its flop floor

IMPL_LABELS = {
    TINYGRAD: "tinygrad_edu",
    TINYGRAD_SGD: "tinygrad_edu SGD",
    NUMPY: "numpy (hand)",
    TORCH: "torch",
    TORCH_CELL: "torch LSTMCell",
    NUMPY_GEMM: "numpy GEMMs (floor)",
}


@dataclass(frozen=True)
class Workload:
    """One benchmark: a network (or op chain), its step counts and its targets.

    `targets` maps a baseline implementation to the largest acceptable ratio
    `time(subject) / time(baseline)`; the subject is always tinygrad_edu (`TINYGRAD`).
    `kind` is "time" for ms/step, "memory" for the W6 growth measurement.
    """

    name: str
    title: str
    impls: tuple[str, ...]
    steps: int
    warmup: int
    quick_steps: int = 3
    quick_warmup: int = 1
    kind: str = "time"
    targets: dict[str, float] = field(default_factory=dict)
    note: str = ""
    max_rounds: int = 99    # cap on --rounds (the 400 000-op chain takes a minute per round)


WORKLOADS: dict[str, Workload] = {w.name: w for w in [
    Workload("W1", "MLP 784-64-64-64-10 ReLU, softmax CE, batch 64, SGD step",
             (TINYGRAD, NUMPY, TORCH), steps=60, warmup=5,
             targets={TORCH: 0.7, NUMPY: 1.3}),
    Workload("W2", "CNN 1x28x28 b32: conv3x3 1->8, pool2, conv3x3 8->16, pool2, linear 400->10",
             (TINYGRAD, NUMPY, TORCH), steps=30, warmup=3,
             targets={TORCH: 1.5, NUMPY: 1.5}),
    Workload("W3", "LSTM in 8, hidden 64, 50 steps, batch 32, MSE on linear readout",
             (TINYGRAD, NUMPY, TORCH, TORCH_CELL), steps=20, warmup=3,
             targets={TORCH: 3.0, TORCH_CELL: 0.8, NUMPY: 1.5}),
    Workload("W4", "micrograd demo MLP 2-16-16-1 ReLU, 100 points, hinge loss, SGD step",
             (TINYGRAD, NUMPY, TORCH), steps=100, warmup=10,
             targets={TORCH: 0.5}),
    Workload("W5", "scalar chain y = y*1.0001 + 0.001, 40 000 times, forward + backward",
             (TINYGRAD, NUMPY, TORCH), steps=20, warmup=2, quick_steps=2,
             targets={TORCH: 0.7}),
    Workload("W5L", "scalar chain as W5, 400 000 times (records the error if it fails)",
             (TINYGRAD, NUMPY, TORCH), steps=2, warmup=1, quick_steps=1, quick_warmup=0,
             max_rounds=1,
             note="2 steps only: each takes seconds to tens of seconds"),
    Workload("W6", "memory growth of W1 training, step 10 -> step 300 (tracemalloc)",
             (TINYGRAD, NUMPY), steps=300, warmup=10, quick_steps=60, quick_warmup=10,
             kind="memory", targets={"growth_mb": 5.0}),
    Workload("MM", "matmul 64x784 @ 784x64, sum, backward into both inputs",
             (TINYGRAD, NUMPY, TORCH), steps=200, warmup=10,
             targets={NUMPY: 1.2}),
    Workload("MMS", "scalar chain of 10 000 ops (5 000 x (mul, add)), forward + backward",
             (TINYGRAD, NUMPY, TORCH), steps=20, warmup=2),
    Workload("RNGD", "one optim.RNGD step vs one optim.SGD step, MLP 784-64-64-64-10 b64",
             (TINYGRAD, TINYGRAD_SGD, NUMPY_GEMM), steps=200, warmup=5, quick_steps=5,
             targets={NUMPY_GEMM: 1.5},
             note="RNGD T=100: the median is a step without an inverse refresh; the floor is "
                  "the step's flops at the GEMM speed numpy_gemm measures (bench/rngd_floor.py)"),
]}

# Lengths of the scalar chains, in repetitions of (mul, add).
CHAIN_LENGTHS = {"W5": 40_000, "W5L": 400_000, "MMS": 5_000}
LEARNING_RATE = 0.01
# RNGD's steps are natural from the first one, so the same batch seen over and over needs a
# smaller rate: 0.001 trains this problem to a loss of 0.02 in 600 steps, 0.003 diverges
RNGD_LEARNING_RATE = 0.001


def select(only: str | None) -> list[Workload]:
    """Return the workloads named in a comma list like "W1,W3" (all when None).

    Unknown names raise ValueError listing the valid ones, so a typo never silently runs nothing.
    """
    if not only:
        return list(WORKLOADS.values())
    names = [n.strip().upper() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in WORKLOADS]
    if unknown:
        raise ValueError(f"unknown workload(s) {', '.join(unknown)}; "
                         f"choose from {', '.join(WORKLOADS)}")
    return [WORKLOADS[n] for n in names]
