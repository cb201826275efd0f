"""The engine's random generators: PyTorch's CPU stream, so a seed gives a lecture's numbers.

Every random draw (`rand`, `randn`, `randint`, `randperm`, `multinomial`, `normal`,
`bernoulli`, dropout masks, `nn.init`, `normal_`/`uniform_`, `DataLoader` shuffling) comes
from one global generator that `tinygrad_edu.manual_seed(k)` reseeds, as `torch.manual_seed`
does. A private stream is a `Generator().manual_seed(k)` passed as `generator=`; an explicit
`seed=` (where a function has one) makes a fresh generator for that call alone.

Why PyTorch's stream: students check their notebooks against a lecture's printed numbers,
which come from `torch.manual_seed(k)` or `torch.Generator().manual_seed(k)`. PyTorch's CPU
generator is the 32-bit Mersenne Twister (MT19937) seeded by its classic `init_genrand`
with the low 32 bits of the seed; numpy ships the same bit generator, so the raw words come
from numpy (fast, in C) and the transforms into floats, normals, integers and permutations,
which follow PyTorch's, live in `random_draws.py`.

The state (`get_state`, `get_rng_state`) is a uint8 array laid out as PyTorch's own
(5056 bytes), so `set_rng_state(torch.get_rng_state().numpy())` continues a PyTorch run.
"""
import numpy as np

from .argcheck import int_arg

_STATE_WORDS = 624
# PyTorch's CPU generator state, byte for byte (torch.get_rng_state() has this layout).
_STATE_LAYOUT = np.dtype({
    "names": ["seed", "left", "seeded", "next", "words", "normal_x", "normal_y", "normal_rho",
              "normal_is_valid", "float_normal", "float_normal_is_valid"],
    "formats": ["<u8", "<i4", "<i4", "<u8", ("<u8", _STATE_WORDS), "<f8", "<f8", "<f8", "<i4",
                "<f4", "u1"],
    "offsets": [0, 8, 12, 16, 24, 5016, 5024, 5032, 5040, 5044, 5048],
    "itemsize": 5056})
# The seed PyTorch gives its default generator and every new Generator() before any
# manual_seed (c10's default_rng_seed_val): unseeded draws are the same on every run.
DEFAULT_SEED = 67280421310721


def _seed_arg(seed) -> int:
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= seed < 2 ** 64:
        raise ValueError(f"manual_seed: the seed must be a non-negative integer below 2**64, got "
                         f"{seed!r}")
    return int(seed)


class Generator:
    """A random stream of its own, as `torch.Generator`, passed to draws as `generator=`.

    Example:
        >>> from tinygrad_edu import Generator, rand
        >>> g = Generator().manual_seed(42)
        >>> [round(v, 4) for v in rand(3, generator=g).tolist()]      # torch.rand gives these
        [0.8823, 0.915, 0.3829]
    """

    def __init__(self, device: str = "cpu"):
        if str(device) != "cpu":
            raise RuntimeError(f"Generator: tinygrad_edu runs on the CPU only, got device "
                               f"{device!r}; use Generator() or Generator('cpu')")
        self._bits = np.random.MT19937(0)
        self.manual_seed(DEFAULT_SEED)

    @property
    def device(self) -> str:
        return "cpu"

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from `seed` (as PyTorch: MT19937's `init_genrand` with the low
        32 bits of the seed) and return the generator, so it can be chained."""
        self._seed = _seed_arg(seed)
        # RandomState's integer seeding is the classic init_genrand that PyTorch uses.
        key = np.random.RandomState(self._seed & 0xFFFFFFFF).get_state()[1]
        self._bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": _STATE_WORDS}}
        self._fresh = True                    # no word drawn since seeding (PyTorch's next_ = 0)
        self._next_double_normal = None       # the second normal of Box-Muller's pair, kept
        self._next_float_normal = None        # kept only to round-trip a PyTorch state
        return self

    def initial_seed(self) -> int:
        """The seed the stream started from."""
        return self._seed

    def seed(self) -> int:
        """Reseed from fresh entropy (a 64-bit seed, as PyTorch) and return the new seed."""
        fresh = int(np.random.SeedSequence().generate_state(2, np.uint64)[0])
        self.manual_seed(fresh)
        return fresh

    # ------------------------------------------------------------ raw words
    def random32(self, n: int) -> np.ndarray:
        """The next n 32-bit words (PyTorch's `random()`), as uint64 for easy arithmetic."""
        self._fresh = False
        return self._bits.random_raw(n)

    def random64(self, n: int) -> np.ndarray:
        """The next n 64-bit words (PyTorch's `random64()`: two 32-bit words, the first high)."""
        self._fresh = False
        words = self._bits.random_raw(2 * n)
        return (words[0::2] << np.uint64(32)) | words[1::2]

    # ------------------------------------------------------------ state
    def get_state(self) -> np.ndarray:
        """The stream's state as a uint8 array (PyTorch's layout, as `torch.Generator.get_state`).

        An array, so a checkpoint can hold it next to the weights without pickle.
        """
        mt = self._bits.state["state"]
        record = np.zeros((), dtype=_STATE_LAYOUT)
        record["seed"], record["seeded"] = self._seed, 1
        record["left"] = _STATE_WORDS + 1 - mt["pos"]
        record["next"] = 0 if self._fresh else mt["pos"]
        record["words"] = mt["key"]
        if self._next_double_normal is not None:
            record["normal_y"], record["normal_is_valid"] = self._next_double_normal, 1
        if self._next_float_normal is not None:
            record["float_normal"], record["float_normal_is_valid"] = self._next_float_normal, 1
        return np.frombuffer(record.tobytes(), dtype=np.uint8).copy()

    def set_state(self, state) -> "Generator":
        """Continue the stream from a state saved by `get_state` (or by PyTorch's
        `get_rng_state().numpy()`). A bad state is refused and the generator is unchanged."""
        raw = np.asarray(getattr(state, "numpy", lambda: state)())
        if raw.dtype != np.uint8 or raw.shape != (_STATE_LAYOUT.itemsize,):
            older = raw.dtype == np.uint8 and raw[:1].tobytes() == b"{"
            raise ValueError(f"Generator.set_state: expected the uint8 array of "
                             f"{_STATE_LAYOUT.itemsize} bytes that get_state returns, got "
                             f"{raw.dtype} of shape {raw.shape}" +
                             ("; this state was saved by an earlier tinygrad_edu, whose generator "
                              "was numpy's, and cannot continue PyTorch's stream" if older else ""))
        record = np.frombuffer(raw.tobytes(), dtype=_STATE_LAYOUT)[0]
        left, words = int(record["left"]), record["words"]
        if not 1 <= left <= _STATE_WORDS or (words >> np.uint64(32)).any() or not words.any():
            raise ValueError(f"Generator.set_state: not a Mersenne Twister state saved by "
                             f"get_state (left={left}, {_STATE_WORDS} words of 32 bits, not all 0)")
        self._bits.state = {"bit_generator": "MT19937",
                            "state": {"key": words.astype(np.uint32), "pos": _STATE_WORDS + 1 - left}}
        self._seed = int(record["seed"])
        self._fresh = left == 1 and int(record["next"]) == 0
        self._next_double_normal = float(record["normal_y"]) if record["normal_is_valid"] else None
        self._next_float_normal = (float(record["float_normal"]) if record["float_normal_is_valid"]
                                   else None)
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


def seed() -> int:
    """Seed the global generator from fresh entropy and return that seed (`torch.seed`)."""
    return default_generator.seed()


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


def generator() -> Generator:
    """The global generator (the one `manual_seed` seeds)."""
    return default_generator


def resolve(generator=None, seed=None, op_name="random") -> Generator:
    """The Generator a draw should use: a fresh one for `seed`, the one given, or else
    the global one."""
    if seed is not None:
        if generator is not None:
            raise ValueError(f"{op_name}: pass either seed= or generator=, not both")
        return Generator().manual_seed(int_arg(op_name, "seed", seed, minimum=0))
    if generator is None:
        return default_generator
    if isinstance(generator, Generator):
        return generator
    hint = (" (a numpy Generator cannot give PyTorch's stream)"
            if isinstance(generator, np.random.Generator) else "")
    raise TypeError(f"{op_name}: generator must be a tinygrad_edu.Generator (e.g. "
                    f"Generator().manual_seed(0)), got {type(generator).__name__}{hint}")
