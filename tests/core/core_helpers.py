"""Helpers of the engine tests: sampling inputs away from kinks, and the table-style op check.

`helper_test_op` is the test every op goes through (after tinygrad's helper of the same
name): the op is run in tinygrad_edu and in a reference written with numpy alone; the
forward values are compared, and every input gradient is compared with central
differences of the *numpy reference* (so the check does not trust any engine code).
"""
import numpy as np

from tinygrad_edu import Tensor, gradcheck, gradgradcheck

FORWARD_TOL = dict(rtol=1e-10, atol=1e-12)
GRAD_TOL = dict(rtol=1e-5, atol=1e-7)


def sample(rng, shape, low=-2.0, high=2.0, avoid=(), margin=0.1):
    """Uniform float64 values in [low, high) kept at least `margin` away from each point of
    `avoid` (the kinks of relu/abs/clip, or a pole), where finite differences are meaningless."""
    x = rng.uniform(low, high, shape)
    for _ in range(100):
        bad = np.zeros(np.shape(x), dtype=bool)
        for point in avoid:
            bad |= np.abs(x - point) < margin
        if not bad.any():
            return x
        x = np.where(bad, rng.uniform(low, high, np.shape(x)), x)
    raise RuntimeError(f"sample: could not keep values in [{low}, {high}) away from {avoid}")


def as_outputs(result):
    """An op's result as a list (split/chunk return tuples)."""
    return list(result) if isinstance(result, (tuple, list)) else [result]


def numeric_gradient(scalar_fn, arrays, i, eps=1e-6):
    """d scalar_fn / d arrays[i] by central differences, evaluated with numpy only."""
    x = arrays[i]
    grad = np.zeros_like(x)
    for idx in np.ndindex(*x.shape):
        original = x[idx]
        x[idx] = original + eps
        plus = scalar_fn(*arrays)
        x[idx] = original - eps
        minus = scalar_fn(*arrays)
        x[idx] = original
        grad[idx] = (plus - minus) / (2 * eps)
    return grad


def make_inputs(shapes, seed=0, **sample_options):
    """float64 arrays of the given shapes (a shape may also be a ready array)."""
    rng = np.random.default_rng(seed)
    return [np.array(s, dtype=np.float64) if isinstance(s, np.ndarray)
            else sample(rng, s, **sample_options) for s in shapes]


def helper_test_op(shapes, tg_fn, np_fn, seed=0, grad=True, **sample_options):
    """Compare `tg_fn` on Tensors with `np_fn` on arrays: forward values, then every input
    gradient of sum(w * out) for a random weight w (which exercises the full vector-Jacobian
    product, not only its row sums) against central differences of the numpy reference."""
    arrays = make_inputs(shapes, seed, **sample_options)
    tensors = [Tensor(a.copy(), requires_grad=grad) for a in arrays]
    outs = as_outputs(tg_fn(*tensors))
    expected = as_outputs(np_fn(*arrays))
    assert len(outs) == len(expected)
    for out, ref in zip(outs, expected):
        ref = np.asarray(ref)
        assert out.shape == ref.shape, f"forward shape {out.shape}, numpy gives {ref.shape}"
        np.testing.assert_allclose(out.data, ref, **FORWARD_TOL)
        assert out.dtype == np.float64, "float64 inputs must give a float64 result"
    if not grad:
        return
    rng = np.random.default_rng(seed + 1)
    weights = [rng.standard_normal(np.shape(r)) for r in expected]
    loss = sum((o * Tensor(w)).sum() for o, w in zip(outs, weights))
    loss.backward()

    def weighted(*xs):
        refs = as_outputs(np_fn(*xs))
        return sum(float(np.sum(w * np.asarray(r))) for w, r in zip(weights, refs))

    for i, (t, a) in enumerate(zip(tensors, arrays)):
        expected_grad = numeric_gradient(weighted, [x.copy() for x in arrays], i)
        assert t.grad is not None, f"input {i} got no gradient"
        assert t.grad.shape == a.shape, f"input {i}: grad shape {t.grad.shape} != {a.shape}"
        assert t.grad.dtype == np.float64
        np.testing.assert_allclose(t.grad.data, expected_grad, err_msg=f"gradient of input {i}",
                                   **GRAD_TOL)


def check_gradients(shapes, tg_fn, seed=0, second_order=True, **sample_options):
    """gradcheck (full Jacobian, central differences) and, if asked, gradgradcheck of `tg_fn`."""
    arrays = make_inputs(shapes, seed, **sample_options)
    tensors = [Tensor(a, requires_grad=True) for a in arrays]
    assert gradcheck(tg_fn, tensors)
    if second_order:
        assert gradgradcheck(tg_fn, tensors)
