"""PyTorch's own op test database against tinygrad_edu: every OpInfo of
`torch.testing._internal.common_methods_invocations.op_db` whose name exists here, on its float64
CPU sample inputs (values; input gradients for a fixed upstream gradient; second derivatives
where PyTorch's OpInfo says it supports them) and error inputs (both raise). The work is in
`op_db_runner.py` and `op_db_compare.py`; this file holds the tables of what may differ and why.

Skipped as a whole without PyTorch. One test per OpInfo; the terminal summary prints the counts
(ops matched, samples run, samples agreeing, samples compared at second order). Importing op_db
alone takes several seconds; the whole run about half a minute.
"""
import numpy as np
import pytest

import tinygrad_edu
from op_db_runner import VALUES_UNDEFINED, load_op_db, matched_opinfos, run_opinfo

torch = pytest.importorskip("torch")

# Deliberate, documented differences: the whole OpInfo is skipped, with the reason.
DELIBERATE = {}

# Error inputs that PyTorch refuses and tinygrad_edu accepts on purpose (the samples still run).
ACCEPTED_ERROR_INPUTS = {
    "mean": "the mean of an integer tensor is promoted to the default float dtype (as "
            "softmax and the math functions are, tests/core); PyTorch refuses integer means",
}
# Also accepted for every op (op_db_runner._number_operand): an error input whose only fault is a
# Python number where PyTorch wants a tensor operand (`maximum(t, 2)`, `atan2(t, 2)`,
# `max(2, t)`): API.md promises "tensors or Python numbers on either side".

# Known disagreements still to fix, with what differs: expected to fail, strictly (a fix must take
# the entry out, so the table never claims a difference that is gone). Empty: every matched
# OpInfo agrees. `python tests/differential/op_db_runner.py NAME` prints what differs, sample by
# sample, when an entry is needed again.
NOT_YET = {}


def _label(op):
    return op.name + (f".{op.variant_test_name}" if op.variant_test_name else "")


def _params():
    params = []
    for op in matched_opinfos(load_op_db()):
        label = _label(op)
        marks = []
        if op.name in DELIBERATE:
            marks.append(pytest.mark.skip(reason=DELIBERATE[op.name]))
        elif label in NOT_YET:
            marks.append(pytest.mark.xfail(reason=NOT_YET[label], strict=True))
        params.append(pytest.param(op, id=label, marks=marks))
    return params


RESULTS = []


@pytest.fixture(autouse=True)
def _float64_everywhere():
    tinygrad_edu.set_default_dtype(np.float64)
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)


def test_the_tables_name_real_opinfos():
    labels = {_label(op) for op in matched_opinfos(load_op_db())}
    names = {label.split(".")[0] if not label.startswith("nn.") else label for label in labels}
    assert not set(NOT_YET) - labels, f"stale entries: {set(NOT_YET) - labels}"
    assert len(labels) >= 100 and "add" in names


@pytest.mark.parametrize("opinfo", _params())
def test_opinfo_agrees_with_pytorch(opinfo):
    report = run_opinfo(opinfo, torch, accept_errors=opinfo.name in ACCEPTED_ERROR_INPUTS,
                        numbers=opinfo.name not in VALUES_UNDEFINED)
    RESULTS.append(report)
    if not (report.samples or report.errors):
        pytest.skip("PyTorch gives this OpInfo no float64 CPU sample and no error input")
    assert not report.problems, (f"{report.label}: {report.agreeing}/{report.samples} samples agree\n"
                                 + "\n".join(report.problems[:12]))
