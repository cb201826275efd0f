"""The backprop stepper as a reader sees it, in Chromium: inline in a ~900 px notebook cell and as
a page in a 1400 px window. Node text is measured on screen (never below 11 CSS px), the loss is
in view at step 0 and the current op stays in view, by panning, as it steps; Fit keeps text
readable; nothing of the page's CSS reaches the page around the iframe.
"""
import html
import re

import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import Tensor, nn, viz
from browser_helpers import VIEW, after_paint, chromium, quit_chromium
from viz_helpers import micrograd_example

MIN_PX = 11
CELL = 900          # px: a notebook cell (JupyterLab, an nbconvert export)
WINDOW = 1400       # px: a browser window


@pytest.fixture(scope="module")
def browser():
    driver = chromium(WINDOW, 900)
    yield driver
    quit_chromium(driver)


def mlp(sizes):
    tinygrad_edu.manual_seed(0)
    model = nn.MLP(sizes)
    x = Tensor(np.random.default_rng(0).normal(size=(4, sizes[0])).astype(np.float32))
    with viz.record(model):
        return (model(x) ** 2).mean()


def chain(n=12):
    """A long scalar chain: y = tanh(1.5 y + 0.1), n times (micrograd's neuron, repeated)."""
    y = Tensor(0.5, requires_grad=True, name="x")
    for _ in range(n):
        y = (y * 1.5 + 0.1).tanh()
    return y


GRAPHS = {"micrograd": micrograd_example, "mlp 2-2-1": lambda: mlp([2, 2, 1]),
          "mlp 2-8-8-1": lambda: mlp([2, 8, 8, 1]), "chain of 12": chain}


def notebook_host(page):
    """A page as a notebook shows an output: the stepper's HTML in a 900 px cell, text after."""
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head>'
            f'<body style="margin: 8px; font: 14px sans-serif">'
            f'<div id="cell" style="width: {CELL}px">{page._repr_html_()}</div>'
            f'<p id="after" style="width: auto">A markdown cell after the stepper.</p></body></html>')


def open_stepper(driver, page, where, tmp_path):
    """Load `page` standalone (a 1400 px window) or inline (a 900 px cell); return to its frame."""
    if where == "window":
        driver.set_window_size(WINDOW, 900)
        driver.get("file://" + page.save(tmp_path / "page.html"))
    else:
        driver.set_window_size(CELL + 60, 900)
        host = tmp_path / "host.html"
        host.write_text(notebook_host(page), encoding="utf-8")
        driver.get("file://" + str(host))
        driver.switch_to.frame(driver.find_element("css selector", "iframe"))
    after_paint(driver)


def assert_readable(view, what):
    assert view["fontPx"] >= MIN_PX, f"{what}: node text {view['fontPx']:.1f} px on screen"
    assert view["inPanel"] and view["inWindow"], f"{what}: the node is out of view: {view}"


@pytest.mark.parametrize("where", ["window", "cell"])
@pytest.mark.parametrize("name", list(GRAPHS))
def test_the_loss_and_each_current_op_are_in_view_at_a_readable_size(browser, tmp_path, name, where):
    page = viz.backprop_page(GRAPHS[name]())
    try:
        open_stepper(browser, page, where, tmp_path)
        view = browser.execute_script(VIEW)
        assert view["step"] == 0
        assert_readable(view, f"{name} in the {where}, step 0 (the loss)")
        zoom = view["zoom"]
        for k in range(1, min(page.steps, 8) + 1):
            browser.find_element("id", "next").click()
            after_paint(browser)
            view = browser.execute_script(VIEW)
            assert view["counter"] == f"{k} / {page.steps}"
            assert_readable(view, f"{name} in the {where}, step {k}")
            assert view["zoom"] == zoom                 # followed by panning, not by zooming out
        browser.find_element("id", "last").click()
        after_paint(browser)
        assert_readable(browser.execute_script(VIEW), f"{name} in the {where}, last step")
        browser.find_element("id", "fit").click()        # Fit never shrinks text below 11 px
        after_paint(browser)
        assert_readable(browser.execute_script(VIEW), f"{name} in the {where}, after Fit")
    finally:
        browser.switch_to.default_content()


def test_the_layout_is_chosen_by_measuring_both(tmp_path):
    """A long chain reads better top to bottom; micrograd's small graph stays left to right."""
    assert viz.backprop_page(micrograd_example()).rankdir == "LR"
    assert viz.backprop_page(chain()).rankdir == "TB"
    assert viz.backprop_page(chain(), rankdir="LR").rankdir == "LR"       # asked for: kept
    from tinygrad_edu.viz.backprop_html import choose_layout
    assert choose_layout({"LR": (5000, 100), "TB": (300, 1600)}) == "TB"
    assert choose_layout({"LR": (600, 300), "TB": (500, 320)}) == "LR"    # both fit: LR


def test_the_iframe_keeps_its_css_and_script_to_itself(browser, tmp_path):
    """The notebook around the stepper: same cell widths, fonts and globals with it or without."""
    page = viz.backprop_page(mlp([2, 2, 1]))
    measure = ("const a = document.getElementById('after'), s = getComputedStyle(document.body);"
               "return [a.getBoundingClientRect().width, s.fontFamily, s.display, s.margin,"
               "        typeof window.backprop, document.styleSheets.length];")
    browser.set_window_size(CELL + 60, 900)
    without = tmp_path / "without.html"
    # the same space, empty: the page scrolls (and its scroll bar takes width) the same way
    empty = f'<div style="height: {page.iframe_height()}px; border: 1px solid #ccc"></div>'
    without.write_text(notebook_host(page).replace(page._repr_html_(), empty), encoding="utf-8")
    browser.get("file://" + str(without))
    expected = browser.execute_script(measure)
    host = tmp_path / "with.html"
    host.write_text(notebook_host(page), encoding="utf-8")
    browser.get("file://" + str(host))
    after_paint(browser)
    assert browser.execute_script(measure) == expected
    assert expected[0] > 800 and expected[4] == "undefined"
    frame = browser.find_element("css selector", "iframe")
    assert frame.get_attribute("sandbox") == "allow-scripts"       # its script cannot reach out
    browser.switch_to.frame(frame)
    try:
        assert browser.execute_script("return window.backprop.total") == page.steps
        browser.find_element("id", "next").click()
        assert browser.find_element("id", "counter").text == f"1 / {page.steps}"
    finally:
        browser.switch_to.default_content()


def test_the_inline_html_is_one_iframe_holding_the_page(tmp_path):
    page = viz.backprop_page(micrograd_example(), title='A "quoted" & <odd> title')
    inline = page._repr_html_()
    assert re.fullmatch(r'<iframe [^<>]*></iframe>', inline)        # every < > of the page escaped
    srcdoc = re.search(r'srcdoc="([^"]*)"', inline).group(1)
    assert html.unescape(srcdoc) == page.html
    height = int(re.search(r'height="(\d+)"', inline).group(1))
    assert 420 <= height <= 720
    assert page.save(tmp_path / "p.html") == str(tmp_path / "p.html")
    assert (tmp_path / "p.html").read_text(encoding="utf-8") == page.html
    assert "<title>A &quot;quoted&quot; &amp; &lt;odd&gt; title</title>" in page.html
    with pytest.raises(ValueError, match="ending in .html"):
        page.save(tmp_path / "p.png")
    with pytest.raises(ValueError, match="rankdir"):
        viz.backprop_page(micrograd_example(), rankdir="up")
    with pytest.raises(TypeError, match="expected the loss Tensor"):
        viz.backprop_page("loss")
    assert "3 steps" in repr(page)
