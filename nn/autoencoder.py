"""Autoencoders (the course notes (summary), section 9): plain, linear (= PCA), denoising and contractive
(the VAE is in vae.py).

An autoencoder x -> z = G(x) -> x^ = H(z) learns a code z by reconstructing its own input. All
losses follow the notes' scaling, (1/2N) sum_i ||x_i - x^_i||^2 (summary notes, 9.1), and are built
from Tensor ops only, so every gradient (including the contractive penalty's gradient of a
gradient) comes from the engine.

Encoders and decoders are any Modules, or lists of sizes that become an `MLP`:

    >>> from tinygrad_edu import nn
    >>> from tinygrad_edu import Tensor
    >>> ae = nn.Autoencoder([8, 16, 2], [2, 16, 8], activation="tanh")
    >>> ae(Tensor.ones(5, 8)).shape
    (5, 8)
"""
import math

import numpy as np

from tinygrad_edu import Tensor, grad, no_grad, randn
from tinygrad_edu.random import Generator as TorchStream
from .module import Module, Parameter
from .linear import Linear, Sequential
from .activation import Sigmoid, Tanh
from .mlp import MLP


def _as_module(spec, activation, output_activation, role):
    """A Module as given, or an MLP built from a list of sizes."""
    if isinstance(spec, Module):
        return spec
    if isinstance(spec, (list, tuple)):
        return MLP(spec, activation=activation, output_activation=output_activation)
    raise TypeError(f"Autoencoder: the {role} must be a Module or a list of layer sizes such as "
                    f"[784, 128, 32], got {type(spec).__name__}")


def _width(module, side):
    """The input (side=0) or output (side=-1) width of a module, when it can be read off."""
    if isinstance(module, (Linear, TiedLinear)):
        return module.in_features if side == 0 else module.out_features
    if isinstance(module, MLP):
        return module.sizes[side]
    if isinstance(module, Sequential):
        children = list(module) if side == 0 else list(module)[::-1]
        for child in children:
            width = _width(child, side)
            if width is not None:
                return width
    return None


def _rng(generator):
    """Where a layer's noise comes from: None is the global generator (`manual_seed` drives it,
    as every other draw), an int seeds a private `tinygrad_edu.Generator`, and a
    `tinygrad_edu.Generator` or a numpy Generator is used as given."""
    if isinstance(generator, bool):
        raise TypeError("generator must be None, an int seed, a tinygrad_edu.Generator or a "
                        "numpy.random.Generator, got a bool")
    if isinstance(generator, (int, np.integer)):
        return TorchStream().manual_seed(int(generator))
    if generator is None or isinstance(generator, (TorchStream, np.random.Generator)):
        return generator
    raise TypeError(f"generator must be None, an int seed, a tinygrad_edu.Generator or a "
                    f"numpy.random.Generator, got {type(generator).__name__}")


def _standard_normal(source, shape, dtype):
    """N(0, 1) samples of `shape` as a numpy array of `dtype`, drawn from `_rng`'s source."""
    if isinstance(source, np.random.Generator):
        return source.standard_normal(shape).astype(dtype)
    return randn(*shape, generator=source, dtype=dtype).data


def _check_nonnegative(layer, name, value):
    if not (isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value)
            and value >= 0):
        raise ValueError(f"{layer}: {name} must be a finite number >= 0, got {value!r}; "
                         f"use e.g. {name}=0.1 (0 turns it off)")


def _check_input(name, x, input_dim):
    """x itself, after checking it is a floating (batch, input_dim) Tensor."""
    if not isinstance(x, Tensor):
        raise TypeError(f"{name}: expected a Tensor input, got {type(x).__name__}; wrap it "
                        f"with Tensor(x)")
    if x.dtype.kind != "f":
        raise TypeError(f"{name}: input dtype {x.dtype} is not floating; convert it, e.g. "
                        f"Tensor(x, dtype=np.float32)")
    if x.ndim < 2 or (input_dim is not None and x.shape[-1] != input_dim):
        raise ValueError(f"{name}: input of shape {x.shape} does not fit; expected (batch, "
                         f"{input_dim if input_dim is not None else 'features'}) (add a batch "
                         f"dim with x.reshape(1, -1) for one sample)")
    return x


def reconstruction_error(x_hat, x):
    """(1/2N) sum_i ||x_i - x^_i||^2, the autoencoder risk of the course notes (summary) (9.1).

    Summed over the features of each sample and averaged over the batch, so the value does not
    depend on the batch size and is the same scale as a Gaussian negative log-likelihood.

    Example:
        >>> reconstruction_error(Tensor([[1.0, 2.0]]), Tensor([[1.0, 4.0]])).item()
        2.0
    """
    if x_hat.shape != x.shape:
        raise ValueError(f"reconstruction_error: reconstruction of shape {x_hat.shape} and input "
                         f"of shape {x.shape} differ; the decoder's last size must equal the "
                         f"input width")
    diff = x_hat - x
    return (diff * diff).sum() * (0.5 / x.shape[0])


class TiedLinear(Module):
    """The transpose of a Linear layer, sharing its weight: z -> z W + b (tied decoder).

    Why: a tied autoencoder (the course notes (summary), 9.1: D = C^T) has half the weights, and the encoder's
    weight gets gradient from both uses. Only the bias is a new Parameter.

    Example:
        >>> enc = Linear(4, 2)
        >>> TiedLinear(enc)(Tensor.ones(3, 2)).shape
        (3, 4)
    """

    def __init__(self, linear: Linear, bias: bool = True):
        super().__init__()
        self._source = (linear,)        # a tuple, so the shared layer is not registered twice
        self.in_features, self.out_features = linear.out_features, linear.in_features
        zeros = np.zeros(self.out_features, dtype=linear.weight.dtype)
        self.register_parameter("bias", Parameter(zeros) if bias else None)

    @property
    def weight(self):
        """The shared weight, transposed: (in_features of the encoder, out_features of it)."""
        return self._source[0].weight.T

    def forward(self, z):
        return z.linear(self.weight, self.bias)

    def extra_repr(self):
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}, weight tied (transposed)")


class Autoencoder(Module):
    """x -> z = encoder(x) -> x^ = decoder(z), trained to reconstruct x.

    Args:
        encoder: a Module, or sizes such as [784, 128, 32] for an MLP.
        decoder: a Module, or sizes such as [32, 128, 784] for an MLP.
        activation: hidden activation of MLPs built from sizes ('relu', 'tanh', ...).
        code_activation: activation on the code layer of a sizes-built encoder (None: linear).
        input_dim: input width to check; read off the encoder when it is a Linear/MLP.

    Example:
        >>> ae = Autoencoder(Linear(4, 2), Linear(2, 4))
        >>> ae.encode(Tensor.ones(3, 4)).shape
        (3, 2)
    """

    def __init__(self, encoder, decoder, activation="relu", code_activation=None, input_dim=None):
        super().__init__()
        self.encoder = _as_module(encoder, activation, code_activation, "encoder")
        self.decoder = _as_module(decoder, activation, None, "decoder")
        self.input_dim = input_dim if input_dim is not None else _width(self.encoder, 0)
        code_out, code_in = _width(self.encoder, -1), _width(self.decoder, 0)
        if code_out is not None and code_in is not None and code_out != code_in:
            raise ValueError(f"{type(self).__name__}: the encoder outputs {code_out} features but "
                             f"the decoder takes {code_in}; make them equal")
        self.code_dim = code_out

    def _check_input(self, x):
        return _check_input(type(self).__name__, x, self.input_dim)

    def encode(self, x):
        """The code z = G(x)."""
        return self.encoder(self._check_input(x))

    def decode(self, z):
        """The reconstruction x^ = H(z)."""
        return self.decoder(z)

    def forward(self, x):
        return self.decode(self.encode(x))

    def loss(self, x):
        """The reconstruction error (1/2N) sum ||x - x^||^2 of this batch (summary notes, 9.1)."""
        return reconstruction_error(self(x), x)


class LinearAutoencoder(Autoencoder):
    """z = C x + c, x^ = D z + d: trained to the optimum, D spans the top principal subspace.

    Seed 002 (9.1): C = U_m^T and D = U_m (U: left singular vectors of the centred data)
    minimise the reconstruction error, so a linear AE with m hidden units recovers the same
    subspace as PCA (not necessarily the same basis: any D with that column space and C = D^+
    is optimal).

    Args:
        input_dim, hidden_dim: n and m.
        tied: decoder weight D = C^T (one weight Parameter, as in the seed's comment).
        bias: learn the offsets c and d (needed for data that is not centred).
        dtype: parameter dtype (default: the engine default).

    Example:
        >>> ae = LinearAutoencoder(5, 2, tied=True)
        >>> [name for name, _ in ae.named_parameters()]
        ['encoder.weight', 'encoder.bias', 'decoder.bias']
    """

    def __init__(self, input_dim: int, hidden_dim: int, tied: bool = False, bias: bool = True,
                 dtype=None):
        if int(input_dim) <= 0 or int(hidden_dim) <= 0:
            raise ValueError(f"LinearAutoencoder: input_dim and hidden_dim must be positive, got "
                             f"{input_dim} and {hidden_dim}")
        encoder = Linear(input_dim, hidden_dim, bias=bias, dtype=dtype)
        decoder = TiedLinear(encoder, bias=bias) if tied else \
            Linear(hidden_dim, input_dim, bias=bias, dtype=dtype)
        super().__init__(encoder, decoder)
        self.tied = tied

    @property
    def decoder_weight(self):
        """D as an (input_dim, hidden_dim) Tensor: its columns span the learned subspace."""
        return self.decoder.weight

    def extra_repr(self):
        return f"tied={self.tied}"


class DenoisingAutoencoder(Autoencoder):
    """Reconstruct the clean x from x + eta, eta ~ N(0, noise_std^2 I) (the course notes (summary), 9.1).

    Why: a network that must undo noise cannot simply copy its input, so it learns features
    robust to the noise. Noise is added in training mode only; `eval()` gives the plain map.

    Args:
        encoder, decoder, activation, code_activation, input_dim: as `Autoencoder`.
        noise_std: sigma of the Gaussian corruption (>= 0).
        generator: None (the global generator: `manual_seed` makes the noise reproducible),
            an int seed, a `tinygrad_edu.Generator` or a numpy Generator.

    Example:
        >>> dae = DenoisingAutoencoder([4, 2], [2, 4], noise_std=0.3, generator=0)
        >>> dae.loss(Tensor.ones(3, 4)).shape
        ()
    """

    def __init__(self, encoder, decoder, noise_std: float = 0.1, generator=None, **kwargs):
        _check_nonnegative("DenoisingAutoencoder", "noise_std", noise_std)
        super().__init__(encoder, decoder, **kwargs)
        self.noise_std = float(noise_std)
        self.generator = _rng(generator)

    def corrupt(self, x):
        """x + eta with eta ~ N(0, noise_std^2 I) in training mode; x itself in eval mode."""
        self._check_input(x)
        if not self.training or self.noise_std == 0:
            return x
        eta = _standard_normal(self.generator, x.shape, x.dtype) * self.noise_std
        return x + Tensor._make(eta.astype(x.dtype), None)

    def forward(self, x):
        return self.decode(self.encode(self.corrupt(x)))

    def loss(self, x):
        """(1/2N) sum ||x - H(G(x + eta))||^2: the target is the clean input."""
        return reconstruction_error(self(x), x)

    def extra_repr(self):
        return f"noise_std={self.noise_std}"


class ContractiveAutoencoder(Autoencoder):
    """Autoencoder plus lam * ||dz/dx||_F^2, which flattens the code around the data (seed 9.1).

    The Jacobian penalty is computed three ways (`contractive_penalty(x, method)`):
      'autograd':    one create_graph backward per hidden unit (any encoder);
      'batched':     one backward for all units, on m copies of the batch (any encoder that
                     maps the last axis, such as Linear/MLP);
      'closed_form': for encoder = Linear then Sigmoid/Tanh, J = diag(s'(a)) W, so
                     ||J||_F^2 = sum_j s'(a_j)^2 ||W_j||^2.
    All three are differentiable in the parameters, so training minimises the penalty.

    Args:
        encoder, decoder, activation, input_dim: as `Autoencoder`.
        lam: penalty weight (>= 0).
        code_activation: code layer of a sizes-built encoder; 'sigmoid' as in the classic CAE.
        penalty_method: 'auto' (closed form when it applies, else 'autograd') or a method above.

    Example:
        >>> cae = ContractiveAutoencoder([4, 3], [3, 4], lam=0.1)
        >>> x = Tensor.randn(5, 4, seed=0)
        >>> a = cae.contractive_penalty(x, "closed_form").item()
        >>> abs(a - cae.contractive_penalty(x, "autograd").item()) < 1e-5
        True
    """

    METHODS = ("auto", "autograd", "batched", "closed_form")
    _PENALTIES = {"autograd": "_penalty_autograd", "batched": "_penalty_batched",
                  "closed_form": "_penalty_closed_form"}

    def __init__(self, encoder, decoder, lam: float = 0.1, code_activation="sigmoid",
                 penalty_method="auto", **kwargs):
        _check_nonnegative("ContractiveAutoencoder", "lam", lam)
        if penalty_method not in self.METHODS:
            raise ValueError(f"ContractiveAutoencoder: penalty_method must be one of "
                             f"{self.METHODS}, got {penalty_method!r}")
        super().__init__(encoder, decoder, code_activation=code_activation, **kwargs)
        self.lam = float(lam)
        self.penalty_method = penalty_method

    def _squashing_layer(self):
        """(Linear, Sigmoid|Tanh) when the encoder is exactly that pair, else None."""
        layers = self.encoder.layers if isinstance(self.encoder, MLP) else self.encoder
        if isinstance(layers, Sequential) and len(layers) == 2 and isinstance(layers[0], Linear) \
                and isinstance(layers[1], (Sigmoid, Tanh)):
            return layers[0], layers[1]
        return None

    def contractive_penalty(self, x, method=None):
        """(1/N) sum_i ||dz/dx (x_i)||_F^2, differentiable in the parameters."""
        method = method or self.penalty_method
        self._check_input(x)
        if method == "auto":
            method = "closed_form" if self._squashing_layer() is not None else "autograd"
        if method not in self._PENALTIES:
            raise ValueError(f"ContractiveAutoencoder: unknown method {method!r}; use one of "
                             f"{self.METHODS}")
        return getattr(self, self._PENALTIES[method])(x)

    def _penalty_closed_form(self, x):
        pair = self._squashing_layer()
        if pair is None:
            raise ValueError(f"ContractiveAutoencoder: the closed form needs an encoder that is "
                             f"Linear followed by Sigmoid or Tanh, got "
                             f"{type(self.encoder).__name__}; use method='autograd'")
        linear, squash = pair
        s = squash(x.linear(linear.weight, linear.bias))
        slope = s * (1 - s) if isinstance(squash, Sigmoid) else 1 - s * s   # s'(a), from s(a)
        row_norms = (linear.weight * linear.weight).sum(axis=1)             # ||W_j||^2
        # ||diag(s'(a)) W||_F^2 = sum_j s'(a_j)^2 ||W_j||^2 (seed 002, 9.1 and 2.1)
        return (slope * slope * row_norms).sum() * (1.0 / x.shape[0])

    def _penalty_autograd(self, x):
        x_leaf = Tensor(np.array(x.data), requires_grad=True)     # dz/dx needs x as a leaf
        z = self.encoder(x_leaf)
        total = None
        for j in range(z.shape[-1]):
            # row j of each sample's Jacobian: samples are independent, so d(sum_i z_ij)/dx_i
            (row,) = grad(z[..., j].sum(), x_leaf, retain_graph=True, create_graph=True)
            term = (row * row).sum()
            total = term if total is None else total + term
        return total * (1.0 / x.shape[0])

    def _penalty_batched(self, x):
        m = self.code_dim
        if m is None:
            with no_grad():
                m = self.encoder(x).shape[-1]
        # copy k of the batch carries the one-hot seed e_k: one backward gives all m rows
        x_rep = Tensor(np.broadcast_to(x.data, (m,) + x.shape).copy(), requires_grad=True)
        z = self.encoder(x_rep)
        seed = np.broadcast_to(np.eye(m, dtype=z.dtype).reshape((m,) + (1,) * (x.ndim - 1) + (m,)),
                               z.shape)
        (rows,) = grad(z, x_rep, grad_outputs=Tensor._make(np.array(seed), None),
                       create_graph=True)
        return (rows * rows).sum() * (1.0 / x.shape[0])

    def loss(self, x):
        """Reconstruction error + lam * contractive penalty."""
        recon = reconstruction_error(self(x), x)
        if self.lam == 0:
            return recon
        return recon + self.contractive_penalty(x) * self.lam

    def extra_repr(self):
        return f"lam={self.lam}, penalty_method={self.penalty_method!r}"
