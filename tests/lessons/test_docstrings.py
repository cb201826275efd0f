"""The classic models and the lessons explain themselves: docstrings, runnable examples."""
import doctest
import importlib
import inspect

import pytest

import tinygrad_edu.lessons as lessons

CLASSIC = [importlib.import_module(f"tinygrad_edu.classic.{name}")
           for name in ("perceptron", "cover", "hopfield")]


@pytest.mark.parametrize("module", CLASSIC + [lessons], ids=lambda m: m.__name__)
def test_examples_run(module):
    failed, tried = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert tried > 0 and failed == 0


def _public(module):
    for name, obj in vars(module).items():
        if name.startswith("_") or getattr(obj, "__module__", None) != module.__name__:
            continue
        if inspect.isfunction(obj):
            yield name, obj
        elif inspect.isclass(obj):
            yield name, obj
            for attr, member in vars(obj).items():
                if inspect.isfunction(member) and not attr.startswith("_"):
                    yield f"{name}.{attr}", member


@pytest.mark.parametrize("module", CLASSIC + [lessons.load(n) for n in lessons.LESSONS],
                         ids=lambda m: m.__name__)
def test_every_public_function_has_a_docstring(module):
    missing = [name for name, obj in _public(module) if not (obj.__doc__ or "").strip()]
    assert not missing, f"{module.__name__}: no docstring on {missing}"
    for name, obj in _public(module):
        if module in CLASSIC and not name.startswith("PerceptronRun"):
            assert "Example" in obj.__doc__, f"{module.__name__}.{name}: no example"
