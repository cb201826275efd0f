"""The classic models of seed 004 ch. 1: each theorem checked on the implementation."""
import itertools
from math import comb

import numpy as np
import pytest

from tinygrad_edu.classic import (XOR_X, XOR_Y, Hopfield, capacity_bound, capacity_experiment,
                                  cover_count, cover_recursion, is_linearly_separable,
                                  linear_dichotomies, margin, novikoff_bound, perceptron,
                                  random_patterns, separable_data, with_bias_feature)


@pytest.mark.parametrize("gamma,seed", [(0.3, 0), (0.1, 1), (0.05, 2), (0.02, 3)])
def test_perceptron_novikoff_bound_and_lemmas(gamma, seed):
    X, y, w_star = separable_data(150, 4, gamma, seed=seed)
    run = perceptron(X, y, max_epochs=100_000)
    assert run.converged and np.all(y * (X @ run.weights) > 0)
    true_gamma = np.min(y * (X @ w_star))
    R = np.max(np.linalg.norm(X, axis=1))
    assert run.updates <= R ** 2 / true_gamma ** 2
    t = np.arange(run.updates + 1)
    assert np.all(run.history @ w_star >= t * true_gamma - 1e-12)                     # Lemma 1.1
    assert np.all(np.linalg.norm(run.history, axis=1) <= R * np.sqrt(t) + 1e-12)     # Lemma 1.2
    assert novikoff_bound(X, w_star, y) == pytest.approx(R ** 2 / true_gamma ** 2)


def test_perceptron_update_rule_by_hand():
    run = perceptron([[1.0, 2.0], [2.0, -1.0]], [1, -1], max_epochs=10)
    # w0 = 0 errs on x1 (w.x = 0): w1 = x1; then w1.x2 = 0 again an error: w2 = x1 - x2
    np.testing.assert_array_equal(run.history[:3], [[0, 0], [1, 2], [-1, 3]])


def test_perceptron_cycles_on_xor_and_converges_on_and():
    xor = perceptron(with_bias_feature(XOR_X), XOR_Y, max_epochs=500)
    assert not xor.converged and xor.cycled
    assert not is_linearly_separable(with_bias_feature(XOR_X), XOR_Y)
    and_y = np.array([-1.0, 1.0, -1.0, -1.0])
    run = perceptron(with_bias_feature(XOR_X), and_y, max_epochs=500)
    assert run.converged and margin(run.weights, with_bias_feature(XOR_X), and_y) > 0


def test_perceptron_bad_input_names_the_function():
    with pytest.raises(ValueError, match="perceptron: labels must be -1 or \\+1"):
        perceptron([[1.0, 0.0]], [0])
    with pytest.raises(ValueError, match="perceptron: expected X of shape"):
        perceptron([[1.0, 0.0]], [1, -1])
    with pytest.raises(ValueError, match="does not separate"):
        novikoff_bound([[1.0], [2.0]], [1.0], [1, -1])


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("s", [1, 2, 3, 4, 5, 6, 7])
def test_cover_count_equals_brute_force(s, n):
    X = np.random.default_rng(10 * s + n).normal(size=(s, n))
    found = linear_dichotomies(X)
    assert len(found) == cover_count(s, n) == 2 * sum(comb(s - 1, i) for i in range(n))
    # every labelling a random hyperplane makes is among those found, and negation closes the set
    W = np.random.default_rng(0).normal(size=(20000, n))
    sampled = {tuple(row) for row in np.sign(W @ X.T)}
    assert sampled <= set(found)
    assert {tuple(-np.array(f)) for f in found} == set(found)


def test_cover_recursion_and_half_at_twice_the_dimension():
    for s, n in itertools.product(range(1, 13), range(1, 6)):
        assert cover_recursion(s, n) == cover_count(s, n)
        if s <= n:
            assert cover_count(s, n) == 2 ** s
    for n in range(1, 20):
        assert cover_count(2 * n, n) == 2 ** (2 * n - 1)


def test_cover_needs_general_position():
    X = np.array([[1.0, 0.0], [2.0, 0.0], [0.0, 1.0], [1.0, 1.0]])     # two points on one ray
    assert len(linear_dichotomies(X)) < cover_count(4, 2)
    with pytest.raises(ValueError, match="cover_count"):
        cover_count(0, 2)


def test_hopfield_weights_and_energy_never_increase():
    rng = np.random.default_rng(0)
    P = random_patterns(30, 100, seed=1)                     # over capacity: many updates happen
    net = Hopfield(100)
    net.store(P)
    np.testing.assert_allclose(net.W, net.W.T)
    assert np.all(np.diag(net.W) == 0)
    np.testing.assert_allclose(net.W + np.eye(100) * 30 / 100, P.T @ P / 100)
    net.b = 0.1 * rng.normal(size=100)                       # the claim holds with thresholds too
    start = np.where(rng.normal(size=(5, 100)) >= 0, 1.0, -1.0)
    trace = [net.energy(start)]
    final = net.recall(start, seed=3, trace=trace)
    energies = np.array(trace)
    assert energies.shape[0] > 100 and np.all(np.diff(energies, axis=0) <= 1e-12)
    assert np.all(net.is_fixed_point(final))


def test_hopfield_recalls_from_noise_at_low_load():
    P = random_patterns(5, 200, seed=4)
    net = Hopfield(200)
    net.store(P)
    assert np.all(net.is_fixed_point(P))
    noisy = np.where(np.random.default_rng(5).random(P.shape) < 0.15, -P, P)
    np.testing.assert_array_equal(net.recall(noisy), P)


def test_hopfield_capacity_transition_and_bound():
    n = 200
    curve = capacity_experiment(n, [0.05, 0.3], trials=2, seed=1)
    assert curve["overlap"][0] > 0.97 and curve["overlap"][1] < 0.6
    at_bound = capacity_experiment(n, [int(capacity_bound(n)) / n], trials=3, seed=2)
    over = capacity_experiment(n, [0.138], trials=3, seed=2)
    assert at_bound["stable"][0] >= 0.9 > over["stable"][0]
    assert capacity_bound(256) == pytest.approx(16.0)


def test_hopfield_bad_state_is_refused():
    net = Hopfield(4)
    with pytest.raises(ValueError, match=r"Hopfield.store: expected states of \+-1 of shape"):
        net.store([[0, 1, 1, 0]])
    with pytest.raises(ValueError, match="Hopfield"):
        Hopfield(1)


@pytest.mark.parametrize("load", [0.15, 0.2, 0.3])
def test_hopfield_crosstalk_flip_rate_is_gaussian(load):
    from math import erfc, sqrt
    n = 400
    s = int(load * n)
    flips = []
    for seed in range(3):
        P = random_patterns(s, n, seed=seed)
        net = Hopfield(n)
        net.store(P)
        crosstalk = P * (P @ net.W.T) - (n - 1) / n      # x_ti * C_ti, seed 004
        flips.append(np.mean(crosstalk < -(n - 1) / n))
    assert np.mean(flips) == pytest.approx(0.5 * erfc(sqrt(n / (2 * s))), rel=0.2)
