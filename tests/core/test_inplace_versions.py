"""The version counter (issue 12, item 1): a backward through a value that was changed in
place after an op recorded it raises PyTorch's error, naming the op, the input and the two
versions; PyTorch raises on the same programs."""
import gc

import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, no_grad


def test_version_counts_inplace_changes_like_pytorch(torch):
    t, tt = Tensor(np.zeros(3)), torch.zeros(3, dtype=torch.float64)
    assert t._version == tt._version == 0
    for step in (lambda a: a.add_(1.0), lambda a: a.mul_(2.0), lambda a: a.__setitem__(0, 4.0),
                 lambda a: a.zero_(), lambda a: a.fill_(3.0), lambda a: a.clamp_(0.0, 1.0)):
        step(t)
        step(tt)
        assert t._version == tt._version
    assert t._version == 6


def _saved_input_changed_under_no_grad(lib, make):
    w, a = make([1.0, 2.0], True), make([3.0, 4.0], False)
    out = (w * a).sum()                 # Mul saves a (for w's gradient)
    with lib.no_grad():
        a += 1.0
    out.backward()


def _leaf_updated_between_forward_and_backward(lib, make):
    w = make([1.0, 2.0], True)
    out = (w * w).sum()
    with lib.no_grad():
        w -= 0.1                        # an optimiser step before backward
    out.backward()


def _saved_output_changed(lib, make):
    x = make([1.0, 2.0], True)
    y = x.exp()                         # exp's backward uses its output
    with lib.no_grad():
        y.mul_(2.0)
    y.sum().backward()


def _view_of_saved_input_changed(lib, make):
    w, a = make([[1.0, 2.0], [3.0, 4.0]], True), make([[0.5, 0.5], [1.0, 1.0]], False)
    out = (w * a).sum()
    row = a[0]                          # shares a's memory
    row.fill_(9.0)
    out.backward()


CASES = [_saved_input_changed_under_no_grad, _leaf_updated_between_forward_and_backward,
         _saved_output_changed, _view_of_saved_input_changed]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__)
def test_backward_through_a_changed_value_raises_like_pytorch(case, torch):
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        case(torch, lambda v, g: torch.tensor(v, dtype=torch.float64, requires_grad=g))
    with pytest.raises(RuntimeError, match="modified by an inplace operation") as error:
        case(tg, lambda v, g: Tensor(np.array(v), requires_grad=g))
    message = str(error.value)
    assert "is at version 1; expected version 0" in message


def test_error_names_the_op_the_input_and_both_versions():
    w, a = Tensor([1.0, 2.0], requires_grad=True), Tensor([3.0, 4.0])
    a.add_(1.0)                          # version 1 before the op: recorded as 1
    out = (w * a).sum()
    a.add_(1.0)
    a.mul_(2.0)                          # now 3
    with pytest.raises(RuntimeError) as error:
        out.backward()
    message = str(error.value)
    for part in ("gradient of Mul", "input 1", "shape (2,)", "is at version 3",
                 "expected version 1", "clone()"):
        assert part in message, part
    assert w.grad is None               # nothing was accumulated before the error


def test_changes_that_the_backward_does_not_see_are_fine():
    w = Tensor([1.0, 2.0], requires_grad=True)
    a = Tensor([3.0, 4.0])
    a += 1.0                             # before the op: no error
    out = (w * a).sum()
    b = Tensor([5.0])
    b.mul_(3.0)                          # a tensor the graph never saw
    out.backward()
    assert w.grad.tolist() == [4.0, 5.0]
    with no_grad():                      # the usual training step: after backward
        w -= 0.1 * w.grad
    (w * a).sum().backward()             # a fresh graph
    assert w.grad.tolist() == [8.0, 10.0]


def test_earlier_consumers_of_a_rebound_tensor_get_their_own_gradient(torch):
    """`y *= 3` on a non-leaf: z = y + 1 was recorded before, and must get d z / d x = 2."""
    results = []
    for lib in (tg, torch):
        x = lib.tensor([1.0, 2.0], requires_grad=True, dtype=lib.float64)
        y = x * 2.0
        z = y * 5.0                      # recorded before the change
        y *= 3.0
        (z + y).sum().backward()
        results.append(x.grad.tolist())
    np.testing.assert_allclose(results[0], results[1], rtol=1e-14)
    assert results[0] == [16.0, 16.0]


def test_a_consumer_that_saved_the_old_value_keeps_it():
    """PyTorch refuses this program (sin saved y, then y changed); here `y *= 3` records a
    new value instead of overwriting the old memory, so sin's backward still sees the old y
    and the gradient is the exact one: d/dx [sin(2x) + 6x] = 2 cos(2x) + 6."""
    x0 = np.array([0.3, -1.2])
    x = Tensor(x0, requires_grad=True)
    y = x * 2.0
    z = y.sin()
    y *= 3.0
    (z + y).sum().backward()
    np.testing.assert_allclose(x.grad.data, 2 * np.cos(2 * x0) + 6, rtol=1e-14)


def test_version_bookkeeping_is_freed_with_the_tensors():
    from tinygrad_edu import versions
    before = len(versions._MEMORY), len(versions._REBASED)
    for _ in range(50):
        x = Tensor(np.ones(4), requires_grad=True)
        y = x * 2.0
        y += 1.0                         # recorded: one rebased entry
        buf = Tensor(np.zeros(4))
        buf.add_(1.0)                    # memory: one record
    del x, y, buf
    gc.collect()
    assert len(versions._MEMORY) <= before[0] + 2 and len(versions._REBASED) <= before[1] + 1


def test_backward_checks_nodes_only_after_an_inplace_change():
    """The hot path: without in-place changes since a node was made, it is not inspected."""
    from tinygrad_edu import versions
    x = Tensor([1.0, 2.0], requires_grad=True)
    Tensor([0.0]).add_(1.0)              # a stamp older than every node below
    out = (x * x).exp().sum()
    assert all(node.seq > versions.CLOCK.last for node in (out.grad_fn,))
    out.backward()
    assert x.grad is not None


def test_changing_an_input_that_the_backward_does_not_read_is_fine_like_pytorch(torch):
    """Add's and reshape's gradients need no input values, so (as in PyTorch) changing those
    inputs in place after the forward is not an error, and the gradients are unchanged."""
    results = []
    for lib in (tg, torch):
        w = lib.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True, dtype=lib.float64)
        a = lib.tensor([0.5, 0.5, 0.5, 0.5], dtype=lib.float64)
        y = (w + a).reshape(2, 2).sum(0)
        with lib.no_grad():
            a.mul_(4.0)
        (y * y).sum().backward()
        results.append(w.grad.tolist())
    assert results[0] == results[1]
