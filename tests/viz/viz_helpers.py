"""Read back the DOT text that viz writes: nodes with their attributes, edges, clusters."""
import re

from tinygrad_edu import Tensor

_NODE = re.compile(r'^\s*(t\d+|op\d+) \[(.*)\]$')
_ATTR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')
_EDGE = re.compile(r'^\s*(\w+) -> (\w+)')
_CLUSTER = re.compile(r'^(\s*)subgraph (cluster_\d+) \{')
_LABEL = re.compile(r'\blabel=("(?:[^"\\]|\\.)*"|[^\s"]+)')


def _unquote(value):
    return value[1:-1] if value.startswith('"') else value


def parse(dot):
    """(nodes, edges, clusters) of a DOT text written by viz.draw_graph.

    nodes: id -> {"attrs": dict, "cluster": innermost cluster id or None}
    edges: list of (tail, head) in order
    clusters: id -> {"label": str, "parent": cluster id or None}
    """
    nodes, edges, clusters = {}, [], {}
    stack = []      # (indent, cluster id) of the open subgraphs
    for line in dot.splitlines():
        indent = len(line) - len(line.lstrip("\t"))
        while stack and indent <= stack[-1][0]:
            stack.pop()
        match = _CLUSTER.match(line)
        if match:
            clusters[match.group(2)] = {"label": None, "parent": stack[-1][1] if stack else None}
            stack.append((indent, match.group(2)))
            continue
        match = _NODE.match(line)
        if match:
            attrs = {k: _unquote(v) for k, v in _ATTR.findall(match.group(2))}
            nodes[match.group(1)] = {"attrs": attrs, "cluster": stack[-1][1] if stack else None}
            continue
        match = _EDGE.match(line)
        if match:
            edges.append((match.group(1), match.group(2)))
            continue
        match = _LABEL.search(line)
        if match and stack and clusters[stack[-1][1]]["label"] is None:
            clusters[stack[-1][1]]["label"] = _unquote(match.group(1))
    return nodes, edges, clusters


def fields(label):
    """The fields of a record label '{ a | b | c }' (line breaks kept as '\\n')."""
    return [f.strip() for f in label.strip("{} ").split(" | ")]


def find_tensor(nodes, name):
    """The id of the tensor node whose record starts with `name`."""
    hits = [i for i, n in nodes.items()
            if i.startswith("t") and fields(n["attrs"]["label"])[0].split("\\n")[0] == name]
    assert len(hits) == 1, f"expected one tensor named {name!r}, found {hits}"
    return hits[0]


def ops_of(nodes, cluster=None, everywhere=False):
    """Sorted op names (labels) of the op nodes in `cluster` (or in all clusters)."""
    return sorted(n["attrs"]["label"] for i, n in nodes.items()
                  if i.startswith("op") and (everywhere or n["cluster"] == cluster))


def micrograd_example():
    """micrograd's README graph: L = (a * b + c) * f."""
    a = Tensor(2.0, requires_grad=True, name="a")
    b = Tensor(-3.0, requires_grad=True, name="b")
    c = Tensor(10.0, requires_grad=True, name="c")
    f = Tensor(-2.0, requires_grad=True, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    loss = d * f
    loss.name = "L"
    return loss
