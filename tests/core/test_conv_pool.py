"""Convolution, pooling and dropout primitives: forward against loop-by-loop references,
gradients against float64 central differences and against the closed forms of seed 002
(weight gradient = sum over output positions; input gradient = full correlation with the
rot180 kernel), second derivatives, PyTorch where installed, layouts and bad input."""
import itertools

import numpy as np
import pytest

from tinygrad_edu import Tensor, Generator, gradcheck, gradgradcheck, grad
from tinygrad_edu.ops.conv import (Conv2d, Conv2dInputGrad, Conv2dWeightGrad, Window,
                                   conv_output_size)
from tinygrad_edu.ops.pool import MaxPool2dRoute, MaxPool2dGather, manual_seed

RNG = np.random.default_rng(0)


def rand(*shape, seed=None):
    return (RNG if seed is None else np.random.default_rng(seed)).standard_normal(shape)


def leaf(array):
    return Tensor(np.array(array, dtype=np.float64), requires_grad=True)


def naive_conv2d(x, w, b=None, stride=(1, 1), padding=(0, 0), dilation=(1, 1)):
    """Convolution (cross-correlation) with explicit loops over every output position."""
    (n, _, h, wd), (o, _, kh, kw) = x.shape, w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding[0],) * 2, (padding[1],) * 2))
    oh = conv_output_size(h, kh, stride[0], padding[0], dilation[0])
    ow = conv_output_size(wd, kw, stride[1], padding[1], dilation[1])
    out = np.zeros((n, o, oh, ow))
    for r, q in itertools.product(range(oh), range(ow)):
        rows = r * stride[0] + dilation[0] * np.arange(kh)
        cols = q * stride[1] + dilation[1] * np.arange(kw)
        patch = xp[:, :, rows][:, :, :, cols]                       # (N, C, kH, kW)
        out[:, :, r, q] = np.einsum("ncij,ocij->no", patch, w)
    return out if b is None else out + b[None, :, None, None]


def naive_pool(x, k, s, p, reduce):
    """max or mean over every window, explicit loops; padding is -inf (max) or 0 (mean)."""
    fill = -np.inf if reduce is np.max else 0.0
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), constant_values=fill)
    oh, ow = conv_output_size(x.shape[2], k, s, p), conv_output_size(x.shape[3], k, s, p)
    out = np.zeros(x.shape[:2] + (oh, ow))
    for r, q in itertools.product(range(oh), range(ow)):
        out[:, :, r, q] = reduce(xp[:, :, r * s:r * s + k, q * s:q * s + k], axis=(2, 3))
    return out


def projected(fn, seed=0):
    """fn followed by a sum with fixed random weights: one scalar whose gradient is the whole
    vector-Jacobian product (keeps gradcheck to one output row)."""
    def scalar(*inputs):
        out = fn(*inputs)
        return (out * Tensor(np.random.default_rng(seed).standard_normal(out.shape))).sum()
    return scalar


# ---------------------------------------------------------------- output size (seed 002)
@pytest.mark.parametrize("size,k,s,p,d", [(28, 3, 1, 0, 1), (28, 3, 2, 1, 1), (7, 3, 2, 0, 1),
                                          (10, 3, 1, 2, 2), (5, 5, 1, 0, 1), (9, 2, 3, 1, 3)])
def test_output_size_formula_matches_counted_windows_and_ops(size, k, s, p, d):
    extent = d * (k - 1) + 1
    counted = len(range(0, size + 2 * p - extent + 1, s))     # window starts that fit
    assert conv_output_size(size, k, s, p, d) == counted
    x = Tensor(rand(1, 1, size, size))
    assert x.conv2d(Tensor(rand(1, 1, k, k)), stride=s, padding=p, dilation=d).shape[2:] \
        == (counted, counted)


# ---------------------------------------------------------------- forward vs loops
CONV_CASES = [  # (x shape, w shape, stride, padding, dilation, bias)
    ((2, 3, 7, 6), (4, 3, 3, 3), (1, 1), (0, 0), (1, 1), True),
    ((2, 2, 9, 8), (3, 2, 3, 2), (2, 1), (1, 2), (1, 1), True),
    ((1, 2, 10, 9), (2, 2, 2, 3), (3, 2), (2, 0), (2, 3), False),
    ((2, 1, 5, 5), (2, 1, 5, 5), (1, 1), (0, 0), (1, 1), True),
    ((1, 3, 6, 6), (2, 3, 1, 1), (2, 2), (1, 1), (1, 1), False),
]


@pytest.mark.parametrize("xs,ws,s,p,d,bias", CONV_CASES)
@pytest.mark.parametrize("x_grad", [True, False])      # the two GEMM layouts (see conv.py)
def test_conv2d_forward_matches_loops(xs, ws, s, p, d, bias, x_grad):
    x, w, b = rand(*xs), rand(*ws), rand(ws[0]) if bias else None
    out = Tensor(x, requires_grad=x_grad).conv2d(Tensor(w), None if b is None else Tensor(b),
                                                 stride=s, padding=p, dilation=d)
    np.testing.assert_allclose(out.data, naive_conv2d(x, w, b, s, p, d), rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- closed forms of seed 002
def test_weight_gradient_is_the_sum_over_all_output_positions():
    """dL/dw[o,c,i,j] = sum_{n,r,q} dL/dy[n,o,r,q] * x[n,c,r*s+i*d, q*s+j*d]: weight sharing."""
    x, w, g = rand(2, 2, 7, 8), rand(3, 2, 3, 2), rand(2, 3, 4, 6)
    s, p, d = (2, 1), (1, 0), (1, 2)
    tw = leaf(w)
    out = Tensor(x).conv2d(tw, stride=s, padding=p, dilation=d)
    assert out.shape == g.shape
    out.backward(Tensor(g))
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)))
    expected = np.zeros_like(w)
    for o, c, i, j in itertools.product(*map(range, w.shape)):
        for n, r, q in itertools.product(range(2), range(4), range(6)):
            row, col = r * s[0] + i * d[0], q * s[1] + j * d[1]
            expected[o, c, i, j] += g[n, o, r, q] * xp[n, c, row, col]
    np.testing.assert_allclose(tw.grad.data, expected, rtol=1e-12, atol=1e-12)


def test_input_gradient_is_full_correlation_with_rot180_kernel():
    """For stride 1, no padding: dL/dx = sum_o fullcorr(dL/dy[o], rot180(w[o, c]))."""
    x, w, g = rand(2, 2, 6, 5), rand(3, 2, 3, 2), rand(2, 3, 4, 4)
    tx = leaf(x)
    tx.conv2d(Tensor(w)).backward(Tensor(g))
    kh, kw = w.shape[2:]
    g_full = np.pad(g, ((0, 0), (0, 0), (kh - 1, kh - 1), (kw - 1, kw - 1)))
    rot = w[:, :, ::-1, ::-1]
    expected = np.zeros_like(x)
    for n, c, r, q in itertools.product(*map(range, x.shape)):
        expected[n, c, r, q] = np.sum(g_full[n, :, r:r + kh, q:q + kw] * rot[:, c])
    np.testing.assert_allclose(tx.grad.data, expected, rtol=1e-12, atol=1e-12)


# ---------------------------------------------------------------- gradcheck (float64)
@pytest.mark.parametrize("xs,ws,s,p,d,bias", CONV_CASES)
def test_conv2d_gradcheck(xs, ws, s, p, d, bias):
    inputs = [leaf(rand(*xs)), leaf(rand(*ws))] + ([leaf(rand(ws[0]))] if bias else [])
    assert gradcheck(projected(lambda x, w, *b: x.conv2d(w, *b, stride=s, padding=p,
                                                         dilation=d)), inputs)


def test_conv2d_gradcheck_full_jacobian_and_weight_only():
    x, w, b = leaf(rand(1, 2, 4, 4)), leaf(rand(2, 2, 2, 2)), leaf(rand(2))
    assert gradcheck(lambda x, w, b: x.conv2d(w, b, padding=1, stride=2), [x, w, b])
    const_x = Tensor(rand(2, 2, 5, 5))     # input without grad: the other GEMM layout
    assert gradcheck(projected(lambda w, b: const_x.conv2d(w, b, padding=1)), [w, b])


@pytest.mark.parametrize("s,p,d,bias", [(1, 0, 1, True), (2, 1, 1, False), (1, 2, 2, True),
                                        (3, 0, 1, True)])
def test_conv1d_gradcheck_and_loops(s, p, d, bias):
    x, w, b = rand(2, 3, 11), rand(4, 3, 3), rand(4) if bias else None
    out = Tensor(x).conv1d(Tensor(w), None if b is None else Tensor(b), s, p, d)
    expected = naive_conv2d(x[:, :, None], w[:, :, None], b, (1, s), (0, p), (1, d))[:, :, 0]
    np.testing.assert_allclose(out.data, expected, rtol=1e-12, atol=1e-12)
    inputs = [leaf(x), leaf(w)] + ([leaf(b)] if bias else [])
    assert gradcheck(projected(lambda x, w, *b: x.conv1d(w, *b, stride=s, padding=p,
                                                         dilation=d)), inputs)


@pytest.mark.parametrize("flat", [True, False])
def test_gradient_primitives_gradcheck_directly(flat):
    """The input- and weight-gradient ops are bilinear primitives with their own backward."""
    win = Window((5, 6), (2, 3), (1, 1), (1, 0), (2, 1), flat=flat)
    g, w, x = leaf(rand(2, 3, 5, 4)), leaf(rand(3, 2, 2, 3)), leaf(rand(2, 2, 5, 6))
    assert Conv2d.apply(x, w, win=win).shape == g.shape
    assert gradcheck(projected(lambda g, w: Conv2dInputGrad.apply(g, w, win=win)), [g, w])
    assert gradcheck(projected(lambda x, g: Conv2dWeightGrad.apply(x, g, win=win)), [x, g])


@pytest.mark.parametrize("s,p", [(1, 1), (2, 0)])
def test_conv2d_gradgradcheck(s, p):
    """create_graph through conv: second derivatives (x-x through tanh, x-w cross terms)."""
    x, w, b = leaf(rand(1, 2, 4, 4)), leaf(rand(2, 2, 2, 2)), leaf(rand(2))
    assert gradgradcheck(lambda x, w, b: x.conv2d(w, b, stride=s, padding=p).tanh(), [x, w, b])


def test_hessian_vector_product_through_conv_and_pool():
    """A Hessian-vector product of a conv-pool net, against differences of gradients."""
    w, x = rand(2, 1, 3, 3), rand(2, 1, 6, 6)
    v = rand(*w.shape)

    def gradient(w_array):
        tw = leaf(w_array)
        loss = (Tensor(x).conv2d(tw, padding=1).tanh().max_pool2d(2) ** 2).sum()
        return grad(loss, tw, create_graph=True)[0], tw

    g, tw = gradient(w)
    (hv,) = grad((g * Tensor(v)).sum(), tw)
    eps = 1e-6
    numeric = (gradient(w + eps * v)[0].data - gradient(w - eps * v)[0].data) / (2 * eps)
    np.testing.assert_allclose(hv.data, numeric, rtol=1e-5, atol=1e-7)


# ---------------------------------------------------------------- pooling
POOL_CASES = [(2, None, 0), (3, 2, 1), (3, 1, 1), (2, 1, 0), (3, 3, 0), ((2, 3), (1, 2), (1, 1))]


@pytest.mark.parametrize("k,s,p", POOL_CASES[:5])
@pytest.mark.parametrize("op,reduce", [("max_pool2d", np.max), ("avg_pool2d", np.mean)])
def test_pool_forward_matches_loops(k, s, p, op, reduce):
    x = rand(2, 3, 7, 8)
    out = getattr(Tensor(x), op)(k, s, p)
    np.testing.assert_allclose(out.data, naive_pool(x, k, k if s is None else s, p, reduce),
                               rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("k,s,p", POOL_CASES)
@pytest.mark.parametrize("op", ["max_pool2d", "avg_pool2d"])
def test_pool_gradcheck(k, s, p, op):
    assert gradcheck(projected(lambda x: getattr(x, op)(k, s, p)), [leaf(rand(1, 2, 6, 7))])


def test_pool1d_matches_2d_and_gradchecks():
    x = rand(2, 3, 9)
    for op in ("max_pool", "avg_pool"):
        out = getattr(Tensor(x), op + "1d")(3, 2, 1)
        ref = getattr(Tensor(x[:, :, None]), op + "2d")((1, 3), (1, 2), (0, 1))
        np.testing.assert_array_equal(out.data, ref.data[:, :, 0])
        assert gradcheck(projected(lambda t: getattr(t, op + "1d")(3, 2, 1)), [leaf(x)])


def test_max_pool_ties_send_the_gradient_to_one_winner():
    """All-equal windows (e.g. ReLU zeros): the first cell in row-major order gets it all."""
    x = leaf(np.zeros((1, 1, 4, 4)))
    x.max_pool2d(2).sum().backward()
    expected = np.zeros((4, 4))
    expected[::2, ::2] = 1.0
    np.testing.assert_array_equal(x.grad.data[0, 0], expected)
    y = leaf(np.array([[[[1.0, 3.0, 3.0], [3.0, 0.0, 3.0], [2.0, 3.0, 1.0]]]]))
    y.max_pool2d(2, 1).sum().backward()          # overlapping windows, every max is a tie
    assert y.grad.data.sum() == 4 and y.grad.data[0, 0, 0, 1] == 2


def test_max_pool_route_and_gather_are_adjoint_and_second_order_works():
    x = rand(2, 2, 6, 5)
    out = leaf(x).max_pool2d(3, 2, 1)
    node = out.grad_fn
    g, u = rand(*out.shape), rand(*x.shape)
    routed = MaxPool2dRoute.apply(Tensor(g), argmax=node.argmax, win=node.win).data
    gathered = MaxPool2dGather.apply(Tensor(u), argmax=node.argmax, win=node.win).data
    assert np.isclose(np.sum(routed * u), np.sum(g * gathered))
    np.testing.assert_array_equal(
        MaxPool2dGather.apply(Tensor(x), argmax=node.argmax, win=node.win).data, out.data)
    # each op of the pair is the other's backward: check both as functions of their input
    small = leaf(rand(1, 2, 4, 4)).max_pool2d(3, 2, 1).grad_fn
    for op, shape in ((MaxPool2dRoute, (1, 2, 2, 2)), (MaxPool2dGather, (1, 2, 4, 4))):
        assert gradcheck(projected(lambda t: op.apply(t, argmax=small.argmax, win=small.win)),
                         [leaf(rand(*shape))])
    # second order through pooling: the tanh after the pool makes Route's input depend on x
    w = leaf(rand(2, 2, 2, 2))
    assert gradgradcheck(lambda x, w: (x.conv2d(w) ** 2).max_pool2d(2, 1).tanh(),
                         [leaf(rand(1, 2, 4, 4)), w])
    assert gradgradcheck(lambda x: (x ** 3).avg_pool2d(2, 1, 1).tanh(), [leaf(rand(1, 1, 3, 3))])


# ---------------------------------------------------------------- layouts and dtypes
def test_strided_and_transposed_inputs_give_the_same_results():
    x, w = rand(2, 3, 12, 10), rand(4, 3, 3, 3)
    odd_views = [x[:, :, ::2], x.transpose(1, 0, 2, 3).copy().transpose(1, 0, 2, 3),
                 np.asfortranarray(x)[:, :, 1:]]
    for view in odd_views:
        for need in (True, False):
            out = Tensor(view, requires_grad=need).conv2d(Tensor(w), padding=1)
            np.testing.assert_allclose(out.data, naive_conv2d(np.ascontiguousarray(view), w,
                                                              padding=(1, 1)), atol=1e-12)
            pooled = out.max_pool2d(2)
            np.testing.assert_allclose(pooled.data, naive_pool(out.data, 2, 2, 0, np.max))
            assert pooled.flatten(1).shape == (2, 4 * pooled.shape[2] * pooled.shape[3])


def test_float32_stays_float32_through_forward_and_backward():
    x = Tensor(rand(2, 1, 8, 8).astype(np.float32), requires_grad=True)
    w = Tensor(rand(3, 1, 3, 3).astype(np.float32), requires_grad=True)
    out = x.conv2d(w, padding=1).relu().max_pool2d(2).avg_pool2d(2)
    out.sum().backward()
    assert out.dtype == x.grad.dtype == w.grad.dtype == np.float32


# ---------------------------------------------------------------- dropout
def test_dropout_scales_kept_values_and_drops_about_p():
    manual_seed(0)
    x = Tensor(np.ones(200_000, dtype=np.float32))
    out = x.dropout(0.3).data
    assert set(np.unique(out).tolist()) == {0.0, np.float32(1 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.005
    assert abs(out.mean() - 1.0) < 0.01          # inverted dropout keeps the expectation


def test_dropout_identity_cases_seed_and_bad_p():
    x = Tensor(rand(5, 4))
    assert x.dropout(0.0) is x and x.dropout(0.5, training=False) is x
    manual_seed(3)
    a = x.dropout(0.5).data
    manual_seed(3)
    np.testing.assert_array_equal(a, x.dropout(0.5).data)
    for p in (-0.1, 1.5, "0.5"):
        with pytest.raises(ValueError, match=r"dropout: p .* \[0, 1\]"):
            x.dropout(p)
    dropped = leaf(rand(5, 4)).dropout(1.0)          # p = 1, as PyTorch: zeros, gradient 0
    assert not dropped.data.any()


def test_dropout_gradient_is_the_same_mask():
    x = leaf(rand(6, 5))
    out = x.dropout(0.4, generator=Generator().manual_seed(1))
    out.backward(Tensor(np.ones(out.shape)))
    np.testing.assert_allclose(x.grad.data, np.where(out.data != 0, 1 / 0.6, 0.0))
    assert gradcheck(projected(lambda t: t.dropout(0.4, generator=Generator().manual_seed(1))),
                     [x])


# ---------------------------------------------------------------- bad input
@pytest.mark.parametrize("call,pattern", [
    (lambda: Tensor.ones(2, 3, 8, 8).conv2d(Tensor.ones(4, 2, 3, 3)),
     r"conv2d: input of shape \(2, 3, 8, 8\) has 3 channels but weight of shape \(4, 2, 3, 3\)"),
    (lambda: Tensor.ones(1, 1, 4, 4).conv2d(Tensor.ones(1, 1, 5, 5), padding=0),
     r"conv2d: kernel .* larger than the padded input \(4, 4\)"),
    (lambda: Tensor.ones(8, 8).conv2d(Tensor.ones(4, 3, 3, 3)),
     r"conv2d: expected a 4-D input \(N, C, H, W\), or a 3-D one without the batch dim, got "
     r"shape \(8, 8\)"),
    (lambda: Tensor.ones(1, 3, 8, 8).conv2d(Tensor.ones(4, 3, 3)),
     r"conv2d: weight must be 4-D"),
    (lambda: Tensor.ones(1, 3, 8, 8).conv2d(Tensor.ones(4, 3, 3, 3), Tensor.ones(3)),
     r"conv2d: bias of shape \(3,\) does not fit weight of shape \(4, 3, 3, 3\)"),
    (lambda: Tensor.ones(1, 3, 8, 8).conv2d(Tensor.ones(4, 3, 3, 3), stride=0),
     r"conv2d: stride must be an int >= 1"),
    (lambda: Tensor.ones(2, 3, 8).conv1d(Tensor.ones(4, 2, 3)),
     r"conv1d: input of shape \(2, 3, 8\) has 3 channels"),
    (lambda: Tensor.ones(2, 3, 4).conv1d(Tensor.ones(4, 3, 7)),
     r"conv1d: kernel of size 7 .* larger than the padded input length 4"),
    (lambda: Tensor.ones(2, 3, 8, 8).conv1d(Tensor.ones(4, 3, 3)),
     r"conv1d: expected a 3-D input \(N, C, L\), or a 2-D one without the batch dim, got shape "
     r"\(2, 3, 8, 8\)"),
    (lambda: Tensor.ones(1, 1, 3, 3).max_pool2d(4),
     r"max_pool2d: kernel of size \(4, 4\) .* larger than the padded input \(3, 3\)"),
    (lambda: Tensor.ones(1, 1, 6, 6).avg_pool2d(2, padding=2),
     r"avg_pool2d: padding \(2, 2\) must be at most half the kernel size \(2, 2\)"),
    (lambda: Tensor.ones(6, 6).max_pool2d(2), r"max_pool2d: expected a 4-D input"),
    (lambda: Tensor(np.ones((1, 1, 4, 4), dtype=np.int64)).avg_pool2d(2),
     r"avg_pool2d: input has dtype int64.*\.float\(\)"),
])
def test_bad_input_raises_clear_errors(call, pattern):
    with pytest.raises((ValueError, TypeError), match=pattern):
        call()


# ---------------------------------------------------------------- PyTorch reference
def test_against_pytorch_forward_and_gradients(torch):
    F = torch.nn.functional

    def compare(tg_fn, torch_fn, arrays):
        ours = [leaf(a) for a in arrays]
        theirs = [torch.tensor(a, requires_grad=True) for a in arrays]
        out, ref = tg_fn(*ours), torch_fn(*theirs)
        np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-10, atol=1e-10)
        seed = rand(*out.shape)
        out.backward(Tensor(seed))
        ref.backward(torch.tensor(seed))
        for a, b in zip(ours, theirs):
            np.testing.assert_allclose(a.grad.data, b.grad.numpy(), rtol=1e-10, atol=1e-10)

    for xs, ws, s, p, d, bias in CONV_CASES:
        arrays = [rand(*xs), rand(*ws)] + ([rand(ws[0])] if bias else [])
        compare(lambda x, w, *b: x.conv2d(w, *b, stride=s, padding=p, dilation=d),
                lambda x, w, *b: F.conv2d(x, w, *b, stride=s, padding=p, dilation=d), arrays)
    compare(lambda x, w, b: x.conv1d(w, b, 2, 1, 2),
            lambda x, w, b: F.conv1d(x, w, b, 2, 1, 2), [rand(2, 3, 11), rand(4, 3, 3), rand(4)])
    for k, s, p in POOL_CASES:
        x = [rand(2, 3, 7, 8)]
        compare(lambda t: t.max_pool2d(k, s, p), lambda t: F.max_pool2d(t, k, s, p), x)
        compare(lambda t: t.avg_pool2d(k, s, p), lambda t: F.avg_pool2d(t, k, s, p), x)
    relu_zeros = [np.maximum(rand(2, 2, 6, 6), 0)]          # many ties between zeros
    compare(lambda t: t.max_pool2d(2), lambda t: F.max_pool2d(t, 2), relu_zeros)
    compare(lambda t: t.max_pool1d(3, 2, 1), lambda t: F.max_pool1d(t, 3, 2, 1), [rand(2, 3, 9)])
    compare(lambda t: t.avg_pool1d(3, 2, 1), lambda t: F.avg_pool1d(t, 3, 2, 1), [rand(2, 3, 9)])
