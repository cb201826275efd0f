"""Lesson 'universal_approximation' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/universal_approximation.py (its docstring).
Run: python examples/lessons/universal_approximation.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons universal_approximation ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["universal_approximation"] + sys.argv[1:]))
