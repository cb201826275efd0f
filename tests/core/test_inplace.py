"""In-place ops with PyTorch's rules (issue 12, item 1): values, the three cases (memory write,
refused leaf, recorded op), and the numpy interplay `p.data += -lr * p.grad`.

The version counter and its backward error are in test_inplace_versions.py."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, no_grad, gradcheck

X0 = np.array([[0.5, -1.5, 2.0], [3.0, -0.25, 1.0]])
Y0 = np.array([[1.5, 2.0, -0.5], [0.75, 4.0, -2.0]])

# name: (our in-place call, torch's), both on (tensor, other tensor)
INPLACE = {
    "iadd": (lambda a, b: a.__iadd__(b), lambda a, b: a.__iadd__(b)),
    "isub": (lambda a, b: a.__isub__(b), lambda a, b: a.__isub__(b)),
    "imul": (lambda a, b: a.__imul__(b), lambda a, b: a.__imul__(b)),
    "itruediv": (lambda a, b: a.__itruediv__(b), lambda a, b: a.__itruediv__(b)),
    "iadd_scalar": (lambda a, b: a.__iadd__(2.5), lambda a, b: a.__iadd__(2.5)),
    "imul_row": (lambda a, b: a.__imul__(b[0]), lambda a, b: a.__imul__(b[0])),
    "add_alpha": (lambda a, b: a.add_(b, alpha=-0.5), lambda a, b: a.add_(b, alpha=-0.5)),
    "sub_alpha": (lambda a, b: a.sub_(b, alpha=3), lambda a, b: a.sub_(b, alpha=3)),
    "mul_": (lambda a, b: a.mul_(b), lambda a, b: a.mul_(b)),
    "div_": (lambda a, b: a.div_(b), lambda a, b: a.div_(b)),
    "zero_": (lambda a, b: a.zero_(), lambda a, b: a.zero_()),
    "fill_": (lambda a, b: a.fill_(7.0), lambda a, b: a.fill_(7.0)),
    "copy_": (lambda a, b: a.copy_(b), lambda a, b: a.copy_(b)),
    "copy_broadcast": (lambda a, b: a.copy_(b[1]), lambda a, b: a.copy_(b[1])),
    "clamp_": (lambda a, b: a.clamp_(-1.0, 1.0), lambda a, b: a.clamp_(-1.0, 1.0)),
    "clamp_min": (lambda a, b: a.clamp_(min=0.0), lambda a, b: a.clamp_(min=0.0)),
    "setitem_int": (lambda a, b: a.__setitem__(0, b[1]), lambda a, b: a.__setitem__(0, b[1])),
    "setitem_slice": (lambda a, b: a.__setitem__((slice(None), slice(1, None)), 9.0),
                      lambda a, b: a.__setitem__((slice(None), slice(1, None)), 9.0)),
    "setitem_mask": (lambda a, b: a.__setitem__(a < 0, 0.0), lambda a, b: a.__setitem__(a < 0, 0.0)),
    "setitem_add": (lambda a, b: a.__setitem__(1, a[1] + b[0]),
                    lambda a, b: a.__setitem__(1, a[1] + b[0])),
}


def _setitem_plus(t, other):
    t[0, 1:] += other[1, :2]            # Python: tmp = t[idx]; tmp += v; t[idx] = tmp
    return t


@pytest.mark.parametrize("name", sorted(INPLACE))
def test_inplace_values_match_torch_and_return_the_same_tensor(name, torch):
    ours, theirs = INPLACE[name]
    a, b = Tensor(X0.copy()), Tensor(Y0.copy())
    ta, tb = torch.tensor(X0.copy()), torch.tensor(Y0.copy())
    result = ours(a, b)
    theirs(ta, tb)
    np.testing.assert_allclose(a.data, ta.numpy(), rtol=1e-15)
    assert result is None or result is a        # __setitem__ returns None, the others self


def test_setitem_plus_equals_matches_torch(torch):
    a, ta = Tensor(X0.copy()), torch.tensor(X0.copy())
    _setitem_plus(a, Tensor(Y0))
    _setitem_plus(ta, torch.tensor(Y0))
    np.testing.assert_allclose(a.data, ta.numpy(), rtol=1e-15)


def test_d2l_scratch_sgd_updates_the_parameter_in_place(torch):
    """d2l's `sgd` verbatim: before the fix `param -= ...` rebound a local name and did nothing."""
    def sgd(params, lr, batch_size, lib):
        with lib.no_grad():
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()

    results = []
    for lib, make in ((tg, lambda a: tg.tensor(a, requires_grad=True)),
                      (torch, lambda a: torch.tensor(a, requires_grad=True))):
        w, b = make(X0.copy()), make(Y0[0, :2].copy())
        for _ in range(3):
            loss = ((lib.tensor(Y0) @ w.T + b) ** 2).sum()
            loss.backward()
            sgd([w, b], 0.01, 2, lib)
        results.append((w.detach().numpy().copy(), b.detach().numpy().copy(),
                        w.grad.numpy().copy()))
    for ours, theirs in zip(*results):
        np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert not np.allclose(results[0][0], X0)              # it did move
    assert not results[0][2].any()                          # grad.zero_() zeroed it in place


def test_numpy_data_plus_equals_tensor_stays_a_numpy_array(torch):
    """micrograd/PyTorch style `p.data += -lr * p.grad`: numpy array += Tensor."""
    p = Tensor(X0.copy(), requires_grad=True)
    tp = torch.tensor(X0.copy(), requires_grad=True)
    (p * p).sum().backward()
    (tp * tp).sum().backward()
    memory = p.data
    p.data += -0.1 * p.grad
    tp.data += -0.1 * tp.grad
    assert type(p.data) is np.ndarray and p.data is memory
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-15)
    p.data -= p.grad
    tp.data -= tp.grad
    np.testing.assert_allclose(p.data, tp.detach().numpy(), rtol=1e-15)


def test_numpy_array_on_the_left_of_an_operator_gives_a_tensor():
    a, t = np.array([1.0, 2.0]), Tensor([3.0, 4.0], requires_grad=True)
    for result, expected in ((a + t, [4.0, 6.0]), (a - t, [-2.0, -2.0]), (a * t, [3.0, 8.0]),
                             (a / t, [1 / 3, 0.5]), (a ** t, [1.0, 16.0])):
        assert isinstance(result, Tensor) and result.requires_grad
        np.testing.assert_allclose(result.data, expected, rtol=1e-6)
    assert (a < t).tolist() == [True, True] and (a >= t).tolist() == [False, False]
    assert isinstance(np.array([[1.0, 0.0]]) @ Tensor([[1.0], [2.0]]), Tensor)
    with pytest.raises(TypeError):
        np.exp(t)                       # numpy functions of a Tensor: use t.exp()


def test_leaf_that_requires_grad_is_refused_outside_no_grad_and_left_unchanged(torch):
    w = Tensor([1.0, 2.0], requires_grad=True)
    for op in (lambda: w.__iadd__(1.0), lambda: w.mul_(2.0), lambda: w.zero_(),
               lambda: w.__setitem__(0, 5.0), lambda: w.normal_(), lambda: w.clamp_(0, 1)):
        with pytest.raises(RuntimeError, match="leaf tensor that requires grad.*no_grad"):
            op()
        assert w.data.tolist() == [1.0, 2.0] and w._version == 0
    tw = torch.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        tw += 1                         # the same rule in PyTorch
    with no_grad():
        w += 1.0
    assert w.data.tolist() == [2.0, 3.0] and w.requires_grad and w.grad_fn is None


def test_inplace_writes_the_memory_so_views_and_aliases_see_it():
    t = Tensor(np.zeros((2, 3)))
    alias, view, detached = t, t[0], t.detach()
    t += 1.0
    assert alias is t and view.data.tolist() == [1.0, 1.0, 1.0] and detached.data.sum() == 6.0
    t[1, 2] = 5.0
    assert detached.data[1, 2] == 5.0


@pytest.mark.parametrize("make_bad, message", [
    (lambda t: t.__iadd__(Tensor(np.ones((3, 2, 3)))), "keep this tensor's shape"),
    (lambda t: t.copy_(Tensor(np.ones(4))), "does not broadcast"),
    (lambda t: Tensor([1, 2, 3]).__iadd__(0.5), "cannot be stored.*int64"),
    (lambda t: Tensor([1, 2, 3]).div_(2), "cannot be stored"),
    (lambda t: t.__setitem__(0, np.ones(5)), "cannot put a value of shape"),
    (lambda t: t.fill_("seven"), "must be a number"),
    (lambda t: t.clamp_(), "give min, max"),
])
def test_bad_inplace_input_raises_a_clear_error_and_changes_nothing(make_bad, message):
    t = Tensor(X0.copy())
    with pytest.raises((ValueError, TypeError), match=message):
        make_bad(t)
    np.testing.assert_array_equal(t.data, X0)
    assert t._version == 0


def test_read_only_memory_is_refused():
    t = Tensor(np.zeros(3)).expand(2, 3)
    if t.data.flags.writeable:
        pytest.skip("expand made a writable copy")
    with pytest.raises(ValueError, match="read-only"):
        t += 1.0


# ---------------------------------------------------------------- recorded in-place ops

def _recorded_chain(lib, x, v):
    y = x * 2.0                         # a non-leaf
    z = y + 1.0                         # recorded before the in-place change
    y *= v                              # recorded in place: y = (x * 2) * v
    y[0] = z[1] * v[0]                  # setitem on a non-leaf, the value needs grad
    y.clamp_(-3.0, 5.0)
    y[1:] += x[:2].exp()
    return (z * z).sum() + (y * y).sum()


def test_recorded_inplace_ops_give_pytorchs_gradients(torch):
    x0, v0 = np.array([0.3, -0.8, 1.1]), np.array([1.5, -0.5, 2.0])
    x, v = Tensor(x0, requires_grad=True), Tensor(v0, requires_grad=True)
    tx, tv = torch.tensor(x0, requires_grad=True), torch.tensor(v0, requires_grad=True)
    out, tout = _recorded_chain(tg, x, v), _recorded_chain(torch, tx, tv)
    out.backward()
    tout.backward()
    np.testing.assert_allclose(out.item(), tout.item(), rtol=1e-13)
    np.testing.assert_allclose(x.grad.data, tx.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(v.grad.data, tv.grad.numpy(), rtol=1e-12)


def test_recorded_inplace_ops_pass_gradcheck():
    x0, v0 = np.array([0.3, -0.8, 1.1]), np.array([1.5, -0.5, 2.0])
    assert gradcheck(lambda x, v: _recorded_chain(tg, x, v),
                     (Tensor(x0, requires_grad=True), Tensor(v0, requires_grad=True)))


def test_buffer_filled_by_item_assignment_carries_the_gradient(torch):
    """makemore / d2l style: a zeros buffer filled row by row from tensors that need grad."""
    w0 = np.array([[0.5, -1.0], [2.0, 0.25]])
    w, tw = Tensor(w0, requires_grad=True), torch.tensor(w0, requires_grad=True)
    for lib, weight in ((tg, w), (torch, tw)):
        h = lib.zeros(3, 2, dtype=lib.float64)
        for step in range(3):
            h[step] = (weight @ h[step - 1].clone() if step else weight[0]).tanh()
            h[step] += 0.1 * step
        (h ** 2).sum().backward()
    assert not w.is_leaf or w.grad is not None
    np.testing.assert_allclose(w.grad.data, tw.grad.numpy(), rtol=1e-12)


def test_inplace_on_a_plain_tensor_with_a_grad_operand_makes_it_a_graph_node(torch):
    w = Tensor([1.0, 2.0], requires_grad=True)
    acc = tg.zeros(2, dtype=tg.float64)
    acc += w * 3.0
    assert acc.requires_grad and not acc.is_leaf
    acc.sum().backward()
    assert w.grad.tolist() == [3.0, 3.0]


def test_inplace_under_no_grad_on_a_non_leaf_keeps_its_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 3.0
    with no_grad():
        y.add_(1.0)
    assert y.grad_fn is not None and y.data.tolist() == [4.0, 7.0]
    y.sum().backward()                  # Mul needs x and 3, neither was changed
    assert x.grad.tolist() == [3.0, 3.0]


def test_a_recorded_inplace_op_with_itself_as_operand(torch):
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, -2.0], requires_grad=True, dtype=lib.float64)
        y = x * 3.0
        y += y                          # both operands are the old y
        y.add_(y, alpha=2.0)
        y.copy_(y * 0.5)
        y.sum().backward()
        results.append((y.detach().numpy().tolist(), x.grad.numpy().tolist()))
    assert results[0] == results[1]
    x = Tensor([1.0, -2.0], requires_grad=True)
    y = x * 3.0
    y.mul_(y)                           # PyTorch refuses this one; here it is (3x)^2
    y.sum().backward()
    assert y.tolist() == [9.0, 36.0] and x.grad.tolist() == [18.0, -36.0]


def test_a_refused_random_fill_does_not_move_the_generator():
    g = tg.Generator().manual_seed(3)
    expected = tg.Generator().manual_seed(3)
    w = Tensor([1.0, 2.0], requires_grad=True)
    for fill in (lambda: w.normal_(generator=g), lambda: w.uniform_(generator=g)):
        with pytest.raises(RuntimeError, match="leaf"):
            fill()
    assert tg.rand(3, generator=g).tolist() == tg.rand(3, generator=expected).tolist()
