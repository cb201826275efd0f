"""Run PyTorch's own op test database (`op_db`, its OpInfos) against tinygrad_edu.

For every OpInfo whose name exists here, each float64 CPU sample input is run in both
libraries: the values (shape, dtype and numbers), then the input gradients for one fixed
upstream gradient, and each of PyTorch's error inputs must raise here too. `python
tests/differential/op_db_runner.py [names...]` prints the counts and every disagreement;
`test_op_db.py` turns the same run into tests.

PyTorch is only a reference (never imported by the library); its test helpers need the
small `expecttest` package, whose absence is bridged with a stand-in (only its TestCase
base class is used when op_db is imported).
"""
import math
import sys
import types
import unittest
from dataclasses import dataclass, field

import numpy as np

import tinygrad_edu
from tinygrad_edu import Tensor

VALUE_TOL = dict(rtol=1e-7, atol=1e-9)
GRAD_TOL = dict(rtol=1e-6, atol=1e-8)
UPSTREAM_SEED = 20261205


def load_op_db():
    """PyTorch's OpInfo list (importing it takes several seconds)."""
    try:
        import expecttest  # noqa: F401
    except ImportError:
        stand_in = types.ModuleType("expecttest")
        stand_in.TestCase, stand_in.ACCEPT = unittest.TestCase, False
        sys.modules["expecttest"] = stand_in
    from torch.testing._internal.common_methods_invocations import op_db
    return op_db


# ---------------------------------------------------------------- finding our op
def _nn_functional():
    from tinygrad_edu.nn import functional
    return functional


def our_callable(opinfo):
    """Our function for an OpInfo: ('function', f), ('method', name), ('property', name) or None."""
    name = opinfo.name
    if (name, opinfo.variant_test_name) in ADAPTERS:
        return ("adapter", ADAPTERS[name, opinfo.variant_test_name])
    if name.startswith("nn.functional."):
        fn = getattr(_nn_functional(), name[len("nn.functional."):], None)
        return ("function", fn) if callable(fn) else None
    if "." in name:                     # linalg., special., fft., masked., signal., sparse.
        parts = name.split(".")
        module = tinygrad_edu
        for part in parts[:-1]:
            module = getattr(module, part, None) if module is not None else None
        fn = getattr(module, parts[-1], None) if module is not None else None
        return ("function", fn) if callable(fn) else None
    attribute = Tensor.__dict__.get(name) if name in Tensor.__dict__ else None
    for klass in Tensor.__mro__:
        if name in klass.__dict__:
            attribute = klass.__dict__[name]
            break
    if isinstance(attribute, property):
        return ("property", name)
    fn = getattr(tinygrad_edu, name, None) if not name.startswith("_") else None
    if callable(fn) and not isinstance(fn, type) and not isinstance(fn, np.dtype):
        return ("function", fn)
    if attribute is not None and callable(getattr(Tensor, name, None)):
        return ("method", name)
    return None


# ---------------------------------------------------------------- translating arguments
def to_ours(value, torch):
    """A torch value (tensor, dtype, size, nested containers) as its tinygrad_edu counterpart."""
    if isinstance(value, torch.Tensor):
        data = value.detach().cpu().resolve_conj().resolve_neg().numpy().copy()
        return Tensor(data, dtype=data.dtype, requires_grad=bool(value.requires_grad))
    if isinstance(value, torch.dtype):
        return np.dtype(str(value).replace("torch.", "")) if value != torch.bool else np.dtype(bool)
    if isinstance(value, torch.device):
        return str(value)
    if isinstance(value, (torch.memory_format, torch.layout)):
        return str(value).replace("torch.", "")
    if isinstance(value, torch.Size):
        return tuple(value)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(to_ours(v, torch) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(to_ours(v, torch) for v in value)
    if isinstance(value, dict):
        return {k: to_ours(v, torch) for k, v in value.items()}
    return value


def leaves_of(value, kind):
    """Every tensor of class `kind` inside a (nested) argument structure, in order."""
    if isinstance(value, kind):
        return [value]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in leaves_of(v, kind)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in leaves_of(v, kind)]
    return []


# OpInfos whose `op` is a lambda that reorders arguments (PyTorch's own wrappers): the same
# reordering for ours. Keyed by (name, variant_test_name).
ADAPTERS = {
    ("where", ""): lambda x, condition, other, **kw: tinygrad_edu.where(condition, x, other, **kw),
    ("normal", "number_mean"): lambda std, mean, *a, **kw: tinygrad_edu.normal(mean, std, *a, **kw),
    ("normal", "in_place"): lambda x, *a, **kw: x.normal_(*a, **kw),
    ("zero_", ""): lambda x: x.clone().zero_(),
    ("einsum", ""): lambda tensors, equation: tinygrad_edu.einsum(equation, tensors),
    ("nn.functional.embedding", ""): lambda weight, idx, **kw: _nn_functional().embedding(
        idx, weight, **kw),
}


def call_ours(how, sample_input, args, kwargs):
    kind, target = how
    # the random ops run under PyTorch's `wrapper_set_seed` (seed 42): the same seed here
    tinygrad_edu.manual_seed(42)
    if kind == "adapter":
        return target(sample_input, *args, **kwargs)
    if kind == "property":
        return getattr(sample_input, target)
    if kind == "method":
        if not isinstance(sample_input, Tensor):
            raise TypeError(f"harness: {target} exists here only as a Tensor method")
        return getattr(sample_input, target)(*args, **kwargs)
    return target(sample_input, *args, **kwargs)


# ---------------------------------------------------------------- comparing
def as_numpy_results(value, torch):
    """A result as a flat list of numpy arrays (tensors) or Python values, in order."""
    if isinstance(value, torch.Tensor):
        return [value.detach().resolve_conj().resolve_neg().numpy()]
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


def compare_values(ours, theirs, tol, torch, what):
    """None when they agree, else a one-line reason."""
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


def compare_gradients(ours_out, theirs_out, our_leaves, their_leaves, torch):
    """Input gradients of both results for the same fixed upstream gradient; None when equal."""
    t_outs = [t for t in leaves_of(theirs_out, torch.Tensor) if t.requires_grad]
    o_outs = [o for o in leaves_of(ours_out, Tensor) if o.requires_grad]
    wanted = [k for k, t in enumerate(their_leaves) if t.requires_grad]
    if not t_outs or not wanted:
        return None
    if len(o_outs) != len(t_outs):
        return f"gradient: {len(o_outs)} differentiable result(s), PyTorch {len(t_outs)}"
    ups = [_upstream(tuple(t.shape), k) for k, t in enumerate(t_outs)]
    t_grads = torch.autograd.grad(t_outs, [their_leaves[k] for k in wanted],
                                  [torch.tensor(u, dtype=t.dtype) for u, t in zip(ups, t_outs)],
                                  allow_unused=True)
    o_ins = [our_leaves[k] for k in wanted]
    if not all(t.requires_grad for t in o_ins):
        return "gradient: an input that requires grad in PyTorch does not here"
    o_grads = tinygrad_edu.grad(o_outs, o_ins, [Tensor(u, dtype=o.dtype) for u, o in zip(ups, o_outs)],
                                allow_unused=True)
    for k, (o, t, leaf) in enumerate(zip(o_grads, t_grads, o_ins)):
        o = np.zeros(leaf.shape) if o is None else o.data
        t = np.zeros(leaf.shape) if t is None else t.detach().numpy(force=True)
        problem = compare_values(Tensor(o, dtype=np.asarray(o).dtype), torch.tensor(t), GRAD_TOL, torch,
                                 f"gradient of input {wanted[k]}")
        if problem:
            return problem
    return None


# ---------------------------------------------------------------- running
@dataclass
class OpReport:
    name: str
    variant: str
    samples: int = 0
    agreeing: int = 0
    errors: int = 0
    errors_raised: int = 0
    problems: list = field(default_factory=list)

    @property
    def label(self):
        return self.name + (f".{self.variant}" if self.variant else "")


def _describe(sample, torch):
    def d(v):
        if isinstance(v, torch.Tensor):
            return f"T{tuple(v.shape)}"
        if isinstance(v, (list, tuple)):
            return "[" + ", ".join(d(x) for x in v) + "]"
        return repr(v)
    kw = ", ".join(f"{k}={d(v)}" for k, v in sample.kwargs.items())
    return f"({d(sample.input)}, {', '.join(d(a) for a in sample.args)}{', ' + kw if kw else ''})"


def run_sample(how, opinfo, sample, torch):
    """None when the sample agrees, else a reason."""
    try:
        theirs = opinfo.op(sample.input, *sample.args, **sample.kwargs)
    except Exception as error:          # PyTorch itself refuses (rare): not a sample to compare
        return f"PyTorch raised {type(error).__name__}"
    their_leaves = leaves_of((sample.input, sample.args, sample.kwargs), torch.Tensor)
    ours_input, ours_args, ours_kwargs = to_ours((sample.input, sample.args, sample.kwargs), torch)
    our_leaves = leaves_of((ours_input, ours_args, ours_kwargs), Tensor)
    try:
        ours = call_ours(how, ours_input, ours_args, ours_kwargs)
    except Exception as error:
        return f"raised {type(error).__name__}: {str(error)[:160]}"
    problem = compare_values(ours, theirs, VALUE_TOL, torch, "result")
    if problem or not opinfo.supports_autograd:
        return problem
    process = sample.output_process_fn_grad
    try:
        theirs_g = process(theirs)
        ours_g = process(ours)
    except Exception as error:
        return f"harness: output_process_fn_grad failed on ours ({type(error).__name__}: {error})"
    try:
        return compare_gradients(ours_g, theirs_g, our_leaves, their_leaves, torch)
    except Exception as error:
        return f"gradient raised {type(error).__name__}: {str(error)[:160]}"


def run_opinfo(opinfo, torch, accept_errors=False):
    """Every float64 CPU sample of one OpInfo, and its error inputs (with `accept_errors`, an
    error input that does not raise here is counted but not reported: a deliberate difference)."""
    report = OpReport(opinfo.name, opinfo.variant_test_name)
    how = our_callable(opinfo)
    if how is None:
        return None
    torch.manual_seed(0)
    dtype = torch.float64 if torch.float64 in opinfo.supported_dtypes("cpu") else None
    if dtype is not None:
        samples = opinfo.sample_inputs("cpu", dtype, requires_grad=opinfo.supports_autograd)
        for sample in samples:
            report.samples += 1
            problem = run_sample(how, opinfo, sample, torch)
            if problem is None:
                report.agreeing += 1
            else:
                report.problems.append(f"{_describe(sample, torch)}: {problem}")
    if opinfo.error_inputs_func is not None:
        try:
            error_inputs = list(opinfo.error_inputs("cpu"))
        except Exception:
            error_inputs = []
        for error_input in error_inputs:
            report.errors += 1
            sample = error_input.sample_input
            try:
                ours_input, ours_args, ours_kwargs = to_ours(
                    (sample.input, sample.args, sample.kwargs), torch)
                call_ours(how, ours_input, ours_args, ours_kwargs)
            except Exception:
                report.errors_raised += 1
            else:
                if accept_errors or _number_operand(sample):
                    continue
                report.problems.append(f"error input {_describe(sample, torch)}: PyTorch raises "
                                       f"{error_input.error_type.__name__} "
                                       f"({error_input.error_regex!r}), ours returned")
    return report


def _number_operand(sample):
    """Whether a Python number stands where PyTorch wants a tensor operand: accepted here on
    purpose (API.md: arithmetic takes "tensors or Python numbers on either side")."""
    operands = (sample.input,) + tuple(sample.args[:1])
    return any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in operands)


def matched_opinfos(op_db):
    return [op for op in op_db if our_callable(op) is not None]


def main(argv):
    import time
    import torch
    start = time.time()
    op_db = load_op_db()
    loaded = time.time()
    tinygrad_edu.set_default_dtype(np.float64)
    torch.set_default_dtype(torch.float64)
    names = set(argv)
    reports = []
    for opinfo in matched_opinfos(op_db):
        if names and opinfo.name not in names:
            continue
        began = time.time()
        report = run_opinfo(opinfo, torch)
        reports.append(report)
        flag = "ok " if not report.problems else "BAD"
        print(f"{flag} {report.label}: {time.time() - began:.2f} s, "
              f"{report.agreeing}/{report.samples} samples, "
              f"{report.errors_raised}/{report.errors} error inputs raise")
        for p in report.problems[:4]:
            print("      ", p)
    ops = {r.name for r in reports}
    good = {r.name for r in reports} - {r.name for r in reports if r.problems}
    print(f"op_db import {loaded - start:.1f} s, run {time.time() - loaded:.1f} s")
    print(f"ops matched {len(ops)} (OpInfos {len(reports)}), agreeing on everything {len(good)}; "
          f"samples {sum(r.samples for r in reports)}, agreeing {sum(r.agreeing for r in reports)}; "
          f"error inputs {sum(r.errors for r in reports)}, raising {sum(r.errors_raised for r in reports)}")


if __name__ == "__main__":
    main(sys.argv[1:])
