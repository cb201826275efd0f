"""Lesson 'linear_collapse' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/linear_collapse.py (its docstring).
Run: python examples/lessons/linear_collapse.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons linear_collapse ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["linear_collapse"] + sys.argv[1:]))
