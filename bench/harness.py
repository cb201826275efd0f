"""Run every (workload, implementation) pair in a fresh child process and collect the results.

The parent never imports numpy's BLAS-heavy paths, PyTorch or tinygrad_edu itself: all measuring
happens in `python -m tinygrad_edu.bench.run_one` children, each with the same thread settings, so the parent
stays a neutral referee and one implementation cannot slow the next one down.
"""
from __future__ import annotations

import importlib.util
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

import tinygrad_edu
from tinygrad_edu.bench.run_one import JSON_MARKER, THREAD_VARS
from tinygrad_edu.bench.workloads import TORCH, TORCH_CELL, Workload

REPO_ROOT = Path(__file__).resolve().parent.parent
# The folder that holds the tinygrad_edu being measured: the children import it from there. (Not
# REPO_ROOT: after a regular install that is site-packages/tinygrad_edu, and putting it on the
# path would let tinygrad_edu/random.py shadow the standard library's random.)
PACKAGE_PARENT = Path(tinygrad_edu.__file__).resolve().parent.parent
DEFAULT_OUT = Path("runs") / "bench"       # relative to the current folder, never the package
# Environment variables that change BLAS or allocator behaviour: recorded, never changed.
RECORDED_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "MALLOC_MMAP_THRESHOLD_",
                 "MALLOC_TRIM_THRESHOLD_", "MALLOC_ARENA_MAX", "PYTHONMALLOC")


def child_env(threads: int, extra: dict[str, str]) -> dict[str, str]:
    """The environment of every child: ours, threads pinned, `extra` applied to all alike."""
    env = dict(os.environ)
    for var in THREAD_VARS:
        env[var] = str(threads)
    env.update(extra)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PACKAGE_PARENT), env.get("PYTHONPATH")) if p)
    return env


def run_child(workload: Workload, impl: str, steps: int, warmup: int, threads: int,
              env: dict[str, str], timeout: float) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter; crashes and timeouts become "unavailable"."""
    base = {"workload": workload.name, "impl": impl, "steps": steps, "warmup": warmup,
            "threads": threads}
    if impl in (TORCH, TORCH_CELL) and importlib.util.find_spec("torch") is None:
        return {**base, "status": "skipped", "error": "PyTorch is not installed"}
    command = [sys.executable, "-m", "tinygrad_edu.bench.run_one", workload.name, impl, "--steps", str(steps),
               "--warmup", str(warmup), "--threads", str(threads)]
    if workload.kind == "memory":
        command.append("--memory")
    start = time.perf_counter()
    try:
        proc = subprocess.run(command, env=env, cwd=PACKAGE_PARENT, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return {**base, "status": "unavailable", "error": f"timed out after {timeout:.0f} s"}
    wall = time.perf_counter() - start
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(JSON_MARKER):
            result = json.loads(line[len(JSON_MARKER):])
            result["wall_s"] = wall
            return result
    tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
    return {**base, "status": "unavailable", "wall_s": wall,
            "error": f"child exited with code {proc.returncode}: {tail}"[:500]}


def _cpu_model() -> str:
    """CPU model name from /proc/cpuinfo (platform.processor() is often empty on Linux)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _package_version(name: str) -> str | None:
    """Installed version of a distribution, without importing it (None when absent)."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _git_commit() -> str | None:
    """The commit of the working tree being measured (None outside git)."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _blas_info() -> str:
    """numpy's BLAS library and version, as numpy reports it."""
    import numpy as np

    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        return f"{blas.get('name')} {blas.get('version')}"
    except Exception as exc:  # show_config's layout differs between numpy versions
        return f"unknown ({type(exc).__name__})"


def load_average() -> list[float] | None:
    """1, 5 and 15-minute load averages (None where the OS has none): a busy machine skews times."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def environment_info(threads: int, extra: dict[str, str]) -> dict[str, Any]:
    """Everything needed to compare two result files: versions, CPU, threads, BLAS knobs."""
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_model": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "threads": threads,
        "numpy": _package_version("numpy"),
        "numpy_blas": _blas_info(),
        "torch": _package_version("torch"),
        "git_commit": _git_commit(),
        "env": {var: os.environ.get(var) for var in RECORDED_VARS},
        "extra_env": extra,
    }


def rounds_for(workload: Workload, rounds: int) -> int:
    """How many interleaved rounds a workload gets (memory runs and capped workloads: fewer)."""
    return 1 if workload.kind == "memory" else max(1, min(rounds, workload.max_rounds))


def run_suite(workloads: list[Workload], quick: bool, threads: int, extra: dict[str, str],
              timeout: float, progress: Callable[[str], None],
              rounds: int = 1) -> list[dict[str, Any]]:
    """Measure every implementation of every workload; `progress` is told what runs next.

    With several rounds the implementations of a workload take turns (A B C A B C ...), each
    turn a fresh process, and their step times are pooled: a slow minute on a shared machine
    then hits every implementation alike instead of whichever happened to run during it.
    """
    env = child_env(threads, extra)
    results = []
    for workload in workloads:
        steps = workload.quick_steps if quick else workload.steps
        warmup = workload.quick_warmup if quick else workload.warmup
        per_impl: dict[str, list[dict[str, Any]]] = {impl: [] for impl in workload.impls}
        for _ in range(rounds_for(workload, rounds)):
            for impl in workload.impls:
                progress(f"{workload.name} {impl}")
                per_impl[impl].append(run_child(workload, impl, steps, warmup, threads, env,
                                                timeout))
        results.extend(pool_rounds(runs) for runs in per_impl.values())
    return results


def pool_rounds(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from the rounds of one implementation: the median of the rounds' medians.

    The median over rounds, not over pooled steps: a whole process that landed on a slow
    spell (seen here: the same step 1.6x slower for one process) is then outvoted instead of
    shifting the result. Min and max are over all steps; all step times stay in the JSON.
    A round that failed makes the whole row unavailable (its error is kept), so a flaky
    implementation is never reported from its lucky rounds only.
    """
    failed = [r for r in runs if "times_ms" not in r]
    if failed or len(runs) == 1:
        return failed[0] if failed else runs[0]
    pooled = dict(runs[0])
    times = [t for r in runs for t in r["times_ms"]]
    pooled.update(times_ms=times, median_ms=statistics.median(r["median_ms"] for r in runs),
                  round_medians_ms=[r["median_ms"] for r in runs],
                  min_ms=min(times), max_ms=max(times), rounds=len(runs),
                  cpu_median_ms=statistics.median(r["cpu_median_ms"] for r in runs
                                                  if "cpu_median_ms" in r)
                  if all("cpu_median_ms" in r for r in runs) else runs[0].get("cpu_median_ms"))
    return pooled


def save(document: dict[str, Any], directory: Path = DEFAULT_OUT) -> Path:
    """Write the results JSON into `directory` (`--out`) with a timestamped name, atomically.

    Why not next to this module: an installed package's folder may be read-only or shared,
    and results written there are lost on the next install.
    """
    from tinygrad_edu.safe_files import atomic_write
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    path = directory / f"bench-{stamp}.json"
    atomic_write(path, json.dumps(document, indent=1), owner="bench")
    return path
