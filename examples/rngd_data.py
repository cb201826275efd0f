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

import os

import numpy as np

from tinygrad_edu.data import read_idx, load_mnist, load_digits8x8  # noqa: F401


def load(mnist_dir: str | None = None):
    """MNIST from `mnist_dir` if given, else the 8x8 digits: (x_train, y_train, x_test, y_test)."""
    return load_mnist(mnist_dir) if mnist_dir else load_digits8x8()


def whitening(x: np.ndarray, rel_tol: float = 1e-6):
    """(A, a) with A (x - a) of zero mean and identity covariance on the non-singular directions.

    Seed 001 eq. 28's feature whitening: a is the mean, A = diag(lambda^-1/2) U^T over the
    eigenpairs of the covariance with lambda > rel_tol * lambda_max (singular ones are dropped,
    e.g. border pixels that are always 0).
    """
    a = x.mean(axis=0)
    lam, u = np.linalg.eigh(np.cov(x - a, rowvar=False))
    keep = lam > rel_tol * lam.max()
    return (u[:, keep] / np.sqrt(lam[keep])).T, a


def save_curves(folder: str, name: str, curves: dict, ylabel: str = "training cost",
                xlabel: str = "epoch", logy: bool = True) -> list[str]:
    """Write curves {label: values} as CSV, and as PNG when matplotlib is installed."""
    os.makedirs(folder, exist_ok=True)
    labels = list(curves)
    length = max(len(v) for v in curves.values())
    csv_path = os.path.join(folder, name + ".csv")
    with open(csv_path, "w") as f:
        f.write(",".join([xlabel] + labels) + "\n")
        for i in range(length):
            row = [str(i + 1)] + [f"{curves[k][i]:.6g}" if i < len(curves[k]) else ""
                                  for k in labels]
            f.write(",".join(row) + "\n")
    written = [csv_path]
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return written
    fig, ax = plt.subplots(figsize=(6, 4))
    for k in labels:
        ax.plot(np.arange(1, len(curves[k]) + 1), curves[k], label=k)
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    fig.tight_layout()
    png = os.path.join(folder, name + ".png")
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return written + [png]
