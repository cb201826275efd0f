"""Headless Chromium for the viz browser tests (Debian's chromium with chromium-driver, Selenium).

`chromium(width, height)` starts one, or skips the test with the reason when selenium, chromium
or chromedriver is missing. `VIEW` is the script that measures what a reader of the stepper sees.
"""
import os
import shutil
import tempfile

import pytest

CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync")


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def chromium(width=1400, height=900):
    """A Selenium Chrome driver on the system Chromium, `width` x `height` CSS px (skip if none)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed "
                                    "(pip install -e '.[browser]')")
    from selenium.webdriver.chrome.service import Service
    binary = chromium_binary()
    if binary is None:
        pytest.skip("no chromium on PATH (Debian: apt-get install chromium)")
    if not os.path.exists(CHROMEDRIVER):
        pytest.skip(f"no {CHROMEDRIVER} (Debian: apt-get install chromium-driver)")
    profile = tempfile.mkdtemp(prefix="viz-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in FLAGS + (f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_window_size(width, height)
    driver.profile_dir = profile
    return driver


def quit_chromium(driver):
    profile = getattr(driver, "profile_dir", None)
    driver.quit()
    if profile:
        shutil.rmtree(profile, ignore_errors=True)


def after_paint(driver):
    """Wait until the page has drawn two more frames (the stepper pans once per frame)."""
    driver.execute_async_script("const done = arguments[arguments.length - 1];"
                                "requestAnimationFrame(() => requestAnimationFrame(done));")


# What the reader sees of the node in focus (the current op, at step 0 the loss): its text size
# on screen in CSS px (font size times the SVG's scale on screen) and whether its box lies
# inside the graph panel's visible area and inside the window (the iframe's, inline).
VIEW = """
const panel = document.getElementById('graph');
const data = JSON.parse(document.getElementById('steps-data').textContent);
const k = window.backprop.step();
const id = k === 0 ? data.loss : data.steps[k - 1].op;
let node = null;
for (const g of document.querySelectorAll('#graph g.node'))
  if (g.querySelector('title').textContent === id) node = g;
const text = node.querySelector('text');
const m = text.getScreenCTM();
const fontPx = parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
const r = node.getBoundingClientRect(), p = panel.getBoundingClientRect();
const visible = {left: p.left, top: p.top, right: p.left + panel.clientWidth,
                 bottom: p.top + panel.clientHeight};
const inPanel = r.left >= visible.left - 0.5 && r.right <= visible.right + 0.5 &&
                r.top >= visible.top - 0.5 && r.bottom <= visible.bottom + 0.5;
const inWindow = r.left >= 0 && r.top >= 0 && r.right <= window.innerWidth &&
                 r.bottom <= window.innerHeight;
return {step: k, id: id, fontPx: fontPx, inPanel: inPanel, inWindow: inWindow,
        zoom: window.backprop.getZoom(), counter: document.getElementById('counter').textContent,
        rect: [r.left, r.top, r.right, r.bottom], panel: [visible.left, visible.top, visible.right,
        visible.bottom]};
"""
