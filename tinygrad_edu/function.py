"""`Function`: one class per primitive op, forward and backward side by side.

A Function instance is also the graph node: it remembers the input Tensors (never
its output, so a finished graph is freed by reference counting, without the cyclic
garbage collector) and whatever arrays its backward formula needs.

Writing an op:
    forward(self, *arrays, **options) -> ndarray   works on numpy arrays
    backward(self, grad) -> Tensor | tuple          works on Tensors, so that with
                                                    create_graph=True the gradient
                                                    is itself differentiable
`backward` may return gradients in the broadcast shape of the output: the backward
walk reduces them to each input's shape in one place (`broadcast.sum_to_shape`).
"""
import itertools

import numpy as np

from . import tensor as _tensor_module
from .grad_mode import STATE
from .anomaly import check_forward
from .argcheck import explain_op_error


_sequence = itertools.count()   # creation order of nodes: inputs are always made first


class Function:
    """Base class of every primitive op; an instance is one node of the graph."""

    # Slots for what every recorded node has (set by apply), so the common node needs no
    # __dict__: one object fewer per op for the allocator and the cyclic GC to look at.
    # Op-specific attributes and the rarely used ones below still go to a __dict__.
    __slots__ = ("inputs", "seq", "__dict__")

    saved = ()               # arrays the backward formula needs
    hooks = None             # gradient hooks of the output tensor (registered via Tensor.register_hook)
    retained = None          # weak reference to the output when it called retain_grad()

    @classmethod
    def apply(cls, *inputs, **options):
        """Run the op on Tensors and, when any input requires grad, record the node.

        Example:
            >>> from tinygrad_edu import Tensor
            >>> from tinygrad_edu.ops.elementwise import Mul
            >>> Mul.apply(Tensor([2.0]), Tensor([3.0])).item()
            6.0
        """
        node = cls()
        node.inputs = None
        try:
            out = node.forward(*[t.data for t in inputs], **options)
        except (ValueError, TypeError) as error:
            node.explain_error(error, inputs)
            # no bare numpy message reaches a user: name the op, its inputs and its options
            explain_op_error(cls.__name__, error, inputs, options)
            raise
        if type(out) is not np.ndarray:
            out = np.asarray(out)
        if STATE.anomaly:
            check_forward(cls.__name__, inputs, out)
        if STATE.grad_enabled:
            for t in inputs:
                if t.requires_grad:
                    node.inputs = inputs
                    node.seq = next(_sequence)
                    return _tensor_module.Tensor._make(out, node)
        return _tensor_module.Tensor._make(out, None)

    @property
    def needs_input_grad(self):
        """Which inputs require grad, so backward can skip the others."""
        return [t.requires_grad for t in self.inputs]

    def explain_error(self, error, inputs):
        """Called when forward raises ValueError: ops override it to raise a clearer message."""

    def save_for_backward(self, *arrays):
        """Keep arrays for backward; they are released when the graph is freed."""
        self.saved = arrays

    def values(self, grad):
        """The incoming gradient and the inputs, as numpy arrays or as Tensors.

        Without create_graph nothing needs recording, so backward formulas run on plain
        arrays (numpy speed); under create_graph they must run on Tensors so that the
        gradient is itself differentiable. A formula written with the operations both
        types share (`+ - * / @`, `.T`, `.sum(axis=, keepdims=)`, `.reshape`) serves both:
            g, a, b = self.values(g)
            return g * b, g * a
        The backward walk wraps returned arrays back into Tensors.
        """
        if STATE.grad_enabled:
            return (grad,) + self.inputs
        return (grad.data, *[t.data for t in self.inputs])

    def output(self, recompute):
        """The op's forward result, for backward formulas that use it (exp, tanh, ...).

        Without create_graph: the saved array (use it with `values`). Under create_graph the
        result must stay connected to the inputs so that second derivatives exist, so it is
        recomputed as a Tensor by calling `recompute()` (the same op applied to the inputs).
        """
        if STATE.grad_enabled:
            return recompute()
        return self.saved[-1]

    def forward(self, *arrays, **options):
        raise NotImplementedError(f"{type(self).__name__}.forward is not written")

    def backward(self, grad):
        raise NotImplementedError(f"{type(self).__name__} has no backward: it is not differentiable")

    def release(self):
        """Drop inputs and saved arrays: the graph behind this node can now be freed."""
        self.inputs = None
        self.saved = None

    def __lt__(self, other):
        # the backward walk keeps nodes in a heap: newest first
        return self.seq > other.seq

    def __repr__(self):
        return f"<{type(self).__name__}Backward>"
