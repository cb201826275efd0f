"""Issue 12 item 3: `Tensor(...)` and `tinygrad_edu.tensor(...)` copy (as `torch.tensor`),
`from_numpy` and `as_tensor` share memory (as PyTorch), so an optimiser step never writes
into a student's numpy array unless they asked for sharing."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn, optim


def _one_sgd_step(p):
    (p * p).sum().backward()
    optim.SGD([p], lr=0.1).step()


@pytest.mark.parametrize("make", [lambda a: Tensor(a, requires_grad=True),
                                  lambda a: tg.tensor(a, requires_grad=True),
                                  lambda a: nn.Parameter(a)],
                         ids=["Tensor", "tensor", "Parameter"])
def test_an_optimiser_step_never_writes_into_the_users_array(make):
    data = np.array([1.0, -2.0, 3.0])
    p = make(data)
    _one_sgd_step(p)
    assert data.tolist() == [1.0, -2.0, 3.0]                    # the user's array is untouched
    assert np.allclose(p.data, [0.8, -1.6, 2.4])                # the tensor moved: x - 0.1 * 2x


def test_tensor_copies_in_both_directions():
    data = np.arange(3.0)
    t = Tensor(data)
    data[0] = 100.0
    assert t.data[0] == 0.0
    t.data[1] = -5.0
    assert data[1] == 1.0
    assert not np.shares_memory(t.data, data)


def test_tensor_of_a_tensor_is_a_detached_copy():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor(a)
    assert not b.requires_grad and b.grad_fn is None
    b.data[0] = 9.0
    assert a.data[0] == 1.0
    assert b.dtype == a.dtype


def test_tensor_of_a_read_only_array_is_writable():
    data = np.ones(3)
    data.flags.writeable = False
    t = Tensor(data, requires_grad=True)
    _one_sgd_step(t)
    assert np.allclose(t.data, 0.8)


def test_from_numpy_shares_memory_both_ways_and_keeps_the_dtype():
    data = np.zeros(3, dtype=np.float64)
    t = tg.from_numpy(data)
    data[0] = 7.0
    t.data[1] = 8.0
    assert t.tolist() == [7.0, 8.0, 0.0] and data.tolist() == [7.0, 8.0, 0.0]
    assert t.dtype == np.float64 and not t.requires_grad
    assert tg.from_numpy(np.arange(3)).dtype == np.arange(3).dtype


def test_an_optimiser_step_writes_into_an_array_shared_by_from_numpy(torch):
    """As PyTorch: the step updates the tensor, and so the shared array."""
    ours, theirs = np.array([1.0, -2.0]), np.array([1.0, -2.0])
    p = tg.from_numpy(ours).requires_grad_()
    _one_sgd_step(p)
    q = torch.from_numpy(theirs).requires_grad_()
    (q * q).sum().backward()
    torch.optim.SGD([q], lr=0.1).step()
    assert np.array_equal(ours, theirs) and np.allclose(ours, [0.8, -1.6])


def test_tensor_and_torch_tensor_agree_on_copying(torch):
    ours, theirs = np.array([1.0, 2.0]), np.array([1.0, 2.0])
    t, u = Tensor(ours), torch.tensor(theirs)
    ours[0] = theirs[0] = 5.0
    assert t.data[0] == u[0].item() == 1.0


def test_from_numpy_of_a_read_only_array_cannot_be_stepped_and_nothing_changes():
    data = np.ones(2)
    data.flags.writeable = False
    p = tg.from_numpy(data).requires_grad_()
    (p * p).sum().backward()
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    with pytest.raises(ValueError, match="read-only"):
        opt.step()
    assert data.tolist() == [1.0, 1.0] and len(opt.state) == 0


def test_from_numpy_refuses_what_is_not_an_array():
    with pytest.raises(TypeError, match="from_numpy: expected a numpy.ndarray"):
        tg.from_numpy([1.0, 2.0])
    with pytest.raises(TypeError, match="from_numpy: numpy arrays of dtype object"):
        tg.from_numpy(np.array([None, 1]))


def test_as_tensor_shares_when_it_can_and_converts_otherwise(torch):
    data = np.ones(3)
    assert tg.as_tensor(data).data is data
    assert np.shares_memory(torch.as_tensor(data).numpy(), data)       # the same rule in PyTorch
    converted = tg.as_tensor(data, dtype=np.float32)
    assert converted.dtype == np.float32 and not np.shares_memory(converted.data, data)
    t = Tensor([1.0, 2.0])
    assert tg.as_tensor(t) is t
    assert tg.as_tensor(t, dtype=np.float64).dtype == np.float64
    assert tg.as_tensor([1.0, 2.0]).dtype == tg.get_default_dtype()


def test_creation_functions_do_not_copy_twice():
    """zeros/ones/... build their array once (no Tensor() copy on top)."""
    t = Tensor.zeros(3, 4)
    assert t.data.base is None and t.data.flags.owndata
