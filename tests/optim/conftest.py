"""Fixtures of the optim tests (helpers live in optim_helpers.py)."""
import pytest


@pytest.fixture
def torch():
    """PyTorch as an optional reference: tests that use it are skipped without it."""
    return pytest.importorskip("torch")


@pytest.fixture
def float64():
    """Make new Tensors and layers float64 for the duration of a test, then restore."""
    import numpy as np
    import tinygrad_edu
    previous = tinygrad_edu.get_default_dtype()
    tinygrad_edu.set_default_dtype(np.float64)
    yield
    tinygrad_edu.set_default_dtype(previous)
