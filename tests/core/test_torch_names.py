"""Tensor methods with PyTorch's names (issue 12): each against PyTorch in float64 (values and
every input gradient), and gradcheck for the differentiable ones."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck, gradgradcheck

RNG = np.random.default_rng(12)
A = RNG.uniform(0.3, 2.0, (3, 4))
B = RNG.uniform(-2.0, 2.0, (3, 4))
INDEX = np.array([[0, 3, 3], [1, 0, 2], [2, 2, 1]])
MASK = np.array([[True, False, True, False], [False, False, True, True], [True, True, False, False]])

# name: (input arrays, function of the inputs, written once for both libraries, via `lib`)
DIFFERENTIABLE = {
    "log2": ([A], lambda lib, a: a.log2()),
    "log10": ([A], lambda lib, a: a.log10()),
    "pow": ([A, B], lambda lib, a, b: a.pow(b)),
    "pow_scalar": ([A], lambda lib, a: a.pow(3)),
    "add_alpha": ([A, B], lambda lib, a, b: a.add(b, alpha=-2.5)),
    "sub_alpha": ([A, B], lambda lib, a, b: a.sub(b, alpha=0.5)),
    "mul": ([A, B], lambda lib, a, b: a.mul(b)),
    "div": ([A, B], lambda lib, a, b: b.div(a)),
    "clamp": ([B], lambda lib, a: a.clamp(-1.0, 1.0)),
    "clamp_min": ([B], lambda lib, a: a.clamp(min=0.2)),
    "clone": ([A], lambda lib, a: a.clone() * 2),
    "t": ([A], lambda lib, a: a.t()),
    "t_1d": ([A[0]], lambda lib, a: a.t()),
    "masked_fill": ([B], lambda lib, a: a.masked_fill(lib.tensor(MASK), -1.5)),
    "gather_dim1": ([A], lambda lib, a: a.gather(1, lib.tensor(INDEX))),
    "gather_dim0": ([A], lambda lib, a: a.gather(0, lib.tensor(np.minimum(INDEX, 2)))),
    "gather_repeated": ([A], lambda lib, a: a.gather(-1, lib.tensor(np.zeros((3, 5), np.int64)))),
    "repeat": ([A[:2, :3]], lambda lib, a: a.repeat(2, 1, 3)),
    "repeat_same_rank": ([A], lambda lib, a: a.repeat(2, 2)),
    "norm": ([B], lambda lib, a: a.norm()),
    "norm_dim": ([B], lambda lib, a: a.norm(dim=1)),
    "norm_dim_keepdim": ([B], lambda lib, a: a.norm(dim=0, keepdim=True)),
    "norm_p1": ([B], lambda lib, a: a.norm(p=1, dim=1)),
    "norm_p3": ([B], lambda lib, a: a.norm(p=3)),
    "norm_inf": ([B], lambda lib, a: a.norm(p=float("inf"), dim=0)),
    "view": ([A], lambda lib, a: a.view(2, 6)),
    "view_minus_one": ([A], lambda lib, a: a.view(-1)),
    "view_as": ([A, B.reshape(4, 3)], lambda lib, a, b: a.view_as(b) * b),
    "expand_as": ([A[:1], B], lambda lib, a, b: a.expand_as(b) * b),
    "contiguous": ([A], lambda lib, a: a.t().contiguous()),
    "type_float64": ([A], lambda lib, a: a.type(lib.float64) * 3),
    "to_cpu": ([A], lambda lib, a: a.to("cpu") * a.cpu()),
}


def _run(lib, make, arrays, fn):
    inputs = [make(x) for x in arrays]
    return inputs, fn(lib, *inputs)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_method_values_and_gradients_match_torch(name, torch):
    arrays, fn = DIFFERENTIABLE[name]
    ours_in, ours = _run(tg, lambda x: Tensor(x.copy(), requires_grad=True), arrays, fn)
    theirs_in, theirs = _run(torch, lambda x: torch.tensor(x.copy(), requires_grad=True), arrays,
                             fn)
    assert ours.shape == tuple(theirs.shape)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-12, atol=1e-14)
    weight = np.random.default_rng(1).normal(size=ours.shape)
    (ours * Tensor(weight)).sum().backward()
    (theirs * torch.tensor(weight)).sum().backward()
    for a, b in zip(ours_in, theirs_in):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-11, atol=1e-13)


@pytest.mark.parametrize("name", sorted(DIFFERENTIABLE))
def test_method_gradients_pass_gradcheck(name):
    arrays, fn = DIFFERENTIABLE[name]
    inputs = [Tensor(x.copy(), requires_grad=True) for x in arrays]
    assert gradcheck(lambda *ts: fn(tg, *ts), inputs)


SECOND_ORDER = {                         # the linear ones squared, so the 2nd derivative is not 0
    "log2": lambda a: a.log2(),
    "log10": lambda a: a.log10(),
    "gather": lambda a: a.gather(1, Tensor(INDEX)) ** 2,
    "norm_dim": lambda a: a.norm(dim=1),
    "repeat": lambda a: a.repeat(2, 1) ** 2,
    "clone": lambda a: a.clone() ** 3,
}


@pytest.mark.parametrize("name", sorted(SECOND_ORDER))
def test_second_derivatives_of_the_new_primitives(name):
    assert gradgradcheck(SECOND_ORDER[name], [Tensor(A.copy(), requires_grad=True)])


def test_norm_of_zero_has_gradient_zero_like_torch(torch):
    x = Tensor(np.zeros(3), requires_grad=True)
    tx = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    x.norm().backward()
    tx.norm().backward()
    assert x.grad.tolist() == tx.grad.tolist() == [0.0, 0.0, 0.0]


def test_size_numel_dim_and_friends_match_torch(torch):
    t, tt = Tensor(np.zeros((2, 3, 4), np.float32)), torch.zeros(2, 3, 4)
    assert t.size() == tuple(tt.size()) == (2, 3, 4)
    assert [t.size(d) for d in (0, 1, -1)] == [tt.size(d) for d in (0, 1, -1)] == [2, 3, 4]
    assert t.numel() == t.nelement() == tt.numel() == 24
    assert t.dim() == t.ndimension() == tt.dim() == 3
    assert t.element_size() == 4 and t.is_floating_point()
    assert not Tensor([1, 2]).is_floating_point()
    with pytest.raises(ValueError, match="out of range"):
        t.size(3)
    assert not callable(getattr(t, "shape"))            # shape stays an attribute


def test_integer_conversions_and_dtypes_match_torch(torch):
    x = Tensor([1.7, -2.2, 0.0])
    tx = torch.tensor([1.7, -2.2, 0.0])
    assert x.long().tolist() == tx.long().tolist() and x.long().dtype == np.int64
    assert x.int().tolist() == tx.int().tolist() and x.int().dtype == np.int32
    assert x.bool().tolist() == tx.bool().tolist() and x.bool().dtype == np.bool_
    assert x.type() == "tinygrad_edu.FloatTensor" and x.long().type() == "tinygrad_edu.LongTensor"
    assert x.type(tg.float64).dtype == np.float64 and x.type_as(Tensor([1])).dtype == np.int64
    assert x.to(tg.long).dtype == tg.int64 == np.int64
    assert x.to("cpu", tg.float64).dtype == np.float64
    assert x.to(Tensor(np.zeros(1))).dtype == np.float64
    assert x.to("float64").dtype == np.float64               # a dtype name is a dtype
    assert tg.float32 == np.float32 and tg.bool == np.bool_ and tg.long == np.int64


def test_python_number_conversions_like_torch(torch):
    assert int(Tensor([3.9])) == int(torch.tensor([3.9])) == 3
    assert float(Tensor(2)) == 2.0
    assert [10, 20, 30][Tensor(1)] == 20 == [10, 20, 30][torch.tensor(1)]
    assert list(range(5))[Tensor(np.int64(1)):Tensor(np.int64(3))] == [1, 2]
    with pytest.raises(TypeError, match="integer tensors"):
        [1, 2][Tensor(1.0)]
    with pytest.raises(ValueError, match="one-element"):
        int(Tensor([1.0, 2.0]))


def test_device_is_cpu_and_other_devices_are_refused_clearly(torch):
    t = Tensor([1.0])
    assert t.device == "cpu" and t.device.type == "cpu" and str(t.device) == "cpu"
    assert tg.device("cpu") == t.device and repr(t.device) == repr(torch.device("cpu"))
    assert t.to("cpu") is t and t.cpu() is t and t.to(tg.device("cpu")) is t and not t.is_cuda
    for bad in (lambda: t.to("cuda"), lambda: t.cuda(), lambda: t.to("mps"),
                lambda: tg.device("cuda"), lambda: t.to(device="cuda:0")):
        with pytest.raises(RuntimeError, match="CPU only.*'cpu'"):
            bad()


def test_new_creation_methods_take_the_dtype_of_their_tensor(torch):
    t = Tensor(np.ones(2, dtype=np.float64))
    assert t.new_zeros(2, 3).dtype == np.float64 and t.new_zeros((2, 3)).shape == (2, 3)
    assert t.new_ones(4).tolist() == [1.0] * 4 and t.new_full((2,), 7).tolist() == [7.0, 7.0]
    assert t.new_tensor([1, 2]).dtype == np.float64
    assert not t.new_zeros(2).data.any()
    assert t.new_zeros(2, 3).shape == tuple(torch.ones(2).new_zeros(2, 3).shape)


def test_div_rounding_modes_match_torch(torch):
    a, b = np.array([7.0, -7.0, 5.5, -5.5]), np.array([2.0, 2.0, -2.0, 3.0])
    for mode in ("floor", "trunc"):
        np.testing.assert_array_equal(Tensor(a).div(Tensor(b), rounding_mode=mode).data,
                                      torch.tensor(a).div(torch.tensor(b), rounding_mode=mode))
        ints = Tensor(np.array([7, -7])).div(2, rounding_mode=mode)
        assert ints.tolist() == torch.tensor([7, -7]).div(2, rounding_mode=mode).tolist()
    with pytest.raises(ValueError, match="rounding_mode"):
        Tensor(a).div(2, rounding_mode="round")


def test_all_and_any_match_torch(torch):
    x = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])
    t, tt = Tensor(x), torch.tensor(x)
    assert bool(t.all()) == bool(tt.all()) and bool(t.any()) == bool(tt.any())
    assert t.all(dim=1).tolist() == tt.all(dim=1).tolist()
    assert t.any(dim=0).tolist() == tt.any(dim=0).tolist()


@pytest.mark.parametrize("bad, error, message", [
    (lambda t: t.gather(1, Tensor([[0.5]])), TypeError, "integer"),
    (lambda t: t.gather(1, Tensor([0, 1])), ValueError, "as many dimensions"),
    (lambda t: t.gather(1, Tensor([[0, 4]])), IndexError, r"\[0, 4\)"),
    (lambda t: t.masked_fill(Tensor([1.0, 0.0, 1.0, 0.0]), 0.0), TypeError, "boolean"),
    (lambda t: t.repeat(2), ValueError, "one count per dimension"),
    (lambda t: t.norm(p="max"), ValueError, "norm: p"),
    (lambda t: t.reshape(1, 3, 4).t(), ValueError, "at most 2 dimensions"),
])
def test_bad_arguments_raise_clear_errors(bad, error, message):
    with pytest.raises(error, match=message):
        bad(Tensor(A))
