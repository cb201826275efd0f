"""`new_figure`: a matplotlib Figure made without pyplot that still shows inline in a notebook.

Why: pyplot keeps every figure it makes alive (and warns after 20), and a library should not
touch that global state; but a bare `matplotlib.figure.Figure` shows in Jupyter only once
pyplot's inline backend has been loaded. The subclass here adds `_repr_png_`, so a returned
figure shows inline either way. matplotlib is imported only when a figure is made.
"""
import functools
import io


@functools.lru_cache(maxsize=1)
def _figure_class():
    from matplotlib.figure import Figure

    class NotebookFigure(Figure):
        """A matplotlib Figure with a PNG representation for IPython."""

        def _repr_png_(self):
            buffer = io.BytesIO()
            self.savefig(buffer, format="png")
            return buffer.getvalue()

    return NotebookFigure


def new_figure(**options):
    """A Figure (`figsize`, `layout`, `dpi`... as matplotlib's) that shows inline in notebooks.

    Example:
        >>> from tinygrad_edu.viz.picture import new_figure
        >>> fig = new_figure(figsize=(3, 2))
        >>> fig._repr_png_()[:4] == b"\\x89PNG"
        True
    """
    return _figure_class()(**options)
