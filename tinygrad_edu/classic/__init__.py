"""Classic models of the lecture notes, chapter 1: the perceptron, Cover's counting, Hopfield networks.

    >>> from tinygrad_edu.classic import perceptron, cover_count, Hopfield
    >>> cover_count(4, 2)
    8

These are numpy, not Tensors: they predate backpropagation, and the lessons
(`python -m tinygrad_edu.lessons perceptron`) check their theorems numerically.
"""
from .perceptron import (PerceptronRun, perceptron, margin, novikoff_bound, separable_data,
                         with_bias_feature, XOR_X, XOR_Y)
from .cover import cover_count, cover_recursion, is_linearly_separable, linear_dichotomies
from .hopfield import Hopfield, random_patterns, capacity_bound, capacity_experiment

__all__ = ["PerceptronRun", "perceptron", "margin", "novikoff_bound", "separable_data",
           "with_bias_feature", "XOR_X", "XOR_Y", "cover_count", "cover_recursion",
           "is_linearly_separable", "linear_dichotomies", "Hopfield", "random_patterns",
           "capacity_bound", "capacity_experiment"]
