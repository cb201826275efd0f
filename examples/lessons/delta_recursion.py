"""Lesson 'delta_recursion' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/delta_recursion.py (its docstring).
Run: python examples/lessons/delta_recursion.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons delta_recursion ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["delta_recursion"] + sys.argv[1:]))
