"""The variational autoencoder (the course notes (summary), section 9.3): a latent-variable model trained by
maximising the evidence lower bound, with backprop through one reparameterised sample."""
import math
from collections import namedtuple

import numpy as np

from tinygrad_edu import Tensor, get_default_dtype, no_grad
from .module import Module
from .mlp import MLP
from .autoencoder import (_as_module, _width, _rng, _standard_normal, _check_input,
                          reconstruction_error)


VAELoss = namedtuple("VAELoss", ["loss", "reconstruction", "kl"])


def gaussian_kl(mu, logvar):
    """KL(N(mu, diag e^logvar) || N(0, I)), averaged over the batch, in closed form.

    -1/2 sum_j (1 + logvar_j - mu_j^2 - e^logvar_j) per sample: the regulariser of the ELBO.

    Example:
        >>> gaussian_kl(Tensor([[1.0, 0.0]]), Tensor([[0.0, 0.0]])).item()
        0.5
    """
    per_unit = 1 + logvar - mu * mu - logvar.exp()
    return per_unit.sum() * (-0.5 / mu.shape[0])


class VAE(Module):
    """Variational autoencoder: q(z|x) = N(mu(x), diag e^logvar(x)), p(z) = N(0, I).

    Training minimises the negative ELBO, E_q[-log p(x|z)] + KL(q(z|x) || p(z)), with one
    reparameterised sample z = mu + e^(logvar/2) * eps, eps ~ N(0, I): z is a differentiable
    function of (mu, logvar), so backprop reaches the encoder (summary notes, 9.3 stochastic backprop).

    Args:
        encoder: sizes [n, ..., latent_dim] (the MLP gets 2*latent_dim outputs: mu and logvar),
            or a Module whose output (N, 2*latent_dim) is split into mu and logvar.
        decoder: sizes [latent_dim, ..., n] or a Module; it outputs the mean of p(x|z) (gaussian)
            or its logits (bernoulli).
        latent_dim: needed when the encoder is a Module.
        activation: hidden activation of sizes-built MLPs.
        likelihood: 'gaussian' (unit variance: 1/2 ||x - x^||^2 + n/2 log 2 pi) or 'bernoulli'
            (binary cross-entropy on logits, for data in [0, 1]).
        generator: None (the global generator, driven by `manual_seed`), an int seed, a
            `tinygrad_edu.Generator` or a numpy Generator for eps.

    Example:
        >>> vae = VAE([6, 8, 2], [2, 8, 6], generator=0)
        >>> out = vae.loss(Tensor.ones(4, 6))
        >>> abs(out.loss.item() - out.reconstruction.item() - out.kl.item()) < 1e-4
        True
    """

    LIKELIHOODS = ("gaussian", "bernoulli")

    def __init__(self, encoder, decoder, latent_dim=None, activation="relu",
                 likelihood="gaussian", generator=None):
        super().__init__()
        if likelihood not in self.LIKELIHOODS:
            raise ValueError(f"VAE: likelihood must be one of {self.LIKELIHOODS}, got "
                             f"{likelihood!r}")
        if isinstance(encoder, (list, tuple)):
            sizes = list(encoder)
            if latent_dim is not None and latent_dim != sizes[-1]:
                raise ValueError(f"VAE: latent_dim={latent_dim} but the encoder sizes end in "
                                 f"{sizes[-1]}; the last size is the latent dim")
            latent_dim = sizes[-1]
            encoder = MLP(sizes[:-1] + [2 * sizes[-1]], activation=activation)
        if latent_dim is None:
            raise ValueError("VAE: pass latent_dim= when the encoder is a Module (its output, of "
                             "width 2*latent_dim, is split into mu and logvar)")
        self.latent_dim = int(latent_dim)
        self.encoder = _as_module(encoder, activation, None, "encoder")
        self.decoder = _as_module(decoder, activation, None, "decoder")
        self.input_dim = _width(self.encoder, 0)
        decoder_in = _width(self.decoder, 0)
        if decoder_in is not None and decoder_in != self.latent_dim:
            raise ValueError(f"VAE: the decoder takes {decoder_in} features but latent_dim is "
                             f"{self.latent_dim}; make the decoder's first size the latent dim")
        self.likelihood = likelihood
        self.generator = _rng(generator)

    def encode(self, x):
        """(mu, logvar) of q(z|x), each (N, latent_dim)."""
        _check_input("VAE", x, self.input_dim)
        h = self.encoder(x)
        if h.shape[-1] != 2 * self.latent_dim:
            raise ValueError(f"VAE: the encoder outputs {h.shape[-1]} features, expected "
                             f"2*latent_dim = {2 * self.latent_dim} (mu and logvar)")
        return h[..., :self.latent_dim], h[..., self.latent_dim:]

    def reparameterize(self, mu, logvar):
        """z = mu + e^(logvar/2) * eps with eps ~ N(0, I) from `self.generator`."""
        eps = _standard_normal(self.generator, mu.shape, mu.dtype)
        return mu + (logvar * 0.5).exp() * Tensor._make(eps, None)

    def decode(self, z):
        """The mean of p(x|z): the decoder output (gaussian) or its sigmoid (bernoulli)."""
        out = self.decoder(z)
        return out.sigmoid() if self.likelihood == "bernoulli" else out

    def forward(self, x):
        """(x^, mu, logvar); z is sampled in training mode and z = mu in eval mode."""
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar) if self.training else mu
        return self.decode(z), mu, logvar

    def sample(self, n: int):
        """n new points: decode z ~ N(0, I) (no graph is recorded)."""
        with no_grad():
            z = _standard_normal(self.generator, (n, self.latent_dim), get_default_dtype())
            return self.decode(Tensor(z))

    def _neg_log_likelihood(self, out, x):
        if out.shape != x.shape:
            raise ValueError(f"VAE: the decoder outputs shape {out.shape} for an input of shape "
                             f"{x.shape}; the decoder's last size must equal the input width")
        if self.likelihood == "bernoulli":
            nll = out.softplus() - x * out                  # -log Bernoulli(x; sigmoid(out))
            return nll.sum() * (1.0 / x.shape[0])
        n = int(np.prod(x.shape[1:]))
        return reconstruction_error(out, x) + 0.5 * n * math.log(2 * math.pi)

    def loss(self, x):
        """VAELoss(loss, reconstruction, kl): the one-sample negative ELBO, batch-averaged."""
        mu, logvar = self.encode(x)
        z = self.reparameterize(mu, logvar)
        recon = self._neg_log_likelihood(self.decoder(z), x)
        kl = gaussian_kl(mu, logvar)
        return VAELoss(recon + kl, recon, kl)

    def extra_repr(self):
        return f"latent_dim={self.latent_dim}, likelihood={self.likelihood!r}"
