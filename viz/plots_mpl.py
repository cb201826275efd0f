"""The same line plots drawn on matplotlib axes, for those who have matplotlib (an optional extra).

Why: in a notebook that already uses matplotlib, a learning curve often belongs in a figure of
one's own (next to other panels, with its styling). `plot_lines(..., ax=ax)` and
`plot_training_curves(..., ax=axes)` draw there instead of writing SVG.
"""


def draw_lines_on(ax, lines, xlabel=None, ylabel=None, title=None, log_y=False):
    """Draw `lines` = [(label, xs, ys, colour)] on a matplotlib Axes; return the Axes."""
    if not hasattr(ax, "plot"):
        raise TypeError(f"viz: ax must be a matplotlib Axes, got {type(ax).__name__}")
    for label, xs, ys, colour in lines:
        ax.plot(xs, ys, label=label, color=colour, linewidth=1.8)
    if log_y:
        ax.set_yscale("log")
    if xlabel:
        ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.grid(True, color="#e6e6e6")
    ax.legend()
    return ax


def axes_for(ax, count, caller):
    """`count` Axes from one Axes (count must be 1) or a sequence/array of them."""
    flat = list(getattr(ax, "flat", ax)) if not hasattr(ax, "plot") else [ax]
    if len(flat) < count:
        raise ValueError(f"{caller}: {count} metrics need {count} axes, got {len(flat)}; pass "
                         f"e.g. plt.subplots(1, {count})[1]")
    return flat[:count]
