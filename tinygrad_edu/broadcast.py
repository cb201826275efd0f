"""Broadcasting, and its adjoint: the one place where gradients are summed back to shape.

An op that broadcasts an input of shape (3, 1) to (3, 4) uses each input element four
times, so that element's gradient is the sum of four output gradients: the adjoint of
broadcast is sum. Op backward formulas return gradients in the broadcast shape and the
backward walk calls `sum_to_shape` on every gradient before accumulating it.
"""
import numpy as np


def broadcast_shape(op_name, *shapes):
    """The shape numpy broadcasting gives, or a ValueError naming the op and both shapes."""
    try:
        return np.broadcast_shapes(*shapes)
    except ValueError:
        listed = " and ".join(str(tuple(s)) for s in shapes)
        raise ValueError(
            f"{op_name}: shapes {listed} cannot be broadcast together; sizes must match or be 1 in "
            f"each trailing dimension (reshape or unsqueeze one operand)") from None


def sum_to_shape(grad, shape, op_name="op"):
    """Sum a gradient of a broadcast shape back to `shape` (differentiable: uses Tensor ops).

    Example: a gradient of shape (2, 3, 4) for an input of shape (3, 1) is summed over
    axis 0 (the added leading axis) and axis 2 (where the input had size 1).
    """
    if grad.shape == shape:
        return grad
    lead = grad.ndim - len(shape)
    if lead < 0:
        raise RuntimeError(f"backward of {op_name}: gradient of shape {grad.shape} has fewer "
                           f"dimensions than its input of shape {shape}")
    axes = list(range(lead))
    for i, size in enumerate(shape):
        if size == 1 and grad.shape[lead + i] != 1:
            axes.append(lead + i)
        elif size != grad.shape[lead + i]:
            raise RuntimeError(f"backward of {op_name}: gradient of shape {grad.shape} does not "
                               f"match its input of shape {shape} (an op returned a wrong shape)")
    if axes:
        grad = grad.sum(axis=tuple(axes), keepdims=True)
    if lead:
        grad = grad.reshape(shape)
    return grad
