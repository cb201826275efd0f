"""Lesson 'sgd_convergence' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/sgd_convergence.py (its docstring).
Run: python examples/lessons/sgd_convergence.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons sgd_convergence ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["sgd_convergence"] + sys.argv[1:]))
