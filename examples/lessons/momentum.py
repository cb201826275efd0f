"""Lesson 'momentum' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/momentum.py (its docstring).
Run: python examples/lessons/momentum.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons momentum ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["momentum"] + sys.argv[1:]))
