"""One global generator seeded by `manual_seed`, and `Generator().manual_seed(k)` objects
passed as `generator=` (issue 12, item 4). Before the fix `manual_seed` did not drive
`Tensor.randn`/`rand`. Here: reproducibility, the distributions, shapes and dtypes, errors;
the values themselves are compared with PyTorch's in test_random_streams.py."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, Generator, manual_seed, nn

# name: a draw that takes generator= (the global generator when it is None)
DRAWS = {
    "Tensor.randn": lambda g: Tensor.randn(2, 3, generator=g),
    "Tensor.rand": lambda g: Tensor.rand(4, generator=g),
    "randn": lambda g: tg.randn(2, 3, generator=g),
    "rand": lambda g: tg.rand((3,), generator=g),
    "randn_like": lambda g: tg.randn_like(tg.zeros(3), generator=g),
    "randint": lambda g: tg.randint(0, 100, (5,), generator=g),
    "randperm": lambda g: tg.randperm(10, generator=g),
    "multinomial": lambda g: tg.multinomial(tg.tensor([0.2, 0.3, 0.5]), 6, True, generator=g),
    "multinomial_method": lambda g: tg.tensor([[1.0, 2.0, 3.0]]).multinomial(2, generator=g),
    "normal": lambda g: tg.normal(0.0, 2.0, size=(4,), generator=g),
    "normal_tensors": lambda g: tg.normal(tg.zeros(3), tg.ones(3), generator=g),
    "dropout": lambda g: Tensor.ones(16).dropout(0.5, generator=g),
    "bernoulli": lambda g: tg.bernoulli(tg.full((8,), 0.5), generator=g),
    "bernoulli_": lambda g: tg.zeros(8).bernoulli_(0.5, generator=g),
    "nn.init.uniform_": lambda g: nn.init.uniform_(tg.zeros(5), -1, 1, generator=g),
    "nn.init.normal_": lambda g: nn.init.normal_(tg.zeros(5), generator=g),
    "nn.init.kaiming_uniform_": lambda g: nn.init.kaiming_uniform_(tg.zeros(3, 4), generator=g),
    "nn.init.xavier_normal_": lambda g: nn.init.xavier_normal_(tg.zeros(3, 4), generator=g),
    "normal_": lambda g: tg.zeros(5).normal_(generator=g),
    "uniform_": lambda g: tg.zeros(5).uniform_(-2, 2, generator=g),
}


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_manual_seed_drives_every_draw(name):
    draw = DRAWS[name]
    manual_seed(123)
    first = draw(None).tolist()
    manual_seed(123)
    assert draw(None).tolist() == first
    manual_seed(124)
    assert draw(None).tolist() != first


@pytest.mark.parametrize("name", sorted(DRAWS))
def test_a_generator_object_gives_its_own_reproducible_stream(name):
    draw = DRAWS[name]
    first = draw(Generator().manual_seed(7)).tolist()
    manual_seed(0)                                       # the global stream does not matter
    assert draw(Generator().manual_seed(7)).tolist() == first
    g = Generator().manual_seed(7)
    draw(g)
    assert draw(g).tolist() != first                     # the generator moved on


def test_a_generator_does_not_disturb_the_global_stream():
    manual_seed(5)
    expected = tg.randn(4).tolist()
    manual_seed(5)
    tg.randn(100, generator=Generator().manual_seed(1))
    assert tg.randn(4).tolist() == expected


def test_seed_argument_still_works_and_excludes_generator():
    assert Tensor.randn(3, seed=4).tolist() == Tensor.randn(3, seed=4).tolist()
    with pytest.raises(ValueError, match="either seed= or generator="):
        Tensor.randn(3, seed=4, generator=Generator())
    with pytest.raises(TypeError, match="tinygrad_edu.Generator"):
        tg.randn(3, generator=42)
    with pytest.raises(TypeError, match="numpy Generator cannot give PyTorch's stream"):
        tg.rand(3, generator=np.random.default_rng(0))


def test_generator_api_like_torch(torch):
    g = Generator().manual_seed(11)
    assert g.initial_seed() == 11 and torch.Generator().manual_seed(11).initial_seed() == 11
    state = g.get_state()
    a = tg.rand(3, generator=g).tolist()
    g.set_state(state)
    assert tg.rand(3, generator=g).tolist() == a
    assert manual_seed(3) is tg.default_generator and tg.initial_seed() == 3
    with pytest.raises(ValueError, match="non-negative integer"):
        Generator().manual_seed(-1)
    with pytest.raises(RuntimeError, match="CPU only"):
        Generator("cuda")


def test_a_model_built_after_manual_seed_is_the_same_model():
    manual_seed(9)
    first = [p.data.copy() for p in nn.Linear(3, 2).parameters()]
    manual_seed(9)
    second = [p.data.copy() for p in nn.Linear(3, 2).parameters()]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_draws_have_torchs_shapes_dtypes_and_ranges(torch):
    pairs = [(tg.randint(3, 8, (2, 5)), torch.randint(3, 8, (2, 5))),
             (tg.randint(10, (4,)), torch.randint(10, (4,))),
             (tg.randperm(6), torch.randperm(6)),
             (tg.multinomial(tg.ones(2, 5), 3), torch.multinomial(torch.ones(2, 5), 3)),
             (tg.normal(tg.zeros(2, 2), 1.0), torch.normal(torch.zeros(2, 2), 1.0)),
             (tg.rand(2, 3), torch.rand(2, 3))]
    for ours, theirs in pairs:
        assert ours.shape == tuple(theirs.shape)
        assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))
    manual_seed(0)
    values = tg.randint(3, 8, (2000,)).data
    assert values.min() == 3 and values.max() == 7
    assert sorted(tg.randperm(50).tolist()) == list(range(50))
    rows = tg.multinomial(tg.ones(3, 6), 6).data            # without replacement: permutations
    assert all(sorted(r) == list(range(6)) for r in rows.tolist())


def test_multinomial_follows_the_weights():
    manual_seed(1)
    weights = np.array([1.0, 0.0, 3.0, 4.0])
    samples = tg.multinomial(tg.tensor(weights), 40000, replacement=True).data
    frequencies = np.bincount(samples, minlength=4) / samples.size
    np.testing.assert_allclose(frequencies, weights / weights.sum(), atol=0.01)
    assert frequencies[1] == 0.0


def test_normal_has_the_asked_mean_and_spread():
    manual_seed(2)
    x = tg.normal(tg.tensor([-3.0, 5.0]).reshape(2, 1).expand(2, 20000), 0.5).data
    np.testing.assert_allclose(x.mean(axis=1), [-3.0, 5.0], atol=0.02)
    np.testing.assert_allclose(x.std(axis=1), [0.5, 0.5], atol=0.02)


@pytest.mark.parametrize("bad, message", [
    (lambda: tg.randint(5, 5, (2,)), "empty"),
    (lambda: tg.randint(5), "shape of the result"),
    (lambda: tg.randperm(-1), "non-negative"),
    (lambda: tg.multinomial(tg.tensor([1.0, -1.0]), 1), "non-negative"),
    (lambda: tg.multinomial(tg.tensor([0.0, 1.0]), 2), "without replacement"),
    (lambda: tg.multinomial(tg.zeros(2, 2, 2), 1), "1-D or 2-D"),
    (lambda: tg.normal(0.0, -1.0, size=(2,)), "std must be non-negative"),
])
def test_bad_draws_raise_clear_errors(bad, message):
    with pytest.raises((ValueError, TypeError), match=message):
        bad()
