"""The tour's pictures of what the CNN, the LSTM and the autoencoder learned.

Each function takes a trained `tour_runs.Result`, writes its pictures into `out` and returns
(file name, caption) pairs for the index page. Plots are matplotlib figures saved as PNG; the
unrolled LSTM is a Graphviz picture (`viz.draw_recurrent`).
"""
import os

import numpy as np

from tinygrad_edu import Tensor, nn, no_grad

F = nn.functional
IMAGE_CLASSES = ("horizontal bars", "vertical bars", "square", "cross")


def _figure(margins, **options):
    """A Figure with fixed margins (left, right, bottom, top, wspace, hspace): a constrained
    layout would draw each figure twice, and these three are saved once each."""
    from tinygrad_edu.viz.picture import new_figure
    fig = new_figure(dpi=100, **options)
    fig.subplots_adjust(**dict(zip(("left", "right", "bottom", "top", "wspace", "hspace"), margins)))
    return fig


def _image(ax, picture, title, cmap="gray_r", scale=None, limits=None):
    """One image without ticks: a diverging colour scale when `scale` is given, else `limits`
    (low, high) or the image's own range."""
    if scale is not None:
        limits = (-scale, scale)
    low, high = limits if limits is not None else (None, None)
    ax.imshow(picture, cmap=cmap, vmin=low, vmax=high, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title, fontsize=10)


def cnn_pictures(out: str, result):
    """The first layer's learned 3x3 filters, and the feature maps they make of one image."""
    X_val, y_val = result.data
    conv = result.model[0]
    index = int(np.flatnonzero(y_val == 3)[0]) if np.any(y_val == 3) else 0
    image = X_val[index:index + 1]
    with no_grad():
        maps = conv(Tensor(image)).relu().data[0]
        predicted = int(np.argmax(result.model(Tensor(image)).data[0]))
    filters = conv.weight.data[:, 0]
    count = len(filters)
    fig = _figure((0.01, 0.99, 0.01, 0.78, 0.08, 0.25), figsize=(1.25 * (count + 1), 3.2))
    axes = fig.subplots(2, count + 1)
    axes[0, 0].axis("off")
    axes[0, 0].text(0.5, 0.5, "learned\n3×3 filters\n(blue −, red +)", ha="center", va="center",
                    fontsize=10)
    scale = float(np.abs(filters).max())
    for k in range(count):
        _image(axes[0, k + 1], filters[k], f"filter {k}", cmap="RdBu_r", scale=scale)
        _image(axes[1, k + 1], maps[k], f"map {k}", cmap="magma")
    _image(axes[1, 0], image[0, 0], f"input: {IMAGE_CLASSES[int(y_val[index])]}")
    fig.suptitle(f"The CNN's first layer: each filter slides over every position (weight sharing);\n"
                 f"its map (after ReLU) is bright where its pattern occurs. The CNN says: "
                 f"{IMAGE_CLASSES[predicted]}", fontsize=11)
    fig.savefig(os.path.join(out, "cnn_filters.png"))
    return [("cnn_filters.png",
             "The trained CNN's first-layer filters (top, 3x3 each) and the feature map each one "
             "makes of a held-out image (bottom, after ReLU): one small filter, used at every "
             "position, finds its pattern wherever it is.")]


def lstm_pictures(out: str, result):
    """Three steps of the trained LSTM unrolled (BPTT), and what its cell state carries."""
    from tinygrad_edu import viz
    from tinygrad_edu.viz.recurrent_unroll import unroll
    X_val, y_val = result.data                    # (N, L, 1), (N, L), batch first
    model = result.model
    target = Tensor(y_val[:1, :3].reshape(-1))

    def loss_fn(output):                          # the training loss on these three steps
        return F.cross_entropy(model.head(output).reshape(-1, 2), target)
    picture = viz.draw_recurrent(model.rnn, X_val[:1, :3], loss_fn=loss_fn)
    viz.render(picture, os.path.join(out, "lstm_unrolled.svg"))
    cells = unroll_cells(model.rnn, X_val, unroll)
    _cell_state_figure(out, X_val, cells)
    return [("lstm_unrolled.svg",
             "The trained LSTM unrolled over the first 3 steps of a held-out sequence, with its "
             "gates: each weight (left) is one tensor used at every step, and its gradient is "
             "the sum of what each step sends it (backprop through time), for the training "
             "loss on these steps."),
            ("lstm_cell_state.png",
             "What the LSTM's cell state carries: for one held-out sequence, the inputs and "
             "their running sum (the sign of which is the label) and the cell state c_t of "
             "every unit; on the right, over all held-out sequences, the unit that tracks the "
             "running sum best.")]


def unroll_cells(lstm, X, unroll):
    """The cell states c_t (N, L, H) of a batch-first LSTM over X, from the gate-by-gate run."""
    run = unroll(lstm, X, caller="tour")
    return np.stack([row[0]["c"].data for row in run.nodes], axis=1)


def _cell_state_figure(out, X, cells):
    running = np.cumsum(X[:, :, 0], axis=1)                       # (N, L)
    flat_c, flat_s = cells.reshape(-1, cells.shape[2]), running.reshape(-1)
    corr = np.array([np.corrcoef(flat_c[:, k], flat_s)[0, 1] for k in range(cells.shape[2])])
    best = int(np.argmax(np.abs(corr)))
    order = np.argsort(-np.abs(corr))
    steps = np.arange(1, X.shape[1] + 1)
    fig = _figure((0.08, 0.98, 0.1, 0.83, 0.27, 0.45), figsize=(11, 4.6))
    grid = fig.add_gridspec(2, 2, width_ratios=[1.6, 1], height_ratios=[1, 1.5])
    crossings = np.sum(np.diff(np.sign(running[:50]), axis=1) != 0, axis=1)
    pick = int(np.argmax(crossings))                  # a sequence whose label flips most often
    top = fig.add_subplot(grid[0, 0])
    top.bar(steps, X[pick, :, 0], color="#bbbbbb", label="input x_t")
    top.plot(steps, running[pick], "o-", color="#1f5f99", label="running sum (its sign: the label)")
    top.axhline(0, color="black", lw=0.6)
    top.set_xticks(steps)
    top.set_xlim(0.4, steps[-1] + 0.6)
    top.legend(fontsize=9, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=2, frameon=False)
    top.set_ylabel("one held-out\nsequence", fontsize=10)
    heat = fig.add_subplot(grid[1, 0], sharex=top)
    scale = float(np.abs(cells[pick]).max())
    shown = heat.imshow(cells[pick][:, order].T, aspect="auto", cmap="RdBu_r", vmin=-scale,
                        vmax=scale, extent=(0.5, steps[-1] + 0.5, len(order) - 0.5, -0.5))
    heat.set_yticks(range(len(order)), [f"unit {k}" for k in order], fontsize=8)
    heat.set_xlabel("step t")
    heat.set_title("its cell state c_t, unit by unit (best running-sum tracker on top)",
                   fontsize=11)
    fig.colorbar(shown, cax=heat.inset_axes([1.01, 0.0, 0.015, 1.0]))    # steps stay aligned
    scatter = fig.add_subplot(grid[:, 1])
    scatter.scatter(flat_s, flat_c[:, best], s=4, alpha=0.35, color="#b2182b")
    scatter.axhline(0, color="black", lw=0.6)
    scatter.axvline(0, color="black", lw=0.6)
    scatter.set_xlabel("running sum x_1 + ... + x_t")
    scatter.set_ylabel(f"cell state of unit {best}")
    scatter.set_title(f"all held-out steps: unit {best} (correlation {corr[best]:+.2f})",
                      fontsize=11)
    fig.suptitle("The LSTM carries the running total in its cell state", fontsize=12)
    fig.savefig(os.path.join(out, "lstm_cell_state.png"))


def autoencoder_pictures(out: str, result):
    """Held-out images, the autoencoder's reconstructions and PCA's (same code size)."""
    X_val, _, _, (mean, basis) = result.data           # PCA fitted on the training images
    codes = basis.shape[1]
    with no_grad():
        ae = result.model(Tensor(X_val[:8])).data
    pca = (X_val[:8] - mean) @ basis @ basis.T + mean
    rows = [("held-out image", X_val[:8]), ("autoencoder", ae), (f"PCA, {codes} components", pca)]
    limits = (float(X_val[:8].min()), float(X_val[:8].max()))    # one grey scale for all rows
    fig = _figure((0.17, 0.99, 0.01, 0.86, 0.06, 0.08), figsize=(10, 4.3))
    axes = fig.subplots(3, 8)
    for r, (name, images) in enumerate(rows):
        error = float(((images - X_val[:8]) ** 2).mean())
        for k in range(8):
            _image(axes[r, k], images[k].reshape(12, 12), "", limits=limits)
        label = name if r == 0 else f"{name}\nMSE {error:.4f}"
        axes[r, 0].set_ylabel(label, fontsize=10, rotation=0, ha="right", va="center")
    fig.suptitle(f"A linear autoencoder with a code of {codes} against PCA with {codes} components "
                 f"(the best any linear code of that size can do):\nboth keep the rough shape and "
                 f"lose the details; mean squared errors on these 8 images", fontsize=11)
    fig.savefig(os.path.join(out, "autoencoder_reconstructions.png"))
    return [("autoencoder_reconstructions.png",
             "Held-out shapes (top), the trained linear autoencoder's reconstructions (middle) "
             "and PCA's with as many components (bottom), on one grey scale: a linear "
             "autoencoder can at best reach PCA, and it comes close.")]
