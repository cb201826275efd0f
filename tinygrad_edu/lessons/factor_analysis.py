"""Lesson: factor analysis, x = mu + W z + eta, is the Gaussian x ~ N(mu, W W^T + Sigma).

The course notes (summary), sec. 9.2 (factor analysis). With m < n factors z ~ N(0, I),
a loading matrix W (n x m) and independent noise eta ~ N(0, Sigma), Sigma diagonal, the
observation x = mu + W z + eta is Gaussian with mean mu and covariance W W^T + Sigma: a few
factors account for the dependencies between many observables, the diagonal noise for the
rest. The notes prove it with moment generating functions: E exp(t . x) =
exp(t . mu + 1/2 t^T (W W^T + Sigma) t). The lesson

* samples x from the model and compares the sample covariance with W W^T + Sigma (within the
  sampling error, which shrinks like 1/sqrt(N)) and the sample mean (the MLE of mu) with mu;
* compares Monte Carlo estimates of the moment generating function at a few t with the
  closed form;
* shows the model is not identifiable: W R for any orthogonal R gives the same covariance.
"""
import numpy as np

from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 9.2 (factor analysis)"


def factor_model(n: int = 8, m: int = 2, seed: int = 0):
    """(mu, W, Sigma) of a random factor analysis model with n observables and m factors."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=n), rng.normal(size=(n, m)), np.diag(rng.uniform(0.1, 0.5, size=n))


def sample(mu, W, Sigma, N: int, rng) -> np.ndarray:
    """N draws of x = mu + W z + eta, z ~ N(0, I), eta ~ N(0, Sigma)."""
    z = rng.normal(size=(N, W.shape[1]))
    eta = rng.normal(size=(N, len(mu))) * np.sqrt(np.diag(Sigma))
    return mu + z @ W.T + eta


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Sample the model; compare covariance, mean and MGF with N(mu, W W^T + Sigma).

    Example:
        >>> run(quick=True)["checks"]["W R gives the same covariance (R orthogonal)"]
        True
    """
    rng = np.random.default_rng(seed)
    mu, W, Sigma = factor_model(seed=seed)
    C = W @ W.T + Sigma
    sizes = [1000, 4000, 16000] if quick else [1000, 4000, 16000, 64000, 256000]
    errors = []
    for N in sizes:
        X = sample(mu, W, Sigma, N, rng)
        errors.append(float(np.linalg.norm(np.cov(X.T) - C) / np.linalg.norm(C)))
    mean_error = float(np.max(np.abs(X.mean(axis=0) - mu) / np.sqrt(np.diag(C) / len(X))))
    # the expected squared error of a sample covariance entry is (C_ii C_jj + C_ij^2) / N
    expected = [float(np.sqrt(np.sum(np.outer(np.diag(C), np.diag(C)) + C ** 2) / N) / np.linalg.norm(C))
                for N in sizes]
    print(f"  n = {len(mu)} observables, m = {W.shape[1]} factors; ||sample cov - (W W^T + Sigma)|| / ||.||:")
    print("   " + ", ".join(f"N = {N}: {e:.3f} (expected {x:.3f})"
                            for N, e, x in zip(sizes, errors, expected)))
    print(f"  sample mean vs mu: {mean_error:.1f} standard errors at most")

    ts = 0.15 * rng.normal(size=(4, len(mu)))
    mgf_z = []
    for t in ts:
        values = np.exp(X @ t)
        exact = np.exp(t @ mu + 0.5 * t @ C @ t)
        mgf_z.append(abs(values.mean() - exact) / (values.std() / np.sqrt(len(values))))
    print(f"  E exp(t . x) vs exp(t . mu + t^T C t / 2) at {len(ts)} points t: {max(mgf_z):.1f} standard "
          f"errors at most")
    R = np.linalg.qr(rng.normal(size=(W.shape[1], W.shape[1])))[0]
    rotation_gap = float(np.max(np.abs((W @ R) @ (W @ R).T + Sigma - C)))
    print(f"  W -> W R (R orthogonal): the covariance changes by {rotation_gap:.1e}")
    checks = {
        "sample covariance -> W W^T + Sigma within 2.5x the sampling error, for every N":
            all(e < 2.5 * x for e, x in zip(errors, expected)),
        "sample mean = mu within 4.5 standard errors": mean_error < 4.5,
        "moment generating function = exp(t.mu + t^T (W W^T + Sigma) t / 2)": max(mgf_z) < 4.5,
        "W R gives the same covariance (R orthogonal)": rotation_gap < 1e-12,
    }
    index = np.arange(1, len(mu) + 1)
    figure = plot_lines(out_dir, "factor_analysis.png",
                        {"eigenvalues of W W^T + Sigma": (index, np.linalg.eigvalsh(C)[::-1]),
                         f"eigenvalues of the sample covariance (N = {sizes[-1]})":
                             (index, np.linalg.eigvalsh(np.cov(X.T))[::-1]),
                         "eigenvalues of Sigma (noise alone)": (index, np.sort(np.diag(Sigma))[::-1])},
                        styles={f"eigenvalues of the sample covariance (N = {sizes[-1]})":
                                {"linestyle": "none", "marker": "x", "markersize": 9}},
                        xlabel="eigenvalue index", ylabel="eigenvalue", log_y=True,
                        title=f"{W.shape[1]} factors stand above the diagonal noise")
    return {"covariance": C, "errors": errors, "sizes": sizes, "mgf_z": mgf_z, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
