"""Random op programs (programs.py) run in tinygrad_edu and, when installed, in PyTorch, in float64:
every value, and the gradients the program asks for (backward, backward twice with
retain_graph, grad() of intermediates, second derivatives through create_graph), must agree;
first derivatives of smooth programs are also checked against central differences, which
needs no PyTorch.

How many programs: 300 by default (a few seconds), 5 000 with `pytest --slow`, or any number
with the environment variable TINYGRAD_EDU_PROGRAMS (e.g. 10000). The default run is
derandomized (the same programs every time); --slow and the variable draw new ones, and a
failure prints the program and hypothesis's seed to reproduce it.
"""
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import tinygrad_edu
from differential_helpers import OURS, torch_namespace, dense, assert_close, GRAD_TOL
from programs import programs, run, loss_of

try:
    import torch
except ImportError:         # the central-difference half still runs
    torch = None

CD_TOL = dict(rtol=1e-5, atol=1e-6)
COUNTER = {"programs": 0, "vs_torch": 0, "vs_central_differences": 0}


def _how_many(config):
    if os.environ.get("TINYGRAD_EDU_PROGRAMS"):
        return int(os.environ["TINYGRAD_EDU_PROGRAMS"]), False
    return (5000, False) if config.getoption("--slow") else (300, True)


def _gradients(program, L):
    """What the program's mode asks for, as lists of numpy arrays (None: no gradient)."""
    leaves = [L.tensor(a, requires_grad=True) for a in program.leaves]
    values = run(program, L, leaves)
    loss = loss_of(program, L, values)
    results = {"values": [L.numpy(v) for v in values]}
    mode = program.mode
    if mode in ("backward", "backward_retain_twice"):
        loss.backward(retain_graph=mode == "backward_retain_twice")
        if mode == "backward_retain_twice":
            loss.backward()                         # gradients accumulate: twice the first
        results["grads"] = [None if t.grad is None else L.numpy(t.grad) for t in leaves]
    elif mode == "grad_intermediates":
        asked = [values[i] for i in program.asked]
        if not all(v.requires_grad for v in asked):
            asked = [v for v in asked if v.requires_grad] or leaves
        grads = L.grad(loss, asked, allow_unused=True)
        results["grads"] = [None if g is None else L.numpy(g) for g in grads]
    elif mode == "grad_retain_then_backward":
        first = L.grad(loss, leaves, retain_graph=True, allow_unused=True)
        loss.backward()
        results["grads"] = [None if g is None else L.numpy(g) for g in first]
        results["grads"] += [None if t.grad is None else L.numpy(t.grad) for t in leaves]
    else:                                           # create_graph: Hessian-vector products
        first = L.grad(loss, leaves, create_graph=True, allow_unused=True)
        terms = [(g * L.tensor(v)).sum() for g, v in zip(first, program.vs)
                 if g is not None and g.requires_grad]
        results["grads"] = [None if g is None else L.numpy(g).copy() for g in first]
        if terms:
            second = L.grad(sum(terms[1:], terms[0]), leaves, allow_unused=True)
            results["grads"] += [None if g is None else L.numpy(g) for g in second]
        else:
            results["grads"] += [None] * len(leaves)
    return results


def _compare_with_torch(program):
    theirs = _gradients(program, torch_namespace(torch))
    ours = _gradients(program, OURS)
    for k, (o, t) in enumerate(zip(ours["values"], theirs["values"])):
        assert type(o) is np.ndarray
        assert_close(o, t, f"value v{k}", GRAD_TOL)
    assert len(ours["grads"]) == len(theirs["grads"])
    for k, (o, t) in enumerate(zip(ours["grads"], theirs["grads"])):
        like = o if o is not None else t
        if like is None:
            continue
        assert_close(dense(OURS, o, like), np.zeros(like.shape) if t is None else t,
                     f"gradient {k} of mode {program.mode}", GRAD_TOL)
    COUNTER["vs_torch"] += 1


def _compare_with_central_differences(program, eps=1e-6):
    """d loss / d leaf by backprop against (loss(x + eps) - loss(x - eps)) / (2 eps)."""
    leaves = [OURS.tensor(a.copy(), requires_grad=True) for a in program.leaves]
    loss = loss_of(program, OURS, run(program, OURS, leaves))
    if not np.isfinite(loss.data) or abs(loss.item()) > 1e6:
        return
    loss.backward()
    with tinygrad_edu.no_grad():
        for leaf in leaves:
            numeric = np.zeros(leaf.shape)
            for idx in np.ndindex(*leaf.shape):
                original = leaf.data[idx]
                leaf.data[idx] = original + eps
                plus = loss_of(program, OURS, run(program, OURS, leaves)).item()
                leaf.data[idx] = original - eps
                minus = loss_of(program, OURS, run(program, OURS, leaves)).item()
                leaf.data[idx] = original
                numeric[idx] = (plus - minus) / (2 * eps)
            got = np.zeros(leaf.shape) if leaf.grad is None else leaf.grad.data
            scale = max(1.0, float(np.abs(numeric).max(initial=0)))
            np.testing.assert_allclose(got, numeric, rtol=CD_TOL["rtol"], atol=CD_TOL["atol"] * scale,
                                       err_msg="backprop vs central differences")
    COUNTER["vs_central_differences"] += 1


def check_program(program):
    tinygrad_edu.set_default_dtype(np.float64)
    try:
        if torch is not None:
            _compare_with_torch(program)
        if program.smooth and sum(a.size for a in program.leaves) <= 12:
            _compare_with_central_differences(program)
    except AssertionError as error:
        raise AssertionError(f"{error}\nprogram:\n{program.describe()}") from None
    COUNTER["programs"] += 1


def test_random_programs_agree_with_pytorch_and_central_differences(request):
    count, derandomize = _how_many(request.config)
    for key in COUNTER:
        COUNTER[key] = 0

    @settings(max_examples=count, deadline=None, derandomize=derandomize, database=None,
              suppress_health_check=list(HealthCheck))
    @given(programs())
    def check(program):
        check_program(program)

    check()
    print(f"\nrandom programs: {COUNTER['programs']} run, {COUNTER['vs_torch']} compared with "
          f"PyTorch, {COUNTER['vs_central_differences']} with central differences")
    assert COUNTER["programs"] >= count * 0.9          # hypothesis really ran them
    if torch is not None:
        assert COUNTER["vs_torch"] == COUNTER["programs"]
    assert COUNTER["vs_central_differences"] >= count * 0.1


def test_the_generator_makes_reuse_diamonds_and_every_mode():
    """The strategy really produces what the differential test claims to cover."""
    seen_modes, reuse, diamonds, ops = set(), 0, 0, set()

    @settings(max_examples=100, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(programs())
    def look(program):
        nonlocal reuse, diamonds
        seen_modes.add(program.mode)
        uses = {}
        for name, args, _ in program.steps:
            ops.add(name)
            for a in args:
                uses[a] = uses.get(a, 0) + 1
            if len(args) == 2 and args[0] == args[1]:
                reuse += 1
        diamonds += any(n > 1 for n in uses.values())

    look()
    assert seen_modes == {"backward", "backward_retain_twice", "grad_intermediates",
                          "create_graph", "grad_retain_then_backward"}
    assert reuse > 2 and diamonds > 25 and len(ops) >= 25


def test_a_known_program_fails_when_a_gradient_is_wrong(monkeypatch):
    """The checker can fail: break Mul's backward and the central-difference half catches it."""
    from tinygrad_edu.ops import elementwise
    from programs import Program
    program = Program(base=(2, 3), leaves=[np.array([[0.5, -1.0, 0.3], [1.2, 0.1, -0.4]])],
                      steps=[("mul", (0, 0), {})], outputs=[1], weights=[np.ones((2, 3))],
                      mode="backward", asked=[1], vs=[np.ones((2, 3))])
    check_program(program)
    monkeypatch.setattr(elementwise.Mul, "backward", lambda self, g: (g, g))
    with pytest.raises(AssertionError, match="central differences|gradient"):
        check_program(program)
