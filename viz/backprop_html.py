"""`save_backprop_html`: backprop you can step through in a browser, on your own graph.

The page shows the graph (Graphviz SVG, inline), the op of the current step in red, the
gradients appearing on the tensors as backprop computes them, and the text of the step
(`viz.print_backprop`'s) beside the picture; Prev / Next / Play and the arrow keys move
through the steps. Everything is in one file: it opens from a file:// URL with no network.
"""
import html
import json
import pathlib
import re

import numpy as np

from tinygrad_edu import Tensor
from .backprop import backprop_steps, step_lines
from .graph import BIG, collect, draw_graph, number_nodes
from .html_page import CSS, PAGE, SCRIPT
from .labels import PRECISION, one_line, title
from .renderers import render_bytes


def _svg_body(svg: bytes) -> str:
    """Graphviz's SVG without the XML prolog, doctype and comments (to sit inside HTML)."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def backprop_page_data(loss, gradient=None, precision: int = PRECISION):
    """(data, final) for the page: the JSON-able steps, and {tensor: final gradient}.

    Each step names its op node and output tensor (DOT ids), its text, and the changes
    [tensor id, grad text before, grad text after] it makes to the shown gradients.
    """
    steps = list(backprop_steps(loss, gradient))
    tensors, ops = collect([loss])
    order = sorted(ops, key=lambda node: node.seq)
    copies, op_ids, _, _ = number_nodes(order, ops, tensors, leaves_per_use=len(order) > BIG)
    tensor_ids = {key: ids[0] for key, ids in copies.items()}

    def text(array):
        return "grad " + one_line(array, precision)

    seed = steps[0].grad_output
    shown = {tensor_ids[id(loss)]: text(seed)}
    final = {loss: seed}
    records = []
    for k, step in enumerate(steps, 1):
        changes = []
        for t, total in zip(step.inputs, step.totals):
            if total is None or id(t) not in tensor_ids:
                continue
            after = text(total)
            for tid in copies[id(t)]:                   # a leaf drawn per use: every copy
                if any(c[0] == tid for c in changes):   # a + a: one change, the later total
                    changes = [c for c in changes if c[0] != tid]
                changes.append([tid, shown.get(tid, ""), after])
            final[t] = total
        for tid, _, after in changes:
            shown[tid] = after
        records.append({"op": op_ids[step.node], "out": tensor_ids[id(step.output)],
                        "text": "\n".join(step_lines(step, k, len(steps), precision)),
                        "changes": changes})
    intro = (f"Backprop of {title(loss)}: {len(steps)} steps, from the output back (seed 003).\n\n"
             f"delta(t) = dL/dt. At step 0 only the output knows its gradient: "
             f"d{title(loss)}/d{title(loss)} = {one_line(seed, precision)}.\n"
             f"Each step takes one op (red), multiplies the delta of its output by the op's local "
             f"derivative and adds the result to the gradient of each input (green).\n\n"
             f"Next / right arrow: one step. Play / space: all of them.")
    data = {"steps": records, "initial": [[tensor_ids[id(loss)], text(seed)]], "intro": intro,
            "interval": 700}
    return data, final


def save_backprop_html(loss, path, gradient=None, precision: int = PRECISION, rankdir: str = "LR",
                       title_text=None, renderer: str = "auto") -> str:
    """Write one self-contained HTML page that steps through backprop on `loss`'s graph.

    Why: backprop is easiest to understand watching it, one op at a time, on a graph you
    built yourself: which op runs, what delta arrives, what its local derivative is, and how
    each input's gradient grows (twice for a tensor used twice). The page has Prev / Next /
    Play buttons, arrow keys, a "k / N" counter, the current op highlighted, gradients that
    appear on the nodes as they are computed, and the text of each step beside the graph.
    No network is needed: open the file in any browser. `.grad` is not touched.

    Args:
        loss: the tensor to differentiate (one element unless `gradient` is given), with its
            graph intact (before `backward()`, or after `backward(retain_graph=True)`).
        path: the .html file to write (folders are created).
        gradient: dL/d(loss) for a non-scalar `loss`.
        precision: decimals of the numbers shown.
        rankdir: the direction of the graph ("LR" as micrograd, or "TB", ...).
        title_text: the page title (default: "Backprop of <loss name>").
        renderer: the Graphviz renderer for the picture ("auto", "dot" or "wasm").

    Returns:
        the path written.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(3.0, requires_grad=True, name="a")
        >>> page = viz.save_backprop_html((a * a + 1).tanh(), os.path.join(tempfile.mkdtemp(), "bp.html"))
        >>> "0 / 3" in open(page, encoding="utf-8").read()      # the step counter
        True
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"viz.save_backprop_html: expected the loss Tensor, got {type(loss).__name__}")
    path = pathlib.Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"viz.save_backprop_html: the page is HTML: give a path ending in .html, "
                         f"got {path.name!r}")
    data, final = backprop_page_data(loss, gradient, precision)
    # the final gradients fix the width of each record; the page hides them until reached
    picture = draw_graph(loss, grads=final, precision=precision, rankdir=rankdir,
                         _grad_one_line=True)
    svg = _svg_body(render_bytes(picture.source, "svg", renderer))
    heading = title_text or f"Backprop of {title(loss)}"
    # "</" must not end the JSON's script element early
    payload = json.dumps(data, ensure_ascii=False, default=_plain).replace("</", "<\\/")
    page = PAGE.format(title=html.escape(heading), css=CSS, total=len(data["steps"]), svg=svg,
                       data=payload, script=SCRIPT)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")
    return str(path)


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"viz.save_backprop_html: cannot write {type(value).__name__} into the page")
