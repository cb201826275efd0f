"""The wrong results and refused options of issue 19 (tensor ops), each checked without PyTorch
against the value PyTorch gives (written out) or a closed form; test_op_db.py checks them against
PyTorch itself."""
import numpy as np
import pytest

import tinygrad_edu as tg
from tinygrad_edu import Tensor, gradcheck


def test_arange_with_an_integer_dtype_truncates_its_ends_first():
    assert tg.arange(0., -8.000001, -4., dtype=tg.int64).tolist() == [0, -4]


def test_linspace_with_an_integer_dtype_matches_pytorch():
    # torch.linspace(4.3, -3, 50, dtype=torch.int64)[:10] and (-3, 7.9, 7)
    assert tg.linspace(4.3, -3, 50, dtype=tg.int64).tolist()[:10] == [4, 3, 3, 3, 3, 3, 3, 3, 2, 2]
    assert tg.linspace(-3, 7.9, 7, dtype=tg.int64).tolist() == [-3, -1, 0, 1, 3, 5, 7]


@pytest.mark.parametrize("make", [
    lambda: tg.zeros(2, device="cpu"), lambda: tg.ones(2, device="cpu"),
    lambda: tg.full((2,), 1.0, device="cpu"), lambda: tg.arange(3, device="cpu"),
    lambda: tg.eye(2, device="cpu"), lambda: tg.linspace(0, 1, 3, device="cpu"),
    lambda: tg.zeros_like(tg.ones(2), device="cpu"), lambda: tg.ones(2).new_zeros(3, device="cpu"),
    lambda: Tensor.randn(2, device="cpu"), lambda: tg.ones(2).new_full((2,), 3.0, device="cpu"),
])
def test_factories_take_device_cpu_and_refuse_others(make):
    assert make().device == "cpu"


def test_factories_refuse_a_gpu():
    with pytest.raises(RuntimeError, match="CPU only"):
        tg.zeros(2, device="cuda")


def test_div_rounding_modes_have_gradient_zero():
    a = Tensor([7.5, -7.5], dtype=np.float64, requires_grad=True)
    out = a.div(2.0, rounding_mode="floor")
    assert out.tolist() == [3.0, -4.0] and out.requires_grad
    out.sum().backward()
    assert a.grad.tolist() == [0.0, 0.0]
    assert Tensor([-7, 7]).div(2, rounding_mode="trunc").tolist() == [-3, 3]
    with pytest.raises(ZeroDivisionError, match="div"):
        Tensor([1]).div(0, rounding_mode="floor")


def test_clamp_with_tensor_bounds_and_its_gradients():
    x = Tensor([-2.0, 0.5, 3.0, 0.0], dtype=np.float64, requires_grad=True)
    lo = Tensor([0.0, 0.0, 0.0, 1.0], dtype=np.float64, requires_grad=True)
    hi = Tensor([1.0, 1.0, 1.0, 0.5], dtype=np.float64, requires_grad=True)
    out = x.clamp(lo, hi)
    assert out.tolist() == [0.0, 0.5, 1.0, 0.5]          # min > max gives max, as PyTorch
    out.sum().backward()
    assert x.grad.tolist() == [0.0, 1.0, 0.0, 0.0]
    assert lo.grad.tolist() == [1.0, 0.0, 0.0, 0.0]
    assert hi.grad.tolist() == [0.0, 0.0, 1.0, 1.0]
    inputs = [Tensor(np.array([0.3, -1.2]), requires_grad=True),
              Tensor(np.array([0.0, 0.1]), requires_grad=True)]
    assert gradcheck(lambda a, b: a.clamp(min=b), inputs)


def test_max_and_min_of_another_tensor_are_elementwise():
    a, b = Tensor([1.0, 5.0]), Tensor([3.0, 2.0])
    assert a.max(b).tolist() == [3.0, 5.0] and a.min(b).tolist() == [1.0, 2.0]


def test_norm_orders():
    x = Tensor([3.0, 0.0, -4.0], dtype=np.float64, requires_grad=True)
    assert x.norm(0).item() == 2.0
    assert x.norm(float("-inf")).item() == 0.0
    assert np.isclose(x.norm(-1).item(), 0.0)                    # 1 / (1/3 + 1/0 + 1/4)
    assert np.isclose(Tensor([1.0, 2.0], dtype=np.float64).norm(-1).item(), 2 / 3)
    m = Tensor([[3.0, 0.0], [0.0, -4.0]], dtype=np.float64, requires_grad=True)
    nuclear = m.norm("nuc")
    assert np.isclose(nuclear.item(), 7.0)
    nuclear.backward()
    assert np.allclose(m.grad.data, [[1.0, 0.0], [0.0, -1.0]])      # U V^T
    assert gradcheck(lambda t: t.norm("nuc"), [Tensor(np.array([[1.0, 2.0], [0.5, -1.0]]),
                                                      requires_grad=True)])


def test_positional_unbiased_to_with_flags_and_prod_dtype():
    x = Tensor([1.0, 2.0, 3.0, 4.0])
    assert x.var(False).item() == 1.25 and np.isclose(x.std(True).item() ** 2, 5 / 3)
    y = x.to("cpu", np.float64, False, True)
    assert y.dtype == np.float64 and x.to("cpu", np.float32, False, True) is not x
    assert Tensor([2, 3]).prod(dtype=np.float64).dtype == np.float64


def test_chunk_of_an_empty_dim_gives_that_many_pieces():
    assert [c.shape for c in Tensor.zeros(0, 3).chunk(3)] == [(0, 3)] * 3
