"""Property-based tests (hypothesis) of broadcasting's adjoint: for random broadcast-compatible
shape pairs, the gradients of a+b, a-b, a*b, a/b have the input shapes and equal the broadcast
gradient summed over every output position that reads each input element."""
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

from tinygrad_edu import Tensor

SETTINGS = settings(max_examples=40, deadline=None)

# name: (op, d(out)/da, d(out)/db) with numpy arrays already broadcast to the output shape
OPS = {
    "add": (lambda a, b: a + b, lambda a, b: np.ones_like(a), lambda a, b: np.ones_like(b)),
    "sub": (lambda a, b: a - b, lambda a, b: np.ones_like(a), lambda a, b: -np.ones_like(b)),
    "mul": (lambda a, b: a * b, lambda a, b: b, lambda a, b: a),
    "div": (lambda a, b: a / b, lambda a, b: 1 / b, lambda a, b: -a / b ** 2),
}


def reduce_by_index(grad_out, shape):
    """The adjoint of broadcasting computed the slow, obvious way: every output position reads
    one input element (found by broadcasting an array of element numbers), so the input's
    gradient is a bincount of the output gradient over those element numbers."""
    numbers = np.broadcast_to(np.arange(int(np.prod(shape))).reshape(shape), grad_out.shape)
    return np.bincount(numbers.ravel(), weights=grad_out.ravel(),
                       minlength=int(np.prod(shape))).reshape(shape)


@pytest.mark.parametrize("name", OPS)
@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=4, max_side=3),
       seed=st.integers(0, 2 ** 16))
def test_broadcast_gradients_are_reduced_to_the_input_shapes(name, shapes, seed):
    op, da, db = OPS[name]
    a_shape, b_shape = shapes.input_shapes
    rng = np.random.default_rng(seed)
    a = rng.uniform(-2, 2, a_shape)
    b = rng.uniform(0.5, 2, b_shape) * rng.choice([-1, 1], b_shape)   # away from 0 for div
    w = rng.standard_normal(shapes.result_shape)
    ta, tb = Tensor(a, requires_grad=True), Tensor(b, requires_grad=True)
    out = op(ta, tb)
    assert out.shape == shapes.result_shape
    np.testing.assert_allclose(out.data, op(a, b), rtol=1e-14)
    (out * Tensor(w)).sum().backward()
    A, B = np.broadcast_to(a, out.shape), np.broadcast_to(b, out.shape)
    assert ta.grad.shape == a_shape and tb.grad.shape == b_shape
    np.testing.assert_allclose(ta.grad.data, reduce_by_index(w * da(A, B), a_shape),
                               rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(tb.grad.data, reduce_by_index(w * db(A, B), b_shape),
                               rtol=1e-12, atol=1e-12)


@SETTINGS
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=1, max_dims=3, max_side=3),
       seed=st.integers(0, 2 ** 16))
def test_expand_then_sum_back_is_the_identity_on_gradients(shapes, seed):
    # expand(x) to the result shape: the gradient of sum(w * expand(x)) is w reduced to x's shape
    x_shape, result = shapes.input_shapes[0], shapes.result_shape
    rng = np.random.default_rng(seed)
    w = rng.standard_normal(result)
    x = Tensor(rng.standard_normal(x_shape), requires_grad=True)
    (x.expand(*result) * Tensor(w)).sum().backward()
    assert x.grad.shape == x_shape
    np.testing.assert_allclose(x.grad.data, reduce_by_index(w, x_shape), rtol=1e-12, atol=1e-12)


@SETTINGS
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=4).map(tuple),
       data=st.data())
def test_sum_over_random_axes_broadcasts_the_gradient_back(shape, data):
    axes = data.draw(st.lists(st.integers(0, len(shape) - 1), unique=True, max_size=len(shape)))
    keepdims = data.draw(st.booleans())
    x = Tensor(np.random.default_rng(0).standard_normal(shape), requires_grad=True)
    out = x.sum(axis=tuple(axes), keepdims=keepdims)
    np.testing.assert_allclose(out.data, x.data.sum(axis=tuple(axes), keepdims=keepdims),
                               rtol=1e-12, atol=1e-12)
    w = np.random.default_rng(1).standard_normal(out.shape)
    (out * Tensor(w)).sum().backward()
    expected = np.broadcast_to(np.expand_dims(w, tuple(axes)) if not keepdims else w, shape)
    np.testing.assert_allclose(x.grad.data, expected, rtol=1e-12)
