"""Named regression tests of the backward walk: the bugs that micrograd and early tinygrad
shipped (reused nodes, deep graphs, reference cycles) and the PyTorch semantics users rely on
(accumulation, retain_graph, no_grad, retain_grad, non-scalar backward)."""
import gc
import time
import weakref

import numpy as np
import pytest

from tinygrad_edu import Tensor, grad, no_grad, enable_grad, is_grad_enabled, set_grad_enabled
from tinygrad_edu.function import Function


def leaf(values):
    return Tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


class CountingSquare(Function):
    """f(x) = x^2 that counts its backward calls (each node must be visited exactly once)."""

    calls = 0

    def forward(self, x):
        return x * x

    def backward(self, g):
        CountingSquare.calls += 1
        return g * 2 * self.inputs[0]


def test_diamond_graph():
    # x -> a = x^2 -> (b = 3a, c = a * a) -> d = b + c: a's gradient is the sum of two paths,
    # and a's node must run its backward once, with the complete sum
    CountingSquare.calls = 0
    x = leaf([1.5, -2.0])
    a = CountingSquare.apply(x)
    d = a * 3 + a * a
    d.sum().backward()
    assert CountingSquare.calls == 1
    xv = x.data                                           # d = 3x^2 + x^4
    np.testing.assert_allclose(x.grad.data, 6 * xv + 4 * xv ** 3, rtol=1e-14)


def test_stacked_diamonds_visit_each_node_once():
    # 40 stacked diamonds have 2^40 paths: a walk that follows paths instead of nodes never ends
    x = leaf([1.0])
    y = x
    for _ in range(40):
        y = y + y
    start = time.perf_counter()
    y.backward()
    assert time.perf_counter() - start < 1.0
    assert x.grad.tolist() == [2.0 ** 40]


def test_a_plus_a():
    a = leaf([3.0, -1.0])
    (a + a).sum().backward()
    assert a.grad.tolist() == [2.0, 2.0]          # both edges count, not merged into one


def test_x_times_x():
    x = leaf([3.0, -1.0])
    (x * x).sum().backward()
    assert x.grad.tolist() == [6.0, -2.0]
    y = leaf([2.0])
    (y * y * y).backward()                        # 3 y^2
    assert y.grad.tolist() == [12.0]


def test_chain_100000_ops_no_recursion_error():
    x = leaf(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.00001
    y.backward(retain_graph=True)                  # a recursive walk would hit RecursionError
    np.testing.assert_allclose(x.grad.item(), 1.00001 ** 100_000, rtol=1e-9)
    ref = weakref.ref(y.grad_fn)
    del y                                          # freeing the intact deep graph is fine too
    assert ref() is None


def test_accumulation_across_two_backward_calls():
    x = leaf([1.0, 2.0])
    (x * 3).sum().backward()
    (x * x).sum().backward()
    assert x.grad.tolist() == [3.0 + 2.0, 3.0 + 4.0]
    x.zero_grad()
    assert x.grad is None


def test_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=r"second time.*retain_graph=True"):
        y.backward()
    x.zero_grad()
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    first = x.grad.data.copy()
    y.backward()                                   # works, and accumulates
    np.testing.assert_allclose(first, np.exp(x.data) * (x.data + 1), rtol=1e-14)
    np.testing.assert_allclose(x.grad.data, 2 * first, rtol=1e-14)


def test_graph_freed_after_backward_gc():
    was_enabled = gc.isenabled()
    gc.disable()                                   # only reference counting may free the graph
    try:
        x = leaf(np.linspace(-1, 1, 6))
        h1 = x * 2
        h2 = h1.exp()
        out = (h2 * h1).sum()
        nodes = [h1.grad_fn, h2.grad_fn, out.grad_fn]
        saved = weakref.ref(h2.grad_fn.saved[0])  # Exp keeps its output array for backward
        out.backward()
        assert all(n.inputs is None and n.saved is None for n in nodes)   # released by the walk
        refs = [weakref.ref(obj) for obj in (h1, h2, out, *nodes)]
        del h1, h2, out, nodes
        assert all(r() is None for r in refs), "graph kept alive: a reference cycle remains"
        assert saved() is None
        assert x.grad is not None and x.grad.grad_fn is None

        # a graph that is never walked must not be a cycle either
        y = (x * 3).tanh().sum()
        refs = [weakref.ref(y), weakref.ref(y.grad_fn)]
        del y
        assert all(r() is None for r in refs)
    finally:
        if was_enabled:
            gc.enable()


def test_no_grad_builds_nothing():
    x = leaf([1.0, 2.0])
    with no_grad():
        assert not is_grad_enabled()
        y = (x * 2).exp().sum()
        assert y.grad_fn is None and not y.requires_grad and y.is_leaf
        with enable_grad():
            assert is_grad_enabled()
            z = x * 2
            assert z.grad_fn is not None and z.requires_grad
        assert not is_grad_enabled()
    assert is_grad_enabled()

    @no_grad()
    def evaluate(t):
        return t * 3

    assert evaluate(x).grad_fn is None and is_grad_enabled()

    with set_grad_enabled(False):
        assert (x + 1).grad_fn is None
    with pytest.raises(ZeroDivisionError):
        with no_grad():
            1 / 0
    assert is_grad_enabled()                       # restored after an exception


def test_non_leaf_grads_not_kept_unless_retain_grad():
    x = leaf([1.0, 2.0])
    h = x * 3
    kept = x * 5
    kept.retain_grad()
    (h * h + kept).sum().backward()
    assert h.grad is None and not h.is_leaf
    np.testing.assert_allclose(kept.grad.data, [1.0, 1.0])
    np.testing.assert_allclose(x.grad.data, 18 * x.data + 5)


def test_backward_of_non_scalar_needs_gradient():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    y = x * x
    with pytest.raises(RuntimeError, match=r"scalar.*\(2, 2\).*gradient="):
        y.backward()
    v = np.array([[1.0, 0.0], [2.0, -1.0]])
    y.backward(gradient=Tensor(v))                 # vector-Jacobian product: v * 2x
    np.testing.assert_allclose(x.grad.data, v * 2 * x.data)
    with pytest.raises(RuntimeError, match=r"gradient has shape \(3,\).*\(2, 2\)"):
        (x * x).backward(gradient=Tensor(np.ones(3)))


def test_backward_on_a_tensor_that_does_not_require_grad_is_an_error():
    with pytest.raises(RuntimeError, match=r"does not require grad"):
        Tensor([1.0]).sum().backward()


def test_detach_cuts_the_graph():
    x = leaf([2.0])
    y = x * x
    (y.detach() * x).backward()                   # the detached factor is a constant (4)
    assert x.grad.tolist() == [4.0]


def test_unrolled_1000_step_rnn_recurrence_matches_manual_bptt():
    # h_{t+1} = tanh(W h_t + x_t), L = sum(h_T); BPTT sums the per-step contributions to dW
    rng = np.random.default_rng(0)
    steps, n = 1000, 4
    W = rng.standard_normal((n, n)) * 0.5
    xs = rng.standard_normal((steps, n)) * 0.5
    h0 = rng.standard_normal(n)

    tw, th0 = Tensor(W, requires_grad=True), Tensor(h0, requires_grad=True)
    h = th0
    for t in range(steps):
        h = (tw @ h + Tensor(xs[t])).tanh()
    h.sum().backward()

    hs = [h0]
    for t in range(steps):
        hs.append(np.tanh(W @ hs[-1] + xs[t]))
    dW, dh = np.zeros_like(W), np.ones(n)
    for t in reversed(range(steps)):
        da = dh * (1 - hs[t + 1] ** 2)             # through tanh
        dW += np.outer(da, hs[t])
        dh = W.T @ da
    np.testing.assert_allclose(tw.grad.data, dW, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(th0.grad.data, dh, rtol=1e-10, atol=1e-300)


def test_hooks_see_and_replace_gradients():
    x = leaf([1.0, 2.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.tolist()))
    h = x * 2
    handle = h.register_hook(lambda g: g * 10)
    h.sum().backward()
    assert seen == [[20.0, 20.0]] and x.grad.tolist() == [20.0, 20.0]
    handle.remove()
    x.zero_grad()
    (x * 2).sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_leaf_gradients_are_separate_arrays():
    a, b = leaf([1.0, 2.0]), leaf([[3.0, 4.0]])
    (a + b.reshape(2)).backward(gradient=Tensor(np.ones(2)))
    assert not np.shares_memory(a.grad.data, b.grad.data)
    a.grad.data *= 0.5
    assert b.grad.tolist() == [[1.0, 1.0]]


def test_cat_and_stack_with_inputs_that_do_not_require_grad():
    a, const = leaf([1.0, 2.0]), Tensor(np.array([3.0, 4.0]))
    (Tensor.cat([const, a]) * Tensor(np.arange(4.0))).sum().backward()
    assert a.grad.tolist() == [2.0, 3.0]
    a.zero_grad()
    (Tensor.stack([a, const], dim=1) * Tensor(np.array([[1.0, 5.0], [2.0, 6.0]]))).sum().backward()
    assert a.grad.tolist() == [1.0, 2.0]


def test_grad_with_respect_to_an_intermediate_tensor():
    x = leaf([1.0, 2.0])
    h = x * 3
    gh, gx = grad((h * h).sum(), [h, x])
    np.testing.assert_allclose(gh.data, 2 * h.data)
    np.testing.assert_allclose(gx.data, 18 * x.data)
