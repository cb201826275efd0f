"""Lesson 'gan_discriminator' of the course notes, as a script.

What it shows and checks: tinygrad_edu/lessons/gan_discriminator.py (its docstring).
Run: python examples/lessons/gan_discriminator.py [--quick] [--out DIR] [--seed K]
(the same as: python -m tinygrad_edu.lessons gan_discriminator ...)
"""
import sys

from tinygrad_edu.lessons import main

if __name__ == "__main__":
    sys.exit(main(["gan_discriminator"] + sys.argv[1:]))
