"""PyTorch's CPU random streams (issue 19): the same seed and call sequence give PyTorch's
values, bit for bit, in float32 and float64, and leave the generator in PyTorch's state
(`get_rng_state` is byte-compatible with `torch.get_rng_state`). Skipped without torch,
except the checks that need no reference."""
import math

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, Generator, nn
from tinygrad_edu.utils.data import DataLoader, TensorDataset, random_split
from tinygrad_edu import random_math

DTYPES = [(np.float32, "float32"), (np.float64, "float64")]
SIZES = [1, 2, 3, 15, 16, 17, 31, 32, 33, 100, 1000]        # both normal paths and the tail


def same(ours, theirs):
    """Bit-equal values, equal shapes and dtypes (NaN never occurs here)."""
    a = ours.numpy() if isinstance(ours, Tensor) else np.asarray(ours)
    b = theirs.detach().numpy()
    assert a.shape == b.shape and a.dtype == b.dtype, (a.shape, a.dtype, b.shape, b.dtype)
    np.testing.assert_array_equal(a, b)


def same_state(torch):
    np.testing.assert_array_equal(tg.get_rng_state(), torch.get_rng_state().numpy())


def seed_both(torch, seed):
    torch.manual_seed(seed)
    tg.manual_seed(seed)


def test_rand_is_the_low_24_bits_of_mt19937_as_the_issue_states():
    key = np.random.RandomState(42).get_state()[1]          # init_genrand(42)
    bits = np.random.MT19937(0)
    bits.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 624}}
    expected = (bits.random_raw(8) & 0xFFFFFF).astype(np.float32) * np.float32(2.0 ** -24)
    np.testing.assert_array_equal(tg.rand(8, generator=Generator().manual_seed(42)).numpy(), expected)


@pytest.mark.parametrize("dtype, name", DTYPES)
@pytest.mark.parametrize("seed", [0, 1, 42, 2147483647])
def test_rand_and_randn_every_size(torch, dtype, name, seed):
    seed_both(torch, seed)
    for n in SIZES:                       # one long interleaved sequence: the cache carries over
        same(tg.randn(n, dtype=dtype), torch.randn(n, dtype=getattr(torch, name)))
        same(tg.rand(n, dtype=dtype), torch.rand(n, dtype=getattr(torch, name)))
    same(tg.randn(4, 5, dtype=dtype), torch.randn(4, 5, dtype=getattr(torch, name)))
    same_state(torch)


@pytest.mark.parametrize("dtype, name", DTYPES)
def test_a_million_normals_and_uniforms(torch, dtype, name):
    seed_both(torch, 7)
    same(tg.randn(1_000_003, dtype=dtype), torch.randn(1_000_003, dtype=getattr(torch, name)))
    same(tg.zeros(300_001, dtype=dtype).normal_(0.25, 1.7),
         torch.empty(300_001, dtype=getattr(torch, name)).normal_(0.25, 1.7))
    same(tg.zeros(300_001, dtype=dtype).uniform_(-0.123, 4.56),
         torch.empty(300_001, dtype=getattr(torch, name)).uniform_(-0.123, 4.56))


def test_the_makemore_lecture_sequence(torch):
    g, tg_g = torch.Generator().manual_seed(2147483647), Generator().manual_seed(2147483647)
    same(tg.randn((27, 27), generator=tg_g), torch.randn((27, 27), generator=g))
    probs = torch.rand(27, generator=g)
    tg_probs = tg.rand(27, generator=tg_g)
    same(tg_probs, probs)
    for _ in range(20):
        same(tg.multinomial(tg_probs, 1, replacement=True, generator=tg_g),
             torch.multinomial(probs, 1, replacement=True, generator=g))
    same(tg.multinomial(tg_probs, 30, replacement=True, generator=tg_g),
         torch.multinomial(probs, 30, replacement=True, generator=g))
    np.testing.assert_array_equal(tg_g.get_state(), g.get_state().numpy())


@pytest.mark.parametrize("dtype, name", DTYPES)
def test_uniform_and_normal_with_bounds_mean_and_std(torch, dtype, name):
    tdtype = getattr(torch, name)
    seed_both(torch, 3)
    for low, high in [(-0.37, 0.91), (2.5, 7.25), (-1e-3, 1e-3)]:
        for n in (5, 40):
            same(tg.zeros(n, dtype=dtype).uniform_(low, high),
                 torch.empty(n, dtype=tdtype).uniform_(low, high))
    for mean, std in [(0.3, 3.7), (-2.0, 0.01)]:
        for n in (3, 7, 16, 50):
            same(tg.zeros(n, dtype=dtype).normal_(mean, std),
                 torch.empty(n, dtype=tdtype).normal_(mean, std))
            same(tg.normal(mean, std, size=(n,), dtype=dtype),
                 torch.normal(mean, std, size=(n,), dtype=tdtype))
    means = np.linspace(-1, 1, 20).astype(dtype)
    stds = np.linspace(0.1, 2, 20).astype(dtype)
    same(tg.normal(tg.tensor(means), tg.tensor(stds)), torch.normal(torch.tensor(means), torch.tensor(stds)))
    same(tg.normal(tg.tensor(means), 0.7), torch.normal(torch.tensor(means), 0.7))
    same(tg.normal(0.4, tg.tensor(stds)), torch.normal(0.4, torch.tensor(stds)))
    same(tg.normal(tg.tensor(means[:5]), tg.tensor(stds[:5])), torch.normal(torch.tensor(means[:5]),
                                                                            torch.tensor(stds[:5])))
    same_state(torch)


@pytest.mark.parametrize("low, high", [(0, 10), (-5, 7), (0, 2 ** 28 - 1), (0, 2 ** 28), (3, 2 ** 31),
                                       (-2 ** 40, 2 ** 40)])
def test_randint_32_and_64_bit_ranges(torch, low, high):
    seed_both(torch, 11)
    for ours, theirs in [(np.int64, torch.int64), (np.int32, torch.int32), (np.float64, torch.float64)]:
        if ours == np.int32 and high > 2 ** 31 - 1:
            continue
        same(tg.randint(low, high, (9,), dtype=ours), torch.randint(low, high, (9,), dtype=theirs))
    same(tg.randint(high, (2, 3)) if low == 0 else tg.randint(low, high, (2, 3)),
         torch.randint(high, (2, 3)) if low == 0 else torch.randint(low, high, (2, 3)))
    same_state(torch)


def test_randperm_small_and_long(torch):
    seed_both(torch, 5)
    for n in (0, 1, 2, 7, 100, 60000):
        same(tg.randperm(n), torch.randperm(n))
    same_state(torch)


@pytest.mark.parametrize("dtype, name", DTYPES)
def test_bernoulli_and_multinomial(torch, dtype, name):
    tdtype = getattr(torch, name)
    seed_both(torch, 13)
    p = np.random.default_rng(13).random((4, 9)).astype(dtype)
    p[0, 2] = 0.0
    same(tg.bernoulli(tg.tensor(p)), torch.bernoulli(torch.tensor(p)))          # 24 or 53 bits
    same(tg.bernoulli(tg.tensor(p), 0.3), torch.bernoulli(torch.tensor(p), 0.3))
    same(tg.zeros(7, dtype=dtype).bernoulli_(0.6), torch.zeros(7, dtype=tdtype).bernoulli_(0.6))
    same(tg.zeros(4, 9, dtype=dtype).bernoulli_(tg.tensor(p)),
         torch.zeros(4, 9, dtype=tdtype).bernoulli_(torch.tensor(p)))
    for k, replacement in [(1, False), (3, False), (8, False), (1, True), (12, True)]:
        same(tg.multinomial(tg.tensor(p), k, replacement), torch.multinomial(torch.tensor(p), k, replacement))
        same(tg.tensor(p[1]).multinomial(k, replacement), torch.tensor(p[1]).multinomial(k, replacement))
    same_state(torch)


@pytest.mark.parametrize("p", [0.1, 0.2, 1 / 3, 0.5, 0.9])
@pytest.mark.parametrize("dtype, name", DTYPES)
def test_dropout_masks(torch, p, dtype, name):
    x = np.random.default_rng(0).normal(size=(37, 29)).astype(dtype)
    seed_both(torch, 3)
    for _ in range(2):
        same(Tensor(x).dropout(p), torch.nn.functional.dropout(torch.tensor(x), p))
        same(nn.functional.dropout(Tensor(x), p), torch.nn.functional.dropout(torch.tensor(x), p))
    same_state(torch)
    g, tg_g = torch.Generator().manual_seed(4), Generator().manual_seed(4)
    same(Tensor(x).dropout(p, generator=tg_g), torch.ones(37, 29, dtype=getattr(torch, name))
         .bernoulli_(1 - p, generator=g).div_(1 - p).mul_(torch.tensor(x)))


def test_dropout_of_p_zero_or_eval_draws_nothing(torch):
    seed_both(torch, 1)
    Tensor.ones(10).dropout(0.0)
    nn.Dropout(0.5).eval()(Tensor.ones(10))
    torch.nn.functional.dropout(torch.ones(10), 0.0)
    same_state(torch)


LAYERS = {
    "Linear(3, 2)": lambda m: m.Linear(3, 2),
    "Linear(784, 64)": lambda m: m.Linear(784, 64),
    "Linear(5, 4, bias=False)": lambda m: m.Linear(5, 4, bias=False),
    "Conv2d(3, 8, 3)": lambda m: m.Conv2d(3, 8, 3),
    "Conv1d(2, 4, 5)": lambda m: m.Conv1d(2, 4, 5),
    "RNN(3, 5, 2)": lambda m: m.RNN(3, 5, 2),
    "LSTM(3, 4)": lambda m: m.LSTM(3, 4),
    "GRU(2, 3)": lambda m: m.GRU(2, 3, batch_first=True),
    "LSTMCell(3, 4)": lambda m: m.LSTMCell(3, 4),
    "Embedding(10, 4)": lambda m: m.Embedding(10, 4),
    "Sequential": lambda m: m.Sequential(m.Linear(4, 8), m.ReLU(), m.Linear(8, 1)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_layers_start_with_torchs_weights(torch, name):
    seed_both(torch, 0)
    theirs = LAYERS[name](torch.nn).state_dict()
    ours = LAYERS[name](nn).state_dict()
    assert list(ours) == list(theirs)
    for key in theirs:
        same(ours[key], theirs[key])
    same_state(torch)


@pytest.mark.parametrize("dtype, name", DTYPES)
def test_init_functions(torch, dtype, name):
    shape = (6, 5, 3)
    calls = [("uniform_", dict(a=-0.5, b=2.0)), ("normal_", dict(mean=1.0, std=0.3)),
             ("xavier_uniform_", dict(gain=1.7)), ("xavier_normal_", dict()),
             ("kaiming_uniform_", dict(a=math.sqrt(5))), ("kaiming_uniform_", dict(nonlinearity="relu")),
             ("kaiming_normal_", dict(mode="fan_out"))]
    seed_both(torch, 21)
    for fn, kwargs in calls:
        theirs = getattr(torch.nn.init, fn)(torch.empty(shape, dtype=getattr(torch, name)), **kwargs)
        same(getattr(nn.init, fn)(tg.zeros(*shape, dtype=dtype), **kwargs), theirs)
    g, tg_g = torch.Generator().manual_seed(1), Generator().manual_seed(1)
    same(nn.init.kaiming_uniform_(tg.zeros(4, 7, dtype=dtype), generator=tg_g),
         torch.nn.init.kaiming_uniform_(torch.empty(4, 7, dtype=getattr(torch, name)), generator=g))
    same_state(torch)


@pytest.mark.parametrize("kwargs", [dict(batch_size=4, shuffle=True), dict(batch_size=5),
                                    dict(batch_size=4, shuffle=True, drop_last=True),
                                    dict(batch_size=None, shuffle=True), dict(batch_size=5, shuffle=True)])
@pytest.mark.parametrize("with_generator", [False, True])
@pytest.mark.parametrize("n", [20, 23])
def test_dataloader_epochs_match_torchs(torch, kwargs, with_generator, n):
    x = np.arange(float(n))
    seed_both(torch, 1)
    g = torch.Generator().manual_seed(9) if with_generator else None
    tg_g = Generator().manual_seed(9) if with_generator else None
    theirs = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(x)), generator=g,
                                         **kwargs)
    ours = DataLoader(TensorDataset(tg.tensor(x)), generator=tg_g, **kwargs)
    for _ in range(3):
        a = [b[0].numpy().reshape(-1) for b in ours]
        b = [b[0].numpy().reshape(-1) for b in theirs]
        assert len(a) == len(b) and all(np.array_equal(u, v) for u, v in zip(a, b))
        next(iter(ours)), next(iter(theirs))                  # an epoch cut short
        same(tg.rand(3), torch.rand(3))                         # the global stream agrees after it
    same_state(torch)
    if with_generator:
        np.testing.assert_array_equal(tg_g.get_state(), g.get_state().numpy())


def test_random_split_matches_torch(torch):
    seed_both(torch, 3)
    ours = random_split(TensorDataset(tg.tensor(np.arange(10.0))), [0.5, 0.3, 0.2])
    theirs = torch.utils.data.random_split(range(10), [0.5, 0.3, 0.2])
    assert [s.indices for s in ours] == [list(s.indices) for s in theirs]
    ours = random_split(TensorDataset(tg.tensor(np.arange(7.0))), [4, 3],
                        generator=Generator().manual_seed(2))
    theirs = torch.utils.data.random_split(range(7), [4, 3], generator=torch.Generator().manual_seed(2))
    assert [s.indices for s in ours] == [list(s.indices) for s in theirs]


def test_generators_interleaved_with_the_global_stream(torch):
    seed_both(torch, 0)
    g, tg_g = torch.Generator().manual_seed(100), Generator().manual_seed(100)
    for _ in range(3):
        same(tg.randn(5, generator=tg_g), torch.randn(5, generator=g))
        same(tg.randn(3), torch.randn(3))
        same(tg.randn(21, generator=tg_g), torch.randn(21, generator=g))
        same(tg.rand(3, dtype=np.float64, generator=tg_g), torch.rand(3, dtype=torch.float64, generator=g))
        same(tg.randint(0, 50, (4,)), torch.randint(0, 50, (4,)))
        same(tg.randperm(12, generator=tg_g), torch.randperm(12, generator=g))
        same(Tensor.randn(2, 2, seed=5), torch.randn(2, 2, generator=torch.Generator().manual_seed(5)))
    np.testing.assert_array_equal(tg_g.get_state(), g.get_state().numpy())
    same_state(torch)


def test_unseeded_streams_start_where_torchs_do(torch):
    assert Generator().initial_seed() == torch.Generator().initial_seed() == 67280421310721
    same(tg.rand(4, generator=Generator()), torch.rand(4, generator=torch.Generator()))


def test_states_round_trip_exactly_and_cross_over_to_torch(torch):
    seed_both(torch, 8)
    tg.randn(3), torch.randn(3)                    # leaves a kept normal in both states
    state = tg.get_rng_state()
    assert state.dtype == np.uint8 and state.shape == (5056,)
    first = [tg.randn(1).tolist(), tg.rand(5).tolist(), tg.randint(0, 9, (3,)).tolist()]
    tg.set_rng_state(state)
    np.testing.assert_array_equal(tg.get_rng_state(), state)
    assert [tg.randn(1).tolist(), tg.rand(5).tolist(), tg.randint(0, 9, (3,)).tolist()] == first
    torch.set_rng_state(torch.from_numpy(state.copy()))   # ours continues in torch, and back
    tg.set_rng_state(state)
    same(tg.randn(7), torch.randn(7))
    tg.set_rng_state(torch.get_rng_state().numpy())
    same(tg.randn(40), torch.randn(40))


def test_set_state_refuses_bad_input_and_keeps_the_stream():
    tg.manual_seed(4)
    before = tg.get_rng_state()
    for bad in [np.zeros(10, np.uint8), before.astype(np.int64), np.zeros(5056, np.uint8)]:
        with pytest.raises(ValueError, match="set_state"):
            tg.set_rng_state(bad)
    np.testing.assert_array_equal(tg.get_rng_state(), before)
    with pytest.raises(ValueError, match="below 2\\*\\*64"):
        Generator().manual_seed(2 ** 64)


def test_seeds_above_32_bits_use_their_low_bits_as_torch(torch):
    for seed in (2 ** 32 + 5, 2 ** 63 + 17):
        same(tg.rand(4, generator=Generator().manual_seed(seed)),
             torch.rand(4, generator=torch.Generator().manual_seed(seed)))
        assert Generator().manual_seed(seed).initial_seed() == seed


def test_numpy_float64_sin_cos_are_the_c_librarys():
    """The float64 normal path uses numpy's sin/cos: they must equal the C library's (as
    PyTorch calls them); if numpy changes that on some platform, this says so."""
    angles = 2 * math.pi * np.random.default_rng(0).random(20000)
    assert np.cos(angles).tolist() == [math.cos(a) for a in angles.tolist()]
    assert np.sin(angles).tolist() == [math.sin(a) for a in angles.tolist()]
    x = 1.0 - np.random.default_rng(1).random(20000)
    assert random_math.clib_log(x).tolist() == [math.log(v) for v in x.tolist()]


def test_fma_emulation_rounds_once():
    rng = np.random.default_rng(0)
    a, b, c = (rng.normal(size=20000) * 10.0 ** rng.integers(-8, 8, 20000) for _ in range(3))
    from fractions import Fraction
    exact = [float(Fraction(x) * Fraction(y) + Fraction(z)) for x, y, z in zip(a[:3000], b[:3000], c[:3000])]
    assert [random_math.fma64(np.array([x]), y, z)[0] for x, y, z in
            zip(a[:3000], b[:3000], c[:3000])] == exact
    a32, c32 = a.astype(np.float32), c.astype(np.float32)
    b32 = np.float32(1.3)
    exact32 = [np.float32(Fraction(float(x)) * Fraction(float(b32)) + Fraction(float(z)))
               for x, z in zip(a32, c32)]
    np.testing.assert_array_equal(random_math.fma32(a32, b32, c32), np.array(exact32, np.float32))
