"""Clusters of a CNN, and the unfused LSTM/GRU cells (the unrolled pictures: test_viz_bptt.py)."""
import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, viz
from viz_helpers import parse, fields, find_tensor, ops_of


def cluster_named(clusters, label):
    hits = [c for c, info in clusters.items() if info["label"] == label]
    assert len(hits) == 1, (label, clusters)
    return hits[0]


def names_in(nodes, cluster):
    return sorted(fields(n["attrs"]["label"])[0].split("\\n")[0] for i, n in nodes.items()
                  if i.startswith("t") and n["cluster"] == cluster)


def test_cnn_has_a_cluster_per_layer_with_its_ops():
    model = nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(2, 1))
    with viz.record(model):
        out = model(Tensor(np.ones((1, 1, 4, 4), dtype=np.float32), name="image"))
    nodes, edges, clusters = parse(viz.to_dot(out.sum()))
    assert ops_of(nodes, cluster_named(clusters, "0: Conv2d")) == ["Conv2d"]
    assert ops_of(nodes, cluster_named(clusters, "1: ReLU")) == ["Relu"]
    assert ops_of(nodes, cluster_named(clusters, "2: MaxPool2d")) == ["MaxPool2d"]
    assert ops_of(nodes, cluster_named(clusters, "4: Linear")) == ["Linear"]
    assert names_in(nodes, cluster_named(clusters, "0: Conv2d")) == ["0.bias", "0.weight", "Conv2d out"]
    assert nodes[find_tensor(nodes, "image")]["cluster"] is None


@pytest.mark.parametrize("cell_type", [nn.LSTMCell, nn.GRUCell])
def test_unfused_cells_match_the_fused_primitive_in_value_and_gradient(cell_type):
    cell = cell_type(3, 4, dtype=np.float64)
    x = Tensor(np.random.default_rng(2).normal(size=(2, 3)), requires_grad=True)
    results = []
    for unfused in (False, True):
        cell.unfused = unfused
        for p in cell.parameters():
            p.grad = None
        x.grad = None
        out = cell(x)
        h = out[0] if isinstance(out, tuple) else out
        (h * h).sum().backward()
        results.append([h.data, x.grad.data] + [p.grad.data for p in cell.parameters()])
    cell.unfused = False
    for fused, unfused in zip(*results):
        np.testing.assert_allclose(unfused, fused, rtol=1e-10, atol=1e-12)
