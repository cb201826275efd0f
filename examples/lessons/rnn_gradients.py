"""Lesson 'rnn_gradients' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/rnn_gradients.py (its docstring).
Run: python examples/lessons/rnn_gradients.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons rnn_gradients ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["rnn_gradients"] + sys.argv[1:]))
