"""The runnable examples in the docstrings of the bad-input code run and show what they print."""
import doctest
import importlib

import numpy as np
import pytest

from tinygrad_edu import Tensor

MODULES = ["tinygrad_edu.argcheck", "tinygrad_edu.dtypes", "tinygrad_edu.sharing",
           "tinygrad_edu.nn.state_loading", "tinygrad_edu.nn.serialization",
           "tinygrad_edu.optim.optimizer"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np, "Tensor": Tensor})
    assert result.attempted > 0
    assert result.failed == 0
