"""`detect_anomaly()`: find the op that first turned numbers into NaN or inf.

A NaN loss says nothing about where it came from. With anomaly detection on, every
op checks its output (forward) and every node checks the gradients it hands to its
inputs (backward); the first one that produces a non-finite value from finite
inputs raises `AnomalyError` naming itself and the shapes involved.
"""
import numpy as np

from .grad_mode import STATE


class AnomalyError(RuntimeError):
    """Raised by `detect_anomaly()` when an op produces NaN or inf from finite values."""


def _finite(array) -> bool:
    if array is None or not np.issubdtype(np.asarray(array).dtype, np.inexact):
        return True
    return bool(np.isfinite(array).all())


def _kind(array) -> str:
    return "nan" if np.isnan(array).any() else "inf"


def check_forward(op_name, inputs, out):
    """Raise if `out` has NaN/inf while every input was finite (this op produced it)."""
    if _finite(out) or not all(_finite(t.data) for t in inputs):
        return
    shapes = ", ".join(str(t.shape) for t in inputs)
    raise AnomalyError(
        f"detect_anomaly: forward of '{op_name}' produced {_kind(out)} from finite inputs "
        f"of shapes ({shapes}); check the values fed to {op_name} (e.g. log of 0, overflow in exp).")


def check_backward(node, grad_out, grads):
    """Raise if the backward of `node` turned a finite incoming gradient into NaN/inf."""
    if not _finite(grad_out.data):
        return
    for index, g in enumerate(grads):
        if g is not None and not _finite(g.data):
            name = type(node).__name__
            raise AnomalyError(
                f"detect_anomaly: backward of '{name}' returned {_kind(g.data)} in the gradient "
                f"for its input {index} (shape {g.shape}) from a finite incoming gradient; the "
                f"derivative of {name} is not finite at these input values.")


class detect_anomaly:
    """Context manager: raise at the first op that produces NaN/inf, forward or backward.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> with detect_anomaly():
        ...     Tensor([0.0]).log()      # raises AnomalyError naming 'Log'
        Traceback (most recent call last):
        ...
        tinygrad_edu.anomaly.AnomalyError: detect_anomaly: forward of 'Log' produced inf ...
    """

    def __enter__(self):
        self._previous = STATE.anomaly
        STATE.anomaly = True
        return self

    def __exit__(self, *exc):
        STATE.anomaly = self._previous
        return False
