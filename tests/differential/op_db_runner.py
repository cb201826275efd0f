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
import sys
import types
import unittest
from dataclasses import dataclass, field

import numpy as np

import tinygrad_edu
from op_db_compare import VALUE_TOL, compare_gradients, compare_values, leaves_of
from tinygrad_edu import Tensor


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
    if isinstance(value, torch.nn.Module):
        return _our_module(value, torch)
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return type(value)(*(to_ours(v, torch) for v in value))
    if isinstance(value, (list, tuple)):
        return type(value)(to_ours(v, torch) for v in value)
    if isinstance(value, dict):
        return {k: to_ours(v, torch) for k, v in value.items()}
    return value


def _our_module(module, torch):
    """Our counterpart of a parameter-free torch module passed as an argument (a distance
    function such as `nn.PairwiseDistance()`): the same class, with its settings copied."""
    if any(True for _ in module.parameters()):
        raise TypeError(f"harness: {type(module).__name__} has parameters; only stateless modules "
                        f"are translated")
    from tinygrad_edu import nn
    ours = getattr(nn, type(module).__name__)()
    for name, value in vars(module).items():
        if not name.startswith("_") and isinstance(value, (bool, int, float, str)):
            setattr(ours, name, value)
    return ours


# OpInfos whose `op` is a lambda that reorders arguments (PyTorch's own wrappers): the same
# reordering for ours. Keyed by (name, variant_test_name).
ADAPTERS = {
    ("where", ""): lambda x, condition, other, **kw: tinygrad_edu.where(condition, x, other, **kw),
    ("normal", "number_mean"): lambda std, mean, *a, **kw: tinygrad_edu.normal(mean, std, *a, **kw),
    ("normal", "in_place"): lambda x, *a, **kw: x.normal_(*a, **kw),
    ("zero_", ""): lambda x: x.clone().zero_(),
    ("einsum", ""): lambda tensors, equation: tinygrad_edu.einsum(equation, tensors),
    **{("polygamma", f"polygamma_n_{n}"): lambda x, n, **kw: tinygrad_edu.polygamma(n, x, **kw)
       for n in range(5)},
    ("nn.functional.embedding", ""): lambda weight, idx, **kw: _nn_functional().embedding(
        idx, weight, **kw),
}


# Gradient tolerances wider than op_compare.GRAD_TOL, each with its reason.
GRAD_TOLERANCES = {
    # op_db gives cov float32 aweights next to float64 observations; the float32 sums of the
    # weights enter the derivatives in a different order of rounding here: float32 noise, ~1e-5
    "cov": dict(rtol=1e-4, atol=5e-5),
}

# Ops whose result's values PyTorch leaves undefined (uninitialised memory): shapes and dtypes
# are compared, not numbers. Here they are zeros (api.py, `empty`).
VALUES_UNDEFINED = {"empty", "empty_like", "new_empty", "empty_strided"}


def their_op(opinfo, torch):
    """PyTorch's function for an OpInfo: its `op`, except where op_db's entry calls another
    function than its name says. `rand_like`'s entry runs `torch.randn_like` (its op lambda in
    common_methods_invocations.py); here it runs `torch.rand_like` under the same seed wrapper."""
    if opinfo.name == "rand_like":
        from torch.testing._internal.common_methods_invocations import wrapper_set_seed
        return lambda inp, *args, **kwargs: wrapper_set_seed(torch.rand_like, inp, *args, **kwargs)
    return opinfo.op


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


# ---------------------------------------------------------------- running
@dataclass
class OpReport:
    name: str
    variant: str
    samples: int = 0
    agreeing: int = 0
    errors: int = 0
    errors_raised: int = 0
    orders: dict = field(default_factory=dict)      # samples compared at first / second order
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


def run_sample(how, opinfo, sample, torch, tally=None, numbers=True):
    """None when the sample agrees, else a reason."""
    try:
        theirs = their_op(opinfo, torch)(sample.input, *sample.args, **sample.kwargs)
    except Exception as error:          # PyTorch itself refuses (rare): not a sample to compare
        return f"PyTorch raised {type(error).__name__}"
    their_leaves = leaves_of((sample.input, sample.args, sample.kwargs), torch.Tensor)
    ours_input, ours_args, ours_kwargs = to_ours((sample.input, sample.args, sample.kwargs), torch)
    our_leaves = leaves_of((ours_input, ours_args, ours_kwargs), Tensor)
    try:
        ours = call_ours(how, ours_input, ours_args, ours_kwargs)
    except Exception as error:
        return f"raised {type(error).__name__}: {str(error)[:160]}"
    problem = compare_values(ours, theirs, VALUE_TOL, torch, "result", numbers)
    if problem or not opinfo.supports_autograd:
        return problem
    process = sample.output_process_fn_grad
    try:
        theirs_g = process(theirs)
        ours_g = process(ours)
    except Exception as error:
        return f"harness: output_process_fn_grad failed on ours ({type(error).__name__}: {error})"
    try:
        return compare_gradients(ours_g, theirs_g, our_leaves, their_leaves, torch,
                                 second_order=bool(opinfo.supports_gradgrad), tally=tally,
                                 tol=GRAD_TOLERANCES.get(opinfo.name))
    except Exception as error:
        return f"gradient raised {type(error).__name__}: {str(error)[:160]}"


def run_opinfo(opinfo, torch, accept_errors=False, numbers=True):
    """Every float64 CPU sample of one OpInfo, and its error inputs (with `accept_errors`, an
    error input that does not raise here is counted but not reported: a deliberate difference;
    with `numbers=False` results are compared by shape and dtype only)."""
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
            problem = run_sample(how, opinfo, sample, torch, report.orders, numbers)
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


def summary(reports):
    """The counts of a run, in one line."""
    ops = {r.name for r in reports}
    bad = {r.name for r in reports if r.problems}
    total = lambda key: sum(r.orders.get(key, 0) for r in reports)  # noqa: E731
    return (f"{len(ops)} ops matched ({len(reports)} OpInfos run), {len(ops - bad)} agree on every "
            f"sample; samples {sum(r.samples for r in reports)}, agreeing "
            f"{sum(r.agreeing for r in reports)}; gradients compared on {total('first_order')}, "
            f"second derivatives on {total('second_order')}; error inputs "
            f"{sum(r.errors for r in reports)}, raising here {sum(r.errors_raised for r in reports)}")


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
        report = run_opinfo(opinfo, torch, numbers=opinfo.name not in VALUES_UNDEFINED)
        reports.append(report)
        flag = "ok " if not report.problems else "BAD"
        print(f"{flag} {report.label}: {time.time() - began:.2f} s, "
              f"{report.agreeing}/{report.samples} samples, "
              f"{report.errors_raised}/{report.errors} error inputs raise")
        for p in report.problems[:4]:
            print("      ", p)
    print(f"op_db import {loaded - start:.1f} s, run {time.time() - loaded:.1f} s")
    print(summary(reports))


if __name__ == "__main__":
    main(sys.argv[1:])
