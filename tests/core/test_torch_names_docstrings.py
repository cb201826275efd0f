"""The runnable examples in the docstrings of the engine's PyTorch names (issue 12) run and
show what they print."""
import doctest
import importlib

import numpy as np
import pytest

from tinygrad_edu import Tensor

MODULES = ["tinygrad_edu.api", "tinygrad_edu.api_math", "tinygrad_edu.sampling",
           "tinygrad_edu.random", "tinygrad_edu.ops.torch_names", "tinygrad_edu.ops.torch_math",
           "tinygrad_edu.ops.inplace", "tinygrad_edu.tensor"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np, "Tensor": Tensor})
    assert result.attempted > 0
    assert result.failed == 0
