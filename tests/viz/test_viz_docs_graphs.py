"""The code blocks of the docs page on graphs and pictures (docs/graphs.md) run and write the
pictures they name."""
import os
import re

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")


def test_pictures_section_runs(tmp_path, monkeypatch, capsys):
    section = open(os.path.join(ROOT, "docs", "graphs.md"), encoding="utf-8").read()
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 2
    monkeypatch.chdir(tmp_path)
    namespace = {}
    for k, code in enumerate(blocks):
        exec(compile(code, f"docs/graphs.md block {k + 1}", "exec"), namespace)   # noqa: S102
    written = sorted(os.listdir(tmp_path / "pictures"))
    assert written == ["backprop.html", "curves.png", "decision.svg", "lines.svg", "mlp.png",
                       "region_graph.svg", "regions.png"]
    out = capsys.readouterr().out
    # zaslavsky_bound(3, 2) = 1 + 3 + 3, montufar_lower_bound(2, [8, 8]) = 4^2 * (1 + 8 + 28)
    assert "step 1 of" in out and out.strip().splitlines()[-1].split()[1:] == ["7", "592"]
