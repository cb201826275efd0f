"""The RFIM closed forms of seed 001 against (1) numpy finite differences with exact
expectations, with no engine involved, and (2) the autodiff definition E[score score^T]."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.optim import fisher
from tinygrad_edu import Tensor

RNG = np.random.default_rng(0)
T_GRID = np.linspace(-4, 4, 41)
H = 1e-5


def log_lik(activation, t, y, sigma=1.0, **kw):
    """ln p(y | t) straight from the model definitions of seed 001 (eqs. 11, 13, 15, 17, 19)."""
    if activation == "sigmoid":
        s = 1 / (1 + np.exp(-t))
        return y * np.log(s) + (1 - y) * np.log(1 - s)
    if activation == "tanh":
        return np.log((1 + y * np.tanh(t)) / 2)
    if activation == "relu":  # smooth PReLU mean w ln(exp(iota t/w) + exp(t/w))
        w, iota = kw["omega"], kw["iota"]
        mean = w * np.log(np.exp(iota * t / w) + np.exp(t / w))
    elif activation == "elu":
        mean = np.where(t >= 0, t, kw["alpha"] * (np.exp(t) - 1))
    else:
        mean = t
    return -(y - mean) ** 2 / (2 * sigma ** 2)


def expected_sq_score_fd(activation, t, sigma=1.0, **kw):
    """E_y[(d/dt ln p(y|t))^2] with central differences; exact sums or 20-node Gauss-Hermite."""
    def score(y):
        return (log_lik(activation, t + H, y, sigma, **kw)
                - log_lik(activation, t - H, y, sigma, **kw)) / (2 * H)
    if activation == "sigmoid":
        p = 1 / (1 + np.exp(-t))
        return p * score(1.0) ** 2 + (1 - p) * score(0.0) ** 2
    if activation == "tanh":
        p = (1 + np.tanh(t)) / 2
        return p * score(1.0) ** 2 + (1 - p) * score(-1.0) ** 2
    z, w = np.polynomial.hermite_e.hermegauss(20)
    if activation == "relu":
        mu = kw["omega"] * np.logaddexp(kw["iota"] * t / kw["omega"], t / kw["omega"])
    elif activation == "elu":
        mu = np.where(t >= 0, t, kw["alpha"] * (np.exp(t) - 1))
    else:
        mu = t
    return sum(wk * score(mu + sigma * zk) ** 2 for zk, wk in zip(z, w)) / np.sqrt(2 * np.pi)


CASES = [
    ("tanh", {}, lambda t: fisher.nu_tanh(t)),
    ("sigmoid", {}, lambda t: fisher.nu_sigmoid(t)),
    ("relu", dict(omega=0.5, iota=0.0), lambda t: fisher.nu_relu(t, omega=0.5)),
    ("relu", dict(omega=0.3, iota=0.2, sigma=0.7),
     lambda t: fisher.nu_relu(t, omega=0.3, iota=0.2, sigma=0.7)),
    ("elu", dict(alpha=1.5, sigma=2.0), lambda t: fisher.nu_elu(t, alpha=1.5, sigma=2.0)),
    ("linear", dict(sigma=0.5), lambda t: fisher.nu_linear(t, sigma=0.5)),
]


@pytest.mark.parametrize("activation,kw,closed", CASES, ids=[c[0] for c in CASES])
def test_nu_equals_expected_squared_score_by_finite_differences(activation, kw, closed):
    """nu_f(t) = E[(d ln p / dt)^2], so g(w) = nu_f x~ x~^T by the chain rule (eq. 21)."""
    kw = dict(kw)
    sigma = kw.pop("sigma", 1.0)
    t = T_GRID[np.abs(T_GRID) > 1e-3]  # ELU's slope jumps at 0
    np.testing.assert_allclose(closed(t), expected_sq_score_fd(activation, t, sigma, **kw),
                               rtol=1e-6, atol=1e-9)


def test_gaussian_rfim_by_monte_carlo():
    """Sampling y ~ N(relu_w(t), sigma^2) and averaging score^2 reproduces eq. 18 (to 1%)."""
    rng = np.random.default_rng(1)
    t, sigma, w, iota = 0.3, 0.8, 0.5, 0.1
    mu = w * np.logaddexp(iota * t / w, t / w)
    y = mu + sigma * rng.standard_normal(400_000)
    slope = (w * np.logaddexp(iota * (t + H) / w, (t + H) / w)
             - w * np.logaddexp(iota * (t - H) / w, (t - H) / w)) / (2 * H)
    mc = np.mean(((y - mu) / sigma ** 2 * slope) ** 2)
    assert mc == pytest.approx(float(fisher.nu_relu(t, omega=w, iota=iota, sigma=sigma)), rel=0.01)


def test_smooth_relu_tends_to_relu_and_nu_to_eq16():
    t = np.array([-2.0, -0.5, 0.5, 2.0])
    np.testing.assert_allclose(fisher.smooth_relu(t, omega=1e-3, iota=0.1),
                               np.maximum(t, 0.1 * t), atol=1e-9)
    np.testing.assert_allclose(fisher.nu_relu(t, omega=1e-3, iota=0.1),
                               fisher.nu_relu(t, omega=None, iota=0.1), atol=1e-12)
    np.testing.assert_allclose(fisher.nu_relu(t, omega=None, iota=0.1), [0.01, 0.01, 1, 1])


def test_neuron_rfim_by_finite_differences_in_w():
    """The full matrix: scores d/dw ln p(y | w^T x~) by finite differences in w itself."""
    w, x = RNG.normal(size=4), RNG.normal(size=(6, 3))
    xt = fisher.augment(x)
    g = np.zeros((4, 4))
    for y in (0.0, 1.0):
        scores = np.stack([(log_lik("sigmoid", xt @ (w + H * e), y)
                            - log_lik("sigmoid", xt @ (w - H * e), y)) / (2 * H)
                           for e in np.eye(4)], axis=1)
        p = 1 / (1 + np.exp(-(xt @ w)))
        prob = p if y == 1.0 else 1 - p
        g += np.einsum("n,ni,nj->ij", prob, scores, scores) / len(x)
    np.testing.assert_allclose(fisher.neuron_rfim(w, x, "sigmoid"), g, rtol=1e-6, atol=1e-10)


ACTIVATIONS = [("sigmoid", {}), ("tanh", {}), ("relu", {}), ("relu", dict(omega=None)),
               ("leaky_relu", dict(iota=0.2, omega=0.3)), ("elu", dict(alpha=0.7)),
               ("linear", dict(sigma=2.0))]


@pytest.mark.parametrize("activation,kw", ACTIVATIONS, ids=[a for a, _ in ACTIVATIONS])
def test_layer_rfim_closed_form_equals_autodiff_definition(activation, kw):
    W, b, x = RNG.normal(size=(3, 4)), RNG.normal(size=3), RNG.normal(size=(9, 4))
    auto = fisher.layer_rfim_autodiff(W, b, x, activation, **kw)
    closed = fisher.layer_rfim(W, b, x, activation, **kw)
    np.testing.assert_allclose(auto, closed, atol=1e-12)
    # the definition itself produces the block-diagonal structure of eq. 23
    off = auto.copy()
    for k in range(3):
        off[5 * k:5 * k + 5, 5 * k:5 * k + 5] = 0
    assert np.abs(off).max() < 1e-12 < np.abs(auto).max()


def test_neuron_and_bias_free_layer_rfim_equal_autodiff():
    w, x = RNG.normal(size=5), RNG.normal(size=(8, 4))
    np.testing.assert_allclose(fisher.neuron_rfim_autodiff(w, x, "tanh"),
                               fisher.neuron_rfim(w, x, "tanh"), atol=1e-12)
    W = RNG.normal(size=(2, 4))
    np.testing.assert_allclose(fisher.layer_rfim_autodiff(W, None, x, "elu"),
                               fisher.layer_rfim(W, None, x, "elu"), atol=1e-12)


def test_softmax_rfim_equals_autodiff_and_is_not_block_diagonal():
    W, b, x = RNG.normal(size=(4, 3)), RNG.normal(size=4), RNG.normal(size=(10, 3))
    closed = fisher.softmax_rfim(W, b, x)
    np.testing.assert_allclose(fisher.softmax_rfim_autodiff(W, b, x), closed, atol=1e-12)
    assert np.abs(closed[:4, 4:8]).max() > 1e-3  # units compete: off-diagonal blocks
    assert np.allclose(closed.reshape(4, 4, 4, 4).sum(axis=0), 0)  # sum_c eta_c - eta_c eta_d = 0


def test_last_layer_block_of_the_fim_is_the_softmax_rfim(float64):
    """Seed 001 Sec. 4: the RFIM of the last layer equals the corresponding block of the FIM."""
    model = nn.MLP([3, 4, 3], activation="tanh")
    x = RNG.normal(size=(6, 3))
    fim = fisher.fisher_information(model, Tensor(x))
    hidden = np.tanh(x @ model.layers[0].weight.data.T + model.layers[0].bias.data)
    last = model.layers[2]
    start = 3 * 4 + 4
    perm = start + fisher.neuron_major_permutation(3, 4)
    np.testing.assert_allclose(fim[np.ix_(perm, perm)],
                               fisher.softmax_rfim(last.weight.data, last.bias.data, hidden),
                               atol=1e-12)


def test_fim_and_empirical_fisher_of_logistic_regression(float64):
    model = nn.Linear(3, 1)
    x, y = RNG.normal(size=(12, 3)), RNG.integers(0, 2, size=12).astype(np.float64)
    w = np.concatenate([model.weight.data[0], model.bias.data])
    perm = fisher.neuron_major_permutation(1, 3)
    fim = fisher.fisher_information(model, Tensor(x), likelihood="bernoulli")
    np.testing.assert_allclose(fim[np.ix_(perm, perm)], fisher.neuron_rfim(w, x, "sigmoid"),
                               atol=1e-12)

    def bce(logits, target):
        return nn.functional.binary_cross_entropy_with_logits(logits.reshape(-1), target)

    emp = fisher.empirical_fisher(model, bce, Tensor(x), Tensor(y))
    xt = fisher.augment(x)
    mu = fisher.sigm(xt @ w)
    expected = np.einsum("n,ni,nj->ij", (mu - y) ** 2, xt, xt) / 12  # mean (mu - y)^2 x~ x~^T
    np.testing.assert_allclose(emp[np.ix_(perm, perm)], expected, atol=1e-12)


def test_gradient_structure_identity_of_seed_000(float64):
    model = nn.MLP([4, 6, 5, 2], activation="relu", bias=False)  # L + 1 = 3 weight layers
    x = Tensor(RNG.normal(size=(5, 4)))
    lhs, rhs = fisher.gradient_structure_identity(model, x)
    np.testing.assert_allclose(lhs, rhs, rtol=1e-10, atol=1e-12)
    assert np.abs(rhs).max() > 0.01  # non-trivial outputs
    with pytest.raises(ValueError, match="bias-free"):
        fisher.gradient_structure_identity(nn.MLP([4, 3, 1]), x)
