"""viz writes its files as the rest of the library does: a symlink planted where a picture or
page goes is replaced by the new file, never followed (a file outside stays as it was)."""
import os

import numpy as np

from tinygrad_edu import Tensor, nn, viz


def test_a_planted_symlink_is_replaced_not_followed(tmp_path):
    victim = tmp_path / "outside.txt"
    victim.write_text("keep")
    names = ["graph.svg", "graph.png", "page.html", "curves.png", "curves.svg", "sharing.png"]
    for name in names:
        os.symlink(victim, tmp_path / name)
    a = Tensor(2.0, requires_grad=True, name="a")
    loss = (a * a).tanh()
    loss.backward(retain_graph=True)
    viz.render(viz.draw_graph(loss), tmp_path / "graph.svg")
    viz.render(viz.draw_graph(loss), tmp_path / "graph.png")
    viz.backprop_page(loss).save(tmp_path / "page.html")
    viz.plot_lines({"x": ([0, 1], [0, 1])}, path=tmp_path / "curves.png")
    viz.plot_training_curves({"run": {"loss": [1.0, 0.5]}}, path=tmp_path / "curves.svg")
    conv = nn.Conv2d(1, 1, 2, bias=False)
    viz.render(viz.draw_weight_sharing(conv, Tensor(np.ones((1, 1, 3, 3)))), tmp_path / "sharing.png")
    assert victim.read_text() == "keep"
    for name in names:
        assert not os.path.islink(tmp_path / name) and (tmp_path / name).stat().st_size > 100
