"""docs/pictures.md: its code blocks run and write the files they name; its pictures exist."""
import os
import re

import pytest

DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "pictures.md")


def blocks():
    return re.findall(r"```python\n(.*?)```", open(DOC, encoding="utf-8").read(), re.S)


def test_the_code_blocks_run_in_order_and_write_their_files(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {}
    found = blocks()
    assert len(found) == 3
    for k, code in enumerate(found):
        exec(compile(code, f"docs/pictures.md block {k + 1}", "exec"), namespace)  # noqa: S102
    for name in ("lstm_bptt.svg", "conv_sharing.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name
    assert namespace["picture"].sent["weight_hh_l0"].shape == (3, 12, 3)


@pytest.mark.parametrize("image", re.findall(r"\]\((pictures/[^)]+)\)", open(DOC).read()))
def test_every_picture_the_page_shows_is_there(image):
    assert os.path.getsize(os.path.join(os.path.dirname(DOC), image)) > 10_000
