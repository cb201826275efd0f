"""Lesson 'weight_sharing' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/weight_sharing.py (its docstring).
Run: python examples/lessons/weight_sharing.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons weight_sharing ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["weight_sharing"] + sys.argv[1:]))
