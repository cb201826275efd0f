"""The stepper as a teacher uses it: a notebook that draws a graph, shows the backprop stepper
inline and trains with `fit`, executed by a Jupyter kernel running this checkout, exported with
nbconvert to HTML and opened in Chromium.

Checked in the exported page: the stepper steps (Next inside its iframe changes the counter),
its current op's text is at least 11 px, a cell after it is exactly as wide as without it (none
of its CSS leaks out), and the fit cell shows its progress and its one-line summary. Skipped, with
the reason, only where jupyter (nbformat, nbclient, nbconvert, ipykernel) or the browser is missing.
"""
import contextlib
import os
import pathlib
import sys

import pytest

from browser_helpers import VIEW, after_paint, chromium, quit_chromium

nbformat = pytest.importorskip("nbformat", reason="jupyter is not installed (nbformat)")
nbclient = pytest.importorskip("nbclient", reason="jupyter is not installed (nbclient)")
nbconvert = pytest.importorskip("nbconvert", reason="jupyter is not installed (nbconvert)")
kernelspec = pytest.importorskip("ipykernel.kernelspec", reason="jupyter is not installed (ipykernel)")

REPO = pathlib.Path(__file__).resolve().parents[2]
KERNEL = "tinygrad-edu-tests"
CELL_WIDTH_WINDOW = 1000            # px: the exported page's cells are then about 900 px wide

SETUP = """\
import sys
import numpy as np
import tinygrad_edu
from tinygrad_edu import Tensor, nn, optim, viz
print("tinygrad_edu from", tinygrad_edu.__file__)"""
GRAPH = """\
tinygrad_edu.manual_seed(0)
model = nn.MLP([2, 2, 1])
x = Tensor(np.array([[0.5, -1.0], [1.0, 2.0]], dtype=np.float32))
with viz.record(model):
    loss = (model(x) ** 2).mean()
viz.draw_graph(loss)"""
STEPPER = "viz.backprop_page(loss)"
AFTER_MARKDOWN = "A markdown cell **after** the stepper: as wide as every other cell."
AFTER_CODE = "print('a code cell after the stepper')"
FIT = """\
from tinygrad_edu.data import make_moons
from tinygrad_edu.train import fit, EarlyStopping
X, y = make_moons(200, noise=0.1, seed=0)
Xv, yv = make_moons(100, noise=0.1, seed=1)
tinygrad_edu.manual_seed(0)
net = nn.MLP([2, 16, 2])
history = fit(net, nn.functional.cross_entropy, optim.Adam(net.parameters(), lr=0.03), (X, y),
              epochs=12, val_data=(Xv, yv), metrics=["accuracy"], seed=0,
              callbacks=[EarlyStopping(patience=3)])"""


def teacher_notebook():
    new = nbformat.v4
    return new.new_notebook(cells=[
        new.new_markdown_cell("# Backprop, step by step", id="title"),
        new.new_code_cell(SETUP, id="setup"),
        new.new_code_cell(GRAPH, id="graph"),
        new.new_code_cell(STEPPER, id="stepper"),
        new.new_markdown_cell(AFTER_MARKDOWN, id="after-markdown"),
        new.new_code_cell(AFTER_CODE, id="after-code"),
        new.new_code_cell(FIT, id="fit"),
    ], metadata={"kernelspec": {"name": KERNEL, "display_name": "tinygrad_edu tests",
                                "language": "python"}})


@contextlib.contextmanager
def jupyter_path(*folders):
    """JUPYTER_PATH with `folders` first, and the base Python's share/jupyter (in a venv,
    nbconvert's templates live there, outside the venv's own prefix)."""
    saved = os.environ.get("JUPYTER_PATH")
    paths = [str(f) for f in folders] + [os.path.join(sys.base_prefix, "share", "jupyter")]
    os.environ["JUPYTER_PATH"] = os.pathsep.join(paths + ([saved] if saved else []))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("JUPYTER_PATH", None)
        else:
            os.environ["JUPYTER_PATH"] = saved


def execute(nb, folder):
    """Run `nb` in a kernel of this Python (the venv with this checkout installed)."""
    prefix = folder / "jupyter"
    kernelspec.install(kernel_name=KERNEL, prefix=str(prefix))   # argv: this sys.executable
    with jupyter_path(prefix / "share" / "jupyter"):
        nbclient.NotebookClient(nb, kernel_name=KERNEL, timeout=120,
                                resources={"metadata": {"path": str(folder)}}).execute()
    return nb


def export(nb, path):
    with jupyter_path():
        body, _ = nbconvert.HTMLExporter().from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")
    return path


def cell(nb, cell_id):
    return next(c for c in nb.cells if c.get("id") == cell_id)


def output_text(code_cell):
    """Everything a code cell printed or displayed as text (streams and text/plain)."""
    parts = []
    for out in code_cell.outputs:
        if out.output_type == "stream":
            parts.append(out.text)
        elif "data" in out:
            parts.append(out.data.get("text/plain", ""))
    return "\n".join(parts)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """(executed notebook, exported HTML, the same exported without the stepper's output)."""
    folder = tmp_path_factory.mktemp("teacher")
    nb = execute(teacher_notebook(), folder)
    page = export(nb, folder / "lesson.html")
    bare = nbformat.from_dict(nb)
    cell(bare, "stepper").outputs = []
    return nb, page, export(bare, folder / "lesson-without-stepper.html")


@pytest.fixture(scope="module")
def browser():
    driver = chromium(CELL_WIDTH_WINDOW, 900)
    yield driver
    quit_chromium(driver)


def test_the_kernel_runs_this_checkout(exported):
    nb, _, _ = exported
    printed = output_text(cell(nb, "setup"))
    assert str(REPO) in printed, f"the kernel imported another tinygrad_edu: {printed!r} ({sys.executable})"


def test_the_graph_and_the_stepper_are_shown(exported):
    nb, page, _ = exported
    assert "image/svg+xml" in cell(nb, "graph").outputs[0].data
    html = cell(nb, "stepper").outputs[0].data["text/html"]
    assert html.startswith("<iframe srcdoc=") and 'sandbox="allow-scripts"' in html
    assert page.read_text(encoding="utf-8").count("<iframe") == 1  # nbconvert kept it (stepped below)


def test_the_stepper_steps_inside_the_exported_page(exported, browser):
    _, page, _ = exported
    browser.get("file://" + str(page))
    frame = browser.find_element("css selector", "#cell-id\\=stepper iframe")
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", frame)
    browser.switch_to.frame(frame)
    try:
        after_paint(browser)
        total = browser.execute_script("return window.backprop.total")
        assert browser.find_element("id", "counter").text == f"0 / {total}"
        view = browser.execute_script(VIEW)
        assert view["fontPx"] >= 11 and view["inPanel"], view            # the loss, readable
        for k in (1, 2, 3):
            browser.find_element("id", "next").click()
            after_paint(browser)
            view = browser.execute_script(VIEW)
            assert view["counter"] == f"{k} / {total}"
            assert view["fontPx"] >= 11, f"the current op's text is {view['fontPx']:.1f} px"
            assert view["inPanel"] and view["inWindow"], view
    finally:
        browser.switch_to.default_content()


def test_the_cells_after_the_stepper_are_as_wide_as_without_it(exported, browser):
    _, page, bare = exported
    measure = """return ['after-markdown', 'after-code', 'fit'].map(id =>
                   document.getElementById('cell-id=' + id).getBoundingClientRect().width)
                   .concat([getComputedStyle(document.body).fontFamily,
                            getComputedStyle(document.body).margin]);"""
    browser.get("file://" + str(bare))
    without = browser.execute_script(measure)
    browser.get("file://" + str(page))
    after_paint(browser)
    assert browser.execute_script(measure) == without
    assert without[0] > 600, f"cells are {without[0]} px wide"     # a real cell, not squeezed


def fit_output(exported):
    nb, page, _ = exported
    return output_text(cell(nb, "fit")), page


def test_the_fit_cell_shows_progress(exported, browser):
    text, page = fit_output(exported)
    outputs = cell(exported[0], "fit").outputs
    widgets = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert widgets or "epoch" in text, f"no progress in the fit cell: {text!r}"
    browser.get("file://" + str(page))
    shown = browser.execute_script(
        "return document.getElementById('cell-id=fit').querySelector('.jp-OutputArea').innerText")
    assert shown.strip(), "the exported page shows nothing under the fit cell"
    assert "fit: " in shown and "best epoch" in shown, f"no summary line on the page: {shown!r}"


def test_the_fit_cell_ends_with_its_summary_line(exported):
    text, _ = fit_output(exported)
    summary = [line for line in text.splitlines() if line.startswith("fit: ")]
    assert len(summary) == 1 and "best epoch" in summary[0], summary
    assert "epochs in" in summary[0] and "val_loss" in summary[0], summary
