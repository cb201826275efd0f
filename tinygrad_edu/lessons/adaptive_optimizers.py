"""Lesson: RMSprop's running average, and Adam's bias correction m_hat = m / (1 - beta1^t).

The course notes (summary), sec. 6.2 (SGD: AdaGrad, RMSprop, Adam). RMSprop divides each
coordinate's step by the root of a decaying average of its squared gradients, gamma_i^2 = sum_s
rho^(t-s) g_is^2 in the notes; `optim.RMSprop` (like PyTorch's) keeps the normalised form v_t = rho
v_(t-1) + (1 - rho) g_t^2, which is (1 - rho) times the notes' sum. Adam keeps such averages of g
(m, beta1 = 0.9) and g^2 (v, beta2 = 0.999); both start at 0, so early on they are biased towards 0
by the factors 1 - beta1^t and 1 - beta2^t, and Adam divides them out: m_hat = m / (1 - beta1^t),
v_hat = v / (1 - beta2^t), then theta_t = theta_(t-1) - eta m_hat / (sqrt(v_hat) + eps). (The OCR'd
notes print "+ eta"; descent subtracts.) The lesson checks

* `optim.RMSprop` and `optim.Adam` step for step against the notes' recursions in numpy;
* the notes' sum gamma^2 against v / (1 - rho);
* with a constant gradient, Adam's corrected step is exactly eta per coordinate from the very
  first step, and m_hat = g; without the correction the first step is
  (1 - beta1)/sqrt(1 - beta2) ~ 3.2 times too large and the steps peak near 6.5 eta;
* with noisy gradients, the corrected m_hat averages to the true gradient at every t.
"""
import numpy as np

from tinygrad_edu import Tensor, optim
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 6.2 (RMSprop, Adam)"


def notes_adam(grads, eta, beta1=0.9, beta2=0.999, eps=1e-8, correct=True):
    """The notes' Adam on a sequence of gradients: the parameter path starting at 0 (numpy)."""
    m = v = theta = np.zeros_like(grads[0])
    path = [theta]
    for t, g in enumerate(grads, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        m_hat, v_hat = (m / (1 - beta1 ** t), v / (1 - beta2 ** t)) if correct else (m, v)
        theta = theta - eta * m_hat / (np.sqrt(v_hat) + eps)
        path.append(theta)
    return np.array(path)


def notes_rmsprop(grads, eta, rho=0.99, eps=1e-8):
    """RMSprop with v = rho v + (1 - rho) g^2 (numpy); also returns the notes' sums gamma^2."""
    v = theta = gamma_sq = np.zeros_like(grads[0])
    path, sums, vs = [theta], [], []
    for g in grads:
        v = rho * v + (1 - rho) * g * g
        gamma_sq = rho * gamma_sq + g * g                # sum_s rho^(t-s) g_s^2
        theta = theta - eta * g / (np.sqrt(v) + eps)
        path.append(theta)
        sums.append(gamma_sq)
        vs.append(v)
    return np.array(path), np.array(sums), np.array(vs)


def engine_path(make_optimizer, grads):
    """Feed the gradients `grads` to an optimiser of the engine through a linear loss g . theta."""
    theta = Tensor(np.zeros_like(grads[0]), requires_grad=True)
    opt = make_optimizer([theta])
    path = [theta.data.copy()]
    for g in grads:
        opt.zero_grad()
        (theta * Tensor(g)).sum().backward()        # d/dtheta (g . theta) = g
        opt.step()
        path.append(theta.data.copy())
    return np.array(path)


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """RMSprop and Adam against the notes' recursions; Adam's steps with and without correction.

    Example:
        >>> run(quick=True)["checks"]["optim.Adam = the notes' Adam (bias-corrected)"]
        True
    """
    rng = np.random.default_rng(seed)
    steps = 200 if quick else 2000
    grads = rng.normal(size=(steps, 5)) * np.array([1e-3, 0.1, 1, 10, 1e3])
    adam_gap = float(np.max(np.abs(engine_path(lambda p: optim.Adam(p, lr=0.01), grads)
                                   - notes_adam(grads, 0.01))))
    rms, sums, vs = notes_rmsprop(grads, 0.01)
    rms_gap = float(np.max(np.abs(engine_path(lambda p: optim.RMSprop(p, lr=0.01, alpha=0.99), grads) - rms)))
    sum_gap = float(np.max(np.abs(sums * (1 - 0.99) - vs) / vs))
    print(f"  optim.Adam vs the notes' Adam: {adam_gap:.1e}; optim.RMSprop vs v = rho v + (1 - rho) g^2: "
          f"{rms_gap:.1e}")
    print(f"  the notes' gamma^2 = sum rho^(t-s) g^2 equals v / (1 - rho) (relative gap {sum_gap:.1e})")

    g = np.array([2.0, -0.01, 300.0])
    constant = np.tile(g, (steps, 1))
    corrected = np.abs(np.diff(notes_adam(constant, 0.01), axis=0)) / 0.01
    uncorrected = np.abs(np.diff(notes_adam(constant, 0.01, correct=False), axis=0)) / 0.01
    engine_steps = np.abs(np.diff(engine_path(lambda p: optim.Adam(p, lr=0.01), constant), axis=0)) / 0.01
    print(f"  constant gradient {g.tolist()}: Adam's steps / eta range {engine_steps.min():.6f} .. "
          f"{engine_steps.max():.6f}; uncorrected, the first is {uncorrected[0, 0]:.2f}, the largest "
          f"{uncorrected.max():.2f}")

    runs, horizon, true_g = 4000, 30, 0.5
    noisy = true_g + rng.normal(size=(horizon, runs))
    m, m_hats = np.zeros(runs), []
    for t in range(1, horizon + 1):
        m = 0.9 * m + 0.1 * noisy[t - 1]
        m_hats.append(m / (1 - 0.9 ** t))
    m_hats = np.array(m_hats)
    spread = m_hats.std(axis=1) / np.sqrt(runs)
    worst_z = float(np.max(np.abs(m_hats.mean(axis=1) - true_g) / spread))
    print(f"  noisy gradients, mean {true_g}: m_hat averaged over {runs} runs stays within "
          f"{worst_z:.1f} standard errors of {true_g} for t = 1..{horizon}; m without correction "
          f"starts at {0.1 * true_g:.2f}")
    checks = {
        "optim.Adam = the notes' Adam (bias-corrected)": adam_gap < 1e-12,
        "optim.RMSprop = rho v + (1 - rho) g^2, the notes' sum times (1 - rho)":
            rms_gap < 1e-12 and sum_gap < 1e-12,
        "constant gradient: every corrected Adam step is eta": bool(np.all(np.abs(engine_steps - 1) < 1e-6)),
        "without the correction the early steps are > 3 eta": bool(uncorrected[0].min() > 3),
        "E m_hat_t = E g at every t (within 4.5 standard errors)": worst_z < 4.5,
    }
    t = np.arange(1, steps + 1)
    figure = plot_lines(out_dir, "adaptive_optimizers.png",
                        {"Adam with bias correction": (t, corrected[:, 0]),
                         "without correction: m / (sqrt(v) + eps)": (t, uncorrected[:, 0])},
                        xlabel="step t", ylabel="|step| / eta (constant gradient)", log_x=True,
                        title="Adam's bias correction keeps the first steps at eta")
    return {"adam_gap": adam_gap, "rmsprop_gap": rms_gap, "corrected_steps": engine_steps,
            "uncorrected_steps": uncorrected, "m_hat_worst_z": worst_z, "checks": checks,
            "ok": all_hold(checks), "figures": [figure] if figure else []}
