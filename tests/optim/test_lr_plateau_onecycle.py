"""optim.lr_scheduler.ReduceLROnPlateau and OneCycleLR (issue 12): the same learning rates (and
momenta) as PyTorch's, step by step, for the same optimiser settings and metric sequences."""
import math

import numpy as np
import pytest

from tinygrad_edu import optim, Tensor
from tinygrad_edu.optim.lr_scheduler import ReduceLROnPlateau, OneCycleLR


def _params():
    return [Tensor(np.zeros(2), requires_grad=True)]


def _torch_params(torch):
    return [torch.zeros(2, requires_grad=True)]


METRICS = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.89999, 0.92, 0.93, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
           1.1, 0.4, 0.45, 0.46, 0.47, 0.48]


@pytest.mark.parametrize("options", [
    dict(), dict(patience=2), dict(patience=1, cooldown=2, factor=0.5),
    dict(mode="max", patience=1, threshold_mode="abs", threshold=0.05),
    dict(patience=0, min_lr=0.02, factor=0.3), dict(patience=1, threshold=0.0)])
def test_reduce_lr_on_plateau_matches_torch(torch, options):
    ours = ReduceLROnPlateau(optim.SGD(_params(), lr=0.1), **options)
    theirs = torch.optim.lr_scheduler.ReduceLROnPlateau(
        torch.optim.SGD(_torch_params(torch), lr=0.1), **options)
    for value in METRICS:
        ours.step(Tensor(value))
        theirs.step(value)
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-15)
        assert ours.num_bad_epochs == theirs.num_bad_epochs


def test_reduce_lr_on_plateau_closed_form_and_errors():
    opt = optim.SGD(_params(), lr=1.0)
    sched = ReduceLROnPlateau(opt, patience=2, factor=0.5)
    for value in [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0]:     # no improvement after the first
        sched.step(value)
    assert opt.param_groups[0]["lr"] == 0.25              # halved after epochs 4 and 7
    with pytest.raises(ValueError, match="factor"):
        ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="one per param group"):
        ReduceLROnPlateau(opt, min_lr=[0.1, 0.2])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("options", [
    dict(total_steps=20), dict(epochs=4, steps_per_epoch=5, anneal_strategy="linear"),
    dict(total_steps=17, three_phase=True, pct_start=0.25),
    dict(total_steps=10, cycle_momentum=False, div_factor=10.0, final_div_factor=100.0)])
def test_one_cycle_matches_torch(torch, optimizer, options):
    if optimizer == "sgd":
        ours_opt = optim.SGD(_params(), lr=0.1, momentum=0.9)
        theirs_opt = torch.optim.SGD(_torch_params(torch), lr=0.1, momentum=0.9)
        key = "momentum"
    else:
        ours_opt = optim.Adam(_params(), lr=0.1)
        theirs_opt = torch.optim.Adam(_torch_params(torch), lr=0.1)
        key = "betas"
    ours = OneCycleLR(ours_opt, max_lr=0.5, **options)
    theirs = torch.optim.lr_scheduler.OneCycleLR(theirs_opt, max_lr=0.5, **options)
    total = options.get("total_steps") or options["epochs"] * options["steps_per_epoch"]
    for _ in range(total):
        assert ours.get_last_lr() == pytest.approx(theirs.get_last_lr(), rel=1e-13)
        assert ours_opt.param_groups[0][key] == pytest.approx(theirs_opt.param_groups[0][key],
                                                              rel=1e-13)
        ours_opt.step()
        theirs_opt.step()
        if _ < total - 1:
            ours.step()
            theirs.step()


def test_one_cycle_closed_form_and_errors():
    opt = optim.SGD(_params(), lr=0.1, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=1.0, total_steps=11, pct_start=0.5, div_factor=10.0,
                       final_div_factor=1.0)
    lrs = [opt.param_groups[0]["lr"]]
    for _ in range(10):
        sched.step()
        lrs.append(opt.param_groups[0]["lr"])
    # up from 0.1 to 1.0 over steps 0..4.5, then down to 0.1 by half a cosine
    assert lrs[0] == pytest.approx(0.1) and max(lrs) <= 1.0 and lrs[-1] == pytest.approx(0.1)
    pct = (1 - 0) / 4.5
    assert lrs[1] == pytest.approx(1.0 + (0.1 - 1.0) / 2 * (math.cos(math.pi * pct) + 1))
    sched.step()                  # step 11 = total_steps is still allowed, as in PyTorch
    with pytest.raises(ValueError, match="tried to step 12 times"):
        sched.step()
    with pytest.raises(ValueError, match="momentum or betas"):
        OneCycleLR(optim.Adagrad(_params(), lr=0.1), max_lr=1.0, total_steps=5)
    with pytest.raises(ValueError, match="total_steps"):
        OneCycleLR(opt, max_lr=1.0)
