"""The documentation site, built by `mkdocs build --strict`, opened in a real browser.

The build itself runs in `.ci/run` (it executes the course notebooks and runs every lesson, a few
minutes); this test reads what it wrote. With TINYGRAD_EDU_SITE_REQUIRED=1 (as `.ci/run` sets it)
a missing site fails the test instead of skipping it.

Checked, as a student clicking through: every page reachable from the home page loads; every
internal link points at a page that exists (and at an anchor that exists on it); every image
loads; every lesson and every course notebook has its page; the API reference documents the
names a student looks up first.
"""
import functools
import http.server
import os
import shutil
import threading
import urllib.parse

import pytest

from chromium_support import CHROMEDRIVER, chromium, quit_chromium

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SITE = os.environ.get("TINYGRAD_EDU_SITE", os.path.join(ROOT, "site"))
API_NAMES = {"api/tensor.html": "tinygrad_edu.Tensor", "api/nn.html": "tinygrad_edu.nn.Linear",
             "api/optim.html": "tinygrad_edu.optim.Adam",
             "api/viz.html": "tinygrad_edu.viz.draw_graph", "api/train.html": "tinygrad_edu.train.fit"}


def _need(condition, reason):
    if not condition:
        if os.environ.get("TINYGRAD_EDU_SITE_REQUIRED") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def server():
    """The built site served on 127.0.0.1 (a random free port), as a student's browser sees it."""
    _need(os.path.exists(os.path.join(SITE, "index.html")),
          f"no built site at {SITE}: run `pip install -e '.[docs]' && mkdocs build --strict`")
    handler = functools.partial(_QuietHandler, directory=SITE)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    _need(shutil.which("chromium") and os.path.exists(CHROMEDRIVER),
          "no chromium/chromedriver (Debian: apt-get install chromium chromium-driver)")
    driver = chromium(1400, 1000)
    yield driver
    quit_chromium(driver)


PAGE_FACTS = """
const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
const images = [...document.querySelectorAll('img')].map(i => [i.src, i.complete && i.naturalWidth > 0]);
const ids = [...document.querySelectorAll('[id]')].map(e => e.id);
return [links, images, ids, document.title];
"""


@pytest.fixture(scope="module")
def crawl(server, browser):
    """Visit every page reachable from the home page; {path: (links, images, ids, title)}."""
    pages, queue = {}, ["index.html"]
    while queue:
        path = queue.pop()
        if path in pages:
            continue
        browser.get(server + path)
        links, images, ids, title = browser.execute_script(PAGE_FACTS)
        pages[path] = (links, images, set(ids), title)
        for link in links:
            target = _internal(server, link)
            if target and target[0].endswith(".html") and target[0] not in pages:
                queue.append(target[0])
    return pages


def _internal(server, link):
    """(site path, anchor) of a link into the site, or None for an outside link."""
    if not link.startswith(server):
        return None
    parsed = urllib.parse.urlparse(link[len(server):])
    path = urllib.parse.unquote(parsed.path) or "index.html"
    if path.endswith("/"):
        path += "index.html"
    return path, parsed.fragment


def test_every_internal_link_resolves(server, crawl):
    broken = []
    for page, (links, _, _, _) in crawl.items():
        for link in links:
            target = _internal(server, link)
            if target is None:
                continue
            path, anchor = target
            if not os.path.exists(os.path.join(SITE, path)):
                broken.append(f"{page} -> {path} (no such file)")
            elif anchor and path in crawl and anchor not in crawl[path][2]:
                broken.append(f"{page} -> {path}#{anchor} (no such anchor)")
    assert not broken, "broken links:\n" + "\n".join(sorted(set(broken)))
    assert len(crawl) > 20, f"only {len(crawl)} pages reachable from the home page"


def test_every_image_loads(crawl):
    failed = [f"{page}: {src}" for page, (_, images, _, _) in crawl.items()
              for src, loaded in images if not loaded]
    assert not failed, "images that did not load:\n" + "\n".join(failed)
    assert sum(len(images) for _, images, _, _ in crawl.values()) > 10


def test_every_lesson_and_notebook_has_its_page(crawl):
    from tinygrad_edu.lessons import LESSONS
    missing = [f"lessons/{name}.html" for name in LESSONS if f"lessons/{name}.html" not in crawl]
    notebooks = sorted(name[:-len(".ipynb")] for name in
                       os.listdir(os.path.join(ROOT, "docs", "notebooks")) if name.endswith(".ipynb"))
    missing += [f"notebooks/{name}.html" for name in notebooks
                if f"notebooks/{name}.html" not in crawl]
    assert not missing, f"pages missing or not linked from the navigation: {missing}"


def test_the_api_reference_documents_the_first_names_a_student_looks_up(crawl):
    for page, anchor in API_NAMES.items():
        assert page in crawl, f"{page} is not reachable"
        assert anchor in crawl[page][2], f"{page} does not document {anchor}"
