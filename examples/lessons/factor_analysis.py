"""Lesson 'factor_analysis' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/factor_analysis.py (its docstring).
Run: python examples/lessons/factor_analysis.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons factor_analysis ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["factor_analysis"] + sys.argv[1:]))
