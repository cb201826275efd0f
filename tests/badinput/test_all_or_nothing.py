"""Failed calls change nothing (issue 11): optimiser steps and loads, backward walks, module
loads and checkpoints are all or nothing. Each test makes the call fail halfway through the
work it used to do before checking, and compares every piece of state before and after."""
import copy
import os

import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, optim

OPTIMISERS = {
    "SGD momentum": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9),
    "SGD nesterov wd": lambda ps: optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True,
                                            weight_decay=0.01),
    "Adam": lambda ps: optim.Adam(ps, lr=0.1),
    "AdamW amsgrad": lambda ps: optim.AdamW(ps, lr=0.1, amsgrad=True),
    "Adagrad": lambda ps: optim.Adagrad(ps, lr=0.1),
    "RMSprop centred momentum": lambda ps: optim.RMSprop(ps, lr=0.01, momentum=0.9,
                                                         centered=True),
}


def _params():
    return [Tensor([1.0, -2.0], requires_grad=True, dtype=np.float64),
            Tensor([[0.5, 3.0]], requires_grad=True, dtype=np.float64)]


def _grads(params, t):
    for k, p in enumerate(params):
        p.grad = Tensor(np.cos(np.arange(p.data.size) + t + k).reshape(p.shape))


def _state(params, opt):
    return [p.data.copy() for p in params], copy.deepcopy(opt.state_dict())


def _same(a, b):
    if isinstance(a, np.ndarray):
        return np.array_equal(a, b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


@pytest.mark.parametrize("make", OPTIMISERS.values(), ids=OPTIMISERS.keys())
def test_a_step_with_one_bad_gradient_changes_no_parameter_and_no_state(make):
    params, twin = _params(), _params()
    opt, twin_opt = make(params), make(twin)
    for t in range(2):                              # both have momentum/moments by now
        _grads(params, t), _grads(twin, t)
        opt.step(), twin_opt.step()
    _grads(params, 2)
    params[1].grad = Tensor(np.ones(3))             # the second parameter's gradient is wrong
    before = _state(params, opt)
    with pytest.raises(ValueError, match=r"parameter 1 of group 0 \(shape \(1, 2\)\).*\(3,\)"):
        opt.step()
    assert _same(_state(params, opt), before)       # the first parameter was not updated either
    # and the failure left no trace: fixing the gradient gives exactly the twin's step
    _grads(params, 2), _grads(twin, 2)
    opt.step(), twin_opt.step()
    assert _same(_state(params, opt), _state(twin, twin_opt))


@pytest.mark.parametrize("make", OPTIMISERS.values(), ids=OPTIMISERS.keys())
def test_load_state_dict_checks_every_buffer_shape_at_load_and_changes_nothing(make):
    params = _params()
    opt = make(params)
    _grads(params, 0)
    opt.step()
    saved = opt.state_dict()
    buffers = [k for k, v in saved["state"][1].items() if isinstance(v, np.ndarray)]
    assert buffers, "every optimiser here keeps a per-parameter buffer"
    for key in buffers:
        bad = copy.deepcopy(saved)
        bad["state"][1][key] = np.zeros(5)           # does not fit parameter 1 (shape (1, 2))
        bad["param_groups"][0]["lr"] = 123.0
        before = _state(params, opt)
        with pytest.raises(ValueError, match=rf"'{key}' of parameter 1 has shape \(5,\)"):
            opt.load_state_dict(bad)
        assert _same(_state(params, opt), before) and opt.param_groups[0]["lr"] != 123.0


def test_optimizer_load_state_dict_without_param_groups_is_a_clear_error_not_a_key_error():
    opt = optim.SGD(_params(), lr=0.1)
    with pytest.raises(ValueError, match="no 'param_groups'") as info:
        opt.load_state_dict({"state": {}})
    assert not isinstance(info.value, KeyError)


def test_optimizer_load_state_dict_keeps_the_old_state_when_a_later_entry_is_bad():
    """It used to empty `opt.state` first, then fail on the bad entry: state lost."""
    params = _params()
    opt = optim.Adam(params, lr=0.1)
    _grads(params, 0)
    opt.step()
    saved = opt.state_dict()
    bad = copy.deepcopy(saved)
    bad["state"][7] = {"step": 1}
    with pytest.raises(ValueError, match="state for parameter 7"):
        opt.load_state_dict(bad)
    assert _same(opt.state_dict(), saved)


def _graph_that_is_freed_halfway():
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    y = a * b
    y.sum().backward()                              # frees y's node
    a.grad, b.grad = a.grad, b.grad
    c, d = Tensor([1.0, 1.0], requires_grad=True), Tensor([5.0, 6.0], requires_grad=True)
    h = d * 3
    h.retain_grad()
    # the walk visits d's branch and (y * c) first, delivering to d and c, and then meets y
    out = (y * c).sum() + h.sum()
    return a, b, c, d, h, out


def test_a_backward_that_meets_a_freed_graph_midway_adds_nothing_to_any_grad():
    a, b, c, d, h, out = _graph_that_is_freed_halfway()
    before = [a.grad.data.copy(), b.grad.data.copy()]
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        out.backward()
    assert c.grad is None and d.grad is None and h.grad is None
    assert np.array_equal(a.grad.data, before[0]) and np.array_equal(b.grad.data, before[1])


def test_the_same_walk_with_retain_graph_delivers_every_gradient():
    """The deferral changes nothing when the walk succeeds: the values are the chain rule's."""
    a, b = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0], requires_grad=True)
    y = a * b
    y.sum().backward(retain_graph=True)
    c, d = Tensor([1.0, 1.0], requires_grad=True), Tensor([5.0, 6.0], requires_grad=True)
    h = d * 3
    h.retain_grad()
    ((y * c).sum() + h.sum()).backward()
    assert a.grad.tolist() == [3.0 + 3.0, 4.0 + 4.0]        # b + b * c
    assert b.grad.tolist() == [1.0 + 1.0, 2.0 + 2.0]        # a + a * c
    assert c.grad.tolist() == [3.0, 8.0] and d.grad.tolist() == [3.0, 3.0]
    assert h.grad.tolist() == [1.0, 1.0]


def test_module_load_state_dict_checks_everything_first(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    before = {k: v.data.copy() for k, v in model.state_dict().items()}
    good = {k: np.full(v.shape, 0.5) for k, v in model.state_dict().items()}
    bad = dict(good, **{"2.bias": np.zeros(3)})     # the last entry does not fit
    with pytest.raises(RuntimeError, match=r"'2.bias': checkpoint \(3,\) vs model \(2,\)"):
        model.load_state_dict(bad)
    assert all(np.array_equal(v.data, before[k]) for k, v in model.state_dict().items())
    with pytest.raises(TypeError, match="expected a dict"):
        model.load_state_dict(list(good.values()))
    model.load_state_dict(good)
    assert all((v.data == 0.5).all() for v in model.state_dict().values())


def test_a_failed_save_leaves_the_previous_checkpoint_and_no_temporary_file(tmp_path):
    path = os.path.join(tmp_path, "m.npz")
    nn.save(nn.Linear(2, 2), path)
    with open(path, "rb") as file:
        before = file.read()
    with pytest.raises(TypeError, match="nn.save: 'w' has dtype"):
        nn.save({"w": np.array(["a"])}, path)
    with open(path, "rb") as file:
        assert file.read() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def test_an_rngd_step_with_a_bad_last_gradient_changes_no_layer_and_no_metric():
    """RNGD updates layer by layer; a bad gradient of the last layer used to be found after the
    first layer's metric and weights had moved."""
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    opt = optim.RNGD(model, lr=0.1)
    x = Tensor(np.random.default_rng(0).standard_normal((5, 3)))
    for _ in range(2):
        opt.zero_grad()
        (model(x) ** 2).sum().backward()
        opt.step()
    opt.zero_grad()
    (model(x) ** 2).sum().backward()
    model[2].bias.grad = Tensor(np.ones(5))
    params = list(model.parameters())
    before = _state(params, opt)
    with pytest.raises(ValueError, match=r"RNGD.step: parameter 3 .*\(5,\)"):
        opt.step()
    assert _same(_state(params, opt), before)
