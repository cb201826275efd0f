"""PyTorch code passes arguments by position and by name, so our nn.functional functions and
nn module constructors take PyTorch's parameters in PyTorch's order (checked against torch when
installed), and every layer that takes `device=` in PyTorch takes it here ('cpu' only)."""
import inspect

import pytest

from tinygrad_edu import nn

# Parameters of PyTorch's that have no meaning here (out=, in-place flags, deprecated aliases,
# private arguments), and functions whose PyTorch signature is (*args, **kwargs).
NOT_HERE = {"out", "inplace", "_random_samples", "memory_format", "pin_memory", "layout",
            "generator", "args", "kwargs", "min_value", "max_value", "bias_ih", "bias_hh"}

LAYERS_WITH_DEVICE = [
    lambda: nn.Linear(2, 3, device="cpu"), lambda: nn.Bilinear(2, 2, 3, device="cpu"),
    lambda: nn.LazyLinear(3, device="cpu"), lambda: nn.Conv1d(1, 2, 3, device="cpu"),
    lambda: nn.Conv2d(1, 2, 3, device="cpu"), lambda: nn.ConvTranspose1d(1, 2, 3, device="cpu"),
    lambda: nn.ConvTranspose2d(1, 2, 3, device="cpu"), lambda: nn.LazyConv2d(2, 3, device="cpu"),
    lambda: nn.BatchNorm1d(4, device="cpu"), lambda: nn.BatchNorm2d(4, device="cpu"),
    lambda: nn.LayerNorm(4, device="cpu"), lambda: nn.GroupNorm(2, 4, device="cpu"),
    lambda: nn.InstanceNorm1d(4, device="cpu"), lambda: nn.InstanceNorm2d(4, device="cpu"),
    lambda: nn.RMSNorm(4, device="cpu"), lambda: nn.Embedding(5, 3, device="cpu"),
    lambda: nn.PReLU(device="cpu"), lambda: nn.RNNCell(2, 3, device="cpu"),
    lambda: nn.LSTMCell(2, 3, device="cpu"), lambda: nn.GRUCell(2, 3, device="cpu"),
    lambda: nn.RNN(2, 3, device="cpu"), lambda: nn.LSTM(2, 3, device="cpu"),
    lambda: nn.GRU(2, 3, device="cpu"),
]


@pytest.mark.parametrize("make", LAYERS_WITH_DEVICE)
def test_layers_take_device_cpu(make):
    assert isinstance(make(), nn.Module)


def test_another_device_is_refused_with_the_reason():
    with pytest.raises(RuntimeError, match="Linear: .*CPU only.*'cuda'"):
        nn.Linear(2, 3, device="cuda")


def test_keyword_only_extras_keep_pytorchs_positions():
    # PyTorch: BatchNorm1d(num_features, eps, momentum, affine, track_running_stats, device, dtype)
    layer = nn.BatchNorm1d(4, 1e-3, 0.2, True, True, "cpu", None, bias=False)
    assert layer.eps == 1e-3 and layer.momentum == 0.2
    assert nn.LSTMCell(2, 3, True, "cpu", peepholes=True).peepholes


def _positional(parameters):
    return [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            and p.name != "self"]


def _mismatch(ours, theirs):
    try:
        po, pt = inspect.signature(ours).parameters, inspect.signature(theirs).parameters
    except (TypeError, ValueError):
        return None
    missing = set(pt) - set(po) - NOT_HERE - {"self", "device", "dtype"}
    pos_o, pos_t = _positional(po.values()), _positional(pt.values())
    n = min(len(pos_o), len(pos_t))
    if pos_o[:n] != pos_t[:n] or (missing and not any(p.kind == p.VAR_KEYWORD for p in po.values())):
        return f"ours {pos_o}, PyTorch {pos_t}, missing {sorted(missing)}"
    return None


def test_functional_and_module_signatures_match_pytorchs():
    torch = pytest.importorskip("torch")
    problems, compared = [], 0
    for name in dir(nn.functional):
        ours, theirs = getattr(nn.functional, name), getattr(torch.nn.functional, name, None)
        if name.startswith("_") or not inspect.isfunction(ours) or theirs is None:
            continue
        compared += 1
        problem = _mismatch(ours, theirs)
        if problem:
            problems.append(f"F.{name}: {problem}")
    for name in dir(nn):
        ours, theirs = getattr(nn, name), getattr(torch.nn, name, None)
        if not (inspect.isclass(ours) and inspect.isclass(theirs)):
            continue
        compared += 1
        problem = _mismatch(ours.__init__, theirs.__init__)
        if problem:
            problems.append(f"nn.{name}: {problem}")
    assert compared > 150
    assert not problems, "\n".join(problems)
