"""The runnable examples in the docstrings of the library run and show what they print.

One table for the modules whose examples are not run elsewhere (viz, train, lessons and the
data generators have their own docstring tests next to their other tests)."""
import doctest
import importlib

import numpy as np
import pytest

from tinygrad_edu import Tensor

MODULES = [
    # the engine's PyTorch names
    "tinygrad_edu.api", "tinygrad_edu.api_math", "tinygrad_edu.sampling", "tinygrad_edu.random",
    "tinygrad_edu.devices", "tinygrad_edu.ops.conversion", "tinygrad_edu.ops.views",
    "tinygrad_edu.creation", "tinygrad_edu.ops.elementwise", "tinygrad_edu.ops.inplace",
    "tinygrad_edu.tensor", "tinygrad_edu.api_elementwise", "tinygrad_edu.api_reduce",
    "tinygrad_edu.api_shape", "tinygrad_edu.api_special", "tinygrad_edu.api_compare",
    "tinygrad_edu.ops.comparison",
    # the op families added for PyTorch's op database
    "tinygrad_edu.ops.unary_math", "tinygrad_edu.ops.binary_math", "tinygrad_edu.ops.arrange",
    "tinygrad_edu.ops.indexing", "tinygrad_edu.ops.sorting", "tinygrad_edu.ops.scan",
    "tinygrad_edu.ops.linalg", "tinygrad_edu.ops.einsum", "tinygrad_edu.ops.special",
    "tinygrad_edu.ops.scatter_reduce", "tinygrad_edu.linalg", "tinygrad_edu.ops.inverse",
    "tinygrad_edu.ops.scatter_views", "tinygrad_edu.api_indexing",
    # nn, data and optim additions
    "tinygrad_edu.utils.data", "tinygrad_edu.nn.containers", "tinygrad_edu.nn.lazy",
    "tinygrad_edu.nn.functional_act", "tinygrad_edu.nn.functional_conv", "tinygrad_edu.nn.utils",
    "tinygrad_edu.nn.module_to", "tinygrad_edu.nn.linear", "tinygrad_edu.nn.activation",
    "tinygrad_edu.nn.normalization",
    # nn's PyTorch-conformance additions (issue 19): functions and modules by family
    "tinygrad_edu.nn.functional", "tinygrad_edu.nn.functional_loss", "tinygrad_edu.nn.functional_pool",
    "tinygrad_edu.nn.functional_act_piecewise", "tinygrad_edu.nn.functional_act_smooth",
    "tinygrad_edu.nn.activation_piecewise", "tinygrad_edu.nn.pooling", "tinygrad_edu.nn.conv",
    "tinygrad_edu.nn.loss", "tinygrad_edu.nn.loss_margin", "tinygrad_edu.nn.distance",
    "tinygrad_edu.nn.dropout", "tinygrad_edu.nn.functional_dropout", "tinygrad_edu.nn.functional_attention",
    "tinygrad_edu.nn.functional_unpool", "tinygrad_edu.nn.attention", "tinygrad_edu.nn.transformer",
    "tinygrad_edu.nn.functional_loss_margin",
    "tinygrad_edu.nn.functional_loss_regression", "tinygrad_edu.nn.functional_norm",
    "tinygrad_edu.nn.normalization_group", "tinygrad_edu.nn.functional_shape",
    "tinygrad_edu.nn.resampling",
    # argument checks, sharing, state loading
    "tinygrad_edu.argcheck", "tinygrad_edu.dtypes", "tinygrad_edu.sharing",
    "tinygrad_edu.nn.state_loading", "tinygrad_edu.nn.serialization", "tinygrad_edu.optim.optimizer",
]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"np": np, "Tensor": Tensor})
    assert result.attempted > 0, f"{name} has no docstring example"
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} failed"
