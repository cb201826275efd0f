"""The bad-input harness: a fresh world of objects, a snapshot of all their state, and one check.

Every row of the table gets a new `World` (tensors with gradients, a layer, optimisers that
have already taken a step, a checkpoint file and its folder), calls one public function
with a bad argument, and then `check_refusal` asserts that

1. the error is a builtin TypeError / ValueError / IndexError / RuntimeError (or one of
   tinygrad_edu's subclasses of them), never one of numpy's own classes or an
   AttributeError / ZeroDivisionError from deep inside;
2. its message starts by naming the op (the first fragment comes before the first
   ": "), and contains every other fragment: the offending shape / value, and where
   the row says so, the fix;
3. no chained numpy traceback is shown with it ("During handling of the above
   exception ...");
4. every object of the world is exactly as it was: data, gradients, requires_grad,
   module parameters and buffers, optimiser state and hyperparameters, the checkpoint
   file's bytes and the folder's listing.
"""
import os

import numpy as np
import pytest

from tinygrad_edu import Tensor, nn, optim


class World:
    """Objects a bad call could damage; `snapshot()` is everything about them that can change."""

    def __init__(self, folder):
        rng = np.random.default_rng(0)
        self.x = Tensor(rng.standard_normal((2, 3)), requires_grad=True, dtype=np.float32)
        self.x.grad = Tensor(np.ones((2, 3), dtype=np.float32))
        self.s = Tensor(2.0, requires_grad=True)                 # 0-d
        self.e = Tensor(np.zeros((0, 3), dtype=np.float32))      # empty
        self.i = Tensor([1, 2, 3])                               # integer
        self.lin = nn.Linear(3, 2)
        self.a = Tensor([1.0, 2.0], requires_grad=True)
        self.b = Tensor([[1.0, 2.0]], requires_grad=True)
        self.sgd = optim.SGD([self.a, self.b], lr=0.1, momentum=0.9)
        self.adam = optim.Adam(self.lin.parameters(), lr=0.1)
        (self.a.sum() * 2 + self.b.sum() + self.lin(self.x).sum()).backward()
        self.sgd.step()
        self.adam.step()
        self.folder = str(folder)
        self.path = os.path.join(self.folder, "model.npz")
        nn.save(self.lin, self.path)

    def objects(self):
        return {name: value for name, value in vars(self).items()}

    def snapshot(self):
        return {name: _state_of(value) for name, value in self.objects().items()}


def _state_of(value):
    if isinstance(value, Tensor):
        grad = value.grad if isinstance(value.grad, (np.ndarray, type(None))) else value.grad.data
        return ("tensor", value.data.copy(), value.dtype, value.requires_grad,
                None if grad is None else grad.copy())
    if isinstance(value, nn.Module):
        return ("module", {k: v.data.copy() for k, v in value.state_dict().items()},
                {k: None if p.grad is None else p.grad.data.copy()
                 for k, p in value.named_parameters()}, value.training)
    if isinstance(value, optim.Optimizer):
        return ("optimizer", value.state_dict())
    if isinstance(value, str) and os.path.isdir(value):
        return ("folder", sorted(os.listdir(value)))
    if isinstance(value, str) and os.path.isfile(value):
        with open(value, "rb") as file:
            return ("file", file.read())
    return ("value", value)


def same(a, b) -> bool:
    """Deep equality of snapshots: arrays by value (NaN equals NaN), containers item by item."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return (isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.dtype == b.dtype
                and a.shape == b.shape and np.array_equal(a, b, equal_nan=a.dtype.kind in "fc"))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(p, q) for p, q in zip(a, b))
    return type(a) is type(b) and a == b


def changed_parts(before, after):
    """The names of the world's objects whose state differs (for a readable failure)."""
    return [name for name in before if not same(before[name], after[name])]


ALLOWED = (TypeError, ValueError, IndexError, RuntimeError, FileNotFoundError, IsADirectoryError)


def check_refusal(world, call, expected, fragments):
    """Call `call(world)`; it must raise `expected` with every fragment in its message, no
    chained traceback, and leave the world as it was. Returns the exception."""
    before = world.snapshot()
    with pytest.raises(expected) as info:
        call(world)
    error = info.value
    kind = type(error)
    assert kind.__module__ == "builtins" or kind.__module__.startswith("tinygrad_edu"), \
        f"a {kind.__module__}.{kind.__name__} reached the user: {error}"
    assert isinstance(error, ALLOWED), f"{kind.__name__} is not one of the allowed error kinds"
    message = str(error)
    subject = message.split(": ")[0]
    assert fragments and fragments[0] in subject, \
        f"the message does not start by naming {fragments[:1]}: {message}"
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} is not in the message: {message}"
    assert error.__cause__ is None and (error.__context__ is None or error.__suppress_context__), \
        f"the error carries a chained traceback: {error.__context__!r}"
    after = world.snapshot()
    assert not changed_parts(before, after), \
        f"the failed call changed {changed_parts(before, after)}"
    return error
