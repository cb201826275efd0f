"""Optimiser and scheduler load_state_dict: validated, all or nothing; saved with nn.save."""
import copy

import numpy as np
import pytest

from tinygrad_edu import Tensor, manual_seed, nn, optim


def _trained(make, steps=3):
    manual_seed(0)
    model = nn.MLP([3, 4, 2])
    opt = make(model.parameters())
    x = Tensor(np.linspace(-1, 1, 12).reshape(4, 3))
    for _ in range(steps):
        opt.zero_grad()
        (model(x) ** 2).sum().backward()
        opt.step()
    return model, opt


def _adam(params):
    return optim.Adam(params, lr=0.01)


def _assert_refused(opt, state, match):
    before = copy.deepcopy(opt.state_dict())
    with pytest.raises((ValueError, TypeError), match=match):
        opt.load_state_dict(state)
    after = opt.state_dict()
    assert after["param_groups"] == before["param_groups"]
    for index, entry in before["state"].items():           # nothing changed
        for key, value in entry.items():
            assert np.array_equal(after["state"][index][key], value)


@pytest.mark.parametrize("value, match", [
    (np.nan, "holds NaN or inf"),
    (np.inf, "holds NaN or inf"),
    (-1.0, "negative values.*impossible for a running sum or average of squares"),
])
def test_bad_exp_avg_sq_is_refused(value, match):
    _, opt = _trained(_adam)
    state = opt.state_dict()
    state["state"][1]["exp_avg_sq"] = state["state"][1]["exp_avg_sq"].copy()
    state["state"][1]["exp_avg_sq"].flat[0] = value
    _assert_refused(opt, state, match)


@pytest.mark.parametrize("step", [0.5, float("inf"), True, -1, "3", None])
def test_a_step_that_is_not_a_whole_count_is_refused(step):
    _, opt = _trained(_adam)
    state = opt.state_dict()
    state["state"][0]["step"] = step
    _assert_refused(opt, state, r"'step' must be a whole count >= 0")


def test_unknown_state_keys_and_unknown_settings_are_refused():
    _, opt = _trained(_adam)
    state = opt.state_dict()
    state["state"][0]["velocity"] = np.zeros(1)
    _assert_refused(opt, state, r"entries \['velocity'\], which Adam does not keep")
    state = opt.state_dict()
    state["param_groups"][0]["warp"] = 9
    _assert_refused(opt, state, r"settings \['warp'\], which Adam does not have")


def test_an_adam_state_is_refused_by_sgd():
    _, adam = _trained(_adam)
    model, sgd = _trained(lambda p: optim.SGD(p, lr=0.1, momentum=0.9))
    _assert_refused(sgd, adam.state_dict(), r"(entries|settings) \[.*\], which SGD does not")


def test_wrong_shapes_are_refused():
    _, opt = _trained(_adam)
    state = opt.state_dict()
    state["state"][0]["exp_avg"] = np.zeros((7, 7), dtype=np.float32)
    _assert_refused(opt, state, r"saved 'exp_avg' of parameter 0 has shape \(7, 7\), but the "
                                r"parameter has shape")


def test_a_state_saved_with_nn_save_continues_training_exactly(tmp_path):
    model_a, opt_a = _trained(_adam, steps=5)
    model_b, opt_b = _trained(_adam, steps=3)
    path = tmp_path / "opt.npz"
    nn.save(opt_b.state_dict(), path)
    manual_seed(0)
    model_c = nn.MLP([3, 4, 2])
    model_c.load_state_dict(model_b.state_dict())
    opt_c = _adam(model_c.parameters())
    opt_c.load_state_dict(nn.load(path))
    x = Tensor(np.linspace(-1, 1, 12).reshape(4, 3))
    for _ in range(2):
        opt_c.zero_grad()
        (model_c(x) ** 2).sum().backward()
        opt_c.step()
    for p, q in zip(model_a.parameters(), model_c.parameters()):
        assert np.array_equal(p.data, q.data)


@pytest.mark.parametrize("make", [
    lambda p: optim.SGD(p, lr=0.1, momentum=0.9), lambda p: optim.RMSprop(p, lr=0.01),
    lambda p: optim.Adagrad(p, lr=0.1), lambda p: optim.AdamW(p, lr=0.01)])
def test_every_optimiser_state_round_trips_through_a_file(tmp_path, make):
    _, opt = _trained(make)
    nn.save(opt.state_dict(), tmp_path / "o.npz")
    _, fresh = _trained(make, steps=0)
    fresh.load_state_dict(nn.load(tmp_path / "o.npz"))
    for index, entry in opt.state_dict()["state"].items():
        for key, value in entry.items():
            assert np.array_equal(fresh.state_dict()["state"][index][key], value)


def test_rngd_state_round_trips_and_refuses_unknown_entries(tmp_path):
    manual_seed(0)
    model = nn.MLP([2, 4, 2])
    opt = optim.RNGD(model, lr=0.01)
    x, y = Tensor(np.linspace(-1, 1, 16).reshape(8, 2)), Tensor(np.arange(8) % 2)
    for _ in range(2):
        opt.zero_grad()
        nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    nn.save(opt.state_dict(), tmp_path / "rngd.npz")
    loaded = nn.load(tmp_path / "rngd.npz")
    opt.load_state_dict(loaded)
    bad = nn.load(tmp_path / "rngd.npz")
    first = next(iter(bad["state"]))
    bad["state"][first]["exp_avg_sq"] = np.zeros(1)
    _assert_refused(opt, bad, r"entries \['exp_avg_sq'\], which RNGD does not keep")


def test_scheduler_state_is_checked():
    _, opt = _trained(_adam)
    sched = optim.lr_scheduler.StepLR(opt, step_size=2)
    sched.step()
    state = sched.state_dict()
    other = optim.lr_scheduler.StepLR(opt, step_size=5)
    other.load_state_dict(state)
    assert other.last_epoch == sched.last_epoch and other.step_size == 2
    with pytest.raises(ValueError, match=r"\['T_max'\], which StepLR does not have"):
        other.load_state_dict({**state, "T_max": 3})
    with pytest.raises(TypeError, match="'last_epoch' is 'x'"):
        other.load_state_dict({**state, "last_epoch": "x"})
    assert other.last_epoch == sched.last_epoch
