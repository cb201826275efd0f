"""Lesson 'softmax_gradient' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/softmax_gradient.py (its docstring).
Run: python examples/lessons/softmax_gradient.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons softmax_gradient ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["softmax_gradient"] + sys.argv[1:]))
