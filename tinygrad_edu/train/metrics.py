"""Metrics `fit` and `evaluate` can report besides the loss.

Why: the loss is what gradient descent sees; accuracy is what a person understands. A metric
is any function `(output, target) -> float` computed per batch and averaged over the epoch
weighted by the batch size; "accuracy" is built in and reads the model's output the way the
common losses mean it.
"""
import numpy as np

from ..tensor import Tensor


def accuracy(output, target) -> float:
    """Fraction of correct predictions, for the common ways a classifier's output is laid out.

    - scores (..., C) with integer targets (...): the class with the largest score (cross-entropy);
    - one score per example, shape (N,) or (N, 1), with targets in {0, 1} or {-1, +1}: the
      sign of the score (binary cross-entropy with logits, hinge loss).

    Example:
        >>> accuracy(np.array([[2.0, 1.0], [0.0, 3.0]]), np.array([0, 0]))
        0.5
        >>> accuracy(np.array([[0.7], [-1.2]]), np.array([[1.0], [-1.0]]))
        1.0
    """
    out = output.data if isinstance(output, Tensor) else np.asarray(output)
    tgt = target.data if isinstance(target, Tensor) else np.asarray(target)
    if out.ndim == tgt.ndim + 1 and out.shape[:-1] == tgt.shape and out.shape[-1] > 1:
        return float((out.argmax(axis=-1) == tgt).mean())
    if out.size == tgt.size:
        return float(((out.reshape(-1) > 0) == (tgt.reshape(-1) > 0)).mean())
    raise ValueError(f"accuracy: cannot compare output of shape {out.shape} with target of shape "
                     f"{tgt.shape}; expected scores (..., C) with labels (...), or one score per "
                     f"example with 0/1 or -1/+1 labels. Pass your own metric function instead")


BUILTIN = {"accuracy": accuracy, "acc": accuracy}


def resolve(metrics, owner: str) -> dict:
    """Names or callables -> an ordered dict name -> function."""
    if metrics is None:
        return {}
    if isinstance(metrics, str) or callable(metrics):
        metrics = [metrics]
    if isinstance(metrics, dict):
        items = list(metrics.items())
    else:
        items = []
        for metric in metrics:
            if isinstance(metric, str):
                items.append((metric, metric))
            else:
                items.append((getattr(metric, "__name__", "metric"), metric))
    resolved = {}
    for name, metric in items:
        if isinstance(metric, str):
            if metric not in BUILTIN:
                raise ValueError(f"{owner}: unknown metric {metric!r}; built in: "
                                 f"{sorted(set(BUILTIN) - {'acc'})}, or pass a function "
                                 f"(output, target) -> float")
            metric = BUILTIN[metric]
            name = "accuracy" if name == "acc" else name
        if not callable(metric):
            raise TypeError(f"{owner}: metric {name!r} is a {type(metric).__name__}, not a "
                            f"function (output, target) -> float")
        resolved[name] = metric
    return resolved
