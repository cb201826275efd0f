"""Lesson 'adaptive_optimizers' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/adaptive_optimizers.py (its docstring).
Run: python examples/lessons/adaptive_optimizers.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons adaptive_optimizers ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["adaptive_optimizers"] + sys.argv[1:]))
