"""Lesson 'linear_autoencoder_pca' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/linear_autoencoder_pca.py (its docstring).
Run: python examples/lessons/linear_autoencoder_pca.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons linear_autoencoder_pca ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["linear_autoencoder_pca"] + sys.argv[1:]))
