"""Lesson 'cover' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/cover.py (its docstring).
Run: python examples/lessons/cover.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons cover ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["cover"] + sys.argv[1:]))
