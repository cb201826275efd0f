"""`python -m bench`: the benchmark suite (see bench/README.md)."""
import sys

from bench.cli import main

sys.exit(main())
