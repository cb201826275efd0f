"""viz.draw_graph / viz.to_dot: records, op nodes, edges, grads, colours, stable ids."""
import sys

import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu import viz
from tinygrad_edu import Tensor, no_grad
from tinygrad_edu.viz.graph import PARAMETER_COLOUR, REQUIRES_GRAD_COLOUR, CONSTANT_COLOUR, RESULT_COLOUR
from viz_helpers import parse, fields, find_tensor, ops_of, micrograd_example


def test_records_ops_and_edges_of_the_micrograd_example():
    nodes, edges, clusters = parse(viz.to_dot(micrograd_example()))
    assert clusters == {}
    assert ops_of(nodes) == ["Add", "Mul", "Mul"]
    assert fields(nodes[find_tensor(nodes, "a")]["attrs"]["label"]) == ["a", "data 2"]
    assert fields(nodes[find_tensor(nodes, "e")]["attrs"]["label"]) == ["e", "data -6"]
    assert fields(nodes[find_tensor(nodes, "L")]["attrs"]["label"]) == ["L", "data -8"]
    # ids follow the order the ops ran: a * b first, then + c, then * f
    assert edges == [("t0", "op0"), ("t1", "op0"), ("op0", "t2"),
                     ("t2", "op1"), ("t3", "op1"), ("op1", "t4"),
                     ("t4", "op2"), ("t5", "op2"), ("op2", "t6")]
    names = {i: fields(nodes[i]["attrs"]["label"])[0].split("\\n")[0] for i in nodes if i[0] == "t"}
    assert names == {"t0": "a", "t1": "b", "t2": "e", "t3": "c", "t4": "d", "t5": "f", "t6": "L"}
    assert [nodes[f"op{i}"]["attrs"]["label"] for i in range(3)] == ["Mul", "Add", "Mul"]


def test_grads_appear_after_backward_with_retain_graph():
    loss = micrograd_example()
    before = viz.to_dot(loss)
    assert "| grad" not in before
    loss.backward(retain_graph=True)
    nodes, edges, _ = parse(viz.to_dot(loss))
    grads = {name: fields(nodes[find_tensor(nodes, name)]["attrs"]["label"])[-1]
             for name in "abcf"}
    # dL/da = f*b = 6, dL/db = f*a = -4, dL/dc = f = -2, dL/df = d = 4
    assert grads == {"a": "grad 6", "b": "grad -4", "c": "grad -2", "f": "grad 4"}
    # results show dL/d(result) too, as micrograd draws them: dL/de = f = -2, dL/dL = 1
    assert fields(nodes[find_tensor(nodes, "e")]["attrs"]["label"])[-1] == "grad -2"
    assert fields(nodes[find_tensor(nodes, "L")]["attrs"]["label"])[-1] == "grad 1"
    assert loss.grad is None                    # ... without giving results a .grad
    assert len(edges) == 9                      # the whole graph is still there


def test_a_freed_graph_draws_what_is_left_and_says_so():
    loss = micrograd_example()
    loss.backward()
    dot = viz.to_dot(loss)
    nodes, edges, _ = parse(dot)
    assert sorted(nodes) == ["op0", "t0"] and edges == [("op0", "t0")]
    assert "retain_graph=True" in dot


def test_node_ids_are_stable_across_two_builds():
    def build():
        model = nn.MLP([3, 4, 2])
        for p in model.parameters():
            p.data[...] = 0.5
        with viz.record(model):
            out = model(Tensor(np.ones((2, 3), dtype=np.float32)))
        loss = (out * out).mean()
        loss.backward(retain_graph=True)
        return viz.to_dot(loss)

    first, second = build(), build()
    assert first == second
    assert "cluster_" in first and "| grad" in first


def test_colours_tell_parameters_leaves_constants_and_results_apart():
    w = nn.Parameter(np.ones(2, dtype=np.float32))
    w.name = "w"
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    k = Tensor([3.0, 4.0], name="k")
    out = (w * x + k).sum()
    out.name = "out"
    nodes, _, _ = parse(viz.to_dot(out))
    colour = {name: nodes[find_tensor(nodes, name)]["attrs"]["fillcolor"] for name in
              ("w", "x", "k", "out")}
    assert colour == {"w": PARAMETER_COLOUR, "x": REQUIRES_GRAD_COLOUR, "k": CONSTANT_COLOUR,
                      "out": RESULT_COLOUR}
    assert len({PARAMETER_COLOUR, REQUIRES_GRAD_COLOUR, CONSTANT_COLOUR, RESULT_COLOUR}) == 4
    bold = [i for i, n in nodes.items() if n["attrs"].get("penwidth") == "2"]
    assert bold == [find_tensor(nodes, "out")]     # the root stands out


def test_big_tensors_show_shape_and_summary_small_ones_all_values():
    x = Tensor(np.arange(12, dtype=np.float32).reshape(3, 4), requires_grad=True, name="x")
    small = Tensor(np.array([[1.0, 2.0], [3.0, 4.0]]), requires_grad=True, name="s")
    nodes, _, _ = parse(viz.to_dot([x.sum(), small * 2]))
    big_fields = fields(nodes[find_tensor(nodes, "x")]["attrs"]["label"])
    assert big_fields == ["x\\nshape 3×4", "data mean 5.5\\nrange [0, 11]"]
    small_fields = fields(nodes[find_tensor(nodes, "s")]["attrs"]["label"])
    assert small_fields == ["s\\nshape 2×2 float64", "data [[1, 2],\\n[3, 4]]"]


def test_show_data_and_show_grad_switch_fields_off():
    loss = micrograd_example()
    loss.backward(retain_graph=True)
    nodes, _, _ = parse(viz.to_dot(loss, show_data=False, show_grad=False))
    assert fields(nodes[find_tensor(nodes, "a")]["attrs"]["label"]) == ["a"]
    nodes, _, _ = parse(viz.to_dot(loss, show_data=False))
    assert fields(nodes[find_tensor(nodes, "a")]["attrs"]["label"]) == ["a", "grad 6"]


def test_a_reused_tensor_has_one_edge_per_use():
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    nodes, edges, _ = parse(viz.to_dot(a + a))
    assert edges.count((find_tensor(nodes, "a"), "op0")) == 2


def test_several_roots_and_a_leaf_root():
    x = Tensor([1.0], requires_grad=True, name="x")
    y, z = x * 2, x.exp()
    nodes, edges, _ = parse(viz.to_dot([y, z]))
    assert ops_of(nodes) == ["Exp", "Mul"]
    assert sum(n["attrs"].get("penwidth") == "2" for n in nodes.values()) == 2
    nodes, edges, _ = parse(viz.to_dot(x))
    assert list(nodes) == ["t0"] and edges == []
    with no_grad():
        w = x * 2
    nodes, _, _ = parse(viz.to_dot(w))
    assert list(nodes) == ["t0"] and nodes["t0"]["attrs"]["fillcolor"] == CONSTANT_COLOUR


def test_record_characters_in_names_are_escaped():
    x = Tensor([1.0], requires_grad=True, name="x{1}|<y>")
    dot = viz.to_dot(x * 2)
    assert r"x\{1\}\|\<y\>" in dot


def test_rankdir_and_returned_type():
    picture = viz.draw_graph(micrograd_example(), rankdir="TB")
    assert "rankdir=TB" in picture.source
    import graphviz
    assert isinstance(picture, graphviz.Digraph)


def test_bad_arguments_raise_clear_errors():
    with pytest.raises(TypeError, match=r"viz.draw_graph: root must be a Tensor.*got str"):
        viz.draw_graph("loss")
    with pytest.raises(TypeError, match="empty"):
        viz.to_dot([])
    with pytest.raises(ValueError, match=r"rankdir must be one of LR, RL, TB, BT, got 'XY'"):
        viz.draw_graph(micrograd_example(), rankdir="XY")


def test_a_5000_op_chain_draws_without_recursion():
    x = Tensor([1.0], requires_grad=True, name="x")
    y = x
    for _ in range(5000):
        y = y * 1.001
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(200)          # far below the graph's depth: proves no recursion
    try:
        nodes, edges, _ = parse(viz.to_dot(y))
    finally:
        sys.setrecursionlimit(limit)
    assert sum(i.startswith("op") for i in nodes) == 5000
    assert len(edges) == 3 * 5000       # input and constant in, result out
