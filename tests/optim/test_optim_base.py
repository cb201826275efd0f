"""The Optimizer base: errors for bad input, parameter groups, zero_grad, state_dict."""
import numpy as np
import pytest

from tinygrad_edu import optim
from optim_helpers import make_params, set_grads
from tinygrad_edu import Tensor

ALL = ["SGD", "Adagrad", "RMSprop", "Adam", "AdamW"]


@pytest.mark.parametrize("name", ALL)
def test_empty_parameter_list_is_a_clear_error(name):
    with pytest.raises(ValueError, match=rf"{name}: got an empty parameter list.*parameters\(\)"):
        getattr(optim, name)([], lr=0.1)


@pytest.mark.parametrize("name", ALL)
def test_negative_learning_rate_names_value_and_fix(name):
    with pytest.raises(ValueError, match=rf"{name}: invalid lr=-0.1.*>= 0.*lr=0.01"):
        getattr(optim, name)(make_params(), lr=-0.1)


@pytest.mark.parametrize("name", ALL)
def test_parameter_not_requiring_grad_is_rejected(name):
    frozen = Tensor(np.ones(3))
    with pytest.raises(ValueError, match=rf"{name}: parameter 1 of group 0 .*does not require "
                                         r"grad.*requires_grad_"):
        getattr(optim, name)([make_params()[0], frozen], lr=0.1)


def test_single_tensor_and_non_tensors_are_type_errors():
    with pytest.raises(TypeError, match=r"SGD: .*single Tensor.*\[p\]"):
        optim.SGD(make_params()[0], lr=0.1)
    with pytest.raises(TypeError, match=r"Adam: parameter 0 of group 0 is a ndarray"):
        optim.Adam([np.ones(3)], lr=0.1)
    with pytest.raises(TypeError, match=r"SGD: lr must be a real number"):
        optim.SGD(make_params(), lr="0.1")


def test_other_bad_hyperparameters():
    with pytest.raises(ValueError, match=r"SGD: invalid momentum=1.5.*\[0, 1\)"):
        optim.SGD(make_params(), lr=0.1, momentum=1.5)
    with pytest.raises(ValueError, match=r"nesterov=True needs momentum > 0"):
        optim.SGD(make_params(), lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match=r"Adam: invalid betas\[1\]=1.0"):
        optim.Adam(make_params(), betas=(0.9, 1.0))
    p = make_params()
    with pytest.raises(ValueError, match=r"more than once"):
        optim.SGD([{"params": [p[0]]}, {"params": [p[0], p[1]]}], lr=0.1)


def test_parameter_groups_have_their_own_hyperparameters():
    w, b = make_params()
    w0, b0 = w.data.copy(), b.data.copy()
    opt = optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1, momentum=0.0)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0.0  # filled in from the defaults
    w.grad, b.grad = Tensor(np.ones_like(w0)), Tensor(np.ones_like(b0))
    opt.step()
    np.testing.assert_allclose(w.data, w0 - 0.1)
    np.testing.assert_allclose(b.data, b0 - 0.5)


def test_parameters_without_grad_are_skipped_and_zero_grad_sets_none():
    w, b = make_params()
    b0 = b.data.copy()
    opt = optim.Adam([w, b], lr=0.1)
    w.grad = Tensor(np.ones_like(w.data))
    opt.step()
    np.testing.assert_array_equal(b.data, b0)
    assert b not in opt.state and opt.state[w]["step"] == 1
    opt.zero_grad()
    assert w.grad is None and b.grad is None


def test_zero_grad_never_writes_into_a_shared_gradient_array():
    w, b = make_params()
    shared = np.ones(3)
    b.grad = Tensor(shared)
    optim.SGD([w, b], lr=0.1).zero_grad(set_to_none=False)
    np.testing.assert_array_equal(shared, 1.0)
    np.testing.assert_array_equal(b.grad.data, 0.0)


def test_optimizer_never_mutates_gradient_arrays():
    for name in ALL:
        params = make_params()
        opt = getattr(optim, name)(params, lr=0.1, weight_decay=0.1)
        set_grads(params)
        before = [p.grad.data.copy() for p in params]
        opt.step()
        opt.step()
        for p, g in zip(params, before):
            np.testing.assert_array_equal(p.grad.data, g)


@pytest.mark.parametrize("name", ALL)
def test_state_dict_round_trip_resumes_the_same_trajectory(name):
    kwargs = {"lr": 0.05, "momentum": 0.9} if name in ("SGD", "RMSprop") else {"lr": 0.05}
    params = make_params()
    opt = getattr(optim, name)(params, **kwargs)
    for _ in range(5):
        set_grads(params)
        opt.step()
    saved = opt.state_dict()
    saved_values = [p.data.copy() for p in params]
    for _ in range(5):
        set_grads(params)
        opt.step()
    expected = [p.data.copy() for p in params]
    # plain data only: numbers, tuples, lists, dicts and numpy arrays (no pickled objects)
    for st in saved["state"].values():
        assert all(isinstance(v, (int, float, np.ndarray)) for v in st.values())
    clone = make_params()
    for p, v in zip(clone, saved_values):
        p.data[...] = v
    opt2 = getattr(optim, name)(clone, lr=1.0)
    opt2.load_state_dict(saved)
    assert opt2.param_groups[0]["lr"] == 0.05
    for _ in range(5):
        set_grads(clone)
        opt2.step()
    for p, e in zip(clone, expected):
        np.testing.assert_allclose(p.data, e, rtol=0, atol=1e-12)


def test_load_state_dict_checks_sizes():
    opt = optim.SGD(make_params(), lr=0.1)
    saved = opt.state_dict()
    with pytest.raises(ValueError, match="group 0 has 2 saved parameters but 1 here"):
        optim.SGD(make_params()[:1], lr=0.1).load_state_dict(saved)


def test_closure_is_called_and_its_loss_returned():
    w = Tensor(np.array([2.0]), requires_grad=True)
    opt = optim.SGD([w], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    loss = opt.step(closure)
    assert float(loss.data) == 4.0 and float(w.data[0]) == 1.0


def test_end_to_end_backward_with_engine_gradients():
    """Adam drives a least-squares fit through the engine's own backward."""
    rng = np.random.default_rng(1)
    X = Tensor(rng.normal(size=(50, 3)))
    w_true = np.array([1.0, -2.0, 0.5])
    y = Tensor(X.data @ w_true)
    w = Tensor(np.zeros(3), requires_grad=True)
    opt = optim.Adam([w], lr=0.1)
    for _ in range(300):
        opt.zero_grad()
        ((X @ w - y) ** 2).mean().backward()
        opt.step()
    np.testing.assert_allclose(w.data, w_true, atol=1e-3)
