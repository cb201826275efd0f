"""How a tinygrad_edu result is compared with PyTorch's for one op_db sample: the values, the
input gradients for a fixed upstream gradient, and the second derivatives (PyTorch's gradgradcheck
question, asked of both libraries: differentiate the first gradients, built with create_graph,
with respect to the inputs and the upstream gradient, for a second fixed upstream gradient).

Each `compare_*` returns None when the two agree, else a one-line reason.
"""
import math

import numpy as np

import tinygrad_edu
from tinygrad_edu import Tensor

VALUE_TOL = dict(rtol=1e-7, atol=1e-9)
GRAD_TOL = dict(rtol=1e-6, atol=1e-8)
UPSTREAM_SEED = 20261205


def leaves_of(value, kind):
    """Every tensor of class `kind` inside a (nested) argument structure, in order."""
    if isinstance(value, kind):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in leaves_of(v, kind)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in leaves_of(v, kind)]
    return []


def as_numpy_results(value, torch):
    """A result as a flat list of numpy arrays (tensors) or Python values, in order."""
    if isinstance(value, torch.Tensor):
        return [value.detach().resolve_conj().resolve_neg().numpy(force=True)]
    if isinstance(value, Tensor):
        return [value.data]
    if isinstance(value, (list, tuple)):
        return [a for v in value for a in as_numpy_results(v, torch)]
    if isinstance(value, (bool, int, float, np.generic, np.ndarray)) or value is None:
        return [value]
    if isinstance(value, torch.dtype):
        return [str(value).replace("torch.", "")]
    if isinstance(value, np.dtype):
        return [value.name]
    return [value]


def _dtype_name(a):
    return np.asarray(a).dtype.name


def compare_values(ours, theirs, tol, torch, what, numbers=True):
    """None when they agree, else a one-line reason. With `numbers=False` only the shapes and
    dtypes are compared (for results whose values PyTorch leaves undefined)."""
    ours_list, theirs_list = as_numpy_results(ours, torch), as_numpy_results(theirs, torch)
    if len(ours_list) != len(theirs_list):
        return f"{what}: {len(ours_list)} result(s), PyTorch {len(theirs_list)}"
    for k, (o, t) in enumerate(zip(ours_list, theirs_list)):
        if isinstance(t, np.ndarray):
            if not isinstance(o, np.ndarray):
                return f"{what} {k}: got {type(o).__name__}, PyTorch a tensor"
            if o.shape != t.shape:
                return f"{what} {k}: shape {o.shape}, PyTorch {t.shape}"
            if _dtype_name(o) != _dtype_name(t):
                return f"{what} {k}: dtype {o.dtype}, PyTorch {t.dtype}"
            if not numbers:
                continue
            if t.dtype.kind in "fc":
                bad = ~np.isclose(o, t, equal_nan=True, **tol)
                if bad.any():
                    i = tuple(int(j) for j in np.argwhere(bad)[0])
                    return f"{what} {k}: at {i} {o[i]!r}, PyTorch {t[i]!r} ({int(bad.sum())} differ)"
            elif not np.array_equal(o, t):
                return f"{what} {k}: {int((o != t).sum())} of {t.size} values differ"
        elif isinstance(t, float) and isinstance(o, (float, int, np.number)):
            if not (math.isclose(o, t, rel_tol=tol["rtol"], abs_tol=tol["atol"])
                    or (math.isnan(t) and math.isnan(o))):
                return f"{what} {k}: {o!r}, PyTorch {t!r}"
        elif o != t and not (isinstance(o, np.ndarray) and o.shape == () and o.item() == t):
            return f"{what} {k}: {o!r}, PyTorch {t!r}"
    return None


def _upstream(shape, k):
    rng = np.random.default_rng(UPSTREAM_SEED + 7919 * k)
    return rng.standard_normal(shape)


def _as_arrays(grads, targets, torch):
    """Gradients as numpy arrays, zeros where a library answered None (input unused)."""
    return [np.zeros(tuple(t.shape)) if g is None else as_numpy_results(g, torch)[0]
            for g, t in zip(grads, targets)]


def _compare_arrays(ours, theirs, torch, what, tol=None):
    for k, (o, t) in enumerate(zip(ours, theirs)):
        problem = compare_values(Tensor(o, dtype=o.dtype), torch.tensor(t), tol or GRAD_TOL, torch,
                                 f"{what} {k}")
        if problem:
            return problem
    return None


class _Side:
    """One library's half of a gradient comparison: its differentiable results, the inputs
    PyTorch differentiates, and its `grad` function and tensor constructor."""

    def __init__(self, outs, ins, grad, make):
        self.outs, self.ins, self.grad, self.make = outs, ins, grad, make

    def first(self, ups, create_graph):
        seeds = [self.make(u, o.dtype, create_graph) for u, o in zip(ups, self.outs)]
        grads = self.grad(self.outs, self.ins, seeds, retain_graph=True, create_graph=create_graph,
                          allow_unused=True)
        return list(grads), seeds

    def second(self, firsts, seeds, vs):
        """d<firsts, vs> / d(inputs, upstream seeds): what gradgradcheck differentiates."""
        targets = self.ins + seeds
        pairs = [(g, self.make(v, g.dtype, False)) for g, v in zip(firsts, vs)
                 if g is not None and g.requires_grad]
        if not pairs:
            return [None] * len(targets), targets
        grads = self.grad([g for g, _ in pairs], targets, [v for _, v in pairs], allow_unused=True)
        return list(grads), targets


def _sides(ours_out, theirs_out, our_leaves, their_leaves, torch):
    """Both sides, or a reason they cannot be compared (None, None, reason)."""
    t_outs = [t for t in leaves_of(theirs_out, torch.Tensor) if t.requires_grad]
    o_outs = [o for o in leaves_of(ours_out, Tensor) if o.requires_grad]
    wanted = [k for k, t in enumerate(their_leaves) if t.requires_grad]
    if not t_outs or not wanted:
        return None, None, None
    if len(o_outs) != len(t_outs):
        return None, None, f"gradient: {len(o_outs)} differentiable result(s), PyTorch {len(t_outs)}"
    o_ins = [our_leaves[k] for k in wanted]
    if not all(t.requires_grad for t in o_ins):
        return None, None, "gradient: an input that requires grad in PyTorch does not here"
    theirs = _Side(t_outs, [their_leaves[k] for k in wanted], torch.autograd.grad,
                   lambda u, dtype, rg: torch.tensor(u, dtype=dtype, requires_grad=rg))
    ours = _Side(o_outs, o_ins, tinygrad_edu.grad,
                 lambda u, dtype, rg: Tensor(u, dtype=dtype, requires_grad=rg))
    return ours, theirs, None


def _count(tally, key):
    if tally is not None:
        tally[key] = tally.get(key, 0) + 1


def compare_gradients(ours_out, theirs_out, our_leaves, their_leaves, torch, second_order=False,
                      tally=None, tol=None):
    """Input gradients of both results for the same fixed upstream gradient, and with
    `second_order` their derivatives too; None when equal. Both graphs are kept (retain_graph),
    so the first and second order can be asked of the same results. `tally` (a dict) counts
    the samples compared at each order."""
    ours, theirs, reason = _sides(ours_out, theirs_out, our_leaves, their_leaves, torch)
    if ours is None:
        return reason
    ups = [_upstream(tuple(t.shape), k) for k, t in enumerate(theirs.outs)]
    t_first, t_seeds = theirs.first(ups, second_order)
    o_first, o_seeds = ours.first(ups, second_order)
    problem = _compare_arrays(_as_arrays(o_first, ours.ins, torch),
                              _as_arrays(t_first, theirs.ins, torch), torch, "gradient of input",
                              tol)
    _count(tally, "first_order")
    if problem or not second_order:
        return problem
    vs = [_upstream(tuple(t.shape), 1000 + k) for k, t in enumerate(theirs.ins)]
    try:
        t_second, t_targets = theirs.second(t_first, t_seeds, vs)
    except RuntimeError:                # PyTorch has no second derivative here: nothing to compare
        return None
    _count(tally, "second_order")
    try:
        o_second, o_targets = ours.second(o_first, o_seeds, vs)
    except Exception as error:
        return f"second order raised {type(error).__name__}: {str(error)[:160]}"
    return _compare_arrays(_as_arrays(o_second, o_targets, torch),
                           _as_arrays(t_second, t_targets, torch), torch,
                           "second derivative with respect to (inputs, upstream gradients), number",
                           tol)
