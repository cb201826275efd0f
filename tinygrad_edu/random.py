"""The engine's random generators: one seed makes a whole run reproducible.

Every random draw (`Tensor.randn`/`rand`, `randint`, `randperm`, `multinomial`, `normal`,
dropout masks, `nn.init`, `normal_`/`uniform_`) comes from one global generator that
`tinygrad_edu.manual_seed(k)` reseeds, as `torch.manual_seed` does. A private stream is a
`Generator().manual_seed(k)` passed as `generator=`; an explicit `seed=` (where an
function has one) still makes a fresh generator for that call alone.
The numbers are numpy's (PCG64), so they differ from PyTorch's for the same seed.
"""
import json

import numpy as np

from .argcheck import int_arg


class Generator:
    """A random stream of its own, as `torch.Generator`, passed to draws as `generator=`.

    Example:
        >>> from tinygrad_edu import Generator, randn
        >>> g = Generator().manual_seed(3)
        >>> a = randn(2, generator=g).tolist()
        >>> a == randn(2, generator=Generator().manual_seed(3)).tolist()
        True
    """

    def __init__(self, device: str = "cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"Generator: tinygrad_edu runs on the CPU only, got device "
                               f"{device!r}; use Generator() or Generator('cpu')")
        self._seed = int(np.random.SeedSequence().entropy % 2 ** 63)
        self.rng = np.random.default_rng(self._seed)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from `seed` and return the generator (so it can be chained)."""
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"manual_seed: the seed must be a non-negative integer, got {seed!r}")
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._seed

    def seed(self) -> int:
        """Reseed from fresh entropy and return the new seed."""
        self._seed = int(np.random.SeedSequence().entropy % 2 ** 63)
        self.rng = np.random.default_rng(self._seed)
        return self._seed

    def get_state(self) -> np.ndarray:
        """The stream's state as a uint8 array (as `torch.Generator.get_state`), for `set_state`.

        An array, so a checkpoint can hold it next to the weights without pickle.
        """
        text = json.dumps({"seed": self._seed, "bit_generator": self.rng.bit_generator.state})
        return np.frombuffer(text.encode("ascii"), dtype=np.uint8).copy()

    def set_state(self, state) -> "Generator":
        """Continue the stream from a state saved by `get_state`."""
        try:
            saved = json.loads(np.asarray(state, dtype=np.uint8).tobytes().decode("ascii"))
            rng = np.random.default_rng()
            rng.bit_generator.state = saved["bit_generator"]
            seed = int(saved["seed"])
        except (ValueError, TypeError, KeyError) as err:
            raise ValueError("Generator.set_state: not a state saved by Generator.get_state "
                             f"(a uint8 array); {err}") from None
        self._seed, self.rng = seed, rng
        return self

    def __repr__(self):
        return f"Generator(initial_seed={self._seed})"


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the global generator that every random draw uses (unless given its own).

    Example:
        >>> from tinygrad_edu import Tensor, manual_seed
        >>> _ = manual_seed(0); a = Tensor.ones(8).dropout(0.5).tolist()
        >>> _ = manual_seed(0); a == Tensor.ones(8).dropout(0.5).tolist()
        True
    """
    return default_generator.manual_seed(seed)


def get_rng_state() -> np.ndarray:
    """The global generator's state (a uint8 array), as `torch.get_rng_state`: save it to
    continue a run's random draws exactly where they were."""
    return default_generator.get_state()


def set_rng_state(state) -> None:
    """Restore the global generator's state from `get_rng_state`."""
    default_generator.set_state(state)


def initial_seed() -> int:
    """The seed of the global generator."""
    return default_generator.initial_seed()


def generator() -> np.random.Generator:
    """The global numpy generator (read it at each use: `manual_seed` replaces it)."""
    return default_generator.rng


def resolve(generator=None, seed=None, op_name="random") -> np.random.Generator:
    """The numpy generator a draw should use: a fresh one for `seed`, the one inside a
    `Generator` (a numpy Generator is accepted too), or else the global one."""
    if seed is not None:
        if generator is not None:
            raise ValueError(f"{op_name}: pass either seed= or generator=, not both")
        return np.random.default_rng(int_arg(op_name, "seed", seed, minimum=0))
    if generator is None:
        return default_generator.rng
    if isinstance(generator, Generator):
        return generator.rng
    if isinstance(generator, np.random.Generator):
        return generator
    raise TypeError(f"{op_name}: generator must be a tinygrad_edu.Generator (e.g. "
                    f"Generator().manual_seed(0)), got {type(generator).__name__}")
