"""Port of micrograd's test file (Karpathy's `test/test_engine.py`, its two tests).

micrograd checks its `Value` engine against PyTorch on two small scalar expressions. Here the
expressions are written once, as the PyTorch half of those tests is written, and run twice: with
`lib = torch` and with `lib = tinygrad_edu` (the only change is the import). Every intermediate
value and both gradients must agree in float64. Written from the tests' description, not copied.
"""
import pytest

import tinygrad_edu


def sanity_check(lib):
    """micrograd's test_sanity_check: relu, products, a reused node."""
    x = lib.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    return {"z": z, "q": q, "h": h, "y": y}, {"x": x}


def more_ops(lib):
    """micrograd's test_more_ops: +=, powers, division, reversed operands, relu of a difference."""
    a = lib.Tensor([-4.0]).double()
    b = lib.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b ** 3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    return {"c": c, "d": d, "e": e, "f": f, "g": g}, {"a": a, "b": b}


def more_ops_in_place(lib):
    """The same expression with micrograd's `+=` kept (in place on a non-leaf, as in PyTorch)."""
    a = lib.Tensor([-4.0]).double()
    b = lib.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b ** 3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e ** 2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    return {"g": g}, {"a": a, "b": b}


def _compare(torch, program):
    theirs_values, theirs_leaves = program(torch)
    ours_values, ours_leaves = program(tinygrad_edu)
    for name, value in theirs_values.items():
        assert ours_values[name].item() == pytest.approx(value.item(), rel=1e-15, abs=1e-15), name
    for name, leaf in theirs_leaves.items():
        assert ours_leaves[name].grad.item() == pytest.approx(leaf.grad.item(), rel=1e-14), name


def test_sanity_check(torch):
    _compare(torch, sanity_check)


def test_more_ops(torch):
    _compare(torch, more_ops)


def test_more_ops_with_in_place_adds(torch):
    _compare(torch, more_ops_in_place)


def test_sanity_check_closed_form():
    # without PyTorch: y = -20 at x = -4 and dy/dx = 46 (micrograd's printed values)
    values, leaves = sanity_check(tinygrad_edu)
    assert values["y"].item() == -20.0
    assert leaves["x"].grad.item() == 46.0
