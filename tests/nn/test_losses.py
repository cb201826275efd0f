"""Losses: closed forms, gradients (gradcheck and textbook formulas), stability, PyTorch parity."""
import numpy as np
import pytest

from tinygrad_edu import nn
from tinygrad_edu.nn import functional as F
from tinygrad_edu import Tensor, gradcheck

RNG = np.random.default_rng(7)
REDUCE = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}


def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


# ---------------------------------------------------------------- values against closed forms

def _closed_forms():
    """(name, fn(input, target, reduction), input, target, per-element closed form)."""
    x, y = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
    p, t = RNG.uniform(0.05, 0.95, (5,)), RNG.integers(0, 2, 5).astype(np.float64)
    z = RNG.normal(scale=3.0, size=(5,))
    s, sign = RNG.normal(size=(6,)), RNG.choice([-1.0, 1.0], 6)
    logits, classes = RNG.normal(size=(5, 4)), RNG.integers(0, 4, 5)
    log_probs = np.log(_softmax(RNG.normal(size=(5, 4))))
    return [
        ("mse", F.mse_loss, x, y, (x - y) ** 2),
        ("l1", F.l1_loss, x, y, np.abs(x - y)),
        ("bce", F.binary_cross_entropy, p, t, -(t * np.log(p) + (1 - t) * np.log(1 - p))),
        ("bce_logits", F.binary_cross_entropy_with_logits, z, t,
         -(t * np.log(_sigmoid(z)) + (1 - t) * np.log(1 - _sigmoid(z)))),
        ("hinge", F.hinge_loss, s, sign, np.maximum(0.0, 1.0 - sign * s)),
        # seed 002, 3.2: -log softmax(z)_y = -z_y + log sum_i exp z_i
        ("cross_entropy", F.cross_entropy, logits, classes,
         -logits[np.arange(5), classes] + np.log(np.exp(logits).sum(1))),
        ("nll", F.nll_loss, log_probs, classes, -log_probs[np.arange(5), classes]),
    ]


CLOSED = _closed_forms()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("name, fn, x, y, expected", CLOSED, ids=[c[0] for c in CLOSED])
def test_value_matches_closed_form(name, fn, x, y, expected, reduction):
    target = y if y.dtype.kind in "iu" else Tensor(y)
    out = fn(Tensor(x), target, reduction=reduction)
    np.testing.assert_allclose(out.data, REDUCE[reduction](expected), rtol=1e-12, atol=1e-12)
    assert out.shape == np.shape(REDUCE[reduction](expected))


@pytest.mark.parametrize("name, fn, x, y, expected", CLOSED, ids=[c[0] for c in CLOSED])
def test_gradcheck_float64(name, fn, x, y, expected):
    inputs = [Tensor(x, requires_grad=True)]
    if name in ("mse", "l1"):                       # these are differentiable in the target too
        inputs.append(Tensor(y, requires_grad=True))
        assert gradcheck(lambda a, b: fn(a, b, reduction="sum"), inputs)
    else:
        target = y if y.dtype.kind in "iu" else Tensor(y)
        assert gradcheck(lambda a: fn(a, target, reduction="mean"), inputs)


def test_gradients_match_the_textbook_formulas():
    n = 5
    z, t = RNG.normal(size=(n, 3)), RNG.integers(0, 3, n)
    zt = Tensor(z, requires_grad=True)
    F.cross_entropy(zt, t).backward()
    np.testing.assert_allclose(zt.grad.data, (_softmax(z) - np.eye(3)[t]) / n, rtol=1e-12)

    z, y = RNG.normal(size=n), RNG.integers(0, 2, n).astype(np.float64)
    zt = Tensor(z, requires_grad=True)
    F.binary_cross_entropy_with_logits(zt, Tensor(y)).backward()
    np.testing.assert_allclose(zt.grad.data, (_sigmoid(z) - y) / n, rtol=1e-12)

    # seed 000, Corollary 2.1: dl/df = -y where y f < 1, and 0 where y f > 1
    s, y = np.array([2.0, 0.5, -0.3, -2.0]), np.array([1.0, 1.0, -1.0, -1.0])
    st = Tensor(s, requires_grad=True)
    F.hinge_loss(st, Tensor(y), reduction="sum").backward()
    np.testing.assert_array_equal(st.grad.data, [0.0, -1.0, 1.0, 0.0])

    x, y = RNG.normal(size=n), RNG.normal(size=n)
    xt = Tensor(x, requires_grad=True)
    F.mse_loss(xt, Tensor(y)).backward()
    np.testing.assert_allclose(xt.grad.data, 2 * (x - y) / n, rtol=1e-12)


# ---------------------------------------------------------------- extreme logits

@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_is_finite_for_logits_of_1e4(dtype):
    z = Tensor(np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0]], dtype=dtype), requires_grad=True)
    loss = F.cross_entropy(z, np.array([1, 1]))
    loss.backward()
    assert np.isfinite(loss.item()) and np.all(np.isfinite(z.grad.data))
    np.testing.assert_allclose(loss.item(), 1e4 / 2, rtol=1e-6)     # -z_y + max z = 1e4, then 0
    np.testing.assert_allclose(z.grad.data, [[0.5, -0.5, 0.0], [0.0, 0.0, 0.0]], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_is_finite_for_logits_of_1e4(dtype):
    z = Tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype=dtype), requires_grad=True)
    y = Tensor(np.array([1.0, 0.0, 0.0, 1.0], dtype=dtype))
    loss = F.binary_cross_entropy_with_logits(z, y, reduction="none")
    loss.sum().backward()
    np.testing.assert_allclose(loss.data, [0.0, 0.0, 1e4, 1e4], rtol=1e-6)
    np.testing.assert_allclose(z.grad.data, [0.0, 0.0, 1.0, -1.0], atol=1e-6)


def test_bce_at_saturated_probabilities_is_clamped_like_pytorch():
    p = Tensor(np.array([0.0, 1.0, 0.0, 1.0]), requires_grad=True)
    loss = F.binary_cross_entropy(p, Tensor([1.0, 0.0, 0.0, 1.0]), reduction="none")
    np.testing.assert_allclose(loss.data, [100.0, 100.0, 0.0, 0.0], atol=1e-12)
    loss.sum().backward()
    assert np.all(np.isfinite(p.grad.data))


# ---------------------------------------------------------------- options

def test_class_weights_and_ignore_index_closed_form():
    logp = np.log(_softmax(RNG.normal(size=(6, 3))))
    target = np.array([0, 2, -100, 1, 2, -100])
    w = np.array([0.5, 2.0, 1.0])
    kept = target != -100
    picked = -logp[np.arange(6)[kept], target[kept]] * w[target[kept]]
    out = F.nll_loss(Tensor(logp), target, weight=w)
    np.testing.assert_allclose(out.item(), picked.sum() / w[target[kept]].sum(), rtol=1e-12)
    none = F.nll_loss(Tensor(logp), target, weight=w, reduction="none").data
    np.testing.assert_allclose(none[kept], picked, rtol=1e-12)
    np.testing.assert_array_equal(none[~kept], 0.0)
    x = Tensor(logp, requires_grad=True)
    assert gradcheck(lambda a: F.nll_loss(a, target, weight=w), (x,))


def test_probability_targets_equal_class_targets_when_one_hot():
    z = RNG.normal(size=(4, 3))
    t = RNG.integers(0, 3, 4)
    np.testing.assert_allclose(F.cross_entropy(Tensor(z), np.eye(3)[t]).item(),
                               F.cross_entropy(Tensor(z), t).item(), rtol=1e-12)


# ---------------------------------------------------------------- modules

@pytest.mark.parametrize("module, fn, x, y", [
    (nn.MSELoss, F.mse_loss, RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))),
    (nn.L1Loss, F.l1_loss, RNG.normal(size=(3, 2)), RNG.normal(size=(3, 2))),
    (nn.BCELoss, F.binary_cross_entropy, RNG.uniform(0.1, 0.9, 4), RNG.uniform(0, 1, 4)),
    (nn.BCEWithLogitsLoss, F.binary_cross_entropy_with_logits, RNG.normal(size=4),
     RNG.uniform(0, 1, 4)),
    (nn.HingeLoss, F.hinge_loss, RNG.normal(size=4), np.array([1.0, -1.0, -1.0, 1.0])),
    (nn.CrossEntropyLoss, F.cross_entropy, RNG.normal(size=(4, 3)), np.array([0, 2, 1, 1])),
    (nn.NLLLoss, F.nll_loss, RNG.normal(size=(4, 3)), np.array([0, 2, 1, 1])),
])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_modules_wrap_the_functions(module, fn, x, y, reduction):
    criterion = module(reduction=reduction)
    expected = fn(Tensor(x), y, reduction=reduction).data
    np.testing.assert_array_equal(criterion(Tensor(x), y).data, expected)
    assert f"reduction='{reduction}'" in repr(criterion)
    assert list(criterion.parameters()) == []


def test_loss_modules_reject_unknown_reduction():
    with pytest.raises(ValueError, match="CrossEntropyLoss: reduction must be one of"):
        nn.CrossEntropyLoss(reduction="avg")
    with pytest.raises(ValueError, match="mse_loss: reduction must be one of"):
        F.mse_loss(Tensor([1.0]), Tensor([1.0]), reduction="avg")


# ---------------------------------------------------------------- errors

def test_bad_targets_raise_clear_errors():
    z = Tensor(RNG.normal(size=(3, 4)))
    with pytest.raises(TypeError, match=r"integer class indices.*float32.*astype"):
        F.nll_loss(z, np.array([0.0, 1.0, 2.0], dtype=np.float32))
    with pytest.raises(ValueError, match=r"targets of shape \(3,\).*\(3, 1\)"):
        F.cross_entropy(z, np.array([[0], [1], [2]]))
    with pytest.raises(IndexError, match=r"class index 4 is out of range for 4 classes"):
        F.cross_entropy(z, np.array([0, 4, 1]))
    with pytest.raises(IndexError, match=r"class index -1 is out of range"):
        F.cross_entropy(z, np.array([0, -1, 1]))
    with pytest.raises(ValueError, match=r"mse_loss: input shape \(3, 1\) and target shape \(3,\)"):
        F.mse_loss(Tensor.ones(3, 1), Tensor.ones(3))
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*sigmoid"):
        F.binary_cross_entropy(Tensor([0.5, 1.5]), Tensor([1.0, 0.0]))
    with pytest.raises(ValueError, match=r"labels must be -1 or \+1.*2 \* y - 1"):
        F.hinge_loss(Tensor([0.5, 1.5]), Tensor([1.0, 0.0]))
    with pytest.raises(TypeError, match="reduction='sum'"):
        F.nll_loss(z, np.array([0, 1, 2]), "sum")
    with pytest.raises(ValueError, match=r"one entry per class, shape \(4,\)"):
        F.cross_entropy(z, np.array([0, 1, 2]), weight=np.ones(3))


# ---------------------------------------------------------------- PyTorch as reference

def _torch_cases(torch):
    tf = torch.nn.functional
    logits3 = RNG.normal(size=(4, 3, 5))                # K-dimensional: (N, C, d1)
    t3 = RNG.integers(0, 3, (4, 5))
    logits, t = RNG.normal(size=(6, 4)), np.array([0, 3, -100, 1, 2, 3])
    w = RNG.uniform(0.5, 2.0, 4)
    probs = _softmax(RNG.normal(size=(6, 4)))
    z, y = RNG.normal(scale=3, size=(5, 2)), RNG.uniform(0, 1, (5, 2))
    pw = np.array([3.0, 0.5])
    return [
        ("mse", lambda a, r: F.mse_loss(a, Tensor(y), reduction=r),
         lambda a, r: tf.mse_loss(a, torch.tensor(y), reduction=r), z),
        ("l1", lambda a, r: F.l1_loss(a, Tensor(y), reduction=r),
         lambda a, r: tf.l1_loss(a, torch.tensor(y), reduction=r), z),
        ("bce", lambda a, r: F.binary_cross_entropy(a, Tensor(y), reduction=r),
         lambda a, r: tf.binary_cross_entropy(a, torch.tensor(y), reduction=r), _sigmoid(z)),
        ("bce_logits_pos_weight",
         lambda a, r: F.binary_cross_entropy_with_logits(a, Tensor(y), reduction=r, pos_weight=pw),
         lambda a, r: tf.binary_cross_entropy_with_logits(a, torch.tensor(y), reduction=r,
                                                          pos_weight=torch.tensor(pw)), z),
        ("ce_kdim", lambda a, r: F.cross_entropy(a, t3, reduction=r),
         lambda a, r: tf.cross_entropy(a, torch.tensor(t3), reduction=r), logits3),
        ("ce_weight_ignore", lambda a, r: F.cross_entropy(a, t, weight=w, reduction=r),
         lambda a, r: tf.cross_entropy(a, torch.tensor(t), weight=torch.tensor(w), reduction=r),
         logits),
        ("ce_probs", lambda a, r: F.cross_entropy(a, probs, reduction=r),
         lambda a, r: tf.cross_entropy(a, torch.tensor(probs), reduction=r), logits),
        ("ce_1d", lambda a, r: F.cross_entropy(a, np.array(2), reduction=r),
         lambda a, r: tf.cross_entropy(a, torch.tensor(2), reduction=r), logits[0]),
        ("nll_kdim", lambda a, r: F.nll_loss(a.log_softmax(1), t3, reduction=r),
         lambda a, r: tf.nll_loss(a.log_softmax(1), torch.tensor(t3), reduction=r), logits3),
    ]


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_matches_pytorch_values_and_gradients(reduction):
    torch = pytest.importorskip("torch")
    for name, ours, ref, x in _torch_cases(torch):
        xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
        lo, lt = ours(xo, reduction), ref(xt, reduction)
        np.testing.assert_allclose(lo.data, lt.detach().numpy(), rtol=1e-10, atol=1e-12,
                                   err_msg=name)
        seed = RNG.normal(size=lo.shape)
        (lo * Tensor(seed)).sum().backward()
        (lt * torch.tensor(seed)).sum().backward()
        np.testing.assert_allclose(xo.grad.data, xt.grad.numpy(), rtol=1e-9, atol=1e-12,
                                   err_msg=name)
