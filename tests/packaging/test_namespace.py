"""One namespace: `from tinygrad_edu import nn, optim, viz`, and nothing else installed at the top level."""
import configparser
import importlib.util
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
OLD_IMPORT = re.compile(r"^[ \t]*(>>>[ \t]*)?(from[ \t]+|import[ \t]+([\w.]+[ \t]*,[ \t]*)*)"
                        r"(nn|optim|viz|bench)\b(?!\w)", re.MULTILINE)


def tracked_text_files():
    """The repository's Python and Markdown files (git's list when there is one)."""
    try:
        names = subprocess.run(["git", "ls-files", "*.py", "*.md", "*.cfg", ".ci/*"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.split()
        return [ROOT / name for name in names if (ROOT / name).is_file()]
    except (OSError, subprocess.CalledProcessError):
        return [p for p in ROOT.rglob("*") if p.suffix in (".py", ".md") and ".git" not in p.parts]


def test_no_file_uses_the_old_top_level_imports():
    offenders = []
    for path in tracked_text_files():
        for match in OLD_IMPORT.finditer(path.read_text(encoding="utf-8")):
            line = path.read_text(encoding="utf-8")[:match.start()].count("\n") + 1
            offenders.append(f"{path.relative_to(ROOT)}:{line}: {match.group(0).strip()}")
    assert offenders == [], "old imports (use `from tinygrad_edu import nn`):\n" + "\n".join(offenders)


def test_the_old_import_pattern_catches_what_it_should():
    assert OLD_IMPORT.search("import nn\n") and OLD_IMPORT.search("    >>> import viz, nn\n")
    assert OLD_IMPORT.search("from optim.fisher import x\n")
    assert OLD_IMPORT.search("import functools, optim\n")
    assert not OLD_IMPORT.search("from tinygrad_edu import nn\n")
    assert not OLD_IMPORT.search("import numpy as np\n")


def test_setup_cfg_lists_every_package_of_the_tree():
    spec = importlib.util.spec_from_file_location("check_wheel", ROOT / ".ci" / "check_wheel.py")
    check_wheel = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check_wheel)
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    listed = {name.strip() for name in config["options"]["packages"].split() if name.strip()}
    in_tree = {name.replace("/", ".") for name in check_wheel.packages_in_tree()}
    missing = sorted(in_tree - listed)
    assert not missing, f"add these to [options] packages in setup.cfg: {missing}"
    assert listed - in_tree == set(), f"setup.cfg lists packages the tree lacks: {sorted(listed - in_tree)}"


def run_outside_repo(code, tmp_path):
    return subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True)


def test_installed_namespace_from_another_folder(tmp_path):
    probe = run_outside_repo("import tinygrad_edu", tmp_path)
    if probe.returncode != 0:
        pytest.skip("tinygrad_edu is not installed (pip install -e .); nothing to check outside the repo")
    ok = run_outside_repo("from tinygrad_edu import nn, optim, viz\n"
                          "import tinygrad_edu.nn.functional, tinygrad_edu.optim.lr_scheduler\n"
                          "import tinygrad_edu\n"
                          "print(tinygrad_edu.nn.Linear(2, 3).weight.shape)", tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == "(3, 2)"
    for name in ("nn", "optim", "viz", "bench"):
        shadow = run_outside_repo(f"import {name}; print({name}.__file__)", tmp_path)
        ours = "tinygrad_edu" in shadow.stdout or "/work/" in shadow.stdout
        assert shadow.returncode != 0 or not ours, f"`import {name}` found ours: {shadow.stdout}"
