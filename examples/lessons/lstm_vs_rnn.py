"""Lesson 'lstm_vs_rnn' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/lstm_vs_rnn.py (its docstring).
Run: python examples/lessons/lstm_vs_rnn.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons lstm_vs_rnn ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["lstm_vs_rnn"] + sys.argv[1:]))
