"""Lesson 'l1_soft_threshold' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/l1_soft_threshold.py (its docstring).
Run: python examples/lessons/l1_soft_threshold.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons l1_soft_threshold ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["l1_soft_threshold"] + sys.argv[1:]))
