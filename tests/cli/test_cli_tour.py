"""`tinygrad-edu tour --quick`, run once for the module: it learns, it draws, its page shows everything."""
import re
import struct
import time
import xml.etree.ElementTree as ElementTree

import pytest

from tinygrad_edu.cli import main
from chromium_support import chromium, quit_chromium

PICTURES = ["network_graph.svg", "backprop.html", "moons_linear_regions.svg",
            "moons_decision_regions.svg", "cnn_filters.png", "lstm_unrolled.svg",
            "lstm_cell_state.png", "autoencoder_reconstructions.png", "learning_curves.svg"]
# the pictures of each trained model on index.html (the learning curves show all four)
MODEL_PICTURES = {"MLP": ["moons_linear_regions.svg", "moons_decision_regions.svg"],
                  "CNN": ["cnn_filters.png"], "LSTM": ["lstm_unrolled.svg", "lstm_cell_state.png"],
                  "autoencoder": ["autoencoder_reconstructions.png"]}


@pytest.fixture(scope="module")
def tour(tmp_path_factory):
    """Run the quick tour once; hand out (exit code, stdout, stderr, folder, seconds)."""
    out = tmp_path_factory.mktemp("tour")
    capture = pytest.MonkeyPatch()
    import io
    import sys
    stdout, stderr = io.StringIO(), io.StringIO()
    capture.setattr(sys, "stdout", stdout)
    capture.setattr(sys, "stderr", stderr)
    start = time.perf_counter()
    try:
        code = main(["tour", "--quick", "--out", str(out)])
    finally:
        capture.undo()
    return code, stdout.getvalue(), stderr.getvalue(), out, time.perf_counter() - start


def test_the_quick_tour_finishes_well_under_a_minute(tour):
    code, out, err, _, seconds = tour
    assert code == 0, err
    assert seconds < 60, f"the quick tour took {seconds:.1f} s"
    assert "Traceback" not in out + err


def test_every_model_learned_and_says_so_against_chance(tour):
    _, out, _, _, _ = tour
    rows = {}
    for line in out.splitlines():
        match = re.match(r"(MLP|CNN|LSTM|linear AE)\b.*?\s(\d[\d,]*)\s+([0-9.]+)\s+"
                         r"(?:([0-9.]+)% \(chance ([0-9.]+)%\)|-)\s+([0-9.]+)$", line)
        if match:
            rows[match.group(1)] = match.groups()[1:]
    assert set(rows) == {"MLP", "CNN", "LSTM", "linear AE"}, out
    accuracy = {name: (float(r[2]), float(r[3])) for name, r in rows.items() if r[2]}
    assert accuracy["MLP"][0] >= 90 and accuracy["MLP"][1] == 50.0
    assert accuracy["CNN"][0] >= 85 and accuracy["CNN"][1] <= 30
    lstm, chance = accuracy["LSTM"]
    assert lstm >= 90 and lstm > chance + 30, "the LSTM must visibly beat chance"
    errors = re.search(r"reconstruction MSE ([0-9.]+) on held-out images, against ([0-9.]+) for "
                       r"PCA.*?and ([0-9.]+) for the mean image", out)
    ae, pca, mean_image = (float(v) for v in errors.groups())
    assert ae <= 1.1 * pca and ae < 0.8 * mean_image
    assert all(int(r[0].replace(",", "")) > 0 for r in rows.values())


def test_every_file_is_written_listed_and_well_formed(tour):
    _, out, _, folder, _ = tour
    for name in PICTURES + ["index.html"]:
        path = folder / name
        assert path.exists() and path.stat().st_size > 500, name
        assert name in out
    for name in PICTURES:
        if name.endswith(".svg"):
            root = ElementTree.parse(folder / name).getroot()        # well-formed XML
            assert root.tag.endswith("svg")
        if name.endswith(".png"):
            assert (folder / name).read_bytes()[:4] == b"\x89PNG", name
    regions = (folder / "moons_linear_regions.svg").read_text()
    count = int(re.search(r"(\d+) linear regions of the trained MLP", regions).group(1))
    assert regions.count("<path") >= count > 10


def test_the_index_page_shows_every_picture_and_the_table(tour):
    _, _, _, folder, _ = tour
    page = (folder / "index.html").read_text()
    for name in PICTURES:
        assert f'src="{name}"' in page, name
    assert page.count("<tr>") == 1 + 4 and "chance" in page        # header and four models
    figures = dict(re.findall(r'<figure id="[^"]*"><a href="([^"]+)">.*?<figcaption>(.*?)</figcaption>',
                              page, re.S))
    for model, names in MODEL_PICTURES.items():
        for name in names:
            assert name in figures and len(figures[name]) > 60, (model, name)
    for link in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert "://" not in link and (folder / link).exists(), link     # relative and present


def test_the_index_page_renders_in_a_browser(tour):
    """Every image of index.html loads in headless Chromium (skipped without selenium)."""
    _, _, _, folder, _ = tour
    browser = chromium(1280, 900)
    try:
        browser.get((folder / "index.html").as_uri())
        sizes = browser.execute_script(
            "return Array.from(document.images).map(i => [i.getAttribute('src'), i.complete, "
            "i.naturalWidth]);")
        frames = browser.execute_script("return document.querySelectorAll('iframe').length")
    finally:
        quit_chromium(browser)
    assert {src for src, _, _ in sizes} == {p for p in PICTURES if not p.endswith(".html")}
    for src, complete, width in sizes:
        assert complete and width > 100, f"{src} did not load ({width} px)"
    assert frames == 1


def test_the_model_pictures_show_what_each_model_learned(tour):
    """The LSTM picture is the unrolled trained LSTM; the figures have a readable size."""
    _, _, _, folder, _ = tour
    unrolled = (folder / "lstm_unrolled.svg").read_text()
    assert "LSTM(1 → 12) unrolled over 3 steps" in unrolled
    assert unrolled.count("step t sends") == 4 and "forget gate" in unrolled
    width = float(re.search(r'<svg width="([\d.]+)pt"', unrolled).group(1))
    assert width * 4 / 3 < 1400
    for name in ("cnn_filters.png", "lstm_cell_state.png", "autoencoder_reconstructions.png"):
        data = (folder / name).read_bytes()
        png_width, png_height = struct.unpack(">II", data[16:24])
        assert 700 <= png_width <= 1400 and 250 <= png_height <= 900, (name, png_width, png_height)
