"""Grad mode: the one piece of global state of the engine.

Recording a graph costs time and memory, so inference code turns it off with
`no_grad()`. The anomaly flag lives here too because `Function.apply` reads both
on every call and one small object keeps that lookup cheap.
"""
import functools


class _State:
    """Mutable switches read by every op (kept in one object so ops read one global)."""

    __slots__ = ("grad_enabled", "anomaly")

    def __init__(self):
        self.grad_enabled = True
        self.anomaly = False


STATE = _State()


def is_grad_enabled() -> bool:
    """Whether new operations record a graph for backprop.

    Example:
        >>> with no_grad():
        ...     is_grad_enabled()
        False
    """
    return STATE.grad_enabled


class _GradModeSwitch:
    """A context manager and decorator that sets grad mode and restores the previous one.

    Works as `with no_grad():`, `@no_grad()` and, as in PyTorch, bare `@no_grad`.
    """

    enabled = True

    def __new__(cls, *args):
        if len(args) == 1 and callable(args[0]) and cls is not set_grad_enabled:
            return cls()(args[0])           # used as a bare decorator: @no_grad
        return super().__new__(cls)

    def __enter__(self):
        self._previous = STATE.grad_enabled
        STATE.grad_enabled = self.enabled
        return self

    def __exit__(self, *exc):
        STATE.grad_enabled = self._previous
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with type(self)():
                return fn(*args, **kwargs)
        return wrapper


class no_grad(_GradModeSwitch):
    """Stop recording: ops inside build no graph (evaluation, optimiser updates).

    Usable as `with no_grad():` or as a decorator `@no_grad()`.

    Example:
        >>> from tinygrad_edu import Tensor
        >>> x = Tensor([1.0], requires_grad=True)
        >>> with no_grad():
        ...     y = x * 2
        >>> y.requires_grad
        False
    """

    enabled = False


class enable_grad(_GradModeSwitch):
    """Turn recording back on inside a `no_grad()` block (e.g. for a gradient penalty).

    Example:
        >>> with no_grad():
        ...     with enable_grad():
        ...         is_grad_enabled()
        True
    """

    enabled = True


class set_grad_enabled(_GradModeSwitch):
    """Set grad mode to `mode` for a block, like `no_grad` / `enable_grad` chosen at run time."""

    def __init__(self, mode: bool):
        self.enabled = bool(mode)

    def __call__(self, fn):
        mode = self.enabled

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper
