"""The code blocks of docs/plots.md run, in order, and write the pictures they name."""
import os
import re

import pytest

pytest.importorskip("matplotlib")
DOC = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "plots.md")


def test_the_plots_page_runs(tmp_path, monkeypatch, capsys):
    text = open(DOC, encoding="utf-8").read()
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) == 5
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"docs/plots.md block {k + 1}", "exec"), namespace)   # noqa: S102
    assert sorted(os.listdir(tmp_path / "pictures")) == [
        "linear_vs_mlp.png", "moons_regions.png", "overfitting.png", "sgd_vs_adam.svg"]
    assert re.search(r"^\d+ linear regions$", capsys.readouterr().out, re.M)
    import matplotlib.pyplot as plt
    assert not plt.get_fignums()                        # the page closes what pyplot made
    for name in ["SGD", "Adam", "training", "validation"]:
        assert name in (tmp_path / "pictures" / "sgd_vs_adam.svg").read_text()
