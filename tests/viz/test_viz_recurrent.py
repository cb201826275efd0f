"""Clusters of a CNN and of recurrent nets unrolled over 3 steps, with the LSTM/GRU gates as nodes."""
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


def check_three_steps(picture, shared, gates):
    nodes, edges, clusters = parse(picture.source)
    steps = [cluster_named(clusters, f"t={t}") for t in range(3)]
    for step in steps:
        assert all(clusters[step]["parent"] is None for step in steps)
        assert sorted(n for n in names_in(nodes, step) if n in gates) == sorted(gates)
    for name in shared:                         # shared weights: outside, an edge into each step
        tid = find_tensor(nodes, name)
        assert nodes[tid]["cluster"] is None
        into = {nodes[head]["cluster"] for tail, head in edges if tail == tid}
        assert into == set(steps)


@pytest.mark.parametrize("layer, gates", [
    (nn.RNN(2, 3), ["h"]),
    (nn.LSTM(2, 3), ["i (input gate)", "f (forget gate)", "g (candidate)", "o (output gate)",
                     "c = f*c + i*g", "h = o*tanh(c)"]),
    (nn.GRU(2, 3), ["r (reset gate)", "z (update gate)", "n (candidate)", "h = n + z*(h-n)"]),
])
def test_three_step_recurrent_layers_show_steps_gates_and_shared_weights(layer, gates):
    x = Tensor(np.random.default_rng(0).normal(size=(3, 2, 2)).astype(np.float32))
    picture = viz.draw_recurrent(layer, x, show_data=False)
    check_three_steps(picture, ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"], gates)
    # the unrolled gates compute what the fused layer computes
    _, state = layer(x)
    h_n = state[0] if isinstance(state, tuple) else state
    np.testing.assert_allclose(picture.outputs[0].data, h_n.data[0], rtol=1e-5, atol=1e-6)


def test_two_layers_nest_in_each_step_and_batch_first():
    layer = nn.LSTM(2, 3, num_layers=2, batch_first=True)
    x = Tensor(np.random.default_rng(1).normal(size=(2, 3, 2)).astype(np.float32))
    picture = viz.draw_recurrent(layer, x, show_data=False)
    _, clusters = parse(picture.source)[1:]
    step = cluster_named(clusters, "t=1")
    inner = sorted(info["label"] for info in clusters.values() if info["parent"] == step)
    assert inner == ["layer 0", "layer 1"]
    _, (h_n, c_n) = layer(x)
    np.testing.assert_allclose(picture.outputs[2].data, h_n.data[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(picture.outputs[3].data, c_n.data[1], rtol=1e-5, atol=1e-6)


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


def test_cells_draw_with_gates_and_bad_input():
    picture = viz.draw_recurrent(nn.LSTMCell(2, 3), Tensor(np.ones((3, 1, 2), dtype=np.float32)))
    check_three_steps(picture, ["weight_ih", "weight_hh"], ["f (forget gate)"])
    with pytest.raises(TypeError, match="expected nn.RNN, nn.LSTM, nn.GRU"):
        viz.draw_recurrent(nn.Linear(2, 2), Tensor(np.ones((3, 1, 2))))
    with pytest.raises(ValueError, match=r"shape \(L, N, I\)"):
        viz.draw_recurrent(nn.GRU(2, 3), Tensor(np.ones((3, 2))))
    with pytest.raises(ValueError, match="bidirectional=False"):
        viz.draw_recurrent(nn.GRU(2, 3, bidirectional=True), Tensor(np.ones((3, 1, 2))))
