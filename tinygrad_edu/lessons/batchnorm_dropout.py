"""Lesson: what batch normalisation and dropout do, checked on the engine's layers.

The course notes (summary), sec. 6.3 (batch normalisation) and 6.6 (dropout). Batch norm, in
training, standardises each feature over the batch, x_hat = (x - mean_B) / sqrt(var_B + eps) (biased
variance), then applies gamma x_hat + beta; it keeps running averages of the mean and the unbiased
variance and uses them in eval mode. Two consequences checked here: the output is unchanged when a
feature is shifted, so the gradient reaching the batch sums to 0 per feature; and it is unchanged
when the weights of the layer before are scaled, so those weights receive a gradient orthogonal to
themselves (<W_j, dl/dW_j> = 0 for each unit j, up to the eps in the denominator). Dropout zeroes
each unit with probability p and scales the others by 1/(1-p), so that the expected output equals
the input; in eval mode it is the identity.
"""
import numpy as np

import tinygrad_edu
from tinygrad_edu import Tensor, nn
from ._common import all_hold, plot_lines

SOURCE = "the course notes (summary), sec. 6.3 (batch normalisation) and 6.6 (dropout)"


def batchnorm_checks(rng, steps: int):
    """Numbers of the batch-norm part (see the module docstring)."""
    bn = nn.BatchNorm1d(4, dtype=np.float64)
    bn.weight.data[:] = [1.0, 2.0, 0.5, 3.0]
    bn.bias.data[:] = [0.0, -1.0, 2.0, 0.5]
    true_mean, true_std = np.array([3.0, -2.0, 0.0, 10.0]), np.array([0.5, 2.0, 1.0, 4.0])
    mean_gap = []
    for _ in range(steps):
        x = Tensor(true_mean + true_std * rng.normal(size=(64, 4)), requires_grad=True)
        out = bn(x)
        mean_gap.append(float(np.max(np.abs(bn.running_mean.data - true_mean))))
    standard = (out.data - bn.bias.data) / bn.weight.data
    (out * Tensor(rng.normal(size=out.shape))).sum().backward()
    stats = {"batch_mean": float(np.max(np.abs(standard.mean(axis=0)))),
             "batch_var_minus_1": float(np.max(np.abs(standard.var(axis=0) - 1))),
             "grad_sum": float(np.max(np.abs(x.grad.data.sum(axis=0)))),
             "running_mean_gap": mean_gap[-1],
             "running_std_rel_gap": float(np.max(np.abs(np.sqrt(bn.running_var.data) / true_std - 1)))}
    bn.eval()
    probe = rng.normal(size=(5, 4))
    expected = (probe - bn.running_mean.data) / np.sqrt(bn.running_var.data + bn.eps) \
        * bn.weight.data + bn.bias.data
    stats["eval_uses_running_stats"] = float(np.max(np.abs(bn(Tensor(probe)).data - expected)))
    return stats, mean_gap


def scale_invariance(rng):
    """max_j |<W_j, dl/dW_j>| / (||W_j|| ||dl/dW_j||) for Linear -> BatchNorm -> loss."""
    linear = nn.Linear(6, 5, bias=False, dtype=np.float64)
    bn = nn.BatchNorm1d(5, eps=1e-12, dtype=np.float64)
    x = Tensor(rng.normal(size=(32, 6)))
    (bn(linear(x)) * Tensor(rng.normal(size=(32, 5)))).sum().backward()
    W, G = linear.weight.data, linear.weight.grad.data
    cosines = np.abs(np.sum(W * G, axis=1)) / (np.linalg.norm(W, axis=1) * np.linalg.norm(G, axis=1))
    return float(np.max(cosines))


def dropout_checks(p: float, samples: int, seed: int):
    """Fraction dropped, max |mean over masks - x|, and whether eval mode is the identity."""
    tinygrad_edu.manual_seed(seed)
    drop = nn.Dropout(p)
    x = np.linspace(1.0, 2.0, 50)
    outs = np.array([drop(Tensor(x)).data for _ in range(samples)])
    kept = outs != 0
    scale_ok = bool(np.allclose(outs[kept], np.broadcast_to(x / (1 - p), outs.shape)[kept]))
    drop.eval()
    identity = bool(np.array_equal(drop(Tensor(x)).data, x))
    return float(1 - kept.mean()), float(np.max(np.abs(outs.mean(axis=0) - x) / x)), scale_ok, identity


def run(quick: bool = False, out_dir=None, seed: int = 0) -> dict:
    """Batch-norm statistics, invariances and running averages; dropout's mask and scaling.

    Example:
        >>> run(quick=True)["checks"]["batch norm: per-feature mean 0, variance 1 in training"]
        True
    """
    tinygrad_edu.manual_seed(seed)                  # nn.Linear's initial weights
    rng = np.random.default_rng(seed)
    stats, mean_gap = batchnorm_checks(rng, 60 if quick else 200)
    cosine = scale_invariance(rng)
    p = 0.3
    samples = 2000 if quick else 20000
    dropped, bias, scale_ok, identity = dropout_checks(p, samples, seed)
    five_sigma = 5 * np.sqrt(p / ((1 - p) * samples))     # std of a mean of x * Bernoulli/(1-p), over x
    print("  Batch norm in training, 4 features with very different means and spreads:")
    print(f"    after it, every feature's batch mean is 0 (largest {stats['batch_mean']:.1e}) and its batch "
          f"variance is 1 (largest gap {stats['batch_var_minus_1']:.1e}, from eps)")
    print(f"    the gradient reaching the batch sums to 0 per feature (largest sum {stats['grad_sum']:.1e}):"
          " shifting a feature changes nothing")
    print(f"    the running mean ends within {stats['running_mean_gap']:.2f} of the true means, the running "
          f"std within {100 * stats['running_std_rel_gap']:.1f}% of the true spreads")
    print(f"    in eval mode it normalises with those running statistics (gap to the formula "
          f"{stats['eval_uses_running_stats']:.1e})")
    print(f"  Scale invariance: each row of the weights before batch norm and its gradient are orthogonal "
          f"(largest cosine {cosine:.1e})")
    print(f"  dropout p = {p}: dropped {dropped:.4f}, max relative |E[out] - x| = {bias:.4f}")
    checks = {
        "batch norm: per-feature mean 0, variance 1 in training":
            stats["batch_mean"] < 1e-12 and stats["batch_var_minus_1"] < 1e-3,
        "batch norm: gradient sums to 0 over the batch": stats["grad_sum"] < 1e-9,
        "batch norm: weights before it get a gradient orthogonal to them": cosine < 1e-6,
        "batch norm: running mean and std within 10% of the data's":
            stats["running_mean_gap"] < 0.1 * 4 and stats["running_std_rel_gap"] < 0.1,
        "batch norm: eval mode uses the running statistics": stats["eval_uses_running_stats"] < 1e-12,
        "dropout: drops a fraction p, scales the rest by 1/(1-p)": abs(dropped - p) < 0.02 and scale_ok,
        "dropout: E[output] = input (within 5 standard errors)": bias < five_sigma,
        "dropout: identity in eval mode": identity,
    }
    figure = plot_lines(out_dir, "batchnorm_running_mean.png",
                        {"max |running_mean - true mean|": mean_gap}, xlabel="batch",
                        ylabel="gap", log_y=True, title="BatchNorm running mean (momentum 0.1)")
    return {**stats, "scale_cosine": cosine, "dropout_fraction": dropped, "dropout_bias": bias,
            "checks": checks, "ok": all_hold(checks), "figures": [figure] if figure else []}
