"""`draw_weight_sharing`: a convolution's kernel gradient drawn as the sum of its per-position terms.

A matplotlib figure of small matrices (numbers in every cell), three rows: the forward pass (input
with the first patch outlined, kernel, output, upstream gradient dL/dy); the kernel gradient as
one term per output position (that position's input patch times its dL/dy) = their sum = what
autograd gives; the input gradient as the spread, padded dL/dy correlated with the kernel rotated
by 180 degrees = what autograd gives. The numbers come from `conv_sharing.conv_sharing`.
"""
import numpy as np

from .conv_sharing import conv_sharing
from .picture import new_figure

CELL = 0.36                 # inches per matrix cell
VALUE_MAP, GRADIENT_MAP = "PuOr_r", "RdBu_r"


def _number(v) -> str:
    """Two decimals with a true minus sign, and no "−0.00"."""
    return f"{v:.2f}".replace("-", "−") if abs(v) >= 0.005 else "0.00"


def _matrix(ax, m, title, scale, cmap, fontsize=9, outline=None, faded=None):
    """One matrix: a colour per cell (symmetric scale), its value written in it, a title."""
    ax.imshow(m, cmap=cmap, vmin=-scale, vmax=scale, interpolation="nearest")
    for (i, j), v in np.ndenumerate(m):
        strong = abs(v) > 0.6 * scale
        grey = faded is not None and faded[i, j]
        ax.text(j, i, _number(v), ha="center", va="center", fontsize=fontsize,
                color="white" if strong else ("#888888" if grey else "black"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)
    if outline is not None:
        from matplotlib.patches import Rectangle
        (i, j), (h, w) = outline
        ax.add_patch(Rectangle((j - 0.5, i - 0.5), w, h, fill=False, lw=2.5, ec="#1a9641"))
    for side in ax.spines.values():
        side.set_color("#999999")


def _scale(*arrays):
    top = max(float(np.max(np.abs(a))) for a in arrays)
    return top if top > 0 else 1.0


def _sign(text_ax, text, size=22):
    text_ax.axis("off")
    text_ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=size)


def draw_weight_sharing(conv, x, loss_fn=None, out_channel: int = 0, in_channel: int = 0,
                        max_positions: int = 36):
    """Draw why a convolution's kernel gradient is a sum over positions, and the rot180 input grad.

    Why: one kernel is slid over every position of the image, so each kernel weight is used
    once per output position and its gradient adds one term per position (the course notes,
    ch. 4, "weight sharing": an additive combination). The figure shows, for one output channel
    `o` and one input channel `c`: the input x[c] (padded if the layer pads) with the patch of
    the first position outlined, the kernel w[o, c], the output y[o] and the upstream gradient
    dL/dy[o]; then every term dL/dy[o, i, j] * patch(i, j), their sum, and autograd's
    weight.grad[o, c] beside it; then the input gradient: dL/dy spread by the stride and padded
    by k - 1, correlated with the kernel rotated by 180 degrees (summed over all output
    channels), beside autograd's x.grad[c]. The engine's conv2d is a cross-correlation, as
    PyTorch's, so the rotation sits on the kernel here. The module is not changed.

    Args:
        conv: an nn.Conv2d with groups=1 and dilation=1 (any stride and zero padding).
        x: one image, (1, C, H, W), (C, H, W) or (H, W) when C = 1; keep it small (5x5 to 7x7),
            every output position gets its own small matrix.
        loss_fn: a function of the output y (1, O, oh, ow) returning a scalar Tensor; None:
            L = 1/2 sum y^2, so the upstream gradient dL/dy is y itself.
        out_channel, in_channel: which (o, c) pair of the kernel to draw.
        max_positions: refuse larger outputs (the figure would not be readable).

    Returns:
        a matplotlib Figure (inline in notebooks; `fig.savefig("w.png")` or
        `viz.render(fig, "w.svg")`); `fig.sharing` holds the numbers (a `ConvSharing`: the
        terms, their sum, autograd's gradients, the rot180 input gradient).

    Example:
        >>> import numpy as np
        >>> from tinygrad_edu import nn, viz
        >>> conv = nn.Conv2d(1, 1, 3)
        >>> fig = viz.draw_weight_sharing(conv, np.arange(25.0).reshape(5, 5) / 25)
        >>> fig.sharing.terms.shape              # (O, C, 3x3 positions, 3x3 kernel)
        (1, 1, 3, 3, 3, 3)
        >>> bool(np.allclose(fig.sharing.terms.sum(axis=(2, 3)), fig.sharing.kernel_autograd))
        True
    """
    caller = "viz.draw_weight_sharing"
    s = conv_sharing(conv, x, loss_fn, caller)
    O, C = s.weight.shape[:2]
    for name, value, top in (("out_channel", out_channel, O), ("in_channel", in_channel, C)):
        if not isinstance(value, (int, np.integer)) or not 0 <= value < top:
            raise ValueError(f"{caller}: {name} must be an integer in [0, {top - 1}], got {value!r}")
    oh, ow = s.upstream.shape[1:]
    if oh * ow > max_positions:
        raise ValueError(f"{caller}: the output has {oh}x{ow} = {oh * ow} positions, more than "
                         f"max_positions={max_positions} small matrices; use a smaller image "
                         f"(e.g. 5x5) or raise max_positions")
    o, c = out_channel, in_channel
    kh, kw = s.weight.shape[2:]
    width = max(ow * (kw + 0.6) * CELL + 2 * (kw + 1.5) * CELL + 1.2,
                s.padded.shape[2] * CELL + (kw + oh + s.spread.shape[2]) * CELL + 3.0,
                s.spread.shape[2] * CELL + 2 * s.x.shape[2] * CELL + kw * CELL + 3.5, 8.0)
    heights = [max(s.padded.shape[1], s.spread.shape[1]) * CELL + 0.8,
               oh * (kh + 1.0) * CELL + 0.6, s.spread.shape[1] * CELL + 0.8]
    fig = new_figure(figsize=(width, sum(heights) + 1.2), layout="constrained", dpi=100)
    fig.suptitle(f"Weight sharing in a convolution: the kernel w[{o}, {c}] is used at all "
                 f"{oh * ow} output positions,\nso its gradient is the sum of {oh * ow} terms"
                 f"\n{_loss_text(loss_fn, s.loss)}", fontsize=12)
    forward, kernel, inputs = fig.subfigures(3, 1, height_ratios=heights)
    _forward_row(forward, s, o, c)
    _kernel_row(kernel, s, o, c)
    _input_row(inputs, s, o, c)
    _grow_until_laid_out(fig)
    fig.sharing = s
    return fig


def _grow_until_laid_out(fig, tries: int = 5):
    """Enlarge the figure until constrained layout fits every title and matrix.

    Why: the size above is an estimate; for some kernel and image sizes (a 2x2 kernel on a 4x4
    image) the titles need more room, and matplotlib then gives up on the layout with a warning
    and draws titles over each other. Once a layout fits, it is kept as it is.
    """
    import warnings
    for _ in range(tries):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            fig.get_layout_engine().execute(fig)
        if not any("constrained_layout not applied" in str(w.message) for w in caught):
            fig.set_layout_engine("none")       # keep this layout: redoing it can fail again
            return
        width, height = fig.get_size_inches()
        fig.set_size_inches(width * 1.2, height * 1.15)


def _loss_text(loss_fn, loss):
    if loss_fn is None:
        return f"L = ½ Σ y² = {loss:.4g}, so the upstream gradient dL/dy is y itself"
    return f"L = loss_fn(y) = {loss:.4g}"


def _forward_row(sub, s, o, c):
    kh, kw = s.weight.shape[2:]
    pad = s.padding != (0, 0)
    axes = sub.subplots(1, 4, width_ratios=[s.padded.shape[2], kw, s.y.shape[2], s.y.shape[2]])
    faded = np.ones(s.padded.shape[1:], bool)
    faded[s.padding[0]:s.padding[0] + s.x.shape[1], s.padding[1]:s.padding[1] + s.x.shape[2]] = False
    values = _scale(s.padded[c], s.weight[o, c])
    _matrix(axes[0], s.padded[c], f"input x[{c}]" + (" (zero padded)" if pad else "")
            + "\ngreen: the patch of position (0, 0)", values, "PuOr_r",
            outline=((0, 0), (kh, kw)), faded=faded if pad else None)
    _matrix(axes[1], s.weight[o, c], f"kernel w[{o}, {c}]", values, VALUE_MAP)
    _matrix(axes[2], s.y[o], f"output y[{o}]\n(stride {s.stride[0]})"
            if s.stride != (1, 1) else f"output y[{o}]", _scale(s.y[o]), VALUE_MAP)
    _matrix(axes[3], s.upstream[o], f"upstream gradient dL/dy[{o}]", _scale(s.upstream[o]),
            GRADIENT_MAP)
    sub.suptitle("forward: y[o, i, j] = Σ w[o] ⊙ (the patch at (i, j)) + b", fontsize=11, x=0.02,
                 ha="left")


def _kernel_row(sub, s, o, c):
    oh, ow = s.upstream.shape[1:]
    terms, total, auto = s.terms[o, c], s.kernel_sum[o, c], s.kernel_autograd[o, c]
    scale = _scale(terms, total)
    grid, equals, summed, same, autograd = sub.subfigures(1, 5,
                                                          width_ratios=[ow * 4.2, 1, 4, 1, 4])
    axes = np.atleast_2d(grid.subplots(oh, ow, squeeze=False))
    for (i, j), ax in np.ndenumerate(axes):
        _matrix(ax, terms[i, j], f"({i},{j}): {s.upstream[o, i, j]:+.2f} × patch".replace("-", "−"),
                scale, GRADIENT_MAP, fontsize=8)
    grid.suptitle(f"one term per output position: dL/dy[{o}, i, j] × patch(i, j)", fontsize=11)
    _sign(equals.subplots(), "Σ =")
    _matrix(summed.subplots(), total, f"sum of the {oh * ow} terms", scale, GRADIENT_MAP)
    _sign(same.subplots(), "=")
    error = float(np.max(np.abs(total - auto)))
    _matrix(autograd.subplots(), auto, f"autograd:\nweight.grad[{o}, {c}]\nmax |diff| = {error:.0e}",
            scale, GRADIENT_MAP)


def _input_row(sub, s, o, c):
    kh, kw = s.weight.shape[2:]
    channels = s.weight.shape[0]
    axes = sub.subplots(1, 6, width_ratios=[s.spread.shape[2], 1.2, kw, 1.2, s.x.shape[2],
                                            s.x.shape[2]])
    spread_title = (f"dL/dy[{o}] spread by the stride,\nzero padded by k − 1" if s.stride != (1, 1)
                    else f"dL/dy[{o}], zero padded by k − 1")
    _matrix(axes[0], s.spread[o], spread_title, _scale(s.spread[o]), GRADIENT_MAP, fontsize=8,
            faded=s.spread[o] == 0)
    _sign(axes[1], "⋆", size=30)
    _matrix(axes[2], s.weight[o, c, ::-1, ::-1], f"rot180(w[{o}, {c}])",
            _scale(s.weight[o, c]), VALUE_MAP)
    _sign(axes[3], "=")
    over = f" (Σ over the {channels} output channels)" if channels > 1 else ""
    grad_scale = _scale(s.input_rot180[c], s.input_autograd[c])
    _matrix(axes[4], s.input_rot180[c], f"dL/dx[{c}]{over}", grad_scale, GRADIENT_MAP)
    error = float(np.max(np.abs(s.input_rot180[c] - s.input_autograd[c])))
    _matrix(axes[5], s.input_autograd[c], f"autograd:\nx.grad[{c}]\nmax |diff| = {error:.0e}",
            grad_scale, GRADIENT_MAP)
    sub.suptitle("input gradient: the upstream gradient correlated with the kernel rotated by "
                 "180°" + (", padding cropped" if s.padding != (0, 0) else ""), fontsize=11,
                 x=0.02, ha="left")
