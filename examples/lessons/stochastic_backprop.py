"""Lesson 'stochastic_backprop' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/stochastic_backprop.py (its docstring).
Run: python examples/lessons/stochastic_backprop.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons stochastic_backprop ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["stochastic_backprop"] + sys.argv[1:]))
