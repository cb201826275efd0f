"""Lesson 'sigmoid_universality' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/sigmoid_universality.py (its docstring).
Run: python examples/lessons/sigmoid_universality.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons sigmoid_universality ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["sigmoid_universality"] + sys.argv[1:]))
