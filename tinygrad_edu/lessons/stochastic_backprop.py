"""Lesson: stochastic backpropagation, grad_mu E f(z) = E grad f(z) and grad_Sigma E f(z) = 1/2 E grad^2 f(z).

The course notes (summary), sec. 9.3 (deep latent Gaussian models: stochastic
backpropagation). For
z ~ N(mu, Sigma) and a smooth f, integrating by parts gives

    grad_mu E[f(z)] = E[grad_z f(z)],      grad_Sigma E[f(z)] = 1/2 E[grad_z^2 f(z)],

so gradients of an expectation are expectations of gradients: write z = mu + L eps with
Sigma = L L^T and eps ~ N(0, I) (the reparameterisation the VAE uses), and backprop through
samples. The lesson takes f(z) = exp(a . z), whose expectation is known in closed form,
E f = exp(a . mu + a^T Sigma a / 2), so grad_mu = a E f and grad_Sigma = 1/2 a a^T E f, and

* backpropagates the Monte Carlo mean of f(mu + L eps) with the engine to mu and to L;
  d/dL = 2 G L for G = dE/dSigma, so G = 1/2 (dE/dL) L^-1; both are compared with the closed
  forms (and with 1/2 E[grad^2 f] = 1/2 a a^T E f) within their Monte Carlo error;
* compares the spread of the reparameterised estimate of grad_mu with the score-function
  estimate E[f(z) Sigma^-1 (z - mu)] (no backprop through f): both are unbiased, the
  reparameterised one has the smaller variance here -- why VAEs backprop through samples.
"""
import numpy as np

from tinygrad_edu import Tensor
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 9.3 (stochastic backpropagation)"

A = np.array([0.5, -0.3, 0.8])
MU = np.array([0.2, -0.1, 0.4])
SIGMA = np.array([[1.0, 0.3, 0.1], [0.3, 0.8, -0.2], [0.1, -0.2, 0.6]])


def closed_form(a=A, mu=MU, sigma=SIGMA):
    """E f, grad_mu E f and grad_Sigma E f for f(z) = exp(a . z), z ~ N(mu, Sigma)."""
    value = float(np.exp(a @ mu + 0.5 * a @ sigma @ a))
    return value, a * value, 0.5 * np.outer(a, a) * value


def reparameterised_gradients(eps: np.ndarray, a=A, mu=MU, sigma=SIGMA):
    """Backprop of mean_s f(mu + L eps_s) to mu and L; returns (grad_mu, grad_Sigma = 1/2 dL L^-1)."""
    L0 = np.linalg.cholesky(sigma)
    m, L = Tensor(mu.copy(), requires_grad=True), Tensor(L0.copy(), requires_grad=True)
    z = m + Tensor(eps) @ L.T
    (z @ Tensor(a)).exp().mean().backward()
    grad_sigma = 0.5 * L.grad.data @ np.linalg.inv(L0)
    return m.grad.data, 0.5 * (grad_sigma + grad_sigma.T)


def score_function_gradient(eps: np.ndarray, a=A, mu=MU, sigma=SIGMA) -> np.ndarray:
    """grad_mu E f estimated as mean_s f(z_s) Sigma^-1 (z_s - mu) (no derivative of f used)."""
    z = mu + eps @ np.linalg.cholesky(sigma).T
    return np.mean(np.exp(z @ a)[:, None] * np.linalg.solve(sigma, (z - mu).T).T, axis=0)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Reparameterised gradients against the closed forms; their spread against the score function.

    Example:
        >>> run(quick=True)["checks"]["grad_mu E f = E grad f (backprop through samples)"]
        True
    """
    rng = np.random.default_rng(seed)
    value, grad_mu, grad_sigma = closed_form()
    batches, size = (20, 2000) if quick else (50, 10000)
    mus, sigmas, scores = [], [], []
    for _ in range(batches):
        eps = rng.normal(size=(size, 3))
        g_mu, g_sigma = reparameterised_gradients(eps)
        mus.append(g_mu)
        sigmas.append(g_sigma)
        scores.append(score_function_gradient(eps))
    mus, sigmas, scores = np.array(mus), np.array(sigmas), np.array(scores)
    z_mu = np.max(np.abs(mus.mean(0) - grad_mu) / (mus.std(0) / np.sqrt(batches)))
    z_sigma = np.max(np.abs(sigmas.mean(0) - grad_sigma) / (sigmas.std(0) / np.sqrt(batches)))
    z_score = np.max(np.abs(scores.mean(0) - grad_mu) / (scores.std(0) / np.sqrt(batches)))
    variance_ratio = float(np.mean(scores.var(0) / mus.var(0)))
    print(f"  f(z) = exp(a . z): E f = {value:.4f}; grad_mu closed form {np.round(grad_mu, 4)}")
    print(f"  backprop through {batches} x {size} samples: {np.round(mus.mean(0), 4)} "
          f"({z_mu:.1f} standard errors at most)")
    print(f"  grad_Sigma = 1/2 E[grad^2 f] = 1/2 a a^T E f, diagonal {np.round(np.diag(grad_sigma), 4)}; "
          f"from dL: {np.round(np.diag(sigmas.mean(0)), 4)} ({z_sigma:.1f} standard errors at most)")
    print(f"  score-function estimate: unbiased too ({z_score:.1f} standard errors), but its variance is "
          f"{variance_ratio:.1f}x the reparameterised one's")
    checks = {
        "grad_mu E f = E grad f (backprop through samples)": z_mu < 4.5,
        "grad_Sigma E f = 1/2 E grad^2 f (backprop to L)": z_sigma < 4.5,
        "the score-function estimate is unbiased too": z_score < 4.5,
        "the reparameterised estimate has the smaller variance": variance_ratio > 1.5,
    }
    sizes = np.array([10, 30, 100, 300, 1000, 3000])
    rep_err, score_err = [], []
    for s in sizes:
        draws = [rng.normal(size=(s, 3)) for _ in range(30)]
        rep_err.append(np.sqrt(np.mean([np.sum((reparameterised_gradients(e)[0] - grad_mu) ** 2)
                                        for e in draws])))
        score_err.append(np.sqrt(np.mean([np.sum((score_function_gradient(e) - grad_mu) ** 2)
                                          for e in draws])))
    figure = plot_lines(out_dir, "stochastic_backprop.png",
                        {"reparameterised (backprop through z = mu + L eps)": (sizes, rep_err),
                         "score function f(z) Sigma^-1 (z - mu)": (sizes, score_err),
                         "1/sqrt(S) (reference)": (sizes, rep_err[0] * np.sqrt(sizes[0] / sizes))},
                        xlabel="samples S", ylabel="error of the grad_mu estimate (rms)", log_y=True,
                        log_x=True, title="Two unbiased gradient estimates, different variances")
    return {"grad_mu": grad_mu, "grad_sigma": grad_sigma, "estimates_mu": mus, "estimates_sigma": sigmas,
            "variance_ratio": variance_ratio, "checks": checks, "ok": all_hold(checks),
            "figures": [figure] if figure else []}
