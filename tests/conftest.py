"""Fixtures shared by every test directory.

The engine has two pieces of global state (the grad mode and the default dtype, plus the
anomaly flag); a test that changes one of them and then fails must not leak the change
into the tests that run after it, so every test gets them restored.
"""
import pytest

import tinygrad_edu
from tinygrad_edu.grad_mode import STATE


def pytest_addoption(parser):
    parser.addoption("--slow", action="store_true", default=False,
                     help="run the long versions of randomized tests (e.g. thousands of random "
                          "programs in tests/differential instead of a few hundred)")


@pytest.fixture(autouse=True)
def _restore_engine_state():
    """Put the default dtype, grad mode and anomaly flag back as they were before the test."""
    dtype = tinygrad_edu.get_default_dtype()
    grad_enabled, anomaly = STATE.grad_enabled, STATE.anomaly
    yield
    tinygrad_edu.set_default_dtype(dtype)
    STATE.grad_enabled, STATE.anomaly = grad_enabled, anomaly


@pytest.fixture
def torch():
    """PyTorch as an optional reference: tests that take this fixture are skipped without it."""
    return pytest.importorskip("torch")
