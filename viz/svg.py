"""SVG text to PNG bytes with resvg: how `viz.render` writes a Graphviz picture as PNG when the
system Graphviz is missing (Graphviz compiled to WebAssembly writes only SVG).

Plots are matplotlib's (plots.py, region_plots.py); this module draws nothing itself.
"""
import pathlib


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Rasterise SVG text to PNG bytes with resvg (a pip package), using the system's fonts.

    Text needs a font: resvg reads the system's fonts and the DejaVu fonts matplotlib ships,
    so the labels show even on a machine without fonts.

    Example:
        >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"></svg>'
        >>> svg_to_png(svg)[:4] == b"\\x89PNG"
        True
    """
    try:
        import resvg_py
    except ImportError:
        raise RuntimeError("viz: writing PNG needs the rasteriser resvg: `pip install resvg-py` "
                           "(a dependency of tinygrad_edu), or save as .svg") from None
    # dpi is given: resvg-py's default (0) makes sizes in pt or without units invalid
    # a font Graphviz asks for (Helvetica) but the machine lacks falls back to a sans font;
    # Graphviz writes the generic family as "sans-Serif", which resvg does not recognise
    svg = svg.replace("sans-Serif", "sans-serif")
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, zoom=scale, dpi=96.0, background="#ffffff",
                                       font_dirs=_extra_font_dirs(), font_family="DejaVu Sans",
                                       sans_serif_family="DejaVu Sans"))


def _extra_font_dirs():
    """matplotlib's bundled fonts folder, found without importing matplotlib."""
    import importlib.util
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or not spec.origin:
        return []
    folder = pathlib.Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"
    return [str(folder)] if folder.is_dir() else []
