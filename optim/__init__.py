"""optim: optimisers, schedules, clipping, regularisers, and the relative natural gradient.

The optimisers come in order of increasing complexity, one family per file: SGD (sgd.py),
Adagrad (adagrad.py), RMSprop (rmsprop.py), Adam/AdamW (adam.py), then RNGD (rngd.py), which
preconditions each neuron's gradient with its relative Fisher information (Sun & Nielsen 2016). The
Fisher tools behind RNGD are in `optim.fisher`.

Example:
    >>> from tinygrad_edu import optim
    >>> # opt = optim.Adam(model.parameters(), lr=1e-3)
    >>> # for x, y in batches: opt.zero_grad(); loss_fn(model(x), y).backward(); opt.step()
"""
from . import fisher, lr_scheduler
from .adagrad import Adagrad
from .adam import Adam, AdamW
from .averaging import ParameterAverager
from .clip import clip_grad_norm_, clip_grad_value_
from .optimizer import Optimizer
from .regularizers import l1_penalty, l1_proximal_step_, l2_penalty, soft_threshold
from .rmsprop import RMSprop
from .rngd import RNGD
from .sgd import SGD


__all__ = ["Optimizer", "SGD", "Adagrad", "RMSprop", "Adam", "AdamW", "RNGD",
           "ParameterAverager", "clip_grad_norm_", "clip_grad_value_", "l1_penalty",
           "l1_proximal_step_", "l2_penalty", "soft_threshold", "lr_scheduler", "fisher"]
