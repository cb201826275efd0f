"""Each lesson's quick run, made once per test session and shared by the tests that check it."""
import contextlib
import io

import pytest

from tinygrad_edu.lessons import load

_RESULTS = {}
_PRINTED = {}


def run_quietly(name, out_dir=None, seed=0):
    """(result of run(quick=True), what the lesson printed)."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        result = load(name).run(quick=True, out_dir=out_dir, seed=seed)
    return result, printed.getvalue()


@pytest.fixture
def lesson_result(tmp_path_factory):
    """lesson_result(name) -> (result dict of run(quick=True), the folder of its figures)."""
    def get(name):
        if name not in _RESULTS:
            out = tmp_path_factory.mktemp(name)
            result, _PRINTED[name] = run_quietly(name, str(out))
            _RESULTS[name] = (result, out)
        return _RESULTS[name]
    return get


@pytest.fixture
def lesson_printed(lesson_result):
    """lesson_printed(name) -> the text the shared quick run (seed 0) printed."""
    def get(name):
        lesson_result(name)
        return _PRINTED[name]
    return get


@pytest.fixture
def rerun_lesson():
    """rerun_lesson(name, seed=0) -> (result, printed) of a fresh quick run without figures."""
    return lambda name, seed=0: run_quietly(name, None, seed)
