"""Lesson 'batchnorm_dropout' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/batchnorm_dropout.py (its docstring).
Run: python examples/lessons/batchnorm_dropout.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons batchnorm_dropout ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["batchnorm_dropout"] + sys.argv[1:]))
