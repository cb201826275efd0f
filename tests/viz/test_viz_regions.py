"""Regions: clusters for Module calls (viz.record / regions_for) and `with viz.region(...)`."""
import numpy as np
import pytest

from tinygrad_edu import nn
import tinygrad_edu.nn.functional as F
from tinygrad_edu import viz
from tinygrad_edu import Tensor
from tinygrad_edu.viz.regions import Region, place_ops, common_region
from viz_helpers import parse, find_tensor, ops_of


def cluster_named(clusters, label):
    hits = [c for c, info in clusters.items() if info["label"] == label]
    assert len(hits) == 1, f"expected one cluster {label!r}, got {hits} in {clusters}"
    return hits[0]


def test_two_layer_mlp_has_one_cluster_per_linear_nested_in_sequential():
    model = nn.MLP([2, 3, 1])
    x = Tensor(np.ones((4, 2), dtype=np.float32), name="x")
    with viz.record(model):
        out = model(x)
    loss = F.mse_loss(out, Tensor(np.zeros((4, 1), dtype=np.float32)))
    nodes, _, clusters = parse(viz.to_dot(loss))
    labels = sorted(info["label"] for info in clusters.values())
    assert labels == ["MLP", "layers.0: Linear", "layers.1: ReLU", "layers.2: Linear",
                      "layers: Sequential"]
    mlp, seq = cluster_named(clusters, "MLP"), cluster_named(clusters, "layers: Sequential")
    first, relu, second = (cluster_named(clusters, label) for label in
                           ("layers.0: Linear", "layers.1: ReLU", "layers.2: Linear"))
    assert clusters[mlp]["parent"] is None and clusters[seq]["parent"] == mlp
    assert all(clusters[c]["parent"] == seq for c in (first, relu, second))
    assert ops_of(nodes, first) == ["Linear"] and ops_of(nodes, second) == ["Linear"]
    assert ops_of(nodes, relu) == ["Relu"]
    assert ops_of(nodes, mlp) == [] and ops_of(nodes, seq) == []
    # parameters sit in their layer's cluster, named by their dotted path
    for name, cluster in (("layers.0.weight", first), ("layers.0.bias", first),
                          ("layers.2.weight", second), ("layers.2.bias", second)):
        assert nodes[find_tensor(nodes, name)]["cluster"] == cluster
    # the input and the loss (a function, not a Module) stay outside every cluster
    assert nodes[find_tensor(nodes, "x")]["cluster"] is None
    assert "Mul" in ops_of(nodes, None)


def test_record_removes_its_hooks_and_keeps_user_names():
    model = nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1))
    model[0].weight.name = "W1"
    with viz.record(model):
        out = model(Tensor.ones(1, 2))
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in model.modules())
    assert model[0].weight.name == "W1" and model[2].bias.name == "2.bias"
    nodes, _, clusters = parse(viz.to_dot(out))
    assert sorted(info["label"] for info in clusters.values()) == [
        "0: Linear", "1: Tanh", "2: Linear", "Sequential"]
    # calls after the block make no regions
    before = len(viz.recorded_regions())
    model(Tensor.ones(1, 2))
    assert len(viz.recorded_regions()) == before


def test_regions_for_stays_until_removed():
    model = nn.Linear(2, 2)
    hooks = viz.regions_for(model, prefix="enc")
    for _ in range(2):
        model(Tensor.ones(1, 2))
    hooks.remove()
    c = model(Tensor.ones(1, 2))
    labels = [r.label for r in viz.recorded_regions()]
    assert labels == ["enc: Linear", "enc: Linear"]
    assert parse(viz.to_dot(c))[2] == {}
    assert model.weight.name == "enc.weight"


def test_region_block_makes_a_cluster_and_nests_around_modules():
    model = nn.Linear(3, 2)
    x = Tensor(np.ones((2, 3), dtype=np.float32), name="x")
    with viz.record(model):
        with viz.region("step 1"):
            h = model(x).tanh()
        out = h.sum()
    nodes, _, clusters = parse(viz.to_dot(out))
    step, linear = cluster_named(clusters, "step 1"), cluster_named(clusters, "Linear")
    assert clusters[linear]["parent"] == step
    assert ops_of(nodes, step) == ["Tanh"] and ops_of(nodes, linear) == ["Linear"]
    assert ops_of(nodes, None) == ["Sum"]


def test_rnn_time_steps_as_regions_with_shared_weights_outside():
    cell = nn.RNNCell(2, 3)
    xs = Tensor(np.ones((3, 1, 2), dtype=np.float32), requires_grad=True, name="xs")
    h = Tensor(np.zeros((1, 3), dtype=np.float32), name="h0")
    with viz.record(cell):
        for t in range(3):
            with viz.region(f"t={t}"):
                h = cell(xs[t], h)
    nodes, _, clusters = parse(viz.to_dot(h.sum()))
    steps = [cluster_named(clusters, f"t={t}") for t in range(3)]
    assert all(clusters[c]["parent"] is None for c in steps)
    inner = [c for c, info in clusters.items() if info["label"] == "RNNCell"]
    assert sorted(clusters[c]["parent"] for c in inner) == sorted(steps)
    # every step runs the same ops; the indexing x[t] is in its step, outside the cell
    per_step = [ops_of(nodes, c) for c in inner]
    assert per_step[0] and per_step == [per_step[0]] * 3
    assert all(ops_of(nodes, c) == ["GetItem"] for c in steps)
    # the weights are used by every step, so they belong to no single one
    assert nodes[find_tensor(nodes, "weight_hh")]["cluster"] is None


def test_cluster_false_draws_no_subgraphs():
    model = nn.MLP([2, 2, 1])
    with viz.record(model):
        out = model(Tensor.ones(1, 2))
    assert "subgraph" not in viz.to_dot(out, cluster=False)
    assert "subgraph" in viz.to_dot(out)
    assert "subgraph" not in viz.to_dot(out, regions=[])


def test_an_exception_inside_a_module_leaves_later_regions_right():
    class Fails(nn.Module):
        def forward(self, x):
            x * 2                        # an op is recorded, then the call fails
            raise RuntimeError("boom")

    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.bad = Fails()
            self.good = nn.Linear(2, 2)

        def forward(self, x, fail):
            return self.bad(x) if fail else self.good(x)

    model = Model()
    x = Tensor.ones(1, 2, requires_grad=True)
    with viz.record(model):
        with pytest.raises(RuntimeError, match="boom"):
            model(x, True)
        out = model(x, False)
    labels = [r.label for r in viz.recorded_regions()]
    assert labels == ["good: Linear", "Model"]      # the failed calls recorded nothing
    nodes, _, clusters = parse(viz.to_dot(out))
    assert clusters[cluster_named(clusters, "good: Linear")]["parent"] == \
        cluster_named(clusters, "Model")


def test_regions_for_rejects_what_is_not_a_module():
    with pytest.raises(TypeError, match=r"viz.regions_for: expected an nn.Module, got int"):
        viz.regions_for(3)


def test_place_ops_finds_the_innermost_region_of_each_op():
    regions = [Region("B", 1, 4), Region("A", 0, 10), Region("C", 5, 9), Region("old", -9, -5)]
    placement = place_ops([2, 6, 11, 3, 4.5], regions)
    labels = [r.label for r in placement.regions]
    assert labels == ["A", "B", "C"]                 # "old" holds nothing: dropped
    owner = [None if o is None else labels[o] for o in placement.owner]
    assert owner == ["B", "C", None, "B", "A"]
    parents = {labels[r]: None if p is None else labels[p] for r, p in placement.parent.items()}
    assert parents == {"A": None, "B": "A", "C": "A"}
    index = {label: i for i, label in enumerate(labels)}
    assert common_region(placement, [index["B"], index["C"]]) == index["A"]
    assert common_region(placement, [index["B"], index["B"]]) == index["B"]
    assert common_region(placement, [index["B"], None]) is None


def test_recording_adds_no_work_per_op():
    # regions are read from sequence numbers: ops made under record carry nothing extra
    model = nn.Linear(2, 2)
    with viz.record(model):
        out = model(Tensor.ones(1, 2))
    plain = nn.Linear(2, 2)(Tensor.ones(1, 2))
    assert vars(out.grad_fn).keys() == vars(plain.grad_fn).keys()
