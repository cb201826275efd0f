"""Names are text, never markup, in every picture and page viz writes (no browser needed).

One check per escaping call: each hostile name (tests/viz/hostile.py) must come out of Graphviz
as exactly its own text, the DOT must hold no link or tooltip attribute and only viz's own node
ids, and the page must keep every name inside its JSON and its title. Removing any one escaping
call in viz makes one of these fail (the browser test shows the same scripts do not run).
"""
import html
import html.parser
import json
import re
import xml.etree.ElementTree as ET

import pytest

from tinygrad_edu import Tensor, viz
from tinygrad_edu.viz.html_page import SCRIPT
from tinygrad_edu.viz.labels import dot_text, json_for_script, record_text
from hostile import (FUNCTION_CLASS, MODULE_CLASS, REGION_NAMES, TENSOR_NAMES, TITLE,
                     URL_LABEL, hostile_graph)

SVG = "{http://www.w3.org/2000/svg}"
QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')


def svg_texts(svg_bytes):
    """(every text element's text, the SVG tree) of a Graphviz SVG."""
    tree = ET.fromstring(svg_bytes)
    return [t.text or "" for t in tree.iter(SVG + "text")], tree


def texts_by_kind(tree):
    """{"t": [...], "op": [...], "box": [...], "cluster": [...]}: the first text of each node
    (a tensor's name line, an op's name, a collapsed region's name) and each cluster label."""
    found = {"t": [], "op": [], "box": [], "cluster": []}
    for g in tree.iter(SVG + "g"):
        kind = g.get("class")
        texts = [t.text or "" for t in g.iter(SVG + "text")]
        if kind not in ("node", "cluster") or not texts:
            continue
        title = g.find(SVG + "title").text
        found["cluster" if kind == "cluster" else re.match(r"[a-z]+", title).group()].append(texts[0])
    return found


def assert_no_links(tree):
    """No <a> element, and no attribute anywhere that holds a javascript: URL."""
    assert not list(tree.iter(SVG + "a")), "a name became a link"
    for element in tree.iter():
        for key, value in element.attrib.items():
            assert "javascript:" not in value, (element.tag, key, value)


@pytest.fixture()
def loss():
    return hostile_graph()


def test_every_name_is_its_own_text_in_the_rendered_svg(loss):
    _, tree = svg_texts(viz.render_bytes(viz.to_dot(loss), "svg"))
    assert_no_links(tree)
    shown = texts_by_kind(tree)
    expected = {"t": TENSOR_NAMES + (FUNCTION_CLASS + " out",), "op": (FUNCTION_CLASS,),
                "cluster": REGION_NAMES + (MODULE_CLASS,)}
    for kind, names in expected.items():
        for name in names:
            assert name in shown[kind], f"{kind} {name!r} is not shown as itself: {shown[kind]}"


def test_every_region_drawn_as_one_box_is_its_own_text(loss):
    _, tree = svg_texts(viz.render_bytes(viz.to_dot(loss, collapse=0), "svg"))
    assert_no_links(tree)
    assert sorted(texts_by_kind(tree)["box"]) == sorted(REGION_NAMES + (MODULE_CLASS,))


def test_the_dot_text_has_only_viz_node_ids_and_no_link_attributes(loss):
    for dot in (viz.to_dot(loss), viz.to_dot(loss, collapse=0), viz.draw_backprop(loss, 3).source):
        outside = QUOTED.sub('""', dot)             # what is left once quoted strings are blanked
        assert "<" not in outside and ">" not in outside.replace("->", "")   # no HTML-like label
        for word in ("URL", "href", "tooltip", "target"):
            assert word not in outside, word
        ids = re.findall(r'^\s*(\S+) \[', dot, flags=re.M)
        assert ids and all(re.fullmatch(r"(t|op|box)\d+|graph|node|edge", i) for i in ids), ids


def test_the_review_s_two_regions_render(tmp_path):
    """The two names of the security review: a javascript: link, and a dot syntax error."""
    a = Tensor([1.0, 2.0], requires_grad=True, name="a")
    with viz.region(URL_LABEL):
        with viz.region("<script>alert(1)</script>"):
            loss = (a * 2).tanh().sum()
    for suffix in ("svg", "png"):
        viz.render(viz.draw_graph(loss), tmp_path / f"g.{suffix}")
    assert (tmp_path / "g.png").read_bytes()[:4] == b"\x89PNG"
    texts, tree = svg_texts((tmp_path / "g.svg").read_bytes())
    assert_no_links(tree)
    assert URL_LABEL in texts and "<script>alert(1)</script>" in texts
    tags = parse(viz.backprop_page(loss).html).tags
    assert [t for t, _ in tags].count("script") == 2 and "a" not in [t for t, _ in tags]
    assert not any("javascript:" in str(v) for _, attrs in tags for v in attrs.values())


class _Page(html.parser.HTMLParser):
    """The parts of a page the escaping protects: start tags, title and h1 text, script bodies."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.text, self.scripts, self._in, self.closed = [], {}, [], None, set()

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in = tag
        if tag == "script":
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag in ("title", "h1"):
            self.text.setdefault(tag, "")
            self.closed.add(tag)                # only the first: the page's, not the SVG's
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in in ("title", "h1") and self._in not in self.closed:
            self.text[self._in] = self.text.get(self._in, "") + data


def parse(text):
    parser = _Page()
    parser.feed(text)
    parser.close()
    return parser


def test_the_page_keeps_every_name_in_its_json_and_its_title_as_text(loss):
    page = viz.backprop_page(loss, title=TITLE)
    parsed = parse(page.html)
    assert [t for t, _ in parsed.tags].count("script") == 2          # the data and the stepper
    assert not any(t in ("img", "iframe", "a") for t, _ in parsed.tags)
    assert parsed.text["title"] == TITLE and parsed.text["h1"] == TITLE
    data = json.loads(parsed.scripts[0])                             # the JSON block, whole
    steps_text = data["intro"] + "\n".join(s["text"] for s in data["steps"])
    for name in TENSOR_NAMES:
        assert name in steps_text, name
    assert "</" not in parsed.scripts[0] and "<!--" not in parsed.scripts[0]


def test_the_inline_iframe_holds_the_page_exactly(loss):
    page = viz.backprop_page(loss, title=TITLE)
    parsed = parse(page._repr_html_())
    assert [t for t, _ in parsed.tags] == ["iframe"]
    attrs = parsed.tags[0][1]
    assert attrs["srcdoc"] == page.html and attrs["title"] == TITLE
    assert attrs["sandbox"] == "allow-scripts"


def test_the_stepper_script_writes_text_only_through_textcontent():
    """Step text, counter and gradients come from names: no HTML sink may ever receive them."""
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                 "new Function", "srcdoc", "setAttribute('href"):
        assert sink not in SCRIPT, sink
    for assignment in ("stepText.textContent = s.text", "stepText.textContent = data.intro",
                       "el.textContent = text", "counter.textContent ="):
        assert assignment in SCRIPT, assignment


def test_each_escaping_helper_on_its_own():
    assert json.loads(json_for_script({"n": "</script><!--"})) == {"n": "</script><!--"}
    assert "<" not in json_for_script({"n": "</script><!--"})
    assert record_text("{a|<b>}\\\n") == "\\{a\\|\\<b\\>\\}\\\\\\n"
    import graphviz
    quoted = graphviz.Digraph()
    quoted.node("n", label=dot_text(URL_LABEL + "\\G"))
    assert 'label="<x> URL=\\"javascript:window.__pwn=9\\" target=\\"_self\\" label=<click me>\\\\G"' \
        in quoted.source
