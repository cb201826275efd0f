"""Child process: measure one (workload, implementation) pair and print one JSON line.

    python -m tinygrad_edu.bench.run_one W1 numpy --steps 50 --warmup 5 --threads 1

Why a fresh process per measurement: allocator state, imported libraries (PyTorch's thread pool,
BLAS buffers) and garbage left by an earlier workload would otherwise leak into the next one.
The thread environment variables are set before numpy is imported, so running this by hand gives
the same setting the harness gives. Any failure, from an import to step 3 of a 400 000-op chain,
is reported as status "unavailable" with the error, never as a crash of the suite.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
import traceback
from typing import Any, Callable

THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
JSON_MARKER = "BENCH_JSON "


def set_thread_env(threads: int) -> None:
    """Pin the BLAS/OpenMP thread pools; must run before numpy or torch is imported."""
    for var in THREAD_VARS:
        os.environ[var] = str(threads)


def _build(workload: str, impl: str, threads: int) -> Callable[[], float]:
    """Import the implementation module lazily (torch only in torch children) and build a step."""
    from tinygrad_edu.bench.problems import make_problem
    from tinygrad_edu.bench.workloads import (NUMPY, NUMPY_GEMM, TINYGRAD, TINYGRAD_SGD, TORCH,
                                              TORCH_CELL)

    problem = make_problem(workload)
    if impl == NUMPY_GEMM:
        from tinygrad_edu.bench import rngd_floor
        return rngd_floor.build()
    if impl == NUMPY:
        from tinygrad_edu.bench import impl_numpy
        return impl_numpy.build(workload, problem, threads)
    if impl in (TORCH, TORCH_CELL):
        from tinygrad_edu.bench import impl_torch
        return impl_torch.build(workload, problem, threads, impl)
    if impl in (TINYGRAD, TINYGRAD_SGD):
        from tinygrad_edu.bench import impl_tinygrad
        return impl_tinygrad.build(workload, problem, threads, impl)
    raise ValueError(f"unknown implementation {impl!r}")


def _rss_bytes() -> int:
    """Resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def time_steps(step: Callable[[], float], steps: int, warmup: int) -> dict[str, Any]:
    """Run warm-up then timed steps; ms/step median, min, max and the first and last loss.

    The process CPU time per step is recorded too: on a busy machine the wall time includes
    waiting for a core, the CPU time mostly does not.
    """
    first_loss = step() if warmup > 0 else None
    for _ in range(max(warmup - 1, 0)):
        step()
    gc.collect()
    times, cpu_times, loss = [], [], first_loss
    for _ in range(steps):
        start, cpu_start = time.perf_counter(), time.process_time()
        loss = step()
        times.append((time.perf_counter() - start) * 1e3)
        cpu_times.append((time.process_time() - cpu_start) * 1e3)
        if first_loss is None:
            first_loss = loss
    return {"times_ms": times, "median_ms": statistics.median(times), "min_ms": min(times),
            "max_ms": max(times), "cpu_median_ms": statistics.median(cpu_times),
            "first_loss": first_loss, "last_loss": loss}


def memory_steps(step: Callable[[], float], steps: int, warmup: int) -> dict[str, Any]:
    """W6: traced memory after `warmup` steps versus after `steps` steps (tracemalloc and RSS).

    growth = the larger of (retained memory at the end - retained at step `warmup`) and
    (peak over the later steps - peak over the first steps): flat for an engine that frees graphs.
    """
    import tracemalloc

    tracemalloc.start()
    first_loss, times = None, []
    early_current = early_peak = early_rss = 0
    for index in range(1, steps + 1):
        start = time.perf_counter()
        loss = step()
        times.append((time.perf_counter() - start) * 1e3)
        first_loss = loss if first_loss is None else first_loss
        if index == warmup:
            gc.collect()
            early_current, early_peak = tracemalloc.get_traced_memory()
            early_rss = _rss_bytes()
            tracemalloc.reset_peak()
    gc.collect()
    late_current, late_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    mb = 1024.0 * 1024.0
    growth = max(late_current - early_current, late_peak - early_peak) / mb
    late_times = times[warmup:]
    return {"growth_mb": growth, "retained_growth_mb": (late_current - early_current) / mb,
            "peak_growth_mb": (late_peak - early_peak) / mb,
            "early_peak_mb": early_peak / mb, "late_peak_mb": late_peak / mb,
            "rss_delta_mb": (_rss_bytes() - early_rss) / mb, "measured_from_step": warmup,
            "times_ms": late_times, "median_ms": statistics.median(late_times),
            "min_ms": min(late_times), "max_ms": max(late_times),
            "first_loss": first_loss, "last_loss": loss}


def measure(workload: str, impl: str, steps: int, warmup: int, threads: int,
            memory: bool) -> dict[str, Any]:
    """Build and measure; every exception becomes status "unavailable" with the error text."""
    result: dict[str, Any] = {"workload": workload, "impl": impl, "steps": steps,
                              "warmup": warmup, "threads": threads}
    phase = "build"
    try:
        start = time.perf_counter()
        step = _build(workload, impl, threads)
        result["setup_s"] = time.perf_counter() - start
        if "torch" in sys.modules:
            result["torch_threads"] = sys.modules["torch"].get_num_threads()
        phase = "run"
        measured = memory_steps(step, steps, warmup) if memory else time_steps(step, steps, warmup)
        result.update(measured, status="ok")
    except BaseException as exc:  # noqa: B036 - RecursionError, MemoryError, KeyboardInterrupt
        if isinstance(exc, KeyboardInterrupt):
            raise
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        result.update(status="unavailable", error=f"{phase}: {type(exc).__name__}: {exc}"[:500],
                      traceback="".join(lines[-6:])[-3000:])
    return result


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Command line of the child (the harness builds it; useful by hand for profiling)."""
    parser = argparse.ArgumentParser(prog="python -m tinygrad_edu.bench.run_one",
                                     description="Measure one workload with one implementation "
                                                 "and print a JSON line.")
    parser.add_argument("workload")
    parser.add_argument("impl")
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--memory", action="store_true",
                        help="measure memory growth (W6) instead of time")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point: set threads, measure, print `BENCH_JSON {...}` on stdout."""
    args = parse_args(argv)
    set_thread_env(args.threads)
    result = measure(args.workload, args.impl, args.steps, args.warmup, args.threads,
                     args.memory)
    sys.stdout.write(JSON_MARKER + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
