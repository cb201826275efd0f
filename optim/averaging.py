"""Polyak (iterate) averaging and exponential moving averages of parameters.

Seed 002 (section 6.3): instead of the last iterate, output an average of iterates.
Linear averaging (convex case): theta_bar(t) = (1/t) sum_s theta(s).
Running average (non-convex case): theta_bar(t) = alpha theta_bar(t-1) + (1 - alpha) theta(t).
(The OCR of the summary notes prints theta(t-1) for the first term; the running average needs theta_bar.)
"""
from __future__ import annotations

import contextlib

import numpy as np


class ParameterAverager:
    """Keep an average of a model's parameters alongside training.

    Args:
        params: the Tensors to average (e.g. `model.parameters()`).
        mode: "polyak" for the uniform average of all iterates seen so far, or "ema" for the
            exponential running average with decay `alpha`.
        alpha: the time constant of "ema" in [0, 1); ~1/(1-alpha) iterates are remembered.

    Why: SGD's last iterate rattles around the optimum with the gradient noise; the average
    cancels that noise (O(1/t) rates for convex problems), and an EMA of weights often evaluates
    better than the raw weights.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([0.0], requires_grad=True)
        >>> avg = ParameterAverager([w], mode="polyak")
        >>> for value in (1.0, 2.0, 3.0):
        ...     w.data[:] = value; avg.update()
        >>> avg.averages[0].tolist()
        [2.0]
    """

    def __init__(self, params, mode: str = "polyak", alpha: float = 0.999):
        self.params = list(params)
        if not self.params:
            raise ValueError("ParameterAverager: got an empty parameter list; pass e.g. "
                             "model.parameters()")
        if mode not in ("polyak", "ema"):
            raise ValueError(f"ParameterAverager: unknown mode={mode!r}; use 'polyak' or 'ema'")
        if not 0.0 <= alpha < 1.0:
            raise ValueError(f"ParameterAverager: invalid alpha={alpha!r}; alpha must be in "
                             f"[0, 1) (pass e.g. alpha=0.999)")
        self.mode, self.alpha = mode, alpha
        self.num_updates = 0
        self.averages = [np.array(p.data, copy=True) for p in self.params]

    def update(self) -> None:
        """Fold the current parameter values into the average (call after `opt.step()`)."""
        self.num_updates += 1
        t = self.num_updates
        for i, p in enumerate(self.params):
            if t == 1:
                self.averages[i] = np.array(p.data, copy=True)  # theta_bar(1) = theta(1)
            elif self.mode == "polyak":
                # theta_bar(t) = (1/t) sum_s theta(s), updated incrementally
                self.averages[i] = self.averages[i] + (p.data - self.averages[i]) / t
            else:
                # theta_bar(t) = alpha theta_bar(t-1) + (1 - alpha) theta(t)
                self.averages[i] = self.alpha * self.averages[i] + (1 - self.alpha) * p.data

    def copy_to(self, params=None) -> None:
        """Write the averages into `params` (default: the averaged parameters themselves)."""
        targets = self.params if params is None else list(params)
        for p, avg in zip(targets, self.averages):
            p.data[...] = avg

    @contextlib.contextmanager
    def averaged(self):
        """Temporarily swap the averaged values in (e.g. to evaluate), then restore the raw ones.

        Example:
            >>> # with avg.averaged(): test_loss = evaluate(model)
        """
        saved = [np.array(p.data, copy=True) for p in self.params]
        self.copy_to()
        try:
            yield self
        finally:
            for p, raw in zip(self.params, saved):
                p.data[...] = raw
