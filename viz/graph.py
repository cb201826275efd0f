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
import graphviz

from tinygrad_edu import Tensor
from .labels import dot_text
from .labels import (PRECISION, PARAMETER_COLOUR, REQUIRES_GRAD_COLOUR, CONSTANT_COLOUR,  # noqa: F401
                     RESULT_COLOUR, SMALL, kind, summarize, tensor_label)
from .regions import place_ops, common_region, recorded_regions
from .renderers import Picture

OP_COLOUR = "#fff3cd"               # an op node (yellow)
HIGHLIGHT_COLOUR = "#f8d7da"        # a highlighted op, e.g. the current backprop step (red)
COLLAPSED_COLOUR = "#e2e3e5"        # a region drawn as one box (collapse=)
CLUSTER_COLOURS = ("#f8f9fa", "#eef1f4", "#e3e8ed")     # nested regions, darker inside
_RANKDIRS = ("LR", "RL", "TB", "BT")


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


def _per_use(t) -> bool:
    """A Python number turned constant (one value, no name, no grad): drawn once per use."""
    return t.grad_fn is None and not t.requires_grad and t.data.size == 1 and not t.name


def _every_gradient(roots, tensors, ops, grads):
    """The gradients to show: {id(tensor): array}, or None to show `.grad` only.

    grads="all": dL/d(tensor) of every tensor, by viz's own walk (`.grad` untouched).
    Default: after `backward()` (some leaf has `.grad`) the same for results, `.grad` for leaves.
    """
    if isinstance(grads, dict):
        return {id(t): g for t, g in grads.items()}
    if grads is not None and grads != "all":
        raise ValueError(f"viz.draw_graph: grads must be None, 'all' or a dict {{tensor: array}}, "
                         f"got {grads!r}")
    intact = len(roots) == 1 and roots[0].grad_fn is not None and roots[0].data.size == 1 \
        and all(node.inputs is not None for node in ops)
    ran = any(t.grad is not None for t in tensors if t.grad_fn is None)
    if not intact or (grads is None and not ran):
        if grads == "all":
            raise ValueError("viz.draw_graph: grads='all' needs one root with one element (the "
                             "loss) and a graph not freed by backward(); draw before backward, "
                             "or use backward(retain_graph=True)")
        return None
    from .backprop import gradients         # backprop draws with this module: import late
    found = gradients(roots[0])
    if grads is None:                       # leaves keep what backward() put in .grad
        for t in tensors:
            if t.grad_fn is None:
                found.pop(id(t), None)
                if t.grad is not None:
                    found[id(t)] = t.grad.data
    return found


BIG = 300          # ops: from here leaves used twice are drawn per use, so dot stays fast


def number_nodes(order, ops, tensors, constants_per_use=True, leaves_per_use=False):
    """Stable node ids: tensors t0, t1, ... as the ops that use and make them ran, ops op0, ...

    Returns (copies {id(tensor): [its node ids]}, op_ids {node: id}, uses {node: [input ids]},
    drawn [(id, tensor)] for every tensor node). A per-use constant (and with
    `leaves_per_use` every leaf) gets a fresh node at each use.
    """
    copies, uses, drawn = {}, {}, []

    def new_id(t):
        tid = f"t{len(drawn)}"
        drawn.append((tid, t))
        copies.setdefault(id(t), []).append(tid)
        return tid

    for node in order:
        ids = []
        for t in node.inputs or ():
            if (constants_per_use and _per_use(t)) or (leaves_per_use and t.grad_fn is None):
                ids.append(new_id(t))
            else:
                ids.append(copies[id(t)][0] if id(t) in copies else new_id(t))
        uses[node] = ids
        for t in ops[node]:
            if id(t) not in copies:
                new_id(t)
    for t in tensors:                                       # roots that are leaves
        if id(t) not in copies:
            new_id(t)
    return copies, {node: f"op{i}" for i, node in enumerate(order)}, uses, drawn


def draw_graph(root, show_data: bool = True, show_grad: bool = True, rankdir: str = "LR",
               cluster: bool = True, regions=None, grads=None, highlight=None,
               precision: int = PRECISION, constants_per_use: bool = True, collapse=None,
               leaves_per_use=None, _grad_one_line: bool = False) -> Picture:
    """Draw the graph that ends in `root` (a Tensor, or a list of Tensors) as a Digraph.

    Why: seeing the ops, the values and the gradients side by side is how backprop
    stops being magic. Each tensor is a record `{ name shape | data | grad }` (all values
    for tensors of up to 6 elements, else mean and range); each op a yellow oval named by
    its class (Mul, MatMul, Linear...). A tensor without a name is called by what made it
    ("Mul out", "constant"). Colours: parameters blue, other leaves that require grad green,
    constants and input data grey, results white; the roots have a bold border. Node ids
    (t0, t1, ... and op0, op1, ...) follow the order the ops ran, so two builds of the same
    graph give the same DOT text.

    Every gradient, as micrograd shows it: after `loss.backward(retain_graph=True)` each
    result shows dL/d(result) too (computed by viz's own walk over the graph; `.grad` of
    your tensors is neither used for results nor changed), leaves show their `.grad`.
    `grads="all"` shows every gradient even before `backward()`.

    Ops made inside a Module call under `viz.record(model)` or inside
    `with viz.region(...)` are grouped in labelled clusters (`cluster=False` turns that
    off); `collapse=k` draws each region k levels deep (0: the outermost) as one box.
    Parameters go in the innermost cluster holding every op that uses them; input data and
    other leaves stay outside. Python numbers (the 2 of `x * 2`) get a node per use.

    Draw before `backward()`, or call `backward(retain_graph=True)`: backward frees the
    links between ops, and then only the part still linked is drawn (the picture says so).

    Args:
        root: the tensor the graph ends in (usually the loss), or a list of them.
        show_data: show the values (or their summary) of each tensor.
        show_grad: show the gradients (see above).
        rankdir: "LR" (left to right, micrograd's), "TB", "RL" or "BT".
        cluster: group ops by region.
        regions: the regions to use; by default every recorded region.
        grads: None (see above), "all", or a dict {tensor: array} of gradients to show
            (tensors not in it show none), e.g. the deltas of `viz.backprop_steps`.
        highlight: an op node (`tensor.grad_fn`) or a list of them, drawn in red.
        precision: decimals of the numbers (micrograd's 4: `24.7041`).
        constants_per_use: draw a one-value unnamed constant once per op that uses it, so
            no long edges run across the picture to one shared node.
        collapse: None, or the region depth from which regions are drawn as one box each.
        leaves_per_use: draw every leaf (weights, inputs) once per op that uses it; by
            default only for graphs of more than 300 ops, where long fan-out edges would make
            Graphviz's layout take minutes.

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
    if not isinstance(precision, int) or isinstance(precision, bool) or not 0 <= precision <= 12:
        raise ValueError(f"viz.draw_graph: precision (decimals) must be an int in [0, 12], "
                         f"got {precision!r}")
    if collapse is not None and (not isinstance(collapse, int) or collapse < 0):
        raise ValueError(f"viz.draw_graph: collapse must be None or a region depth >= 0, "
                         f"got {collapse!r}")
    tensors, ops = collect(roots)
    order = sorted(ops, key=lambda node: node.seq)          # the order the ops ran
    shown = _every_gradient(roots, tensors, ops, grads) if show_grad else None

    if leaves_per_use is None:
        leaves_per_use = len(order) > BIG
    copies, op_ids, uses, drawn = number_nodes(order, ops, tensors, constants_per_use, leaves_per_use)
    tensor_ids = {key: ids[0] for key, ids in copies.items()}

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
            if t.grad_fn is None and kind(t)[1] == "parameter":
                where[tensor_ids[id(t)]] = common_region(placement, consumers.get(id(t), [None]))
        for tid, t in drawn:                                # a per-use constant sits by its op
            if len(copies[id(t)]) > 1 or (constants_per_use and _per_use(t)):
                where[tid] = next((where[op_ids[n]] for n in order if tid in uses[n]), None)
    boxes = _collapsed(placement, collapse) if placement is not None and collapse is not None else {}

    # defaults suit the tensor records; op nodes override shape, colour and size
    graph_attr = {"rankdir": rankdir}
    if len(order) > BIG:                    # fewer network-simplex rounds: seconds, not minutes
        graph_attr.update(nslimit="0.1", nslimit1="0.1")
    graph = Picture(name="autograd", graph_attr=graph_attr,
                    node_attr={"shape": "record", "style": "filled", "fontname": "Helvetica",
                               "fontsize": "10"},
                    edge_attr={"arrowsize": "0.6"})
    if any(node.inputs is None for node in order):
        graph.attr(label="part of this graph was freed by backward(): draw before backward, "
                         "or use backward(retain_graph=True)", labelloc="b", fontsize="10")
    root_ids = {id(t) for t in roots}
    if highlight is not None and not isinstance(highlight, (list, tuple, set)):
        highlight = [highlight]
    highlighted = {id(node) for node in highlight or ()}

    statements = {}     # region index (or None) -> list of (method, args, attrs)
    alias = {}          # node id -> the collapsed box that replaces it

    def add(key, name, attrs):
        box = boxes.get(where.get(key))
        if box is not None:
            alias[name] = f"box{box}"
            return
        statements.setdefault(where.get(key), []).append(("node", name, attrs))

    for tid, t in drawn:
        if shown is None:
            label = tensor_label(t, show_data, show_grad, precision=precision,
                                 grad_placeholder=_grad_one_line)
        else:
            label = tensor_label(t, show_data, show_grad and id(t) in shown, shown.get(id(t)),
                                 precision, _grad_one_line)
        attrs = {"label": label, "fillcolor": kind(t)[0]}
        if id(t) in root_ids:
            attrs["penwidth"] = "2"
        add(tid, tid, attrs)
    for node in order:
        oid = op_ids[node]
        attrs = {"label": dot_text(type(node).__name__), "shape": "oval", "fillcolor": OP_COLOUR,
                 "fontsize": "9", "height": "0.3"}
        if id(node) in highlighted:
            attrs.update(fillcolor=HIGHLIGHT_COLOUR, color="#dc3545", penwidth="2")
        add(oid, oid, attrs)
    for r in sorted(set(boxes.values())):
        count = sum(1 for node in order if boxes.get(where[op_ids[node]]) == r)
        label = graphviz.nohtml(f"{dot_text(placement.regions[r].label)}\\n{count} ops")
        statements.setdefault(placement.parent[r], []).append(
            ("node", f"box{r}", {"label": label, "shape": "box3d", "fillcolor": COLLAPSED_COLOUR}))
    # edges go in the top level: an edge inside a cluster would pull its far end in
    edges, seen = [], set()
    for node in order:
        pairs = [(tid, op_ids[node]) for tid in uses[node]]
        pairs += [(op_ids[node], tensor_ids[id(t)]) for t in ops[node]]
        for tail, head in pairs:
            tail, head = alias.get(tail, tail), alias.get(head, head)
            if tail == head or (tail.startswith("box") or head.startswith("box")) and (tail, head) in seen:
                continue                    # inside a box, or a repeat of a box's edge
            seen.add((tail, head))
            edges.append((tail, head))

    _emit(graph, statements, placement, set(boxes))
    for tail, head in edges:
        graph.edge(tail, head)
    return graph


def _collapsed(placement, depth):
    """{region: the region at `depth` that contains it} for the regions drawn as one box."""
    boxes = {}
    for r in range(len(placement.regions)):
        chain = [r]
        while placement.parent[chain[-1]] is not None:
            chain.append(placement.parent[chain[-1]])
        chain.reverse()                     # outermost first: chain[k] is at depth k
        if len(chain) > depth:
            boxes[r] = chain[depth]
    return boxes


def _emit(graph, statements, placement, collapsed=()):
    """Write the node statements, each region's inside its (nested) cluster.

    Regions in `collapsed` get no cluster: a box node in their parent stands for them.
    """
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
            sub.attr(label=dot_text(placement.regions[r].label),
                     labelloc="t", labeljust="l", style="rounded,filled",
                     fillcolor=CLUSTER_COLOURS[min(depth, len(CLUSTER_COLOURS) - 1)],
                     color="#adb5bd", fontsize="10", fontname="Helvetica")
            for _, name, attrs in statements.get(r, []):
                sub.node(name, **attrs)
            for child in children.get(r, []):
                if child not in collapsed:
                    emit_region(sub, child, depth + 1)

    for r in children.get(None, []):
        if r not in collapsed:
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
