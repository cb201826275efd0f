"""Regression tests of issue 11 ("wrong or crashing results"), one named test per item, and of
issue 12 items 2 and 5 (var/std's correction, max(dim)'s gradient). Values are float64; where
PyTorch is installed it is the reference, except in item 3, where it is wrong and we are not."""
import numpy as np
import pytest

import tinygrad_edu
from tinygrad_edu import Tensor, grad, gradcheck, gradgradcheck


@pytest.fixture(autouse=True)
def _float64():
    tinygrad_edu.set_default_dtype(np.float64)


def test_item1_log_softmax_and_softmax_of_a_0d_tensor():
    v = Tensor(-0.9, requires_grad=True)
    out = v.log_softmax(-1)
    assert out.shape == () and out.item() == 0.0
    out.sum().backward()
    assert v.grad.shape == () and v.grad.item() == 0.0
    w = Tensor(2.5, requires_grad=True)
    s = w.softmax(0)
    assert s.shape == () and s.item() == 1.0
    (s * 3).backward()
    assert w.grad.item() == 0.0


def test_item2_zero_to_the_power_x_has_derivative_zero():
    x = Tensor([1.5, 1.6], requires_grad=True)
    (0.0 ** x).sum().backward()
    np.testing.assert_array_equal(x.grad.data, [0.0, 0.0])
    # and the base's derivative of x ** 0 at x == 0 is 0 (x^0 is the constant 1), not nan
    a = Tensor([0.0, 2.0], requires_grad=True)
    (a ** 0.0).sum().backward()
    np.testing.assert_array_equal(a.grad.data, [0.0, 0.0])


def test_item3_mixed_second_derivative_of_pow_at_exponent_zero_where_pytorch_is_wrong():
    a = Tensor([1.8, 1.2, 2.0], requires_grad=True)
    b = Tensor(0.0, requires_grad=True)
    (ga,) = grad((a ** b).sum(), [a], create_graph=True)
    (gab,) = grad(ga.sum(), [b])
    # d/db [b a^(b-1)] = a^(b-1) (1 + b ln a), which at b = 0 is 1/a
    exact = np.sum(1 / a.data)
    np.testing.assert_allclose(gab.item(), exact, rtol=1e-12)
    # central differences of the first derivative agree ...
    eps = 1e-6
    numeric = (np.sum(eps * a.data ** (eps - 1)) - np.sum(-eps * a.data ** (-eps - 1))) / (2 * eps)
    np.testing.assert_allclose(gab.item(), numeric, rtol=1e-6)
    assert gradgradcheck(lambda a, b: (a ** b).sum(), (a, b))


def test_item3_pytorch_gets_the_mixed_derivative_wrong(torch):
    """PyTorch masks the whole base derivative where the exponent is 0 (pow_backward_self), so
    its mixed second derivative there is 0; the exact value is sum(1/a). If this test starts
    failing, PyTorch has fixed it: compare with it again."""
    a = torch.tensor([1.8, 1.2, 2.0], dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (ga,) = torch.autograd.grad((a ** b).sum(), [a], create_graph=True)
    (gab,) = torch.autograd.grad(ga.sum(), [b])
    ours = Tensor([1.8, 1.2, 2.0], requires_grad=True)
    zero = Tensor(0.0, requires_grad=True)
    (g,) = grad((ours ** zero).sum(), [ours], create_graph=True)
    (mixed,) = grad(g.sum(), [zero])
    exact = float(np.sum(1 / np.array([1.8, 1.2, 2.0])))
    assert gab.item() == 0.0 != exact
    assert mixed.item() == pytest.approx(exact, rel=1e-12)


def test_item4_grad_with_a_repeated_input_answers_both():
    x = Tensor([1.0, 2.0], requires_grad=True)
    g0, g1 = grad((x * x).sum(), [x, x])
    np.testing.assert_array_equal(g0.data, [2.0, 4.0])
    np.testing.assert_array_equal(g1.data, [2.0, 4.0])
    y = x * 3
    gy, gx, gy2 = grad((y * x).sum(), [y, x, y])
    np.testing.assert_array_equal(gy.data, x.data)
    np.testing.assert_array_equal(gy2.data, x.data)
    np.testing.assert_array_equal(gx.data, 6 * x.data)


@pytest.mark.parametrize("op", [lambda v: v.reshape(v.shape), lambda v: v.reshape(-1, 3),
                                lambda v: v.expand(2, 3), lambda v: v.expand(-1, -1),
                                lambda v: v.squeeze(), lambda v: v.flatten(0, 0),
                                lambda v: v.view(2, 3)],
                         ids=["reshape", "reshape_-1", "expand", "expand_-1", "squeeze", "flatten",
                              "view"])
def test_item5_ops_that_change_nothing_still_return_a_new_tensor(op):
    v0 = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    v1 = op(v0)
    assert v1 is not v0 and v1.shape == v0.shape and v1.grad_fn is not None
    with pytest.raises(RuntimeError, match="not used"):
        grad((v0 * v0).sum(), [v1])        # depends on v0 only, not through v1
    assert grad((v0 * v0).sum(), [v1], allow_unused=True) == (None,)
    (gv1,) = grad((v1 * 2).sum(), [v1])
    np.testing.assert_array_equal(gv1.data, 2.0)


def test_item6_flatten_with_start_after_end_raises_naming_both():
    with pytest.raises(ValueError, match=r"flatten: start_dim 2 .* end_dim 1 .*\(2, 3, 4\)"):
        Tensor.zeros(2, 3, 4).flatten(2, 1)
    assert Tensor.zeros(2, 3, 4).flatten(1, 1).shape == (2, 3, 4)
    assert Tensor.zeros(2, 3, 4).flatten(-2, -1).shape == (2, 12)


def test_item7_empty_tensors_in_softmax_log_softmax_logsumexp_and_split():
    x = Tensor(np.zeros((2, 0)), requires_grad=True)
    for fn in (lambda t: t.softmax(-1), lambda t: t.log_softmax(-1), lambda t: t.softmax(0)):
        out = fn(x)
        assert out.shape == (2, 0)
        out.sum().backward()
        assert x.grad.shape == (2, 0)
    lse = x.logsumexp(1)
    assert lse.shape == (2,) and np.all(lse.data == -np.inf)
    assert x.logsumexp(0).shape == (0,)
    pieces = Tensor(np.zeros((1, 0))).split(1, -1)
    assert len(pieces) == 1 and pieces[0].shape == (1, 0)
    assert len(Tensor(np.zeros((0, 3))).split(2)) == 1


@pytest.mark.parametrize("dtype", [np.bool_, np.int64, np.int32])
@pytest.mark.parametrize("name", ["exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "softplus",
                                  "elu", "softmax", "log_softmax", "logsumexp", "mean", "var",
                                  "std"])
def test_item8_bool_and_int_inputs_give_the_default_float_dtype(name, dtype):
    data = np.array([True, False, True]) if dtype is np.bool_ else np.array([1, 2, 4], dtype=dtype)
    for default in (np.float32, np.float64):
        tinygrad_edu.set_default_dtype(default)
        out = getattr(Tensor(data), name)()
        assert out.dtype == default, f"{name} of {np.dtype(dtype)} gave {out.dtype}"
        expected = getattr(Tensor(data.astype(np.float64)), name)().data
        np.testing.assert_allclose(out.data, expected, rtol=1e-6)


def test_item8_true_division_of_integers_gives_the_default_float_dtype():
    assert (Tensor([3]) / Tensor([2])).dtype == np.float64
    tinygrad_edu.set_default_dtype(np.float32)
    out = Tensor([3]) / 2
    assert out.dtype == np.float32 and out.item() == 1.5


def test_item9_data_is_always_an_ndarray():
    results = [Tensor([1.0, 3.0]).argmax(), Tensor([[1.0, 3.0]]).argmin(), Tensor(1.0) < Tensor(2.0),
               Tensor(1.0) == 1.0, Tensor(2.0) >= Tensor(2.0), Tensor([1.0]).all(), Tensor(0.0).any(),
               Tensor([2.0]).max(0).indices, Tensor(2.0).max(0).indices]
    for r in results:
        assert type(r.data) is np.ndarray, r
    leaf = Tensor(2.0, requires_grad=True)
    for _ in range(3):
        (leaf * 3).backward()
    assert type(leaf.grad.data) is np.ndarray and leaf.grad.data.flags.writeable
    assert leaf.grad.item() == 9.0


def test_item10_std_of_a_constant_column_has_zero_gradient_not_nan(torch):
    data = np.array([[1.0, 2.0], [1.0, 5.0], [1.0, -1.0]])
    x = Tensor(data, requires_grad=True)
    z = (x - x.mean(0, keepdim=True)) / (x.std(0, keepdim=True) + 1e-5)
    weights = np.array([[0.3, -1.0], [2.0, 0.5], [-0.7, 1.5]])
    (z * Tensor(weights)).sum().backward()
    assert np.isfinite(x.grad.data).all()
    xt = torch.tensor(data, requires_grad=True)
    zt = (xt - xt.mean(0, keepdim=True)) / (xt.std(0, keepdim=True) + 1e-5)
    (zt * torch.tensor(weights)).sum().backward()
    np.testing.assert_allclose(x.grad.data, xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    y = Tensor([3.0, 3.0, 3.0], requires_grad=True)
    y.std().backward()
    np.testing.assert_array_equal(y.grad.data, 0.0)
    # the second derivative stays finite too (the masked branch never divides by 0)
    (g,) = grad(y.std(), [y], create_graph=True)
    (h,) = grad(g.sum(), [y])
    assert np.isfinite(h.data).all()


# ---------------------------------------------------------------- issue 12, items 2 and 5

def test_var_and_std_default_to_pytorchs_correction_1(torch):
    data = np.random.default_rng(0).normal(size=(4, 5))
    x, xt = Tensor(data), torch.tensor(data)
    np.testing.assert_allclose(x.var().item(), xt.var().item(), rtol=1e-14)
    np.testing.assert_allclose(x.std(1).data, xt.std(1).numpy(), rtol=1e-14)
    for kwargs in (dict(unbiased=False), dict(correction=0), dict(correction=2)):
        np.testing.assert_allclose(x.var(dim=0, **kwargs).data, xt.var(dim=0, **kwargs).numpy(),
                                   rtol=1e-14)
        np.testing.assert_allclose(x.std(dim=(0, 1), keepdim=True, **kwargs).data,
                                   xt.std(dim=(0, 1), keepdim=True, **kwargs).numpy(), rtol=1e-14)
    np.testing.assert_allclose(x.var(0, False).data, xt.var(0, False).numpy(), rtol=1e-14)
    np.testing.assert_allclose(x.var(axis=1, ddof=0).data, data.var(axis=1), rtol=1e-14)
    np.testing.assert_allclose(x.std(axis=1, ddof=1, keepdims=True).data,
                               data.std(axis=1, ddof=1, keepdims=True), rtol=1e-14)
    with pytest.raises(TypeError, match="var: unbiased and ddof"):
        x.var(unbiased=True, ddof=1)
    with pytest.raises(ValueError, match=r"var: 1 element.*correction=1 \(the default\)"):
        Tensor([1.0]).var()
    assert gradcheck(lambda t: t.std(0) * t.var(1, unbiased=False).sum(),
                     (Tensor(data, requires_grad=True),))


def test_max_min_along_a_dim_send_the_gradient_to_the_returned_index(torch):
    data = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0], [5.0, 5.0, 5.0]])
    for name in ("max", "min"):
        x = Tensor(data, requires_grad=True)
        xt = torch.tensor(data, requires_grad=True)
        for dim, keepdim in ((1, False), (0, True), (-1, True)):
            result = getattr(x, name)(dim, keepdim=keepdim)
            ref = getattr(xt, name)(dim, keepdim=keepdim)
            assert type(result).__name__ == name and result._fields == ("values", "indices")
            values, indices = result
            np.testing.assert_array_equal(values.data, ref.values.detach().numpy())
            np.testing.assert_array_equal(indices.data, ref.indices.numpy())
            assert indices.dtype == np.int64
            w = np.arange(1.0, 1.0 + values.data.size).reshape(values.shape)
            (gx,) = grad((values * Tensor(w)).sum(), [x])
            (gt,) = torch.autograd.grad((ref.values * torch.tensor(w)).sum(), [xt])
            np.testing.assert_array_equal(gx.data, gt.numpy())
        # the full reduction (and amax over a dim) splits the gradient between ties, as PyTorch
        (gx,) = grad(getattr(x, name)(), [x])
        (gt,) = torch.autograd.grad(getattr(xt, name)(), [xt])
        np.testing.assert_array_equal(gx.data, gt.numpy())
        (gx,) = grad(getattr(x, "a" + name)(dim=1).sum(), [x])
        (gt,) = torch.autograd.grad(getattr(xt, "a" + name)(dim=1).sum(), [xt])
        np.testing.assert_array_equal(gx.data, gt.numpy())


def test_max_dim_second_order_and_0d(torch):
    x = Tensor([[0.3, -1.2], [2.0, 0.7]], requires_grad=True)
    assert gradgradcheck(lambda t: (t.max(1).values ** 3).sum(), (x,))
    values, indices = Tensor(2.0).max(0)
    assert values.shape == () and values.item() == 2.0 and indices.item() == 0
    with pytest.raises(ValueError, match="max: cannot reduce dim 1 of size 0"):
        Tensor(np.zeros((2, 0))).max(1)


REDUCTIONS = ["sum", "mean", "amax", "amin", "var", "std", "logsumexp", "prod", "argmax", "argmin",
              "all", "any"]


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("dim", [None, 0, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("keepdim", [False, True])
def test_every_reduction_takes_dim_keepdim_and_numpys_aliases(torch, name, dim, keepdim):
    data = np.random.default_rng(1).normal(size=(2, 3, 4))
    data[0, 1] = 0.0                      # zeros for all/any/prod
    if name in ("argmax", "argmin") and isinstance(dim, tuple):
        pytest.skip("argmax/argmin take one dim, as in PyTorch")
    x, xt = Tensor(data), torch.tensor(data)
    kwargs = {} if dim is None else dict(dim=dim)
    one_dim_only = ("argmax", "argmin", "all", "any", "prod")      # in PyTorch
    if dim is None and name in one_dim_only:
        expected = getattr(xt, name)().numpy()
        expected = expected.reshape((1, 1, 1)) if keepdim else expected
    elif dim is None:
        expected = getattr(xt, name)(dim=(0, 1, 2), keepdim=keepdim).numpy()
    elif isinstance(dim, tuple) and name in one_dim_only:
        numpy_fn = {"prod": lambda: np.prod(data, axis=dim, keepdims=keepdim),
                    "all": lambda: np.all(data != 0, axis=dim, keepdims=keepdim),
                    "any": lambda: np.any(data != 0, axis=dim, keepdims=keepdim)}[name]
        expected = numpy_fn()
    else:
        expected = getattr(xt, name)(**kwargs, keepdim=keepdim).numpy()
    ours = getattr(x, name)(**kwargs, keepdim=keepdim)
    aliased = getattr(x, name)(**({} if dim is None else dict(axis=dim)), keepdims=keepdim)
    positional = getattr(x, name)(dim, keepdim) if name not in ("var", "std") else ours
    for out in (ours, aliased, positional):
        assert type(out.data) is np.ndarray
        np.testing.assert_allclose(out.data, np.asarray(expected), rtol=1e-12)
    with pytest.raises(TypeError, match=f"{name}: got both dim"):
        getattr(x, name)(dim=0, axis=0)


def test_signed_zero_constants_are_not_shared():
    """Python numbers become cached constants; -0.0 and 0.0 compare equal but are not the same
    number (x * -0.0 is -0.0 for positive x), so the cache must keep them apart."""
    from tinygrad_edu import tensor, where
    x = tensor([-1.0, 2.0])
    assert np.signbit((x * -0.0).data).tolist() == [False, True]
    assert np.signbit(where(x > 0, x, 0.0).data).tolist() == [False, False]
    assert np.signbit((x * 0.0).data).tolist() == [True, False]
