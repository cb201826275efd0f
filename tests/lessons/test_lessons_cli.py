"""The lessons' registry, their common contract, and the command line."""
import inspect
import os
import runpy
import subprocess
import sys

import pytest

from tinygrad_edu.lessons import LESSONS, load, main

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.mark.parametrize("name", list(LESSONS))
def test_every_lesson_runs_quick_and_its_claims_hold(name, lesson_result):
    module = load(name)
    assert module.__doc__ and len(module.__doc__.split()) > 30         # says what it teaches
    params = inspect.signature(module.run).parameters
    assert [params[p].default for p in ("quick", "out_dir", "seed")] == [False, None, 0]
    result, out = lesson_result(name)
    assert result["checks"] and all(result["checks"].values()), result["checks"]
    assert result["ok"] is True
    for path in result["figures"]:
        assert os.path.dirname(path) == str(out) and os.path.getsize(path) > 500
    example = os.path.join(REPO, "examples", "lessons", f"{name}.py")
    assert os.path.exists(example), f"missing thin script {example}"


@pytest.mark.parametrize("name", list(LESSONS))
def test_every_lesson_is_reproducible(name, lesson_printed, rerun_lesson):
    """The same seed prints the same numbers: a second quick run (no figures) against the first."""
    first = lesson_printed(name)
    result, again = rerun_lesson(name)
    assert again == first
    assert result["checks"] and all(result["checks"].values())


def test_every_lesson_cites_the_course_notes_and_no_seed_file():
    for name in LESSONS:
        if name == "weight_sharing":            # its citation belongs to its own rework
            continue
        module = load(name)
        assert "course notes" in module.SOURCE or "Liang" in module.SOURCE, name
        for number in ("000", "001", "002", "003", "004"):
            assert f"seed {number}" not in module.__doc__.lower(), (name, number)


def test_list_names_every_lesson(capsys):
    assert main(["--list"]) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in LESSONS)


@pytest.mark.parametrize("argv,code,message", [
    (["no_such_lesson"], 2, "unknown lesson 'no_such_lesson'"),
    (["--bogus"], 2, "unrecognized arguments: --bogus"),
    ([], 2, "name a lesson"),
    (["cover", "--seed", "x"], 2, "invalid int value"),
])
def test_errors_are_one_line_with_nonzero_exit(argv, code, message, capsys):
    assert main(argv) == code
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_failed_claim_gives_exit_status_1(monkeypatch, capsys):
    module = load("cover")
    failed = {"checks": {"a claim": False}, "ok": False, "figures": []}
    monkeypatch.setattr(module, "run", lambda **kw: failed)
    assert main(["cover"]) == 1
    assert "[FAILED] a claim" in capsys.readouterr().out


def test_python_dash_m_runs_a_lesson_and_leaves_its_figure(tmp_path):
    done = subprocess.run([sys.executable, "-m", "tinygrad_edu.lessons", "universal_approximation",
                           "--quick", "--out", str(tmp_path)], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert "[ok]" in done.stdout and os.path.exists(tmp_path / "universal_approximation.png")
    helped = subprocess.run([sys.executable, "-m", "tinygrad_edu.lessons", "--help"],
                            capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0 and "--quick" in helped.stdout


def test_example_script_calls_the_installed_lesson(tmp_path, monkeypatch, capsys):
    script = os.path.join(REPO, "examples", "lessons", "perceptron.py")
    monkeypatch.setattr(sys, "argv", [script, "--quick", "--out", str(tmp_path)])
    with pytest.raises(SystemExit) as exited:
        runpy.run_path(script, run_name="__main__")
    assert exited.value.code == 0
    assert "lesson perceptron" in capsys.readouterr().out
    assert os.path.exists(tmp_path / "perceptron_novikoff.png")


def test_prog_names_the_calling_command(capsys):
    assert main(["--bogus"], prog="tinygrad-edu lesson") == 2
    assert capsys.readouterr().err.startswith("tinygrad-edu lesson: error:")
