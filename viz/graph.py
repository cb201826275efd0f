"""`draw_graph` and `to_dot`: a picture of the graph that autograd recorded.

The layout is micrograd's `draw_dot`, the one most people learned backprop from: one
record `{ name | data | grad }` per tensor, a small oval per op, edges input -> op ->
output, left to right. On top of it: shapes and value summaries for big tensors, colours
for the kinds of leaves, and clusters for regions (the Module call or the `viz.region`
block that made the ops, see `regions.py`).

Drawing only reads the graph: a tensor's `grad_fn` is the op that made it and
`grad_fn.inputs` are that op's input tensors. `backward()` frees those links as it goes
(unless `retain_graph=True`), so draw before backward, or call
`loss.backward(retain_graph=True)` to see the whole graph together with the gradients.
"""
import numpy as np

from tinygrad_edu import Tensor, get_default_dtype
from .regions import place_ops, common_region, recorded_regions
from .renderers import Picture

# fill colours, so the kind of a tensor shows at a glance
PARAMETER_COLOUR = "#cfe2ff"        # nn.Parameter: a trained weight (blue)
REQUIRES_GRAD_COLOUR = "#d4edda"    # another leaf that requires grad (green)
CONSTANT_COLOUR = "#eeeeee"         # a leaf without grad: input data, constants (grey)
RESULT_COLOUR = "#ffffff"           # made by an op (white)
OP_COLOUR = "#fff3cd"               # an op node (yellow)
HIGHLIGHT_COLOUR = "#f8d7da"        # a highlighted op, e.g. the current backprop step (red)
CLUSTER_COLOURS = ("#f8f9fa", "#eef1f4", "#e3e8ed")     # nested regions, darker inside

SMALL = 6                           # tensors with at most this many values show them all
_RANKDIRS = ("LR", "RL", "TB", "BT")
# backslash-escape what records treat as structure; a newline becomes DOT's centred line break
_RECORD_SPECIALS = str.maketrans({**{c: "\\" + c for c in "{}|<>\\"}, "\n": "\\n"})


def collect(roots):
    """Tensors and op nodes reachable from `roots`, found with an explicit stack.

    Returns (tensors, ops): tensors in the order they were found, and a dict mapping each
    op node to the list of tensors it made. No recursion, so a graph 100 000 ops deep is
    fine. A node whose inputs were freed by backward is kept, without its inputs.
    """
    tensors, ops = {}, {}
    stack = list(reversed(roots))
    while stack:
        t = stack.pop()
        if id(t) in tensors:
            continue
        tensors[id(t)] = t
        node = t.grad_fn
        if node is None:
            continue
        if node not in ops:
            ops[node] = []
            stack.extend(reversed(node.inputs or ()))
        ops[node].append(t)
    return list(tensors.values()), ops


def _as_roots(root, caller):
    roots = list(root) if isinstance(root, (list, tuple)) else [root]
    if not roots or not all(isinstance(t, Tensor) for t in roots):
        kinds = ", ".join(sorted({type(t).__name__ for t in roots})) or "an empty sequence"
        raise TypeError(f"viz.{caller}: root must be a Tensor or a list/tuple of Tensors, got "
                        f"{kinds}; pass the tensor the graph ends in, e.g. viz.{caller}(loss)")
    return roots


def summarize(array: np.ndarray) -> str:
    """The values of a small array, or mean and range of a big one (on two lines)."""
    if array.size == 1 and array.ndim == 0:
        return f"{array.item():.4g}" if array.dtype.kind in "fc" else str(array.item())
    if array.size <= SMALL:
        text = np.array2string(np.asarray(array), separator=", ",
                               formatter={"float_kind": lambda v: f"{v:.4g}"})
        rows = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
        return "\n".join(rows)                  # a row a line
    values = np.asarray(array, dtype=np.float64)
    return f"mean {values.mean():.4g}\nrange [{values.min():.4g}, {values.max():.4g}]"


def _kind(t):
    """(fill colour, word) for a tensor, from how it was made."""
    if t.grad_fn is not None:
        return RESULT_COLOUR, "result"
    if type(t).__name__ == "Parameter":      # nn.Parameter, without importing nn into viz
        return PARAMETER_COLOUR, "parameter"
    if t.requires_grad:
        return REQUIRES_GRAD_COLOUR, "leaf"
    return CONSTANT_COLOUR, "constant"


def tensor_label(t, show_data=True, show_grad=True, grad=None) -> str:
    """The record label `{ name shape | data ... | grad ... }` of one tensor.

    `grad` (an array) is shown instead of `t.grad` when given.
    """
    name = (t.name or "").translate(_RECORD_SPECIALS)
    shape = "shape " + "×".join(str(s) for s in t.shape) if t.ndim else "scalar"
    if t.dtype != get_default_dtype():
        shape += f" {t.dtype}"
    fields = [f"{name}\\n{shape}" if name else shape]
    if show_data:
        fields.append("data " + summarize(t.data).translate(_RECORD_SPECIALS))
    if grad is None and t.grad is not None:     # grads appear once backward computed them
        grad = t.grad.data
    if show_grad and grad is not None:
        fields.append("grad " + summarize(np.asarray(grad)).translate(_RECORD_SPECIALS))
    return "{ " + " | ".join(fields) + " }"


def draw_graph(root, show_data: bool = True, show_grad: bool = True, rankdir: str = "LR",
               cluster: bool = True, regions=None, grads=None, highlight=None) -> Picture:
    """Draw the graph that ends in `root` (a Tensor, or a list of Tensors) as a Digraph.

    Why: seeing the ops, the values and the gradients side by side is how backprop
    stops being magic. Each tensor is a record `{ name shape | data | grad }` (all values
    for tensors of up to 6 elements, else mean and range); each op a yellow oval named by
    its class (Mul, MatMul, Linear...). Colours: parameters blue, other leaves that require
    grad green, constants and input data grey, results white; the roots have a bold border.
    Node ids (t0, t1, ... and op0, op1, ...) follow the order the ops ran, so two builds
    of the same graph give the same DOT text.

    Ops made inside a Module call under `viz.record(model)` or inside
    `with viz.region(...)` are grouped in labelled clusters (`cluster=False` turns that
    off). Parameters go in the innermost cluster holding every op that uses them; input
    data and other leaves stay outside.

    Draw before `backward()`, or call `backward(retain_graph=True)`: backward frees the
    links between ops, and then only the part still linked is drawn (the picture says so).
    Leaves show `.grad` once computed; results show it only after `retain_grad()`.

    Args:
        root: the tensor the graph ends in (usually the loss), or a list of them.
        show_data: show the values (or their summary) of each tensor.
        show_grad: show `.grad` where it has been computed.
        rankdir: "LR" (left to right, micrograd's), "TB", "RL" or "BT".
        cluster: group ops by region.
        regions: the regions to use; by default every recorded region.
        grads: a dict {tensor: array} of gradients to show instead of `.grad` (tensors not
            in it show none), e.g. the deltas of `viz.backprop_steps`.
        highlight: an op node (`tensor.grad_fn`) or a list of them, drawn in red.

    Returns:
        a `graphviz.Digraph` (shows inline in Jupyter); `.source` is the DOT text.

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(2.0, requires_grad=True, name="a")
        >>> loss = a * a + 1
        >>> loss.backward(retain_graph=True)
        >>> picture = viz.draw_graph(loss)      # in a notebook: just `picture`
        >>> "grad 4" in picture.source
        True
    """
    roots = _as_roots(root, "draw_graph")
    if rankdir not in _RANKDIRS:
        raise ValueError(f"viz.draw_graph: rankdir must be one of {', '.join(_RANKDIRS)}, "
                         f"got {rankdir!r}")
    tensors, ops = collect(roots)
    order = sorted(ops, key=lambda node: node.seq)          # the order the ops ran

    # stable ids: number tensors as the ops that use and make them ran
    tensor_ids = {}
    for node in order:
        for t in list(node.inputs or ()) + ops[node]:
            tensor_ids.setdefault(id(t), f"t{len(tensor_ids)}")
    for t in tensors:                                       # roots that are leaves
        tensor_ids.setdefault(id(t), f"t{len(tensor_ids)}")
    op_ids = {node: f"op{i}" for i, node in enumerate(order)}

    # which cluster each op and each tensor goes to (None: top level)
    placement = place_ops([node.seq for node in order],
                          recorded_regions() if regions is None else regions) if cluster else None
    where = {}
    if placement is not None:
        consumers = {}
        for i, node in enumerate(order):
            where[op_ids[node]] = placement.owner[i]
            for t in ops[node]:
                where[tensor_ids[id(t)]] = placement.owner[i]
            for t in node.inputs or ():
                consumers.setdefault(id(t), []).append(placement.owner[i])
        for t in tensors:
            if t.grad_fn is None and _kind(t)[1] == "parameter":
                where[tensor_ids[id(t)]] = common_region(placement, consumers.get(id(t), [None]))

    # defaults suit the tensor records; op nodes override shape, colour and size
    graph = Picture(name="autograd", graph_attr={"rankdir": rankdir},
                    node_attr={"shape": "record", "style": "filled", "fontname": "Helvetica",
                               "fontsize": "10"},
                    edge_attr={"arrowsize": "0.6"})
    freed = any(node.inputs is None for node in order)
    if freed:
        graph.attr(label="part of this graph was freed by backward(): draw before backward, "
                         "or use backward(retain_graph=True)", labelloc="b", fontsize="10")
    root_ids = {id(t) for t in roots}
    shown_grads = None if grads is None else {id(t): g for t, g in grads.items()}
    if highlight is not None and not isinstance(highlight, (list, tuple, set)):
        highlight = [highlight]
    highlighted = {id(node) for node in highlight or ()}

    statements = {}     # region index (or None) -> list of (method, args, attrs)

    def add(key, *statement):
        statements.setdefault(where.get(key), []).append(statement)

    for t in sorted(tensors, key=lambda t: int(tensor_ids[id(t)][1:])):
        tid = tensor_ids[id(t)]
        colour, _ = _kind(t)
        if shown_grads is None:
            label = tensor_label(t, show_data, show_grad)
        else:
            label = tensor_label(t, show_data, show_grad and id(t) in shown_grads,
                                 shown_grads.get(id(t)))
        attrs = {"label": label, "fillcolor": colour}
        if id(t) in root_ids:
            attrs["penwidth"] = "2"
        add(tid, "node", tid, attrs)
    for node in order:
        oid = op_ids[node]
        attrs = {"label": type(node).__name__, "shape": "oval", "fillcolor": OP_COLOUR,
                 "fontsize": "9", "height": "0.3"}
        if id(node) in highlighted:
            attrs.update(fillcolor=HIGHLIGHT_COLOUR, color="#dc3545", penwidth="2")
        add(oid, "node", oid, attrs)
    # edges go in the top level: an edge inside a cluster would pull its far end in
    edges = []
    for node in order:
        for t in node.inputs or ():
            edges.append((tensor_ids[id(t)], op_ids[node]))
        for t in ops[node]:
            edges.append((op_ids[node], tensor_ids[id(t)]))

    _emit(graph, statements, placement)
    for tail, head in edges:
        graph.edge(tail, head)
    return graph


def _emit(graph, statements, placement):
    """Write the node statements, each region's inside its (nested) cluster."""
    for _, name, attrs in statements.get(None, []):
        graph.node(name, **attrs)
    if placement is None:
        return
    children = {}
    for r in range(len(placement.regions)):
        children.setdefault(placement.parent[r], []).append(r)

    # Region trees are as deep as module nesting (a handful), so recursion is fine here.
    def emit_region(parent_graph, r, depth):
        with parent_graph.subgraph(name=f"cluster_{r}") as sub:
            sub.attr(label=placement.regions[r].label,
                     labelloc="t", labeljust="l", style="rounded,filled",
                     fillcolor=CLUSTER_COLOURS[min(depth, len(CLUSTER_COLOURS) - 1)],
                     color="#adb5bd", fontsize="10", fontname="Helvetica")
            for _, name, attrs in statements.get(r, []):
                sub.node(name, **attrs)
            for child in children.get(r, []):
                emit_region(sub, child, depth + 1)

    for r in children.get(None, []):
        emit_region(graph, r, 0)


def to_dot(root, **options) -> str:
    """The DOT text of `draw_graph(root, **options)`: needs no renderer.

    Paste it into any Graphviz viewer, diff it in a test, or save it next to a notebook.

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> print(viz.to_dot((x * 3).sum()).splitlines()[0])
        digraph autograd {
    """
    return draw_graph(root, **options).source
