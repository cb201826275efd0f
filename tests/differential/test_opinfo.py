"""Every op of the table in opinfo.py against PyTorch in float64: values and dtypes, every input
gradient, Hessian-vector products (double backward), and "both raise" on bad input.

Skipped as a whole when PyTorch is not installed (it is an optional reference); the program
generator in test_programs.py also checks against central differences, which needs nothing.
"""
import numpy as np
import pytest

import tinygrad_edu
from differential_helpers import (OURS, torch_namespace, outputs_of, weighted_sum, dense,
                                  assert_close, GRAD_TOL)
from opinfo import OPS

torch = pytest.importorskip("torch")
THEIRS = torch_namespace(torch)

CASES = [pytest.param(op, sample, id=f"{op.name}-{k}") for op in OPS for k, sample in
         enumerate(op.samples)]
RAISING = [pytest.param(op, sample, id=f"{op.name}-{k}") for op in OPS for k, sample in
           enumerate(op.raises)]


@pytest.fixture(autouse=True)
def _float64_everywhere():
    """Both libraries make float64 from Python numbers and promote ints/bools to float64."""
    tinygrad_edu.set_default_dtype(np.float64)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def _leaves(L, sample):
    return [L.tensor(a, requires_grad=a.dtype.kind == "f") for a in sample.arrays]


def _run(L, op, sample):
    leaves = _leaves(L, sample)
    outs, side = outputs_of(op.fn(L, *leaves))
    return leaves, outs, side


def _dtype_name(t):
    return str(t.dtype).replace("torch.", "")


def test_the_table_covers_the_edges():
    notes = " ".join(str(sample) for op in OPS for sample in op.samples)
    for edge in ("empty", "bool", "int", "ties", "0-d", "broadcast", "float64()"):
        assert edge in notes, f"no sample of the table has {edge!r}"
    assert sum(len(op.raises) for op in OPS) >= 15
    assert len(CASES) >= 200


@pytest.mark.parametrize("op, sample", CASES)
def test_values_and_gradients_match_pytorch(op, sample):
    leaves_o, outs_o, side_o = _run(OURS, op, sample)
    leaves_t, outs_t, side_t = _run(THEIRS, op, sample)
    assert len(outs_o) == len(outs_t) and len(side_o) == len(side_t)
    for k, (o, t) in enumerate(zip(outs_o + side_o, outs_t + side_t)):
        assert type(o.data) is np.ndarray, f"output {k}: .data is a {type(o.data)}"
        assert _dtype_name(o) == _dtype_name(t), f"output {k}: dtype {o.dtype} vs PyTorch's {t.dtype}"
        assert_close(o.data, THEIRS.numpy(t), f"{op.name} {sample}: value of output {k}")
    wanted = [i for i, a in enumerate(sample.arrays) if a.dtype.kind == "f"]
    used_o = [o for o in outs_o if o.requires_grad]
    used_t = [t for t in outs_t if t.requires_grad]
    assert len(used_o) == len(used_t)
    if not wanted or not used_o:
        return
    rng = np.random.default_rng(len(op.name))
    weights = [rng.standard_normal(o.shape) for o in used_o]
    grads_o = OURS.grad(weighted_sum(OURS, used_o, weights), [leaves_o[i] for i in wanted],
                        allow_unused=True)
    grads_t = THEIRS.grad(weighted_sum(THEIRS, used_t, weights), [leaves_t[i] for i in wanted],
                          allow_unused=True)
    for i, go, gt in zip(wanted, grads_o, grads_t):
        if go is not None:
            assert type(go.data) is np.ndarray and go.dtype == sample.arrays[i].dtype
        assert_close(dense(OURS, go, sample.arrays[i]), dense(THEIRS, gt, sample.arrays[i]),
                     f"{op.name} {sample}: gradient of input {i}", GRAD_TOL)


def _hessian_vector(L, op, sample, wanted, rng_seed):
    leaves, outs, _ = _run(L, op, sample)
    used = [o for o in outs if o.requires_grad]
    rng = np.random.default_rng(rng_seed)
    weights = [rng.standard_normal(o.shape) for o in used]
    ins = [leaves[i] for i in wanted]
    first = L.grad(weighted_sum(L, used, weights), ins, create_graph=True, allow_unused=True)
    vs = [rng.standard_normal(t.shape) for t in ins]
    terms = [g for g in first if g is not None and g.requires_grad]
    if not terms:
        return [None] * len(ins)
    second = weighted_sum(L, terms, [v for g, v in zip(first, vs) if g is not None
                                     and g.requires_grad])
    return L.grad(second, ins, allow_unused=True)


SECOND = [c for c in CASES if c.values[0].second_order and c.values[1].second_order
          and any(a.dtype.kind == "f" and a.size for a in c.values[1].arrays)]


@pytest.mark.parametrize("op, sample", SECOND)
def test_second_derivatives_match_pytorch(op, sample):
    wanted = [i for i, a in enumerate(sample.arrays) if a.dtype.kind == "f"]
    ours = _hessian_vector(OURS, op, sample, wanted, 3)
    theirs = _hessian_vector(THEIRS, op, sample, wanted, 3)
    for i, ho, ht in zip(wanted, ours, theirs):
        assert_close(dense(OURS, ho, sample.arrays[i]), dense(THEIRS, ht, sample.arrays[i]),
                     f"{op.name} {sample}: Hessian-vector product for input {i}", GRAD_TOL)


@pytest.mark.parametrize("op, sample", RAISING)
def test_both_raise(op, sample):
    with pytest.raises(Exception) as theirs:
        _run(THEIRS, op, sample)
    with pytest.raises((ValueError, TypeError, IndexError, RuntimeError)) as ours:
        _run(OURS, op, sample)
    message = str(ours.value)
    assert len(message) > 20 and "Traceback" not in message, (
        f"{op.name}: our error {message!r} does not explain itself (PyTorch: {theirs.value})")
    assert not ours.type.__module__.startswith("numpy"), f"{op.name}: numpy's {ours.type} leaked"
