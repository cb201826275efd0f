"""Benchmarks of tinygrad_edu against hand-written numpy and PyTorch, run on demand.

`python -m tinygrad_edu.bench --help`, or `tinygrad_edu.bench.main(argv)` from another command line
(`tinygrad-edu bench`).
Nothing heavy is imported here, so `python -m tinygrad_edu.bench.run_one` children start clean.
"""
from __future__ import annotations


def main(argv: list[str] | None = None) -> int:
    """Run the suite with command-line arguments `argv`; returns the exit code."""
    from tinygrad_edu.bench.cli import main as cli_main

    return cli_main(argv)
