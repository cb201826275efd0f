"""viz.save_backprop_html in a real browser: Debian's chromium driven by Selenium (chromium-driver).

Skipped, with the reason, only where selenium, chromium or chromedriver is missing.
"""
import os
import time

import pytest

from tinygrad_edu import Tensor, viz
from tinygrad_edu.viz.labels import one_line, title
from viz_helpers import micrograd_example
from chromium_support import chromium, quit_chromium


@pytest.fixture(scope="module")
def browser():
    driver = chromium(1400, 900)
    yield driver
    quit_chromium(driver)


def open_page(driver, path):
    driver.get("file://" + os.path.abspath(path))
    return driver.execute_script("return window.backprop.total")


def state(driver):
    """(counter text, the highlighted op's DOT id, {node name: shown grad text})."""
    return driver.execute_script("""
        const current = document.querySelector('g.node.current title');
        const grads = {};
        for (const g of document.querySelectorAll('#graph g.node')) {
          const texts = [...g.querySelectorAll('text')].map(t => t.textContent);
          const grad = texts.find(t => t.startsWith('grad '));
          if (grad !== undefined) grads[texts[0]] = grad;
        }
        return [document.getElementById('counter').textContent,
                current ? current.textContent : null, grads];""")


def op_label(driver, op_id):
    return driver.execute_script(
        "for (const g of document.querySelectorAll('#graph g.node'))"
        "  if (g.querySelector('title').textContent === arguments[0])"
        "    return g.querySelector('text').textContent;", op_id)


def test_stepping_shows_each_step_of_backprop_steps(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    loss = micrograd_example()
    steps = list(viz.backprop_steps(loss))
    page = viz.save_backprop_html(loss, tmp_path / "micrograd.html")
    html = open(page, encoding="utf-8").read()
    assert "<script src" not in html and "<link" not in html      # nothing to fetch
    assert open_page(browser, page) == len(steps) == 3
    counter, current, grads = state(browser)
    assert counter == "0 / 3" and current is None
    assert grads["L"] == "grad 1" and grads["a"] == "grad ·" and grads["d"] == "grad ·"
    shown = {"L": "grad 1"}
    for k, step in enumerate(steps, 1):
        browser.find_element(By.ID, "next").click()
        counter, current, grads = state(browser)
        assert counter == f"{k} / 3"
        assert op_label(browser, current) == step.op               # the op of this step, in red
        for t, total in zip(step.inputs, step.totals):
            if total is not None:
                shown[title(t)] = "grad " + one_line(total)
        for name, grad in grads.items():                           # reached: its running total
            assert grad == shown.get(name, "grad ·"), (k, name)
        side = browser.find_element(By.ID, "steptext").text
        assert f"step {k} of 3" in side and step.rule.split(":")[0] in side
    assert grads["a"] == "grad 6" and grads["b"] == "grad -4"     # dL/da = f b, dL/db = f a
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.ARROW_LEFT)
    counter, current, grads = state(browser)
    assert counter == "2 / 3" and grads["a"] == "grad ·" and op_label(browser, current) == "Add"
    body.send_keys(Keys.ARROW_RIGHT)
    assert state(browser)[0] == "3 / 3"
    browser.find_element(By.ID, "first").click()
    browser.find_element(By.ID, "play").click()
    deadline = time.time() + 10
    while state(browser)[0] != "3 / 3" and time.time() < deadline:
        time.sleep(0.1)
    assert state(browser)[0] == "3 / 3" and state(browser)[2]["a"] == "grad 6"


def test_a_tensor_used_twice_shows_its_running_total(browser, tmp_path):
    a = Tensor(3.0, requires_grad=True, name="a")
    b = a * 2.0
    b.name = "b"
    loss = b * a
    loss.name = "L"
    page = viz.save_backprop_html(loss, tmp_path / "twice.html")
    open_page(browser, page)
    browser.execute_script("window.backprop.next()")
    assert state(browser)[2]["a"] == "grad 6"                       # via L = b * a: b = 6
    browser.execute_script("window.backprop.next()")
    assert state(browser)[2]["a"] == "grad 12"                      # + 3 * 2 through b


def test_a_1000_node_graph_opens_and_steps_smoothly(browser, tmp_path):
    x = Tensor([0.5], requires_grad=True, name="x")
    w = Tensor([0.01], requires_grad=True, name="w")
    y = x
    for _ in range(200):                                # 1 000 tensor and op nodes
        y = (y * 1.001 + w).tanh()
    loss = y.sum()
    start = time.perf_counter()
    page = viz.save_backprop_html(loss, tmp_path / "big.html")
    made = time.perf_counter() - start
    start = time.perf_counter()
    total = open_page(browser, page)
    loaded = time.perf_counter() - start
    nodes = browser.execute_script("return document.querySelectorAll('#graph g.node').length")
    assert nodes >= 1000 and total == 601
    took = browser.execute_script("""
        const t0 = performance.now();
        for (let i = 0; i < 200; i++) window.backprop.next();
        const t1 = performance.now();
        for (let i = 0; i < 100; i++) window.backprop.prev();
        return [t1 - t0, performance.now() - t1];""")
    assert state(browser)[0] == f"100 / {total}"
    # one click as a student makes it: the step, then the browser paints the next frame
    click_and_paint = """
        const done = arguments[arguments.length - 1], t0 = performance.now();
        document.getElementById('next').click();
        requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0)));"""
    painted = [browser.execute_async_script(click_and_paint) for _ in range(5)]
    print(f"1000-node page: written in {made:.1f} s, loaded in {loaded:.2f} s, "
          f"{took[0] / 200:.2f} ms per Next, {took[1] / 100:.2f} ms per Prev, "
          f"click to painted frame {sorted(painted)[2]:.0f} ms (median of 5)")
    assert loaded < 10.0
    assert took[0] / 200 < 20 and took[1] / 100 < 20             # ms per step
    assert sorted(painted)[2] < 250                                # ms to the screen: smooth
