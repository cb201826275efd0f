"""The HTML, CSS and JavaScript of the backprop stepper page (`backprop_page`).

One self-contained page: no network, no library, works from a file:// URL. The graph is
inline SVG drawn by Graphviz; the data of the steps is a JSON block. Stepping applies the
changes of one step (or undoes them), so a step costs the same on a 1 000-node graph as on
a 10-node one.
"""

CSS = """
html, body { height: 100%; }
body { font-family: DejaVu Sans, Helvetica, Arial, sans-serif; margin: 0; color: #222;
       display: flex; flex-direction: column; height: 100vh; overflow: hidden; }
header { padding: 8px 14px; background: #f1f3f5; border-bottom: 1px solid #ccc; display: flex;
         gap: 10px; align-items: center; flex-wrap: wrap; flex: none; }
header h1 { font-size: 16px; margin: 0 12px 0 0; }
button { font-size: 14px; padding: 4px 12px; cursor: pointer; }
#counter { font-weight: bold; font-size: 15px; min-width: 80px; text-align: center; }
#hint { color: #666; font-size: 12px; }
main { display: flex; flex: 1; min-height: 0; }
#graph { flex: 3; overflow: auto; border-right: 1px solid #ccc; min-width: 0; }
#graph svg { display: block; margin: 0 auto; }   /* a narrow graph sits in the middle */
#side { flex: 1.3; min-width: 320px; padding: 10px 14px; overflow: auto; background: #fcfcfd; }
#steptext { white-space: pre-wrap; font-family: DejaVu Sans Mono, Menlo, monospace; font-size: 13px;
            line-height: 1.45; }
@media (max-width: 1000px) {            /* a notebook cell: the text goes under the graph */
  main { flex-direction: column; }
  #graph { border-right: none; border-bottom: 1px solid #ccc; }
  #side { flex: none; height: 25vh; min-height: 100px; max-height: 160px; min-width: 0;
          padding: 6px 12px; }
  #hint { display: none; }
  header { padding: 6px 10px; gap: 6px; }
  button { padding: 3px 9px; }
}
.node.current ellipse, .node.current polygon { fill: #f8d7da; stroke: #dc3545; stroke-width: 3px; }
.node.current-out polygon { stroke: #dc3545; stroke-width: 2.5px; }
.node.receiving polygon { stroke: #198754; stroke-width: 3px; }
text.pending { fill: #adb5bd; }
text.fresh { fill: #c1121f; font-weight: bold; }
"""

# Text from the data (names, step text) only ever goes in through textContent: it is never
# parsed as HTML, whatever a tensor is called.
SCRIPT = """
(function () {
  const data = JSON.parse(document.getElementById('steps-data').textContent);
  const N = data.steps.length;
  const nodes = {};
  for (const g of document.querySelectorAll('#graph g.node')) {
    const title = g.querySelector('title');
    if (title) nodes[title.textContent] = g;
  }
  const gradText = {};
  for (const id in nodes) {       // the grad field is the record's last; a name may start 'grad '
    for (const t of nodes[id].querySelectorAll('text')) {
      if (t.textContent.startsWith('grad ')) gradText[id] = t;
    }
  }
  const PENDING = 'grad \\u00b7';
  function setGrad(id, text, fresh) {
    const el = gradText[id];
    if (!el) return;
    el.textContent = text === '' ? PENDING : text;
    el.setAttribute('class', text === '' ? 'pending' : (fresh ? 'fresh' : ''));
  }
  for (const id in gradText) setGrad(id, '', false);
  for (const [id, text] of data.initial) setGrad(id, text, false);
  let k = 0, marked = [], timer = null;
  const counter = document.getElementById('counter');
  const stepText = document.getElementById('steptext');
  function unmark() {
    for (const [el, cls] of marked) el.classList.remove(cls);
    marked = [];
  }
  function mark(id, cls) {
    const g = nodes[id];
    if (g) { g.classList.add(cls); marked.push([g, cls]); }
  }
  function show() {
    unmark();
    counter.textContent = k + ' / ' + N;
    document.body.dataset.step = k;
    followSoon();
    if (k === 0) {
      stepText.textContent = data.intro;
      return;
    }
    const s = data.steps[k - 1];
    mark(s.op, 'current');
    mark(s.out, 'current-out');
    for (const [id] of s.changes) {
      mark(id, 'receiving');
      const el = gradText[id];
      if (el) el.setAttribute('class', 'fresh');
    }
    stepText.textContent = s.text;
  }
  // Follow the current op (at step 0 the loss) by panning the graph panel, never by zooming
  // out: the op and its output stay in view with a margin, scrolling as little as possible.
  // It reads the layout, so it runs once per frame, not once per step (Play, End).
  const panel = document.getElementById('graph');
  let pending = false;
  function followSoon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; follow(); });
  }
  function follow() {
    const ids = k === 0 ? [data.loss] : [data.steps[k - 1].op, data.steps[k - 1].out];
    const els = ids.map(function (id) { return nodes[id]; }).filter(Boolean);
    if (!els.length) return;
    const p = panel.getBoundingClientRect(), margin = 30;
    const boxes = els.map(function (el) {
      const r = el.getBoundingClientRect();
      return [r.left - p.left + panel.scrollLeft, r.top - p.top + panel.scrollTop,
              r.right - p.left + panel.scrollLeft, r.bottom - p.top + panel.scrollTop];
    });
    function pan(lo, hi, first, view, now) {   // the scroll offset along one axis
      if (hi - lo + 2 * margin > view) return (first[0] + first[1]) / 2 - view / 2;
      if (lo - margin < now) return lo - margin;
      if (hi + margin > now + view) return hi + margin - view;
      return now;
    }
    const lo = [Math.min(...boxes.map(b => b[0])), Math.min(...boxes.map(b => b[1]))];
    const hi = [Math.max(...boxes.map(b => b[2])), Math.max(...boxes.map(b => b[3]))];
    panel.scrollLeft = Math.max(0, pan(lo[0], hi[0], [boxes[0][0], boxes[0][2]], panel.clientWidth,
                                       panel.scrollLeft));
    panel.scrollTop = Math.max(0, pan(lo[1], hi[1], [boxes[0][1], boxes[0][3]], panel.clientHeight,
                                      panel.scrollTop));
  }
  function forward() {
    if (k >= N) return false;
    if (k > 0) for (const [id, , after] of data.steps[k - 1].changes) setGrad(id, after, false);
    k += 1;
    for (const [id, , after] of data.steps[k - 1].changes) setGrad(id, after, true);
    show();
    return true;
  }
  function back() {
    if (k <= 0) return false;
    for (const [id, before] of data.steps[k - 1].changes) setGrad(id, before, false);
    k -= 1;
    show();
    return true;
  }
  function go(target) {
    target = Math.max(0, Math.min(N, target));
    while (k < target) forward();
    while (k > target) back();
  }
  function play() {
    const button = document.getElementById('play');
    if (timer) { clearInterval(timer); timer = null; button.textContent = 'Play'; return; }
    if (k >= N) go(0);
    button.textContent = 'Pause';
    timer = setInterval(function () {
      if (!forward()) { clearInterval(timer); timer = null; button.textContent = 'Play'; }
    }, data.interval);
  }
  document.getElementById('first').onclick = function () { go(0); };
  document.getElementById('prev').onclick = back;
  document.getElementById('next').onclick = forward;
  document.getElementById('last').onclick = function () { go(N); };
  document.getElementById('play').onclick = play;
  // zoom: the SVG's natural size times `zoom`. `readable` is the zoom at which the smallest
  // node text is data.minTextPx CSS px: Fit and the opening view never go below it.
  const svg = document.querySelector('#graph svg');
  const natural = [svg.width.baseVal.value, svg.height.baseVal.value];
  const viewBox = svg.viewBox.baseVal;
  const unit = viewBox && viewBox.width ? natural[0] / viewBox.width : 1;   // px per SVG unit
  let smallest = Infinity;
  for (const t of svg.querySelectorAll('g.node text')) {
    const size = parseFloat(t.getAttribute('font-size'));
    if (size > 0) smallest = Math.min(smallest, size * unit);
  }
  const readable = isFinite(smallest) ? 1.01 * data.minTextPx / smallest : 1;
  let zoom = 1;
  function setZoom(z) {
    zoom = Math.max(0.05, Math.min(4, z));
    svg.setAttribute('width', natural[0] * zoom);
    svg.setAttribute('height', natural[1] * zoom);
    followSoon();
  }
  function fit() {
    const whole = Math.min(panel.clientWidth / natural[0], panel.clientHeight / natural[1]);
    setZoom(Math.max(readable, Math.min(data.maxZoom, whole)));
  }
  document.getElementById('smaller').onclick = function () { setZoom(zoom / 1.25); };
  document.getElementById('bigger').onclick = function () { setZoom(zoom * 1.25); };
  document.getElementById('fit').onclick = fit;
  document.addEventListener('keydown', function (e) {
    if (e.key === 'ArrowRight') { forward(); e.preventDefault(); }
    else if (e.key === 'ArrowLeft') { back(); e.preventDefault(); }
    else if (e.key === 'Home') { go(0); e.preventDefault(); }
    else if (e.key === 'End') { go(N); e.preventDefault(); }
    else if (e.key === ' ') { play(); e.preventDefault(); }
    else if (e.key === '-') setZoom(zoom / 1.25);
    else if (e.key === '+' || e.key === '=') setZoom(zoom * 1.25);
    else if (e.key === '0') fit();
  });
  window.addEventListener('resize', followSoon);
  window.backprop = {total: N, step: function () { return k; }, go: go, next: forward, prev: back,
                     zoom: setZoom, fit: fit, readable: readable,
                     getZoom: function () { return zoom; }};
  fit();
  show();
})();
"""

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
<style>{css}</style>
</head>
<body data-step="0">
<header>
  <h1>{title}</h1>
  <button id="first" title="first (Home)">First</button>
  <button id="prev" title="previous step (left arrow)">&#x25C0; Prev</button>
  <span id="counter">0 / {total}</span>
  <button id="next" title="next step (right arrow)">Next &#x25B6;</button>
  <button id="last" title="last (End)">Last</button>
  <button id="play" title="play / pause (space)">Play</button>
  <button id="smaller" title="zoom out (-)">&#x2212;</button>
  <button id="fit" title="the whole graph (0)">Fit</button>
  <button id="bigger" title="zoom in (+)">+</button>
  <span id="hint">arrow keys step, space plays; red: the op of this step, green: the inputs it sent a
  gradient to</span>
</header>
<main>
  <div id="graph">{svg}</div>
  <div id="side"><div id="steptext"></div></div>
</main>
<script type="application/json" id="steps-data">{data}</script>
<script>{script}</script>
</body>
</html>
"""
