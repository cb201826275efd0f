"""Lesson 'ols_vs_gd' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/ols_vs_gd.py (its docstring).
Run: python examples/lessons/ols_vs_gd.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons ols_vs_gd ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["ols_vs_gd"] + sys.argv[1:]))
