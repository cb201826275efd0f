"""Lesson 'perceptron' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/perceptron.py (its docstring).
Run: python examples/lessons/perceptron.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons perceptron ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["perceptron"] + sys.argv[1:]))
