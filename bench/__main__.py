"""`python -m tinygrad_edu.bench`: the benchmark suite (see bench/README.md).

`main` is re-exported so `from bench.__main__ import main` works too (the tinygrad-edu CLI does
that); importing this module runs nothing.
"""
import sys

from tinygrad_edu.bench.cli import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
