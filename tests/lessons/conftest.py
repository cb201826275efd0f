"""Each lesson's quick run, made once per test session and shared by the tests that check it."""
import pytest

from tinygrad_edu.lessons import load

_RESULTS = {}


@pytest.fixture
def lesson_result(tmp_path_factory):
    """lesson_result(name) -> (result dict of run(quick=True), the folder of its figures)."""
    def get(name):
        if name not in _RESULTS:
            out = tmp_path_factory.mktemp(name)
            _RESULTS[name] = (load(name).run(quick=True, out_dir=str(out), seed=0), out)
        return _RESULTS[name]
    return get
