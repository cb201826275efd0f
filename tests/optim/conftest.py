"""Fixtures of the optim tests (helpers live in optim_helpers.py)."""
import pytest


@pytest.fixture
def torch():
    """PyTorch as an optional reference: tests that use it are skipped without it."""
    return pytest.importorskip("torch")
