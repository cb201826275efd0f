"""Autoencoders (seed 002, section 9): linear AE = PCA, denoising, contractive penalty, VAE."""
import numpy as np
import pytest
from scipy.linalg import subspace_angles

from tinygrad_edu import nn
from tinygrad_edu import optim
from tinygrad_edu import Tensor, gradcheck


# ---------------------------------------------------------------- helpers

def _param_slots(model):
    """(module, name) of every parameter, so a test can swap in gradcheck's float64 leaves."""
    return [(mod, name) for mod in model.modules() for name, p in mod._parameters.items()
            if p is not None]


def check_loss_gradients(model, loss_fn):
    """gradcheck of loss_fn() with respect to all of the model's parameters, in float64."""
    slots = _param_slots(model)

    def fn(*params):
        for (mod, name), p in zip(slots, params):
            mod._parameters[name] = p
        return loss_fn()

    start = [Tensor(mod._parameters[name].data.astype(np.float64), requires_grad=True)
             for mod, name in slots]
    return gradcheck(fn, start)


def train(model, x, steps, lr, loss_fn=None, anneal=False):
    """Full-batch Adam on model.loss (or loss_fn), optionally cosine-annealed; the last loss."""
    opt = optim.Adam(model.parameters(), lr=lr)
    schedule = optim.lr_scheduler.CosineAnnealingLR(opt, steps) if anneal else None
    loss_fn = loss_fn or model.loss
    for _ in range(steps):
        opt.zero_grad()
        loss = loss_fn(x)
        loss.backward()
        opt.step()
        if schedule is not None:
            schedule.step()
    return loss.item()


def pca_error(X, m):
    """(1/2k) sum ||x - U_m U_m^T x||^2 for centred rows X: the optimum of seed 002, 9.1."""
    U = np.linalg.svd(X.T, full_matrices=False)[0][:, :m]
    return 0.5 * np.sum((X - X @ U @ U.T) ** 2) / X.shape[0], U


def spectral_gap_data(seed=0, k=200):
    """Centred 8-D data whose covariance has a clear gap after 3 directions (std 2.0 vs 0.5)."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.standard_normal((8, 8)))
    stds = np.array([3.0, 2.5, 2.0, 0.5, 0.4, 0.3, 0.2, 0.1])
    X = (rng.standard_normal((k, 8)) * stds) @ Q.T
    return X - X.mean(axis=0)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# ---------------------------------------------------------------- Autoencoder and linear AE = PCA

def test_autoencoder_from_sizes_and_modules_agree_in_shape():
    ae = nn.Autoencoder([6, 5, 2], [2, 5, 6], activation="tanh")
    x = Tensor.randn(4, 6, seed=1)
    assert ae.encode(x).shape == (4, 2) and ae.decode(ae.encode(x)).shape == (4, 6)
    assert ae.input_dim == 6 and ae.code_dim == 2
    np.testing.assert_allclose(ae(x).data, ae.decode(ae.encode(x)).data)
    manual = 0.5 * np.sum((ae(x).data - x.data) ** 2) / 4        # (1/2N) sum ||x - x^||^2
    assert ae.loss(x).item() == pytest.approx(manual, rel=1e-5)


def test_tied_linear_autoencoder_has_one_weight_that_gets_both_gradients(rng):
    tied = nn.LinearAutoencoder(5, 2, tied=True)
    assert [n for n, _ in tied.named_parameters()] == ["encoder.weight", "encoder.bias",
                                                       "decoder.bias"]
    assert tied.num_parameters() == 5 * 2 + 2 + 5
    assert list(tied.state_dict()) == ["encoder.weight", "encoder.bias", "decoder.bias"]
    untied = nn.LinearAutoencoder(5, 2, tied=False)
    untied.load_state_dict({"encoder.weight": tied.encoder.weight.data,
                            "encoder.bias": tied.encoder.bias.data,
                            "decoder.weight": tied.encoder.weight.data.T.copy(),
                            "decoder.bias": tied.decoder.bias.data})
    x = Tensor(rng.standard_normal((7, 5)).astype(np.float32))
    np.testing.assert_allclose(tied(x).data, untied(x).data, rtol=1e-5, atol=1e-6)
    tied.loss(x).backward()
    untied.loss(x).backward()
    # the shared C receives dL/dC + (dL/dD)^T
    expected = untied.encoder.weight.grad.data + untied.decoder.weight.grad.data.T
    np.testing.assert_allclose(tied.encoder.weight.grad.data, expected, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("tied", [False, True])
def test_trained_linear_autoencoder_spans_top_principal_subspace(tied):
    """Seed 002 proposition (9.1): the optimal linear AE with m units spans U_m (PCA)."""
    X = spectral_gap_data()
    best, U = pca_error(X, 3)
    nn.init.manual_seed(0)
    ae = nn.LinearAutoencoder(8, 3, tied=tied)
    final = train(ae, Tensor(X.astype(np.float32)), steps=600, lr=0.05)
    angles = subspace_angles(ae.decoder_weight.data.astype(np.float64), U)
    assert angles.max() < 1e-2, f"largest principal angle {angles.max():.2e} rad"
    # ... and its reconstruction error is PCA's to within 1 %
    assert best <= final * (1 + 1e-4) and final < 1.01 * best, (final, best)


@pytest.mark.slow
def test_nonlinear_autoencoder_beats_pca_on_a_curve():
    """Points on a half circle: one linear direction misses the bend; one tanh code follows it."""
    rng = np.random.default_rng(1)

    def arc(k):
        t = rng.uniform(0, np.pi, k)
        return np.stack([np.cos(t), np.sin(t)], axis=1) + 0.01 * rng.standard_normal((k, 2))

    X, X_test = arc(256), arc(256)
    mean = X.mean(axis=0)
    X, X_test = X - mean, X_test - mean
    _, U = pca_error(X, 1)
    pca_test = 0.5 * np.sum((X_test - X_test @ U @ U.T) ** 2) / len(X_test)
    nn.init.manual_seed(0)
    ae = nn.Autoencoder([2, 16, 1], [1, 16, 2], activation="tanh")
    train(ae, Tensor(X.astype(np.float32)), steps=600, lr=0.02)
    ae_test = ae.loss(Tensor(X_test.astype(np.float32))).item()
    assert ae_test < 0.1 * pca_test, f"AE {ae_test:.4g} vs PCA {pca_test:.4g} on held-out points"


# ---------------------------------------------------------------- denoising

def test_denoising_noise_only_in_training_mode_and_seeded(rng):
    x = Tensor(rng.standard_normal((4000, 5)))
    dae = nn.DenoisingAutoencoder([5, 3], [3, 5], noise_std=0.3, generator=7)
    eta = dae.corrupt(x).data - x.data
    assert eta.std() == pytest.approx(0.3, rel=0.03) and abs(eta.mean()) < 0.01
    twin = nn.DenoisingAutoencoder([5, 3], [3, 5], noise_std=0.3, generator=7)
    np.testing.assert_array_equal(twin.corrupt(x).data - x.data, eta)
    assert not np.allclose(dae(x).data, dae(x).data)            # fresh noise each call
    dae.eval()
    assert dae.corrupt(x) is x
    np.testing.assert_array_equal(dae(x).data, dae.decode(dae.encode(x)).data)


def test_denoising_loss_targets_the_clean_input(rng):
    x = Tensor(rng.standard_normal((6, 4)))
    dae = nn.DenoisingAutoencoder([4, 2], [2, 4], noise_std=0.5,
                                  generator=np.random.default_rng(3))
    loss = dae.loss(x).item()
    x_noisy = x.data + 0.5 * np.random.default_rng(3).standard_normal(x.shape)
    out = dae.decode(dae.encode(Tensor(x_noisy))).data
    assert loss == pytest.approx(0.5 * np.sum((out - x.data) ** 2) / 6, rel=1e-6)
    assert loss != pytest.approx(0.5 * np.sum((out - x_noisy) ** 2) / 6, rel=1e-3)
    silent = nn.DenoisingAutoencoder([4, 2], [2, 4], noise_std=0.0)
    assert silent.loss(x).item() == pytest.approx(nn.Autoencoder.loss(silent, x).item())


@pytest.mark.slow
def test_denoising_autoencoder_removes_noise():
    """Seed 002 9.1 'hope': ||x - H(G(x + eta))||^2 < ||x - (x + eta)||^2 after training."""
    rng = np.random.default_rng(2)
    basis = np.linalg.qr(rng.standard_normal((8, 2)))[0]
    X = (rng.standard_normal((400, 2)) * 2.0) @ basis.T              # data on a 2-D plane
    nn.init.manual_seed(0)
    dae = nn.DenoisingAutoencoder(nn.Linear(8, 2), nn.Linear(2, 8), noise_std=0.5, generator=0)
    train(dae, Tensor(X.astype(np.float32)), steps=400, lr=0.05)
    dae.eval()
    noisy = X + 0.5 * rng.standard_normal(X.shape)
    denoised = dae(Tensor(noisy.astype(np.float32))).data
    before, after = np.sum((noisy - X) ** 2), np.sum((denoised - X) ** 2)
    assert after < 0.4 * before, (after / before)      # projection keeps ~2/8 of the noise


# ---------------------------------------------------------------- contractive

def _float64_params(model):
    for p in model.parameters():
        p.data = p.data.astype(np.float64)
    return model


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_contractive_penalty_closed_form_equals_autograd(activation, rng):
    cae = _float64_params(nn.ContractiveAutoencoder([5, 3], [3, 5], lam=0.5,
                                                    code_activation=activation))
    x = Tensor(rng.standard_normal((6, 5)))
    penalties = {m: cae.contractive_penalty(x, m) for m in ("closed_form", "autograd", "batched")}
    grads = {}
    for method, value in penalties.items():
        assert value.item() == pytest.approx(penalties["closed_form"].item(), rel=1e-10)
        cae.zero_grad()
        value.backward()                     # differentiable in the parameters, every way
        grads[method] = [p.grad.data.copy() for p in cae.encoder.parameters()]
    for method in ("autograd", "batched"):
        for a, b in zip(grads["closed_form"], grads[method]):
            np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-14)


def test_contractive_penalty_matches_finite_difference_jacobian(rng):
    encoder = nn.MLP([4, 5, 3], activation="tanh", output_activation="tanh")
    cae = _float64_params(nn.ContractiveAutoencoder(encoder, [3, 4], lam=1.0))
    assert cae._squashing_layer() is None            # two layers: no closed form here
    X = rng.standard_normal((3, 4))
    eps, frob = 1e-6, 0.0
    for x in X:
        for i in range(4):
            step = np.zeros(4)
            step[i] = eps
            col = (encoder(Tensor(x + step)[None]).data - encoder(Tensor(x - step)[None]).data)
            frob += np.sum((col / (2 * eps)) ** 2)
    for method in ("auto", "autograd", "batched"):
        assert cae.contractive_penalty(Tensor(X), method).item() == pytest.approx(frob / 3,
                                                                                  rel=1e-6)


@pytest.mark.slow
def test_contractive_training_shrinks_the_jacobian(rng):
    X = Tensor(rng.standard_normal((64, 6)).astype(np.float32))
    penalties = {}
    for lam in (0.0, 1.0):
        nn.init.manual_seed(0)
        cae = nn.ContractiveAutoencoder([6, 4], [4, 6], lam=lam, code_activation="tanh",
                                        penalty_method="autograd")
        train(cae, X, steps=150, lr=0.02)
        penalties[lam] = cae.contractive_penalty(X, "closed_form").item()
    assert penalties[1.0] < 0.5 * penalties[0.0], penalties


# ---------------------------------------------------------------- VAE

def test_vae_kl_closed_form_matches_monte_carlo(rng):
    vae = nn.VAE([3, 4, 3], [3, 4, 3], generator=11)
    mu = rng.standard_normal((4, 3))
    logvar = rng.uniform(-1.5, 1.0, (4, 3))
    S = 40000
    z = vae.reparameterize(Tensor(np.broadcast_to(mu, (S, 4, 3)).copy()),
                           Tensor(np.broadcast_to(logvar, (S, 4, 3)).copy())).data
    np.testing.assert_allclose(z.mean(axis=0), mu, atol=0.03)
    np.testing.assert_allclose(z.std(axis=0), np.exp(logvar / 2), rtol=0.03)
    # log q(z) - log p(z) for diagonal Gaussians (the 2 pi terms cancel)
    log_ratio = (-0.5 * logvar - 0.5 * (z - mu) ** 2 / np.exp(logvar) + 0.5 * z ** 2).sum(axis=2)
    per_sample = log_ratio.mean(axis=1)                         # batch mean, as gaussian_kl
    estimate, stderr = per_sample.mean(), per_sample.std() / np.sqrt(S)
    closed = nn.gaussian_kl(Tensor(mu), Tensor(logvar)).item()
    assert abs(estimate - closed) < 4 * stderr, (estimate, closed, stderr)


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_vae_loss_parts_are_the_negative_elbo(likelihood, rng):
    vae = nn.VAE([5, 6, 2], [2, 6, 5], likelihood=likelihood, generator=np.random.default_rng(4))
    x = Tensor(rng.uniform(0, 1, (3, 5)))
    out = vae.loss(x)
    assert out.loss.item() == pytest.approx(out.reconstruction.item() + out.kl.item(), rel=1e-6)
    mu, logvar = vae.encode(x)
    z = mu.data + np.exp(logvar.data / 2) * np.random.default_rng(4).standard_normal(mu.shape)
    logits = vae.decoder(Tensor(z.astype(mu.dtype))).data
    if likelihood == "gaussian":
        nll = 0.5 * np.sum((x.data - logits) ** 2) + 0.5 * x.data.size * np.log(2 * np.pi)
    else:
        p = 1 / (1 + np.exp(-logits))
        nll = -np.sum(x.data * np.log(p) + (1 - x.data) * np.log(1 - p))
    assert out.reconstruction.item() == pytest.approx(nll / 3, rel=1e-5)
    kl = -0.5 * np.sum(1 + logvar.data - mu.data ** 2 - np.exp(logvar.data)) / 3
    assert out.kl.item() == pytest.approx(kl, rel=1e-5)


def test_vae_forward_eval_uses_the_mean_and_sample_shape(rng):
    vae = nn.VAE([5, 4, 2], [2, 4, 5], generator=0)
    x = Tensor(rng.standard_normal((3, 5)).astype(np.float32))
    x_hat, mu, logvar = vae(x)
    assert x_hat.shape == (3, 5) and mu.shape == logvar.shape == (3, 2)
    assert not np.allclose(vae(x)[0].data, vae(x)[0].data)
    vae.eval()
    np.testing.assert_array_equal(vae(x)[0].data, vae.decode(mu).data)
    samples = vae.sample(7)
    assert samples.shape == (7, 5) and not samples.requires_grad


@pytest.mark.slow
def test_vae_elbo_bounds_and_reaches_the_exact_likelihood():
    """Linear-Gaussian data: for a linear VAE log p(x) is exact, so the ELBO can be checked.

    The decoder x = D z + d + N(0, I) is probabilistic PCA with unit noise, whose optimum is
    known (Tipping & Bishop): -log p = 1/2 (sum_top log l + m + sum_rest l + n log 2 pi), with
    l the eigenvalues of the data covariance. Its exact posterior is Gaussian and can be made
    diagonal by a rotation of z, so a trained VAE's ELBO should be tight there.
    """
    rng = np.random.default_rng(5)
    W = rng.standard_normal((4, 2)) * 2.0
    X = rng.standard_normal((500, 2)) @ W.T + rng.standard_normal((500, 4))
    nn.init.manual_seed(0)
    vae = nn.VAE(nn.Linear(4, 4), nn.Linear(2, 4), latent_dim=2, generator=0)
    x = Tensor(X.astype(np.float32))
    train(vae, x, steps=2000, lr=0.05, loss_fn=lambda t: vae.loss(t).loss, anneal=True)
    # exact negative log-likelihood of the trained decoder: x ~ N(d, D D^T + I)
    D, d = vae.decoder.weight.data.astype(np.float64), vae.decoder.bias.data.astype(np.float64)
    cov = D @ D.T + np.eye(4)
    diff = X - d
    nll = 0.5 * (np.einsum("ij,jk,ik->i", diff, np.linalg.inv(cov), diff).mean()
                 + np.linalg.slogdet(cov)[1] + 4 * np.log(2 * np.pi))
    neg_elbo = np.mean([vae.loss(x).loss.item() for _ in range(200)])   # Monte-Carlo average
    eig = np.linalg.eigvalsh(np.cov(X.T, bias=True))[::-1]
    best = 0.5 * (np.log(eig[:2]).sum() + 2 + eig[2:].sum() + 4 * np.log(2 * np.pi))
    assert neg_elbo > nll - 0.01, (neg_elbo, nll)           # the ELBO is a lower bound
    assert neg_elbo - nll < 0.02, (neg_elbo, nll)           # ... made tight by training
    assert nll - best < 0.01, (nll, best)                   # at the maximum likelihood


# ---------------------------------------------------------------- gradcheck of every loss

def test_gradcheck_autoencoder_losses(rng):
    x = Tensor(rng.standard_normal((3, 4)))
    for ae in (nn.Autoencoder([4, 3, 2], [2, 3, 4], activation="tanh"),
               nn.LinearAutoencoder(4, 2, tied=False), nn.LinearAutoencoder(4, 2, tied=True)):
        assert check_loss_gradients(ae, lambda: ae.loss(x))


def test_gradcheck_denoising_loss(rng):
    x = Tensor(rng.standard_normal((3, 4)))
    dae = nn.DenoisingAutoencoder([4, 2], [2, 4], noise_std=0.4, activation="tanh")

    def loss():
        dae.generator = np.random.default_rng(9)     # the same noise on every evaluation
        return dae.loss(x)

    assert check_loss_gradients(dae, loss)


@pytest.mark.parametrize("method", ["closed_form", "autograd", "batched"])
def test_gradcheck_contractive_loss_through_create_graph(method, rng):
    x = Tensor(rng.standard_normal((3, 4)))
    cae = nn.ContractiveAutoencoder([4, 2], [2, 4], lam=0.7, code_activation="sigmoid",
                                    penalty_method=method)
    assert check_loss_gradients(cae, lambda: cae.loss(x))


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli"])
def test_gradcheck_vae_loss(likelihood, rng):
    x = Tensor(rng.uniform(0, 1, (3, 4)))
    vae = nn.VAE([4, 3, 2], [2, 3, 4], activation="tanh", likelihood=likelihood)

    def loss():
        vae.generator = np.random.default_rng(2)
        return vae.loss(x).loss

    assert check_loss_gradients(vae, loss)


# ---------------------------------------------------------------- bad input

def test_bad_input_raises_clear_errors():
    ae = nn.LinearAutoencoder(4, 2)
    with pytest.raises(ValueError,
                       match=r"LinearAutoencoder: input of shape \(3, 5\).*\(batch, 4\)"):
        ae(Tensor.ones(3, 5))
    with pytest.raises(ValueError, match=r"reshape\(1, -1\)"):
        ae(Tensor.ones(4))
    with pytest.raises(TypeError, match="not floating"):
        ae(Tensor(np.ones((2, 4), dtype=np.int64)))
    # a numpy array is accepted as input (Module.__call__ wraps it in a Tensor), a string is not
    assert np.array_equal(ae(np.ones((2, 4), dtype=np.float32)).data,
                          ae(Tensor.ones(2, 4)).data)
    with pytest.raises(TypeError, match="wrap"):
        ae("abc")
    for bad in (-0.1, float("nan"), "0.1"):
        with pytest.raises(ValueError, match="DenoisingAutoencoder: noise_std"):
            nn.DenoisingAutoencoder([4, 2], [2, 4], noise_std=bad)
        with pytest.raises(ValueError, match="ContractiveAutoencoder: lam"):
            nn.ContractiveAutoencoder([4, 2], [2, 4], lam=bad)
    with pytest.raises(ValueError, match="encoder outputs 3 features but the decoder takes 2"):
        nn.Autoencoder([4, 3], [2, 4])
    with pytest.raises(ValueError, match="penalty_method"):
        nn.ContractiveAutoencoder([4, 2], [2, 4], penalty_method="exact")
    deep = nn.ContractiveAutoencoder(nn.MLP([4, 3, 2]), [2, 4])
    with pytest.raises(ValueError, match="closed form needs an encoder"):
        deep.contractive_penalty(Tensor.ones(2, 4), "closed_form")
    with pytest.raises(TypeError, match="list of layer sizes"):
        nn.Autoencoder("mlp", [2, 4])


def test_vae_bad_configuration_raises_clear_errors():
    with pytest.raises(ValueError, match="pass latent_dim="):
        nn.VAE(nn.Linear(4, 4), nn.Linear(2, 4))
    with pytest.raises(ValueError, match="decoder takes 3 features but latent_dim is 2"):
        nn.VAE([4, 2], [3, 4])
    with pytest.raises(ValueError, match="likelihood"):
        nn.VAE([4, 2], [2, 4], likelihood="poisson")
    vae = nn.VAE(nn.Linear(4, 3), nn.Linear(2, 4), latent_dim=2)
    with pytest.raises(ValueError, match=r"encoder outputs 3 features, expected 2\*latent_dim = 4"):
        vae.loss(Tensor.ones(2, 4))
    with pytest.raises(ValueError, match=r"decoder outputs shape \(2, 3\) for an input of shape"):
        nn.VAE(nn.Linear(4, 4), nn.Linear(2, 3), latent_dim=2).loss(Tensor.ones(2, 4))
    with pytest.raises(ValueError, match=r"VAE: input of shape \(2, 5\)"):
        nn.VAE([4, 2], [2, 4])(Tensor.ones(2, 5))


def test_the_noise_follows_manual_seed_or_a_seeded_generator():
    """VAE and denoising noise come from the engine's generator, as every other draw: the same
    manual_seed (or the same int seed) gives the same noise, hence the same loss."""
    import tinygrad_edu

    def losses(**kwargs):
        tinygrad_edu.manual_seed(5)
        vae = nn.VAE([4, 6, 2], [2, 6, 4], **kwargs)
        dae = nn.DenoisingAutoencoder([4, 2], [2, 4], noise_std=0.3, **kwargs)
        x = Tensor(np.linspace(0, 1, 12).reshape(3, 4))
        return [vae.loss(x).loss.item(), dae.loss(x).item(), vae.sample(2).tolist()]
    assert losses() == losses()
    assert losses(generator=7) == losses(generator=7)
    assert losses(generator=7) != losses(generator=8)
