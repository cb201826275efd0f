"""Lesson 'gradient_structure' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/gradient_structure.py (its docstring).
Run: python examples/lessons/gradient_structure.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons gradient_structure ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["gradient_structure"] + sys.argv[1:]))
