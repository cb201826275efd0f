"""Data for the RNGD reproductions: scikit-learn's 8x8 digits, or real MNIST from IDX files.

The loaders live in `tinygrad_edu.data` (digits.py); this module adds what the
reproductions need on top: the choice of data set, whitening and result files.

The 8x8 digits ship inside scikit-learn (no download), which is the optional `examples` extra:
    pip install "tinygrad_edu[examples]"
MNIST must be supplied by the user as the four IDX files of LeCun et al. (gzipped or not) in one
folder: train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
t10k-labels-idx1-ubyte.
"""
from __future__ import annotations

import csv
import os

import numpy as np

from tinygrad_edu.data import read_idx, load_mnist, load_digits8x8  # noqa: F401


def load(mnist_dir: str | None = None):
    """MNIST from `mnist_dir` if given, else the 8x8 digits: (x_train, y_train, x_test, y_test)."""
    return load_mnist(mnist_dir) if mnist_dir else load_digits8x8()


def whitening(x: np.ndarray, rel_tol: float = 1e-6):
    """(A, a) with A (x - a) of zero mean and identity covariance on the non-singular directions.

    Sun & Nielsen's eq. 28 feature whitening: a is the mean, A = diag(lambda^-1/2) U^T over the
    eigenpairs of the covariance with lambda > rel_tol * lambda_max (singular ones are dropped,
    e.g. border pixels that are always 0).
    """
    a = x.mean(axis=0)
    lam, u = np.linalg.eigh(np.cov(x - a, rowvar=False))
    keep = lam > rel_tol * lam.max()
    return (u[:, keep] / np.sqrt(lam[keep])).T, a


def save_curves(folder: str, name: str, curves: dict, ylabel: str = "training cost",
                title: str | None = None, xlabel: str = "epoch", formats=("png",)) -> list[str]:
    """Write curves {label: values per epoch} as CSV and as a log-scale matplotlib plot.

    Why matplotlib directly: the figure must keep its legend off the curves (it sits beside the
    axes) and mark a diverged run, which ends early, as such. Values <= 0 (a cost that rounded
    to 0) cannot go on a log axis and are left out; inf or NaN (a diverged run) ends its line,
    and its label says "diverged".
    """
    import matplotlib
    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    os.makedirs(folder, exist_ok=True)
    labels = list(curves)
    length = max(len(v) for v in curves.values())
    csv_path = os.path.join(folder, name + ".csv")
    with open(csv_path, "w", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")     # quotes labels like "GD (lr=10, m=0.8)"
        writer.writerow([xlabel] + labels)
        for i in range(length):
            writer.writerow([str(i + 1)] + [f"{curves[k][i]:.6g}" if i < len(curves[k]) else ""
                                            for k in labels])
    with plt.rc_context({"font.size": 11}):
        figure, ax = plt.subplots(figsize=(9.5, 4.6), layout="constrained")
        for label, values in curves.items():
            values = np.asarray(values, dtype=np.float64)
            finite = np.isfinite(values)
            shown = np.where(finite & (values > 0), values, np.nan)
            if not finite.all():
                label = f"{label}, diverged"
            ax.plot(np.arange(1, len(values) + 1), shown, label=label, linewidth=1.8)
        ax.set_yscale("log")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(xlabel=xlabel, ylabel=ylabel)
        if title:
            ax.set_title(title, fontsize=12)
        ax.grid(True, alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False, fontsize=10)
    written = [csv_path]
    for ext in formats:
        path = os.path.join(folder, f"{name}.{ext}")
        figure.savefig(path, dpi=120)
        written.append(path)
    plt.close(figure)
    return written
