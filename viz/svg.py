"""A small SVG writer for plots: a canvas, axes with ticks, lines, polygons, points, a legend.

Why our own: the Quick start runs with `pip install -e .` alone, so the plots of the tour,
the lessons and the optimiser comparisons cannot need matplotlib. SVG is text: a plot is a
list of elements in pixel coordinates, and `Axes` maps data coordinates to pixels. PNG is
made from the SVG by resvg (a pip-installed rasteriser, see `Figure.to_png`).
"""
import math
import pathlib

import numpy as np

# colours that stay apart for colour-blind readers (Okabe-Ito order, then greys)
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#f0e442",
           "#000000", "#7f7f7f", "#8c564b")
FONT = "DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif"
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text) -> str:
    """`text` made safe inside SVG/XML text and attribute values (& < > quotes escaped).

    Example:
        >>> escape('a<b & "c"')
        'a&lt;b &amp; &quot;c&quot;'
    """
    return str(text).translate(_ESCAPES)


def lighten(colour: str, amount: float) -> str:
    """`colour` (#rrggbb) mixed with white: amount 0 gives white, 1 the colour itself."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(255 - amount * (255 - v)):02x}" for v in rgb)


def _num(v: float) -> str:
    """A pixel coordinate with two decimals and no trailing zeros (short, stable text)."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def tick_label(v: float) -> str:
    """A tick value as short text: 0.5, 10, 1e-05, 2.5e+04 (never -0)."""
    if v == 0:
        return "0"
    text = f"{v:.4g}"
    return text.replace("e-0", "e-").replace("e+0", "e")


def nice_ticks(lo: float, hi: float, count: int = 5):
    """Round tick values (1, 2 or 5 times a power of ten) covering [lo, hi].

    Example:
        >>> nice_ticks(0.0, 0.93)
        [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError(f"viz: cannot place ticks on the range [{lo}, {hi}]: values must be finite")
    if hi <= lo:
        lo, hi = lo - 0.5 * (abs(lo) or 1.0), hi + 0.5 * (abs(hi) or 1.0)
    raw = (hi - lo) / max(count, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step + 1e-9)
    last = math.ceil(hi / step - 1e-9)
    return [float(f"{k * step:.12g}") for k in range(first, last + 1)]


def log_ticks(lo: float, hi: float):
    """Powers of ten covering [lo, hi] (both > 0)."""
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    if first == last:
        last += 1
    return [10.0 ** k for k in range(first, last + 1)]


class Svg:
    """An SVG document built element by element, in pixels (origin top left, y down)."""

    def __init__(self, width: float, height: float, background: str = "#ffffff"):
        self.width, self.height = width, height
        self.items = []
        if background:
            self.rect(0, 0, width, height, fill=background)

    def rect(self, x, y, w, h, fill="none", stroke=None, width=1.0, extra=""):
        stroke_attr = f' stroke="{stroke}" stroke-width="{_num(width)}"' if stroke else ""
        self.items.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
                          f'fill="{fill}"{stroke_attr}{extra}/>')

    def line(self, x1, y1, x2, y2, stroke="#000000", width=1.0, dash=None):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        self.items.append(f'<line x1="{_num(x1)}" y1="{_num(y1)}" x2="{_num(x2)}" y2="{_num(y2)}" '
                          f'stroke="{stroke}" stroke-width="{_num(width)}"{dash_attr}/>')

    def polyline(self, points, stroke="#000000", width=1.5, dash=None, extra=""):
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        self.items.append(f'<polyline points="{coords}" fill="none" stroke="{stroke}" '
                          f'stroke-width="{_num(width)}" stroke-linejoin="round"{dash_attr}{extra}/>')

    def polygon(self, points, fill="#cccccc", stroke=None, width=0.5, opacity=1.0, extra=""):
        coords = " ".join(f"{_num(x)},{_num(y)}" for x, y in points)
        stroke_attr = f' stroke="{stroke}" stroke-width="{_num(width)}"' if stroke else ""
        opacity_attr = f' fill-opacity="{_num(opacity)}"' if opacity < 1 else ""
        self.items.append(f'<polygon points="{coords}" fill="{fill}"{opacity_attr}{stroke_attr}{extra}/>')

    def circle(self, x, y, r, fill="#000000", stroke=None, width=0.8):
        stroke_attr = f' stroke="{stroke}" stroke-width="{_num(width)}"' if stroke else ""
        self.items.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" fill="{fill}"{stroke_attr}/>')

    def text(self, x, y, content, size=11, anchor="start", rotate=None, weight=None, fill="#222222"):
        """Text at (x, y) (the baseline); `anchor` is start, middle or end."""
        transform = f' transform="rotate({_num(rotate)} {_num(x)} {_num(y)})"' if rotate else ""
        weight_attr = f' font-weight="{weight}"' if weight else ""
        self.items.append(f'<text x="{_num(x)}" y="{_num(y)}" font-size="{_num(size)}" '
                          f'text-anchor="{anchor}" fill="{fill}"{weight_attr}{transform}>'
                          f'{escape(content)}</text>')

    def to_string(self) -> str:
        head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_num(self.width)}" '
                f'height="{_num(self.height)}" viewBox="0 0 {_num(self.width)} {_num(self.height)}" '
                f'font-family="{FONT}">')
        return "\n".join([head, *self.items, "</svg>"]) + "\n"


class Axes:
    """A plotting box inside an `Svg`: maps data (x, y) to pixels, draws ticks and labels.

    `left, top, width, height` is the box of the data area in pixels; `xlim`, `ylim` the
    data ranges (widened to round ticks); `log_y` puts y on a log scale (values > 0).
    """

    def __init__(self, svg, left, top, width, height, xlim, ylim, log_y=False, nice=True):
        self.svg, self.left, self.top, self.width, self.height = svg, left, top, width, height
        self.log_y = log_y
        self.inked = []         # pixels drawn on: the legend goes where it hides the fewest
        if nice:
            self.xticks = nice_ticks(*xlim)
            self.yticks = log_ticks(*ylim) if log_y else nice_ticks(*ylim)
            xlim = (self.xticks[0], self.xticks[-1])
            ylim = (self.yticks[0], self.yticks[-1])
        else:
            self.xticks = nice_ticks(*xlim)
            self.xticks = [t for t in self.xticks if xlim[0] - 1e-12 <= t <= xlim[1] + 1e-12]
            self.yticks = nice_ticks(*ylim)
            self.yticks = [t for t in self.yticks if ylim[0] - 1e-12 <= t <= ylim[1] + 1e-12]
        self.xlim, self.ylim = xlim, ylim

    def px(self, x):
        lo, hi = self.xlim
        return self.left + (x - lo) / (hi - lo) * self.width

    def py(self, y):
        lo, hi = self.ylim
        if self.log_y:
            y, lo, hi = math.log10(y), math.log10(lo), math.log10(hi)
        return self.top + (hi - y) / (hi - lo) * self.height

    def frame(self, xlabel=None, ylabel=None, title=None, grid=True):
        """The box, grid lines, tick marks with their values, axis labels and the title."""
        svg, bottom = self.svg, self.top + self.height
        for t in self.xticks:
            x = self.px(t)
            if grid:
                svg.line(x, self.top, x, bottom, stroke="#e6e6e6")
            svg.line(x, bottom, x, bottom + 4, stroke="#444444")
            svg.text(x, bottom + 16, tick_label(t), size=10, anchor="middle")
        for t in self.yticks:
            y = self.py(t)
            if grid:
                svg.line(self.left, y, self.left + self.width, y, stroke="#e6e6e6")
            svg.line(self.left - 4, y, self.left, y, stroke="#444444")
            svg.text(self.left - 7, y + 3.5, tick_label(t), size=10, anchor="end")
        svg.rect(self.left, self.top, self.width, self.height, stroke="#444444")
        if xlabel:
            svg.text(self.left + self.width / 2, bottom + 34, xlabel, size=11, anchor="middle")
        if ylabel:
            x = self.left - 48
            svg.text(x, self.top + self.height / 2, ylabel, size=11, anchor="middle", rotate=-90)
        if title:
            svg.text(self.left + self.width / 2, self.top - 10, title, size=12, anchor="middle",
                     weight="bold")

    def line(self, xs, ys, colour, width=1.8, dash=None):
        """A polyline through the finite points; a NaN or inf breaks the line there."""
        run = []
        for x, y in zip(xs, ys):
            if math.isfinite(x) and math.isfinite(y) and not (self.log_y and y <= 0):
                run.append((self.px(x), self.py(y)))
                continue
            self._flush(run, colour, width, dash)
            run = []
        self._flush(run, colour, width, dash)

    def _flush(self, run, colour, width, dash):
        for (xa, ya), (xb, yb) in zip(run, run[1:]):     # the segments, sampled every ~4 px
            steps = max(1, int(math.hypot(xb - xa, yb - ya) / 4))
            self.inked.extend((xa + (xb - xa) * k / steps, ya + (yb - ya) * k / steps)
                              for k in range(steps))
        self.inked.extend(run[-1:])
        if len(run) == 1:
            self.svg.circle(*run[0], 2.0, fill=colour)
        elif run:
            self.svg.polyline(run, stroke=colour, width=width, dash=dash)

    def points(self, xs, ys, colours, radius=3.0, stroke="#ffffff"):
        for x, y, c in zip(xs, ys, colours):
            self.inked.append((self.px(x), self.py(y)))
            self.svg.circle(self.px(x), self.py(y), radius, fill=c, stroke=stroke)

    def polygon(self, vertices, fill, stroke=None, opacity=1.0, extra=""):
        self.svg.polygon([(self.px(x), self.py(y)) for x, y in vertices], fill=fill, stroke=stroke,
                         opacity=opacity, extra=extra)

    def legend(self, entries, kind="line"):
        """Entries (label, colour) in a white box, in the corner of the data area that hides
        the fewest drawn points (top right when there is a tie)."""
        if not entries:
            return
        width = 34 + 6.4 * max(len(str(label)) for label, _ in entries)
        height = 8 + 16 * len(entries)
        right, bottom = self.left + self.width - width - 6, self.top + self.height - height - 6
        corners = [(right, self.top + 6), (self.left + 6, self.top + 6), (right, bottom),
                   (self.left + 6, bottom)]
        x, y = min(corners, key=lambda c: sum(c[0] <= px <= c[0] + width and c[1] <= py <= c[1] + height
                                              for px, py in self.inked))
        self.svg.rect(x, y, width, height, fill="#ffffff", stroke="#bbbbbb",
                      extra=' fill-opacity="0.85"')
        for k, (label, colour) in enumerate(entries):
            cy = y + 12 + 16 * k
            if kind == "line":
                self.svg.line(x + 6, cy, x + 24, cy, stroke=colour, width=2.2)
            else:
                self.svg.circle(x + 15, cy, 4, fill=colour, stroke="#ffffff")
            self.svg.text(x + 30, cy + 4, label, size=10)


class Figure:
    """A finished plot: SVG text, shown inline in Jupyter, saved as .svg or .png.

    Example:
        >>> svg = Svg(100, 50)
        >>> svg.text(10, 20, "hi")
        >>> figure = Figure(svg.to_string())
        >>> figure.svg.startswith("<svg")
        True
    """

    def __init__(self, svg: str):
        self.svg = svg

    def _repr_svg_(self) -> str:
        return self.svg

    def to_png(self, scale: float = 2.0) -> bytes:
        """The plot as PNG bytes, rasterised by resvg (`pip install resvg-py`)."""
        return svg_to_png(self.svg, scale)

    def save(self, path) -> str:
        """Write the plot to `path`: `.svg` as text, `.png` through resvg. Returns the path."""
        return save_svg(self.svg, path, "viz.Figure.save")


def svg_to_png(svg: str, scale: float = 2.0) -> bytes:
    """Rasterise SVG text to PNG bytes with resvg (a pip package), using the system's fonts.

    Text needs a font: resvg reads the system's fonts and, when matplotlib is installed,
    the DejaVu fonts it ships, so the labels show even on a machine without fonts.
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
    try:
        import matplotlib
    except ImportError:
        return []
    folder = pathlib.Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return [str(folder)] if folder.is_dir() else []


def save_svg(svg: str, path, caller: str) -> str:
    """Write SVG text to `path` as .svg or .png (format from the extension); return the path."""
    path = pathlib.Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise ValueError(f"{caller}: cannot write {path.name!r}: plots are written as .svg or .png "
                         f"(pip alone); for PDF, convert the .svg (e.g. `rsvg-convert -f pdf` or "
                         f"Inkscape) or draw with matplotlib")
    data = svg.encode("utf-8") if suffix == ".svg" else svg_to_png(svg)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def finite_range(arrays, log=False):
    """(lo, hi) over the finite values of `arrays` (positive ones only when `log`)."""
    values = np.concatenate([np.asarray(a, dtype=np.float64).ravel() for a in arrays])
    keep = np.isfinite(values) & ((values > 0) if log else True)
    if not keep.any():
        return None
    return float(values[keep].min()), float(values[keep].max())
