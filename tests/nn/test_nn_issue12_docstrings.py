"""The runnable examples in the docstrings of the PyTorch-named additions (issue 12) run and
print what they show."""
import doctest
import importlib

import numpy as np
import pytest

from tinygrad_edu import Tensor

MODULES = ["tinygrad_edu.utils.data", "tinygrad_edu.nn.containers", "tinygrad_edu.nn.lazy",
           "tinygrad_edu.nn.functional_act", "tinygrad_edu.nn.functional_conv",
           "tinygrad_edu.nn.utils", "tinygrad_edu.nn.module_to", "tinygrad_edu.nn.linear",
           "tinygrad_edu.nn.activation", "tinygrad_edu.nn.normalization"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np, "Tensor": Tensor})
    assert result.attempted > 0
    assert result.failed == 0
