"""Lesson 'weight_decay' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/weight_decay.py (its docstring).
Run: python examples/lessons/weight_decay.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons weight_decay ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["weight_decay"] + sys.argv[1:]))
