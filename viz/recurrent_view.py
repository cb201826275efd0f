"""`draw_recurrent`: backprop through time, drawn: an RNN, LSTM or GRU unrolled with its gates.

One box per time step (time runs down the page), its gates as nodes with their values; every
shared weight drawn once, at the left, with an edge into each step and a table of what each
step sends back to it and the sum (the weight's gradient). The numbers come from
`recurrent_unroll.unroll`, which runs the module's own maths gate by gate.
"""
import html

import numpy as np

from .recurrent_unroll import unroll
from .renderers import Picture

GRADIENT = "#b2182b"            # the colour of every backward quantity in the picture
FILLS = {"weight": "#fde9c9", "affine": "#eeeeee", "gate": "#fff7c2", "state": "#dcebf7",
         "input": "#ffffff"}
SHORT = {"weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh"}
# node name -> (kind, title) in drawing order, per mode
NODES = {
    "rnn": [("z", "affine", "z = W_ih x + W_hh h + b"), ("h", "state", "h = {act}(z)")],
    "lstm": [("z", "affine", "z = W_ih x + W_hh h + b"),
             ("i", "gate", "i  input gate = σ(z_i)"), ("f", "gate", "f  forget gate = σ(z_f)"),
             ("g", "gate", "g  candidate = tanh(z_g)"), ("o", "gate", "o  output gate = σ(z_o)"),
             ("c", "state", "c = f⊙c + i⊙g"), ("h", "state", "h = o⊙tanh(c)")],
    "gru": [("xp", "affine", "p_x = W_ih x + b_ih  (3H)"),
            ("hp", "affine", "p_h = W_hh h + b_hh  (3H)"),
            ("r", "gate", "r  reset gate"), ("z", "gate", "z  update gate"),
            ("n", "gate", "n  candidate"), ("h", "state", "h = n + z⊙(h − n)")],
}
# the edges inside one step (tail, head), per mode; inputs and weights are added apart
INNER = {
    "rnn": [("z", "h")],
    "lstm": [("z", "i"), ("z", "f"), ("z", "g"), ("z", "o"), ("i", "c"), ("f", "c"), ("g", "c"),
             ("c", "h"), ("o", "h")],
    "gru": [("xp", "r"), ("hp", "r"), ("xp", "z"), ("hp", "z"), ("xp", "n"), ("hp", "n"),
            ("r", "n"), ("n", "h"), ("z", "h")],
}
RECURRENT_FONT = {"fontsize": "11", "fontcolor": "#1f5f99", "fontname": "Helvetica"}
USES = {"rnn": {"ih": "z", "hh": "z"}, "lstm": {"ih": "z", "hh": "z"},
        "gru": {"ih": "xp", "hh": "hp"}}


def _vector(values, limit=4) -> str:
    """'+0.52 −0.61 +0.47' (sample 0); longer than `limit`: the first 3 values and the count."""
    count = limit if len(values) <= limit else 3
    shown = " ".join(f"{v:+.2f}".replace("-", "−") for v in values[:count])
    return shown if len(values) <= limit else f"{shown} … ({len(values)})"


def _norm(a) -> str:
    return f"{float(np.linalg.norm(a)):.3g}"


def _signed(v) -> str:
    return f"{v:+.3g}".replace("-", "−")


def _node_label(title, tensor, show_grad, show_data, given=None) -> str:
    """HTML label: the input it takes (`given`), the formula, the values of sample 0, the gradient."""
    rows = [f"<B>{html.escape(title)}</B>"]
    if show_data:
        values = tensor.data[0]
        if len(values) > 4 and title.startswith(("z =", "p_")):
            rows.append(f"norm {_norm(values)}")
        else:
            rows.append(_vector(values))
    if show_grad and tensor.grad is not None:
        grad = tensor.grad.data[0]
        text = (f"∂L/∂{title.split()[0]}: norm {_norm(grad)}" if len(grad) > 4
                else f"∂L/∂{title.split()[0]} = {_vector(grad)}")
        rows.append(f'<FONT COLOR="{GRADIENT}">{html.escape(text)}</FONT>')
    cells = "".join(f"<TR><TD>{row}</TD></TR>" for row in rows)
    if given is not None:                   # the step's input x_t, drawn inside the node it enters
        cells = f'<TR><TD BGCOLOR="white" BORDER="1" COLOR="#999999">{given}</TD></TR>' + cells
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="1">{cells}</TABLE>>'


def _ledger(name, short, layer, sent, total, layers) -> str:
    """The table of one shared weight: what each step sends it, and the sum (its gradient)."""
    label = SHORT[short] + (f" (layer {layer})" if layers > 1 else "")
    shape = "×".join(str(s) for s in total.shape)
    index = np.unravel_index(int(np.argmax(np.abs(total))), total.shape)
    where = ",".join(str(int(i)) for i in index)
    rows = [f'<TR><TD COLSPAN="3" ALIGN="LEFT"><B>{html.escape(label)}</B> ({shape})</TD></TR>',
            f'<TR><TD ALIGN="LEFT"><FONT COLOR="{GRADIENT}">step t sends</FONT></TD>'
            f'<TD ALIGN="RIGHT">norm</TD><TD ALIGN="RIGHT">entry [{where}]</TD></TR>']
    for t, part in enumerate(sent):
        rows.append(f'<TR><TD ALIGN="LEFT">t = {t}</TD><TD ALIGN="RIGHT">{_norm(part)}</TD>'
                    f'<TD ALIGN="RIGHT">{_signed(part[index])}</TD></TR>')
    rows.append(f'<TR><TD ALIGN="LEFT" BORDER="1" SIDES="T"><FONT COLOR="{GRADIENT}"><B>'
                f'∂L/∂{html.escape(SHORT[short])} = Σ_t</B></FONT></TD>'
                f'<TD ALIGN="RIGHT" BORDER="1" SIDES="T"><B>{_norm(total)}</B></TD>'
                f'<TD ALIGN="RIGHT" BORDER="1" SIDES="T"><B>{_signed(total[index])}</B></TD></TR>')
    return ('<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3">'
            + "".join(rows) + "</TABLE>>")


def _title(unrolled, module, loss_text) -> str:
    name = f"{unrolled.kind}({module.input_size} → {unrolled.hidden})"
    sample = f"; values of sample 0 of {unrolled.batch}" if unrolled.batch > 1 else ""
    return ("<<B>" + html.escape(f"{name} unrolled over {unrolled.steps} steps: backprop through "
                                 f"time") + "</B><BR/>"
            + html.escape(f"Each weight is one tensor used at every step, so its gradient is "
                          f"the sum of what every step sends it. {loss_text}{sample}.")
            + f'<BR/><FONT COLOR="{GRADIENT}">red: gradients (∂L/∂·)</FONT>' + ">")


def draw_recurrent(module, x, hx=None, loss_fn=None, show_data: bool = True,
                   show_grad: bool = True) -> Picture:
    """Draw backprop through time: `module` unrolled over `x`, gates as nodes, shared weights once.

    Why: the fused recurrent layers run one graph node per step, which hides both what an LSTM is
    and why BPTT sums over time. Here each time step is a box `t = k` (time runs down the page)
    holding its nodes with their values (LSTM: z, the gates i, f, g, o, the cell c and the state
    h; GRU: the two affine parts, r, z, n, h; RNN: z, h). Every shared weight is drawn once, at
    the left, with an edge into each step, and a table lists what each step sends back to it
    (the Frobenius norm and one entry of dL/dW at that step) and their sum, the weight's
    gradient: the additive combination of the course notes (sec. 7.2, "notice weight sharing").
    The states h and c also show dL/dh and dL/dc: what later steps send back through time.

    The loss is `loss_fn(output)`, where `output` is what the module returns first (the h of
    every step of the last layer, in the module's layout; for a cell, the h of every step
    stacked as (L, N, H)); by default the sum of all those outputs. The numbers are the
    module's (its own weights, the same maths as its fused forward, checked in the tests);
    the module and its `.grad` are not changed. Values shown are those of sample 0.
    Keep it small: 3 to 5 steps, hidden size up to 4 (longer vectors are cut).

    Args:
        module: nn.RNN, nn.LSTM, nn.GRU (one direction, any num_layers, batch_first as set), or
            nn.RNNCell, nn.LSTMCell, nn.GRUCell (then `x` is (L, N, I)).
        x: the input sequence, a Tensor or array (L, N, I) (or (N, L, I) with batch_first), or one
            unbatched sequence (L, I).
        hx: initial state as the module takes it (None: zeros).
        loss_fn: a function of `output` returning a scalar Tensor; None: `output.sum()`.
        show_data, show_grad: print values, and gradients of the states, on the nodes.

    Returns:
        a `viz.Picture` (a graphviz.Digraph: inline in Jupyter, `viz.render(picture, "b.svg")`).
        `picture.sent[name]` is an array (L, *shape): row t is what step t sends to the
        parameter `name` (e.g. 'weight_hh_l0'); `picture.total[name]` is their sum, equal to
        the `.grad` that backward gives the module's own parameter; `picture.loss` is L and
        `picture.outputs` holds the final states.

    Example:
        >>> from tinygrad_edu import Tensor, nn, viz
        >>> lstm = nn.LSTM(2, 3)
        >>> picture = viz.draw_recurrent(lstm, Tensor.randn(3, 1, 2, seed=0))
        >>> picture.sent["weight_hh_l0"].shape           # one gradient per step
        (3, 12, 3)
        >>> "forget gate" in picture.source and "t = 2" in picture.source
        True
    """
    caller = "viz.draw_recurrent"
    if loss_fn is not None and not callable(loss_fn):
        raise TypeError(f"{caller}: loss_fn must be a function of the output returning a scalar "
                        f"Tensor, got {type(loss_fn).__name__}")
    unrolled = unroll(module, x, hx, loss_fn, caller)
    loss_text = (f"L = sum of all outputs h_t = {unrolled.loss:.4g}" if loss_fn is None
                 else f"L = loss_fn(output) = {unrolled.loss:.4g}")
    picture = Picture(name="bptt", graph_attr={
        "rankdir": "LR", "fontname": "Helvetica", "fontsize": "12", "labelloc": "t",
        "labeljust": "l", "nodesep": "0.1", "ranksep": "0.28", "newrank": "true",
        "label": _title(unrolled, module, loss_text)},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica",
                   "fontsize": "11", "margin": "0.06,0.03", "height": "0.3", "penwidth": "0.8"},
        edge_attr={"arrowsize": "0.55", "color": "#666666", "penwidth": "0.8"})
    _draw(picture, unrolled, module, show_data, show_grad)
    picture.sent, picture.total, picture.loss = unrolled.sent, unrolled.total, unrolled.loss
    picture.outputs = unrolled.outputs
    return picture


def _draw(picture, unrolled, module, show_data, show_grad):
    """The weight tables, one box per step with its nodes, and all the edges."""
    mode = unrolled.mode
    act = getattr(module, "nonlinearity", "tanh")
    with picture.subgraph(name="cluster_weights") as weights:
        weights.attr(label="shared weights, each drawn once", style="rounded,dashed",
                     color="#c98a2b", fontsize="12", labeljust="l")
        for name, (layer, short) in unrolled.parameters.items():
            weights.node(f"w_{name}", _ledger(name, short, layer, unrolled.sent[name],
                                              unrolled.total[name], unrolled.layers),
                         shape="box", style="filled", fillcolor=FILLS["weight"], margin="0.04")
    bias = any(short.startswith("bias") for _, short in unrolled.parameters.values())
    for t, row in enumerate(unrolled.nodes):
        with picture.subgraph(name=f"cluster_t{t}") as step:
            step.attr(label=f"t = {t}", style="rounded", color="#999999", fontsize="12",
                      labeljust="l")
            given = f"<B>x_{t}</B> = {_vector(unrolled.inputs[t][0])}"
            for k, nodes in enumerate(row):
                if len(row) == 1:
                    _layer_nodes(step, t, k, nodes, mode, act, show_data, show_grad, given, bias)
                    continue
                with step.subgraph(name=f"cluster_t{t}_layer{k}") as layer:
                    layer.attr(label=f"layer {k}", style="rounded,dotted", fontsize="11")
                    _layer_nodes(layer, t, k, nodes, mode, act, show_data, show_grad,
                                 given if k == 0 else None, bias)
        for k in range(unrolled.layers):
            _step_edges(picture, unrolled, t, k)


def _layer_nodes(graph, t, k, nodes, mode, act, show_data, show_grad, given=None, bias=True):
    """The nodes of step t, layer k, each with its formula and values; `given` (the input x_t)
    is drawn inside the node that takes it."""
    for key, kind, title in NODES[mode]:
        takes = given if key == USES[mode]["ih"] else None
        formula = title.format(act=act)
        if not bias:                          # a module built with bias=False
            formula = formula.replace(" + b_ih", "").replace(" + b_hh", "").replace(" + b", "")
        label = _node_label(formula, nodes[key], show_grad, show_data, takes)
        graph.node(f"n{t}_{k}_{key}", label, fillcolor=FILLS[kind])


def _step_edges(picture, unrolled, t, k):
    """Edges into step t, layer k: its input, the previous step's state, the shared weights."""
    mode, node = unrolled.mode, (lambda key, step=t: f"n{step}_{k}_{key}")
    for tail, head in INNER[mode]:
        picture.edge(node(tail), node(head))
    if k > 0:
        picture.edge(f"n{t}_{k - 1}_h", node(USES[mode]["ih"]), constraint="false")
    if t > 0:
        previous = lambda key: f"n{t - 1}_{k}_{key}"        # noqa: E731
        picture.edge(previous("h"), node(USES[mode]["hh"]), constraint="false",
                     color="#1f5f99", xlabel="h", **RECURRENT_FONT)
        if mode == "gru":
            picture.edge(previous("h"), node("h"), constraint="false", color="#1f5f99")
        if mode == "lstm":
            picture.edge(previous("c"), node("c"), constraint="false", color="#1f5f99",
                         xlabel="c", tailport="s", headport="n", **RECURRENT_FONT)
    suffix = "" if unrolled.kind.endswith("Cell") else f"_l{k}"
    for short in ("weight_ih", "bias_ih", "weight_hh", "bias_hh"):
        name = short + suffix
        if name in unrolled.parameters:
            head = node(USES[mode]["ih" if short.endswith("ih") else "hh"])
            picture.edge(f"w_{name}", head, color="#c98a2b", style="dashed", constraint="true")
