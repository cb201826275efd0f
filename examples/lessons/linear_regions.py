"""Lesson 'linear_regions' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/linear_regions.py (its docstring).
Run: python examples/lessons/linear_regions.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons linear_regions ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["linear_regions"] + sys.argv[1:]))
