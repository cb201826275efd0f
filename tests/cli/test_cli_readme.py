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


@pytest.mark.parametrize("title", ["Backprop in 10 lines", "Training in 10 lines"])
def test_the_ten_line_examples_run(title, tmp_path, monkeypatch):
    code = re.search(r"```python\n(.*?)```", section(title), re.S).group(1)
    assert len([line for line in code.splitlines() if line.strip()]) <= 10
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, f"README: {title}", "exec"), namespace)       # noqa: S102 -- our own text
    if title.startswith("Training"):
        history = namespace["history"]
        assert history.last("val_accuracy") > 0.95
        assert (tmp_path / "curves.svg").exists() and (tmp_path / "runs/moons/best.npz").exists()


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
