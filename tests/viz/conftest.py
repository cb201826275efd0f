"""Fixtures of the viz tests (DOT parsing helpers live in viz_helpers.py)."""
import pytest

from tinygrad_edu import viz


@pytest.fixture(autouse=True)
def _fresh_region_log():
    """Each test starts and ends with an empty region log, so no test sees another's regions."""
    viz.clear_regions()
    yield
    viz.clear_regions()
