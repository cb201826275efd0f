"""The engine's random generator: one seed makes a whole run reproducible.

Dropout masks and `nn.init` draw from this generator (`Tensor.randn(seed=...)` keeps
its own explicit seed), so `tinygrad_edu.manual_seed(0)` before building and
training a model gives the same weights and the same masks every time, as
`torch.manual_seed` does.
"""
import numpy as np

_STATE = {"generator": np.random.default_rng()}


def manual_seed(seed: int) -> None:
    """Seed the generator used by dropout and by `nn.init`.

    Example:
        >>> from tinygrad_edu import Tensor, manual_seed
        >>> manual_seed(0); a = Tensor.ones(8).dropout(0.5).tolist()
        >>> manual_seed(0); a == Tensor.ones(8).dropout(0.5).tolist()
        True
    """
    _STATE["generator"] = np.random.default_rng(seed)


def generator() -> np.random.Generator:
    """The current generator (read it at each use: `manual_seed` replaces it)."""
    return _STATE["generator"]
