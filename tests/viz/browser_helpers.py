"""What the viz browser tests measure in a page (the launcher is tests/chromium_support.py).

`VIEW` is the script that measures what a reader of the stepper sees; `after_paint` waits for
the stepper's panning to be drawn.
"""
from chromium_support import chromium, quit_chromium  # noqa: F401 (the viz tests import them here)


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
