"""README.md is the front door: its Quick start, its code blocks and its pictures must be real."""
import os
import re

import pytest

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
README = os.path.join(ROOT, "README.md")


def section(title):
    text = open(README, encoding="utf-8").read()
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README has no section {title!r}"
    return match.group(1)


def test_quick_start_is_exactly_the_two_commands():
    block = re.search(r"```bash\n(.*?)```", section("Quick start"), re.S).group(1)
    lines = [line for line in block.splitlines() if line.strip() and not line.startswith("#")]
    assert lines == ['pip install -e . && tinygrad-edu tour --quick',
                     'pip install -e ".[test]" && python -m pytest']


def python_blocks():
    """(section title, code) of every Python block of the README."""
    text = open(README, encoding="utf-8").read()
    found = []
    for match in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, re.S | re.M):
        found += [(match.group(1), code) for code in
                  re.findall(r"```python\n(.*?)```", match.group(2), re.S)]
    return found


def test_the_readme_has_its_three_snippets():
    assert [title for title, _ in python_blocks()] == ["Backprop in 10 lines",
                                                       "Training in 10 lines", "In a notebook"]


@pytest.mark.parametrize("title", ["Backprop in 10 lines", "Training in 10 lines"])
def test_the_ten_line_examples_are_ten_lines(title):
    code = dict(python_blocks())[title]
    assert len([line for line in code.splitlines() if line.strip()]) <= 10


@pytest.mark.parametrize("title,code", python_blocks())
def test_every_snippet_runs_on_its_own_and_twice_gives_the_same_numbers(title, code, tmp_path):
    """Each block in a fresh interpreter (nothing from another block), run twice: seeded, so
    what it prints (and, for training, the learned weights) must be the same both times."""
    import subprocess
    import sys
    probe = code + ("\nprint('val_accuracy', history.last('val_accuracy'))"
                    "\nprint('weights', [p.data.tolist() for p in model.parameters()])"
                    if title.startswith("Training") else "")
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True,
                           text=True, timeout=300) for _ in range(2)]
    for run in runs:
        assert run.returncode == 0, f"README {title!r} failed:\n{run.stderr[-2000:]}"
    printed = [[line for line in run.stdout.splitlines() if not line.startswith("fit: ")]
               for run in runs]                 # the summary line holds the seconds taken
    assert printed[0] == printed[1], f"README {title!r} printed different numbers on two runs"
    if title.startswith("Training"):
        accuracy = float(next(line for line in printed[0] if line.startswith("val_accuracy"))
                         .split()[1])
        assert accuracy > 0.95


def test_every_picture_and_link_of_the_readme_exists():
    text = open(README, encoding="utf-8").read()
    targets = re.findall(r"\]\(([^)\s]+)\)", text)
    local = [t for t in targets if "://" not in t and not t.startswith("#")]
    assert any(t.startswith("docs/gallery/") for t in local)
    for target in local:
        assert not target.startswith(".."), f"README points outside the repository: {target}"
        path = os.path.join(ROOT, target.split("#")[0])
        assert os.path.exists(path), f"README points at a missing file: {target}"
        if target.endswith((".png", ".svg")):
            assert os.path.getsize(path) < 200_000, f"{target} is not a small picture"


def test_the_command_table_lists_every_subcommand():
    from tinygrad_edu.cli import make_parser
    table = section("The command line")
    commands = make_parser()._subparsers._group_actions[0].choices
    for name in commands:
        if name != "demo":
            assert f"`tinygrad-edu {name}" in table, name
