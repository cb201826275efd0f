"""`grad()`, `gradcheck` and `gradgradcheck`: gradients on demand, and their verification.

gradcheck compares every entry of the Jacobian that backprop computes with a central
difference (f(x + eps) - f(x - eps)) / (2 eps) in float64, and explains the first
mismatch in words a student can act on.
"""
import numpy as np

from .tensor import Tensor
from .autograd import run_backward, seed_gradient
from .argcheck import describe


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of `outputs` with respect to `inputs`, returned instead of stored in `.grad`.

    Example (a Hessian-vector product needs create_graph=True on the first call):
        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (g,) = grad((x ** 3).sum(), x, create_graph=True)
        >>> (h,) = grad((g * Tensor([1.0, 0.0])).sum(), x)
        >>> h.tolist()
        [6.0, 0.0]
    """
    outputs = _tensors("outputs", outputs)
    inputs = _tensors("inputs", inputs)
    grad_outputs = _one_per_output(grad_outputs, len(outputs))
    seeds = []
    for out, seed in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise RuntimeError("grad: an output does not require grad; nothing connects it to "
                               "the inputs")
        seeds.append(seed_gradient(out, seed, "grad", argument="grad_outputs"))
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError(f"grad: an input of shape {t.shape} does not require grad")
    keep = create_graph if retain_graph is None else retain_graph
    # the same tensor may be asked for twice (grad(f, [x, x])): capture it once, answer both
    first = {}
    for t in inputs:
        first.setdefault(id(t), len(first))
    distinct = list({id(t): t for t in inputs}.values())
    captured = run_backward(outputs, seeds, keep, create_graph, capture=distinct)
    result = [captured[first[id(t)]] for t in inputs]
    for i, (t, g) in enumerate(zip(inputs, result)):
        if g is None:
            if not allow_unused:
                raise RuntimeError(f"grad: input {i} (shape {t.shape}) is not used to compute the "
                                   f"outputs; pass allow_unused=True to get None for it")
        elif g.shape != t.shape:
            result[i] = g.expand(*t.shape) if g.data.size == 1 else g
    return tuple(result)


def _tensors(argument, value):
    """A Tensor or an iterable of Tensors (e.g. model.parameters()), as a list; a TypeError
    naming the bad item otherwise."""
    if isinstance(value, Tensor):
        items = [value]
    elif isinstance(value, (str, bytes)) or not hasattr(value, "__iter__"):
        items = None
    else:
        items = list(value)
    if not items:
        raise TypeError(f"grad: {argument} must be a Tensor or a non-empty list of Tensors, got "
                        f"{describe(value)}")
    for i, t in enumerate(items):
        if not isinstance(t, Tensor):
            raise TypeError(f"grad: {argument}[{i}] must be a Tensor, got {describe(t)}")
    return list(items)


def _one_per_output(grad_outputs, count):
    """grad_outputs as a list with one entry per output.

    One rule, the same as backward(gradient=...): a Tensor, a numpy array or a number is
    the gradient of the one output; a list or tuple gives one gradient per output.
    """
    if grad_outputs is None:
        return [None] * count
    if not isinstance(grad_outputs, (list, tuple)):
        if count != 1:
            raise ValueError(f"grad: grad_outputs is one gradient ({describe(grad_outputs)}) but "
                             f"there are {count} outputs; pass a list with one gradient per output")
        return [grad_outputs]
    if len(grad_outputs) != count:
        raise ValueError(f"grad: {len(grad_outputs)} grad_outputs for {count} outputs; give one "
                         f"gradient per output (a list of the same length)")
    return list(grad_outputs)


class GradcheckError(AssertionError):
    """A backprop gradient disagrees with central finite differences."""


def _as_float64_leaves(inputs):
    leaves = []
    for t in inputs:
        if isinstance(t, Tensor) and t.requires_grad:
            leaves.append(Tensor(t.data.astype(np.float64), requires_grad=True))
        else:
            leaves.append(t)
    return leaves


def _flat_outputs(fn, inputs):
    out = fn(*inputs)
    outs = [out] if isinstance(out, Tensor) else [o for o in out if isinstance(o, Tensor)]
    return outs


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True):
    """Check backprop's gradients of `fn(*inputs)` against central differences in float64.

    Every input Tensor with requires_grad=True is checked (copied to float64 first).
    Returns True, or raises GradcheckError naming the input, the index and both values.

    Example:
        >>> x = Tensor([0.5, -1.0], requires_grad=True)
        >>> gradcheck(lambda t: (t * t).sum(), (x,))
        True
    """
    inputs = _as_float64_leaves(inputs if isinstance(inputs, (tuple, list)) else (inputs,))
    checked = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input requires grad; mark the inputs to check with "
                         "requires_grad=True")
    outputs = _flat_outputs(fn, inputs)
    for k, out in enumerate(outputs):
        for j in range(out.data.size):
            # analytic: row j of the Jacobian by one backward pass with a one-hot seed
            seed = np.zeros(out.shape, dtype=np.float64)
            seed.flat[j] = 1.0
            wrt = [inputs[i] for i in checked]
            analytic = grad(_flat_outputs(fn, inputs)[k], wrt, grad_outputs=Tensor(seed),
                            allow_unused=True) if out.requires_grad else [None] * len(wrt)
            for i, g in zip(checked, analytic):
                x = inputs[i]
                for idx in np.ndindex(*x.shape):
                    original = x.data[idx]
                    x.data[idx] = original + eps
                    plus = _flat_outputs(fn, inputs)[k].data.flat[j]
                    x.data[idx] = original - eps
                    minus = _flat_outputs(fn, inputs)[k].data.flat[j]
                    x.data[idx] = original
                    numeric = (plus - minus) / (2 * eps)
                    got = 0.0 if g is None else float(np.asarray(g.data, dtype=np.float64)[idx])
                    if not abs(got - numeric) <= atol + rtol * abs(numeric):
                        if not raise_exception:
                            return False
                        element = tuple(int(i) for i in np.unravel_index(j, out.shape))
                        raise GradcheckError(
                            f"gradcheck: expected derivative {numeric:.6g} of output {k} element "
                            f"{element} with respect to "
                            f"input {i} at index {idx} from central differences, got {got:.6g} "
                            f"from backprop (difference {abs(got - numeric):.3g}, allowed "
                            f"{atol + rtol * abs(numeric):.3g})")
    return True


def gradgradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, seed=0):
    """Check second derivatives: gradcheck of the (create_graph) gradient of `fn`.

    The gradient is contracted with a fixed random vector v, so what is checked is the
    function x -> <v, J_f(x)>, whose derivative is a Hessian-vector product.
    """
    inputs = _as_float64_leaves(inputs if isinstance(inputs, (tuple, list)) else (inputs,))
    outs = _flat_outputs(fn, inputs)
    rng = np.random.default_rng(seed)
    vs = [Tensor(rng.standard_normal(o.shape)) for o in outs]

    def first_derivatives(*args):
        leaves = [a for a in args if isinstance(a, Tensor) and a.requires_grad]
        outputs = _flat_outputs(fn, args)
        grads = grad(outputs, leaves, grad_outputs=vs, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None and g.requires_grad)

    if not first_derivatives(*inputs):
        raise ValueError("gradgradcheck: the gradient of fn does not depend on the inputs (the "
                         "second derivative is zero everywhere); nothing to check")
    return gradcheck(first_derivatives, inputs, eps=eps, atol=atol, rtol=rtol)
