"""`python -m tinygrad_edu.bench` / `tinygrad-edu bench`: run the suite, print the table, save the JSON."""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from tinygrad_edu.bench import harness, report
from tinygrad_edu.bench.workloads import WORKLOADS, select


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Options of the suite (see bench/README.md for what each workload measures)."""
    parser = argparse.ArgumentParser(
        prog="python -m tinygrad_edu.bench",
        description="Benchmark tinygrad_edu against hand-written numpy and PyTorch CPU. "
                    "Each measurement runs in a fresh process; the results JSON goes to --out "
                    "(default runs/bench in the current folder).",
        epilog="workloads: " + "; ".join(f"{w.name}: {w.title}" for w in WORKLOADS.values()))
    parser.add_argument("--quick", action="store_true",
                        help="a few steps per workload: a smoke test of the harness, not numbers")
    parser.add_argument("--only", metavar="W1,W3",
                        help="comma-separated workload names (default: all)")
    parser.add_argument("--threads", type=int, default=1,
                        help="BLAS/OpenMP/torch threads for every implementation (default 1)")
    parser.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                        help="extra environment variable for every child alike, e.g. "
                             "MALLOC_TRIM_THRESHOLD_=1000000000 (repeatable; recorded)")
    parser.add_argument("--timeout", type=float, default=300.0,
                        help="seconds allowed per measurement before it counts as unavailable")
    parser.add_argument("--rounds", type=int, default=3,
                        help="interleaved rounds per workload, each a fresh process per "
                             "implementation, step times pooled (default 3; W5L and W6 run once)")
    parser.add_argument("--no-save", action="store_true", help="do not write the JSON file")
    parser.add_argument("--out", metavar="DIR", default=str(harness.DEFAULT_OUT),
                        help=f"folder for the results JSON (default {harness.DEFAULT_OUT})")
    return parser.parse_args(argv)


def _check_out(path: str) -> Path:
    """`--out` as a writable folder (created if needed), checked before any measurement."""
    folder = Path(path).expanduser().resolve()
    if folder.exists() and not folder.is_dir():
        raise SystemExit(f"--out {folder}: this is a file, not a folder; choose a folder name")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise SystemExit(f"--out {folder}: cannot create the folder ({error.strerror}); choose a "
                         f"writable place") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise SystemExit(f"--out {folder}: the folder is not writable; choose another with --out")
    return folder


def _parse_env(pairs: list[str]) -> dict[str, str]:
    """NAME=VALUE strings to a dict; a malformed one is a usage error naming it."""
    env = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SystemExit(f"--env expects NAME=VALUE, got {pair!r}")
        env[name] = value
    return env


class Progress:
    """Progress on stderr, called before each measurement: tqdm's bar when installed, else lines."""

    def __init__(self, total: int):
        self.total = total
        self.started = 0
        try:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="run", file=sys.stderr)
        except ImportError:
            self.bar = None

    def __call__(self, what: str) -> None:
        if self.bar is None:
            print(f"[{self.started + 1}/{self.total}] {what}", file=sys.stderr, flush=True)
        else:
            if self.started:
                self.bar.update(1)
            self.bar.set_description(what)
        self.started += 1

    def close(self) -> None:
        """Finish the bar (the last measurement is done)."""
        if self.bar is not None:
            self.bar.update(1)
            self.bar.close()


def main(argv: list[str] | None = None) -> int:
    """Run the selected workloads, print the table, save JSON; returns the exit code (0 = ran).

    Missing targets do not fail the run: the suite measures, the table says what is missed.
    """
    args = parse_args(argv)
    if args.threads < 1:
        raise SystemExit("--threads must be at least 1")
    try:
        workloads = select(args.only)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    extra = _parse_env(args.env)
    out = None if args.no_save else _check_out(args.out)
    if args.rounds < 1:
        raise SystemExit("--rounds must be at least 1")
    total = sum(len(w.impls) * harness.rounds_for(w, args.rounds) for w in workloads)
    start = time.perf_counter()
    load_before = harness.load_average()
    progress = Progress(total)
    results = harness.run_suite(workloads, args.quick, args.threads, extra, args.timeout, progress,
                                rounds=1 if args.quick else args.rounds)
    progress.close()
    environment = harness.environment_info(args.threads, extra)
    environment["quick"] = args.quick
    environment["rounds"] = 1 if args.quick else args.rounds
    environment["load_average_before"] = load_before
    environment["load_average_after"] = harness.load_average()
    environment["suite_seconds"] = round(time.perf_counter() - start, 1)
    print(report.format_table(results, environment))
    print(f"\nsuite took {environment['suite_seconds']:.0f} s")
    if not args.no_save:
        document = {"environment": environment, "ratios": report.ratios(results),
                    "loss_warnings": report.loss_warnings(results), "results": results}
        print(f"results saved to {harness.save(document, out)}")
    return 0
