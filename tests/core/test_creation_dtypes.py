"""Creation functions (values, shapes, seeds, requires_grad=, dtype=), the default dtype rules
(float32 default, float64 input stays float64, integers stay integer) and Tensor attributes."""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import Tensor, set_default_dtype, get_default_dtype


@pytest.mark.parametrize("make, expected", [
    (lambda **kw: Tensor.zeros(2, 3, **kw), np.zeros((2, 3))),
    (lambda **kw: Tensor.zeros((2, 3), **kw), np.zeros((2, 3))),
    (lambda **kw: Tensor.ones(4, **kw), np.ones(4)),
    (lambda **kw: Tensor.full((2, 2), 7.5, **kw), np.full((2, 2), 7.5)),
    (lambda **kw: Tensor.full(3, -1.0, **kw), np.full(3, -1.0)),
    (lambda **kw: Tensor.eye(3, **kw), np.eye(3)),
    (lambda **kw: Tensor.eye(2, 4, **kw), np.eye(2, 4)),
    (lambda **kw: Tensor.arange(0.0, 1.0, 0.25, **kw), np.arange(0.0, 1.0, 0.25)),
    (lambda **kw: Tensor.ones(2, 3).zeros_like(**kw), np.zeros((2, 3))),
    (lambda **kw: Tensor.zeros(2, 3).ones_like(**kw), np.ones((2, 3))),
    (lambda **kw: Tensor.zeros(3).full_like(2.5, **kw), np.full(3, 2.5)),
], ids=["zeros", "zeros_tuple", "ones", "full", "full_int_shape", "eye", "eye_rect", "arange",
        "zeros_like", "ones_like", "full_like"])
def test_creation_values_dtype_and_requires_grad(make, expected):
    t = make()
    np.testing.assert_array_equal(t.data, expected)
    assert t.dtype == np.float32 and not t.requires_grad and t.is_leaf and t.grad is None
    t = make(requires_grad=True, dtype=np.float64)
    np.testing.assert_array_equal(t.data, expected)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf
    (t * 2).sum().backward()
    np.testing.assert_array_equal(t.grad.data, np.full(expected.shape, 2.0))


def test_arange_of_integers_stays_integer_like_numpy():
    t = Tensor.arange(5)
    assert t.dtype.kind == "i" and t.tolist() == [0, 1, 2, 3, 4]
    assert Tensor.arange(2, 8, 3).tolist() == [2, 5]
    assert Tensor.arange(3, dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("name", ["randn", "rand"])
def test_random_creation_is_reproducible_with_a_seed(name):
    make = getattr(Tensor, name)
    a, b, c = make(3, 4, seed=7), make(3, 4, seed=7), make(3, 4, seed=8)
    assert a.shape == (3, 4) and a.dtype == np.float32
    np.testing.assert_array_equal(a.data, b.data)
    assert not np.array_equal(a.data, c.data)
    assert not np.array_equal(make(3, 4).data, make(3, 4).data)    # no seed: fresh draws
    d = make(2, seed=1, requires_grad=True, dtype=np.float64)
    assert d.requires_grad and d.dtype == np.float64
    like = getattr(d, f"{name}_like")(seed=1)
    assert like.shape == d.shape and like.dtype == np.float64
    np.testing.assert_array_equal(like.data, d.data)


def test_random_values_have_the_right_distribution():
    u = Tensor.rand(20000, seed=0, dtype=np.float64).data
    n = Tensor.randn(20000, seed=0, dtype=np.float64).data
    assert u.min() >= 0 and u.max() < 1 and abs(u.mean() - 0.5) < 0.01
    assert abs(n.mean()) < 0.03 and abs(n.std() - 1) < 0.03


def test_default_dtype_is_float32_and_can_be_changed():
    assert get_default_dtype() == np.float32
    assert Tensor([1.0, 2.0]).dtype == np.float32
    assert Tensor(1.5).dtype == np.float32
    assert Tensor.zeros(2).dtype == np.float32
    set_default_dtype(np.float64)
    assert get_default_dtype() == np.float64
    assert Tensor([1.0]).dtype == np.float64 and Tensor.randn(2, seed=0).dtype == np.float64
    assert Tensor.ones(2).dtype == np.float64 and Tensor.eye(2).dtype == np.float64
    set_default_dtype(np.float32)
    assert Tensor([1.0]).dtype == np.float32


def test_numpy_input_keeps_its_dtype_and_integers_stay_integer():
    assert Tensor(np.array([1.0])).dtype == np.float64            # float64 input stays float64
    assert Tensor(np.array([1.0], dtype=np.float32)).dtype == np.float32
    assert Tensor([1, 2]).dtype.kind == "i"
    assert Tensor([True, False]).dtype == np.bool_
    assert Tensor([1.0], dtype=np.float64).dtype == np.float64
    assert Tensor(Tensor(np.array([2.0]))).dtype == np.float64     # a Tensor as data


def test_set_default_dtype_rejects_non_floating_dtypes():
    with pytest.raises(ValueError, match=r"set_default_dtype: int64 is not a floating dtype"):
        set_default_dtype(np.int64)


def test_float64_operand_promotes_and_gradients_keep_each_input_dtype():
    a = Tensor([1.0, 2.0], requires_grad=True)                   # float32
    b = Tensor(np.array([3.0, 4.0]), requires_grad=True)         # float64
    out = a * b
    assert out.dtype == np.float64
    out.sum().backward()
    assert a.grad.dtype == np.float32 and b.grad.dtype == np.float64
    np.testing.assert_array_equal(a.grad.data, [3.0, 4.0])


def test_conversions_are_differentiable():
    a = Tensor([1.5, 2.5], requires_grad=True)
    d = a.double()
    assert d.dtype == np.float64 and d.requires_grad
    (d * d).sum().backward()
    assert a.grad.dtype == np.float32 and a.grad.tolist() == [3.0, 5.0]
    assert a.float() is a and a.to(np.float32) is a


def test_attributes_and_conversions():
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True, name="w")
    assert t.shape == (2, 3) and t.ndim == 2 and t.numel() == 6 and t.size() == (2, 3) and len(t) == 2
    assert t.T.shape == (3, 2) and t.name == "w"
    assert isinstance(t.numpy(), np.ndarray) and t.tolist()[1] == [4.0, 5.0, 6.0]
    assert Tensor([[7.0]]).item() == 7.0
    with pytest.raises(ValueError, match=r"item: only one-element.*\(2, 3\)"):
        t.item()
    d = t.detach()
    assert not d.requires_grad and d.grad_fn is None and np.shares_memory(d.data, t.data)
    assert "requires_grad=True" in repr(t) and "name='w'" in repr(t)
    assert "grad_fn=<MulBackward>" in repr(t * 2)
    assert [row.tolist() for row in t] == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def test_requires_grad_flag_and_zero_grad():
    t = Tensor([1.0, 2.0])
    assert t.requires_grad_() is t and t.requires_grad
    (t * t).sum().backward()
    assert t.grad.tolist() == [2.0, 4.0]
    t.zero_grad()
    assert t.grad is None
    t.requires_grad_(False)
    assert not (t * 2).requires_grad


def test_public_api_names_exist():
    for name in ("Tensor", "no_grad", "enable_grad", "is_grad_enabled", "grad", "gradcheck",
                 "gradgradcheck", "detect_anomaly", "set_default_dtype", "get_default_dtype"):
        assert hasattr(tinygrad_edu, name), name


def test_casting_to_an_integer_dtype_gives_a_tensor_that_does_not_require_grad():
    y = Tensor([1.5, 2.5], requires_grad=True).to(np.int64)
    assert y.dtype == np.int64 and y.tolist() == [1, 2]
    assert not y.requires_grad and y.grad_fn is None


def test_empty_is_zeros_to_be_filled_in():
    import tinygrad_edu as tg
    t = tg.empty(2, 3)
    assert t.shape == (2, 3) and t.dtype == tg.get_default_dtype() and not t.data.any()
    assert tg.empty((4,), dtype=tg.float64, requires_grad=True).requires_grad
    like = tg.empty_like(tg.ones(2, dtype=tg.int64))
    assert like.dtype == tg.int64 and like.tolist() == [0, 0]


def test_logspace_and_triangle_indices():
    import tinygrad_edu as tg
    assert tg.logspace(0, 3, 4, base=2).tolist() == [1.0, 2.0, 4.0, 8.0]
    assert tg.tril_indices(3, 3).tolist() == [[0, 1, 1, 2, 2, 2], [0, 0, 1, 0, 1, 2]]
    assert tg.triu_indices(3, 4, 1).tolist() == [[0, 0, 0, 1, 1, 2], [1, 2, 3, 2, 3, 3]]
    assert tg.tril_indices(2, 3, -1).dtype == tg.int64
    s = tg.scalar_tensor(3)
    assert s.shape == () and s.dtype == tg.get_default_dtype() and s.item() == 3.0


def test_triangle_indices_match_pytorch():
    import pytest
    import tinygrad_edu as tg
    torch = pytest.importorskip("torch")
    for row, col, offset in [(4, 4, 0), (3, 5, 1), (5, 3, -2), (0, 3, 0), (4, 2, 3)]:
        assert tg.tril_indices(row, col, offset).tolist() == torch.tril_indices(row, col, offset).tolist()
        assert tg.triu_indices(row, col, offset).tolist() == torch.triu_indices(row, col, offset).tolist()
