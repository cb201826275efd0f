"""Step-by-step backprop: the delta recursion of the course notes, one op at a time.

Backprop computes, from the output back, delta = dL/d(tensor) for every tensor of the
graph: each op receives the delta of its output and sends to each input the delta
times its local Jacobian (the course notes: delta^(i) = delta^(i+1) * dz^(i+1)/dz^(i), and
dL/dW^(i) = delta^(i) * dz^(i)/dW^(i)). `backward()` does this silently; `backprop_steps`
shows each step: which op, what arrived, what it sent to each input.

It runs the same backward formulas as the engine (each op's `backward`, in the order of
the backward walk: newest op first) on the recorded graph, without touching any `.grad`
and without freeing the graph, so it can be called before `loss.backward()` or after
`loss.backward(retain_graph=True)`. Gradient hooks are not applied.
"""
import heapq
from typing import NamedTuple, Optional, Tuple

import numpy as np

from tinygrad_edu import Tensor, no_grad
from tinygrad_edu.broadcast import sum_to_shape
from tinygrad_edu.indexed_grad import IndexedGrad
from .graph import collect, draw_graph
from .labels import one_line, title
from .rules import local_rule


class BackpropStep(NamedTuple):
    """One op of the backward walk.

    Attributes:
        op: the op's class name ("Mul", "Linear", ...).
        output: the tensor the op made.
        grad_output: dL/d(output), the delta that arrived (summed over every path).
        inputs: the op's input tensors.
        grad_inputs: dL/d(input) sent to each input along this op, in the input's shape
            (None for inputs that do not require grad).
        rule: the op's local derivative as text, with its numbers where they are small.
        totals: for each input, the sum of everything sent to it so far, this step included
            (differs from `grad_inputs` for a tensor used twice); None where nothing was sent.
        node: the op node itself (`output.grad_fn`).
    """

    op: str
    output: Tensor
    grad_output: np.ndarray
    inputs: Tuple[Tensor, ...]
    grad_inputs: Tuple[Optional[np.ndarray], ...]
    rule: str = ""
    totals: Tuple[Optional[np.ndarray], ...] = ()
    node: object = None


def _as_input_gradient(g, t, op_name):
    """An op's returned gradient for input `t` as an array of `t`'s shape and dtype."""
    if type(g) is IndexedGrad:          # pieces of a gradient through indexing
        g = g.to_array()
    elif isinstance(g, Tensor):
        g = g.data
    g = np.asarray(g)
    if g.shape != t.shape:              # broadcasting's adjoint is a sum
        with no_grad():
            g = sum_to_shape(Tensor._make(g, None), t.shape, op_name).data
    return g.astype(t.dtype, copy=False)


def backprop_steps(loss, gradient=None):
    """Yield a `BackpropStep` per op, in the order backward visits them (output first).

    Why: to watch the delta recursion happen. Summing the `grad_inputs` that reach a leaf
    gives exactly its `.grad` after `loss.backward()`.

    Args:
        loss: the tensor to differentiate (one element, unless `gradient` is given).
        gradient: dL/d(loss) for a non-scalar `loss` (array-like of its shape).

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> w = Tensor([2.0], requires_grad=True, name="w")
        >>> loss = ((w * 3.0).tanh()).sum()
        >>> [step.op for step in viz.backprop_steps(loss)]
        ['Sum', 'Tanh', 'Mul']
    """
    if not isinstance(loss, Tensor):
        raise TypeError(f"viz.backprop_steps: expected a Tensor (the loss), got "
                        f"{type(loss).__name__}")
    if loss.grad_fn is None:
        raise ValueError("viz.backprop_steps: this tensor was not made by an op that records a "
                         "graph (it is a leaf, or was made under no_grad), so there are no steps")
    if gradient is None:
        if loss.data.size != 1:
            raise ValueError(f"viz.backprop_steps: the loss has shape {loss.shape}; pass "
                             f"gradient= (dL/dloss, same shape) or reduce it first, e.g. "
                             f"loss.sum()")
        seed = np.ones_like(loss.data)
    else:
        seed = np.asarray(getattr(gradient, "data", gradient), dtype=loss.dtype)
        if seed.shape != loss.shape:
            raise ValueError(f"viz.backprop_steps: gradient of shape {seed.shape} does not match "
                             f"the loss of shape {loss.shape}")
    _, made_by = collect([loss])
    grads = {loss.grad_fn: seed}
    running = {}                        # id(tensor) -> everything sent to it so far
    heap = [loss.grad_fn]
    while heap:
        node = heapq.heappop(heap)      # newest first: every consumer of its output is done
        grad = grads.pop(node)
        if node.inputs is None:
            raise RuntimeError("viz.backprop_steps: this graph was freed by backward(); call "
                               "backprop_steps before loss.backward(), or use "
                               "loss.backward(retain_graph=True)")
        op = type(node).__name__
        with no_grad():                 # plain arrays, as in backward() without create_graph
            returned = node.backward(Tensor._make(grad, None))
        if type(returned) is not tuple:
            returned = (returned,)
        sent, totals = [], []
        for t, g in zip(node.inputs, returned):
            if g is None or not t.requires_grad:
                sent.append(None)
                totals.append(running.get(id(t)))
                continue
            g = _as_input_gradient(g, t, op)
            sent.append(g)
            running[id(t)] = running[id(t)] + g if id(t) in running else g
            totals.append(running[id(t)])
            parent = t.grad_fn
            if parent is None:
                continue
            if parent in grads:         # a tensor used twice gets the sum of both paths
                grads[parent] = grads[parent] + g
            else:
                grads[parent] = g
                heapq.heappush(heap, parent)
        sent += [None] * (len(node.inputs) - len(sent))
        totals += [None] * (len(node.inputs) - len(totals))
        output = made_by[node][0]
        yield BackpropStep(op, output, grad, tuple(node.inputs), tuple(sent),
                           local_rule(node, node.inputs, output), tuple(totals), node)


def gradients(loss, gradient=None) -> dict:
    """{id(tensor): dL/d(tensor)} for every tensor of the graph (the loss included).

    Why: what `draw_graph` shows on every node, micrograd-style, without calling
    `backward()` and so without touching any `.grad`.

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(3.0, requires_grad=True)
        >>> b = a * a
        >>> float(viz.backprop.gradients(b * 2)[id(b)])
        2.0
    """
    found = {}
    for step in backprop_steps(loss, gradient):
        found[id(step.output)] = step.grad_output     # complete: all its consumers ran
        for t, total in zip(step.inputs, step.totals):
            if total is not None:
                found[id(t)] = total
    return found


def backprop_table(loss, gradient=None) -> str:
    """The steps of `backprop_steps` as text, one block per op, for a terminal or a notebook.

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(3.0, requires_grad=True, name="a")
        >>> print(viz.backprop_table(a * a))
        1. Mul: dL/d(out) = 1
             -> a: 3
             -> a: 3  (total 6)
    """
    lines = []
    for i, step in enumerate(backprop_steps(loss, gradient), 1):
        out = f" {step.output.name}" if step.output.name else ""
        lines.append(f"{i}. {step.op}{out}: dL/d(out) = {one_line(step.grad_output)}")
        for t, g, total in zip(step.inputs, step.grad_inputs, step.totals):
            if g is not None:
                label = t.name or ("input" if t.grad_fn is None else type(t.grad_fn).__name__)
                more = f"  (total {one_line(total)})" if total is not g else ""
                lines.append(f"     -> {label}: {one_line(g)}{more}")
    return "\n".join(lines)


_LINEAR_WORDS = ("delta W", "delta^T x", "delta summed over the batch")


def step_lines(step, k, n, precision=None):
    """The text of step k of n (a list of lines): the op, the delta, the rule, what was sent."""
    fmt = one_line if precision is None else (lambda a: one_line(a, precision))
    args = ", ".join(title(t) for t in step.inputs)
    lines = [f"step {k} of {n}: {title(step.output)} = {step.op}({args})",
             f"    delta({title(step.output)}) = {fmt(step.grad_output)}",
             f"    local derivative: {step.rule}"]
    for i, (t, g, total) in enumerate(zip(step.inputs, step.grad_inputs, step.totals)):
        if g is None:
            continue
        how = f" = {_LINEAR_WORDS[i]}" if step.op == "Linear" and i < 3 else ""
        name = f"dL/d{title(t)}" if step.op == "Linear" and i == 1 else f"delta({title(t)})"
        line = f"    {name} += {fmt(g)}{how}"
        if total is not g:
            line += f"   (sum of both paths so far: {fmt(total)})"
        lines.append(line)
    return lines


def backprop_text(loss, gradient=None) -> str:
    """`print_backprop`'s text, returned instead of printed."""
    steps = list(backprop_steps(loss, gradient))
    lines = [f"Backprop of {title(loss)} through {len(steps)} ops, from the output back.",
             "delta(t) = dL/dt. Each op takes the delta of its output, multiplies it by its local",
             "derivative and adds the result to the delta of each input; a tensor used twice gets",
             "the sum. At a weight W of a layer z = x W^T + b: dL/dW = delta^T x.", ""]
    for k, step in enumerate(steps, 1):
        lines += step_lines(step, k, len(steps)) + [""]
    return "\n".join(lines).rstrip() + "\n"


def print_backprop(loss, gradient=None) -> None:
    """Print backprop step by step as the delta recursion of the course notes.

    Why: the course writes backprop as delta^(i) = delta^(i+1) dz^(i+1)/dz^(i) and
    dL/dW = delta x^T; this prints exactly that for your graph: at each op the delta that
    arrived, the op's local derivative with its numbers, and what each input received
    (with the running sum for a tensor used twice). `.grad` is not touched.

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(3.0, requires_grad=True, name="a")
        >>> viz.print_backprop(a * a)               # doctest: +NORMALIZE_WHITESPACE
        Backprop of Mul out through 1 ops, from the output back.
        ...
        step 1 of 1: Mul out = Mul(a, a)
            delta(Mul out) = 1
            local derivative: out = a * a: dout/da = a = 3, dout/da = a = 3
            delta(a) += 3
            delta(a) += 3   (sum of both paths so far: 6)
    """
    print(backprop_text(loss, gradient), end="")


def draw_backprop(loss, step: int, gradient=None, **options):
    """Draw the graph as it is after `step` steps of backprop (1 = the op nearest the loss).

    Why: a sequence of these pictures is backprop as an animation. Each tensor shows the
    gradient that has reached it so far (complete once every op that used it has run its
    step), the op of this step is red, tensors not reached yet show no gradient. `.grad`
    is not used or changed. Other options go to `draw_graph`.

    Example:
        >>> from tinygrad_edu import viz
        >>> from tinygrad_edu import Tensor
        >>> a = Tensor(3.0, requires_grad=True, name="a")
        >>> loss = (a * 2.0).exp()
        >>> viz.draw_backprop(loss, 1).source.count("| grad")   # Exp done: loss and a*2
        2
        >>> viz.draw_backprop(loss, 2).source.count("| grad")   # Mul done: a too
        3
    """
    if not isinstance(step, int) or step < 1:
        raise ValueError(f"viz.draw_backprop: step counts the backprop steps done, from 1; "
                         f"got {step!r}")
    arrived = {loss: np.ones_like(loss.data) if gradient is None else
               np.asarray(getattr(gradient, "data", gradient), dtype=loss.dtype)}
    current = None
    for done, current in enumerate(backprop_steps(loss, gradient), 1):
        for t, g in zip(current.inputs, current.grad_inputs):
            if g is not None:           # what has arrived so far: a running sum
                arrived[t] = arrived[t] + g if t in arrived else g
        if done == step:
            break
    else:
        raise ValueError(f"viz.draw_backprop: this graph has {done if current else 0} backprop "
                         f"steps, asked for step {step}")
    return draw_graph(loss, grads=arrived, highlight=current.output.grad_fn, **options)
