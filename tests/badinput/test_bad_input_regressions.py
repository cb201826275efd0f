"""Named regression tests of issue 11's bad-input items that are more than "it raises":
what is accepted must give PyTorch's values and gradients, and what is refused must never
leave an object- or string-typed tensor behind."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import tinygrad_edu as tg
from tinygrad_edu import Tensor, nn, gradcheck


@pytest.mark.parametrize("items, dtype", [
    ([1.0, 2.0], None), ([[1.0], [2.0]], None), ([1.5, -2.0], np.float64), ([3, 4], np.int64),
    ([True, False], np.bool_)], ids=["0-d float", "1-element", "float64", "int", "bool"])
def test_a_list_of_one_element_tensors_builds_the_tensor_pytorch_builds(torch, items, dtype):
    ours = Tensor([Tensor(v, dtype=dtype) for v in items])
    theirs = torch.tensor([torch.tensor(np.asarray(v, dtype=dtype) if dtype else v)
                           for v in items])
    assert ours.tolist() == theirs.tolist()
    assert ours.dtype == np.dtype(str(theirs.dtype).removeprefix("torch."))


def test_a_list_of_tensors_mixed_with_numbers_takes_the_widest_float(torch):
    ours = Tensor([Tensor(1.0, dtype=np.float64), 2.0])
    theirs = torch.tensor([torch.tensor(1.0, dtype=torch.float64), 2.0])
    assert ours.dtype == np.float64 and str(theirs.dtype) == "torch.float64"
    assert Tensor([Tensor(1.0), 2.0]).dtype == tg.get_default_dtype()


def test_a_list_of_tensors_is_a_constant_with_no_graph():
    a = Tensor(2.0, requires_grad=True)
    t = Tensor([a, a * 3])
    assert not t.requires_grad and t.tolist() == [2.0, 6.0]


def test_an_operand_list_of_tensors_is_refused_because_it_would_cut_the_graph():
    x, a, b = Tensor([1.0, 1.0]), Tensor(2.0, requires_grad=True), Tensor(3.0, requires_grad=True)
    with pytest.raises(TypeError, match="cut the graph.*Tensor.stack"):
        x + [a, b]
    y = (x * Tensor.stack([a, b])).sum()            # the way that keeps the gradients
    y.backward()
    assert a.grad.item() == 1.0 and b.grad.item() == 1.0


JUNK = st.recursive(
    st.one_of(st.none(), st.text(max_size=3), st.floats(allow_nan=True), st.integers(-5, 5),
              st.booleans(), st.builds(object), st.dictionaries(st.text(max_size=2),
                                                                st.integers(), max_size=2)),
    lambda children: st.lists(children, max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(JUNK)
def test_no_tensor_ever_holds_objects_or_strings(data):
    try:
        t = Tensor(data)
    except (TypeError, ValueError) as error:
        assert str(error).startswith("Tensor: ")
        return
    assert t.dtype.kind in "biuf"


@settings(max_examples=100, deadline=None)
@given(JUNK)
def test_no_operand_ever_becomes_an_object_array(data):
    x = Tensor([1.0, 2.0])
    try:
        out = x * data
    except (TypeError, ValueError) as error:
        assert str(error).startswith(("operator *: ", "Mul: "))
        return
    assert out.dtype.kind in "biuf"


def test_a_numpy_array_fed_to_a_module_gives_the_values_and_gradients_of_a_tensor(torch):
    rng = np.random.default_rng(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2)).double()
    x = rng.standard_normal((5, 3))
    out_np = model(x)
    out_np.sum().backward()
    grads_np = [p.grad.data.copy() for p in model.parameters()]
    model.zero_grad()
    out_t = model(Tensor(x))
    out_t.sum().backward()
    assert np.array_equal(out_np.data, out_t.data)
    assert all(np.array_equal(g, p.grad.data) for g, p in zip(grads_np, model.parameters()))
    reference = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(),
                                    torch.nn.Linear(4, 2)).double()
    reference.load_state_dict({k: torch.tensor(v.data) for k, v in model.state_dict().items()})
    reference(torch.tensor(x)).sum().backward()
    for g, q in zip(grads_np, reference.parameters()):
        np.testing.assert_allclose(g, q.grad.numpy(), rtol=1e-12, atol=1e-14)
    # and against central differences: the first layer's weight, with the input a numpy array
    w = Tensor(model[0].weight.data.copy(), requires_grad=True)
    assert gradcheck(lambda w: (model[2](model[1](Tensor(x) @ w.T + model[0].bias))).sum(), (w,))


def test_a_numpy_array_fed_to_a_module_is_not_copied_and_not_changed():
    x = np.ones((2, 3), dtype=np.float32)
    nn.Linear(3, 2)(x).sum().backward()
    assert (x == 1).all()


def test_grad_outputs_as_a_numpy_array_is_the_gradient_of_the_one_output_as_in_backward(torch):
    rng = np.random.default_rng(1)
    a_np, v = rng.standard_normal((2, 3)), rng.standard_normal((2, 3))
    a = Tensor(a_np, requires_grad=True)
    (g,) = tg.grad(a.tanh(), [a], grad_outputs=v)
    a.tanh().backward(v)
    assert np.array_equal(g.data, a.grad.data)
    (g_list,) = tg.grad(a.tanh(), [a], grad_outputs=[v])
    assert np.array_equal(g_list.data, g.data)
    ta = torch.tensor(a_np, requires_grad=True)
    (tg_,) = torch.autograd.grad(ta.tanh(), [ta], grad_outputs=torch.tensor(v))
    np.testing.assert_allclose(g.data, tg_.numpy(), rtol=1e-14)


def test_a_number_as_gradient_of_a_scalar_scales_it_in_grad_and_backward():
    a = Tensor([1.0, 2.0], requires_grad=True)
    (g,) = tg.grad((a * a).sum(), a, grad_outputs=3.0)
    (a * a).sum().backward(3.0)
    assert g.tolist() == a.grad.tolist() == [6.0, 12.0]


def test_the_error_for_the_old_misleading_grad_outputs_case_names_the_real_shapes():
    """`grad(y, [a], grad_outputs=np.ones((2, 3)))` for y of shape (2, 3) used to iterate the
    array and complain about shape (3,); now it works, and a real mismatch names both."""
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    (g,) = tg.grad(a * 2, [a], grad_outputs=np.ones((2, 3)))
    assert g.shape == (2, 3)
    with pytest.raises(RuntimeError, match=r"grad_outputs has shape \(3, 2\).*\(2, 3\)"):
        tg.grad(a * 2, [a], grad_outputs=np.ones((3, 2)))


def test_reshape_with_two_inferred_dims_names_the_real_reason():
    with pytest.raises(ValueError, match="only one of them may be -1") as info:
        Tensor.ones(2, 3).reshape(-1, -1)
    assert "number of elements" not in str(info.value)
