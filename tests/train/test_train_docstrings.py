"""The examples in the docstrings of train, the new generators, the formula parser and the command
line run and print what they say."""
import doctest
import importlib

import pytest

MODULES = ["tinygrad_edu.train", "tinygrad_edu.train.loop", "tinygrad_edu.train.history",
           "tinygrad_edu.train.metrics", "tinygrad_edu.train.callbacks", "tinygrad_edu.data.planar",
           "tinygrad_edu.data.sine", "tinygrad_edu.expression", "tinygrad_edu.cli"]


@pytest.mark.parametrize("module_name", MODULES)
def test_docstring_examples(module_name):
    module = importlib.import_module(module_name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0, f"{result.failed} docstring example(s) of {module_name} failed"


@pytest.mark.parametrize("module_name", MODULES[:-1])
def test_every_public_function_says_why_with_an_example(module_name):
    """Public functions and classes have a docstring; the main entry points show an example."""
    import inspect
    module = importlib.import_module(module_name)
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj) or inspect.isclass(obj):
            assert obj.__doc__ and len(obj.__doc__.strip()) > 20, f"{module_name}.{name}"
