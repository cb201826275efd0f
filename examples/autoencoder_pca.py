"""A linear autoencoder learns what PCA computes: the top principal subspace.

What it teaches: the course notes (sec. 9.1) show that a linear autoencoder x -> C x -> D C x
trained on the squared reconstruction error is optimal exactly when D spans the span of
the top-k left singular vectors of the centred data, the PCA subspace. Gradient descent
does not know this; we train one with `fit` and check: its error falls to PCA's, and the
largest principal angle between its decoder's column space and PCA's subspace goes to 0.
(It learns the subspace, not PCA's basis: any invertible mix of the k directions is as
good.)

Run: python examples/autoencoder_pca.py [--quick] [--out DIR] [--seed N]
"""
import argparse
import os
import sys

import numpy as np

from tinygrad_edu import manual_seed, nn, optim, viz
from tinygrad_edu.train import Callback, fit, evaluate

DIM, CODE = 20, 3


def low_rank_data(n, seed):
    """n points near a random 5-D subspace of R^20 (strong directions of unequal variance)."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.normal(size=(DIM, 5)))[0]
    scales = np.array([3.0, 2.0, 1.5, 0.5, 0.3])
    Z = rng.normal(size=(n, 5)) * scales
    return (Z @ basis.T + 0.05 * rng.normal(size=(n, DIM)) + 1.0).astype(np.float32)


def pca(X, k):
    """The mean, the top-k principal directions (DIM, k), and the optimal mean squared error."""
    mean = X.mean(axis=0)
    _, s, vt = np.linalg.svd(X - mean, full_matrices=False)
    best = float((s[k:] ** 2).sum() / X.size)
    return mean, vt[:k].T, best


def largest_angle_degrees(A, B):
    """The largest principal angle between the column spaces of A and B."""
    qa, qb = np.linalg.qr(A)[0], np.linalg.qr(B)[0]
    cosines = np.linalg.svd(qa.T @ qb, compute_uv=False)
    return float(np.degrees(np.arccos(np.clip(cosines.min(), -1.0, 1.0))))


def main(argv=None) -> int:
    """Train the linear AE, compare its error and subspace with PCA's, draw the curve."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer epochs")
    parser.add_argument("--out", default="examples_out", help="folder for the picture")
    parser.add_argument("--seed", type=int, default=0, help="seed of data and weights")
    args = parser.parse_args(argv)
    X = low_rank_data(1000, args.seed)
    _, directions, best = pca(X.astype(np.float64), CODE)
    manual_seed(args.seed)
    model = nn.LinearAutoencoder(DIM, CODE)
    decoder = model.decoder.weight                    # (DIM, CODE): its columns span the code space
    angles = []

    class TrackAngle(Callback):
        def on_epoch_end(self, run, epoch, logs):
            angles.append(largest_angle_degrees(decoder.data.astype(np.float64), directions))

    # the (1/2N) sum ||x - x^||^2 of the course notes is mse_loss up to a constant factor
    history = fit(model, nn.functional.mse_loss, optim.Adam(model.parameters(), lr=0.02), (X, X),
                  epochs=30 if args.quick else 80, batch_size=50, callbacks=[TrackAngle()],
                  seed=args.seed, label="linear AE")
    error = evaluate(model, nn.functional.mse_loss, (X, X))["loss"]
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "autoencoder_pca.png")
    epochs = np.arange(1, history.epochs + 1)
    viz.plot_lines({"linear autoencoder": (epochs, history["loss"]),
                    "PCA optimum (k = 3)": (epochs, np.full(len(epochs), best))},
                   styles={"PCA optimum (k = 3)": {"color": "black", "linestyle": "--", "marker": ""}},
                   path=path, xlabel="epoch", ylabel="mean squared reconstruction error",
                   title="a linear autoencoder reaches PCA's error", log_y=True)
    print(f"reconstruction MSE: linear autoencoder {error:.5f}, PCA with {CODE} components "
          f"{best:.5f} (the optimum), ratio {error / best:.3f}")
    print(f"largest angle between the decoder's columns and PCA's subspace: {angles[0]:.1f} deg "
          f"after epoch 1, {angles[-1]:.2f} deg at the end; picture: {path}")
    held = error <= 1.05 * best and angles[-1] < 5.0
    print("claim: linear AE = PCA (error within 5% of PCA's, subspaces within 5 degrees): "
          + ("holds" if held else "FAILED"))
    return 0 if held else 1


if __name__ == "__main__":
    sys.exit(main())
