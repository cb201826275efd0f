"""Lesson: a linear autoencoder trained by gradient descent finds the PCA subspace.

The course notes (summary), sec. 9.1. For centred data X (N x n) and a linear autoencoder x^ = D C x + d with
m < n hidden units, the reconstruction error is minimised when D C is the orthogonal
projection onto the span of the top m principal directions (the top eigenvectors of the
covariance X^T X / N); the minimum error is the sum of the discarded eigenvalues. Gradient
descent reaches it (the loss has no spurious local minima, only saddles). The basis D
itself is not unique, any invertible mix of the principal directions is as good, so the
lesson compares subspaces, through the projection matrices, and the error. (In the figure,
Adam's loss jumps up now and then once it is near the optimum: its second-moment estimate
shrinks with the gradients, so the step lr * m / (sqrt(v) + eps) stops shrinking; a smaller lr
at the end settles it.)
"""
import numpy as np

import tinygrad_edu

from tinygrad_edu import Tensor, nn, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 9.1 (autoencoders: optimal linear compression)"


def correlated_data(N: int = 500, n: int = 6, seed: int = 0):
    """Data with standard deviations 3, 2, 1, 0.5, 0.3, 0.2 in random directions (not centred)."""
    rng = np.random.default_rng(seed)
    Q = np.linalg.qr(rng.normal(size=(n, n)))[0]
    scales = np.array([3.0, 2.0, 1.0, 0.5, 0.3, 0.2, 0.1, 0.05])[:n]
    return rng.normal(size=(N, n)) * scales @ Q.T + rng.normal(size=n)


def projection(basis) -> np.ndarray:
    """The orthogonal projection onto the column space of `basis`."""
    Q = np.linalg.qr(basis)[0]
    return Q @ Q.T


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Train nn.LinearAutoencoder(n, m) with Adam; compare with PCA.

    Example:
        >>> run(quick=True)["checks"]["decoder spans the top-m principal subspace"]
        True
    """
    tinygrad_edu.manual_seed(seed)                  # the autoencoder's initial weights
    X = correlated_data(seed=seed)
    N, n, m = X.shape[0], X.shape[1], 2
    Xc = X - X.mean(axis=0)
    eigenvalues, eigenvectors = np.linalg.eigh(Xc.T @ Xc / N)
    eigenvalues, eigenvectors = eigenvalues[::-1], eigenvectors[:, ::-1]
    pca_error = float(eigenvalues[m:].sum())
    ae = nn.LinearAutoencoder(n, m, dtype=np.float64)
    opt = optim.Adam(ae.parameters(), lr=0.01)
    data = Tensor(X)
    losses = []
    for step in range(2500 if quick else 6000):
        if step == (2000 if quick else 5000):
            for group in opt.param_groups:
                group["lr"] = 0.001
        opt.zero_grad()
        loss = ((ae(data) - data) ** 2).sum() / N      # mean squared reconstruction error per point
        loss.backward()
        opt.step()
        losses.append(loss.item())
    gap = float(np.linalg.norm(projection(ae.decoder_weight.data) - projection(eigenvectors[:, :m]), 2))
    print(f"  covariance eigenvalues {np.round(eigenvalues, 3)}")
    print(f"  autoencoder error {losses[-1]:.6f}, PCA error (sum of the discarded eigenvalues) "
          f"{pca_error:.6f}")
    print(f"  ||P_decoder - P_pca||_2 = {gap:.2e}")
    # a wrong subspace (e.g. components 1 and 3) would be off by eigenvalues[1] - eigenvalues[2] ~ 3
    checks = {"decoder spans the top-m principal subspace": gap < 5e-3,
              "reconstruction error = sum of discarded eigenvalues":
                  abs(losses[-1] - pca_error) < 1e-3 * pca_error}
    figure = plot_lines(out_dir, "linear_autoencoder_pca.png",
                        {"autoencoder loss - PCA error": np.maximum(np.array(losses) - pca_error, 1e-12)},
                        xlabel="Adam step", ylabel="excess reconstruction error", log_y=True,
                        title="Linear autoencoder converging to PCA")
    return {"eigenvalues": eigenvalues, "pca_error": pca_error, "ae_error": losses[-1],
            "subspace_gap": gap, "decoder_weight": ae.decoder_weight.data.copy(), "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
