"""The backward walk: what happens when you call `loss.backward()`.

1. `toposort` lists the graph's nodes (Function instances), outputs before inputs,
   with an explicit stack (no recursion, so a 100 000-op chain is fine).
2. `run_backward` visits them in that order. Each node takes the total gradient of
   its output (the sum over every path, so reused tensors are handled), calls the op's
   `backward`, sums each input gradient back to the input's shape (broadcasting's
   adjoint, `sum_to_shape`) and passes it on: to the input's node, or into the
   `.grad` of a leaf.
3. Unless `retain_graph=True`, each node drops its inputs and saved arrays once used,
   so the graph is freed as the walk goes and a second walk raises a clear error.

Without `create_graph` the whole walk runs in no-grad mode: gradient arithmetic builds
no graph. With it, the gradient computations are recorded, so gradients can be
differentiated again (Hessian-vector products, gradient penalties).
"""
import numpy as np

from .grad_mode import STATE, set_grad_enabled
from .broadcast import sum_to_shape
from .anomaly import check_backward

FREED_GRAPH_MESSAGE = (
    "backward: trying to backward through the graph a second time (its saved values were freed "
    "by the first backward). Pass retain_graph=True to the first backward() if you need to walk "
    "the same graph again, or recompute the forward pass.")


def toposort(root_nodes):
    """Nodes reachable from `root_nodes`, each listed before the nodes of its inputs."""
    order, visited = [], set()
    stack = [(node, False) for node in root_nodes]
    while stack:
        node, inputs_done = stack.pop()
        if inputs_done:
            order.append(node)
            continue
        if node in visited:
            continue
        visited.add(node)
        if node.inputs is None:
            raise RuntimeError(FREED_GRAPH_MESSAGE)
        stack.append((node, True))
        for t in node.inputs:
            parent = t.grad_fn
            if parent is not None and parent not in visited:
                stack.append((parent, False))
    order.reverse()
    return order


def _apply_hooks(hooks, grad):
    for hook in hooks:
        result = hook(grad)
        if result is not None:
            grad = result
    return grad


def _accumulate_leaf(leaf, grad, create_graph):
    """Add `grad` into `leaf.grad` (sum across backward calls, as in PyTorch)."""
    if leaf._hooks:
        grad = _apply_hooks(leaf._hooks, grad)
    if leaf.grad is None:
        if not grad.data.flags.writeable:       # a broadcast view: give the leaf its own array
            grad = leaf._make(np.array(grad.data), grad.grad_fn)
        leaf.grad = grad
    elif create_graph:
        leaf.grad = leaf.grad + grad
    else:
        leaf.grad = leaf._make(leaf.grad.data + grad.data, None)


def run_backward(roots, root_grads, retain_graph=False, create_graph=False, capture=None):
    """Propagate `root_grads` from `roots` back through the graph.

    With `capture` (a list of tensors, used by `tinygrad_edu.grad`) the gradients of
    those tensors are returned instead of being accumulated into leaves' `.grad`.
    """
    captured = None
    if capture is not None:
        captured = [None] * len(capture)
        capture_leaf = {id(t): i for i, t in enumerate(capture) if t.grad_fn is None}
        capture_node = {t.grad_fn: i for i, t in enumerate(capture) if t.grad_fn is not None}

    def deliver_to_leaf(leaf, g):
        if captured is None:
            _accumulate_leaf(leaf, g, create_graph)
        elif id(leaf) in capture_leaf:
            i = capture_leaf[id(leaf)]
            captured[i] = g if captured[i] is None else captured[i] + g

    with set_grad_enabled(create_graph):
        grads = {}
        for root, g in zip(roots, root_grads):
            if root.grad_fn is None:
                deliver_to_leaf(root, g)
            else:
                node = root.grad_fn
                grads[node] = grads[node] + g if node in grads else g
        for node in toposort(list(grads)):
            grad = grads.pop(node, None)
            if grad is None:      # no path from the roots carried a gradient here
                continue
            if node.hooks:
                grad = _apply_hooks(node.hooks, grad)
            if node.retained is not None:
                _retain(node, grad)
            if captured is not None and node in capture_node:
                captured[capture_node[node]] = grad
            if STATE.anomaly:
                input_grads = _checked_backward(node, grad)
            else:
                input_grads = node.backward(grad)
            if type(input_grads) is not tuple:
                input_grads = (input_grads,)
            for t, g in zip(node.inputs, input_grads):
                if g is None or not t.requires_grad:
                    continue
                if g.shape != t.shape:
                    g = sum_to_shape(g, t.shape, type(node).__name__)
                if g.dtype != t.dtype:
                    g = g.to(t.dtype)
                parent = t.grad_fn
                if parent is None:
                    deliver_to_leaf(t, g)
                elif parent in grads:
                    grads[parent] = grads[parent] + g
                else:
                    grads[parent] = g
            if not retain_graph:
                node.release()
    return captured


def _checked_backward(node, grad):
    """Run a node's backward with forward checks paused, then check its results, so that a
    NaN made by a derivative formula is blamed on the op whose derivative it is."""
    STATE.anomaly = False
    try:
        input_grads = node.backward(grad)
    finally:
        STATE.anomaly = True
    check_backward(node, grad, input_grads if type(input_grads) is tuple else (input_grads,))
    return input_grads


def _retain(node, grad):
    tensor = node.retained()
    if tensor is not None:
        tensor.grad = grad if tensor.grad is None else tensor.grad + grad
