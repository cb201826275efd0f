"""The bitwise family (bitwise_and/or/xor/not, the shifts and the operators & | ^ ~ << >>):
closed forms, refusals of floats, and PyTorch's values and dtypes for integer and boolean
tensors and Python ints (op_db has no float64 samples of these, so they are compared here)."""
import numpy as np
import pytest

import tinygrad_edu as tg

A = np.array([[5, -3, 12], [0, 7, -8]])
B = np.array([3, 6, 1])


def test_closed_forms_and_operators():
    a, b = tg.tensor(A), tg.tensor(B)
    assert (a & b).tolist() == (A & B).tolist() and (a | 1).tolist() == (A | 1).tolist()
    assert (a ^ b).tolist() == (A ^ B).tolist() and (~a).tolist() == (~A).tolist()
    assert (a << 2).tolist() == (A << 2).tolist() and (a >> 1).tolist() == (A >> 1).tolist()
    assert (3 & b).tolist() == [3, 2, 1]
    mask = (tg.tensor([1.0, -1.0, 2.0]) > 0) & (tg.tensor([1.0, 1.0, 5.0]) < 3)
    assert mask.tolist() == [True, False, False] and (~mask).tolist() == [False, True, True]


def test_floats_are_refused_with_the_alternative():
    with pytest.raises(TypeError, match="bitwise_and: bitwise ops take integer or boolean"):
        tg.ones(2) & tg.ones(2)
    with pytest.raises(TypeError, match="logical_and"):
        ~tg.ones(2)


@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "bool"])
def test_matches_pytorch(dtype):
    torch = pytest.importorskip("torch")
    a, b = np.abs(A).astype(dtype), np.abs(B).astype(dtype)
    ours, theirs = (tg.tensor(a), tg.tensor(b)), (torch.tensor(a), torch.tensor(b))
    ops = [lambda x, y: x & y, lambda x, y: x | y, lambda x, y: x ^ y, lambda x, y: ~x,
           lambda x, y: x & 1 if dtype != "bool" else x & True,
           lambda x, y: 6 | y if dtype != "bool" else True | y]
    if dtype != "bool":
        ops += [lambda x, y: x << y, lambda x, y: x >> 1, lambda x, y: 1 << y]
    for op in ops:
        o, t = op(*ours), op(*theirs)
        assert o.tolist() == t.tolist() and o.dtype.name == str(t.dtype).replace("torch.", "")
