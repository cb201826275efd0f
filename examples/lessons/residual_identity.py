"""Lesson 'residual_identity' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/residual_identity.py (its docstring).
Run: python examples/lessons/residual_identity.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons residual_identity ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["residual_identity"] + sys.argv[1:]))
