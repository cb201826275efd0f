"""`backprop_page`: backprop you can step through, in a notebook cell or as an HTML file.

The page shows the graph (Graphviz SVG, inline), the op of the current step in red, the
gradients appearing on the tensors as backprop computes them, and the text of the step
(`viz.print_backprop`'s) beside or below the picture; Prev / Next / Play and the arrow keys
move through the steps. Everything is in one file: it opens from a file:// URL with no
network. In a notebook the same page sits in an `<iframe srcdoc=...>`, so its CSS and
script never touch the notebook around it.
"""
import html
import pathlib
import re

from tinygrad_edu import Tensor
from .backprop import backprop_steps, step_lines
from .graph import BIG, collect, draw_graph, number_nodes
from .html_page import CSS, PAGE, SCRIPT
from .labels import PRECISION, json_for_script, one_line, title as tensor_title
from .renderers import render_bytes
from tinygrad_edu.safe_files import atomic_write

LAYOUTS = ("LR", "TB")              # the layouts rankdir=None chooses from (LR wins ties)
# graph panels (CSS px) the layout is chosen for: a notebook cell of ~900 px, a 1400 px window
PANELS = ((880, 500), (1000, 780))
MIN_TEXT_PX = 11                    # no view the page opens or fits to shows smaller node text
MAX_ZOOM = 1.5                      # Fit enlarges a small graph up to this much
SMALLEST_FONT_PT = 9                # the op labels of draw_graph (records use 10)
PX_PER_PT = 4 / 3                   # Graphviz writes sizes in points
IFRAME_HEIGHTS = (420, 720)         # px: the inline stepper's smallest and largest height
_SIZE = re.compile(r'<svg[^>]*?width="([\d.]+)pt"[^>]*?height="([\d.]+)pt"')


def _svg_body(svg: bytes) -> str:
    """Graphviz's SVG without the XML prolog, doctype and comments (to sit inside HTML)."""
    text = svg.decode("utf-8")
    text = text[text.index("<svg"):]
    return re.sub(r"<!--.*?-->", "", text, flags=re.S)


def _svg_size(svg: str):
    """(width, height) of a Graphviz SVG in CSS px at zoom 1."""
    match = _SIZE.search(svg)
    return float(match.group(1)) * PX_PER_PT, float(match.group(2)) * PX_PER_PT


def readable_zoom(size, panel):
    """The zoom the page opens at: the whole graph if it fits, never text below 11 px."""
    smallest = MIN_TEXT_PX / (SMALLEST_FONT_PT * PX_PER_PT)
    return max(smallest, min(MAX_ZOOM, panel[0] / size[0], panel[1] / size[1]))


def layout_score(size):
    """How much of the graph is in view at a readable zoom, summed over the reference panels.

    Why: a long chain drawn left to right is one wide strip that needs sideways scrolling,
    while top to bottom it may fit; a wide layer is the other way round. The score is the
    fraction of the drawing visible without scrolling (1 per panel when it all fits), then
    the zoom (bigger text), measured on the rendered SVG, not guessed from the graph.
    """
    seen = zoom = 0.0
    for panel in PANELS:
        z = readable_zoom(size, panel)
        seen += min(1.0, panel[0] / (size[0] * z)) * min(1.0, panel[1] / (size[1] * z))
        zoom += z
    return seen, zoom


def choose_layout(sizes: dict) -> str:
    """The rankdir of `sizes` ({rankdir: (w, h) px}) whose drawing reads best; LR on near-ties."""
    scores = {rankdir: layout_score(size) for rankdir, size in sizes.items()}
    best = "LR" if "LR" in scores else next(iter(scores))
    for rankdir, (seen, zoom) in scores.items():
        best_seen, best_zoom = scores[best]
        if seen > best_seen * 1.1 or (seen >= best_seen * 0.99 and zoom > best_zoom * 1.1):
            best = rankdir
    return best


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
    name = tensor_title(loss)
    intro = (f"Backprop of {name}: {len(steps)} steps, from the output back.\n\n"
             f"delta(t) = dL/dt. At step 0 only the output knows its gradient: "
             f"d{name}/d{name} = {one_line(seed, precision)}.\n"
             f"Each step takes one op (red), multiplies the delta of its output by the op's local "
             f"derivative and adds the result to the gradient of each input (green).\n\n"
             f"Next / right arrow: one step. Play / space: all of them.")
    data = {"steps": records, "initial": [[tensor_ids[id(loss)], text(seed)]], "intro": intro,
            "loss": tensor_ids[id(loss)], "interval": 700, "minTextPx": MIN_TEXT_PX,
            "maxZoom": MAX_ZOOM}
    return data, final


class BackpropPage:
    """The backprop stepper of one graph: inline in a notebook, `.save(path)` for a file.

    Made by `viz.backprop_page`. A notebook shows it through `_repr_html_`: the page inside
    an `<iframe srcdoc=...>` (sandboxed: its script runs, but cannot reach the notebook),
    so it works wherever a notebook shows HTML, the HTML of `jupyter nbconvert` included.

    Attributes:
        html: the standalone page (one HTML document, no network needed).
        steps: the number of backprop steps.
        rankdir: the layout drawn ("LR" or "TB" when chosen, else the one asked for).
    """

    def __init__(self, page: str, steps: int, rankdir: str, size, heading: str):
        self.html = page
        self.steps = steps
        self.rankdir = rankdir
        self._size = size
        self._heading = heading

    def save(self, path) -> str:
        """Write the standalone page to `path` (.html; folders are created); return the path."""
        path = _html_path(path, "BackpropPage.save")
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, self.html, owner="BackpropPage.save")   # a symlink is replaced
        return str(path)

    def iframe_height(self) -> int:
        """Pixels for the inline stepper: the graph at its opening zoom, the controls and the text."""
        panel = PANELS[0]
        graph = self._size[1] * readable_zoom(self._size, panel)
        return int(min(IFRAME_HEIGHTS[1], max(IFRAME_HEIGHTS[0], graph + 220)))

    def _repr_html_(self) -> str:
        return (f'<iframe srcdoc="{html.escape(self.html, quote=True)}" '
                f'sandbox="allow-scripts" title="{html.escape(self._heading, quote=True)}" '
                f'class="tinygrad-edu-backprop" width="100%" height="{self.iframe_height()}" '
                f'style="width: 100%; height: {self.iframe_height()}px; border: 1px solid #ccc; '
                f'box-sizing: border-box; display: block;"></iframe>')

    def __repr__(self) -> str:
        return (f"<BackpropPage {self._heading!r}: {self.steps} steps, {self.rankdir} layout; "
                f"shows inline in a notebook, .save('backprop.html') writes the page>")


def _html_path(path, caller) -> pathlib.Path:
    path = pathlib.Path(path)
    if path.suffix.lower() not in (".html", ".htm"):
        raise ValueError(f"viz.{caller}: the page is HTML: give a path ending in .html, "
                         f"got {path.name!r}")
    return path


def backprop_page(loss, gradient=None, precision: int = PRECISION, rankdir=None, title=None,
                  renderer: str = "auto") -> BackpropPage:
    """Backprop on `loss`'s graph, one op at a time: a page to step through, inline or saved.

    Why: backprop is easiest to understand watching it, one op at a time, on a graph you
    built yourself: which op runs, what delta arrives, what its local derivative is, and how
    each input's gradient grows (twice for a tensor used twice). The page has Prev / Next /
    Play buttons, arrow keys, a "k / N" counter, the current op highlighted, gradients that
    appear on the nodes as they are computed, and the text of each step beside the graph.
    It opens with the loss in view, follows the current op as it steps, and never shows node
    text smaller than 11 px (Fit included). As the last expression of a notebook cell it shows
    inline; `.save(path)` writes a standalone page. `.grad` is not touched.

    Args:
        loss: the tensor to differentiate (one element unless `gradient` is given), with its
            graph intact (before `backward()`, or after `backward(retain_graph=True)`).
        gradient: dL/d(loss) for a non-scalar `loss`.
        precision: decimals of the numbers shown.
        rankdir: the direction of the graph: None picks "LR" or "TB", whichever shows more of
            it at a readable size (both are rendered and measured); or "LR", "TB", "RL", "BT".
        title: the page title (default: "Backprop of <loss name>").
        renderer: the Graphviz renderer for the picture ("auto", "dot" or "wasm").

    Returns:
        a `BackpropPage` (`.html`, `.save(path)`, shown inline by Jupyter).

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(3.0, requires_grad=True, name="a")
        >>> page = viz.backprop_page((a * a + 1).tanh())
        >>> page.steps, "0 / 3" in page.html                    # the step counter
        (3, True)
        >>> page._repr_html_().startswith("<iframe srcdoc=")     # what a notebook shows
        True
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"viz.backprop_page: expected the loss Tensor, got {type(loss).__name__}")
    if rankdir is not None and rankdir not in ("LR", "RL", "TB", "BT"):
        raise ValueError(f"viz.backprop_page: rankdir must be None (choose), 'LR', 'TB', 'RL' or "
                         f"'BT', got {rankdir!r}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"viz.backprop_page: title must be a str, got {type(title).__name__}")
    data, final = backprop_page_data(loss, gradient, precision)
    svgs = {}
    for direction in (LAYOUTS if rankdir is None else (rankdir,)):
        # the final gradients fix the width of each record; the page hides them until reached
        picture = draw_graph(loss, grads=final, precision=precision, rankdir=direction,
                             _grad_one_line=True)
        svgs[direction] = _svg_body(render_bytes(picture.source, "svg", renderer))
    sizes = {direction: _svg_size(svg) for direction, svg in svgs.items()}
    chosen = choose_layout(sizes) if rankdir is None else rankdir
    heading = title if title is not None else f"Backprop of {tensor_title(loss)}"
    page = PAGE.format(title=html.escape(heading), css=CSS, total=len(data["steps"]),
                       svg=svgs[chosen], data=json_for_script(data), script=SCRIPT)
    return BackpropPage(page, len(data["steps"]), chosen, sizes[chosen], heading)


def save_backprop_html(loss, path, gradient=None, precision: int = PRECISION, rankdir=None,
                       title_text=None, renderer: str = "auto") -> str:
    """Write the backprop stepper of `loss` as one self-contained HTML page; return the path.

    Why: a file to open in any browser, send to students or publish, no network needed.
    The same as `viz.backprop_page(loss, ...).save(path)` (see there for the page).

    Args:
        loss: the tensor to differentiate, its graph intact.
        path: the .html file to write (folders are created).
        gradient, precision, rankdir, renderer: as for `backprop_page`.
        title_text: the page title (`backprop_page`'s `title`).

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
    _html_path(path, "save_backprop_html")           # a wrong name fails before any work
    return backprop_page(loss, gradient, precision, rankdir, title_text, renderer).save(path)
