"""Lesson 'gd_convex_rate' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/gd_convex_rate.py (its docstring).
Run: python examples/lessons/gd_convex_rate.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons gd_convex_rate ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["gd_convex_rate"] + sys.argv[1:]))
