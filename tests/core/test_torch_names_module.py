"""Module-level functions and dtypes named as in `torch` (issue 12): `tg.zeros(...)` does what
`torch.zeros(...)` does. Each is compared with PyTorch; the differentiable ones also by
gradient."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck

RNG = np.random.default_rng(5)
A = RNG.uniform(-2.0, 2.0, (3, 4))
B = RNG.uniform(-2.0, 2.0, (3, 4))
M = RNG.uniform(-1.0, 1.0, (4, 2))

# name: (function of the library, built once for tinygrad_edu and once for torch)
CREATION = {
    "tensor": lambda lib: lib.tensor([[1.0, 2.0], [3.0, 4.0]]),
    "tensor_int": lambda lib: lib.tensor([1, 2, 3]),
    "tensor_dtype": lambda lib: lib.tensor([1, 2], dtype=lib.float64),
    "zeros": lambda lib: lib.zeros(2, 3),
    "zeros_tuple": lambda lib: lib.zeros((2, 3)),
    "ones": lambda lib: lib.ones(3, dtype=lib.int64),
    "full": lambda lib: lib.full((2, 2), 1.5),
    "full_int": lambda lib: lib.full((2,), 7),
    "arange": lambda lib: lib.arange(5),
    "arange_start_step": lambda lib: lib.arange(1, 10, 3),
    "arange_float": lambda lib: lib.arange(0.0, 1.0, 0.25),
    "linspace": lambda lib: lib.linspace(-1, 1, 5),
    "eye": lambda lib: lib.eye(3),
    "eye_rect": lambda lib: lib.eye(2, 3),
    "zeros_like": lambda lib: lib.zeros_like(lib.tensor(A)),
    "ones_like": lambda lib: lib.ones_like(lib.tensor([1, 2])),
    "full_like": lambda lib: lib.full_like(lib.tensor(A), 3.0),
}


@pytest.mark.parametrize("name", sorted(CREATION))
def test_creation_matches_torch_in_values_shape_and_dtype(name, torch):
    ours, theirs = CREATION[name](tg), CREATION[name](torch)
    np.testing.assert_array_equal(ours.data, theirs.numpy())
    assert ours.dtype == np.dtype(str(theirs.dtype).replace("torch.", ""))


def test_tensor_copies_its_data_like_torch_tensor():
    a = np.array([1.0, 2.0])
    t = tg.tensor(a)
    a[0] = 9.0
    t2 = tg.tensor(t)
    t.data[1] = 5.0
    assert t.tolist() == [1.0, 5.0] and t2.tolist() == [1.0, 2.0]
    assert tg.tensor([1.0], requires_grad=True).requires_grad


# name: (input arrays, function of (lib, *inputs))
FUNCTIONS = {
    "matmul": ([A, M], lambda lib, a, m: lib.matmul(a, m)),
    "cat": ([A, B], lambda lib, a, b: lib.cat([a, b], dim=1)),
    "cat_tuple_dim0": ([A, B], lambda lib, a, b: lib.cat((a, b))),
    "stack": ([A, B], lambda lib, a, b: lib.stack([a, b], dim=1)),
    "where": ([A, B], lambda lib, a, b: lib.where(a > b, a, b * 2)),
    "maximum": ([A, B], lambda lib, a, b: lib.maximum(a, b)),
    "minimum": ([A, B], lambda lib, a, b: lib.minimum(a, b)),
    "max_elementwise": ([A, B], lambda lib, a, b: lib.max(a, b)),
    "min_elementwise": ([A, B], lambda lib, a, b: lib.min(a, b)),
    "max_all": ([A], lambda lib, a: lib.max(a)),
    "max_dim_values": ([A], lambda lib, a: lib.max(a, 1)[0]),
    "min_dim_keepdim": ([A], lambda lib, a: lib.min(a, 0, keepdim=True)[0]),
    "exp": ([A], lambda lib, a: lib.exp(a)),
    "log": ([np.abs(A) + 0.1], lambda lib, a: lib.log(a)),
    "tanh": ([A], lambda lib, a: lib.tanh(a)),
    "sigmoid": ([A], lambda lib, a: lib.sigmoid(a)),
    "relu": ([A], lambda lib, a: lib.relu(a)),
    "softmax": ([A], lambda lib, a: lib.softmax(a, dim=1)),
    "softmax_dim0": ([A], lambda lib, a: lib.softmax(a, 0)),
    "sum_dim": ([A], lambda lib, a: lib.sum(a, 1)),
    "mean": ([A], lambda lib, a: lib.mean(a)),
    "clone": ([A], lambda lib, a: lib.clone(a) * a),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_module_function_matches_torch_with_gradients(name, torch):
    arrays, fn = FUNCTIONS[name]
    ours_in = [tg.tensor(x, requires_grad=True) for x in arrays]
    theirs_in = [torch.tensor(x, requires_grad=True) for x in arrays]
    ours, theirs = fn(tg, *ours_in), fn(torch, *theirs_in)
    np.testing.assert_allclose(ours.data, theirs.detach().numpy(), rtol=1e-13, atol=1e-15)
    weight = np.random.default_rng(2).normal(size=ours.shape)
    (ours * Tensor(weight)).sum().backward()
    (theirs * torch.tensor(weight)).sum().backward()
    for a, b in zip(ours_in, theirs_in):
        np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("name", sorted(set(FUNCTIONS) - {"max_elementwise", "min_elementwise",
                                                          "maximum", "minimum", "max_all",
                                                          "relu", "where"}))
def test_module_function_gradients_pass_gradcheck(name):
    arrays, fn = FUNCTIONS[name]
    assert gradcheck(lambda *ts: fn(tg, *ts), [Tensor(x, requires_grad=True) for x in arrays])


def test_max_with_dim_returns_values_and_indices_like_torch(torch):
    ours, theirs = tg.max(tg.tensor(A), 1), torch.max(torch.tensor(A), 1)
    assert ours.indices.tolist() == theirs.indices.tolist()
    np.testing.assert_array_equal(ours.values.data, theirs.values.numpy())


def test_allclose_all_any_histc_numel_match_torch(torch):
    a = np.array([1.0, 2.0, 3.0])
    for other in (a + 1e-9, a + 1e-3, a * 1.00001):
        assert tg.allclose(tg.tensor(a), tg.tensor(other)) == torch.allclose(torch.tensor(a),
                                                                             torch.tensor(other))
    assert tg.allclose(Tensor(a), Tensor(a + 0.1), atol=0.2) is True
    x = np.array([[1.0, 0.0], [2.0, 3.0]])
    assert bool(tg.all(tg.tensor(x))) == bool(torch.all(torch.tensor(x)))
    assert tg.any(tg.tensor(x), 1).tolist() == torch.any(torch.tensor(x), 1).tolist()
    data = np.array([0.0, 0.5, 1.0, 1.0, 2.5, 3.0, 3.5, -1.0])
    for bins, lo, hi in ((4, 0, 3), (5, 0, 0), (3, -1, 1)):
        np.testing.assert_array_equal(tg.histc(tg.tensor(data), bins, lo, hi).data,
                                      torch.histc(torch.tensor(data), bins, lo, hi).numpy())
    assert tg.numel(tg.zeros(2, 5)) == 10 and tg.is_tensor(tg.zeros(1)) and not tg.is_tensor(x)


def test_dtypes_are_numpy_dtypes_named_as_torch(torch):
    pairs = {"float32": torch.float32, "float64": torch.float64, "int64": torch.int64,
             "long": torch.long, "bool": torch.bool, "double": torch.float64,
             "float": torch.float32, "int": torch.int32, "int32": torch.int32}
    for name, theirs in pairs.items():
        ours = getattr(tg, name)
        assert ours == np.dtype(str(theirs).replace("torch.", "")), name
        assert tg.zeros(2, dtype=ours).dtype == ours


def test_star_import_does_not_shadow_python_builtins():
    namespace = {}
    exec("from tinygrad_edu import *", namespace)
    for name in ("bool", "int", "float", "max", "min", "sum", "all", "any"):
        assert name not in namespace, name
    assert "zeros" in namespace and "float32" in namespace


def test_module_functions_accept_python_data_where_torch_does():
    assert tg.exp([0.0]).tolist() == [1.0]
    assert tg.matmul([[1.0, 2.0]], tg.tensor([[3.0], [4.0]])).tolist() == [[11.0]]
    with pytest.raises(ValueError, match="linspace|steps"):
        tg.linspace(0, 1, -2)
