"""Reading `.grad` of a non-leaf warns with the hint retain_grad(), under PyTorch's conditions."""
import warnings

import numpy as np
import pytest

from tinygrad_edu import Tensor, no_grad


def _warned(read):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        value = read()
    return value, [w for w in caught if "retain_grad()" in str(w.message)]


def test_the_classic_mistake_warns_and_points_at_retain_grad():
    w = Tensor([1.0, 2.0], requires_grad=True)
    (w * w).sum().backward()
    w = w - 0.1 * w.grad                     # a new, non-leaf w
    (w * w).sum().backward()
    value, caught = _warned(lambda: w.grad)
    assert value is None and len(caught) == 1
    assert issubclass(caught[0].category, UserWarning)
    assert "not a leaf" in str(caught[0].message)
    assert caught[0].filename == __file__    # it points at the line that read .grad


def test_no_warning_for_leaves_retained_non_leaves_or_tensors_without_grad():
    w = Tensor([1.0, 2.0], requires_grad=True)
    constant = Tensor([3.0])
    h = w * 2
    h.retain_grad()
    (h * h).sum().backward()
    for read in (lambda: w.grad, lambda: constant.grad, lambda: h.grad,
                 lambda: Tensor([1.0], requires_grad=True).grad):
        _, caught = _warned(read)
        assert caught == []
    assert np.allclose(h.grad.data, [4.0, 8.0])
    with no_grad():
        made_without_graph = w * 3
    assert _warned(lambda: made_without_graph.grad)[1] == []


def test_same_conditions_as_pytorch():
    torch = pytest.importorskip("torch")

    def cases(lib, make):
        leaf = make([1.0, 2.0])
        mid = leaf * 2
        kept = leaf * 3
        kept.retain_grad()
        (mid.sum() + kept.sum()).backward()
        return {"leaf": leaf, "mid": mid, "kept": kept, "plain": lib([1.0])}

    ours = cases(Tensor, lambda v: Tensor(v, requires_grad=True))
    theirs = cases(torch.tensor, lambda v: torch.tensor(v, requires_grad=True))
    for name in ours:
        our_value, our_warnings = _warned(lambda: ours[name].grad)
        with warnings.catch_warnings(record=True) as torch_warnings:
            warnings.simplefilter("always")
            their_value = theirs[name].grad
        assert bool(our_warnings) == bool(torch_warnings), name
        assert (our_value is None) == (their_value is None), name


def test_setting_grad_on_a_non_leaf_then_reading_it_does_not_warn():
    h = Tensor([1.0], requires_grad=True) * 2
    h.grad = Tensor([5.0])
    value, caught = _warned(lambda: h.grad)
    assert value.tolist() == [5.0] and caught == []
