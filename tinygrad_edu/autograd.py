"""The backward walk: what happens when you call `loss.backward()`.

1. Every node (a Function instance) got a sequence number when it was created, and a
   node is always created after the nodes of its inputs. So visiting nodes from the
   newest to the oldest visits every node after all the nodes that consume its output:
   by then its gradient is complete (the sum over every path, so reused tensors are
   handled). A heap keyed on that number gives the order in one pass, without
   recursion, so a 100 000-op chain is fine.
2. Each node calls its op's `backward`, sums each input gradient back to the input's
   shape (broadcasting's adjoint, `sum_to_shape`) and passes it on: to the input's
   node, which joins the heap, or into the `.grad` of a leaf.
3. Unless `retain_graph=True`, each node drops its inputs and saved arrays once used,
   so the graph is freed as the walk goes and a second walk raises a clear error.

Without `create_graph` the whole walk runs in no-grad mode: gradient arithmetic builds
no graph. With it, the gradient computations are recorded, so gradients can be
differentiated again (Hessian-vector products, gradient penalties).
"""
import heapq

import numpy as np

from .grad_mode import STATE, set_grad_enabled
from .broadcast import sum_to_shape
from .anomaly import check_backward
from .indexed_grad import IndexedGrad, add_gradients
from .dtypes import as_array
from .versions import CLOCK, check_node

FREED_GRAPH_MESSAGE = (
    "backward: trying to backward through the graph a second time (its saved values were freed "
    "by the first backward). Pass retain_graph=True to the first backward() if you need to walk "
    "the same graph again, or recompute the forward pass.")


def seed_gradient(output, gradient, op_name, argument="gradient"):
    """The gradient a backward walk starts from at `output`: 1 for a one-element output,
    otherwise the given `gradient` (the vector of the vector-Jacobian product), checked."""
    if gradient is None:
        if output.data.size != 1:
            raise RuntimeError(f"{op_name}: a gradient can only be created implicitly for a "
                               f"scalar; this tensor has shape {output.shape}. Pass {argument}= a "
                               f"tensor of that shape, or reduce first (e.g. .sum())")
        return output._make(np.ones(output.shape, dtype=output.dtype), None)
    if not hasattr(gradient, "grad_fn"):          # a number, a numpy array or nested lists
        gradient = output._make(as_array(gradient, output.dtype, op=f"{op_name}: {argument}"),
                                None)
    if gradient.shape != output.shape:
        raise RuntimeError(f"{op_name}: {argument} has shape {gradient.shape} but the tensor has "
                           f"shape {output.shape}; they must match")
    return gradient


def _apply_hooks(hooks, grad):
    for hook in hooks:
        result = hook(grad)
        if result is not None:
            grad = result
    return grad


def _accumulate_leaf(leaf, grad, create_graph):
    """Add `grad` into `leaf.grad` (sum across backward calls, as in PyTorch).

    The engine reads and writes the `_grad` slot: `.grad` is a property that checks for the
    non-leaf mistake, and this runs for every leaf of every backward.
    """
    if leaf._hooks:
        grad = _apply_hooks(leaf._hooks, grad)
    if leaf._grad is None:
        if not grad.data.flags.writeable:       # a broadcast view: give the leaf its own array
            grad = leaf._make(np.array(grad.data), grad.grad_fn)
        leaf._grad = grad
    elif create_graph:
        leaf._grad = leaf._grad + grad
    else:
        total = leaf._grad.data + grad.data
        if type(total) is not np.ndarray:           # 0-d + 0-d gives a numpy scalar
            total = np.array(total)
        leaf._grad = leaf._make(total, None)


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

    handed_out = set()      # memory blocks already given to a leaf as its .grad in this walk
    # all or nothing: leaves' .grad (and retained grads) change only once the whole walk has
    # succeeded, so a walk that meets a freed graph (or any error) midway leaves them as they were
    pending_leaves, pending_retained = [], []

    def deliver_to_leaf(leaf, g):
        if captured is None:
            pending_leaves.append((leaf, g))
        elif id(leaf) in capture_leaf:
            i = capture_leaf[id(leaf)]
            captured[i] = g if captured[i] is None else captured[i] + g

    def accumulate(leaf, g):
        if leaf._grad is None and not create_graph:
            # `a + b` sends one array to both leaves: give each leaf memory of its own,
            # so an in-place edit of a.grad can never change b.grad
            block = g.data if g.data.base is None else g.data.base
            if id(block) in handed_out:
                g = leaf._make(g.data.copy(), None)
            else:
                handed_out.add(id(block))
        _accumulate_leaf(leaf, g, create_graph)

    with set_grad_enabled(create_graph):
        grads = {}          # node -> gradient of its output, summed over the paths seen so far
        heap = []           # nodes waiting for their turn, newest first (Function.__lt__)
        for root, g in zip(roots, root_grads):
            if root.grad_fn is None:
                deliver_to_leaf(root, g)
            elif root.grad_fn in grads:
                grads[root.grad_fn] = grads[root.grad_fn] + g
            else:
                grads[root.grad_fn] = g
                heapq.heappush(heap, root.grad_fn)
        while heap:
            node = heapq.heappop(heap)
            grad = grads.pop(node)
            if node.inputs is None:
                raise RuntimeError(FREED_GRAPH_MESSAGE)
            if node.seq < CLOCK.last:               # something changed in place since it was made
                check_node(node)
            if type(grad) is IndexedGrad:           # all pieces are in: sum them now
                grad = node.inputs[0]._make(grad.to_array(), None)
            if node.hooks:
                grad = _apply_hooks(node.hooks, grad)
            if node.retained is not None:
                pending_retained.append((node, grad))
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
                if type(g) is np.ndarray:           # computed on arrays (see Function.values)
                    g = t._make(g, None)
                elif isinstance(g, np.generic):     # numpy's scalar results of 0-d arithmetic
                    g = t._make(np.asarray(g), None)
                elif type(g) is IndexedGrad:        # pieces of a gradient (see indexed_grad.py)
                    g = t._make(g.to_array(), None) if t.grad_fn is None else g
                if type(g) is not IndexedGrad:      # (pieces always have the input's shape)
                    if g.data.shape != t.data.shape:
                        g = sum_to_shape(g, t.shape, type(node).__name__)
                    if g.data.dtype != t.data.dtype:
                        g = g.to(t.dtype)
                parent = t.grad_fn
                if parent is None:
                    deliver_to_leaf(t, g)
                elif parent in grads:
                    grads[parent] = add_gradients(grads[parent], g)
                else:
                    grads[parent] = g
                    heapq.heappush(heap, parent)
            if not retain_graph:
                node.release()
        for node, g in pending_retained:            # the walk succeeded: now change .grad
            _retain(node, g)
        for leaf, g in pending_leaves:
            accumulate(leaf, g)
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
        tensor._grad = grad if tensor._grad is None else tensor._grad + grad
