"""Lesson 'hopfield' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/hopfield.py (its docstring).
Run: python examples/lessons/hopfield.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons hopfield ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["hopfield"] + sys.argv[1:]))
