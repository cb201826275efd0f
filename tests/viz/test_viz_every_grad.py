"""draw_graph shows every node's gradient (micrograd's README expression), constants per use,
labels by op, precision, collapse, escaping, and a golden DOT text."""
import re
import shutil

import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, viz
from viz_helpers import parse, fields, find_tensor, micrograd_example


def micrograd_readme(lib=None):
    """The expression of micrograd's README; `lib` = torch builds the same thing in PyTorch."""
    if lib is None:
        def leaf(v, name):
            return Tensor(v, dtype=np.float64, requires_grad=True, name=name)
    else:
        def leaf(v, name):
            return lib.tensor(v, dtype=lib.float64, requires_grad=True)
    a, b = leaf(-4.0, "a"), leaf(2.0, "b")
    named = {"a": a, "b": b}
    c = a + b
    d = a * b + b ** 3
    c = c + (c + 1)
    c = c + (1 + c + (-a))
    d = d + (d * 2 + (b + a).relu())
    d = d + (3 * d + (b - a).relu())
    named["c"], named["d"] = c, d
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    named.update(e=e, f=f, g=g)
    for name, t in named.items():
        if lib is None:
            t.name = name
        elif t.grad_fn is not None:
            t.retain_grad()
    return named


def record_fields(dot):
    nodes, edges, _ = parse(dot)
    return nodes, edges, {fields(n["attrs"]["label"])[0].split("\\n")[0]: fields(n["attrs"]["label"])
                          for i, n in nodes.items() if i.startswith("t")}


def test_micrograd_readme_graph_shows_the_published_numbers_on_every_node():
    named = micrograd_readme()
    g = named["g"]
    g.backward(retain_graph=True)
    nodes, _, by_name = record_fields(viz.to_dot(g))
    assert "data 24.7041" in by_name["g"]                   # micrograd: g = 24.7041
    assert "grad 138.8338" in by_name["a"]                  # dg/da = 138.8338
    assert "grad 645.5773" in by_name["b"]                  # dg/db = 645.5773
    assert "grad 1" in by_name["g"]
    # every tensor that requires grad shows its gradient, results included
    for i, n in nodes.items():
        if i.startswith("t") and n["attrs"]["fillcolor"] != viz.graph.CONSTANT_COLOUR:
            assert fields(n["attrs"]["label"])[-1].startswith("grad "), n["attrs"]["label"]
    assert named["e"].grad is None and named["c"].grad is None     # .grad means what it meant
    assert "scalar" not in viz.to_dot(g)


def test_every_gradient_matches_pytorch(torch):
    ours, theirs = micrograd_readme(), micrograd_readme(torch)
    ours["g"].backward(retain_graph=True)
    theirs["g"].backward()
    _, _, by_name = record_fields(viz.to_dot(ours["g"], precision=8))
    for name in "abcdefg":
        shown = float(by_name[name][-1].split()[-1])
        expected = 1.0 if name == "g" else theirs[name].grad.item()
        assert shown == pytest.approx(expected, rel=1e-7, abs=1e-7), name


def test_grads_all_before_backward_and_gradcheck_of_an_intermediate():
    named = micrograd_readme()
    _, _, by_name = record_fields(viz.to_dot(named["g"], grads="all", precision=6))
    assert named["a"].grad is None                          # viz ran its own walk
    # dg/de by central differences: g(e) = e^2/2 + 10/e^2
    e = named["e"].data.item()
    h = 1e-6
    g_of = lambda v: v * v / 2 + 10 / (v * v)               # noqa: E731
    assert float(by_name["e"][-1].split()[-1]) == pytest.approx((g_of(e + h) - g_of(e - h)) / (2 * h),
                                                                rel=1e-6)
    with pytest.raises(ValueError, match="grads='all' needs one root with one element"):
        viz.to_dot(named["g"] * Tensor([1.0, 2.0]), grads="all")


def test_python_constants_are_drawn_once_per_use():
    named = micrograd_readme()
    nodes, edges, _ = record_fields(viz.to_dot(named["g"]))
    constants = [i for i, n in nodes.items() if n["attrs"]["fillcolor"] == viz.graph.CONSTANT_COLOUR]
    out_degree = {i: sum(tail == i for tail, _ in edges) for i in constants}
    assert len(constants) == 8 and set(out_degree.values()) == {1}
    twos = [i for i in constants if fields(nodes[i]["attrs"]["label"])[1] == "data 2"]
    assert len(twos) == 3                                   # d*2, e**2, f/2.0: three nodes
    nodes, edges, _ = record_fields(viz.to_dot(named["g"], constants_per_use=False))
    shared = [i for i, n in nodes.items() if n["attrs"]["fillcolor"] == viz.graph.CONSTANT_COLOUR]
    assert len(shared) < len(constants)


def test_unnamed_nodes_are_named_by_what_made_them_and_precision():
    x = Tensor(1.0 / 3.0, requires_grad=True)
    y = (x * 3.0).exp()
    dot = viz.to_dot(y, precision=2)
    assert "{ leaf | data 0.33 }" in dot and "{ Exp out | data 2.72 }" in dot
    assert "{ Mul out | data 1 }" in dot and "{ constant | data 3 }" in dot
    with pytest.raises(ValueError, match="precision"):
        viz.to_dot(y, precision=-1)


def test_collapse_draws_deep_regions_as_one_box():
    model = nn.MLP([2, 3, 3, 1])
    x = Tensor(np.ones((2, 2), dtype=np.float32), name="x")
    with viz.record(model):
        loss = model(x).sum()
    nodes, edges, clusters = parse(viz.to_dot(loss, collapse=1))
    boxes = re.findall(r'(box\d+) \[label="([^"]*)"', viz.to_dot(loss, collapse=1))
    assert boxes and boxes[0][1] == "layers: Sequential\\n5 ops"
    assert [c["label"] for c in clusters.values()] == ["MLP"]
    box = boxes[0][0]
    assert (find_tensor(nodes, "x"), box) in edges and edges.count((find_tensor(nodes, "x"), box)) == 1
    assert not any(i.startswith("op") and n["cluster"] for i, n in nodes.items())
    top = viz.to_dot(loss, collapse=0)
    assert "subgraph" not in top and 'label="MLP\\n5 ops"' in top
    with pytest.raises(ValueError, match="collapse"):
        viz.to_dot(loss, collapse=-1)


NASTY = 'say "hi" <b> & {braces} | pipe\nnew line \\ back'


def test_escaping_of_names_renders(tmp_path):
    x = Tensor([1.0], requires_grad=True, name=NASTY)
    with viz.region(NASTY):
        y = x * 2
    dot = viz.to_dot(y)
    assert r'say \"hi\" \<b\> & \{braces\} \| pipe\nnew line \\ back' in dot
    svg = open(viz.render(viz.draw_graph(y), tmp_path / "nasty.svg"), encoding="utf-8").read()
    assert "say &quot;hi&quot; &lt;b&gt; &amp; {braces} | pipe" in svg
    assert "new line \\ back" in svg


GOLDEN = '''digraph autograd {
\tgraph [rankdir=LR]
\tnode [fontname=Helvetica fontsize=10 shape=record style=filled]
\tedge [arrowsize=0.6]
\tt0 [label="{ a | data 2 | grad 6 }" fillcolor="#d4edda"]
\tt1 [label="{ b | data -3 | grad -4 }" fillcolor="#d4edda"]
\tt2 [label="{ e | data -6 | grad -2 }" fillcolor="#ffffff"]
\tt3 [label="{ c | data 10 | grad -2 }" fillcolor="#d4edda"]
\tt4 [label="{ d | data 4 | grad -2 }" fillcolor="#ffffff"]
\tt5 [label="{ f | data -2 | grad 4 }" fillcolor="#d4edda"]
\tt6 [label="{ L | data -8 | grad 1 }" fillcolor="#ffffff" penwidth=2]
\top0 [label=Mul fillcolor="#fff3cd" fontsize=9 height=0.3 shape=oval]
\top1 [label=Add fillcolor="#fff3cd" fontsize=9 height=0.3 shape=oval]
\top2 [label=Mul fillcolor="#fff3cd" fontsize=9 height=0.3 shape=oval]
\tt0 -> op0
\tt1 -> op0
\top0 -> t2
\tt2 -> op1
\tt3 -> op1
\top1 -> t4
\tt4 -> op2
\tt5 -> op2
\top2 -> t6
}
'''


def test_golden_dot_of_the_micrograd_example():
    loss = micrograd_example()
    loss.backward(retain_graph=True)
    assert viz.to_dot(loss) == GOLDEN
    assert viz.to_dot(loss) == viz.to_dot(loss)


def test_golden_dot_of_a_linear_layer_in_its_cluster():
    layer = nn.Linear(2, 1)
    layer.weight.data[...] = [[0.5, -1.0]]
    layer.bias.data[...] = 0.25
    with viz.record(layer):
        out = layer(Tensor([[1.0, 2.0]], name="x"))
    dot = viz.to_dot(out)
    assert dot.splitlines()[4:] == [
        '\tt0 [label="{ x\\nshape 1×2 | data [[1, 2]] }" fillcolor="#eeeeee"]',
        '\tsubgraph cluster_0 {',
        '\t\tcolor="#adb5bd" fillcolor="#f8f9fa" fontname=Helvetica fontsize=10 label=Linear labeljust=l '
        'labelloc=t style="rounded,filled"',
        '\t\tt1 [label="{ weight\\nshape 1×2 | data [[0.5, -1]] }" fillcolor="#cfe2ff"]',
        '\t\tt2 [label="{ bias\\nshape 1 | data [0.25] }" fillcolor="#cfe2ff"]',
        '\t\tt3 [label="{ Linear out\\nshape 1×1 | data [[-1.25]] }" fillcolor="#ffffff" penwidth=2]',
        '\t\top0 [label=Linear fillcolor="#fff3cd" fontsize=9 height=0.3 shape=oval]',
        '\t}', '\tt0 -> op0', '\tt1 -> op0', '\tt2 -> op0', '\top0 -> t3', '}']


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs the system Graphviz `dot`")
def test_the_micrograd_picture_renders_with_every_grad(tmp_path):
    named = micrograd_readme()
    named["g"].backward(retain_graph=True)
    svg = open(viz.render(viz.draw_graph(named["g"]), tmp_path / "g.svg"), encoding="utf-8").read()
    for text in ("data 24.7041", "grad 138.8338", "grad 645.5773"):
        assert text in svg
