"""No name runs a script, in Chromium: the standalone stepper page, the inline iframe and the
rendered SVG, on load, while stepping through every step and on clicking every link and text.

Every name that reaches a picture or a page (tensor names, region names, a Module subclass and a
Function subclass made with `type(...)`, the page title) carries a payload that sets
`window.__pwn` (tests/viz/hostile.py); the test fails if it is ever set or an alert opens.
"""
import time

import pytest

from tinygrad_edu import viz
from browser_helpers import after_paint, chromium, quit_chromium
from hostile import TITLE, hostile_graph


@pytest.fixture(scope="module")
def browser():
    driver = chromium(1400, 900)
    yield driver
    quit_chromium(driver)


def assert_nothing_ran(driver, where):
    from selenium.common.exceptions import NoAlertPresentException
    time.sleep(0.3)                                 # an <img onerror> fires once the load fails
    try:
        text = driver.switch_to.alert.text
        pytest.fail(f"{where}: an injected script opened an alert: {text!r}")
    except NoAlertPresentException:
        pass
    assert driver.execute_script("return window.__pwn") is None, f"{where}: an injected script ran"


def click_everything(driver, where):
    """A real click on every link, and on the first text of every node and cluster of the picture
    (where Graphviz puts the link of a URL attribute: around the node's or cluster's texts)."""
    from selenium.webdriver.common.action_chains import ActionChains
    targets = driver.execute_script("""
        const found = [...document.querySelectorAll('a')];
        for (const g of document.querySelectorAll('g.node, g.cluster')) {
          const text = g.querySelector('text');
          if (text) found.push(text);
        }
        return found;""")
    assert targets, f"{where}: nothing to click"
    for element in targets:
        try:
            ActionChains(driver).move_to_element(element).click().perform()
        except Exception:                           # not on screen: a synthetic click instead
            driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', "
                                  "{bubbles: true, cancelable: true, view: window}))", element)
    return len(targets)


def step_through(driver, where):
    total = driver.execute_script("return window.backprop.total")
    for k in range(1, total + 1):
        driver.find_element("id", "next").click()
        assert driver.find_element("id", "counter").text == f"{k} / {total}"
    after_paint(driver)
    assert_nothing_ran(driver, f"{where}, after stepping forward")
    for button in ("prev", "first", "last", "play"):
        driver.find_element("id", button).click()
    assert_nothing_ran(driver, f"{where}, after stepping back")
    return total


@pytest.fixture(scope="module")
def page():
    return viz.backprop_page(hostile_graph(), title=TITLE)


def test_the_standalone_page_runs_no_injected_script(browser, page, tmp_path):
    browser.get("file://" + page.save(tmp_path / "hostile.html"))
    assert_nothing_ran(browser, "standalone page, on load")
    assert browser.title == TITLE and browser.find_element("tag name", "h1").text == TITLE
    assert step_through(browser, "standalone page") == page.steps
    step_text = browser.find_element("id", "steptext").text
    assert "step" in step_text                           # the text of a step, names as text
    click_everything(browser, "standalone page")
    assert_nothing_ran(browser, "standalone page, after clicking")


def test_the_inline_iframe_runs_no_injected_script(browser, page, tmp_path):
    host = tmp_path / "host.html"
    host.write_text(f"<!DOCTYPE html><html><body>{page._repr_html_()}<p>after</p></body></html>",
                    encoding="utf-8")
    browser.get("file://" + str(host))
    assert_nothing_ran(browser, "notebook around the iframe, on load")
    browser.switch_to.frame(browser.find_element("css selector", "iframe"))
    try:
        assert_nothing_ran(browser, "inline stepper, on load")
        step_through(browser, "inline stepper")
        click_everything(browser, "inline stepper")
        assert_nothing_ran(browser, "inline stepper, after clicking")
    finally:
        browser.switch_to.default_content()
    assert_nothing_ran(browser, "notebook around the iframe, at the end")


@pytest.mark.parametrize("collapse", [None, 0])
def test_the_rendered_svg_runs_no_injected_script(browser, tmp_path, collapse):
    path = viz.render(viz.draw_graph(hostile_graph(), collapse=collapse), tmp_path / "hostile.svg")
    browser.get("file://" + path)
    assert_nothing_ran(browser, "rendered SVG, on load")
    assert click_everything(browser, "rendered SVG") > 10
    assert_nothing_ran(browser, "rendered SVG, after clicking")
